"""The flat-file (ffcsv) reader, on our fixture, its ZIP, and the real files."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from etl.errors import Problem, SourceFileError
from etl.readers import ffcsv
from tests import fuzzing
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


# --- ZIP archives: every failure the project's error, limits before unpacking (#9) -------------

MEMBER = FIXTURE.read_bytes()


def _zip(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "13111_flat.zip"
    path.write_bytes(data)
    return path


def _problem(path: Path) -> Problem:
    with pytest.raises(SourceFileError) as caught:
        ffcsv.read(path)
    return caught.value.problems[0]


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        ("encrypted", "the CSV inside the ZIP is encrypted"),  # was RuntimeError
        ("method 99", "packed with method 99, which cannot be unpacked"),  # NotImplementedError
        ("version 9.9", 'not a readable ZIP archive ("zip file version 9.9")'),  # idem
        ("name not UTF-8", "a file name inside the ZIP is marked as UTF-8 but is not"),
        ("two csv", 'found 2 ("12411_de_flat.csv", "zweite.csv")'),
        ("no csv", "expected exactly one .csv file inside the ZIP, found 0"),
        ("size says less", 'not a readable ZIP archive ("Bad CRC-32'),
        ("size says 600 MB", "would unpack to 600 MB; at most 512 MB are read"),
    ],
)
def test_a_broken_zip_is_refused_with_a_reason(variant: str, message: str, tmp_path: Path) -> None:
    problem = _problem(_zip(tmp_path, fuzzing.make_zip(MEMBER, variant)))
    assert message in problem.message


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda z: z[:-30], "End-of-central-directory"),
        (lambda z: z[:60] + bytes(b ^ 0x55 for b in z[60:200]) + z[200:], "Error -3"),  # zlib
        (lambda z: z[:38] + z[38:200:2] + z[200:], "Bad"),
    ],
    ids=["cut", "stream garbled", "stream halved"],
)
def test_a_damaged_zip_is_refused(damage, reason: str, tmp_path: Path) -> None:
    archive = fuzzing.make_zip(MEMBER * 3, "deflate")
    problem = _problem(_zip(tmp_path, damage(archive)))
    assert problem.message.startswith("not a readable ZIP archive")


def test_the_limits_are_those_stated() -> None:
    assert ffcsv.MAX_MEMBER_BYTES == 512 * 2**20
    assert ffcsv.MAX_RATIO == 200


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    # 8 MB of one line packs to a few KB: more than 200 times.
    problem = _problem(_zip(tmp_path, fuzzing.make_zip(MEMBER[:300] * 28_000)))
    assert problem.file.endswith("13111_flat.zip!12411_de_flat.csv")
    assert "times its packed size; at most 200 times" in problem.message


def test_the_unpacking_is_counted_whatever_the_header_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if the declared sizes had passed: the read itself stops at the limit.
    monkeypatch.setattr(ffcsv, "_check_size", lambda info, member: None)
    monkeypatch.setattr(ffcsv, "MAX_MEMBER_BYTES", 2**20)
    problem = _problem(_zip(tmp_path, fuzzing.make_zip(b"x" * (3 * 2**20), "stored")))
    assert problem.message.startswith("unpacks to more than 1,048,576 bytes")


def test_an_error_inside_a_zip_names_the_member(tmp_path: Path) -> None:
    bad = MEMBER.replace(b";5837916;", b";58x;")
    problem = _problem(_zip(tmp_path, fuzzing.make_zip(bad, name="13111_de_flat.csv")))
    assert str(problem).startswith(f"{tmp_path}/13111_flat.zip!13111_de_flat.csv, line 3")


# --- the flat file itself ------------------------------------------------------------------------


def _plain(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "flat.csv"
    path.write_bytes(data)
    return path


def test_a_misspelt_variable_column_is_refused_not_skipped(tmp_path: Path) -> None:
    # Skipped, the sex variable dropped out and every row read as a total.
    data = MEMBER.replace(b"3_variable_code", b"3_variable_cxde", 1)
    problem = _problem(_plain(tmp_path, data))
    assert problem.line == 1
    assert problem.message.startswith(
        "column 14 of the header is 3_variable_cxde; expected 3_variable_code"
    )


def test_a_stray_quote_is_refused_with_its_line(tmp_path: Path) -> None:
    data = MEMBER.replace(b";Deutschland;", b';"Deutschland;', 1)
    problem = _problem(_plain(tmp_path, data))
    assert problem.line == 3
    assert problem.message.startswith('a stray double quote (") inside a cell')


def test_a_quote_closed_lines_later_is_refused_not_swallowing_rows(tmp_path: Path) -> None:
    # Parsed as one cell over three lines, rows 3 and 4 would be gone without a word.
    data = MEMBER.replace(b";Deutschland;", b';"Deutschland;', 1)
    data = data.replace(b";Niedersachsen;", b';Niedersachsen";', 1)
    problem = _problem(_plain(tmp_path, data))
    assert problem.line == 3
    assert 'a closing double quote (") is missing' in problem.message


def test_a_file_ending_in_blank_lines_reads(tmp_path: Path) -> None:
    path = _plain(tmp_path, MEMBER + b"\n\n\r\n")
    assert_frame_equal(ffcsv.read(path, source="x"), ffcsv.read(FIXTURE, source="x"))


def test_a_row_without_its_measure_is_refused(tmp_path: Path) -> None:
    lines = MEMBER.split(b"\n")
    lines[2] = lines[2].rsplit(b";", 2)[0]  # the last two fields lost
    problem = _problem(_plain(tmp_path, b"\n".join(lines)))
    assert (problem.line, problem.column) == (3, '"value_variable_label"')
