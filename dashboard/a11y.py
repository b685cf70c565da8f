"""What BITV 2.0 / WCAG 2.1 AA asks of the page around the content, where Streamlit has no
setting for it: the document's language, the browser tab's title per page, caption contrast and a
visible keyboard focus. Kept in one place so that a Streamlit upgrade is checked here, and by the
axe-core and keyboard tests in tests/e2e/test_accessibility.py.
"""

from __future__ import annotations

import streamlit as st

APP = "WIR-Monitor"

# Streamlit writes <html lang="en"> and offers no setting; a screen reader then reads the German
# text with English pronunciation (WCAG 3.1.1). The document outlives the script runs, so setting
# it once per run is enough; the script carries no data.
_LANG = "<script>document.documentElement.lang = 'de';</script>"

# st.caption fades its text to 60 % opacity (3.9:1 on white, a link in it 3.0:1, 3.8:1 on the
# sidebar's grey); the theme has no caption colour, so the opacity goes and a grey of 7:1 on
# white (6.6:1 on the sidebar) comes instead; links inside keep the theme's link colour (WCAG
# 1.4.3). Sidebar page links and st.page_link show no focus at all when tabbed to, buttons a
# half-transparent ring of 1.9:1; every focused control gets a solid outline of 6.4:1 on white
# (WCAG 2.4.7, 1.4.11). A select box shows it on its frame, not on the text field inside.
# st.page_link keeps its label on one line and cuts it with "…" (at 640 px "… – Zeitreih"); the
# label wraps instead (WCAG 1.4.10, 1.4.4). The anchor beside every heading, an English "Link to
# heading" that is also one more Tab stop per heading, goes (WCAG 3.1.2); nobody links to them.
_STYLE = """<style>
[data-testid="stHeaderActionElements"] { display: none; }
[data-testid="stPageLink-NavLink"] { height: auto; }
[data-testid="stPageLink-NavLink"] :is(span, div, p) {
  white-space: normal; overflow: visible; text-overflow: clip;
}
[data-testid="stCaptionContainer"] { opacity: 1; color: #595959; }
:focus-visible { outline: 3px solid #0b57d0 !important; outline-offset: 2px; }
input[role="combobox"]:focus-visible { outline: none !important; }
[role="group"]:has(> input[role="combobox"]:focus-visible) {
  outline: 3px solid #0b57d0; outline-offset: 2px;
}
</style>"""


def document(page: str) -> None:
    """The language, the style and the tab title "<page> – WIR-Monitor" of every page; a page
    showing one indicator or field names it with `page_title` once it knows which."""
    page_title(page)
    st.html(_STYLE)
    st.html(_LANG, unsafe_allow_javascript=True)


def page_title(*names: str) -> None:
    """The browser tab's title (WCAG 2.4.2): the names, most specific first, then the app.

    A deep link's page calls it with what it shows, e.g. page_title(title, "Indikator") gives
    "Anteil … – Indikator – WIR-Monitor".
    """
    st.set_page_config(page_title=" – ".join([*names, APP]))
