"""`make bench`: the ETL and the dashboard at national scale, against DuckDB's own CSV reader.

Two data sets: the synthetic one (benchmarks/generate.py, one layout, seeded) and the real
Regionalstatistik files of ../shared/data repeated to the same size (benchmarks/real.py, the
layouts the office publishes); where ../shared/data is absent, the second is skipped with a note.

Prints one line `name: value unit` per figure and writes them to benchmarks/results.json.
Targets (issue #12; measured here, never asserted in tests):
  build_over_floor <= 2.0, peer_over_build >= 5, build_peak_rss_mb <= 2000,
  rebuild_one_indicator_s <= 3, every page_*_ms <= 300 (warm), page_*_cold_ms <= 600,
  page_*_chart_kb <= 1000, real_build_over_floor <= 2.0, real_build_peak_rss_mb <= 2000,
  load_p95_ms <= 2000, load_errors <= 0.
rebuild_one_source_s (one value cell changed in one Land file) is reported without a target.
Peak RSS is each build's own: the build runs as a child whose resource usage is collected
alone (os.wait4), so one build's peak never hides in another's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks import load, real
from benchmarks.generate import TARGET, DataSet, generate
from etl.readers._common import decode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
PAGES = [
    "uebersicht",
    "handlungsfeld",
    "indikator",
    "massnahmen",
    "berichtsrunde",
    "datenstand",
    "methodik",
]
TARGETS = {
    "build_over_floor": ("<=", 2.0),
    "peer_over_build": (">=", 5.0),
    "build_peak_rss_mb": ("<=", 2000.0),
    "rebuild_one_indicator_s": ("<=", 3.0),
    "real_build_over_floor": ("<=", 2.0),
    "real_build_peak_rss_mb": ("<=", 2000.0),
    "load_p95_ms": ("<=", 2000.0),
    "load_errors": ("<=", 0.0),
}
# Every page's figures: warm server time, first (cold) run, plotly JSON sent.
PAGE_TARGETS = {"_cold_ms": 600.0, "_chart_kb": 1000.0, "_ms": 300.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the full national data set")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--page-runs", type=int, default=5)
    parser.add_argument(
        "--load-seconds",
        type=float,
        default=20,
        help="a bounded load test on the shipped data (4 sessions, 1 rebuild); 0 skips it",
    )
    args = parser.parse_args(argv)

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="wir-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        data = generate(folder, scale=args.scale)
        report(results, "values", data.values, "values")
        report(results, "regions", data.regions, "regions")
        report(results, "indicators", data.indicators, "indicators")
        report(results, "generate_s", time.perf_counter() - started, "s")

        link = folder / "data" / "warehouse.duckdb"
        build_s, rss_mb = timed_build(data.catalog, data.data_dir, link)
        report(results, "build_s", build_s, "s")
        report(results, "build_peak_rss_mb", rss_mb, "MB")

        floor_s = duckdb_floor(data, folder)
        report(results, "floor_s", floor_s, "s")
        report(results, "build_over_floor", build_s / floor_s, "x")

        peer_s = pandas_peer(data)
        report(results, "pandas_peer_s", peer_s, "s")
        report(results, "peer_over_build", peer_s / build_s, "x")

        catalog = data.catalog.read_text("utf-8")
        changed = catalog.replace(TARGET.format(value=50.0), TARGET.format(value=55.0), 1)
        if changed == catalog:  # else the rebuild below would time a rebuild of nothing new
            raise SystemExit("benchmark: the generated catalogue has no target to change")
        data.catalog.write_text(changed, encoding="utf-8")
        rebuild_s = timed_build(data.catalog, data.data_dir, link)[0]
        report(results, "rebuild_one_indicator_s", rebuild_s, "s")
        # Hannover's Land: the changed value can reach an indicator.
        change_one_value(next(p for p in data.classic_files if p.name.endswith("_03.csv")))
        rebuild_s = timed_build(data.catalog, data.data_dir, link)[0]
        report(results, "rebuild_one_source_s", rebuild_s, "s")

        for name, (ms, cold_ms, kb) in page_timings(link, args.page_runs).items():
            report(results, f"page_{name}_ms", ms, "ms")
            report(results, f"page_{name}_cold_ms", cold_ms, "ms")
            report(results, f"page_{name}_chart_kb", kb, "kB")

        real_data_set(results, folder / "real", args.scale)

    if args.load_seconds > 0:
        figures = load.run(sessions=4, seconds=args.load_seconds, rebuilds=1)
        report(results, "load_p95_ms", figures["load_p95_ms"], "ms")
        report(results, "load_errors", figures["load_errors"] + figures["load_timeouts"], "")

    results["scale"] = args.scale
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    missed = [name for name, value in results.items() if not meets(name, value)]
    print(f"targets missed: {', '.join(missed) if missed else 'none'}")
    return 0


def report(results: dict[str, float], name: str, value: float, unit: str) -> None:
    results[name] = round(float(value), 3)
    print(f"{name}: {results[name]:,} {unit}", flush=True)


def meets(name: str, value: float) -> bool:
    if name.startswith("page_"):
        # the first suffix that fits: "_cold_ms" is checked before "_ms"
        suffix = next((s for s in PAGE_TARGETS if name.endswith(s)), None)
        return suffix is None or value <= PAGE_TARGETS[suffix]
    if name in TARGETS:
        op, bound = TARGETS[name]
        return value <= bound if op == "<=" else value >= bound
    return True


def timed_build(catalog: Path, data_dir: Path, link: Path) -> tuple[float, float]:
    """`python -m etl run` end to end in its own process: wall time and that process's peak RSS
    in MB (ru_maxrss of it and its own children, collected by os.wait4 for this child alone)."""
    command = [
        sys.executable,
        "-m",
        "etl",
        "run",
        "--catalog",
        str(catalog),
        "--data",
        str(data_dir),
        "--db",
        str(link),
    ]
    # Files rather than pipes: nobody reads a pipe while wait4 waits, and a full one would block.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            err.seek(0)
            failure = err.read().decode("utf-8", errors="replace")
            raise SystemExit(f"the build failed:\n{failure[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024


def change_one_value(path: Path) -> None:
    """One value cell of the first data line changed (a number one higher, a symbol made 1);
    encoding, line ends and every other byte stay."""
    data = path.read_bytes()
    match = re.search(rb"^[0-9]{4};[^\r\n]*;([^;\r\n]*)\r?$", data, re.MULTILINE)
    if match is None:
        raise SystemExit(f"benchmark: no data line in {path}")
    cell = match[1]
    value = b"%d" % (int(cell) + 1) if cell.isdigit() else b"1"
    path.write_bytes(data[: match.start(1)] + value + data[match.end(1) :])


def _data_block(path: Path) -> tuple[str, int, int]:
    """The data rows of a classic file, cut where our reader cuts: after the header rows and
    before the line `__________`; with the header and footer line counts for pandas."""
    text, _ = decode(path.read_bytes(), path.name)
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if re.match(r"^\d{4};", line))
    footer = next(i for i in range(first, len(lines)) if re.match(r"^_{3,}\s*$", lines[i]))
    return "\n".join(lines[first:footer]) + "\n", first, len(lines) - footer


def real_data_set(results: dict[str, float], folder: Path, scale: float) -> None:
    """The real files at the synthetic set's size: values, build, peak RSS, DuckDB's floor."""
    if not real.available():
        print(
            f"real data set skipped: {real.SHARED} is absent on this machine",
            file=sys.stderr,
            flush=True,
        )
        return
    data = real.generate_real(folder, scale=scale)
    report(results, "real_values", data.values, "values")
    build_s, rss_mb = timed_build(data.catalog, data.data_dir, folder / "warehouse.duckdb")
    report(results, "real_build_s", build_s, "s")
    report(results, "real_build_peak_rss_mb", rss_mb, "MB")
    blocks = {path.name: real.data_block(path) for path in data.files}
    floor_s = floor(blocks, folder)
    report(results, "real_floor_s", floor_s, "s")
    report(results, "real_build_over_floor", build_s / floor_s, "x")


def floor(blocks: dict[str, str], folder: Path) -> float:
    """DuckDB's read_csv of data blocks (file name: text), one table per file (the real files'
    widths differ), in one process; writing the blocks out is not timed."""
    cut = folder / "floor"
    cut.mkdir()
    files = []
    for name, block in blocks.items():
        target = cut / name
        target.write_text(block, encoding="utf-8")
        files.append(str(target))
    con = duckdb.connect(str(folder / "floor.duckdb"))
    try:
        started = time.perf_counter()
        for i, file in enumerate(files):
            con.execute(
                f"CREATE TABLE floor_{i} AS SELECT * FROM read_csv(?, delim = ';', "
                "header = false, all_varchar = true)",
                [file],
            )
        elapsed = time.perf_counter() - started
    finally:
        con.close()
    return elapsed


def duckdb_floor(data: DataSet, folder: Path) -> float:
    """DuckDB's read_csv of the same data rows into one table, in one process.

    The header and footer are cut beforehand (not timed), at the lines our reader cuts at.
    """
    cut = folder / "floor"
    cut.mkdir()
    files = []
    for path in data.classic_files:
        block, _, _ = _data_block(path)
        target = cut / path.name
        target.write_text(block, encoding="utf-8")
        files.append(str(target))
    con = duckdb.connect(str(folder / "floor.duckdb"))
    try:
        started = time.perf_counter()
        con.execute(
            "CREATE TABLE floor AS SELECT * FROM read_csv(?, delim = ';', header = false, "
            "all_varchar = true)",
            [files],
        )
        elapsed = time.perf_counter() - started
    finally:
        con.close()
    return elapsed


def pandas_peer(data: DataSet) -> float:
    """pandas as an analyst script (or pystatis) reads the classic files: skiprows for the
    header, skipfooter for the footer (which needs the python engine), German numbers, the
    published symbols as missing."""
    import pandas as pd

    layouts = []
    for path in data.classic_files:
        _, head, foot = _data_block(path)
        encoding = decode(path.read_bytes(), path.name)[1]
        layouts.append((path, head, foot, "utf-8" if encoding == "utf-8" else encoding))
    started = time.perf_counter()
    for path, head, foot, encoding in layouts:
        pd.read_csv(
            path,
            sep=";",
            encoding=encoding,
            skiprows=head,
            skipfooter=foot,
            header=None,
            engine="python",
            decimal=",",
            thousands=".",
            na_values=["-", ".", "x", "/", "..."],
            keep_default_na=False,
        )
    return time.perf_counter() - started


def page_timings(link: Path, runs: int) -> dict[str, tuple[float, float, float]]:
    """Per page: median server-side time of warm AppTest runs, the first (cold) run, chart kB."""
    from streamlit.testing.v1 import AppTest

    from dashboard import queries

    os.environ[queries.DB_ENV] = str(link)
    app = str(ROOT / "dashboard" / "streamlit_app.py")
    timings = {}
    for name in PAGES:
        times = []
        chart_bytes = 0
        for _ in range(runs + 1):
            at = AppTest.from_file(app, default_timeout=300)
            at.run()
            if name != "uebersicht":
                at.switch_page(f"app_pages/{name}.py")
            started = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - started) * 1000)
            if at.exception or at.error:
                failure = (at.exception or at.error)[0].value
                raise SystemExit(f"page {name} failed, not timed: {failure}")
            chart_bytes = sum(len(chart.proto.spec) for chart in at.get("plotly_chart"))
        timings[name] = (statistics.median(times[1:]), times[0], chart_bytes / 1024)
    return timings


if __name__ == "__main__":
    sys.exit(main())
