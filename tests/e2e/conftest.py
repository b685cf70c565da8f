"""The browser tests' server and browser: one `streamlit run` on the shipped warehouse and one
Debian Chromium for the whole session, and `visit`, which opens a page once Streamlit has drawn it.

Playwright's own browser download is never used; without a Chromium on the machine every test
that needs it skips and says why.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NO_CHROMIUM = "Debian's chromium is not installed (make test installs it with apt)"


@pytest.fixture(scope="session")
def server(shipped_warehouse: Path) -> Iterator[str]:
    from benchmarks import load

    with load.serve(shipped_warehouse) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the Playwright package is not installed"
    )
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip(NO_CHROMIUM)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        yield browser
        browser.close()


def wait_rendered(page: object) -> None:
    """Until the page's heading shows and Streamlit has neither a placeholder nor a running
    script left (the first view of a fresh server imports plotly and pandas: allow a minute)."""
    page.wait_for_selector("[data-testid=stMain] h1", timeout=60_000)
    page.wait_for_function(
        "!document.querySelector('[data-testid=stSkeleton]')"
        " && !document.querySelector('[data-testid=stStatusWidget]')",
        timeout=60_000,
    )


@pytest.fixture
def visit(server: str, browser: object) -> Iterator[Callable[..., object]]:
    """visit(path, width=1400) opens server/path in a new tab and returns it once drawn; the tabs
    are closed after the test."""
    pages = []

    def open_page(path: str, width: int = 1400) -> object:
        page = browser.new_page(viewport={"width": width, "height": 1000})
        pages.append(page)
        page.goto(f"{server}/{path}")
        wait_rendered(page)
        return page

    yield open_page
    for page in pages:
        page.close()
