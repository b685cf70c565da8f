"""WIR-Monitor: the pages and the shared sidebar, nothing else."""

from __future__ import annotations

import logging

# Everything the pages need is imported here, once, in one order, before any page runs. Several
# sessions importing a heavy module at the same moment (plotly importing pandas while another
# thread imports pandas directly) got a partially initialised module: "module 'pandas' has no
# attribute 'Series'" on a fresh server.
import fpdf  # noqa: F401  (dashboard.report, behind the report downloads, imports these lazily)
import jinja2  # noqa: F401
import matplotlib.backends.backend_agg
import matplotlib.figure  # noqa: F401
import pandas  # noqa: F401  (plotly and Streamlit import it lazily; import it first, here)
import plotly.graph_objects
import plotly.io  # noqa: F401
import polars  # noqa: F401
import pyarrow  # noqa: F401
import streamlit as st
import xlsxwriter  # noqa: F401

from dashboard import a11y, charts, exports, queries, ui  # noqa: F401  (the pages' own modules)

st.set_page_config(page_title="WIR-Monitor", page_icon=":material/monitoring:", layout="wide")

PAGES = [
    st.Page(
        "app_pages/uebersicht.py",
        title="Übersicht",
        icon=":material/dashboard:",
        url_path="uebersicht",
        default=True,
    ),
    st.Page(
        "app_pages/handlungsfeld.py",
        title="Handlungsfeld",
        icon=":material/category:",
        url_path="handlungsfeld",
    ),
    st.Page(
        "app_pages/indikator.py",
        title="Indikator",
        icon=":material/show_chart:",
        url_path="indikator",
    ),
    st.Page(
        "app_pages/massnahmen.py",
        title="Maßnahmen",
        icon=":material/checklist:",
        url_path="massnahmen",
    ),
    st.Page(
        "app_pages/berichtsrunde.py",
        title="Berichtsrunde",
        icon=":material/assignment_turned_in:",
        url_path="berichtsrunde",
    ),
    st.Page(
        "app_pages/datenstand.py",
        title="Datenstand",
        icon=":material/database:",
        url_path="datenstand",
    ),
    st.Page(
        "app_pages/methodik.py", title="Methodik", icon=":material/menu_book:", url_path="methodik"
    ),
]

page = st.navigation(PAGES)
a11y.document(page.title)
try:
    db = queries.current()
except queries.NoWarehouse as exc:
    st.title("WIR-Monitor")
    st.warning(str(exc), icon=":material/database:")
    st.stop()

town = queries.municipality(db)
dates = queries.data_dates(db, town["region_code"])
with st.sidebar:
    st.markdown(f"**WIR-Monitor {ui.md(town['name'])}**  \n{ui.md(town['strategy'])}")
    st.caption(f"Auswertung vom {ui.local_time(queries.build_info(db)['built_at'])}")
    if dates["any_sample"]:
        ui.sample_badge()
        st.caption("Teile der Daten sind Beispieldaten; sie sind überall gekennzeichnet.")

try:
    page.run()
except Exception:
    # The user gets a German sentence, the server log gets the traceback.
    logging.getLogger("wir_monitor").exception("page failed")
    st.error(
        "Diese Seite konnte nicht angezeigt werden. Bitte laden Sie sie neu; bleibt der Fehler, "
        "melden Sie ihn bitte der Statistikstelle.",
        icon=":material/error:",
    )
