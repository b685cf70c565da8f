"""The city's own exports: staff report, trade register, chambers' training, committees."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from etl.errors import Problem, SourceFileError
from etl.readers import city, detect_format
from tests.conftest import SAMPLES


def test_staff_report() -> None:
    frame = city.read(SAMPLES / "staff_report.csv", "staff_report")
    assert frame.height == 2 * 5
    first = frame.filter(pl.col("line") == 2)
    assert dict(zip(first["measure"], first["value"], strict=True)) == {
        "Beschäftigte": 1250.0,  # "1.250" with a thousands dot
        "Beschäftigte mit Migrationshintergrund": 180.0,
        "Antworten der Personalbefragung": 950.0,
        "Neueinstellungen": 40.0,
        "Neueinstellungen mit Migrationshintergrund": 9.0,
    }
    assert set(first["category"]) == {"Fachbereich: Soziales | Entgeltgruppe: bis E8/A8"}
    assert set(first["sex"]) == {"weiblich"}
    secret = frame.filter(pl.col("flag").is_not_null())
    assert secret.select("line", "measure", "value", "flag").rows() == [
        (3, "Neueinstellungen mit Migrationshintergrund", None, ".")
    ]


def test_trade_register_sex_and_nationality() -> None:
    frame = city.read(SAMPLES / "trade_register.csv", "trade_register")
    assert frame.select("sex", "nationality", "category", "value").rows() == [
        ("weiblich", "ausländisch", "Rechtsform: Einzelunternehmen", 198.0),
        ("männlich", "deutsch", "Rechtsform: Einzelunternehmen", 1780.0),
        ("insgesamt", "insgesamt", "Rechtsform: GmbH (einschl. UG)", 562.0),
    ]
    assert set(frame["region_code"]) == {"03241001"}
    assert set(frame["unit"]) == {"Anzahl"}


def test_training_dash_is_kept_as_flag() -> None:
    frame = city.read(SAMPLES / "training.csv", "training")
    passed = frame.filter(pl.col("measure") == "Bestandene Abschlussprüfungen")
    assert passed.select("category", "value", "flag").rows() == [
        ("Kammer: IHK", 81.0, None),
        ("Kammer: HWK", None, "-"),
    ]


def test_committees() -> None:
    frame = city.read(SAMPLES / "committees.csv", "committees")
    assert frame.select("sex", "category", "value").rows() == [
        (
            "weiblich",
            "Gremienart: Lenkungsgruppe | Gremium: Lenkungsgruppe | Migrationshintergrund: ja",
            5.0,
        ),
        (
            "männlich",
            "Gremienart: Lenkungsgruppe | Gremium: Lenkungsgruppe | Migrationshintergrund: nein",
            6.0,
        ),
    ]


def test_formats_are_detected_from_the_header() -> None:
    assert detect_format(SAMPLES / "staff_report.csv") == "staff_report"
    assert detect_format(SAMPLES / "trade_register.csv") == "trade_register"
    assert detect_format(SAMPLES / "genesis_personal.csv") == "genesis"
    assert detect_format(SAMPLES / "ffcsv_beschaeftigte.csv") == "ffcsv"


# --- whatever the bytes (#9) ------------------------------------------------------------------

STAFF = SAMPLES / "staff_report.csv"


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    return path


def _problem(path: Path, fmt: str) -> Problem:
    with pytest.raises(SourceFileError) as caught:
        city.read(path, fmt)
    return caught.value.problems[0]


@pytest.mark.parametrize("char", ["\x1c", "\x1f", "\x85", "\u2028", "\f"])
def test_a_control_character_before_the_header_reads_the_same_rows(
    char: str, tmp_path: Path
) -> None:
    # Python's strip() took it off the header, polars kept it in the column name: a
    # ColumnNotFoundError. The rows are now read under the names that were checked.
    path = _write(tmp_path, char.encode() + STAFF.read_bytes())
    assert_frame_equal(city.read(path, "staff_report", "s"), city.read(STAFF, "staff_report", "s"))


@pytest.mark.parametrize("ending", [b"\n", b"\n\n", b"\r\n\r\n", b"\n;;;;;;;;;;\n"])
def test_a_file_ending_in_blank_lines_reads(ending: bytes, tmp_path: Path) -> None:
    # Before: "empty key cell" for the blank line.
    path = _write(tmp_path, STAFF.read_bytes().rstrip(b"\n") + ending)
    assert_frame_equal(city.read(path, "staff_report", "s"), city.read(STAFF, "staff_report", "s"))


@pytest.mark.parametrize(
    ("old", "new", "column", "message"),
    [
        (b";1.250;", ";１.２５０;".encode(), '"Beschaeftigte"', '"１.２５０" is neither'),
        (b"2019;", "٢٠١٩;".encode(), '"Jahr"', '"٢٠١٩" is not a year'),
        (
            b"03241001",
            "０３２４１００１".encode(),
            '"AGS"',
            '"０３２４１００１" is not an official',
        ),
    ],
    ids=["value", "year", "AGS"],
)
def test_digits_of_other_scripts_are_refused(
    old: bytes, new: bytes, column: str, message: str, tmp_path: Path
) -> None:
    problem = _problem(_write(tmp_path, STAFF.read_bytes().replace(old, new, 1)), "staff_report")
    assert (problem.line, problem.column) == (2, column)
    assert problem.message.startswith(message)


def test_a_number_beyond_a_float_is_refused_with_its_place(tmp_path: Path) -> None:
    data = STAFF.read_bytes().replace(b";1.250;", b";" + b"1" * 400 + b";", 1)
    problem = _problem(_write(tmp_path, data), "staff_report")
    assert (problem.line, problem.column) == (2, '"Beschaeftigte"')
    assert "(400 characters) is too large for a number" in problem.message


def test_a_huge_unknown_column_name_is_shown_short(tmp_path: Path) -> None:
    data = STAFF.read_bytes().replace(b"Fachbereich", b"F" * 1_000_000, 1)
    problem = _problem(_write(tmp_path, data), "staff_report")
    assert len(problem.message) < 600
    assert "(1,000,000 characters)" in problem.message
