"""Methodik: how the status is computed, the text of docs/progress.md as the build stored it."""

import streamlit as st

from dashboard import queries, ui

ui.page_status("Methodik")
db = queries.current()
text = queries.document(db, "progress")
if text is None:
    st.title("Wie wird der Status berechnet?")
    st.info("Die Beschreibung der Methode fehlt in dieser Auswertung.", icon=":material/info:")
else:
    # The English summary at the end is for developers, not for this page.
    st.markdown(text.split("\n---\n", 1)[0])
