"""docs/indicators.md names every goal and every indicator of the shipped catalogue, as
scripts/indicator_doc.py writes it from indicators.toml."""

from __future__ import annotations

import importlib.util

from etl import catalog as catalog_module
from tests.conftest import ROOT

DOC = ROOT / "docs" / "indicators.md"


def _render() -> str:
    spec = importlib.util.spec_from_file_location(
        "indicator_doc", ROOT / "scripts/indicator_doc.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.render()


def test_the_document_is_current() -> None:
    # after a catalogue change: python scripts/indicator_doc.py
    assert DOC.read_text("utf-8") == _render()


def test_every_goal_has_its_indicators_or_a_reason() -> None:
    catalog = catalog_module.load(ROOT / "indicators.toml")
    text = DOC.read_text("utf-8")
    for goal in catalog.goals:
        section = text.split(f"`{goal.id}`", 1)[1].split("\n### ", 1)[0]
        own = [i.id for i in catalog.indicators if i.goal == goal.id]
        if own:
            assert all(f"`{i}`" in section for i in own), goal.id
        else:
            assert "Kein Indikator — " in section, goal.id
    with_indicator = {i.goal for i in catalog.indicators}
    assert len(with_indicator) >= 18


def test_every_shipped_indicator_names_its_concept() -> None:
    catalog = catalog_module.load(ROOT / "indicators.toml")
    assert [i.id for i in catalog.indicators if i.concept is None] == []
    mh = {i.id for i in catalog.indicators if i.concept == "Migrationshintergrund"}
    assert "verwaltung.neueinstellungen_mh_anteil" in mh
    assert "kontext.auslaenderanteil" not in mh


def test_the_dashboard_never_imports_etl() -> None:
    """DESIGN.md: the dashboard reads the warehouse only; the words both sides share live in
    vocabulary/, and the report (a view of the warehouse) in dashboard/."""
    import ast

    found = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] == "etl"]
    assert found == []
