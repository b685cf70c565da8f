"""The rules of compute: source preference, "-" as zero only where asked, fixed regions."""

from __future__ import annotations

import polars as pl

from etl import catalog, compute
from etl.readers import TIDY_SCHEMA

HEAD = """
[municipality]
id = "x"
name = "X"
region_code = "03241001"
strategy = "S"
comparison = [{ code = "03241", name = "Region" }]

[[field]]
id = "f"
name = "F"

[[goal]]
id = "f.g"
field = "f"
title = "G"
owner = "O"
due = 2026
"""


def _observations(rows: list[tuple]) -> pl.DataFrame:
    """rows: (source, region, period, value, flag); everything else a plain total."""
    return pl.DataFrame(
        [
            {
                "source": s,
                "measure": "m",
                "unit": "Anzahl",
                "region_code": r,
                "region_name": r,
                "period": p,
                "reference_date": None,
                "sex": "insgesamt",
                "nationality": "insgesamt",
                "category": None,
                "value": v,
                "flag": f,
                "line": i,
            }
            for i, (s, r, p, v, f) in enumerate(rows)
        ],
        schema=TIDY_SCHEMA,
    )


def _compute(indicator_toml: str, rows: list[tuple]) -> pl.DataFrame:
    cat = catalog.parse((HEAD + indicator_toml).encode())
    return compute.compute_frame(cat, _observations(rows))


LEVEL = """
[[indicator]]
id = "f.level"
goal = "f.g"
title = "L"
unit = "Anzahl"
kind = "level"
formula = "n"
baseline = 2019
regions = ["03241001"]
[indicator.series.n]
source = ["official", "sample"]
measure = "m"
"""


def test_the_first_listed_source_wins_a_period() -> None:
    frame = _compute(
        LEVEL,
        [
            ("official", "03241001", 2019, 100.0, None),
            ("sample", "03241001", 2019, 999.0, None),  # never added to the official figure
            ("sample", "03241001", 2020, 110.0, None),
        ],
    )
    assert frame.select("period", "value").rows() == [(2019, 100.0), (2020, 110.0)]


def test_dash_is_missing_unless_the_series_says_otherwise() -> None:
    rows = [("official", "03241001", 2019, None, "-"), ("official", "03241001", 2020, 5.0, None)]
    assert _compute(LEVEL, rows).select("value", "flag").rows() == [(None, "n: -"), (5.0, None)]
    as_zero = LEVEL.replace('measure = "m"', 'measure = "m"\ndash_as_zero = true')
    assert _compute(as_zero, rows).select("value", "flag").rows() == [(0.0, None), (5.0, None)]


def test_division_by_zero_is_flagged_not_infinite() -> None:
    share = LEVEL.replace('formula = "n"', 'formula = "100 * n / n"')
    frame = _compute(share, [("official", "03241001", 2019, 0.0, None)])
    assert frame.select("value", "flag").rows() == [(None, "Division durch 0")]


def test_a_fixed_region_serves_every_region() -> None:
    benchmark = """
[[indicator]]
id = "f.index"
goal = "f.g"
title = "I"
unit = "Verhältnis"
kind = "parity"
formula = "a / land"
baseline = 2019
[indicator.series.a]
source = "official"
measure = "m"
[indicator.series.land]
source = "official"
measure = "m"
region = "03"
"""
    frame = _compute(
        benchmark,
        [
            ("official", "03241001", 2019, 50.0, None),
            ("official", "03241", 2019, 20.0, None),
            ("official", "03", 2019, 100.0, None),
        ],
    )
    assert frame.select("region_code", "value").rows() == [("03241", 0.2), ("03241001", 0.5)]
