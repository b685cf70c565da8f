"""`make loadtest`: many people on the dashboard while the statistics office rebuilds.

N sessions speak Streamlit's own websocket protocol, as the browser does: each opens a session and
asks for pages and deep links (page name and query string), one after the other with a pause to
read; meanwhile `python -m etl run` publishes new warehouse versions. Every view is counted, and
so is every error element, German error sentence and timeout. A browser per session would measure
Chromium rather than the server: 20 Chromium sessions saturate this 2-core machine by themselves.
A real browser checks the cold start (`first_views`). Traffic goes to 127.0.0.1 only.

Prints `name: value unit` lines like `make bench` and returns them; `make bench` runs a bounded
version (figures load_p95_ms and load_errors).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parent.parent
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RENDERED = (
    "!document.querySelector('[data-testid=stSkeleton]')"
    " && !document.querySelector('[data-testid=stStatusWidget]')"
)
ERROR_ELEMENTS = "[data-testid=stException], [data-testid=stAlertContentError]"
# The sentences the app shows instead of a page; none may appear under load.
ERROR_SENTENCES = ("Diese Seite konnte nicht angezeigt werden", "leer oder unvollständig")
VIEW_TIMEOUT_MS = 20_000
# People read before they click: a session waits 1-3 s between views. Without it 20 sessions
# would be 20 scripts clicking as fast as the machine allows, which measures a queue, not a use.
THINK_S = (1.0, 3.0)


@dataclass
class Tally:
    views: int = 0
    errors: int = 0
    timeouts: int = 0
    times_ms: list[float] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors += 1
        self._example(what)

    def timeout(self, what: str) -> None:
        self.timeouts += 1
        self._example(what)

    def view(self, started: float) -> None:
        self.views += 1
        self.times_ms.append((time.perf_counter() - started) * 1000)

    def _example(self, what: str) -> None:
        if len(self.examples) < 5:
            self.examples.append(what)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(link: Path) -> Iterator[str]:
    """A fresh `streamlit run` of the dashboard on 127.0.0.1, reading the warehouse at `link`."""
    port = _free_port()
    env = {**os.environ, "WIR_MONITOR_DB": str(link)}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard/streamlit_app.py")]
    command += ["--server.port", str(port), "--server.headless", "true"]
    command += ["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("streamlit did not answer /_stcore/health within 60 s")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def paths(link: Path) -> list[str]:
    """Every page and every deep link the warehouse offers."""
    con = duckdb.connect(str(link.resolve()), read_only=True)
    try:
        fields = [r[0] for r in con.execute("SELECT id FROM fields").fetchall()]
        indicators = [r[0] for r in con.execute("SELECT id FROM indicators").fetchall()]
    finally:
        con.close()
    return [
        "",
        "massnahmen",
        "datenstand",
        "methodik",
        *(f"handlungsfeld?feld={f}" for f in fields),
        *(f"indikator?indikator={i}" for i in indicators),
    ]


async def _local_only(route: object) -> None:
    host = route.request.url.split("/")[2].split(":")[0]  # type: ignore[attr-defined]
    if host == "127.0.0.1":
        await route.continue_()  # type: ignore[attr-defined]
    else:
        await route.abort()  # type: ignore[attr-defined]


async def _view(page: object, url: str, tally: Tally) -> None:
    """One view in a real browser: load `url`, wait for the heading and for Streamlit to finish."""
    started = time.perf_counter()
    try:
        await page.goto(url, wait_until="domcontentloaded", timeout=VIEW_TIMEOUT_MS)  # type: ignore[attr-defined]
        await page.wait_for_selector("h1", timeout=VIEW_TIMEOUT_MS)  # type: ignore[attr-defined]
        await page.wait_for_function(RENDERED, timeout=VIEW_TIMEOUT_MS)  # type: ignore[attr-defined]
    except Exception as exc:  # Playwright's TimeoutError and a closed page alike
        tally.timeout(f"{url}: {type(exc).__name__}")
        return
    tally.view(started)
    if await page.locator(ERROR_ELEMENTS).count():  # type: ignore[attr-defined]
        tally.error(f"{url}: error element")
        return
    text = await page.inner_text("body")  # type: ignore[attr-defined]
    for sentence in ERROR_SENTENCES:
        if sentence in text:
            tally.error(f"{url}: {sentence}")
            return


async def _ws_view(ws: object, path: str, tally: Tally) -> None:
    """One view over the websocket: ask for the page, read until the script has finished, and
    look at every element it sent."""
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    page, _, query = path.partition("?")
    ask = BackMsg()
    ask.rerun_script.page_name = page
    ask.rerun_script.query_string = query
    started = time.perf_counter()
    problem = None
    try:
        await ws.send(ask.SerializeToString())  # type: ignore[attr-defined]
        async with asyncio.timeout(VIEW_TIMEOUT_MS / 1000):
            while True:
                message = ForwardMsg()
                message.ParseFromString(await ws.recv())  # type: ignore[attr-defined]
                kind = message.WhichOneof("type")
                if kind == "script_finished":
                    if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        problem = "script failed"
                    break
                if kind != "delta" or message.delta.WhichOneof("type") != "new_element":
                    continue
                element = message.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    problem = problem or "exception element"
                elif which == "alert" and element.alert.format == Alert.ERROR:
                    problem = problem or f"error: {element.alert.body[:60]}"
                text = str(getattr(element, which, ""))
                for sentence in ERROR_SENTENCES:
                    if sentence in text:
                        problem = problem or sentence
    except (TimeoutError, OSError) as exc:
        tally.timeout(f"/{path}: {type(exc).__name__}")
        raise
    tally.view(started)
    if problem:
        tally.error(f"/{path}: {problem}")


async def _session(base: str, links: list[str], until: float, seed: int, tally: Tally) -> None:
    import websockets

    rng = random.Random(seed)
    stream = base.replace("http://", "ws://") + "/_stcore/stream"
    # People arrive over a few seconds, not in the same millisecond: each session starts after a
    # reading pause of its own, as between two views.
    await asyncio.sleep(rng.uniform(*THINK_S))
    while time.monotonic() < until:
        try:
            async with websockets.connect(stream, subprotocols=["streamlit"], max_size=None) as ws:
                while time.monotonic() < until:
                    await _ws_view(ws, rng.choice(links), tally)
                    await asyncio.sleep(rng.uniform(*THINK_S))
        except (TimeoutError, OSError):
            continue  # counted as a timeout; a person would reload: a new session


async def _drive(base: str, links: list[str], sessions: int, seconds: float) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds
    await asyncio.gather(*(_session(base, links, until, seed, tally) for seed in range(sessions)))
    return tally


async def _first_views(base: str, path: str, n: int) -> Tally:
    """n sessions opening the same page at the same moment (a fresh server's cold start)."""
    from playwright.async_api import async_playwright

    tally = Tally()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
        pages = []
        for _ in range(n):
            context = await browser.new_context()
            await context.route("**/*", _local_only)
            pages.append(await context.new_page())
        await asyncio.gather(*(_view(page, f"{base}/{path}", tally) for page in pages))
        await browser.close()
    return tally


def first_views(base: str, path: str, n: int = 6) -> Tally:
    return _run_async(_first_views(base, path, n))


def _run_async(coroutine: Any) -> Any:
    """Run a coroutine to its end in a thread of its own: the caller may already run an event
    loop (Playwright's sync API does, in the browser tests), and asyncio.run refuses to nest."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _rebuild(link: Path, data: Path, times: int, seconds: float, failures: list[str]) -> None:
    """`etl run` `times` times, spread over the run, as the statistics office would."""
    for i in range(times):
        time.sleep(seconds / (times + 1))
        done = subprocess.run(
            [sys.executable, "-m", "etl", "run", "--data", str(data), "--db", str(link)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            failures.append(f"rebuild {i + 1}: {done.stderr.strip()[-200:]}")


def run(sessions: int, seconds: float, rebuilds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="wir-load-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data" / "raw", data / "raw")
        shutil.copy(ROOT / "data" / "sources.toml", data / "sources.toml")
        link = data / "warehouse.duckdb"
        subprocess.run(
            [sys.executable, "-m", "etl", "run", "--data", str(data), "--db", str(link)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        links = paths(link)
        failures: list[str] = []
        with serve(link) as base:
            builder = threading.Thread(
                target=_rebuild, args=(link, data, rebuilds, seconds, failures)
            )
            builder.start()
            tally = _run_async(_drive(base, links, sessions, seconds))
            builder.join()
    times = sorted(tally.times_ms)
    p95 = times[max(0, round(0.95 * len(times)) - 1)] if times else float("nan")
    figures = {
        "load_sessions": float(sessions),
        "load_seconds": float(seconds),
        "load_rebuilds": float(rebuilds - len(failures)),
        "load_views": float(tally.views),
        "load_errors": float(tally.errors),
        "load_timeouts": float(tally.timeouts),
        "load_median_ms": statistics.median(times) if times else float("nan"),
        "load_p95_ms": p95,
    }
    for example in tally.examples + failures:
        print(f"  {example}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rebuilds", type=int, default=3)
    args = parser.parse_args(argv)
    figures = run(args.sessions, args.seconds, args.rebuilds)
    for name, value in figures.items():
        unit = "ms" if name.endswith("_ms") else ""
        print(f"{name}: {round(value, 1):,} {unit}".rstrip(), flush=True)
    ok = figures["load_errors"] == 0 and figures["load_timeouts"] == 0
    met = ok and figures["load_p95_ms"] <= 2000
    print(f"load target (0 errors, 0 timeouts, p95 <= 2000 ms): {'met' if met else 'missed'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
