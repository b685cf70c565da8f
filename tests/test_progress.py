"""The progress rules against cases worked out by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import dataclasses

import pytest

from etl import progress as p
from etl.progress import assess, summarise

# (name, values, keyword arguments, expected status, expected (actual, required, ratio) or None);
# the baseline year is the first period listed unless the arguments name another. Rates are
# growth rates for a level, percentage points a year for a share or gap, ratio units a year for a
# parity ratio; for a gap or parity they are the change of the distance to parity (negative:
# closing).
CASES = [
    # --- a level with a target: actual CAGR against required CAGR ---
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
    # the base 2020 is not before the target year 2019: no pace can be required
    (
        "target year before the base",
        [(2020, 10.0), (2024, 12.0)],
        {"target": (20.0, 2019)},
        p.NICHT_BEWERTBAR,
        None,
    ),
    # zero base: linear, (5-0)/5 = 1 a year against (10-0)/10 = 1 a year
    (
        "zero base with a target",
        [(2015, 0.0), (2020, 5.0)],
        {"target": (10.0, 2025)},
        p.AUF_KURS,
        (1.0, 1.0, 1.0),
    ),
    # --- level boundaries: base 100 in 2020, target 108.16 by 2022; 1.0816 = 1.04^2, so 4 % a
    # year are required; one year to 2021, so the actual rate is latest/100 - 1 ---
    # 103.8: 0.038 / 0.04 = 0.95 exactly
    (
        "level ratio exactly 0.95",
        [(2020, 100.0), (2021, 103.8)],
        {"target": (108.16, 2022)},
        p.AUF_KURS,
        (0.038, 0.04, 0.95),
    ),
    # 103.79: 0.0379 / 0.04 = 0.9475
    (
        "level ratio just below 0.95",
        [(2020, 100.0), (2021, 103.79)],
        {"target": (108.16, 2022)},
        p.MAESSIGER_FORTSCHRITT,
        (0.0379, 0.04, 0.9475),
    ),
    # 102.4: 0.024 / 0.04 = 0.60 exactly
    (
        "level ratio exactly 0.60",
        [(2020, 100.0), (2021, 102.4)],
        {"target": (108.16, 2022)},
        p.MAESSIGER_FORTSCHRITT,
        (0.024, 0.04, 0.60),
    ),
    # 102.39: 0.0239 / 0.04 = 0.5975
    (
        "level ratio just below 0.60",
        [(2020, 100.0), (2021, 102.39)],
        {"target": (108.16, 2022)},
        p.UNZUREICHENDER_FORTSCHRITT,
        (0.0239, 0.04, 0.5975),
    ),
    # 100: 0 / 0.04 = 0
    (
        "level ratio exactly 0",
        [(2020, 100.0), (2021, 100.0)],
        {"target": (108.16, 2022)},
        p.UNZUREICHENDER_FORTSCHRITT,
        (0.0, 0.04, 0.0),
    ),
    # 99.99: -0.0001 / 0.04 = -0.0025
    (
        "level ratio just below 0",
        [(2020, 100.0), (2021, 99.99)],
        {"target": (108.16, 2022)},
        p.FALSCHE_RICHTUNG,
        (-0.0001, 0.04, -0.0025),
    ),
    # --- a share with a target: percentage points a year, actual against required. Base 20 in
    # 2020, target 30 by 2030: (30-20)/10 = 1.0 point a year required; latest 2024, 4 years ---
    # (23.8-20)/4 = 0.95; 0.95/1.0 = 0.95 exactly
    (
        "share ratio exactly 0.95",
        [(2020, 20.0), (2024, 23.8)],
        {"kind": "share", "target": (30.0, 2030)},
        p.AUF_KURS,
        (0.95, 1.0, 0.95),
    ),
    # (23.79-20)/4 = 0.9475
    (
        "share ratio just below 0.95",
        [(2020, 20.0), (2024, 23.79)],
        {"kind": "share", "target": (30.0, 2030)},
        p.MAESSIGER_FORTSCHRITT,
        (0.9475, 1.0, 0.9475),
    ),
    # (22.4-20)/4 = 0.60 exactly (in floating point 0.5999999999999996: the tolerance decides)
    (
        "share ratio exactly 0.60",
        [(2020, 20.0), (2024, 22.4)],
        {"kind": "share", "target": (30.0, 2030)},
        p.MAESSIGER_FORTSCHRITT,
        (0.60, 1.0, 0.60),
    ),
    # (22.39-20)/4 = 0.5975
    (
        "share ratio just below 0.60",
        [(2020, 20.0), (2024, 22.39)],
        {"kind": "share", "target": (30.0, 2030)},
        p.UNZUREICHENDER_FORTSCHRITT,
        (0.5975, 1.0, 0.5975),
    ),
    (
        "share ratio exactly 0",
        [(2020, 20.0), (2024, 20.0)],
        {"kind": "share", "target": (30.0, 2030)},
        p.UNZUREICHENDER_FORTSCHRITT,
        (0.0, 1.0, 0.0),
    ),
    # (19.99-20)/4 = -0.0025
    (
        "share ratio just below 0",
        [(2020, 20.0), (2024, 19.99)],
        {"kind": "share", "target": (30.0, 2030)},
        p.FALSCHE_RICHTUNG,
        (-0.0025, 1.0, -0.0025),
    ),
    # falling share: (20-30)/10 = -1.0 required, (27-30)/4 = -0.75 actual: 0.75
    (
        "share falling towards a lower target",
        [(2020, 30.0), (2024, 27.0)],
        {"kind": "share", "target": (20.0, 2030), "direction": "down"},
        p.MAESSIGER_FORTSCHRITT,
        (-0.75, -1.0, 0.75),
    ),
    # +0.3 points a year is the same progress from 5 % as from 40 %: (6.2-5)/4 = (41.2-40)/4 =
    # 0.3, required (9-5)/10 = (44-40)/10 = 0.4, ratio 0.75 both
    (
        "share +0.3 a year from 5 % with a target",
        [(2020, 5.0), (2024, 6.2)],
        {"kind": "share", "target": (9.0, 2030)},
        p.MAESSIGER_FORTSCHRITT,
        (0.3, 0.4, 0.75),
    ),
    (
        "share +0.3 a year from 40 % with a target",
        [(2020, 40.0), (2024, 41.2)],
        {"kind": "share", "target": (44.0, 2030)},
        p.MAESSIGER_FORTSCHRITT,
        (0.3, 0.4, 0.75),
    ),
    # without a target 0.3 is within 0..1 point both times; a growth rate would have said
    # 1.24^(1/4)-1 = +5.5 % (deutlich) from 5 % and 1.03^(1/4)-1 = +0.74 % (mäßig) from 40 %
    (
        "share +0.3 a year from 5 %",
        [(2020, 5.0), (2024, 6.2)],
        {"kind": "share"},
        p.MAESSIGER_FORTSCHRITT,
        (0.3, None, None),
    ),
    (
        "share +0.3 a year from 40 %",
        [(2020, 40.0), (2024, 41.2)],
        {"kind": "share"},
        p.MAESSIGER_FORTSCHRITT,
        (0.3, None, None),
    ),
    # --- target met at the baseline (side by direction: up >= target, down <= target) ---
    # 52 >= 50 in 2020 and 56 >= 50 in 2024
    (
        "met at the baseline and still met",
        [(2020, 52.0), (2024, 56.0)],
        {"target": (50.0, 2026)},
        p.ZIEL_ERREICHT,
        None,
    ),
    # 56 >= 50 and 52 >= 50: falling within the target is no loss
    (
        "met at the baseline, falling but still met",
        [(2020, 56.0), (2024, 52.0)],
        {"target": (50.0, 2026)},
        p.ZIEL_ERREICHT,
        None,
    ),
    # down: 48 <= 50 and 44 <= 50
    (
        "met at the baseline and still met, falling wanted",
        [(2020, 48.0), (2024, 44.0)],
        {"target": (50.0, 2026), "direction": "down"},
        p.ZIEL_ERREICHT,
        None,
    ),
    # down: 44 <= 50 and 48 <= 50, rising within the target
    (
        "met at the baseline, rising but still met, falling wanted",
        [(2020, 44.0), (2024, 48.0)],
        {"target": (50.0, 2026), "direction": "down"},
        p.ZIEL_ERREICHT,
        None,
    ),
    (
        "share met at the baseline and still met",
        [(2020, 60.0), (2024, 55.0)],
        {"kind": "share", "target": (50.0, 2026)},
        p.ZIEL_ERREICHT,
        None,
    ),
    # --- met at the baseline, then lost: distance of the latest value to the target ---
    # share, 52 >= 50 in 2020; d = |latest - 50| / 100
    # |48-50|/100 = 0.02 <= 0.05
    (
        "share met then lost by 2 points",
        [(2020, 52.0), (2024, 48.0)],
        {"kind": "share", "target": (50.0, 2026)},
        p.MAESSIGER_FORTSCHRITT,
        None,
    ),
    # |45-50|/100 = 0.05 exactly: still mäßig
    (
        "share met then lost by exactly 5 points",
        [(2020, 52.0), (2024, 45.0)],
        {"kind": "share", "target": (50.0, 2026)},
        p.MAESSIGER_FORTSCHRITT,
        None,
    ),
    # |44.9-50|/100 = 0.051
    (
        "share met then lost by 5.1 points",
        [(2020, 52.0), (2024, 44.9)],
        {"kind": "share", "target": (50.0, 2026)},
        p.UNZUREICHENDER_FORTSCHRITT,
        None,
    ),
    # |30-50|/100 = 0.20
    (
        "share met then lost by 20 points",
        [(2020, 52.0), (2024, 30.0)],
        {"kind": "share", "target": (50.0, 2026)},
        p.UNZUREICHENDER_FORTSCHRITT,
        None,
    ),
    # |10-50|/100 = 0.40 exactly: still unzureichend
    (
        "share met then lost by exactly 40 points",
        [(2020, 52.0), (2024, 10.0)],
        {"kind": "share", "target": (50.0, 2026)},
        p.UNZUREICHENDER_FORTSCHRITT,
        None,
    ),
    # |9.9-50|/100 = 0.401
    (
        "share met then lost by 40.1 points",
        [(2020, 52.0), (2024, 9.9)],
        {"kind": "share", "target": (50.0, 2026)},
        p.FALSCHE_RICHTUNG,
        None,
    ),
    # level, 210 >= 200 in 2020; d = |latest - 200| / 200
    # |195-200|/200 = 0.025
    (
        "level met then lost slightly",
        [(2020, 210.0), (2024, 195.0)],
        {"target": (200.0, 2026)},
        p.MAESSIGER_FORTSCHRITT,
        None,
    ),
    # |150-200|/200 = 0.25
    (
        "level met then lost by a quarter",
        [(2020, 210.0), (2024, 150.0)],
        {"target": (200.0, 2026)},
        p.UNZUREICHENDER_FORTSCHRITT,
        None,
    ),
    # |100-200|/200 = 0.5
    (
        "level met then lost by half",
        [(2020, 210.0), (2024, 100.0)],
        {"target": (200.0, 2026)},
        p.FALSCHE_RICHTUNG,
        None,
    ),
    # down: 48 <= 50 in 2020, 53 > 50 in 2024: |53-50|/50 = 0.06
    (
        "level met then lost, falling wanted",
        [(2020, 48.0), (2024, 53.0)],
        {"target": (50.0, 2026), "direction": "down"},
        p.UNZUREICHENDER_FORTSCHRITT,
        None,
    ),
    # --- without a target: a level's CAGR in the desired direction ---
    # 1.1^(1/5)-1 = 0.0192
    (
        "clear progress",
        [(2015, 100.0), (2020, 110.0)],
        {},
        p.DEUTLICHER_FORTSCHRITT,
        (0.0192, None, None),
    ),
    # 1.02^(1/5)-1 = 0.0040
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
    # the ±1 % boundaries, one year from 100: 101/100-1 = +1 % exactly is not more than 1 %
    # (floating point gives 0.010000000000000009: the tolerance decides)
    (
        "level +1 % exactly",
        [(2020, 100.0), (2021, 101.0)],
        {},
        p.MAESSIGER_FORTSCHRITT,
        (0.01, None, None),
    ),
    # 101.001/100-1 = +1.001 %
    (
        "level just above +1 %",
        [(2020, 100.0), (2021, 101.001)],
        {},
        p.DEUTLICHER_FORTSCHRITT,
        (0.01001, None, None),
    ),
    # 99/100-1 = -1 % exactly: still leicht (floating point: -0.010000000000000009)
    (
        "level -1 % exactly",
        [(2020, 100.0), (2021, 99.0)],
        {},
        p.LEICHTE_VERSCHLECHTERUNG,
        (-0.01, None, None),
    ),
    # 98.999/100-1 = -1.001 %
    (
        "level just below -1 %",
        [(2020, 100.0), (2021, 98.999)],
        {},
        p.DEUTLICHE_VERSCHLECHTERUNG,
        (-0.01001, None, None),
    ),
    # 99.99/100-1 = -0.01 %: just below 0
    (
        "level just below 0 %",
        [(2020, 100.0), (2021, 99.99)],
        {},
        p.LEICHTE_VERSCHLECHTERUNG,
        (-0.0001, None, None),
    ),
    # --- without a target: a share's change in points a year, ±1 point the boundary ---
    # (5.4-2.4)/3 = +1.0 exactly (floating point: 1.0000000000000002): not more than 1
    (
        "share +1 point a year exactly",
        [(2021, 2.4), (2024, 5.4)],
        {"kind": "share"},
        p.MAESSIGER_FORTSCHRITT,
        (1.0, None, None),
    ),
    # (5.403-2.4)/3 = 3.003/3 = 1.001
    (
        "share just above +1 point a year",
        [(2021, 2.4), (2024, 5.403)],
        {"kind": "share"},
        p.DEUTLICHER_FORTSCHRITT,
        (1.001, None, None),
    ),
    # (2.4-5.4)/3 = -1.0 exactly (floating point: -1.0000000000000002)
    (
        "share -1 point a year exactly",
        [(2021, 5.4), (2024, 2.4)],
        {"kind": "share"},
        p.LEICHTE_VERSCHLECHTERUNG,
        (-1.0, None, None),
    ),
    # (2.397-5.4)/3 = -3.003/3 = -1.001
    (
        "share just below -1 point a year",
        [(2021, 5.4), (2024, 2.397)],
        {"kind": "share"},
        p.DEUTLICHE_VERSCHLECHTERUNG,
        (-1.001, None, None),
    ),
    # a share that should fall: (16-20)/4 = -1.0, i.e. +1.0 in the desired direction: mäßig
    (
        "share falling by 1 point a year, falling wanted",
        [(2020, 20.0), (2024, 16.0)],
        {"kind": "share", "direction": "down"},
        p.MAESSIGER_FORTSCHRITT,
        (-1.0, None, None),
    ),
    # --- gap (parity 0) and parity ratio (parity 1): the distance to parity, linearly ---
    # was (0.75, 0.5, 1.5) as shares of distance and time; now the yearly change of the
    # distance: |12| -> |-3|: (3-12)/5 = -1.8; required (0-12)/10 = -1.2; ratio 1.5
    (
        "gap crossing zero",
        [(2015, 12.0), (2020, -3.0)],
        {"kind": "gap", "target": (0.0, 2025)},
        p.AUF_KURS,
        (-1.8, -1.2, 1.5),
    ),
    # was (-0.6, 0.5, -1.2): |5| -> |-8|: (8-5)/5 = +0.6; required (0-5)/10 = -0.5; -1.2
    (
        "gap overshooting past parity",
        [(2015, 5.0), (2020, -8.0)],
        {"kind": "gap", "target": (0.0, 2025)},
        p.FALSCHE_RICHTUNG,
        (0.6, -0.5, -1.2),
    ),
    (
        "gap closed",
        [(2015, 12.0), (2020, 0.0)],
        {"kind": "gap", "target": (0.0, 2025)},
        p.ZIEL_ERREICHT,
        None,
    ),
    # a gap target of 2 points: distance 10 -> 6 in 4 years, (6-10)/4 = -1.0; required
    # (2-10)/8 = -1.0: ratio 1.0
    (
        "gap towards a target of 2 points",
        [(2020, 10.0), (2024, 6.0)],
        {"kind": "gap", "target": (2.0, 2028)},
        p.AUF_KURS,
        (-1.0, -1.0, 1.0),
    ),
    # gap met then lost: |1.5| <= 2 in 2020, |-4| > 2 in 2024; it is 4 - 2 = 2 points from a
    # gap the target allows (-2 would do): 2/100 = 0.02
    (
        "gap met then lost on the other side of parity",
        [(2020, 1.5), (2024, -4.0)],
        {"kind": "gap", "target": (2.0, 2026)},
        p.MAESSIGER_FORTSCHRITT,
        None,
    ),
    # was (0.6, 0.6667, 0.9): distance 0.5 -> 0.2: -0.3/4 = -0.075; required -0.5/6 = -0.0833;
    # 0.9
    (
        "parity below 1",
        [(2020, 0.5), (2024, 0.8)],
        {"kind": "parity", "target": (1.0, 2026)},
        p.MAESSIGER_FORTSCHRITT,
        (-0.075, -0.0833, 0.9),
    ),
    # was (0.5, 0.6667, 0.75): distance 0.5 -> 0.25: -0.0625 against -0.0833: 0.75
    (
        "parity above 1",
        [(2020, 1.5), (2024, 1.25)],
        {"kind": "parity", "target": (1.0, 2026)},
        p.MAESSIGER_FORTSCHRITT,
        (-0.0625, -0.0833, 0.75),
    ),
    # was (0.8, 0.6667, 1.2): distance 0.5 -> 0.1: -0.1 against -0.0833: 1.2
    (
        "parity crossing from above",
        [(2020, 1.5), (2024, 0.9)],
        {"kind": "parity", "target": (1.0, 2026)},
        p.AUF_KURS,
        (-0.1, -0.0833, 1.2),
    ),
    # was "Entwicklung in falsche Richtung"; now parity met at the baseline and lost:
    # |0.8-1.0|/1.0 = 0.2, within 0.40
    (
        "parity left since the baseline",
        [(2020, 1.0), (2024, 0.8)],
        {"kind": "parity", "target": (1.0, 2026)},
        p.UNZUREICHENDER_FORTSCHRITT,
        None,
    ),
    # |0.97-1.0|/1.0 = 0.03, within 0.05
    (
        "parity left slightly",
        [(2020, 1.0), (2024, 0.97)],
        {"kind": "parity", "target": (1.0, 2026)},
        p.MAESSIGER_FORTSCHRITT,
        None,
    ),
    # |0.5-1.0|/1.0 = 0.5, beyond 0.40
    (
        "parity left far",
        [(2020, 1.0), (2024, 0.5)],
        {"kind": "parity", "target": (1.0, 2026)},
        p.FALSCHE_RICHTUNG,
        None,
    ),
    # --- gap and parity without a target: towards parity, 1 point (gap) or 0.01 (parity) ---
    # was "nicht bewertbar"; now distance 10 -> 5: (5-10)/5 = -1.0, a reduction of exactly 1
    # point a year: not more than 1, so mäßig
    (
        "gap without a target year",
        [(2015, 10.0), (2020, 5.0)],
        {"kind": "gap"},
        p.MAESSIGER_FORTSCHRITT,
        (-1.0, None, None),
    ),
    # |-8| -> |-2|: (2-8)/4 = -1.5: a reduction of 1.5 points a year
    (
        "negative gap narrowing without a target",
        [(2020, -8.0), (2024, -2.0)],
        {"kind": "gap"},
        p.DEUTLICHER_FORTSCHRITT,
        (-1.5, None, None),
    ),
    # |3| -> |-5|: (5-3)/4 = +0.5: widening by 0.5 a year
    (
        "gap crossing parity and widening without a target",
        [(2020, 3.0), (2024, -5.0)],
        {"kind": "gap"},
        p.LEICHTE_VERSCHLECHTERUNG,
        (0.5, None, None),
    ),
    # distance |0.7-1| = 0.3 -> |0.74-1| = 0.26: (0.26-0.3)/4 = -0.01, a reduction of exactly
    # 0.01 a year (floating point: 0.010000000000000009): not more than 0.01
    (
        "parity 0.01 a year closer exactly",
        [(2020, 0.7), (2024, 0.74)],
        {"kind": "parity"},
        p.MAESSIGER_FORTSCHRITT,
        (-0.01, None, None),
    ),
    # 0.3 -> 0.25996: -0.04004/4 = -0.01001
    (
        "parity just over 0.01 a year closer",
        [(2020, 0.7), (2024, 0.74004)],
        {"kind": "parity"},
        p.DEUTLICHER_FORTSCHRITT,
        (-0.01001, None, None),
    ),
    # 0.1 -> 0.14: +0.04/4 = +0.01 farther exactly (floating point: 0.010000000000000009)
    (
        "parity 0.01 a year farther exactly",
        [(2020, 0.9), (2024, 0.86)],
        {"kind": "parity"},
        p.LEICHTE_VERSCHLECHTERUNG,
        (0.01, None, None),
    ),
    # 0.1 -> 0.14004: +0.04004/4 = +0.01001
    (
        "parity just over 0.01 a year farther",
        [(2020, 0.9), (2024, 0.85996)],
        {"kind": "parity"},
        p.DEUTLICHE_VERSCHLECHTERUNG,
        (0.01001, None, None),
    ),
    # --- assumed targets decide nothing; derived ones decide like adopted ones ---
    # assumed 50 by 2026: judged without it, (23-20)/4 = +0.75 points a year: mäßig
    (
        "share with an assumed target",
        [(2020, 20.0), (2024, 23.0)],
        {"kind": "share", "target": (50.0, 2026), "target_kind": "assumed"},
        p.MAESSIGER_FORTSCHRITT,
        (0.75, None, None),
    ),
    # adopted: required (50-20)/6 = 5.0 a year; 0.75/5.0 = 0.15
    (
        "share with an adopted target",
        [(2020, 20.0), (2024, 23.0)],
        {"kind": "share", "target": (50.0, 2026), "target_kind": "adopted"},
        p.UNZUREICHENDER_FORTSCHRITT,
        (0.75, 5.0, 0.15),
    ),
    (
        "share with a derived target",
        [(2020, 20.0), (2024, 23.0)],
        {"kind": "share", "target": (50.0, 2026), "target_kind": "derived"},
        p.UNZUREICHENDER_FORTSCHRITT,
        (0.75, 5.0, 0.15),
    ),
    # the catalogue's default for a gap: parity by the goal's due year, assumed. Without it:
    # distance 10 -> 4, (4-10)/4 = -1.5, a reduction of 1.5 points a year: deutlich
    (
        "gap with assumed parity",
        [(2020, 10.0), (2024, 4.0)],
        {"kind": "gap", "target": (0.0, 2026), "target_kind": "assumed"},
        p.DEUTLICHER_FORTSCHRITT,
        (-1.5, None, None),
    ),
    # the same target adopted: required (0-10)/6 = -1.6667; 1.5/1.6667 = 0.9
    (
        "gap with adopted parity",
        [(2020, 10.0), (2024, 4.0)],
        {"kind": "gap", "target": (0.0, 2026)},
        p.MAESSIGER_FORTSCHRITT,
        (-1.5, -1.6667, 0.9),
    ),
    # a level with an assumed target is judged on its CAGR alone: 0.9^(1/5)-1 = -0.0209
    (
        "level with an assumed target",
        [(2015, 100.0), (2020, 90.0)],
        {"target": (150.0, 2025), "target_kind": "assumed"},
        p.DEUTLICHE_VERSCHLECHTERUNG,
        (-0.0209, None, None),
    ),
    # --- too little data, missing values and symbols ---
    ("a single value", [(2019, 5.0)], {}, p.NICHT_BEWERTBAR, None),
    (
        "a single value with a target",
        [(2019, 5.0)],
        {"target": (4.0, 2026)},
        p.NICHT_BEWERTBAR,
        None,
    ),
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
    # 2024 has only the symbol ".": judged to 2023, 1.2^(1/3)-1 = 0.0627 (as a zero it would be
    # -100 % a year)
    (
        "symbol in the latest year",
        [(2020, 10.0, None), (2023, 12.0, None), (2024, None, ".")],
        {},
        p.DEUTLICHER_FORTSCHRITT,
        (0.0627, None, None),
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


# (values, keyword arguments, a part of the reason); the baseline is the first period listed.
REASONS = [
    # 1.21^(1/5)-1 = 3.886 %, 1.5^(1/10)-1 = 4.138 %
    (
        [(2015, 100.0), (2020, 121.0)],
        {"target": (150.0, 2025)},
        "jährliche Wachstumsraten (CAGR): tatsächlich +3,89 % je Jahr gegen nötig +4,14 % je Jahr",
    ),
    # (23-20)/4 = 0.75 points, (50-20)/6 = 5.0 points
    (
        [(2020, 20.0), (2024, 23.0)],
        {"kind": "share", "target": (50.0, 2026)},
        "tatsächlich +0,75 Prozentpunkte je Jahr gegen nötig +5,0 Prozentpunkte je Jahr",
    ),
    # (6.2-5)/4 = 0.3 points a year
    ([(2020, 5.0), (2024, 6.2)], {"kind": "share"}, "+0,3 Prozentpunkte je Jahr"),
    # a parity ratio in plain numbers: -0.3/4 = -0.075, -0.5/6 = -0.0833
    (
        [(2020, 0.5), (2024, 0.8)],
        {"kind": "parity", "target": (1.0, 2026)},
        "Abstand zur Parität von 0,5 auf 0,2, lineare jährliche Änderung: tatsächlich -0,075 je "
        "Jahr gegen nötig -0,0833 je Jahr",
    ),
    # |12| -> |-3| points
    (
        [(2015, 12.0), (2020, -3.0)],
        {"kind": "gap", "target": (0.0, 2025)},
        "Abstand zur Parität von 12 auf 3 Prozentpunkte",
    ),
    ([(2020, 10.0), (2024, 4.0)], {"kind": "gap"}, "(gewünscht: Richtung Parität)"),
    ([(2020, 52.0), (2024, 56.0)], {"target": (50.0, 2026)}, "schon im Basisjahr 2020 erreicht"),
    # |48-50| = 2.0 points
    (
        [(2020, 52.0), (2024, 48.0)],
        {"kind": "share", "target": (50.0, 2026)},
        "Zielwert im Basisjahr 2020 erreicht, jetzt verfehlt: Abstand zum Ziel 2,0 Prozentpunkte",
    ),
    # |195-200|/200 = 2.5 % of the target
    (
        [(2020, 210.0), (2024, 195.0)],
        {"target": (200.0, 2026)},
        "jetzt verfehlt: Abstand zum Ziel 2,5 % des Zielwerts",
    ),
    (
        [(2020, 10.0), (2023, 12.0), (2024, None, ".")],
        {},
        "2024 ohne Wert („.“), bewertet bis 2023",
    ),
    (
        [(2020, 10.0), (2022, 11.0), (2023, None, "..."), (2024, None, ".")],
        {},
        "2023 ohne Wert („...“), 2024 ohne Wert („.“), bewertet bis 2022",
    ),
    ([(2019, None), (2020, 10.0), (2024, 12.0)], {}, "Basisjahr 2019 ohne Wert, Basis ist 2020"),
    ([(2015, 100.0), (2020, 110.0)], {}, "kein Zielwert"),
    ([(2019, 5.0)], {}, "weniger als zwei Werte"),
    ([(2015, 0.0), (2020, 5.0)], {}, "Basiswert 0"),
    ([(2015, 0.0), (2020, 5.0)], {"target": (10.0, 2025)}, "lineare"),
]


@pytest.mark.parametrize(("values", "kwargs", "part"), REASONS)
def test_reason(values: list, kwargs: dict, part: str) -> None:
    assert part in assess(values, **{"baseline": values[0][0], **kwargs}).reason


def test_reason_ends_with_the_assumed_target() -> None:
    result = assess(
        [(2020, 20.0), (2024, 23.0)],
        baseline=2020,
        kind="share",
        target=(50.0, 2026),
        target_kind="assumed",
    )
    assert result.reason.endswith(
        "; kein beschlossener Zielwert (angenommen: 50 bis 2026, nicht bewertet)"
    )
    assert "kein Zielwert" not in result.reason


def test_assumed_target_keeps_its_figures() -> None:
    result = assess(
        [(2020, 10.0), (2024, 4.0)],
        baseline=2020,
        kind="gap",
        target=(0.0, 2026),
        target_kind="assumed",
    )
    assert (result.target_value, result.target_year, result.target_kind) == (0.0, 2026, "assumed")
    assert (result.required_rate, result.ratio) == (None, None)


def test_derived_target_decides_like_an_adopted_one() -> None:
    values, kwargs = [(2015, 100.0), (2020, 121.0)], {"baseline": 2015, "target": (150.0, 2025)}
    derived = assess(values, **kwargs, target_kind="derived")
    adopted = assess(values, **kwargs)
    assert derived.target_kind == "derived"
    assert dataclasses.replace(derived, target_kind="adopted") == adopted


def test_target_kind_is_none_without_a_target() -> None:
    assert assess([(2015, 100.0), (2020, 110.0)], baseline=2015).target_kind is None
    with_target = assess([(2015, 100.0), (2020, 110.0)], baseline=2015, target=(150.0, 2025))
    assert with_target.target_kind == "adopted"


def test_same_points_a_year_same_judgement_from_any_level() -> None:
    low = assess([(2020, 5.0), (2024, 6.2)], baseline=2020, kind="share")
    high = assess([(2020, 40.0), (2024, 41.2)], baseline=2020, kind="share")
    assert low.status == high.status
    assert low.actual_rate == pytest.approx(high.actual_rate)


def test_shortfall_of_a_lost_target() -> None:
    # |44.9-50|/100 = 0.051
    result = assess([(2020, 52.0), (2024, 44.9)], baseline=2020, kind="share", target=(50, 2026))
    assert result.shortfall == pytest.approx(0.051)
    assert result.ratio is None


def test_unknown_words_are_refused() -> None:
    with pytest.raises(ValueError, match="target_kind"):
        assess([(2020, 1.0)], baseline=2020, target=(2.0, 2026), target_kind="angenommen")
    with pytest.raises(ValueError, match="kind"):
        assess([(2020, 1.0)], baseline=2020, kind="rate")


def test_figures_of_the_assessment() -> None:
    result = assess([(2018, 1.0), (2020, 10.0), (2024, 12.0)], baseline=2019, target=(15.0, 2030))
    assert (result.baseline_period, result.baseline_value) == (2020, 10.0)
    assert (result.latest_period, result.latest_value) == (2024, 12.0)
    assert (result.target_year, result.target_value) == (2030, 15.0)
    assert "Basisjahr 2019 ohne Wert, Basis ist 2020" in result.reason


def test_symbol_is_never_a_zero() -> None:
    result = assess([(2020, 10.0), (2023, 12.0), (2024, None, "-")], baseline=2020)
    assert (result.latest_period, result.latest_value) == (2023, 12.0)


def test_reasons_name_why_not_assessable() -> None:
    assert "weniger als zwei Werte" in assess([(2019, 5.0)], baseline=2019).reason
    assert (
        "kein Wert ab dem Basisjahr 2015"
        in assess([(2010, 1.0), (2012, 2.0)], baseline=2015).reason
    )
    assert "Basiswert 0" in assess([(2015, 0.0), (2020, 5.0)], baseline=2015).reason


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
