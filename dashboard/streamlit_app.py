"""WIR-Monitor: the pages and the shared sidebar, nothing else."""

from __future__ import annotations

import logging

import streamlit as st

from dashboard import queries

st.set_page_config(page_title="WIR-Monitor", page_icon=":material/monitoring:", layout="wide")

PAGES = [
    st.Page(
        "app_pages/uebersicht.py",
        title="Übersicht",
        icon=":material/dashboard:",
        url_path="uebersicht",
        default=True,
    ),
]

page = st.navigation(PAGES)
try:
    db = queries.current()
except queries.NoWarehouse as exc:
    st.title("WIR-Monitor")
    st.warning(str(exc), icon=":material/database:")
    st.stop()

town = queries.municipality(db)
with st.sidebar:
    st.markdown(f"**{town['name']}**  \n{town['strategy']}")

try:
    page.run()
except Exception:
    # The user gets a German sentence, the log gets the traceback.
    logging.getLogger("wir_monitor").exception("page failed")
    st.error(
        "Diese Seite konnte nicht angezeigt werden. Bitte laden Sie sie neu; bleibt der Fehler, "
        "melden Sie ihn bitte der Statistikstelle."
    )
