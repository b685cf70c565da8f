"""Accessibility (#13) of what the pages put on screen, under AppTest: headings in order, tables
named, status icons hidden from screen readers, sparklines in words, status messages in live
regions, the Beispieldaten explanation reachable by keyboard."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Node

from tests.test_app import PAGES, _app

LEVEL = {"title": 1, "header": 2, "subheader": 3}


def _walk(node: Node) -> Iterator[Node]:
    """Every element under `node` in screen order."""
    if isinstance(node, Block):
        for key in sorted(node.children):
            yield from _walk(node.children[key])
    else:
        yield node


def _heading_level(node: Node) -> int | None:
    if node.type in LEVEL:
        return LEVEL[node.type]
    if node.type == "markdown" and (m := re.match(r"(#{1,6}) ", node.value)):
        return len(m.group(1))
    return None


def _page(monkeypatch: pytest.MonkeyPatch, link: Path, page: str) -> AppTest:
    params = {"app_pages/handlungsfeld.py": {"feld": "verwaltung"}}.get(page, {})
    return _app(monkeypatch, link, page, **params)


@pytest.mark.parametrize("page", PAGES)
def test_headings_never_skip_a_level_and_every_table_is_named(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path, page: str
) -> None:
    at = _page(monkeypatch, shipped_warehouse, page)
    elements = list(_walk(at.main))
    levels = [level for e in elements if (level := _heading_level(e)) is not None]
    assert levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels
    # each table comes after a heading or a caption of its own section
    for i, e in enumerate(elements):
        if e.type in ("arrow_data_frame", "arrow_table"):
            named = [
                x
                for x in elements[:i]
                if x.type in ("caption", *LEVEL)
                or _heading_level(x) is not None
                or (x.type == "html" and 'role="status"' in x.value and "<strong>" in x.value)
            ]
            assert named, f"table {i} on {page} has no heading or caption before it"


@pytest.mark.parametrize("page", PAGES)
def test_no_material_icon_is_read_out_and_every_page_says_it_opened(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path, page: str
) -> None:
    at = _page(monkeypatch, shipped_warehouse, page)
    # Streamlit reads ":material/check_circle:" in Markdown as "check_circle icon"
    texts = [e.value for e in _walk(at.main) if e.type in ("markdown", "caption")]
    assert not [t for t in texts if ":material/" in t]
    assert not [m.label for m in at.metric if ":material/" in m.label]
    # the page's live region comes first on every page, so that it changes its text
    elements = list(_walk(at.main))
    first = next(i for i, e in enumerate(elements) if e.type not in ("html",) or "role" in e.value)
    assert elements[first].type == "html"
    assert '<p role="status" aria-live="polite"' in elements[first].value
    assert "Seite " in elements[first].value


@pytest.mark.parametrize("page", PAGES)
def test_the_sample_explanation_opens_by_keyboard(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path, page: str
) -> None:
    at = _page(monkeypatch, shipped_warehouse, page)
    # st.badge's help is a tooltip for the mouse only; the explanation sits in a popover
    assert not [m for m in at.markdown if m.proto.help and "Erfundene Zahlen" in m.proto.help]


def test_field_page_says_each_sparkline_in_words(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _page(monkeypatch, shipped_warehouse, "app_pages/handlungsfeld.py")
    rows = [r for table in at.main.dataframe for r in table.value.to_dict("records")]
    assert rows
    for row in rows:
        assert None not in list(row["Verlauf"])  # a missing value breaks the sparkline
        assert re.fullmatch(
            r"\d{4}: .+ → \d{4}: .+|\d{4}: .+|keine Werte", row["Verlauf in Worten"]
        )
        # German numbers: a point only before thousands
        assert not re.search(r"\d\.(\d{1,2}|\d{4,})\b", row["Verlauf in Worten"])
    hires = next(r for r in rows if r["Indikator"].startswith("Anteil der Neueinstellungen"))
    assert hires["Verlauf in Worten"] == "2015: 17,0 % → 2024: 26,4 %"


def test_selects_have_a_german_placeholder(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    for page in ("app_pages/handlungsfeld.py", "app_pages/indikator.py"):
        at = _page(monkeypatch, shipped_warehouse, page)
        assert at.selectbox[0].proto.placeholder.endswith(" wählen")


def test_measures_filter_result_is_a_status_message(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _page(monkeypatch, shipped_warehouse, "app_pages/massnahmen.py")
    at.multiselect[2].select("gestrichen").run()
    live = [h.value for h in at.main.html if 'role="status"' in h.value]
    assert (
        '<p role="status" aria-live="polite"><strong>1 von 6 Maßnahmen</strong> '
        "entsprechen der Auswahl.</p>"
    ) in live
