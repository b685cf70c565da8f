"""The classic GENESIS / Regionalstatistik reader, on our fixtures and on the real files."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from etl.errors import Problem, SourceFileError
from etl.readers import TIDY_COLUMNS, _common, genesis
from etl.readers._common import decode
from tests.conftest import SAMPLES, shared_file

PERSONAL = SAMPLES / "genesis_personal.csv"
FTE = "Vollzeitäquivalent"
FULL = "Beschäftigungsumfang / Vollzeitbeschäftigte"
PART = "Beschäftigungsumfang / Teilzeitbeschäftigte"


def test_columns_are_the_tidy_schema() -> None:
    assert genesis.read(PERSONAL).columns == TIDY_COLUMNS


def test_fixture_rows_worked_out_by_hand() -> None:
    frame = genesis.read(PERSONAL, source="personal")
    # 8 data rows x 3 value columns
    assert frame.height == 24
    hannover_2015 = frame.filter(
        pl.col("region_code") == "03241001", pl.col("period") == 2015, pl.col("sex") == "insgesamt"
    ).select("measure", "unit", "region_name", "reference_date", "value", "flag", "line")
    expected = pl.DataFrame(
        {
            "measure": [FTE, FULL, PART],
            "unit": ["Anzahl"] * 3,
            "region_name": ["Hannover, Landeshauptstadt"] * 3,
            "reference_date": [dt.date(2015, 6, 30)] * 3,
            "value": [12445.0, 9510.0, 4600.0],
            "flag": pl.Series([None, None, None], dtype=pl.String),
            "line": [13, 13, 13],
        }
    )
    assert_frame_equal(hannover_2015, expected)


def test_german_numbers_and_every_symbol() -> None:
    frame = genesis.read(PERSONAL).filter(pl.col("period").is_in([2016, 2017]))
    got = frame.select("period", "measure", "value", "flag").rows()
    assert got == [
        (2016, FTE, 12610.5, None),  # "12.610,5": thousands dot, decimal comma
        (2016, FULL, None, "."),
        (2016, PART, None, "x"),
        (2017, FTE, None, "..."),
        (2017, FULL, None, "/"),
        (2017, PART, 4800.0, None),
    ]


def test_a_region_published_as_a_row_of_dashes_is_null_never_zero() -> None:
    frame = genesis.read(PERSONAL).filter(
        pl.col("region_code") == "03241001", pl.col("period") == 2008
    )
    assert frame.height == 3
    assert frame["value"].null_count() == 3
    assert frame["flag"].to_list() == ["-", "-", "-"]
    assert 0.0 not in frame["value"].to_list()


def test_sex_is_read_from_its_key_column() -> None:
    frame = genesis.read(PERSONAL).filter(pl.col("measure") == FTE, pl.col("period") == 2015)
    assert frame.select("region_code", "sex", "value").rows() == [
        ("03241", "männlich", 8410.0),
        ("03241", "insgesamt", 18950.0),
        ("03241001", "weiblich", 6665.0),
        ("03241001", "insgesamt", 12445.0),
    ]
    assert set(frame["nationality"]) == {"insgesamt"}


def test_region_name_indentation_is_removed() -> None:
    names = set(genesis.read(PERSONAL)["region_name"])
    assert names == {"Region Hannover, Landkreis", "Hannover, Landeshauptstadt"}


def test_cp1252_with_crlf_reads_identical_to_utf8(tmp_path: Path) -> None:
    text = PERSONAL.read_text("utf-8")
    recoded = tmp_path / PERSONAL.name
    recoded.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    assert "\r\n" in recoded.read_bytes().decode("cp1252")
    assert_frame_equal(genesis.read(recoded), genesis.read(PERSONAL))


def test_latin1_file_without_region_codes_maps_land_names() -> None:
    frame = genesis.read(SAMPLES / "genesis_laender_latin1.csv")
    assert frame.select("measure", "region_code", "region_name", "period", "value").rows() == [
        ("Gewerbeanmeldungen", "03", "Niedersachsen", 2022, 63132.0),
        ("Gewerbeabmeldungen", "03", "Niedersachsen", 2022, 47708.0),
        ("Gewerbeanmeldungen", "16", "Thüringen", 2022, 10814.0),
        ("Gewerbeabmeldungen", "16", "Thüringen", 2022, 11056.0),
    ]
    assert frame["reference_date"].null_count() == 4  # time given as a year


def test_footer_line_of_any_length_and_multiline_quotes(tmp_path: Path) -> None:
    text = PERSONAL.read_text("utf-8").replace("\n__________\n", "\n" + "_" * 37 + "\n")
    path = tmp_path / "long_footer.csv"
    path.write_text(text, encoding="utf-8")
    assert genesis.read(path).height == 24


def test_table_code_from_line_one() -> None:
    assert genesis.table_code(PERSONAL) == "74111-04-04-4"


# --- the real published files -----------------------------------------------------------------


@pytest.mark.shared
def test_real_74111_staff_of_municipalities() -> None:
    frame = genesis.read(shared_file("regionalstatistik_74111-04-04-4_00.csv"))
    # 15,780 data rows (10 years x 1,578 rows) x 7 value columns, counted with awk
    assert frame.height == 110_460
    hannover = frame.filter(
        pl.col("region_code") == "03241001",
        pl.col("reference_date") == dt.date(2015, 6, 30),
        pl.col("sex") == "insgesamt",
    )
    by_measure = dict(zip(hannover["measure"], hannover["value"], strict=True))
    assert by_measure[FTE] == 12_445
    assert by_measure[f"{FULL} / Dienstverhältnis (öffentlicher Dienst) / Insgesamt"] == 9_510
    assert by_measure[f"{PART} / Dienstverhältnis (öffentlicher Dienst) / Insgesamt"] == 4_600
    assert set(frame["unit"]) == {"Anzahl"}
    flags = dict(frame.group_by("flag").len().drop_nulls().iter_rows())
    assert flags == {"-": 13_142, ".": 1_415, "...": 1}
    # Stadt Hannover is not published before 2009: a row of "-", never zeros.
    before = frame.filter(pl.col("region_code") == "03241001", pl.col("period") < 2009)
    assert before.height == 3 * 3 * 7
    assert before["value"].null_count() == before.height
    assert set(before["flag"]) == {"-"}


@pytest.mark.shared
def test_real_52311_0001_business_registrations_latin1() -> None:
    frame = genesis.read(shared_file("genesis_52311-0001_Gewerbeanzeigen_Bundeslaender_latin1.csv"))
    assert frame.height == 16 * 2
    nds = frame.filter(pl.col("region_code") == "03")
    assert dict(zip(nds["measure"], nds["value"], strict=True)) == {
        "Gewerbeanmeldungen": 63_132,
        "Gewerbeabmeldungen": 47_708,
    }
    assert set(frame["region_name"]) >= {"Baden-Württemberg", "Thüringen"}
    assert frame["region_code"].null_count() == 0


# --- whatever the bytes: one line rule, ASCII digits, finite numbers, short messages (#9) -------

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "raw"


def _write(tmp_path: Path, data: bytes, name: str = "changed.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _problem(path: Path) -> Problem:
    with pytest.raises(SourceFileError) as caught:
        genesis.read(path)
    return caught.value.problems[0]


@pytest.mark.parametrize("separator", ["\u2028", "\f", "\x1c", "\x85"])
@pytest.mark.parametrize(
    ("path", "rows"),
    [
        (PERSONAL, 24),
        (SHIPPED / "74111-04-04-4_personal_hannover.csv", 434),
        (SHIPPED / "52311-0001_gewerbeanzeigen_laender.csv", 2),
    ],
    ids=["sample", "74111", "52311-0001"],
)
def test_a_line_separator_in_the_title_loses_no_row(
    separator: str, path: Path, rows: int, tmp_path: Path
) -> None:
    # splitlines() split the title here, the offsets counted only "\n": 24 -> 21, 434 -> 427.
    text, _ = decode(path.read_bytes(), path.name)
    end_of_line_2 = text.index("\n", text.index("\n") + 1)
    if text[end_of_line_2 - 1] == "\r":
        end_of_line_2 -= 1
    changed = text[:end_of_line_2] + separator + text[end_of_line_2:]
    frame = genesis.read(_write(tmp_path, changed.encode("utf-8"), path.name))
    assert frame.height == rows
    assert_frame_equal(frame, genesis.read(path))


def test_bare_cr_line_ends_read_like_lf(tmp_path: Path) -> None:
    text = PERSONAL.read_text("utf-8")
    path = _write(tmp_path, text.replace("\n", "\r").encode("utf-8"), PERSONAL.name)
    assert_frame_equal(genesis.read(path), genesis.read(PERSONAL))


def test_a_cr_inside_a_data_row_ends_that_line(tmp_path: Path) -> None:
    # Before: polars SchemaError. A bare CR is a line end like any other, so the row is cut.
    text = PERSONAL.read_text("utf-8").replace(";13765;", ";13\r765;")
    problem = _problem(_write(tmp_path, text.encode()))
    assert (problem.line, problem.message) == (11, "expected 7 fields separated by ';', found 6")


def test_a_blank_line_in_the_data_block_holds_no_row(tmp_path: Path) -> None:
    text = PERSONAL.read_text("utf-8").replace("\n__________", "\n\n;;  ;\n__________")
    assert_frame_equal(
        genesis.read(_write(tmp_path, text.encode(), PERSONAL.name)), genesis.read(PERSONAL)
    )


@pytest.mark.parametrize(
    ("old", "new", "column", "shown"),
    [
        (";12445;", ";１２４４５;", '5 ("Vollzeitäquivalent")', '"１２４４５" is neither'),
        (";12445;", ";١٢٤٤٥;", '5 ("Vollzeitäquivalent")', '"١٢٤٤٥" is neither'),
        (
            "30.06.2015;03241001;      Hannover, Landeshauptstadt;Insgesamt",
            "٣٠.٠٦.٢٠١٥;03241001;      Hannover, Landeshauptstadt;Insgesamt",
            "1",
            'time "٣٠.٠٦.٢٠١٥" is not',
        ),
    ],
    ids=["fullwidth value", "arabic-indic value", "arabic-indic date"],
)
def test_digits_of_other_scripts_are_refused(
    old: str, new: str, column: str, shown: str, tmp_path: Path
) -> None:
    # Before: they passed \d and crashed the cast to a number.
    text = PERSONAL.read_text("utf-8").replace(old, new, 1)
    problem = _problem(_write(tmp_path, text.encode()))
    assert problem.line == 13
    assert problem.column == column
    assert problem.message.startswith(shown)


def test_a_number_beyond_a_float_is_refused_not_stored_as_infinity(tmp_path: Path) -> None:
    text = PERSONAL.read_text("utf-8").replace(";12445;", ";" + "9" * 400 + ";")
    problem = _problem(_write(tmp_path, text.encode()))
    assert (problem.line, problem.column) == (13, '5 ("Vollzeitäquivalent")')
    assert "(400 characters) is too large for a number" in problem.message


def test_a_huge_bad_cell_is_quoted_short(tmp_path: Path) -> None:
    # Before: a 200 MB cell was echoed whole.
    text = PERSONAL.read_text("utf-8").replace(";12445;", ";" + "k" * 2_000_000 + ";")
    problem = _problem(_write(tmp_path, text.encode()))
    assert len(problem.message) < 250
    assert '…" (2,000,000 characters) is neither a German number' in problem.message


def test_a_header_row_that_lost_its_empty_first_cell_is_refused(tmp_path: Path) -> None:
    # Read as a title, it left "Vollzeitäquivalent" in the key columns: 24 values -> 16.
    text = PERSONAL.read_text("utf-8").replace(
        ";;;;Vollzeitäquivalent", "\u2029;Vollzeitäquivalent"
    )
    problem = _problem(_write(tmp_path, text.encode()))
    assert problem.line == 6
    assert "has text after its first cell" in problem.message


def test_one_bad_byte_in_a_utf8_file_is_refused_not_read_as_latin1(tmp_path: Path) -> None:
    # Read as Latin-1, "männlich" became "mÃ¤nnlich" and sex fell back to a label of its own.
    data = PERSONAL.read_bytes().replace(b"Stichtag", b"Stich\xfftag")
    problem = _problem(_write(tmp_path, data))
    assert problem.line == 3
    assert problem.message.startswith("unknown encoding: byte 0xFF is not valid text")


def test_a_nul_byte_is_refused_with_its_line(tmp_path: Path) -> None:
    data = PERSONAL.read_bytes() + b"x" * 5000 + b"\x00"
    problem = _problem(_write(tmp_path, data))
    assert problem.line == PERSONAL.read_bytes().count(b"\n") + 1
    assert "0x00 (NUL)" in problem.message


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=64))
def test_the_utf8_test_finds_what_the_pattern_finds(data: bytes) -> None:
    """The byte-class search that tells a damaged UTF-8 file from a Latin-1 one agrees with the
    plain regular expression of a multi-byte UTF-8 character, on any bytes."""
    pattern = rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
    assert _common._has_utf8_sequence(data) == bool(re.search(pattern, data))
