"""`make bench` keeps working: the whole benchmark at a tiny scale, every figure present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import generate, run

FIGURES = [
    "build_s",
    "floor_s",
    "build_over_floor",
    "pandas_peer_s",
    "peer_over_build",
    "build_peak_rss_mb",
    "rebuild_one_indicator_s",
] + [f"page_{p}_{k}" for p in run.PAGES for k in ("ms", "chart_kb")]


def test_generator_counts() -> None:
    # 16 Länder x (1 + 1 Kreis x (1 + 1 Gemeinde)) regions x 25 years x 3 x 3 x 10 measures
    assert generate.expected_values(0.01) == 16 * 3 * 25 * 3 * 3 * 10
    # at scale 1: 11,216 regions and more than 20 million values
    assert generate.expected_values(1.0) == 11_216 * 25 * 9 * 10 > 20_000_000


def test_benchmark_at_tiny_scale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "results.json"
    assert run.main(["--scale", "0.01", "--out", str(out), "--page-runs", "1"]) == 0
    results = json.loads(out.read_text("utf-8"))
    for name in FIGURES:
        assert results[name] > 0 or name.endswith("_chart_kb"), name
    assert results["indicators"] >= 200
    assert results["page_indikator_chart_kb"] > 0
    printed = capsys.readouterr().out
    assert "build_over_floor: " in printed
    assert "targets missed: " in printed
