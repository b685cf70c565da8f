"""Every dashboard query and every page's data shaping, from 8 threads at once, must finish.

Streamlit runs each session in its own thread. A Python callback inside a polars expression
(`map_elements`) runs on polars' thread pool and needs the GIL, while the session threads wait
on that pool: the server hung for good. The work runs in a child process with a hard timeout,
so that a hang fails this test instead of hanging the suite.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT

THREADS = 8
ROUNDS = 50
TIMEOUT_S = 240


CALLED: set[str] = set()


def _counted(name: str, function: Callable[..., object]) -> Callable[..., object]:
    def call(*args: object) -> object:
        CALLED.add(name)
        return function(*args)

    return call


def _work(link: Path) -> list[Callable[[], object]]:
    """One call of every query (uncached: the cache would hide the concurrency) and of the
    shaping the pages do with their results."""
    import os

    os.environ["WIR_MONITOR_DB"] = str(link)
    from dashboard import charts, exports, queries, ui

    db = queries.current()
    raw = {
        name: _counted(name, getattr(queries, name).__wrapped__)
        for name in dir(queries)
        if hasattr(getattr(queries, name), "__wrapped__") and name != "_connection"
    }
    town = raw["municipality"](db)
    region = town["region_code"]
    indicators = raw["indicators"](db, region)
    goal_ids = raw["goal_progress"](db, region)["goal_id"].to_list()
    ids = indicators["id"].to_list()

    def indicator_page(indicator: str) -> object:
        meta = indicators.filter(indicators["id"] == indicator).row(0, named=True)
        values = raw["indicator_values"](db, indicator)
        own = values.filter((values["region_code"] == region) & (values["sex"] == "insgesamt"))
        charts.time_series(
            own,
            title=meta["title"],
            unit=meta["unit"],
            region=town["name"],
            baseline=None,
            target=None,
            sample=bool(meta["uses_sample"]),
        )
        ui.series_alt(meta["title"], town["name"], own.to_dicts(), meta["unit"], None)
        ui.gaps_caption(own.to_dicts())
        ui.definition(meta)
        compared = values.filter(values["sex"] == "insgesamt")
        lines, _ = charts.as_index(compared, "region_name")
        charts.lines(lines, by="region_name", title="x", unit="Index", sample=False)
        charts.lines(
            values.filter(values["region_code"] == region),
            by="sex",
            title="x",
            unit="%",
            sample=False,
        )
        screen, download = ui.values_tables(
            raw["indicator_rows"](db, indicator), raw["series_labels"](db, indicator), meta["unit"]
        )
        exports.csv_bytes(exports.frame(download), {"Titel": meta["title"]})
        progress = raw["indicator_progress"](db, indicator)
        ui.region_rows(progress.to_dicts(), meta["unit"])
        ui.source_table(raw["sources"](db, indicator), files=False).to_arrow()
        return screen

    def overview() -> object:
        goals = raw["goal_progress"](db, region)
        fields = raw["field_progress"](db, region)
        raw["data_dates"](db, region)
        raw["build_info"](db)
        ui.build_change_table(raw["changes"](db)).to_arrow()
        assessed = goals.filter(goals["assessed"] > 0)
        ui.sample_share(assessed.height, assessed.filter(assessed["uses_sample"]).height, 0)
        return [
            ui.status_markdown(g["status"], g["level"], sample=g["uses_sample"])
            for g in goals.iter_rows(named=True)
        ] + fields["status"].to_list()

    def field_page(goal: str) -> object:
        return ui.overview_by_level(raw["indicator_overview"](db, region, goal))

    def measures() -> object:
        raw["measures"](db)
        return ui.measure_table(
            raw["filtered_measures"](db, region, [], [], []).to_dicts(),
            raw["measure_reports"](db),
            raw["reporting_rounds"](db).to_dicts(),
        )

    closed = raw["closed_rounds"](db)["round"].to_list() or ["2024"]

    def rounds(n: int) -> object:
        raw["reporting_rounds"](db).to_arrow()
        raw["measure_reports"](db)
        ui.smart_table(raw["smart_failures"](db)).to_arrow()
        chosen = closed[n % len(closed)]
        raw["round_goals"](db, chosen)
        raw["round_fields"](db, chosen)
        raw["round_changes"](db, chosen, closed[-1]).to_arrow()
        return raw["synopsis"](db, closed).to_arrow()

    def sources() -> object:
        raw["document"](db, "progress")
        return ui.source_table(raw["sources"](db)).to_arrow()

    # Each round of a thread runs the pages' cheap parts and one indicator and one goal in turn,
    # so that every query and every kind of shaping runs in all threads at once, 50 rounds each.
    def round_(n: int) -> None:
        overview()
        measures()
        sources()
        rounds(n)
        indicator_page(ids[n % len(ids)])
        field_page(goal_ids[n % len(goal_ids)])

    return [lambda n=n: round_(n) for n in range(max(len(ids), len(goal_ids)))]


def hammer(link: str) -> None:
    """Run every piece of work ROUNDS times in each of THREADS threads; raise on any failure."""
    work = _work(Path(link))
    failures: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def run(offset: int) -> None:
        start.wait()
        try:
            for round_ in range(ROUNDS):
                work[(offset * 5 + round_) % len(work)]()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    from dashboard import queries

    every = {n for n in dir(queries) if hasattr(getattr(queries, n), "__wrapped__")}
    # A report file takes seconds to write; tests/test_app_rounds.py writes them side by side.
    missing = every - CALLED - {"_connection", "round_report"}
    assert not missing, f"queries not exercised: {sorted(missing)}"
    print(f"ok: {THREADS} threads x {ROUNDS} rounds")


def test_queries_and_shaping_from_eight_threads_never_hang(shipped_warehouse: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from tests.test_threads import hammer; hammer({str(shipped_warehouse)!r})",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,  # a hang raises TimeoutExpired and kills the child
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(f"ok: {THREADS} threads x {ROUNDS} rounds"), done.stdout


def test_no_python_callback_inside_polars_in_the_dashboard() -> None:
    for path in (ROOT / "dashboard").rglob("*.py"):
        text = path.read_text("utf-8")
        for callback in ("map_elements", "map_batches", "map_rows", ".apply("):
            assert callback not in text, f"{path.relative_to(ROOT)} uses {callback}"
