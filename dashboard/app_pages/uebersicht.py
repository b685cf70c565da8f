"""Übersicht: every Handlungsfeld with its status and its Umsetzungsstand, its goals at a glance,
and what changed."""

import streamlit as st

from dashboard import queries, ui

db = queries.current()
town = queries.municipality(db)
region = town["region_code"]
info = queries.build_info(db)
dates = queries.data_dates(db, region)
goals = queries.goal_progress(db, region)
fields = queries.field_progress(db, region)

ui.page_status("Übersicht")
st.title("Übersicht")
assessed = goals.filter(goals["assessed"] > 0)
on_sample = assessed.filter(assessed["on_sample"])  # invented goals count as Beispieldaten
st.markdown(ui.sample_share(assessed.height, on_sample.height, on_sample["all_sample"].sum()))
st.caption(
    f"{ui.md(town['strategy'])} · Auswertung vom {ui.local_time(info['built_at'])} · "
    + ui.data_years(dates["newest_period"], dates["stale_indicators"], dates["oldest_data_until"])
    + f" · neuester Quellenstand {ui.date(dates['newest_retrieved'])}"
)

st.header("Alle Ziele auf einen Blick")
columns = st.columns(len(ui.LEVELS))
for column, (level, (icon, _, word)) in zip(columns, ui.LEVELS.items(), strict=True):
    at_level = goals.filter(goals["level"] == level)
    # The label above the metric, its icon hidden from screen readers (our own words only).
    column.markdown(f"{ui.icon(icon)} {word}", unsafe_allow_html=True)
    column.metric(word, ui.count(at_level.height, "Ziel", "Ziele"), label_visibility="collapsed")
    if level != "offen":
        column.caption(f"davon {at_level['on_sample'].sum()} auf Beispieldaten")
st.caption(
    "gut: Ziel erreicht, auf Kurs oder deutlicher Fortschritt · langsam: mäßiger oder "
    "unzureichender Fortschritt · falsche Richtung: Verschlechterung · offen: nicht bewertbar "
    "oder kein Indikator hinterlegt. [Wie wird der Status berechnet?](/methodik)"
)

for field in fields.iter_rows(named=True):
    with st.container(border=True):
        head, link = st.columns([3, 1])
        head.header(ui.md(field["name"]))
        with head:
            ui.status_badge(
                field["status"],
                field["level"],
                sample=field["uses_sample"],
                data_until=field["data_until"],
            )
        with head:
            ui.reason_caption(field["status"], field["reason"])
        link.page_link(
            "app_pages/handlungsfeld.py",
            label="Handlungsfeld öffnen",
            icon=":material/arrow_forward:",
            query_params={"feld": field["id"]},
        )
        own = goals.filter(goals["field_id"] == field["id"])
        st.caption(ui.status_counts(own["status"].to_list(), "Ziel", "Ziele"))
        # The Umsetzungsstand beside it, as its own count: outcome and implementation never mix.
        rounds = own["implementation_round"].drop_nulls().unique().sort().to_list()
        where = f" (Runde {', '.join(rounds)})" if rounds else ""
        marked = f" {ui.EXAMPLE_MARK}" if own["implementation_is_sample"].any() else ""
        st.caption(
            ui.md(ui.implementation_counts(own["implementation_status"].to_list()) + where) + marked
        )
        for goal in own.iter_rows(named=True):
            link = ui.page_url("handlungsfeld", feld=field["id"])
            invented = f" {ui.EXAMPLE_MARK}" if goal["sample"] else ""
            # The badge (HTML for its hidden icon, our words only) apart from the goal's title.
            with st.container(horizontal=True, gap="small"):
                ui.status_badge(
                    goal["status"],
                    goal["level"],
                    sample=goal["uses_sample"],
                    data_until=goal["data_until"],
                )
                st.markdown(f"[{ui.md(goal['title'])}]({link}){invented}")

st.header("Was hat sich seit der letzten Auswertung geändert?")
changes = queries.changes(db)
if info["previous_built_at"] is None:
    st.caption("Dies ist die erste Auswertung; es gibt noch nichts zu vergleichen.")
elif changes.is_empty():
    st.caption(
        f"Keine Änderungen seit der Auswertung vom {ui.local_time(info['previous_built_at'])}."
    )
else:
    st.caption(f"Gegenüber der Auswertung vom {ui.local_time(info['previous_built_at'])}:")
    st.dataframe(ui.build_change_table(changes).to_arrow(), hide_index=True)
