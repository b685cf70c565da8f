"""The progress rules against cases worked out by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import pytest

from etl import progress as p
from etl.progress import assess, summarise

# (name, values, keyword arguments, expected status, expected (actual, required, ratio) or None);
# the baseline year is the first period listed unless the arguments name another.
CASES = [
    # --- with a target: actual CAGR against required CAGR ---
    (
        "target met, rising",
        [(2019, 10.0), (2024, 31.0)],
        {"target": (30.0, 2026)},
        p.ZIEL_ERREICHT,
        None,
    ),
    (
        "target met exactly",
        [(2019, 20.0), (2024, 30.0)],
        {"target": (30.0, 2026)},
        p.ZIEL_ERREICHT,
        None,
    ),
    (
        "target met, falling",
        [(2019, 20.0), (2024, 4.0)],
        {"target": (5.0, 2030), "direction": "down"},
        p.ZIEL_ERREICHT,
        None,
    ),
    # 100 -> 100*1.05^5 in 5 years, 100*1.05^10 by 2025: both 5 %, ratio 1.0
    (
        "on track",
        [(2015, 100.0), (2020, 127.62815625)],
        {"target": (162.889462677744, 2025)},
        p.AUF_KURS,
        (0.05, 0.05, 1.0),
    ),
    # 1.21^(1/5)-1 = 0.03886; 1.5^(1/10)-1 = 0.04138; 0.9391
    (
        "moderate",
        [(2015, 100.0), (2020, 121.0)],
        {"target": (150.0, 2025)},
        p.MAESSIGER_FORTSCHRITT,
        (0.0389, 0.0414, 0.9391),
    ),
    # 1.05^(1/5)-1 = 0.00981; ratio 0.00981/0.04138 = 0.2370
    (
        "insufficient",
        [(2015, 100.0), (2020, 105.0)],
        {"target": (150.0, 2025)},
        p.UNZUREICHENDER_FORTSCHRITT,
        (0.0098, 0.0414, 0.2370),
    ),
    # 0.9^(1/5)-1 = -0.02085; ratio -0.5039
    (
        "wrong direction",
        [(2015, 100.0), (2020, 90.0)],
        {"target": (150.0, 2025)},
        p.FALSCHE_RICHTUNG,
        (-0.0209, 0.0414, -0.5039),
    ),
    # decreasing is good: 0.8^(1/5)-1 = -0.04365; 0.5^(1/10)-1 = -0.06697; ratio 0.6518
    (
        "falling towards a lower target",
        [(2015, 20.0), (2020, 16.0)],
        {"target": (10.0, 2025), "direction": "down"},
        p.MAESSIGER_FORTSCHRITT,
        (-0.0436, -0.0670, 0.6518),
    ),
    # 1.1^(1/5)-1 = +0.01924 against -0.06697: ratio -0.2874
    (
        "rising away from a lower target",
        [(2015, 20.0), (2020, 22.0)],
        {"target": (10.0, 2025), "direction": "down"},
        p.FALSCHE_RICHTUNG,
        (0.0192, -0.0670, -0.2874),
    ),
    # target year passed: 1.2^(1/9)-1 = 0.02046; 2^(1/5)-1 = 0.14870; 0.1376
    (
        "target year already passed",
        [(2015, 10.0), (2024, 12.0)],
        {"target": (20.0, 2020)},
        p.UNZUREICHENDER_FORTSCHRITT,
        (0.0205, 0.1487, 0.1376),
    ),
    # zero base: linear, (5-0)/5 = 1 a year against (10-0)/10 = 1 a year
    (
        "zero base with a target",
        [(2015, 0.0), (2020, 5.0)],
        {"target": (10.0, 2025)},
        p.AUF_KURS,
        (1.0, 1.0, 1.0),
    ),
    # --- without a target: CAGR in the desired direction ---
    (
        "clear progress",
        [(2015, 100.0), (2020, 110.0)],
        {},
        p.DEUTLICHER_FORTSCHRITT,
        (0.0192, None, None),
    ),
    (
        "moderate progress",
        [(2015, 100.0), (2020, 102.0)],
        {},
        p.MAESSIGER_FORTSCHRITT,
        (0.0040, None, None),
    ),
    (
        "no change counts as moderate",
        [(2015, 50.0), (2020, 50.0)],
        {},
        p.MAESSIGER_FORTSCHRITT,
        (0.0, None, None),
    ),
    (
        "slight deterioration",
        [(2015, 100.0), (2020, 98.0)],
        {},
        p.LEICHTE_VERSCHLECHTERUNG,
        (-0.0040, None, None),
    ),
    (
        "clear deterioration",
        [(2015, 100.0), (2020, 90.0)],
        {},
        p.DEUTLICHE_VERSCHLECHTERUNG,
        (-0.0209, None, None),
    ),
    # falling is wanted: 0.9^(1/4)-1 = -0.0260, i.e. +2.6 % in the desired direction
    (
        "decreasing is good",
        [(2015, 10.0), (2019, 9.0)],
        {"direction": "down"},
        p.DEUTLICHER_FORTSCHRITT,
        (-0.0260, None, None),
    ),
    ("zero base without a target", [(2015, 0.0), (2020, 5.0)], {}, p.NICHT_BEWERTBAR, None),
    # --- gap (parity 0) and parity ratio (parity 1): distance closed against time passed ---
    # |12| -> |-3|: 9 of 12 closed (0.75); 5 of 10 years passed (0.5): 1.5
    (
        "gap crossing zero",
        [(2015, 12.0), (2020, -3.0)],
        {"kind": "gap", "target": (0.0, 2025)},
        p.AUF_KURS,
        (0.75, 0.5, 1.5),
    ),
    # |5| -> |-8|: the distance grew by 3 of 5 (-0.6); 0.5 of the time: -1.2
    (
        "gap overshooting past parity",
        [(2015, 5.0), (2020, -8.0)],
        {"kind": "gap", "target": (0.0, 2025)},
        p.FALSCHE_RICHTUNG,
        (-0.6, 0.5, -1.2),
    ),
    (
        "gap closed",
        [(2015, 12.0), (2020, 0.0)],
        {"kind": "gap", "target": (0.0, 2025)},
        p.ZIEL_ERREICHT,
        None,
    ),
    # 0.5 -> 0.8: distance 0.5 -> 0.2, 0.6 closed; 4 of 6 years: 0.9
    (
        "parity below 1",
        [(2020, 0.5), (2024, 0.8)],
        {"kind": "parity", "target": (1.0, 2026)},
        p.MAESSIGER_FORTSCHRITT,
        (0.6, 0.6667, 0.9),
    ),
    # 1.5 -> 1.25: distance 0.5 -> 0.25, 0.5 closed; 4 of 6 years: 0.75
    (
        "parity above 1",
        [(2020, 1.5), (2024, 1.25)],
        {"kind": "parity", "target": (1.0, 2026)},
        p.MAESSIGER_FORTSCHRITT,
        (0.5, 0.6667, 0.75),
    ),
    # 1.5 -> 0.9: distance 0.5 -> 0.1, 0.8 closed: 1.2
    (
        "parity crossing from above",
        [(2020, 1.5), (2024, 0.9)],
        {"kind": "parity", "target": (1.0, 2026)},
        p.AUF_KURS,
        (0.8, 0.6667, 1.2),
    ),
    (
        "parity left since the baseline",
        [(2020, 1.0), (2024, 0.8)],
        {"kind": "parity", "target": (1.0, 2026)},
        p.FALSCHE_RICHTUNG,
        None,
    ),
    (
        "gap without a target year",
        [(2015, 10.0), (2020, 5.0)],
        {"kind": "gap"},
        p.NICHT_BEWERTBAR,
        None,
    ),
    # --- too little data ---
    ("a single value", [(2019, 5.0)], {}, p.NICHT_BEWERTBAR, None),
    (
        "no value since 2015",
        [(2010, 1.0), (2012, 2.0)],
        {"baseline": 2015},
        p.NICHT_BEWERTBAR,
        None,
    ),
    # missing values are skipped, never zeros: base 2020 (10) -> 2024 (12): 1.2^(1/4)-1 = 0.0466
    (
        "missing baseline value",
        [(2019, None), (2020, 10.0), (2024, 12.0)],
        {},
        p.DEUTLICHER_FORTSCHRITT,
        (0.0466, None, None),
    ),
]


@pytest.mark.parametrize(
    ("name", "values", "kwargs", "status", "figures"), CASES, ids=[c[0] for c in CASES]
)
def test_case(name: str, values: list, kwargs: dict, status: str, figures: tuple | None) -> None:
    result = assess(values, **{"baseline": values[0][0], **kwargs})
    assert result.status == status, result.reason
    if figures is not None:
        got = (result.actual_rate, result.required_rate, result.ratio)
        assert got == pytest.approx(figures, abs=1e-4)


def test_there_are_at_least_20_cases_and_every_category() -> None:
    assert len(CASES) >= 20
    assert {c[3] for c in CASES} == set(p.ORDER) | {p.NICHT_BEWERTBAR}


def test_figures_of_the_assessment() -> None:
    result = assess([(2018, 1.0), (2020, 10.0), (2024, 12.0)], baseline=2019, target=(15.0, 2030))
    assert (result.baseline_period, result.baseline_value) == (2020, 10.0)
    assert (result.latest_period, result.latest_value) == (2024, 12.0)
    assert (result.target_year, result.target_value) == (2030, 15.0)
    assert "Basisjahr 2019 ohne Wert, Basis ist 2020" in result.reason


def test_reasons_name_why_not_assessable() -> None:
    assert "weniger als zwei Werte" in assess([(2019, 5.0)], baseline=2019).reason
    assert (
        "kein Wert ab dem Basisjahr 2015"
        in assess([(2010, 1.0), (2012, 2.0)], baseline=2015).reason
    )
    assert "Basiswert 0" in assess([(2015, 0.0), (2020, 5.0)], baseline=2015).reason
    assert (
        "lineare" in assess([(2015, 0.0), (2020, 5.0)], baseline=2015, target=(10.0, 2025)).reason
    )


def test_goal_takes_its_worst_assessed_indicator() -> None:
    status, reason = summarise([p.AUF_KURS, p.FALSCHE_RICHTUNG, p.ZIEL_ERREICHT])
    assert status == p.FALSCHE_RICHTUNG
    assert reason == "schwächster von 3 bewerteten Indikatoren"


def test_goal_without_indicators_is_never_fine() -> None:
    assert summarise([]) == (p.KEIN_INDIKATOR, p.KEIN_INDIKATOR)
    assert summarise([p.NICHT_BEWERTBAR, p.NICHT_BEWERTBAR])[0] == p.NICHT_BEWERTBAR


def test_field_counts_goals_without_assessment() -> None:
    status, reason = summarise([p.KEIN_INDIKATOR, p.AUF_KURS, p.NICHT_BEWERTBAR], what="Zielen")
    assert status == p.AUF_KURS
    assert reason == "schwächster von 1 bewerteten Zielen; 2 ohne Bewertung"
