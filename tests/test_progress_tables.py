"""From indicator values to the status tables: the sample mark and staleness travel from an
indicator to its goal and field (docs/progress.md, section 5)."""

from __future__ import annotations

import polars as pl

from etl import catalog as catalog_module
from etl.compute import VALUE_SCHEMA
from etl.progress import progress_tables

CATALOG = """
[municipality]
id = "stadt"
name = "Stadt"
region_code = "03241001"
strategy = "Test"

[[field]]
id = "feld"
name = "Feld"

[[goal]]
id = "feld.ziel"
field = "feld"
title = "Ziel"
owner = "Amt"

[[indicator]]
id = "feld.neu"
goal = "feld.ziel"
title = "Neuer Anteil"
unit = "%"
kind = "share"
formula = "a"
baseline = 2019
regions = ["03241001"]

[indicator.series.a]
source = "beispiel"
measure = "M"

[[indicator]]
id = "feld.alt"
goal = "feld.ziel"
title = "Alter Anteil"
unit = "%"
kind = "share"
formula = "a"
baseline = 2012
regions = ["03241001"]

[indicator.series.a]
source = "amtlich"
measure = "M"
"""


def _values(indicator: str, points: dict[int, float], source: str) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "indicator_id": indicator,
                "region_code": "03241001",
                "period": period,
                "sex": "insgesamt",
                "value": value,
                "numerator": None,
                "denominator": None,
                "flag": None,
                "inputs": [{"series": "a", "value": value, "flag": None}],
                "sources": [source],
            }
            for period, value in points.items()
        ],
        schema=VALUE_SCHEMA,
    )


def test_sample_and_stale_marks_reach_goal_and_field() -> None:
    catalog = catalog_module.parse(CATALOG.encode())
    values = pl.concat(
        [
            # 10 % -> 15 % in five years: +1 point a year, exactly "mäßig" (not more than 1)
            _values("feld.neu", {2019: 10.0, 2024: 15.0}, "beispiel"),
            # 20 % -> 26 % in three years: +2 points a year, "deutlich"; but it ends in 2015,
            # nine years before the monitor's newest year 2024
            _values("feld.alt", {2012: 20.0, 2015: 26.0}, "amtlich"),
        ]
    )
    indicators, goals, fields = progress_tables(catalog, values, {"beispiel": "Beispielquelle"})
    rows = {r["indicator_id"]: r for r in indicators.iter_rows(named=True)}
    assert rows["feld.neu"]["status"] == "mäßiger Fortschritt"
    assert rows["feld.neu"]["uses_sample"] is True
    assert rows["feld.neu"]["sample_sources"] == ["beispiel"]
    assert rows["feld.neu"]["reason"].endswith("; beruht auf Beispieldaten („Beispielquelle“)")
    assert rows["feld.neu"]["data_until"] is None
    assert rows["feld.alt"]["status"] == "deutlicher Fortschritt"
    assert rows["feld.alt"]["uses_sample"] is False
    assert rows["feld.alt"]["data_until"] == 2015

    [goal] = goals.filter(pl.col("region_code") == "03241001").iter_rows(named=True)
    assert goal["status"] == "mäßiger Fortschritt"  # the weaker of the two
    assert (goal["uses_sample"], goal["only_sample"], goal["sample_indicators"]) == (True, False, 1)
    assert (goal["stale_indicators"], goal["data_until"]) == (1, 2015)

    [field] = fields.filter(pl.col("region_code") == "03241001").iter_rows(named=True)
    assert (field["uses_sample"], field["only_sample"], field["sample_goals"]) == (True, False, 1)
    assert (field["stale_goals"], field["data_until"]) == (1, 2015)


def test_nothing_is_stale_two_years_behind() -> None:
    catalog = catalog_module.parse(CATALOG.encode())
    values = pl.concat(
        [
            _values("feld.neu", {2019: 10.0, 2024: 15.0}, "beispiel"),
            _values("feld.alt", {2012: 20.0, 2022: 26.0}, "amtlich"),  # 2024 - 2022 = 2
        ]
    )
    indicators, _, _ = progress_tables(catalog, values, {})
    assert indicators["data_until"].to_list() == [None, None]
    assert indicators["uses_sample"].to_list() == [False, False]  # no source is a sample
