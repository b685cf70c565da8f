"""Indikator: the time series with baseline, target and trend, breakdowns, comparison of
regions, the table, the definition and source, and the data as CSV and XLSX.

`main` lists the screen's blocks from top to bottom; each function below draws one of them."""

import polars as pl
import streamlit as st

import vocabulary
from dashboard import a11y, charts, exports, queries, ui


def main() -> None:
    ui.page_status("Indikator")
    db = queries.current()
    town = queries.municipality(db)
    meta = indicator_choice(queries.indicators(db, town["region_code"]))
    values = queries.indicator_values(db, meta["id"])
    progress = queries.indicator_progress(db, meta["id"])
    heading(meta)
    time_series(meta, town, values, progress)
    by_sex(meta, values.filter(values["region_code"] == town["region_code"]))
    regions(meta, values.filter(values["sex"] == vocabulary.TOTAL), progress)
    values_table(db, meta)
    definition_and_source(db, meta)


def indicator_choice(indicators: pl.DataFrame) -> dict:
    """The indicator the URL names (else the first) in a select box; the page stops, saying so,
    where the catalogue has none."""
    ids = indicators["id"].to_list()
    if not ids:
        st.title("Indikator")
        st.info("Im Katalog ist noch kein Indikator hinterlegt.", icon=":material/info:")
        st.stop()
    label = {
        row["id"]: f"{row['field_name']} › {row['title']}"
        for row in indicators.iter_rows(named=True)
    }
    wanted = ui.deep_link(
        "indikator", ids, "Einen Indikator „{}“ gibt es nicht; gezeigt wird der erste."
    )
    choice = st.selectbox(
        "Indikator",
        ids,
        index=ids.index(wanted),
        format_func=label.get,
        placeholder="Indikator wählen",
    )
    st.query_params["indikator"] = choice
    return indicators.filter(indicators["id"] == choice).row(0, named=True)


def heading(meta: dict) -> None:
    """Title, goal and field, the status with its reason, and whether the target is assumed."""
    a11y.page_title(meta["title"], "Indikator")
    st.title(ui.md(meta["title"]))
    st.caption(ui.md(f"Ziel: {meta['goal_title']} · Handlungsfeld {meta['field_name']}"))
    ui.status_badge(
        meta["status"],
        meta["level"],
        sample=bool(meta["status_on_sample"]),
        data_until=meta["data_until"],
    )
    if meta["uses_sample"] and not meta["status_on_sample"]:
        ui.sample_badge()  # the chart holds sample years, the status does not rest on them
    ui.reason_caption(meta["status"], meta["reason"])
    if meta["target_kind"] == "assumed":
        st.caption(
            "Kein beschlossener Zielwert: Der gezeigte Zielwert ist angenommen und entscheidet "
            "den Status nicht."
        )


def time_series(meta: dict, town: dict, values: pl.DataFrame, progress: pl.DataFrame) -> None:
    """The municipality's series with baseline and target, and its gaps in words below."""
    own = values.filter(
        (values["region_code"] == town["region_code"]) & (values["sex"] == vocabulary.TOTAL)
    )
    base = target = None
    mine = progress.filter(progress["region_code"] == town["region_code"])
    if mine.height:
        p = mine.row(0, named=True)
        if p["baseline_period"] is not None:
            base = (p["baseline_period"], p["baseline_value"])
        if p["target_year"] is not None:
            target = (p["target_year"], p["target_value"])
    assumed = meta["target_kind"] == "assumed"
    figure = charts.time_series(
        own,
        title=f"{meta['title']} – {town['name']}",
        unit=meta["unit"],
        region=town["name"],
        baseline=base,
        target=target,
        sample=meta["uses_sample"],
        target_assumed=assumed,
    )
    points = own.to_dicts()
    alt = ui.series_alt(meta["title"], town["name"], points, meta["unit"], target, assumed=assumed)
    st.plotly_chart(figure, alt=alt, key="series")
    gaps = ui.gaps_caption(points)
    if gaps:
        st.caption(gaps)


def by_sex(meta: dict, values: pl.DataFrame) -> None:
    """The series by sex, where the catalogue asks for it."""
    if not meta["by_sex"]:
        return
    st.plotly_chart(
        charts.lines(
            values,
            by="sex",
            title=f"{meta['title']} nach Geschlecht",
            unit=meta["unit"],
            sample=meta["uses_sample"],
            colours=charts.SEX_COLOURS,
            styles=charts.SEX_STYLES,
        ),
        alt=f"Liniendiagramm {meta['title']} nach Geschlecht (insgesamt, weiblich, männlich)",
        key="by_sex",
    )


def regions(meta: dict, compared: pl.DataFrame, progress: pl.DataFrame) -> None:
    """The regions side by side, and each region's status, where there is more than one."""
    if compared["region_code"].n_unique() <= 1:
        return
    unit = meta["unit"]
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
    st.caption("Status und neuester Wert je Region:")  # the table's name
    st.dataframe(ui.region_rows(progress.to_dicts(), unit), hide_index=True)


def values_table(db: str, meta: dict) -> None:
    """The values with each series' own figure, and the downloads that cite their sources."""
    st.header("Die Werte")
    if meta["uses_sample"]:
        ui.sample_badge()
    screen, download = ui.values_tables(
        queries.indicator_rows(db, meta["id"]),
        queries.series_labels(db, meta["id"]),
        meta["unit"],
    )
    st.dataframe(screen, hide_index=True)
    citation = ui.citation(
        meta, queries.sources(db, meta["id"]).to_dicts(), queries.build_info(db)["built_at"]
    )
    with st.container(horizontal=True):
        st.download_button(
            "CSV herunterladen",
            lambda: exports.csv_bytes(exports.frame(download), citation),  # built on click only
            f"{meta['id']}.csv",
            "text/csv",
            icon=":material/download:",
        )
        st.download_button(
            "XLSX herunterladen",
            lambda: exports.xlsx_bytes(exports.frame(download), sheet="Daten", meta=citation),
            f"{meta['id']}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
        )


def definition_and_source(db: str, meta: dict) -> None:
    """What the indicator measures and how, and its sources."""
    st.header("Definition und Quelle")
    st.markdown(ui.definition(meta))
    st.caption("Quellen:")  # the table's name
    st.dataframe(
        ui.source_table(queries.sources(db, meta["id"]), files=False).to_arrow(),
        hide_index=True,
        column_config={"Stand": st.column_config.DateColumn(format="DD.MM.YYYY")},
    )


main()
