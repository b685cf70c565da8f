"""BITV 2.0 / WCAG 2.1 AA in the browser (#13): axe-core on every page and on the deep links of
one field and one indicator, each page's language and tab title, a keyboard user's way through
the Indikator page with a visible focus on every stop, and the reflow at 640 px.

What axe cannot see (screen-reader wording, 200 % zoom, the charts' meaning) is checked by hand;
docs/accessibility.md says what was checked how, and what is known not to comply.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import wait_rendered

pytestmark = pytest.mark.e2e
axe_playwright = pytest.importorskip(
    "axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed"
)
expect = pytest.importorskip(
    "playwright.sync_api", reason="the Playwright package is not installed"
).expect

ARTIFACTS = Path(__file__).parent / "artifacts"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FIELD = "handlungsfeld?feld=wirtschaft"
INDICATOR = "indikator?indikator=verwaltung.neueinstellungen_mh_anteil"
# A page without a deep link shows the first field or indicator of the catalogue and is titled
# after it, like a deep link.
TITLES = {
    "": "Übersicht – WIR-Monitor",
    "handlungsfeld": "Bildung – Handlungsfeld – WIR-Monitor",
    FIELD: "Wirtschaft – Handlungsfeld – WIR-Monitor",
    "indikator": (
        "Abstand im Gymnasialanteil des 8. Jahrgangs zwischen deutschen und ausländischen "
        "Schüler*innen – Indikator – WIR-Monitor"
    ),
    INDICATOR: "Anteil der Neueinstellungen mit Migrationshintergrund – Indikator – WIR-Monitor",
    "massnahmen": "Maßnahmen – WIR-Monitor",
    "berichtsrunde": "Berichtsrunde – WIR-Monitor",
    "datenstand": "Datenstand – WIR-Monitor",
    "methodik": "Methodik – WIR-Monitor",
}
PAGES = list(TITLES)
IDS = ["uebersicht", *(p.replace("?", "-").replace("=", "-") for p in PAGES[1:])]
# Streamlit's own chrome that axe flags and the app cannot change: rule id → the selectors of
# the elements it is waived for, nowhere else. Each is listed with its reason in
# docs/accessibility.md. Streamlit 1.67 needs none.
WAIVED: dict[str, list[str]] = {}
# The keyboard test's bound: the indicator page's last download button is the 42nd stop today.
MAX_TABS = 60
FOCUS_JS = """() => {
  const el = document.activeElement;
  // A select box draws its focus on its frame, around the text field that has the focus.
  const ring = el.getAttribute('role') === 'combobox' ? el.closest('[role=group]') : el;
  const style = getComputedStyle(ring);
  let background = 'rgb(255, 255, 255)';
  for (let e = ring.parentElement; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { background = c; break; }
  }
  const kind = el.closest('[data-testid=stSidebarNav]') ? 'navigation'
    : el.closest('[data-testid=stSelectbox]') ? 'selector'
    : el.closest('[data-testid=stDownloadButton]') ? 'download'
    : el.tagName === 'A' && el.closest('[data-testid=stMain]') ? 'link' : '';
  return {kind, label: (el.innerText || el.getAttribute('aria-label') || '').trim(),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
          color: style.outlineColor, shadow: style.boxShadow, background};
}"""


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_page_is_german_and_titled(visit: Callable[..., object], path: str) -> None:
    page = visit(path)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page).to_have_title(TITLES[path])


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_axe_finds_no_wcag_21_aa_violation(visit: Callable[..., object], path: str) -> None:
    page = visit(path)
    found = violations(page)
    assert not found, "\n".join(found)


def test_keyboard_reaches_navigation_selector_and_downloads_with_visible_focus(
    visit: Callable[..., object],
) -> None:
    page = visit(INDICATOR)
    downloads = page.locator("[data-testid=stDownloadButton] button").all_inner_texts()
    assert len(downloads) >= 2  # CSV and XLSX
    reached: dict[str, set[str]] = {}
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_JS)
        if stop["kind"]:
            assert_focus_visible(stop)
            reached.setdefault(stop["kind"], set()).add(stop["label"])
        if reached.get("download") == {label.strip() for label in downloads}:
            break
    assert len(reached.get("navigation", ())) == 7, reached  # every page of the navigation
    assert "selector" in reached, reached
    assert reached.get("download") == {label.strip() for label in downloads}, reached


def test_links_in_the_page_show_their_focus(visit: Callable[..., object]) -> None:
    """The Übersicht's links (headings' anchors, "Handlungsfeld öffnen", the goals): every one
    the keyboard reaches in MAX_TABS presses shows where it is."""
    page = visit("")
    links = set()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_JS)
        if stop["kind"] == "link":
            assert_focus_visible(stop)
            links.add(stop["label"])
    # st.page_link's label follows the name of its icon in the text
    assert any(label.endswith("Handlungsfeld öffnen") for label in links), links


@pytest.mark.parametrize(("name", "path"), [("uebersicht", ""), ("indikator", INDICATOR)])
def test_pages_reflow_at_640_px(visit: Callable[..., object], name: str, path: str) -> None:
    """WCAG 1.4.10: at 640 px nothing needs scrolling sideways. The screenshots are the ones in
    docs/ (quantized there, see docs/accessibility.md)."""
    page = visit(path, width=640)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    main = page.locator("[data-testid=stMain]")
    assert main.evaluate("e => e.scrollWidth <= e.clientWidth")
    # The page scrolls inside Streamlit's main block, not the document: a window as tall as the
    # content shows all of it.
    page.set_viewport_size({"width": 640, "height": main.evaluate("e => e.scrollHeight")})
    wait_rendered(page)
    page.wait_for_timeout(1_000)  # the charts draw again for the new height
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}-640.png", full_page=True)


def violations(page: object) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA violations as "rule: target – help" lines; a waived
    rule is checked everywhere but on the elements it is waived for."""
    axe = axe_playwright.Axe()
    tags = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    runs = [({"include": [["html"]]}, {**tags, "rules": {r: {"enabled": False} for r in WAIVED}})]
    for rule, selectors in WAIVED.items():
        only = {"runOnly": {"type": "rule", "values": [rule]}, "resultTypes": ["violations"]}
        runs.append(({"include": [["html"]], "exclude": [[s] for s in selectors]}, only))
    return [
        f"{rule['id']}: {' '.join(node['target'])} – {rule['help']}"
        for context, options in runs
        for rule in axe.run(page, context=context, options=options).response["violations"]
        for node in rule["nodes"]
    ]


def assert_focus_visible(stop: dict) -> None:
    """A solid outline of at least 2 px, or a box shadow; the outline with 3:1 against what
    surrounds it (WCAG 2.4.7, 1.4.11)."""
    where = f"{stop['kind']} {stop['label']!r}"
    if stop["outline"] == "none" or stop["width"] < 2:
        assert stop["shadow"] != "none", f"{where}: no focus indicator"
        return
    ratio = contrast(rgb(stop["color"]), rgb(stop["background"]))
    assert ratio >= 3, f"{where}: focus outline {stop['color']} has {ratio:.2f}:1"


def rgb(css: str) -> tuple[float, float, float, float]:
    """A computed CSS colour as red, green, blue and alpha.

    >>> rgb("rgba(11, 87, 208, 0.5)"), rgb("rgb(255, 255, 255)")
    ((11.0, 87.0, 208.0, 0.5), (255.0, 255.0, 255.0, 1.0))
    """
    parts = [float(x) for x in re.findall(r"[\d.]+", css)]
    return (*parts[:3], parts[3] if len(parts) > 3 else 1.0)


def contrast(front: tuple[float, ...], back: tuple[float, ...]) -> float:
    """WCAG's contrast ratio; a translucent front colour is blended over the back first.

    >>> round(contrast((0, 0, 0, 1), (255, 255, 255, 1)), 1)
    21.0
    """
    alpha = front[3]
    blended = [alpha * f + (1 - alpha) * b for f, b in zip(front[:3], back[:3], strict=True)]

    def luminance(color: list[float] | tuple[float, ...]) -> float:
        def channel(c: float) -> float:
            c /= 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(c) for c in color[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted([luminance(blended), luminance(back)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


CLIPPED_JS = """() => [...document.querySelectorAll('[data-testid=stPageLink] *')]
  .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.closest('[data-testid=stPageLink]').innerText.trim())"""


@pytest.mark.parametrize("path", ["", FIELD], ids=["uebersicht", "handlungsfeld"])
def test_page_link_labels_wrap_at_640_px_and_are_never_cut(
    visit: Callable[..., object], path: str
) -> None:
    """WCAG 1.4.10 and 1.4.4: st.page_link cuts its label with "…" ("… – Zeitreih" at 640 px);
    dashboard/a11y.py lets it wrap. The field page's indicator links are the longest."""
    page = visit(path, width=640)
    assert page.locator("[data-testid=stPageLink]").count() > 0
    assert page.evaluate(CLIPPED_JS) == []


@pytest.mark.parametrize("path", ["", INDICATOR], ids=["uebersicht", "indikator"])
def test_no_english_link_to_heading_beside_the_headings(
    visit: Callable[..., object], path: str
) -> None:
    """Streamlit puts an anchor labelled "Link to heading" beside every heading: English words
    for a screen reader and a Tab stop each (WCAG 3.1.2); dashboard/a11y.py hides them."""
    page = visit(path)
    assert page.locator("h1, h2").count() > 1
    assert page.get_by_label("Link to heading").filter(visible=True).count() == 0
