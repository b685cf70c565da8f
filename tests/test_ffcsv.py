"""The flat-file (ffcsv) reader, on our fixture, its ZIP, and the real files."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from etl.readers import ffcsv
from tests.conftest import SAMPLES, shared_file

FIXTURE = SAMPLES / "ffcsv_beschaeftigte.csv"


def test_fixture_worked_out_by_hand() -> None:
    frame = ffcsv.read(FIXTURE, source="svb")
    got = frame.select(
        "region_code", "region_name", "sex", "nationality", "unit", "value", "flag", "line"
    ).rows()
    assert got == [
        (
            "03241001",
            "Hannover, Landeshauptstadt",
            "männlich",
            "ausländisch",
            "Anzahl",
            None,
            "-",
            2,
        ),
        ("DG", "Deutschland", "insgesamt", "ausländisch", "Anzahl", 5837916.0, None, 3),
        ("03", "Niedersachsen", "weiblich", "insgesamt", "Anzahl", 1460224.0, None, 4),
        ("03241", "Region Hannover, Landkreis", "insgesamt", "insgesamt", "Anzahl", None, ".", 5),
        ("032", "Hannover, Stat. Region", "insgesamt", "ausländisch", "Prozent", 12.5, None, 6),
    ]
    assert set(frame["period"]) == {2025}
    assert set(frame["reference_date"]) == {dt.date(2025, 6, 30)}
    assert set(frame["measure"]) == {"Sozialversicherungspfl. Beschäftigte (Arbeitsort)"}
    assert frame["category"].null_count() == 5


def test_zip_reads_like_the_plain_file(tmp_path: Path) -> None:
    archive = tmp_path / "13111_flat.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(FIXTURE, arcname="13111_de_flat.csv")
    assert_frame_equal(ffcsv.read(archive, source="x"), ffcsv.read(FIXTURE, source="x"))


def test_other_variables_go_to_category(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8-sig").replace(
        "NAT;Nationalität;NATA;ausländisch;GES;Geschlecht;GESM;männlich",
        "ALTX20;Altersgruppen;ALTER65UM;65 Jahre und mehr;GES;Geschlecht;GESM;männlich",
    )
    path = tmp_path / "alter.csv"
    path.write_text(text, encoding="utf-8")
    first = ffcsv.read(path).row(0, named=True)
    assert first["category"] == "Altersgruppen: 65 Jahre und mehr"
    assert first["nationality"] == "insgesamt"
    assert first["sex"] == "männlich"


@pytest.mark.shared
def test_real_12411_population_zip() -> None:
    frame = ffcsv.read(shared_file("12411-01-01-4_1773175772751_de_flat.zip"))
    assert frame.height == 1467  # 1,468 lines less the header
    hannover = frame.filter(pl.col("region_code") == "03241001").sort("sex")
    assert hannover.select("sex", "value").rows() == [
        ("insgesamt", 522_131.0),
        ("männlich", 256_255.0),
        ("weiblich", 265_876.0),
    ]
    assert set(hannover["reference_date"]) == {dt.date(2024, 12, 31)}
    assert set(frame["measure"]) == {"Bevölkerungsstand"}
    assert dict(frame.group_by("flag").len().drop_nulls().iter_rows()) == {"-": 222}


@pytest.mark.shared
def test_real_13111_mixed_regional_levels() -> None:
    frame = ffcsv.read(shared_file("13111-01-03-4_1773175029986_de_flat.zip"))
    assert frame.height == 3300
    lengths = set(frame["region_code"].str.len_chars())
    assert {2, 3, 5, 8} <= lengths  # Land, Regierungsbezirk, Kreis, Gemeinde in one variable
    assert "DG" in set(frame["region_code"])
    nds_foreign = frame.filter(
        pl.col("region_code") == "03",
        pl.col("nationality") == "ausländisch",
        pl.col("sex") == "insgesamt",
    )
    assert nds_foreign["value"].to_list() == [422_357.0]
    flags = dict(frame.group_by("flag").len().drop_nulls().iter_rows())
    assert flags == {"-": 2898, ".": 72}
    kreise = frame.filter(pl.col("region_code").str.len_chars() >= 5)
    assert kreise["value"].null_count() == kreise.height  # all Kreis values in this slice are "-"
