"""Maßnahmen: the measures catalogue, filterable by field, owner and state."""

import streamlit as st

from dashboard import queries

db = queries.current()
region = queries.municipality(db)["region_code"]
st.title("Maßnahmen")
every = queries.measures(db)
fields = dict(zip(every["field_id"], every["field_name"], strict=True))

columns = st.columns(3)
chosen_fields = columns[0].multiselect(
    "Handlungsfeld", list(fields), format_func=fields.get, placeholder="alle"
)
chosen_owners = columns[1].multiselect(
    "Federführung", sorted(every["owner"].unique()), placeholder="alle"
)
chosen_states = columns[2].multiselect(
    "Stand",
    ["geplant", "beschlossen", "in Umsetzung", "umgesetzt", "gestrichen"],
    placeholder="alle",
)
shown = queries.filtered_measures(db, region, chosen_fields, chosen_owners, chosen_states)
st.caption(f"{shown.height} von {every.height} Maßnahmen")
st.dataframe(
    shown.to_arrow(),
    hide_index=True,
    column_config={"Fällig": st.column_config.NumberColumn(format="%d")},
)
