"""Handlungsfeld: its goals, each with its outcome status and, apart from it, its Umsetzungsstand;
its indicators (sparkline, latest value, target, status) and its measures with their reported
state."""

import streamlit as st

from dashboard import a11y, queries, ui
from vocabulary import MEASURE_STATE_COLUMNS

ui.page_status("Handlungsfeld")
db = queries.current()
region = queries.municipality(db)["region_code"]
fields = queries.field_progress(db, region)
names = dict(zip(fields["id"], fields["name"], strict=True))

wanted = ui.deep_link(
    "feld", list(names), "Ein Handlungsfeld „{}“ gibt es nicht; gezeigt wird das erste."
)
choice = st.selectbox(
    "Handlungsfeld",
    list(names),
    index=list(names).index(wanted),
    format_func=names.get,
    placeholder="Handlungsfeld wählen",
)
st.query_params["feld"] = choice

field = fields.filter(fields["id"] == choice).row(0, named=True)
a11y.page_title(field["name"], "Handlungsfeld")
st.title(ui.md(field["name"]))
ui.status_badge(
    field["status"], field["level"], sample=field["uses_sample"], data_until=field["data_until"]
)
ui.reason_caption(field["status"], field["reason"])
if field["description"]:
    st.markdown(ui.md(field["description"]))

goals = queries.goal_progress(db, region)
indicators = queries.indicators(db, region)
measures = queries.measures(db)

for goal in goals.filter(goals["field_id"] == choice).iter_rows(named=True):
    with st.container(border=True):
        st.markdown(
            f"## {ui.md(goal['title'])}" + (f" {ui.EXAMPLE_MARK}" if goal["sample"] else "")
        )
        ui.status_badge(
            goal["status"],
            goal["level"],
            sample=goal["uses_sample"],
            data_until=goal["data_until"],
        )
        due = ""
        if goal["due"]:
            due = f" · fällig {goal['due']}" + (
                " (angenommen)" if goal["due_kind"] == "assumed" else ""
            )
        neither = goal["reason"] == ui.WEDER_NOCH
        reason = "" if goal["reason"] in (goal["status"], ui.WEDER_NOCH) else f" · {goal['reason']}"
        st.caption(ui.md(f"Federführung: {goal['owner']}{due}{reason}"))
        if neither:
            st.markdown(f"*{ui.WEDER_NOCH[0].upper()}{ui.WEDER_NOCH[1:]}.*")
            continue
        # The second kind of status, from the measures: its own line, label and icons.
        # HTML for the badge's hidden icon; the line holds our own words only.
        st.markdown(
            "**Umsetzungsstand:** "
            + ui.implementation_markdown(
                goal["implementation_status"], sample=goal["implementation_is_sample"]
            ),
            unsafe_allow_html=True,
        )
        if goal["implementation_reason"] != goal["implementation_status"]:
            st.caption(ui.md(goal["implementation_reason"]))
        own = indicators.filter(indicators["goal_id"] == goal["id"])
        if own.is_empty():
            st.markdown("*Für dieses Ziel ist noch kein Indikator hinterlegt.*")
        else:
            st.subheader("Indikatoren")  # the name of the tables below
            if own["uses_sample"].any():
                ui.sample_badge()
            # One table per status level, so that each sparkline takes its status colour.
            for colour, rows in ui.overview_by_level(
                queries.indicator_overview(db, region, goal["id"])
            ):
                st.dataframe(
                    rows,
                    hide_index=True,
                    # Fixed widths: status and data columns stay in view at 1280 px; a cut
                    # title shows whole on hover and in the links below.
                    column_config={
                        "Indikator": st.column_config.TextColumn("Indikator", width=190),
                        "Verlauf": st.column_config.LineChartColumn(
                            "Verlauf", width=70, color=colour
                        ),
                        "Verlauf in Worten": st.column_config.TextColumn(
                            "Verlauf in Worten", width=200
                        ),
                        "Aktuell": st.column_config.TextColumn("Aktuell", width=120),
                        "Ziel": st.column_config.TextColumn("Ziel", width=150),
                        "Status": st.column_config.TextColumn("Status", width=160),
                        "Daten": st.column_config.TextColumn("Daten", width=115),
                    },
                )
            for ind in own.iter_rows(named=True):
                st.page_link(
                    "app_pages/indikator.py",
                    label=ui.md(f"{ind['title']} – Zeitreihe, Vergleich und Quelle"),
                    icon=":material/show_chart:",
                    query_params={"indikator": ind["id"]},
                )
        own_measures = measures.filter(measures["goal_id"] == goal["id"])
        if not own_measures.is_empty():
            by_state = {s: goal[MEASURE_STATE_COLUMNS[s]] for s in ui.MEASURE_STATES}
            by_state[ui.NO_REPORT] = own_measures["state"].null_count()
            summary = ", ".join(f"{n} {state}" for state, n in by_state.items() if n)
            st.markdown(f"**Maßnahmen** ({summary})")
            st.markdown("\n".join(ui.measure_line(m) for m in own_measures.iter_rows(named=True)))
