"""Übersicht: every Handlungsfeld with its goals."""

import streamlit as st

from dashboard import queries

db = queries.current()
town = queries.municipality(db)
st.title(f"WIR-Monitor {town['name']}")
st.caption(town["strategy"])

goals = queries.goals(db)
for field in queries.fields(db).iter_rows(named=True):
    field_goals = goals.filter(goals["field_id"] == field["id"])
    st.subheader(f"{field['name']} ({field_goals.height} Ziele)")
    for goal in field_goals.iter_rows(named=True):
        due = f" · bis {goal['due']}" if goal["due"] else ""
        st.markdown(f"- {goal['title']}  \n  *{goal['owner']}{due}*")
