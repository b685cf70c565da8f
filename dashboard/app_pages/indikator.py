"""Indikator: the time series with baseline, target and trend, breakdowns, comparison of
regions, the table, the definition and source, and the data as CSV and XLSX."""

import streamlit as st

from dashboard import charts, exports, queries, ui

db = queries.current()
town = queries.municipality(db)
region = town["region_code"]
indicators = queries.indicators(db, region)
ids = indicators["id"].to_list()
label = {
    row["id"]: f"{row['field_name']} › {row['title']}" for row in indicators.iter_rows(named=True)
}

if not ids:
    st.title("Indikator")
    st.info("Im Katalog ist noch kein Indikator hinterlegt.", icon=":material/info:")
    st.stop()

wanted = ui.deep_link(
    "indikator", ids, "Einen Indikator „{}“ gibt es nicht; gezeigt wird der erste."
)
choice = st.selectbox("Indikator", ids, index=ids.index(wanted), format_func=label.get)
st.query_params["indikator"] = choice

meta = indicators.filter(indicators["id"] == choice).row(0, named=True)
unit, sample = meta["unit"], meta["uses_sample"]
digits = ui.decimals_for(unit)
assumed = meta["target_kind"] == "assumed"
st.title(ui.md(meta["title"]))
st.caption(ui.md(f"Ziel: {meta['goal_title']} · Handlungsfeld {meta['field_name']}"))
ui.status_badge(
    meta["status"],
    meta["level"],
    sample=bool(meta["status_on_sample"]),
    data_until=meta["data_until"],
)
if sample and not meta["status_on_sample"]:
    ui.sample_badge()  # the chart holds sample years, the status does not rest on them
ui.reason_caption(meta["status"], meta["reason"])
if assumed:
    st.caption(
        "Kein beschlossener Zielwert: Der gezeigte Zielwert ist angenommen und entscheidet den "
        "Status nicht."
    )

progress = queries.indicator_progress(db, choice)
values = queries.indicator_values(db, choice)
own = values.filter((values["region_code"] == region) & (values["sex"] == "insgesamt"))
mine = progress.filter(progress["region_code"] == region)
base = target = None
if mine.height:
    p = mine.row(0, named=True)
    if p["baseline_period"] is not None:
        base = (p["baseline_period"], p["baseline_value"])
    if p["target_year"] is not None:
        target = (p["target_year"], p["target_value"])

figure = charts.time_series(
    own,
    title=f"{meta['title']} – {town['name']}",
    unit=unit,
    region=town["name"],
    baseline=base,
    target=target,
    sample=sample,
    target_assumed=assumed,
)
first, last = own.drop_nulls("value").head(1), own.drop_nulls("value").tail(1)
alt = f"Liniendiagramm {meta['title']}, {town['name']}"
if first.height:
    alt += (
        f": {first['period'][0]} {ui.number(first['value'][0], digits)} {unit}, "
        f"{last['period'][0]} {ui.number(last['value'][0], digits)} {unit}"
    )
if target:
    alt += f"; {'angenommenes ' if assumed else ''}Ziel {ui.number(target[1], digits)} {unit} "
    alt += f"bis {target[0]}"
st.plotly_chart(figure, alt=alt, key="series")
gaps = own.filter(own["value"].is_null())
if gaps.height:
    st.caption(
        "Lücken statt Nullen: "
        + "; ".join(
            f"{r['period']}: {ui.explain_flag(r['flag'])}" for r in gaps.iter_rows(named=True)
        )
    )

if meta["by_sex"]:
    by_sex = values.filter(values["region_code"] == region)
    st.plotly_chart(
        charts.lines(
            by_sex,
            by="sex",
            title=f"{meta['title']} nach Geschlecht",
            unit=unit,
            sample=sample,
            colours=charts.SEX_COLOURS,
        ),
        alt=f"Liniendiagramm {meta['title']} nach Geschlecht (insgesamt, weiblich, männlich)",
        key="by_sex",
    )

compared = values.filter(values["sex"] == "insgesamt")
if compared["region_code"].n_unique() > 1:
    # Counts of regions of very different size say nothing side by side (Niedersachsen 8.519,
    # Hannover 1.300): they are compared by their course, as an index; shares and rates as they are.
    as_index = meta["kind"] == "level" and not unit.startswith("je ")
    lines, base_year = charts.as_index(compared, "region_name") if as_index else (compared, None)
    shown_unit = f"Index, {base_year} = 100" if as_index else unit
    st.plotly_chart(
        charts.lines(
            lines,
            by="region_name",
            title=f"{meta['title']} im Vergleich der Regionen"
            + (f" (Entwicklung, {base_year} = 100)" if as_index else ""),
            unit=shown_unit,
            sample=bool(compared["is_sample"].any()),
        ),
        alt=f"Liniendiagramm {meta['title']} für "
        + ", ".join(compared["region_name"].unique(maintain_order=True))
        + (f" als Index, {base_year} = 100" if as_index else ""),
        key="regions",
    )
    st.dataframe(
        [
            {
                "Region": r["region_name"],
                "Status": ui.status_text(
                    r["status"], sample=r["uses_sample"], data_until=r["data_until"]
                ),
                "Jahr": str(r["latest_period"] or "–"),
                "Wert": ui.with_unit(r["latest_value"], unit),
            }
            for r in progress.iter_rows(named=True)
        ],
        hide_index=True,
    )

st.subheader("Die Werte")
if sample:
    ui.sample_badge()
labels = queries.series_labels(db, choice)
screen, download = ui.values_tables(queries.indicator_rows(db, choice), labels, unit)
st.dataframe(screen, hide_index=True)
sources = queries.source_table(db, choice)
citation = {
    "Titel": meta["title"],
    "Einheit": unit,
    "Definition": meta["description"],
    "Berechnung": meta["formula_words"],
    "Quelle": " / ".join(
        f"{r['Quelle']} ({r['Herausgeber']}, Tabelle {r['Tabelle'] or '–'}, "
        f"Stand {ui.date(r['Stand'])}, Lizenz: {r['Lizenz']})"
        for r in sources.iter_rows(named=True)
    ),
    "Beispieldaten": ui.yes_no(sample),
    "Auswertung": ui.local_time(queries.build_info(db)["built_at"]),
}
downloads = st.container(horizontal=True)
with downloads:
    st.download_button(
        "CSV herunterladen",
        lambda: exports.csv_bytes(exports.frame(download), citation),  # built on click only
        f"{choice}.csv",
        "text/csv",
        icon=":material/download:",
    )
    st.download_button(
        "XLSX herunterladen",
        lambda: exports.xlsx_bytes(exports.frame(download), sheet="Daten", meta=citation),
        f"{choice}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )

st.subheader("Definition und Quelle")
kinds = {
    "level": "Bestand oder Anzahl",
    "share": "Anteil",
    "gap": "Lücke in Prozentpunkten (Parität 0)",
    "parity": "Verhältnis (Parität 1,0)",
}
target_text = "kein Zielwert"
if meta["target_value"] is not None:
    target_text = f"{ui.number(meta['target_value'], digits)} {unit} bis {meta['target_year']}"
    target_text += f" ({ui.TARGET_KINDS[meta['target_kind']]}; Quelle: {meta['target_source']})"
st.markdown(
    f"{ui.md(meta['description'])}\n\n"
    f"- **Berechnung:** {ui.md(meta['formula_words'])}\n"
    f"- **Konzept:** {ui.md(meta['concept'] or 'nicht angegeben')}"
    + (" (nie mit der anderen Größe in einer Reihe)" if meta["concept"] in ui.ORIGIN else "")
    + "\n"
    f"- **Einheit:** {ui.md(unit)} · **Art:** {kinds[meta['kind']]} · "
    f"**gewünschte Richtung:** {'steigend' if meta['direction'] == 'up' else 'fallend'}\n"
    f"- **Basisjahr:** {meta['baseline_year']} · **Ziel:** {ui.md(target_text)}\n"
    f"- **Hinweis zur Quelle:** {ui.md(meta['source_note']) or '–'}"
)
st.dataframe(
    queries.source_table(db, choice).drop("Datei", "Werte").to_arrow(),
    hide_index=True,
    column_config={"Stand": st.column_config.DateColumn(format="DD.MM.YYYY")},
)
