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
    # LSN 1.2.1 / 1.1.1: 113,440 of 536,925 (2019), 135,035 of 521,269 (2024)
    "kontext.auslaenderanteil": ("Kontextindikator", (2019, 21.128), (2024, 25.905), None),
    "kontext.bevoelkerung": ("Kontextindikator", (2019, 536_925.0), (2024, 521_269.0), None),
    "kontext.bevoelkerung_mh_anteil": ("Kontextindikator", (2019, 38.7), (2024, 41.5), None),
    "verwaltung.personal_vollzeitaequivalente": (
        "Kontextindikator",
        (2009, 10_103.0),
        (2015, 12_445.0),
        None,
    ),
    # 10,000 x 4,550 / 536,925 = 84.742 (2019), 10,000 x 4,760 / 521,269 = 91.316 (2024)
    "wirtschaft.gewerbeanmeldungen_je_10000": (
        "Kontextindikator",
        (2019, 84.742),
        (2024, 91.316),
        None,
    ),
    # --- official series (LSN, Regionalstatistik) ---
    # 8th grade: Gymnasium 1,946 of 4,170 German (46.67 %) and 127 of 642 foreign (19.78 %) pupils
    # in 2019, 1,880 of 3,815 (49.28 %) and 332 of 1,234 (26.90 %) in 2024: the gap closes from
    # 26.885 to 22.375 points, 0.90 a year, less than 1 point. Parity by 2026 is only assumed.
    "bildung.gymnasium_luecke": ("mäßiger Fortschritt", (2019, 26.885), (2024, 22.375), "assumed"),
    # without Hauptschulabschluss: 21.16 % foreign - 4.44 % German = 16.72 points (2019),
    # 26.35 - 5.93 = 20.43 (2024): the gap widens by 0.74 points a year (0 to -1: slight)
    "bildung.ohne_hauptschulabschluss_luecke": (
        "leichte Verschlechterung",
        (2019, 16.72),
        (2024, 20.426),
        "assumed",
    ),
    # children with Zuwanderungsgeschichte in day care: 8,949 -> 9,698, (9698/8949)^(1/5) - 1
    # = +1.62 % a year > 1 %
    "bildung.kita_kinder_zuwanderung": (
        "deutlicher Fortschritt",
        (2019, 8949.0),
        (2024, 9698.0),
        None,
    ),
    "bildung.kita_familiensprache": ("Kontextindikator", (2019, 31.989), (2024, 35.65), None),
    "soziales.kita_herkunft": ("Kontextindikator", (2019, 47.573), (2024, 50.279), None),
    # minimum income per 1,000: foreign 358, German 101 (2019) -> 25.7 points per 100; 378 and
    # 98 (2024) -> 28.0; the gap widens by 0.46 points a year
    "soziales.mindestsicherung_luecke": (
        "leichte Verschlechterung",
        (2019, 25.7),
        (2024, 28.0),
        "assumed",
    ),
    "soziales.asylbewerberleistungen": ("Kontextindikator", (2013, 1573.0), (2015, 4240.0), None),
    # naturalisations 1,404 of 113,440 foreign residents (1.238 %) in 2019, 1,940 of 135,035
    # (1.437 %) in 2024: +0.04 points a year, between 0 and 1
    "demokratie.einbuergerungsquote": ("mäßiger Fortschritt", (2019, 1.238), (2024, 1.437), None),
    "demokratie.wahlbeteiligung_landtag": ("Kontextindikator", (2008, 56.3), (2013, 60.6), None),
    "stadtleben.migrationshintergrund_anteil": (
        "Kontextindikator",
        (2019, 37.32),
        (2024, 42.57),
        None,
    ),
    "stadtleben.geburten_auslaendisch_anteil": (
        "Kontextindikator",
        (2019, 14.715),
        (2024, 19.343),
        None,
    ),
    # foreign employees 38,360 -> 51,925: (51925/38360)^(1/5) - 1 = +6.24 % a year
    "wirtschaft.beschaeftigte_auslaendisch": (
        "deutlicher Fortschritt",
        (2019, 38_360.0),
        (2024, 51_925.0),
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
    """Registrations per 10,000: in 2015 both inputs are official (52311-01-04-4 and LSN 1.1.1),
    in 2019 the registrations come from a sample file and the population from LSN. The value of
    2019 is marked, 2015's is not; the status (judged on 2019 and 2024) names the sample source."""
    con = duckdb.connect(str(shipped_warehouse.resolve()), read_only=True)
    try:
        values = dict(
            con.execute(
                "SELECT period, is_sample FROM indicator_values WHERE sex = 'insgesamt' AND "
                "indicator_id = 'wirtschaft.gewerbeanmeldungen_je_10000' "
                "AND region_code = '03241001'"
            ).fetchall()
        )
        [(uses_sample, sources, reason)] = con.execute(
            "SELECT uses_sample, sample_sources, reason FROM indicator_progress "
            "WHERE indicator_id = 'wirtschaft.gewerbeanmeldungen_je_10000' "
            "AND region_code = '03241001'"
        ).fetchall()
        official = con.execute(
            "SELECT uses_sample, data_until FROM indicator_progress "
            "WHERE indicator_id = 'verwaltung.personal_vollzeitaequivalente' "
            "AND region_code = '03241001'"
        ).fetchall()
    finally:
        con.close()
    assert (values[2015], values[2019]) == (False, True)
    assert uses_sample is True
    assert sources == ["gewerbe_beispiel"]
    assert "beruht auf Beispieldaten („Gewerbeanmeldungen – Beispieldaten" in reason
    # official only (74111-04-04-4), and its newest year 2015 is nine years behind 2024
    assert official == [(False, 2015)]
