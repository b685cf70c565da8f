"""Datenstand: every source with its date, licence, row count and whether it is sample data;
the last build and its warnings."""

import streamlit as st

from dashboard import queries, ui

db = queries.current()
info = queries.build_info(db)
st.title("Datenstand")

sources = queries.sources(db)
st.subheader("Quellen")
st.dataframe(
    queries.source_table(db).to_arrow(),
    hide_index=True,
    column_config={"Stand": st.column_config.DateColumn(format="DD.MM.YYYY")},
)
samples = sources.filter(sources["is_sample"])
if samples.height:
    ui.sample_badge()
    st.caption(
        f"{samples.height} von {sources.height} Quellen sind Beispieldaten. {ui.SAMPLE_HELP}"
    )

if sources.filter(sources["format"] == "staff_report").height:
    st.caption(
        "Personalbericht: Werte von 1 oder 2 Personen und Werte, aus denen sie sich errechnen "
        "ließen, sind geheim gehalten und stehen als „.“ (Regel der Statistik der Bundesagentur "
        "für Arbeit). Summen werden vorher aus allen Daten gebildet."
    )

st.subheader("Letzte Auswertung")
st.markdown(
    f"- **Erstellt:** {ui.local_time(info['built_at'])}\n"
    f"- **Programmversion:** {info['code_version']}\n"
    f"- **Katalog (SHA-256):** `{info['catalogue_sha256'][:16]}…`"
)
warnings = info["warnings"] or []
if warnings:
    st.warning(f"{len(warnings)} Hinweis(e) beim Einlesen:", icon=":material/warning:")
    for warning in warnings:
        st.markdown(f"- {ui.md(warning)}")
else:
    st.success("Keine Hinweise beim Einlesen.", icon=":material/check:")
