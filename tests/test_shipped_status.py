"""Each indicator's status on the shipped data, pinned with the reason worked out by hand.

A changed target, direction, kind or baseline in indicators.toml, or a changed figure in
data/raw/, moves one of these rows; the test then says which indicator and why. The figures in
the comments are the baseline and latest values of the Stadt Hannover series (the counts behind
them are in the beispiel_* files), and the arithmetic is the method of docs/progress.md.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

# indicator: (status, baseline period and value, latest period and value, how it is judged)
EXPECTED = {
    # 163 of 800 hires (20,375 %) in 2019, 238 of 900 (26,44 %) in 2024; adopted target 30 % by
    # 2026. A share: (26.444 - 20.375) / 5 = 1.214 points a year against (30 - 20.375) / 7 =
    # 1.375 needed; 1.214 / 1.375 = 0.883 -> 60-95 %
    "verwaltung.neueinstellungen_mh_anteil": (
        "mäßiger Fortschritt",
        (2019, 20.375),
        (2024, 26.444),
        "adopted",
    ),
    # 8 of 23 members (34.78 %) in 2020, 10 of 23 (43.48 %) in 2024: +2 / 23 * 100 / 4 = +2.17
    # points a year > 1 point. The 50 % target is assumed (no decision sets it): direction only.
    "stadtleben.lenkungsgruppe_mh_anteil": (
        "deutlicher Fortschritt",
        (2020, 34.783),
        (2024, 43.478),
        "assumed",
    ),
    # 10 women of 13 men (0.769) in 2020, 11 of 12 (0.917) in 2024: the distance to parity
    # shrinks from 0.231 to 0.083, 0.037 a year > 0.01. Parity here is assumed, not adopted.
    "stadtleben.lenkungsgruppe_geschlechterparitaet": (
        "deutlicher Fortschritt",
        (2020, 0.769),
        (2024, 0.917),
        "assumed",
    ),
    # 35.71 % in 2020, 50.0 % in 2024: the derived target (half, Drs. 2472/2019, 2.2) is met
    "stadtleben.expertengruppen_mh_anteil": (
        "Ziel erreicht",
        (2020, 35.714),
        (2024, 50.0),
        "derived",
    ),
    # 0.931 women per man in 2020, 1.0 in 2024: parity (Drs. 2472/2019, 2.2) is met
    "stadtleben.expertengruppen_geschlechterparitaet": (
        "Ziel erreicht",
        (2020, 0.931),
        (2024, 1.0),
        "derived",
    ),
    # 0.384 in 2019, 0.446 in 2024: distance to 1.0 from 0.616 to 0.554, 0.0123 a year > 0.01;
    # the target 1.0 is assumed
    "verwaltung.repraesentationsindex": (
        "deutlicher Fortschritt",
        (2019, 0.384),
        (2024, 0.446),
        "assumed",
    ),
    # 13.95 points in 2019, 9.91 in 2024: the gap closes by 0.81 points a year, less than 1
    "wirtschaft.pruefungserfolg_luecke": (
        "mäßiger Fortschritt",
        (2019, 13.946),
        (2024, 9.909),
        "assumed",
    ),
    # no target: shares by points a year, all between 0 and +1
    # 5.39 % -> 6.91 %: +0.30
    "verwaltung.fuehrung_mh_anteil": ("mäßiger Fortschritt", (2019, 5.388), (2024, 6.908), None),
    # 14.87 % -> 18.50 %: +0.73
    "verwaltung.personal_mh_anteil": ("mäßiger Fortschritt", (2019, 14.869), (2024, 18.504), None),
    # 12.18 % -> 14.75 %: +0.51
    "wirtschaft.auszubildende_auslaendisch_anteil": (
        "mäßiger Fortschritt",
        (2019, 12.176),
        (2024, 14.746),
        None,
    ),
    # 20.81 % -> 24.20 %: +0.68
    "wirtschaft.gruenderinnen_anteil_auslaendisch": (
        "mäßiger Fortschritt",
        (2019, 20.808),
        (2024, 24.201),
        None,
    ),
    # 32.00 % -> 35.61 %: +0.72
    "wirtschaft.gruendungen_auslaendisch_anteil": (
        "mäßiger Fortschritt",
        (2019, 32.003),
        (2024, 35.610),
        None,
    ),
    # a count: 1,139 -> 1,314 registrations, (1314 / 1139)^(1/5) - 1 = +2.9 % a year > 1 %
    "wirtschaft.gruendungen_auslaendisch_anzahl": (
        "deutlicher Fortschritt",
        (2019, 1139.0),
        (2024, 1314.0),
        None,
    ),
    # context indicators are shown, never assessed
    "kontext.auslaenderanteil": ("Kontextindikator", (2019, 18.2), (2024, 21.5), None),
    "kontext.bevoelkerung": ("Kontextindikator", (2019, 535_000.0), (2024, 522_131.0), None),
    "kontext.bevoelkerung_mh_anteil": ("Kontextindikator", (2019, 38.7), (2024, 41.5), None),
    "verwaltung.personal_vollzeitaequivalente": (
        "Kontextindikator",
        (2009, 10_103.0),
        (2015, 12_445.0),
        None,
    ),
    "wirtschaft.gewerbeanmeldungen_je_10000": (
        "Kontextindikator",
        (2019, 85.047),
        (2024, 91.165),
        None,
    ),
}


def _progress(link: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(link.resolve()), read_only=True)
    try:
        rows = con.execute(
            "SELECT indicator_id, status, baseline_period, baseline_value, latest_period, "
            "latest_value, target_kind FROM indicator_progress WHERE region_code = '03241001'"
        ).fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


def test_every_shipped_indicator_is_pinned(shipped_warehouse: Path) -> None:
    assert sorted(_progress(shipped_warehouse)) == sorted(EXPECTED)


@pytest.mark.parametrize("indicator", sorted(EXPECTED))
def test_status_on_the_shipped_data(shipped_warehouse: Path, indicator: str) -> None:
    status, base, latest, target_kind = EXPECTED[indicator]
    got = _progress(shipped_warehouse)[indicator]
    assert got[0] == status
    assert (got[1], got[2]) == (base[0], pytest.approx(base[1], abs=1e-3))
    assert (got[3], got[4]) == (latest[0], pytest.approx(latest[1], abs=1e-3))
    assert got[5] == target_kind


def test_a_status_resting_partly_on_sample_data_is_marked(shipped_warehouse: Path) -> None:
    """Population 2019 comes from a sample file, 2024 from the official table: the value of 2024
    is official, the status (judged on 2019 and 2024) rests partly on sample data."""
    con = duckdb.connect(str(shipped_warehouse.resolve()), read_only=True)
    try:
        values = dict(
            con.execute(
                "SELECT period, is_sample FROM indicator_values WHERE sex = 'insgesamt' AND "
                "indicator_id = 'kontext.bevoelkerung' AND region_code = '03241001'"
            ).fetchall()
        )
        [(uses_sample, sources, reason)] = con.execute(
            "SELECT uses_sample, sample_sources, reason FROM indicator_progress "
            "WHERE indicator_id = 'kontext.bevoelkerung' AND region_code = '03241001'"
        ).fetchall()
        official = con.execute(
            "SELECT uses_sample, data_until FROM indicator_progress "
            "WHERE indicator_id = 'verwaltung.personal_vollzeitaequivalente' "
            "AND region_code = '03241001'"
        ).fetchall()
    finally:
        con.close()
    assert (values[2019], values[2024]) == (True, False)
    assert uses_sample is True
    assert sources == ["bevoelkerung_beispiel"]
    assert "beruht auf Beispieldaten („Bevölkerung nach Nationalität" in reason
    # official only (74111-04-04-4), and its newest year 2015 is nine years behind 2024
    assert official == [(False, 2015)]
