"""The dashboard under AppTest, against warehouses built in the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from tests.conftest import ROOT

APP = str(ROOT / "dashboard" / "streamlit_app.py")


def _app(monkeypatch: pytest.MonkeyPatch, link: Path) -> AppTest:
    monkeypatch.setenv(queries.DB_ENV, str(link))
    return AppTest.from_file(APP, default_timeout=60).run()


def test_overview_lists_fields_and_goals(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _app(monkeypatch, shipped_warehouse)
    assert not at.exception
    assert [s.value for s in at.subheader] == [
        "Bildung (12 Ziele)",
        "Soziales (7 Ziele)",
        "Demokratie (5 Ziele)",
        "Stadtleben und Kultur (8 Ziele)",
        "Wirtschaft (5 Ziele)",
        "Stadtverwaltung und interkulturelle Öffnung (2 Ziele)",
    ]


def test_missing_warehouse_says_what_to_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = _app(monkeypatch, tmp_path / "warehouse.duckdb")
    assert not at.exception
    assert "python -m etl run" in at.warning[0].value


def test_empty_warehouse_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import duckdb

    empty = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(empty)).close()
    at = _app(monkeypatch, empty)
    assert not at.exception
    assert "leer oder unvollständig" in at.warning[0].value
