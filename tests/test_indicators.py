"""Every indicator of the shipped catalogue computes for Hannover and receives a status."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl import catalog, progress
from tests.conftest import ROOT

HANNOVER = catalog.load(ROOT / "indicators.toml")
TOWN = HANNOVER.municipality.region_code
# Indicators that cannot be assessed yet, with the reason the progress table must give.
NOT_ASSESSABLE: dict[str, str] = {}


def _one(link: Path, sql: str, params: list) -> list[tuple]:
    con = duckdb.connect(str(link.resolve()), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("indicator", HANNOVER.indicators, ids=[i.id for i in HANNOVER.indicators])
def test_indicator_computes_and_has_a_status(
    indicator: catalog.Indicator, shipped_warehouse: Path
) -> None:
    values = _one(
        shipped_warehouse,
        "SELECT period, value FROM indicator_values WHERE indicator_id = ? AND region_code = ? "
        "AND sex = 'insgesamt' AND value IS NOT NULL ORDER BY period",
        [indicator.id, TOWN],
    )
    assert len(values) >= 2
    rows = _one(
        shipped_warehouse,
        "SELECT status, reason FROM indicator_progress WHERE indicator_id = ? AND region_code = ?",
        [indicator.id, TOWN],
    )
    assert len(rows) == 1
    status, reason = rows[0]
    if indicator.contextual:
        assert status == progress.KONTEXT
    elif indicator.id in NOT_ASSESSABLE:
        assert status == progress.NICHT_BEWERTBAR
        assert NOT_ASSESSABLE[indicator.id] in reason
    else:
        assert status in progress.ORDER, reason


@pytest.mark.parametrize(
    "indicator", [i for i in HANNOVER.indicators if i.by_sex], ids=lambda i: i.id
)
def test_breakdown_by_sex(indicator: catalog.Indicator, shipped_warehouse: Path) -> None:
    sexes = _one(
        shipped_warehouse,
        "SELECT DISTINCT sex FROM indicator_values WHERE indicator_id = ? AND value IS NOT NULL "
        "ORDER BY 1",
        [indicator.id],
    )
    assert [s for (s,) in sexes] == ["insgesamt", "männlich", "weiblich"]


def test_every_goal_of_the_three_data_themes_has_an_indicator() -> None:
    measured = {i.goal for i in HANNOVER.indicators if not i.contextual}
    assert {
        "wirtschaft.existenzgruendungen",
        "wirtschaft.ausbildungsabschluss",
        "verwaltung.arbeitgeberin",
        "stadtleben.mitgestaltung",
    } <= measured


def test_goals_without_indicators_say_so(shipped_warehouse: Path) -> None:
    rows = _one(
        shipped_warehouse,
        "SELECT status, count(*) FROM goal_progress WHERE region_code = ? GROUP BY 1",
        [TOWN],
    )
    counts = dict(rows)
    with_indicators = {i.goal for i in HANNOVER.indicators}
    assert counts[progress.KEIN_INDIKATOR] == len(HANNOVER.goals) - len(with_indicators)
