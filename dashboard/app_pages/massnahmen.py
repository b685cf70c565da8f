"""Maßnahmen: every measure with its state round by round, filterable by field, owner and state
(the newest report; "keine Meldung" where none came)."""

import streamlit as st

from dashboard import queries, ui

ui.page_status("Maßnahmen")
db = queries.current()
region = queries.municipality(db)["region_code"]
st.title("Maßnahmen")
every = queries.measures(db)
rounds = queries.reporting_rounds(db)
fields = dict(zip(every["field_id"], every["field_name"], strict=True))

if every.is_empty():
    st.info("Im Katalog ist noch keine Maßnahme erfasst.", icon=":material/info:")
    st.stop()

columns = st.columns(3)
chosen_fields = columns[0].multiselect(
    "Handlungsfeld", list(fields), format_func=fields.get, placeholder="alle"
)
chosen_owners = columns[1].multiselect(
    "Federführung", sorted(every["owner"].unique()), placeholder="alle"
)
chosen_states = columns[2].multiselect(
    "Stand (neueste Meldung)", [*ui.MEASURE_STATES, ui.NO_REPORT], placeholder="alle"
)
shown = queries.filtered_measures(db, region, chosen_fields, chosen_owners, chosen_states)
# A live region, so that a screen reader says the new count when a filter changes (no focus
# moves); its text is numbers and our own words, escaped in ui.live_html.
st.html(
    ui.live_html(
        f"{shown.height} von {ui.count(every.height, 'Maßnahme', 'Maßnahmen')}",
        "" if shown.height == every.height else " entsprechen der Auswahl.",
    )
)
table, round_columns = ui.measure_table(
    shown.to_dicts(), queries.measure_reports(db), rounds.to_dicts()
)
if not table:
    st.info("Keine Maßnahme entspricht dieser Auswahl.", icon=":material/filter_alt_off:")
    st.stop()
st.dataframe(
    table,
    hide_index=True,
    column_order=[
        "Maßnahme",
        "Stand",
        *round_columns,
        "Fällig",
        "Federführung",
        "Handlungsfeld",
        "Ziel",
        "Status des Ziels",
        "Beispiel",
        "Quelle",
    ],
    # Fixed widths: the states of three rounds stay in view at 1280 px; a cut title shows whole
    # on hover.
    column_config={
        "Maßnahme": st.column_config.TextColumn("Maßnahme", width=170),
        "Stand": st.column_config.TextColumn("Stand", width=230),
        **{r: st.column_config.TextColumn(r, width=138) for r in round_columns},
        "Fällig": st.column_config.NumberColumn(format="%d"),
    },
)
if rounds.height:
    st.caption(
        "Je Berichtsrunde der gemeldete Stand; „–“: in dieser Runde keine Meldung. „Stand“ ist "
        "die neueste Meldung mit ihrer Runde. Der „Status des Ziels“ bewertet die Wirkung "
        "(Indikatoren), nicht die Umsetzung der Maßnahmen."
    )
    if rounds["is_sample"].any():
        ui.sample_badge()
        st.caption(
            "Runden mit „(Beispiel)“ enthalten erfundene Meldungen; sie zeigen den Ablauf einer "
            "Berichtsrunde."
        )
else:
    st.caption("Im Katalog ist noch keine Berichtsrunde angelegt; ohne Meldung kein Stand.")
