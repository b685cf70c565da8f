"""`make bench` keeps working: the whole benchmark at a tiny scale, every printed figure checked."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks import generate, real, run
from tests.conftest import ROOT

SCALE = 0.01
# run.report rounds every figure to 3 decimals before it prints and stores it.
STEP = 0.001
# `name: value unit`, the value as Python's "{:,}" writes a float: 115,200.0 or 0.042
FIGURE_LINE = re.compile(r"^(?P<name>[a-z0-9_]+): (?P<value>\S+) (?P<unit>\S+)$")
MISSED = "targets missed: "
# The only page in dashboard/app_pages/ that draws plotly charts (st.plotly_chart).
PAGES_WITH_CHARTS = {"indikator"}
# The page targets of the benchmark's docstring; the others are run.TARGETS.
PAGE_MS_TARGET = 300.0
PAGE_COLD_MS_TARGET = 600.0
PAGE_CHART_KB_TARGET = 1000.0


def test_generator_counts() -> None:
    # 16 Länder x (1 + 1 Kreis x (1 + 1 Gemeinde)) regions x 25 years x 3 x 3 x 10 measures
    assert generate.expected_values(0.01) == 16 * 3 * 25 * 3 * 3 * 10
    # at scale 1: 11,216 regions and more than 20 million values
    assert generate.expected_values(1.0) == 11_216 * 25 * 9 * 10 > 20_000_000


def test_the_benchmark_times_every_page() -> None:
    pages = {p.stem for p in (ROOT / "dashboard" / "app_pages").glob("*.py")} - {"__init__"}
    assert set(run.PAGES) == pages


# A figure's check sees its value and all printed figures (a ratio needs its parts).
Check = Callable[[float, dict[str, float]], bool]


def positive(value: float, _figures: dict[str, float]) -> bool:
    return math.isfinite(value) and value > 0


def exactly(expected: float) -> Check:
    return lambda value, _figures: value == expected


def between(low: float, high: float) -> Check:
    return lambda value, _figures: low < value < high


def quotient(numerator: str, denominator: str) -> Check:
    """The ratio equals numerator / denominator, as far as rounding all three to STEP allows."""

    def check(value: float, figures: dict[str, float]) -> bool:
        top, bottom, half = figures[numerator], figures[denominator], STEP / 2
        low = (top - half) / (bottom + half) - half
        high = (top + half) / (bottom - half) + half
        return bottom > half and low - 1e-9 <= value <= high + 1e-9

    return check


def expected_figures() -> dict[str, tuple[str, Check]]:
    """Every figure run.main prints, in its order: unit and the check its value must pass."""
    # 16 Länder, each with 1 Kreis of 1 Gemeinde at this scale
    regions = 16 * (1 + 1 * (1 + 1))
    # classic files: every region x 25 years x 3 sexes x 3 nationalities x 10 measures; the flat
    # file: one more measure for Länder and Kreise (16 + 16) only
    values = regions * 25 * 3 * 3 * 10 + (16 + 16) * 25 * 3 * 3
    figures: dict[str, tuple[str, Check]] = {
        "values": ("values", exactly(values)),
        "regions": ("regions", exactly(regions)),
        # generate.write_catalog writes 210 indicators
        "indicators": ("indicators", exactly(210)),
        "generate_s": ("s", positive),
        "build_s": ("s", positive),
        # ru_maxrss of the build process: something, and less than this machine could hold
        "build_peak_rss_mb": ("MB", between(0, 24 * 1024)),
        "floor_s": ("s", positive),
        "build_over_floor": ("x", quotient("build_s", "floor_s")),
        "pandas_peer_s": ("s", positive),
        "peer_over_build": ("x", quotient("pandas_peer_s", "build_s")),
        "rebuild_one_indicator_s": ("s", positive),
        "rebuild_one_source_s": ("s", positive),
    }
    for page in run.PAGES:
        figures[f"page_{page}_ms"] = ("ms", positive)
        figures[f"page_{page}_cold_ms"] = ("ms", positive)
        chart = positive if page in PAGES_WITH_CHARTS else exactly(0.0)
        figures[f"page_{page}_chart_kb"] = ("kB", chart)
    if real.available():
        # the count itself is checked against a warehouse in tests/test_bench_real.py
        figures["real_values"] = ("values", positive)
        figures["real_build_s"] = ("s", positive)
        figures["real_build_peak_rss_mb"] = ("MB", between(0, 24 * 1024))
        figures["real_floor_s"] = ("s", positive)
        figures["real_build_over_floor"] = ("x", quotient("real_build_s", "real_floor_s"))
    return figures


def missed_targets(figures: dict[str, float]) -> list[str]:
    """The figures that miss their target, worked out again from the figures themselves."""
    missed = []
    for name, value in figures.items():
        if name in run.TARGETS:
            op, bound = run.TARGETS[name]
            miss = value > bound if op == "<=" else value < bound
        elif name.startswith("page_") and name.endswith("_chart_kb"):
            miss = value > PAGE_CHART_KB_TARGET
        elif name.startswith("page_") and name.endswith("_cold_ms"):
            miss = value > PAGE_COLD_MS_TARGET
        elif name.startswith("page_") and name.endswith("_ms"):
            miss = value > PAGE_MS_TARGET
        else:
            miss = False
        if miss:
            missed.append(name)
    return missed


def test_targets_missed_on_either_side_of_each_bound() -> None:
    # At tiny scale most figures meet their target, so run.meets is also judged on figures
    # just inside and just outside every bound.
    bounds = {name: bound for name, (_, bound) in run.TARGETS.items()}
    bounds |= {f"page_{p}_ms": PAGE_MS_TARGET for p in run.PAGES}
    bounds |= {f"page_{p}_cold_ms": PAGE_COLD_MS_TARGET for p in run.PAGES}
    bounds |= {f"page_{p}_chart_kb": PAGE_CHART_KB_TARGET for p in run.PAGES}
    for factor in (0.9, 1.0, 1.1):
        figures = {name: bound * factor for name, bound in bounds.items()}
        judged = [name for name, value in figures.items() if not run.meets(name, value)]
        assert judged == missed_targets(figures), factor


def test_benchmark_at_tiny_scale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "results.json"
    assert (
        run.main(
            ["--scale", str(SCALE), "--out", str(out), "--page-runs", "1", "--load-seconds", "0"]
        )
        == 0
    )
    results = json.loads(out.read_text("utf-8"))
    *lines, last = capsys.readouterr().out.splitlines()

    printed: dict[str, float] = {}
    units: dict[str, str] = {}
    for line in lines:
        match = FIGURE_LINE.match(line)
        assert match, f"not a figure line: {line!r}"
        name = match["name"]
        assert name not in printed, f"{name} printed twice"
        printed[name] = float(match["value"].replace(",", ""))
        units[name] = match["unit"]

    expected = expected_figures()
    # every printed figure is one this test checks, in the order run.main prints them
    assert list(printed) == list(expected)
    # ... and each is in results.json with the value printed; the file adds only the scale
    assert set(results) == {*printed, "scale"}
    assert results["scale"] == SCALE
    for name, value in printed.items():
        assert results[name] == value, name
        unit, check = expected[name]
        assert units[name] == unit, name
        assert check(value, printed), f"{name}: {value} {unit}"

    assert last.startswith(MISSED), last
    listed = last.removeprefix(MISSED)
    assert (listed.split(", ") if listed != "none" else []) == missed_targets(printed)
