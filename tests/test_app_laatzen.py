"""The dashboard on Laatzen's warehouse, under AppTest: every goal of Laatzen's catalogue is an
invented example (goals.sample) measured on official data, and the screen must say so and name
Laatzen, never Hannover."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import ui
from etl import load
from tests.test_app import PAGES, _app, _goal_lines, _runs_clean
from tests.test_laatzen import CATALOG, DATA


@pytest.fixture(scope="module")
def laatzen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    link = tmp_path_factory.mktemp("laatzen_app") / "warehouse.duckdb"
    load.build(CATALOG, DATA, link)
    return link


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_for_laatzen(
    monkeypatch: pytest.MonkeyPatch, laatzen: Path, page: str
) -> None:
    _runs_clean(monkeypatch, laatzen, page)


def test_overview_counts_invented_goals_as_sample_data(
    monkeypatch: pytest.MonkeyPatch, laatzen: Path
) -> None:
    at = _app(monkeypatch, laatzen)
    # One goal is assessed (the Landtag turnout, mäßiger Fortschritt: "langsam"); its indicator
    # rests on official data, but the goal itself is an invented example.
    assert at.main.markdown[0].value.startswith(
        "**1 von 1 bewerteten Zielen beruht auf Beispieldaten** (1 ganz, 0 teilweise)"
    )
    metrics = [m.value for m in at.metric]
    assert metrics == ["0 Ziele", "1 Ziel", "0 Ziele", "6 Ziele"]
    counts = [c.value for c in at.main.caption if c.value.startswith("davon ")]
    assert counts == [
        "davon 0 auf Beispieldaten",
        "davon 1 auf Beispieldaten",
        "davon 0 auf Beispieldaten",
    ]
    # each of the seven goals carries the Beispiel mark after its title, as on the field page
    goals = _goal_lines(at)
    assert len(goals) == 7
    assert all(g.endswith(f") {ui.EXAMPLE_MARK}") for g in goals), goals


def test_the_sample_hint_names_laatzen(monkeypatch: pytest.MonkeyPatch, laatzen: Path) -> None:
    # Laatzen's reporting round is an invented one: the Maßnahmen page shows the sample badge.
    at = _app(monkeypatch, laatzen, "app_pages/massnahmen.py")
    # a button that opens the explanation (keyboard, not a mouse-only tooltip)
    [hint] = [m.value for m in at.main.markdown if m.value.startswith("Erfundene Zahlen")]
    assert hint.endswith("keine Aussage über Stadt Laatzen.")
    assert "Hannover" not in hint


def test_berichtsrunde_without_a_closed_round_names_laatzens_round(
    monkeypatch: pytest.MonkeyPatch, laatzen: Path
) -> None:
    # Laatzen declares one round, 2025 (catalogues/laatzen.toml), and ships none closed.
    at = _app(monkeypatch, laatzen, "app_pages/berichtsrunde.py")
    [box] = at.info
    assert '`python -m etl round close 2025 --note "Lenkungsgruppe"`' in box.value
    assert "2024" not in box.value
