"""Datenstand: every source with its date, licence, row count and whether it is sample data;
the closed and the declared reporting rounds; the SMART check of the goals; the last build and
its warnings."""

import streamlit as st

from dashboard import queries, ui

ui.page_status("Datenstand")
db = queries.current()
town = queries.municipality(db)
info = queries.build_info(db)
st.title("Datenstand")

sources = queries.sources(db)
st.header("Quellen")
st.dataframe(
    ui.source_table(sources).to_arrow(),
    hide_index=True,
    column_config={"Stand": st.column_config.DateColumn(format="DD.MM.YYYY")},
)
samples = sources.filter(sources["is_sample"])
if samples.height:
    ui.sample_badge()
    st.caption(
        f"{samples.height} von {sources.height} Quellen sind Beispieldaten. "
        + ui.sample_help(ui.md(town["name"]))
    )

if sources.filter(sources["format"] == "staff_report").height:
    st.caption(
        "Personalbericht: Werte von 1 oder 2 Personen und Werte, aus denen sie sich errechnen "
        "ließen, sind geheim gehalten und stehen als „.“ (Regel der Statistik der Bundesagentur "
        "für Arbeit). Summen werden vorher aus allen Daten gebildet."
    )

st.header("Berichtsrunden")
closed = queries.closed_rounds(db)
if closed.is_empty():
    st.caption(
        "Noch ist keine Berichtsrunde abgeschlossen. Abschließen friert Werte, Status und "
        "Maßnahmenstände einer Runde ein: `python -m etl round close <Runde>`."
    )
else:
    st.subheader(f"Abgeschlossen ({ui.count(closed.height, 'Runde', 'Runden')})")
    st.dataframe(ui.closed_round_rows(closed.to_dicts()), hide_index=True)
    if closed["is_sample"].any():
        ui.sample_badge()
        st.caption("Runden mit „Beispiel“ beruhen auf erfundenen Meldungen.")
declared = queries.reporting_rounds(db)
if declared.height:
    st.subheader("Im Katalog angelegt")
    st.dataframe(ui.declared_round_rows(declared.to_dicts()), hide_index=True)

st.header("SMART-Prüfung der Ziele")
st.markdown(
    "Was der Katalog über jedes Ziel sagen kann: "
    + " · ".join(f"**{key}** {ui.md(text)}" for key, text in ui.SMART.items())
    + "."
)
smart = queries.smart_failures(db)
if smart.is_empty():
    st.success("Jedes Ziel erfüllt alle prüfbaren Kriterien.", icon=":material/check:")
else:
    st.caption(
        f"{ui.count(smart.height, 'Ziel erfüllt', 'Ziele erfüllen')} mindestens ein Kriterium "
        "nicht:"
    )
    st.dataframe(ui.smart_table(smart).to_arrow(), hide_index=True)

st.header("Letzte Auswertung")
st.markdown(
    f"- **Erstellt:** {ui.local_time(info['built_at'])}\n"
    f"- **Programmversion:** {info['code_version']}\n"
    f"- **Katalog (SHA-256):** `{info['catalogue_sha256'][:16]}…`"
)
warnings = info["warnings"] or []
if warnings:
    # The build's messages are the command line's, in English: said so rather than translated.
    st.warning(
        f"{ui.count(len(warnings), 'Hinweis', 'Hinweise')} beim Einlesen, im Wortlaut des "
        "Einleseprogramms (englisch):",
        icon=":material/warning:",
    )
    for warning in warnings:
        st.markdown(f"- {ui.md(warning)}")
else:
    st.success("Keine Hinweise beim Einlesen.", icon=":material/check:")
