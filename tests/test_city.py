"""The city's own exports: staff report, trade register, chambers' training, committees."""

from __future__ import annotations

import polars as pl

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
