"""The owners' round reports: every known-bad file refused with file, line and reason; good files
read into the frame written out by hand; the shipped rounds say what the documents say; the
template an owner fills in reads back."""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from etl import catalog as catalog_module
from etl.catalog import Catalog
from etl.errors import EtlError, RoundFileError
from etl.rounds import REPORT_SCHEMA, TEMPLATE_COLUMNS, read_reports, write_template
from tests.conftest import ROOT, SAMPLES
from vocabulary import MEASURE_STATES

ROUNDS = SAMPLES / "rounds"
PROBLEMS = ROUNDS / "with-problems"
EXPECTED = tomllib.loads((PROBLEMS / "expected.toml").read_text("utf-8"))
BAD = sorted(p for p in PROBLEMS.iterdir() if p.is_dir())
HEADER = "massnahme;stand;fortschritt;kommentar;gemeldet_von;gemeldet_am\n"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return catalog_module.load(ROUNDS / "indicators.toml")


def _write(data: Path, name: str, text: str) -> None:
    folder = data / "massnahmen"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def _problems(catalog: Catalog, data: Path) -> list[str]:
    with pytest.raises(RoundFileError) as caught:
        read_reports(catalog, data)
    return [str(p) for p in caught.value.problems]


# --- known-bad files ------------------------------------------------------------------------


def test_there_are_at_least_10_bad_inputs_each_with_its_expectation() -> None:
    assert len(BAD) >= 10
    assert sorted(p.name for p in BAD) == sorted(EXPECTED)


@pytest.mark.parametrize("bad", BAD, ids=[p.name for p in BAD])
def test_a_bad_file_is_refused_with_file_line_and_reason(catalog: Catalog, bad: Path) -> None:
    lines = _problems(catalog, bad)
    expected = EXPECTED[bad.name]
    assert len(lines) == 1, lines
    assert lines[0].startswith(expected["where"]), lines
    assert expected["message"] in lines[0], lines


def test_every_problem_in_every_file_is_listed_at_once(catalog: Catalog, tmp_path: Path) -> None:
    _write(tmp_path, "2019.csv", HEADER + "bildung.sprache.kurs;beschlossen;;;;\n")
    _write(tmp_path, "2021.csv", HEADER + "bildung.sprache.lotsen;Geplant;200;;;\n")
    _write(tmp_path, "2024-herbst.csv", "massnahme;Stand\n")
    lines = _problems(catalog, tmp_path)
    assert len(lines) == 6, lines
    assert any("massnahmen/2019.csv, line 2" in s and "unknown measure" in s for s in lines)
    assert any(
        "line 2" in s and '"Geplant" is not a state — did you mean "geplant"' in s for s in lines
    )
    assert any('"200" is out of range' in s for s in lines)
    assert any('unknown column "Stand" — did you mean "stand"' in s for s in lines)
    assert any('missing column "stand"' in s for s in lines)
    assert any("round 2023 (31.12.2023) has no file" in s for s in lines)


def test_a_file_that_is_no_workbook_is_refused(catalog: Catalog, tmp_path: Path) -> None:
    _write(tmp_path, "2019.xlsx", HEADER)
    (line,) = _problems(catalog, tmp_path)
    assert line.startswith("massnahmen/2019.xlsx: cannot be read as an Excel workbook")


def test_an_old_excel_file_is_refused(catalog: Catalog, tmp_path: Path) -> None:
    _write(tmp_path, "2019.xls", "")
    (line,) = _problems(catalog, tmp_path)
    assert "massnahmen/2019.xls: a round's reports are read from .csv or .xlsx only" in line


# --- good files -----------------------------------------------------------------------------


def test_a_csv_as_excel_saves_it_is_read(catalog: Catalog, tmp_path: Path) -> None:
    """BOM, CRLF, a kommentar over two lines in quotes, the template's hint columns in another
    order, rows of empty cells, "45 %" and "45,5", both date forms."""
    text = (
        "titel;massnahme;stand;kommentar;fortschritt;gemeldet_am;gemeldet_von;stand_vorrunde\r\n"
        'Sprachkurse;bildung.sprache.kurse;in Umsetzung;"Zwei Stadtteile fehlen;\r\n'
        'noch ""offen""";45 %;22.11.2019;Fachbereich Schule;\r\n'
        ";;;;;;;\r\n"
        "; bildung.sprache.lotsen ;geplant;;45,5;2019-11-30;;\r\n"
    )
    folder = tmp_path / "massnahmen"
    folder.mkdir()
    (folder / "2019.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    _write(tmp_path, "2021.csv", HEADER + "bildung.sprache.kurse;umgesetzt;100;;;\n")
    expected = pl.DataFrame(
        {
            "measure_id": [
                "bildung.sprache.kurse",
                "bildung.sprache.lotsen",
                "bildung.sprache.kurse",
            ],
            "round": ["2019", "2019", "2021"],
            "state": ["in Umsetzung", "geplant", "umgesetzt"],
            "progress": [45.0, 45.5, 100.0],
            "comment": ['Zwei Stadtteile fehlen;\nnoch "offen"', None, None],
            "reported_by": ["Fachbereich Schule", None, None],
            "reported_on": [dt.date(2019, 11, 22), dt.date(2019, 11, 30), None],
            "file": ["massnahmen/2019.csv", "massnahmen/2019.csv", "massnahmen/2021.csv"],
            "sheet": [None, None, None],
            # the kommentar spans lines 2 and 3; line 4 holds empty cells only
            "line": [2, 5, 2],
            "is_sample": [False, False, False],
        },
        schema=REPORT_SCHEMA,
    )
    assert_frame_equal(read_reports(catalog, tmp_path), expected)


def test_without_files_no_measure_is_reported_yet(catalog: Catalog, tmp_path: Path) -> None:
    empty = pl.DataFrame(schema=REPORT_SCHEMA)
    assert_frame_equal(read_reports(catalog, tmp_path), empty)
    (tmp_path / "massnahmen").mkdir()
    (tmp_path / "massnahmen" / "README.md").write_text("Notizen", encoding="utf-8")
    (tmp_path / "massnahmen" / "~$2019.xlsx").write_bytes(b"lock")
    assert_frame_equal(read_reports(catalog, tmp_path), empty)


def test_rounds_after_the_last_file_are_not_reported_yet(catalog: Catalog, tmp_path: Path) -> None:
    _write(tmp_path, "2019.csv", HEADER + "bildung.sprache.kurse;geplant;;;;\n")
    _write(tmp_path, "2021.csv", HEADER)
    frame = read_reports(catalog, tmp_path)
    assert frame.select("measure_id", "round", "state").rows() == [
        ("bildung.sprache.kurse", "2019", "geplant")
    ]


def test_going_back_with_a_kommentar_and_staying_are_fine(catalog: Catalog, tmp_path: Path) -> None:
    _write(
        tmp_path,
        "2019.csv",
        HEADER + "bildung.sprache.kurse;umgesetzt;;;;\n"
        "bildung.sprache.lotsen;gestrichen;;;;\n"
        "bildung.schule.elternarbeit;verzögert;;;;\n",
    )
    _write(
        tmp_path,
        "2021.csv",
        HEADER + "bildung.sprache.kurse;in Umsetzung;60;Neuer Stadtteil dazugekommen;;\n"
        "bildung.sprache.lotsen;gestrichen;;;;\n"
        "bildung.schule.elternarbeit;in Umsetzung;;;;\n",
    )
    # 2023 compares with 2021 (the most recent earlier report), not with 2019's "umgesetzt"
    _write(tmp_path, "2023.csv", HEADER + "bildung.sprache.kurse;in Umsetzung;70;;;\n")
    frame = read_reports(catalog, tmp_path)
    assert frame.height == 7


def test_the_sample_round_is_marked(catalog: Catalog, tmp_path: Path) -> None:
    for round_id in ("2019", "2021", "2023"):
        _write(tmp_path, f"{round_id}.csv", HEADER)
    _write(tmp_path, "2024-herbst.csv", HEADER + "bildung.sprache.kurse;geplant;;;;\n")
    assert read_reports(catalog, tmp_path)["is_sample"].to_list() == [True]


# --- the shipped rounds ---------------------------------------------------------------------


SHOWN = ["measure_id", "round", "state", "progress", "reported_by", "reported_on"]


def test_the_shipped_rounds_say_what_the_documents_say() -> None:
    """2019: Drucksache 2472/2019 (13.09.2019) decides the expert groups' staffing (2.2) and the
    election of two MSO representatives (2.1); no document says the election was held.
    2021: the press release on the steering group of 22.11.2021 strikes the Tiny-Houses, asks for
    a working group on FGM in the implementation phase, and says the AG "WIR 2.0 postmigrantisch"
    has contributed its proposals. The press text on the strategy paper carries no date and no
    30 % mark, so the new hires are reported in the sample round only."""
    frame = read_reports(catalog_module.load(ROOT / "indicators.toml"), ROOT / "data")
    real = frame.filter(~pl.col("is_sample"))
    expected = pl.DataFrame(
        {
            "measure_id": [
                "verwaltung.einwanderungsgesellschaft.gremienbesetzung",
                "stadtleben.mitgestaltung.mso_wahl",
                "soziales.wohnen.tiny_houses",
                "soziales.safe_spaces.ag_genitalverstuemmelung",
                "demokratie.postmigrantische_gesellschaft.ag_postmigrantisch",
            ],
            "round": ["2019", "2019", "2021", "2021", "2021"],
            "state": ["beschlossen", "beschlossen", "gestrichen", "geplant", "umgesetzt"],
            "progress": [None, None, None, None, None],
            "reported_by": [None, None, None, None, None],
            "reported_on": [dt.date(2019, 9, 13), dt.date(2019, 9, 13), None, None, None],
        },
        schema={k: REPORT_SCHEMA[k] for k in SHOWN},
    )
    assert_frame_equal(real.select(SHOWN), expected)
    comments = real["comment"].to_list()
    assert all(
        c.startswith("Drucksache 2472/2019 vom 13.09.2019, Abschnitt 2.") for c in comments[:2]
    )
    assert all(
        c.startswith("Pressemitteilung zur Sitzung der WIR 2.0-Lenkungsgruppe am 22.11.2021")
        for c in comments[2:]
    )


def test_the_shipped_sample_round_reports_every_measure_as_an_example() -> None:
    cat = catalog_module.load(ROOT / "indicators.toml")
    sample = read_reports(cat, ROOT / "data").filter(pl.col("is_sample"))
    assert sorted(sample["measure_id"]) == sorted(m.id for m in cat.measures)
    assert set(sample["round"]) == {"2024"}
    assert all(c.startswith("Beispiel:") for c in sample["comment"])
    assert all(by.endswith("(Beispiel)") for by in sample["reported_by"])
    assert "verzögert" in sample["state"].to_list()
    assert sample["progress"].null_count() < sample.height


# --- the template ---------------------------------------------------------------------------


def _reports_2019(catalog: Catalog, tmp_path: Path) -> pl.DataFrame:
    _write(
        tmp_path,
        "2019.csv",
        HEADER + "bildung.sprache.kurse;beschlossen;;;;\nbildung.sprache.lotsen;geplant;;;;\n",
    )
    return read_reports(catalog, tmp_path)


def test_the_template_has_the_instructions_and_a_sheet_per_owner(
    catalog: Catalog, tmp_path: Path
) -> None:
    reports = _reports_2019(catalog, tmp_path)
    out = write_template(catalog, reports, "2021", tmp_path / "vorlage.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "Anleitung",
        "Fachbereich Schule",
        "Sachgebiet Integration",
        "Fachbereich Jugend und Familie-",
    ]
    guide = "\n".join(str(c.value) for c in book["Anleitung"]["A"] if c.value)
    assert "Runde 2021" in guide
    assert "Stichtag 29.11.2021" in guide
    assert all(f"  {state} – " in guide for state in MEASURE_STATES)
    assert "Kopfzeile" in guide
    assert "data/massnahmen/2021.xlsx" in guide
    school = book["Fachbereich Schule"]
    rows = list(school.values)
    assert rows[0] == TEMPLATE_COLUMNS
    assert [(r[0], r[5], r[6]) for r in rows[1:]] == [
        ("bildung.sprache.kurse", "beschlossen", "beschlossen"),
        ("bildung.sprache.lotsen", "geplant", "geplant"),
    ]
    assert rows[1][1:5] == (
        "Sprachkurse in jedem Stadtteil",
        "Sprachbildung für alle Altersgruppen",
        "Fachbereich Schule",
        2022,
    )
    assert school.freeze_panes == "B2"
    assert all(cell.font.b for cell in school[1])
    assert school.column_dimensions["C"].width >= 30
    validations = {str(v.sqref): v for v in school.data_validations.dataValidation}
    assert validations["G2:G3"].type == "list"
    assert validations["G2:G3"].formula1 == '"' + ",".join(MEASURE_STATES) + '"'
    assert (validations["H2:H3"].type, validations["H2:H3"].formula2) == ("whole", "100")
    assert validations["K2:K3"].type == "date"
    never_reported = list(book["Sachgebiet Integration"].values)[1]
    assert never_reported[5:7] == (None, None)


def test_the_filled_template_reads_back(catalog: Catalog, tmp_path: Path) -> None:
    reports = _reports_2019(catalog, tmp_path)
    out = write_template(catalog, reports, "2021", tmp_path / "vorlage.xlsx")
    book = openpyxl.load_workbook(out)
    filled = {
        "bildung.sprache.kurse": ("in Umsetzung", 45, dt.datetime(2021, 12, 3)),
        "bildung.sprache.lotsen": ("gestrichen", None, "03.12.2021"),
        "bildung.schule.elternarbeit": ("verzögert", 10, None),
        "bildung.schule.ganztag": ("geplant", None, dt.date(2021, 11, 2)),
    }
    for sheet in book.worksheets[1:]:
        for row in sheet.iter_rows(min_row=2):
            state, progress, date = filled[row[0].value]
            row[6].value, row[7].value, row[10].value = state, progress, date
    book.save(tmp_path / "massnahmen" / "2021.xlsx")
    frame = read_reports(catalog, tmp_path).filter(pl.col("round") == "2021")
    assert sorted(frame.select("measure_id", "state", "progress", "reported_on").rows()) == [
        ("bildung.schule.elternarbeit", "verzögert", 10.0, None),
        ("bildung.schule.ganztag", "geplant", None, dt.date(2021, 11, 2)),
        ("bildung.sprache.kurse", "in Umsetzung", 45.0, dt.date(2021, 12, 3)),
        ("bildung.sprache.lotsen", "gestrichen", None, dt.date(2021, 12, 3)),
    ]
    assert set(frame["file"]) == {"massnahmen/2021.xlsx"}
    assert frame.filter(pl.col("measure_id") == "bildung.schule.ganztag")["sheet"].item() == (
        "Fachbereich Jugend und Familie-"
    )


def test_a_template_returned_as_it_was_keeps_the_states(catalog: Catalog, tmp_path: Path) -> None:
    """An owner with nothing new sends the file back untouched: the pre-filled states read back.
    A measure never reported has an empty stand, which is refused (never guessed), naming the
    sheet and row; the owner deletes the row or fills it in."""
    reports = _reports_2019(catalog, tmp_path)
    mine = write_template(
        catalog, reports, "2021", tmp_path / "schule.xlsx", owner="Fachbereich Schule"
    )
    shutil.copy(mine, tmp_path / "massnahmen" / "2021.xlsx")
    frame = read_reports(catalog, tmp_path)
    assert frame.select("round", "measure_id", "state").rows() == [
        ("2019", "bildung.sprache.kurse", "beschlossen"),
        ("2019", "bildung.sprache.lotsen", "geplant"),
        ("2021", "bildung.sprache.kurse", "beschlossen"),
        ("2021", "bildung.sprache.lotsen", "geplant"),
    ]
    assert frame["sheet"].to_list() == [None, None, "Fachbereich Schule", "Fachbereich Schule"]
    everyone = write_template(catalog, reports, "2021", tmp_path / "alle.xlsx")
    shutil.copy(everyone, tmp_path / "massnahmen" / "2021.xlsx")
    lines = _problems(catalog, tmp_path)
    assert len(lines) == 2, lines
    assert lines[0].startswith(
        'massnahmen/2021.xlsx, sheet "Sachgebiet Integration", line 2, column G ("stand"): '
        "the state is empty"
    )
    assert lines[1].startswith(
        'massnahmen/2021.xlsx, sheet "Fachbereich Jugend und Familie-", line 2, column G'
    )


def test_the_template_prefills_the_most_recent_earlier_state(
    catalog: Catalog, tmp_path: Path
) -> None:
    _write(tmp_path, "2019.csv", HEADER + "bildung.sprache.kurse;beschlossen;;;;\n")
    _write(tmp_path, "2021.csv", HEADER + "bildung.sprache.kurse;in Umsetzung;;;;\n")
    _write(tmp_path, "2023.csv", HEADER + "bildung.sprache.kurse;umgesetzt;;;;\n")
    # a frame in any order: the latest round before 2023 wins, 2023 itself is no earlier round
    reports = read_reports(catalog, tmp_path).reverse()
    out = write_template(catalog, reports, "2023", tmp_path / "v.xlsx", owner="Fachbereich Schule")
    row = next(
        openpyxl.load_workbook(out)["Fachbereich Schule"].iter_rows(min_row=2, values_only=True)
    )
    assert row[0] == "bildung.sprache.kurse"
    assert row[5:7] == ("in Umsetzung", "in Umsetzung")


def test_the_owner_filter_and_its_mistakes(catalog: Catalog, tmp_path: Path) -> None:
    empty = pl.DataFrame(schema=REPORT_SCHEMA)
    out = write_template(
        catalog, empty, "2019", tmp_path / "v.xlsx", owner="Sachgebiet Integration"
    )
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Anleitung", "Sachgebiet Integration"]
    assert [
        r[0] for r in book["Sachgebiet Integration"].iter_rows(min_row=2, values_only=True)
    ] == ["bildung.schule.elternarbeit"]
    with pytest.raises(RoundFileError) as caught:
        write_template(catalog, empty, "2019", tmp_path / "v.xlsx", owner="Sachgebiet integration")
    assert (
        'no measure has the owner "Sachgebiet integration" — did you mean "Sachgebiet Integration"?'
        in str(caught.value)
    )
    with pytest.raises(EtlError) as caught:
        write_template(catalog, empty, "2024-herbs", tmp_path / "v.xlsx")
    assert str(caught.value).startswith(
        'indicators.toml: unknown round "2024-herbs" — did you mean "2024-herbst"? '
        "(declared rounds: 2019, 2021, 2023, 2024-herbst)"
    )


# --- what Excel types ----------------------------------------------------------------------


def _workbook(path: Path, rows: list[list[object]], percent_cell: str | None = None) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Anleitung"
    book.active.append(["Diese Zeilen werden nicht gelesen", "stand"])
    sheet = book.create_sheet("Fachbereich Schule")
    sheet.append(["massnahme", "stand", "fortschritt", "gemeldet_am"])
    for row in rows:
        sheet.append(row)
    if percent_cell:
        sheet[percent_cell].number_format = "0%"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def test_numbers_and_dates_as_excel_types_them(catalog: Catalog, tmp_path: Path) -> None:
    _workbook(
        tmp_path / "massnahmen" / "2019.xlsx",
        [
            ["bildung.sprache.kurse", "in Umsetzung", 45, dt.datetime(2019, 11, 20)],
            [None, None, None, None],
            ["bildung.sprache.lotsen", "in Umsetzung", 0.3, "20.11.2019"],
            ["bildung.schule.elternarbeit", "umgesetzt", 100.0, None],
        ],
        percent_cell="C4",
    )
    frame = read_reports(catalog, tmp_path)
    assert frame.select("measure_id", "progress", "reported_on", "line").rows() == [
        ("bildung.sprache.kurse", 45.0, dt.date(2019, 11, 20), 2),
        ("bildung.sprache.lotsen", 30.0, dt.date(2019, 11, 20), 4),
        ("bildung.schule.elternarbeit", 100.0, None, 5),
    ]


def test_a_fraction_without_percent_format_is_refused(catalog: Catalog, tmp_path: Path) -> None:
    _workbook(
        tmp_path / "massnahmen" / "2019.xlsx",
        [["bildung.sprache.kurse", "in Umsetzung", 0.45, 43791]],
    )
    lines = _problems(catalog, tmp_path)
    assert lines == [
        'massnahmen/2019.xlsx, sheet "Fachbereich Schule", line 2, column C ("fortschritt"): '
        "0.45 lies between 0 and 1: if you mean 45 %, write 45",
        'massnahmen/2019.xlsx, sheet "Fachbereich Schule", line 2, column D ("gemeldet_am"): '
        '"43791" is not a date; expected TT.MM.JJJJ (e.g. 22.11.2021) or JJJJ-MM-TT',
    ]
