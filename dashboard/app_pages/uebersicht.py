"""Übersicht: every Handlungsfeld with its status, its goals at a glance, and what changed."""

import streamlit as st

from dashboard import queries, ui

db = queries.current()
town = queries.municipality(db)
region = town["region_code"]
info = queries.build_info(db)
dates = queries.data_dates(db)

st.title("Übersicht")
st.caption(
    f"{town['strategy']} · Auswertung vom {ui.local_time(info['built_at'])} · "
    f"neuestes Datenjahr {dates['newest_period'] or '–'} · "
    f"neuester Quellenstand {dates['newest_retrieved'].strftime('%d.%m.%Y')}"
)

goals = queries.goal_progress(db, region)
fields = queries.field_progress(db, region)

st.subheader("Alle Ziele auf einen Blick")
columns = st.columns(len(ui.LEVELS))
for column, (level, (icon, _, word)) in zip(columns, ui.LEVELS.items(), strict=True):
    count = goals.filter(goals["level"] == level).height
    column.metric(f"{icon} {word}", ui.count(count, "Ziel", "Ziele"))
st.caption(
    "gut: Ziel erreicht, auf Kurs oder deutlicher Fortschritt · langsam: mäßiger oder "
    "unzureichender Fortschritt · falsche Richtung: Verschlechterung · offen: nicht bewertbar "
    "oder kein Indikator hinterlegt. [Wie wird der Status berechnet?](/methodik)"
)

for field in fields.iter_rows(named=True):
    with st.container(border=True):
        head, link = st.columns([4, 1])
        head.subheader(ui.md(field["name"]))
        with head:
            ui.status_badge(field["status"], field["level"])
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
        for goal in own.iter_rows(named=True):
            link = f"/handlungsfeld?feld={field['id']}"
            badge = ui.status_markdown(goal["status"], goal["level"])
            st.markdown(f"{badge} [{ui.md(goal['title'])}]({link})")

st.subheader("Was hat sich seit der letzten Auswertung geändert?")
changes = queries.changes(db)
if info["previous_built_at"] is None:
    st.caption("Dies ist die erste Auswertung; es gibt noch nichts zu vergleichen.")
elif changes.is_empty():
    st.caption(
        f"Keine Änderungen seit der Auswertung vom {ui.local_time(info['previous_built_at'])}."
    )
else:
    st.caption(f"Gegenüber der Auswertung vom {ui.local_time(info['previous_built_at'])}:")
    st.dataframe(
        changes.rename({"kind": "Art", "title": "Was", "before": "vorher", "after": "jetzt"}),
        column_order=["Art", "Was", "vorher", "jetzt"],
        hide_index=True,
    )
