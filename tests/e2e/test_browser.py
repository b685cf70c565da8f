"""The dashboard in a real browser: Debian's Chromium driven by Playwright against `streamlit run`.

`make test` installs Chromium (apt) and the Playwright package; without a Chromium on the
machine these tests skip and say why (conftest.py). Screenshots go to tests/e2e/artifacts/
(git-ignored).
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import NO_CHROMIUM

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).parent / "artifacts"
HEADINGS = {
    "": "Übersicht",
    "handlungsfeld?feld=wirtschaft": "Wirtschaft",
    "indikator?indikator=verwaltung.neueinstellungen_mh_anteil": (
        "Anteil der Neueinstellungen mit Migrationshintergrund"
    ),
    "massnahmen": "Maßnahmen",
    "berichtsrunde": "Berichtsrunde",
    "datenstand": "Datenstand",
    "methodik": "Wie wird der Status berechnet?",
}


@pytest.mark.parametrize(
    "path", list(HEADINGS), ids=[p.split("?")[0] or "uebersicht" for p in HEADINGS]
)
def test_page_renders(visit: Callable[..., object], path: str) -> None:
    page = visit(path)
    assert HEADINGS[path] in page.locator("h1").all_inner_texts()
    assert page.locator("[data-testid=stException]").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{path.split('?')[0] or 'uebersicht'}.png", full_page=True)


def test_click_from_overview_to_indicator_and_download_csv(
    visit: Callable[..., object], shipped_warehouse: Path, tmp_path: Path
) -> None:
    page = visit("")
    # Übersicht → Handlungsfeld Wirtschaft → an indicator, by clicking as a user would
    page.locator("a[href*='feld=wirtschaft']", has_text="Handlungsfeld öffnen").click()
    page.wait_for_selector("h1:has-text('Wirtschaft')", timeout=30_000)
    page.locator("a[href*='indikator=wirtschaft.auszubildende_auslaendisch_anteil']").click()
    page.wait_for_selector("h1:has-text('Anteil ausländischer Auszubildender')", timeout=30_000)
    assert "indikator=wirtschaft.auszubildende_auslaendisch_anteil" in page.url
    with page.expect_download() as info:
        page.get_by_text("CSV herunterladen").click()
    target = tmp_path / "download.csv"
    info.value.save_as(target)
    # The citation block first (title, unit, source, licence, sample), an empty line, the table.
    head, _, table = target.read_text("utf-8-sig").partition("\n\n")
    citation = dict(csv.reader(io.StringIO(head), delimiter=";"))
    assert citation["Titel"] == "Anteil ausländischer Auszubildender"
    assert citation["Einheit"] == "%"
    assert citation["Beispieldaten"] == "ja"
    assert "Lizenz" in citation["Quelle"]
    rows = list(csv.DictReader(io.StringIO(table), delimiter=";"))
    con = duckdb.connect(str(shipped_warehouse.resolve()), read_only=True)
    try:
        expected = con.execute(
            "SELECT period, sex, round(value, 1) FROM indicator_values "
            "WHERE indicator_id = 'wirtschaft.auszubildende_auslaendisch_anteil'"
        ).fetchall()
    finally:
        con.close()
    assert len(rows) == len(expected) == 30  # 2015–2024, insgesamt / männlich / weiblich
    assert list(rows[0]) == [
        "Jahr",
        "Region",
        "Geschlecht",
        "Wert",
        "Einheit",
        "ausländische Auszubildende",
        "Auszubildende insgesamt",
        "Hinweis",
        "Beispieldaten",
    ]
    assert {r["Beispieldaten"] for r in rows} == {"ja"}
    got = {(int(r["Jahr"]), r["Geschlecht"]): float(r["Wert"].replace(",", ".")) for r in rows}
    want = {(period, sex): value for period, sex, value in expected}
    assert sorted(got) == sorted(want)
    assert [got[k] for k in sorted(want)] == pytest.approx([want[k] for k in sorted(want)])


def test_six_first_views_of_a_fresh_server_show_no_error(shipped_warehouse: Path) -> None:
    """A freshly started server, six people opening the Indikator page at the same moment: every
    session gets its page (no half-imported module, no error sentence)."""
    if shutil.which("chromium") is None:
        pytest.skip(NO_CHROMIUM)
    from benchmarks import load

    with load.serve(shipped_warehouse) as url:
        tally = load.first_views(url, "indikator?indikator=verwaltung.neueinstellungen_mh_anteil")
    assert (tally.views, tally.errors, tally.timeouts) == (6, 0, 0), tally.examples


def test_sessions_while_the_warehouse_is_rebuilt_see_no_error() -> None:
    """A short `make loadtest`: three sessions click through pages and deep links for 15 s while
    `etl run` publishes two new versions; no view shows an error or times out."""
    if shutil.which("chromium") is None:
        pytest.skip(NO_CHROMIUM)
    from benchmarks import load

    figures = load.run(sessions=3, seconds=15, rebuilds=2)
    assert figures["load_rebuilds"] == 2
    assert figures["load_views"] >= 6
    assert (figures["load_errors"], figures["load_timeouts"]) == (0, 0)
