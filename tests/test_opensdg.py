"""The Open SDG reader, on hand-made samples in the published layout and on the 60 real files of
the Land's integration monitoring (../shared/data/lsn-integrationsmonitoring/).

The samples in samples/opensdg/ copy the header and a few rows of real files (see its README);
every expected frame below was worked out from those rows by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from etl.__main__ import main
from etl.errors import EtlError, SourceFileError
from etl.readers import TIDY_SCHEMA, detect_format, opensdg, read
from etl.readers._common import REGION_CODE, display_name
from tests.conftest import ROOT, SAMPLES, SHARED

OPENSDG = SAMPLES / "opensdg" / "data"
LSN = SHARED / "data" / "lsn-integrationsmonitoring"
LSN_FILES = sorted((LSN / "data").glob("indicator_*.csv"))
ABSENT = "real files not here: ../shared/data/lsn-integrationsmonitoring/ is absent on this machine"
HANNOVER = "03241001"

SCHOOL_LEAVERS = "Schulabgängerinnen und Schulabgänger ohne Hauptschulabschluss nach Nationalität"


def expected(rows: list[dict]) -> pl.DataFrame:
    """A tidy frame from hand-written rows; columns left out are null."""
    return pl.DataFrame(
        [{name: row.get(name) for name in TIDY_SCHEMA} for row in rows], schema=TIDY_SCHEMA
    )


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" + text).encode("utf-8"))
    return path


# --- samples worked out by hand --------------------------------------------------------------


def test_city_by_nationality_worked_out_by_hand() -> None:
    frame = opensdg.read(OPENSDG / "indicator_4-1-4.csv", source="abgang")
    common = {
        "source": "abgang",
        "period": 2019,
        "sex": "insgesamt",
        "category": "Gebietsebene: K",
    }
    count = {**common, "measure": f"{SCHOOL_LEAVERS} (Anzahl)", "unit": "Anzahl"}
    share = {**common, "measure": f"{SCHOOL_LEAVERS} (Prozent)", "unit": "Prozent"}
    city = {"region_code": HANNOVER, "region_name": "dav. Hannover, Lhst."}
    assert_frame_equal(
        frame,
        expected(
            [
                {**count, "region_code": "03241", "region_name": "Region Hannover",
                 "nationality": "deutsch", "value": 401.0, "line": 2},
                {**count, **city, "nationality": "deutsch", "value": 185.0, "line": 3},
                {**count, "region_code": "03241999", "region_name": "dav. Hannover, Umland",
                 "nationality": "deutsch", "value": 216.0, "line": 4},
                # K030: the layer's code for the Land, read as the official key 03.
                {**count, "region_code": "03", "region_name": "Niedersachsen",
                 "nationality": "deutsch", "value": 3908.0, "line": 5},
                {**count, **city, "nationality": "ausländisch", "value": 135.0, "line": 6},
                {**share, **city, "nationality": "deutsch", "value": 4.43964482841373, "line": 7},
                {**share, **city, "nationality": "ausländisch", "value": 21.1598746081505,
                 "line": 8},
            ]
        ),
    )  # fmt: skip


def test_combined_column_and_regions_named_without_key() -> None:
    frame = opensdg.read(OPENSDG / "indicator_6-1-1.csv", source="armut")
    common = {
        "source": "armut",
        "measure": "Armutsgefährdungsquoten in Niedersachsen und Deutschland",
        "unit": "%",
        "period": 2005,
        "sex": "insgesamt",
    }
    land = {**common, "region_code": "03", "region_name": "Niedersachsen"}
    total = "Migrationshintergrund: insgesamt"
    assert_frame_equal(
        frame,
        expected(
            [
                {**land, "nationality": "deutsch", "category": total, "value": 13.1, "line": 2},
                {**land, "nationality": "ausländisch", "category": total, "value": 43.0,
                 "line": 3},
                {**land, "nationality": "insgesamt",
                 "category": "Migrationshintergrund: mit Migrationshintergrund", "value": 33.2,
                 "line": 4},
                {**land, "nationality": "insgesamt",
                 "category": "Migrationshintergrund: ohne Migrationshintergrund", "value": 11.7,
                 "line": 5},
                {**land, "nationality": "insgesamt", "category": total, "value": 15.1, "line": 6},
                {**common, "region_code": "DG", "region_name": "Deutschland",
                 "nationality": "deutsch", "category": total, "value": 12.8, "line": 7},
            ]
        ),
    )  # fmt: skip


def test_month_years_and_a_sex_column_holding_ages() -> None:
    frame, skipped = opensdg.read_with_warnings(OPENSDG / "indicator_5-3-2.csv", "alq")
    common = {
        "source": "alq",
        "measure": "Entwicklung der Arbeitslosenquote",
        "unit": "%",
        "region_code": "03",
        "region_name": "Niedersachsen",
        "period": 2024,
        "reference_date": dt.date(2024, 6, 1),
        "nationality": "insgesamt",
    }
    everyone = "Kategorie: Arbeitslosenquote Insgesamt (alle Erwerbspersonen)"
    assert_frame_equal(
        frame,
        expected(
            [
                {**common, "sex": "insgesamt", "category": everyone, "value": 5.7, "line": 2},
                {**common, "sex": "männlich", "category": everyone, "value": 5.9, "line": 3},
                {**common, "sex": "weiblich", "category": everyone, "value": 5.5, "line": 4},
                {**common, "sex": "insgesamt", "value": 16.9, "line": 5,
                 "category": "Kategorie: Arbeitslosenquote von Ausländerinnen und Ausländern "
                 "(alle Erwerbspersonen)"},
                {**common, "sex": "insgesamt", "value": 5.2, "line": 6,
                 "category": "Kategorie: Arbeitslosenquote (Insgesamt) der bis unter 25-Jährigen"},
            ]
        ),
    )  # fmt: skip
    # Line 7 has "15 bis unter 20 Jahre" under Geschlecht: read as a total it would be added
    # to line 6's real total, so it is skipped and said so.
    assert [(p.line, p.column, p.message) for p in skipped] == [
        (
            7,
            '"Geschlecht"',
            'Geschlecht "15 bis unter 20 Jahre" cannot be read as a sex (männlich, weiblich, '
            "divers or insgesamt); 1 row skipped (line 7)",
        )
    ]


def test_read_logs_skipped_rows(caplog: pytest.LogCaptureFixture) -> None:
    frame = opensdg.read(OPENSDG / "indicator_5-3-2.csv")
    assert frame.height == 5
    path = display_name(OPENSDG / "indicator_5-3-2.csv")
    assert [(r.name, r.levelname) for r in caplog.records] == [("etl.readers.opensdg", "WARNING")]
    assert (
        caplog.records[0]
        .getMessage()
        .startswith(
            f'warning: {path}, line 7, column "Geschlecht": Geschlecht "15 bis unter 20 Jahre"'
        )
    )


def test_comment_obs_is_the_flag_beside_a_number_or_an_empty_cell() -> None:
    frame = opensdg.read(OPENSDG / "indicator_1-3-4.csv", source="herkunft")
    common = {
        "source": "herkunft",
        "measure": "Menschen mit Migrationshintergrund nach Herkunftsland und Geschlecht (in 1000)",
        "unit": "in 1000",
        # No GeoCode and no Gebietseinheit: the Land's figures.
        "region_code": "03",
        "region_name": "Niedersachsen",
        "sex": "insgesamt",
        "nationality": "insgesamt",
    }
    assert_frame_equal(
        frame,
        expected(
            [
                {**common, "period": 2021, "category": "Herkunftsland: Polen", "value": 242.0,
                 "line": 2},
                {**common, "period": 2021, "category": "Herkunftsland: Marokko", "value": 7.0,
                 "flag": "Aussagewert eingeschränkt, da der Zahlenwert statistisch relativ "
                 "unsicher ist.", "line": 3},
                {**common, "period": 2019, "category": "Herkunftsland: Australien und Ozeanien",
                 "value": None, "flag": "Nicht veröffentlicht, weil nicht ausreichend genau "
                 "oder nicht repräsentativ.", "line": 4},
            ]
        ),
    )  # fmt: skip


def test_detect_format_by_header() -> None:
    for path in sorted(OPENSDG.glob("*.csv")):
        assert detect_format(path) == "opensdg"
    assert detect_format(SAMPLES / "ffcsv_beschaeftigte.csv") == "ffcsv"
    assert detect_format(SAMPLES / "genesis_personal.csv") == "genesis"
    assert detect_format(SAMPLES / "staff_report.csv") == "staff_report"


def test_registered_format_reads_like_the_module() -> None:
    path = OPENSDG / "indicator_4-1-4.csv"
    assert_frame_equal(read(path, "opensdg", "x"), opensdg.read(path, "x"))


# --- regions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("geo", "area", "code", "layer"),
    [
        ("K03241001", "dav. Hannover, Lhst.", HANNOVER, "K"),
        ("K03241999", "dav. Hannover, Umland", "03241999", "K"),
        ("RH03101", "Braunschweig, Stadt", "03101", "RH"),
        ("MZ03241001", "dav. Hannover, Lhst.", HANNOVER, "MZ"),
        # A Mikrozensus pair of two Kreise (03354 Lüchow-Dannenberg, 03360 Uelzen).
        ("MZ03354360", "Uelzen Lüchow-Dannenberg", "03354360", "MZ"),
        ("RH030", "Niedersachsen", "03", "RH"),
        ("K031", "Statistische Region Braunschweig", "031", "K"),
        ("03", "Niedersachsen", "03", None),
        # Adjustment layers keep their whole code: "01" alone is Schleswig-Holstein.
        ("RA_03", "dav. Hannover, Landeshauptstadt", "RA_03", "RA"),
        ("", "Region Hannover", "03241", None),
        ("#NV", "Niedersachsen", "03", None),
        ("", "Deutschland", "DG", None),
    ],
)
def test_geocode_to_key_and_layer(geo: str, area: str, code: str, layer: str | None) -> None:
    assert opensdg.place(geo, area) == opensdg.Place(code, area, layer)


@pytest.mark.parametrize(
    ("geo", "area", "message"),
    [
        ("X03241", "Region Hannover", 'GeoCode "X03241" is not a known key'),
        ("0", "Niedersachsen", 'GeoCode "0" is not a known key'),
        ("K3241001", "dav. Hannover, Lhst.", "Excel may have dropped its leading zero"),
        ("K0324100", "dav. Hannover, Lhst.", 'GeoCode "K0324100" is not a known key'),
    ],
)
def test_unknown_geocode_is_refused(geo: str, area: str, message: str) -> None:
    found = opensdg.place(geo, area)
    assert found.code is None
    assert found.error is not None
    assert message in found.error


def test_a_row_without_key_takes_the_key_its_name_has_in_the_file(tmp_path: Path) -> None:
    # indicator_1-2-8.csv, lines 1, 50, 2185: the Land once as K030, once as Excel's #NV.
    path = write(
        tmp_path,
        "indicator_1-2-8.csv",
        "Year,Nationalität,Gebietseinheit,GeoCode,Value\n"
        '2005,Ausländerinnen und Ausländer,"Niedersachsen",#NV,3806\n'
        '2024,Deutsche,"Niedersachsen",K030,60152\n',
    )
    frame = opensdg.read(path)
    assert frame.select("region_code", "region_name", "category").rows() == [
        ("03", "Niedersachsen", "Gebietsebene: K"),
        ("03", "Niedersachsen", "Gebietsebene: K"),
    ]


def test_umland_key_named_as_the_city_is_skipped(tmp_path: Path) -> None:
    # indicator_2-3-3.csv, lines 1, 13-15, 1002-1003: until 2023 the city's rows carry the
    # Umland's key; which of key and name is wrong, a reader cannot know.
    path = write(
        tmp_path,
        "indicator_2-3-3.csv",
        "Year,Gebietseinheit,Units,GeoCode,Value\n"
        '2005,"Region Hannover",Prozent,K03241,2.43997742369644\n'
        '2005,"dav. Hannover, Lhst.",Prozent,K03241999,2.13954356403967\n'
        '2005,"dav. Hannover, Umland",Prozent,K03241999,3.00132008269197\n'
        '2024,"dav. Hannover, Lhst.",Prozent,K03241001,3.33680025034437\n',
    )
    frame, skipped = opensdg.read_with_warnings(path)
    assert frame.select("line", "region_code", "value").rows() == [
        (2, "03241", 2.43997742369644),
        (4, "03241999", 3.00132008269197),
        (5, HANNOVER, 3.33680025034437),
    ]
    assert [p.line for p in skipped] == [3]
    assert 'but Gebietseinheit says "dav. Hannover, Lhst."; 1 row skipped' in skipped[0].message


def test_a_key_without_a_known_name_is_skipped(tmp_path: Path) -> None:
    # indicator_6-2-1.csv, line 373: the former Landkreis Osterode am Harz, keyed "#NV".
    path = write(
        tmp_path,
        "indicator_6-2-1.csv",
        "Year,Gebietseinheit,Nationalität,Units,GeoCode,Value\n"
        '2014,"Göttingen",Insgesamt,Anzahl,K03159,22271\n'
        '2014,"Osterode",Insgesamt,Anzahl,#NV,7385\n',
    )
    frame, skipped = opensdg.read_with_warnings(path)
    assert frame["line"].to_list() == [2]
    assert skipped[0].line == 3
    assert skipped[0].message.startswith('GeoCode "#NV" and Gebietseinheit "Osterode": no region')


def test_nationality_keys_in_geocode_are_no_region(tmp_path: Path) -> None:
    # indicator_1-2-5.csv: GeoCode holds the nationality's key (W121 Albanien, 0 a continent).
    path = write(
        tmp_path,
        "indicator_1-2-5.csv",
        "Year,Series,Land der Staatsangehörigkeit,Geschlecht,Units,GeoCode,Value\n"
        "2005,Alle Länder,Europa insgesamt,insgesamt,Anzahl,0,352754\n"
        "2005,Alle Länder,Albanien,männlich,Anzahl,W121,87\n"
        "2005,Ukraine,,insgesamt,Anzahl,,\n",
    )
    frame = opensdg.read(path)
    assert frame.select("region_code", "region_name", "sex", "category").rows() == [
        ("03", "Niedersachsen", "insgesamt",
         "Series: Alle Länder | Land der Staatsangehörigkeit: Europa insgesamt"),
        ("03", "Niedersachsen", "männlich",
         "Series: Alle Länder | Land der Staatsangehörigkeit: Albanien"),
        ("03", "Niedersachsen", "insgesamt",
         "Series: Ukraine | Land der Staatsangehörigkeit: insgesamt"),
    ]  # fmt: skip


def test_one_key_naming_two_regions_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "indicator_1-2-1.csv",
        "Year,Gebietseinheit,GeoCode,Value\n"
        '2005,"Region Hannover",K03241,1\n'
        '2006,"Hannover, Region",K03241,2\n',
    )
    with pytest.raises(SourceFileError, match="one key, 03241, names several regions"):
        opensdg.read(path)


# --- periods, repeats, measure ---------------------------------------------------------------


def test_periods_that_are_not_years_are_skipped(tmp_path: Path) -> None:
    # indicator_1-1-2.csv: a change between two years; indicator_4-3-1.csv: a winter semester.
    path = write(
        tmp_path,
        "indicator_1-1-2.csv",
        "Year,Gebietseinheit,Units,GeoCode,Value\n"
        '2024 / 2005,"Braunschweig, Stadt",%,K03101,3.03958697353753\n'
        '2024 / 2005,"Salzgitter, Stadt",%,K03102,-2.62551205106221\n'
        'WS 2005/06,"Salzgitter, Stadt",%,K03102,1\n',
    )
    frame, skipped = opensdg.read_with_warnings(path)
    assert frame.select("period", "reference_date").rows() == [(2005, dt.date(2005, 10, 1))]
    assert [str(p).split(": ", 1)[1] for p in skipped] == [
        '"2024 / 2005" is not a year (2024), a month (Juni 2024) or a winter semester '
        "(WS 2024/25); 2 rows skipped (lines 2, 3)"
    ]


def test_an_exact_repeat_is_kept_once(tmp_path: Path) -> None:
    # indicator_1-2-8.csv lists its 2023 block twice (lines 938 and 990 are one of 104 pairs).
    row = '2023,Ausländerinnen und Ausländer,"Braunschweig, Stadt",K03101,283\n'
    path = write(
        tmp_path,
        "indicator_1-2-8.csv",
        "Year,Nationalität,Gebietseinheit,GeoCode,Value\n" + row * 2,
    )
    frame, skipped = opensdg.read_with_warnings(path)
    assert frame.select("line", "value").rows() == [(2, 283.0)]
    assert "repeats an earlier one with the same key and value (3 = 2, …)" in skipped[0].message


def test_unnamed_columns_must_be_empty(tmp_path: Path) -> None:
    # indicator_4-3-2.csv ends its header and every row with ",,,".
    header = "Year,Fächergruppe,Nationalität,Geschlecht,Units,Value,,,\n"
    good = write(
        tmp_path, "indicator_4-3-2.csv", header + '2013,"Sport",Insgesamt,Männer,Anzahl,280,,,\n'
    )
    assert opensdg.read(good)["value"].to_list() == [280.0]
    bad = write(tmp_path, "bad.csv", header + '2013,"Sport",Insgesamt,Männer,Anzahl,280,,x,\n')
    with pytest.raises(SourceFileError, match='line 2, column 8: "x" stands in a column without'):
        opensdg.read(bad)


def test_measure_from_the_metadata_beside_the_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "meta").mkdir()
    body = "Year,Value\n2024,1\n"
    (tmp_path / "global_indicators.de.yml").write_text(
        "9-9-9-title: Eigener Titel\n9-9-8-title: 'Titel mit ''Apostroph'''\n9-9-7-title:\n",
        "utf-8",
    )
    (tmp_path / "meta" / "9-9-6.md").write_text(
        "---\nindicator_number: 9.9.6\nindicator_name: global_indicators.9-9-9-title\n---\n",
        "utf-8",
    )

    def measure(name: str) -> str:
        return opensdg.read(write(data, name, body))["measure"][0]

    assert measure("indicator_9-9-9.csv") == "Eigener Titel"
    assert measure("indicator_9-9-8.csv") == "Titel mit 'Apostroph'"
    assert measure("indicator_9-9-6.csv") == "Eigener Titel"  # the key its meta file names
    assert measure("indicator_9-9-7.csv") == "Indikator 9.9.7"  # published without a title
    assert measure("bevoelkerung.csv") == "bevoelkerung"  # not named as published


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", 'line 1: line 1 is empty; expected the header of an Open SDG tidy CSV'),
        ("Gebietseinheit,Value\nx,1\n", "line 1: no column Year: expected an Open SDG"),
        ("Year,Value,Value\n2024,1,1\n", 'line 1: the column "Value" appears twice'),
        ("Year,Geschlecht,Nationalität / Geschlecht,Value\n2024,,,1\n",
         'line 1: both "Geschlecht" and "Nationalität / Geschlecht" give Geschlecht'),
        ("Year,Gebietseinheit,Value\n2024,Niedersachsen\n",
         "line 2: expected 3 fields separated by ',' as in the header, found 2"),
        ('Year,Gebietseinheit,Value\n2024,"Niedersachsen,1\n',
         "line 2: the line cannot be split into fields (unexpected end of data)"),
        ("Year,Gebietseinheit,Value\n2024,Niedersachsen,1e999\n",
         'line 2, column "Value": "1e999" is too large for a number'),
        ("Year,Gebietseinheit,Value\n2024,Niedersachsen,１２\n",
         'line 2, column "Value": "１２" is neither a number with a decimal point'),
        ("Year,Gebietseinheit,Value\n2024,Niedersachsen,\"1,5\"\n",
         'line 2, column "Value": "1,5" is neither a number with a decimal point'),
        ("Year,Gebietseinheit,Value\n2024,Hannover,1\n",
         'line 2, column "Gebietseinheit": Gebietseinheit "Hannover" names no region'),
    ],
)  # fmt: skip
def test_refused_with_file_line_and_reason(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "indicator_1-1-1.csv", text)
    with pytest.raises(EtlError) as caught:
        opensdg.read(path)
    lines = [str(p) for p in caught.value.problems]
    assert any(line.startswith(str(path)) and message in line for line in lines), lines


def test_symbols_are_flags_and_empty_cells_no_value(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "indicator_1-1-1.csv",
        "Year,Altersgruppe,Value\n2024,a,-\n2024,b,.\n2024,c,\n2024,d,+12.6\n2024,e,-7\n",
    )
    assert opensdg.read(path).select("value", "flag").rows() == [
        (None, "-"),
        (None, "."),
        (None, None),
        (12.6, None),
        (-7.0, None),
    ]


# --- the real files --------------------------------------------------------------------------

NEEDS = pytest.mark.skipif(not LSN_FILES, reason=ABSENT)


@pytest.mark.shared
@NEEDS
def test_all_sixty_files_are_there() -> None:
    assert len(LSN_FILES) == 60


@pytest.mark.shared
@NEEDS
@pytest.mark.parametrize("path", LSN_FILES, ids=[p.stem for p in LSN_FILES])
def test_every_published_file_reads(path: Path) -> None:
    frame, skipped = opensdg.read_with_warnings(path)
    assert frame.schema == pl.Schema(TIDY_SCHEMA)
    assert frame["period"].null_count() == 0
    assert frame["measure"].null_count() == 0
    codes = frame["region_code"].unique().to_list()
    assert all(re.fullmatch(REGION_CODE, c) or re.fullmatch(r"RA_[0-9]{2}", c) for c in codes)
    assert frame["sex"].is_in(["männlich", "weiblich", "insgesamt"]).all()
    assert frame["nationality"].is_in(["deutsch", "ausländisch", "insgesamt"]).all()
    assert frame.height + sum(_count(p.message) for p in skipped) == _data_lines(path)


def _count(message: str) -> int:
    found = re.search(r"; ([0-9]+) rows? skipped", message)
    assert found, message
    return int(found[1])


def _data_lines(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for row in list(csv.reader(f))[1:] if any(c.strip() for c in row))


# The test's own reading of the published words, independent of the reader's vocabulary.
SEX = {
    "": "insgesamt",
    "insgesamt": "insgesamt",
    "Insgesamt": "insgesamt",
    "männlich": "männlich",
    "Männer": "männlich",
    "weiblich": "weiblich",
    "Frauen": "weiblich",
}
NATIONALITY = {
    "": "insgesamt",
    "Insgesamt": "insgesamt",
    "Deutsche": "deutsch",
    "Ausländerinnen und Ausländer": "ausländisch",
}


@pytest.mark.shared
@NEEDS
@pytest.mark.parametrize("path", LSN_FILES, ids=[p.stem for p in LSN_FILES])
def test_hannover_figures_equal_the_raw_lines(path: Path) -> None:
    """Every row whose GeoCode ends in 03241001, split by the csv module: the reader gives the
    same period, sex, nationality and value on the same line, or skipped it for a reason."""
    raw: dict[int, tuple] = {}
    seen: set[tuple[str, ...]] = set()
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        for row in reader:
            cells = dict(zip(header, row, strict=False))
            if not cells.get("GeoCode", "").endswith(HANNOVER):
                continue
            repeat = tuple(row) in seen
            seen.add(tuple(row))
            if repeat or not re.fullmatch(r"[0-9]{4}", cells["Year"]):
                continue  # a repeat is kept once; "2024 / 2005" is not a year
            raw[reader.line_num] = (
                cells["Gebietseinheit"],
                int(cells["Year"]),
                SEX[cells.get("Geschlecht", "")],
                NATIONALITY[cells.get("Nationalität", "")],
                float(cells["Value"]) if cells["Value"] else None,
            )
    frame, _ = opensdg.read_with_warnings(path)
    city = frame.filter(pl.col("region_code") == HANNOVER)
    got = {
        line: rest
        for line, *rest in city.select(
            "line", "region_name", "period", "sex", "nationality", "value"
        ).iter_rows()
    }
    assert got == {line: list(values) for line, values in raw.items()}


@pytest.mark.shared
@NEEDS
def test_published_figures_for_hannover() -> None:
    """The figures shared/data/README.md quotes from these files."""
    share = opensdg.read(LSN / "data" / "indicator_1-2-2.csv").filter(
        pl.col("region_code") == HANNOVER
    )
    by_year = dict(share.select("period", pl.col("value").round(1)).iter_rows())
    assert (by_year[2020], by_year[2024]) == (21.0, 25.9)
    leavers = opensdg.read(LSN / "data" / "indicator_4-1-4.csv").filter(
        (pl.col("region_code") == HANNOVER)
        & (pl.col("period") == 2019)
        & (pl.col("unit") == "Anzahl")
    )
    assert dict(leavers.select("nationality", "value").iter_rows()) == {
        "deutsch": 185.0,
        "ausländisch": 135.0,
    }


@pytest.mark.shared
@NEEDS
@pytest.mark.parametrize("path", LSN_FILES, ids=[p.stem for p in LSN_FILES])
def test_inspect_every_file(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert detect_format(path) == "opensdg"
    code = main(["inspect", str(path), "--format", "opensdg", "--json"])
    assert code == 0, capsys.readouterr().err


@pytest.mark.shared
@NEEDS
def test_cli_prints_skipped_rows_and_succeeds() -> None:
    path = LSN / "data" / "indicator_5-3-2.csv"
    result = subprocess.run(
        [sys.executable, "-m", "etl", "inspect", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Open-SDG-Tidy-CSV" in result.stdout
    assert result.stderr.splitlines()[0].startswith(
        f'warning: {path}, line 134, column "Geschlecht": Geschlecht "15 bis unter 20 Jahre" '
        "cannot be read as a sex"
    )


def test_two_values_for_one_key_are_kept_as_too_uncertain_never_guessed(tmp_path: Path) -> None:
    """The layout of 2-1-5, whose line 13501 gives a second value for the key of line 13648:
    which is right nobody can tell, so the value is missing with "/" and both lines are named."""
    path = tmp_path / "indicator_2-1-5.csv"
    path.write_text(
        "\ufeffYear,Gebietseinheit,Geschlecht,ohne Aufenthaltstitel,Units,GeoCode,Value\n"
        '2024,"Niedersachsen",männlich,"Aufenthaltsgestattung",Prozent,RH030,35.3591160220994\n'
        '2024,"Braunschweig, Stadt",weiblich,"Aufenthaltsgestattung",Prozent,RH03101,33.92\n'
        '2024,"Niedersachsen",männlich,"Aufenthaltsgestattung",Prozent,RH030,45.9821428571429\n',
        encoding="utf-8",
    )
    frame, skipped = opensdg.read_with_warnings(path)
    assert frame.select("region_code", "value", "flag", "line").sort("line").rows() == [
        ("03", None, "/", 2),
        ("03101", 33.92, None, 3),
    ]
    [warning] = skipped
    assert "different values for the same key (2 = 4)" in warning.message
    assert "1 row skipped (line 4)" in warning.message
