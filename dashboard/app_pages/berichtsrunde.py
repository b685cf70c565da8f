"""Berichtsrunde: what a closed round froze (every goal's status and Umsetzungsstand per field),
what changed since the round before, the goals across all closed rounds, and the report for the
committee as PDF, XLSX and HTML."""

import streamlit as st

from dashboard import queries, ui

ui.page_status("Berichtsrunde")
db = queries.current()
closed = queries.closed_rounds(db)  # newest first
st.title("Berichtsrunde")
if closed.is_empty():
    declared = queries.reporting_rounds(db)["id"].to_list()  # oldest first
    st.info(ui.no_closed_round(declared[-1] if declared else None), icon=":material/lock_open:")
    st.stop()

ids = closed["round"].to_list()
titles = dict(zip(ids, closed["title"], strict=True))
wanted = ui.deep_link(
    "runde", ids, "Eine abgeschlossene Runde „{}“ gibt es nicht; gezeigt wird die neueste."
)
choice = st.selectbox(
    "Abgeschlossene Runde",
    ids,
    index=ids.index(wanted),
    format_func=lambda r: f"{r} – {titles[r]}",
    placeholder="Runde wählen",
)
st.query_params["runde"] = choice
info = closed.filter(closed["round"] == choice).row(0, named=True)
# The closed rounds up to this one, oldest first; the one before it is what it is compared with.
upto = list(reversed(ids[ids.index(choice) :]))
previous = upto[-2] if len(upto) > 1 else None

st.header(ui.md(f"Runde {choice}: {info['title']}"))
if info["is_sample"]:
    st.markdown(
        f"{ui.EXAMPLE_MARK} Die Maßnahmen-Meldungen dieser Runde sind erfunden; sie zeigen den "
        "Ablauf einer Berichtsrunde."
    )
st.markdown(ui.round_facts(info))

downloads = st.container(horizontal=True)
with downloads:
    for fmt, label, mime in ui.REPORT_FORMATS:
        st.download_button(
            f"Bericht als {label}",
            lambda fmt=fmt: queries.round_report(db, choice, fmt),  # made on click only
            ui.report_file_name(choice, fmt),
            mime,
            icon=":material/download:",
            on_click="ignore",
        )
# Each file is made in its download request, never on a page view (the PDF takes seconds). No
# st.spinner can show there (Streamlit ignores st.* in the callable); the button spins instead.
st.caption(
    "Der Bericht entsteht beim ersten Klick aus den eingefrorenen Daten; bis er fertig ist "
    "(einige Sekunden, das PDF am längsten), zeigt der Knopf ein Ladesymbol."
)

st.header("Stand je Handlungsfeld")
st.caption(
    "Zwei verschiedene Aussagen: der **Status** bewertet die Wirkung (Indikatoren: ✓ gut, "
    "◐ langsam, ✗ falsche Richtung, ○ offen), der **Umsetzungsstand** die Maßnahmen "
    "(■ im Plan, ◧ teilweise, □ nicht im Plan, – ohne Meldung oder ohne Maßnahme)."
)
goals = queries.round_goals(db, choice)
for field in queries.round_fields(db, choice).iter_rows(named=True):
    with st.container(border=True):
        st.subheader(ui.md(field["name"]))  # also the name of the table below
        ui.status_badge(
            field["status"],
            field["level"],
            sample=field["uses_sample"],
            data_until=field["data_until"],
        )
        own = goals.filter(goals["field_id"] == field["id"])
        st.dataframe(
            ui.round_goal_rows(own.to_dicts()),
            hide_index=True,
            height="content",
            # Fixed widths: goal, status and Umsetzungsstand in view at 1280 px, both statuses
            # whole with their "(Beispiel…)" marks; the details beside them, a cut goal title
            # shows whole on hover.
            column_config={
                "Ziel": st.column_config.TextColumn("Ziel", width=255),
                "Status": st.column_config.TextColumn("Status", width=250),
                "Umsetzungsstand": st.column_config.TextColumn("Umsetzungsstand", width=270),
                "Umsetzung im Einzelnen": st.column_config.TextColumn(
                    "Umsetzung im Einzelnen", width=420
                ),
            },
        )

st.header("Was hat sich geändert?")
if previous is None:
    st.caption("Dies ist die erste abgeschlossene Runde; es gibt noch nichts zu vergleichen.")
else:
    changes = queries.round_changes(db, choice, previous)
    if changes.is_empty():
        st.caption(f"Keine Änderungen gegenüber Runde {previous}.")
    else:
        st.caption(
            f"Gegenüber Runde {previous}: {ui.count(changes.height, 'Änderung', 'Änderungen')}:"
        )
        st.dataframe(
            ui.change_rows(changes.to_dicts(), sample=info["is_sample"]),
            hide_index=True,
            # Fixed widths: before and after whole at 1280 px; a cut title shows on hover.
            column_config={
                "Art": st.column_config.TextColumn("Art", width=120),
                "Was": st.column_config.TextColumn("Was", width=80),
                "Titel": st.column_config.TextColumn("Titel", width=180),
                "vorher": st.column_config.TextColumn("vorher", width=190),
                "jetzt": st.column_config.TextColumn("jetzt", width=240),
            },
        )

st.header("Synopse: alle Ziele über die Runden")
samples = set(closed.filter(closed["is_sample"])["round"].to_list())
synopsis = queries.synopsis(db, upto)
rows, heads = ui.synopsis_rows(synopsis.to_dicts(), upto, samples)
st.caption(
    "Je Ziel der Status in jeder abgeschlossenen Runde bis zu dieser (wie im Indikatorenbericht "
    "der Deutschen Nachhaltigkeitsstrategie): ✓ gut, ◐ langsam, ✗ falsche Richtung, ○ offen; "
    "„–“: in dieser Runde nicht erfasst."
)
st.dataframe(
    rows,
    hide_index=True,
    height="content",
    # Fixed widths: three rounds in view at 1280 px, each status whole; a cut goal title shows
    # whole on hover.
    column_config={
        "Handlungsfeld": st.column_config.TextColumn("Handlungsfeld", width=105),
        "Ziel": st.column_config.TextColumn("Ziel", width=190),
        **{h: st.column_config.TextColumn(h, width=170) for h in heads},
    },
)
