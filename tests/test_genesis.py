"""The classic GENESIS / Regionalstatistik reader, on our fixtures and on the real files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from etl.readers import TIDY_COLUMNS, genesis
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
