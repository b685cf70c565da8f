"""One indicator's whole chain, from raw file rows to status, against figures worked out by hand."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl import load

CATALOG = """
[municipality]
id = "hannover"
name = "Landeshauptstadt Hannover"
region_code = "03241001"
strategy = "WIR 2.0"

[[field]]
id = "wirtschaft"
name = "Wirtschaft"

[[goal]]
id = "wirtschaft.existenzgruendungen"
field = "wirtschaft"
title = "Die Anzahl der Existenzgründungen von Menschen mit Migrationsgeschichte wird erhöht"
owner = "Dezernat V"
due = 2026

[[measure]]
id = "wirtschaft.existenzgruendungen.beratung"
goal = "wirtschaft.existenzgruendungen"
title = "Gründungsberatung in mehreren Sprachen"
owner = "Fachbereich Wirtschaft"
due = 2026

[[round]]
id = "2024"
title = "Runde 2024"
date = 2024-12-31

[[indicator]]
id = "wirtschaft.gruendungen_auslaendisch_anteil"
goal = "wirtschaft.existenzgruendungen"
title = "Anteil ausländischer Gründer*innen"
unit = "%"
kind = "share"
formula = "100 * auslaendisch / einzelunternehmen"
baseline = 2019
target = { value = 40.0, year = 2026, kind = "adopted", source = "Testbeschluss, Abschnitt 1" }
regions = ["03241001"]

[indicator.series.auslaendisch]
source = "register"
measure = "Gewerbeanmeldungen"
category = "Rechtsform: Einzelunternehmen"
nationality = "ausländisch"
sex = "*"

[indicator.series.einzelunternehmen]
source = "register"
measure = "Gewerbeanmeldungen"
category = "Rechtsform: Einzelunternehmen"
nationality = "*"
sex = "*"
"""

REGISTER = """Jahr;AGS;Gemeinde;Rechtsform;Geschlecht;Staatsangehoerigkeit;Anmeldungen
2019;03241001;Hannover;Einzelunternehmen;männlich;deutsch;500
2019;03241001;Hannover;Einzelunternehmen;weiblich;deutsch;200
2019;03241001;Hannover;Einzelunternehmen;männlich;ausländisch;240
2019;03241001;Hannover;Einzelunternehmen;weiblich;ausländisch;60
2019;03241001;Hannover;GmbH (einschl. UG);Insgesamt;Insgesamt;150
2022;03241001;Hannover;Einzelunternehmen;männlich;deutsch;480
2022;03241001;Hannover;Einzelunternehmen;weiblich;deutsch;190
2022;03241001;Hannover;Einzelunternehmen;männlich;ausländisch;250
2022;03241001;Hannover;Einzelunternehmen;weiblich;ausländisch;80
2023;03241001;Hannover;Einzelunternehmen;männlich;deutsch;470
2023;03241001;Hannover;Einzelunternehmen;weiblich;deutsch;190
2023;03241001;Hannover;Einzelunternehmen;männlich;ausländisch;.
2023;03241001;Hannover;Einzelunternehmen;weiblich;ausländisch;85
2024;03241001;Hannover;Einzelunternehmen;männlich;deutsch;450
2024;03241001;Hannover;Einzelunternehmen;weiblich;deutsch;190
2024;03241001;Hannover;Einzelunternehmen;männlich;ausländisch;270
2024;03241001;Hannover;Einzelunternehmen;weiblich;ausländisch;90
"""

REPORTS = """massnahme;stand;fortschritt;kommentar;gemeldet_von;gemeldet_am
wirtschaft.existenzgruendungen.beratung;in Umsetzung;40;;Fachbereich Wirtschaft;15.01.2025
"""

SOURCES = """
[[source]]
id = "register"
file = "raw/gewerberegister.csv"
format = "trade_register"
title = "Gewerberegister"
publisher = "Stadt"
licence = "CC0"
retrieved = 2026-11-01
is_sample = true
"""


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("chain")
    (folder / "raw").mkdir()
    (folder / "raw" / "gewerberegister.csv").write_text(REGISTER, encoding="utf-8")
    (folder / "sources.toml").write_text(SOURCES, encoding="utf-8")
    (folder / "indicators.toml").write_text(CATALOG, encoding="utf-8")
    (folder / "massnahmen").mkdir()
    (folder / "massnahmen" / "2024.csv").write_text(REPORTS, encoding="utf-8")
    link = folder / "warehouse.duckdb"
    load.build(folder / "indicators.toml", folder, link)
    return link


def _rows(link: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(link.resolve()), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_values_per_year(chain: Path) -> None:
    rows = _rows(
        chain,
        "SELECT period, value, numerator, denominator, flag FROM indicator_values ORDER BY period",
    )
    assert rows == [
        # 2019: (240 + 60) of (500 + 200 + 240 + 60) = 300 / 1000; the GmbH row does not count.
        # The numerator is the count, 300, not the formula's 100 × 300 (issue #8).
        (2019, 30.0, 300.0, 1000.0, None),
        # 2022: (250 + 80) / (480 + 190 + 250 + 80) = 330 / 1000
        (2022, 33.0, 330.0, 1000.0, None),
        # 2023: one cell is "." (secret): both sums are unknown, never guessed
        (2023, None, None, None, "auslaendisch: .; einzelunternehmen: ."),
        # 2024: (270 + 90) / (450 + 190 + 270 + 90) = 360 / 1000
        (2024, 36.0, 360.0, 1000.0, None),
    ]


def test_status_against_the_target(chain: Path) -> None:
    [(base_p, base_v, last_p, last_v, actual, required, ratio, status)] = _rows(
        chain,
        "SELECT baseline_period, baseline_value, latest_period, latest_value, actual_rate, "
        "required_rate, ratio, status FROM indicator_progress",
    )
    assert (base_p, base_v, last_p, last_v) == (2019, 30.0, 2024, 36.0)
    # A share is judged on its change in percentage points per year, not a growth rate:
    # actual (36 - 30) / 5 = 1.2 points a year; required (40 - 30) / (2026 - 2019) = 10 / 7
    # = 1.428571; ratio 1.2 / 1.428571 = 0.84 -> between 60 % and 95 %
    assert actual == pytest.approx(1.2)
    assert required == pytest.approx(10 / 7)
    assert ratio == pytest.approx(0.84)
    assert status == "mäßiger Fortschritt"


def test_goal_and_field(chain: Path) -> None:
    assert _rows(
        chain,
        "SELECT status, n_maessiger_fortschritt, measures_in_umsetzung, implementation_status, "
        "implementation_reason FROM goal_progress WHERE region_code = '03241001'",
    ) == [
        (
            "mäßiger Fortschritt",
            1,
            1,
            # in Umsetzung, due 2026, round of 2024: not late, so on schedule
            "Umsetzung im Plan",
            "Umsetzung: 1 von 1 Maßnahmen im Plan (Runde 2024)",
        )
    ]
    assert _rows(chain, "SELECT state, state_round FROM measures WHERE id LIKE 'wirtschaft.%'") == [
        ("in Umsetzung", "2024")
    ]
    assert _rows(chain, "SELECT status FROM field_progress WHERE region_code = '03241001'") == [
        ("mäßiger Fortschritt",)
    ]


def test_shipped_registrations_per_10000(shipped_warehouse: Path) -> None:
    """Figures from the shipped raw files, worked out by hand."""
    rows = {
        (region, period): (value, flag)
        for region, period, value, flag in _rows(
            shipped_warehouse,
            "SELECT region_code, period, value, flag FROM indicator_values "
            "WHERE indicator_id = 'wirtschaft.gewerbeanmeldungen_je_10000' AND sex = 'insgesamt'",
        )
    }
    # 2024: 4,760 registrations (sample file) / 521,269 inhabitants (official LSN 1.1.1)
    assert rows[("03241001", 2024)][0] == pytest.approx(10_000 * 4760 / 521_269)
    # 2015: 4,686 (official 52311-01-04-4) / 532,163 (official LSN 1.1.1)
    assert rows[("03241001", 2015)][0] == pytest.approx(10_000 * 4686 / 532_163)
    # Niedersachsen 2022: 63,132 (official GENESIS 52311-0001) / 7,982,947 (official LSN 1.1.1)
    assert rows[("03", 2022)][0] == pytest.approx(10_000 * 63_132 / 7_982_947)
    # 2009: registrations 5,147 and population 520,966, both official
    assert rows[("03241001", 2009)] == (pytest.approx(10_000 * 5147 / 520_966), None)
    # 2008: Stadt Hannover not published ("-") — missing, not zero; LSN has 2008's population
    assert rows[("03241001", 2008)] == (None, "anmeldungen: -")


def test_values_carry_their_inputs_and_sources(chain: Path) -> None:
    rows = _rows(
        chain,
        "SELECT period, inputs, sources, is_sample FROM indicator_values ORDER BY period",
    )
    assert rows[0] == (
        2019,
        [
            {"series": "auslaendisch", "value": 300.0, "flag": None},
            {"series": "einzelunternehmen", "value": 1000.0, "flag": None},
        ],
        ["register"],
        True,  # the register is marked is_sample in SOURCES
    )
    # 2023: the secret cell stays a gap with its symbol, series by series
    assert rows[2][1] == [
        {"series": "auslaendisch", "value": None, "flag": "."},
        {"series": "einzelunternehmen", "value": None, "flag": "."},
    ]


def test_status_on_sample_data_says_so(chain: Path) -> None:
    [(uses_sample, sources, reason)] = _rows(
        chain, "SELECT uses_sample, sample_sources, reason FROM indicator_progress"
    )
    assert uses_sample is True
    assert sources == ["register"]
    assert reason.endswith("; beruht auf Beispieldaten („Gewerberegister“)")
    assert _rows(
        chain,
        "SELECT uses_sample, only_sample, sample_indicators FROM goal_progress "
        "WHERE region_code = '03241001'",
    ) == [(True, True, 1)]
    assert _rows(
        chain,
        "SELECT uses_sample, only_sample, sample_goals FROM field_progress "
        "WHERE region_code = '03241001'",
    ) == [(True, True, 1)]


def test_target_provenance_in_the_warehouse(chain: Path) -> None:
    assert _rows(chain, "SELECT target_kind, target_source FROM indicators") == [
        ("adopted", "Testbeschluss, Abschnitt 1")
    ]
    assert _rows(chain, "SELECT due_kind FROM goals") == [("assumed",)]
