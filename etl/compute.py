"""Observations → indicator values: each series filtered and summed, then the formula applied.

Nothing is filled in: a period where an input is missing gets a null value and a flag that
names the input and why ("einwohner fehlt", "auslaendisch: ."). A sum over published cells is
only known when every cell is; "-" counts as zero only where the series says `dash_as_zero`.
"""

from __future__ import annotations

import itertools

import duckdb
import polars as pl

from etl import formula as formula_module
from etl.catalog import ANY, Catalog, Series
from etl.errors import Problem, did_you_mean, quoted
from vocabulary import SEXES, TOTAL

VALUE_SCHEMA: dict[str, pl.DataType] = {
    "indicator_id": pl.String(),
    "region_code": pl.String(),
    "period": pl.Int32(),
    "sex": pl.String(),
    "value": pl.Float64(),
    "numerator": pl.Float64(),
    "denominator": pl.Float64(),
    "flag": pl.String(),
    # Lineage of the value: every series' own figure, and the sources the figures came from
    # (a value is sample data if any of them is a sample source).
    "inputs": pl.List(pl.Struct({"series": pl.String, "value": pl.Float64, "flag": pl.String})),
    "sources": pl.List(pl.String),
}
# How many of a measure's sex, nationality or category values a problem lists.
SHOWN_VALUES = 12


def check_series(catalog: Catalog, offered: pl.DataFrame, source_ids: set[str]) -> list[Problem]:
    """Every series must name a known source and measure and match at least one observation.

    `offered`: the distinct (source, measure, sex, nationality, category) of the observations
    (stage.keys); they are few, so whether a filter matches anything is decided on them.
    """
    problems: list[Problem] = []
    keys = {
        measure: frame.drop("measure")
        for (measure,), frame in offered.partition_by("measure", as_dict=True).items()
    }
    measures: dict[str, list[str]] = {}
    for measure, frame in keys.items():
        for source in frame["source"].unique():
            measures.setdefault(source, []).append(measure)
    for ind in catalog.indicators:
        for name, series in ind.series.items():
            entry, field = f'indicator "{ind.id}"', f"series.{name}"
            unknown = [s for s in series.sources if s not in source_ids]
            if unknown:
                known = ", ".join(sorted(source_ids))
                hint = did_you_mean(unknown[0], sorted(source_ids))
                problems.append(
                    Problem(
                        catalog.path,
                        f'unknown source "{unknown[0]}"{hint} (known: {known})',
                        entry=entry,
                        field=f"{field}.source",
                    )
                )
                continue
            if not any(series.measure in measures.get(s, []) for s in series.sources):
                there = sorted({m for s in series.sources for m in measures.get(s, [])})
                hint = did_you_mean(series.measure, there)
                problems.append(
                    Problem(
                        catalog.path,
                        f"no measure {quoted(series.measure)} in its source(s){hint} "
                        f"(measures there: {'; '.join(there)})",
                        entry=entry,
                        field=f"{field}.measure",
                    )
                )
                continue
            found = keys[series.measure]
            matched = pl.DataFrame(
                [k for k in found.iter_rows() if _selects(series, None, k)],
                schema=found.schema,
                orient="row",
            )
            if matched.is_empty():
                offered = keys[series.measure].filter(pl.col("source").is_in(series.sources))
                reasons = _unmatched(series, offered) or [
                    "no row has this combination of sex, nationality and category"
                ]
                problems.append(
                    Problem(
                        catalog.path,
                        f"matches no observation: {'; '.join(reasons)} (the values of each "
                        "measure: `python -m etl inspect FILE`)",
                        entry=entry,
                        field=field,
                    )
                )
            elif twice := _total_and_part(matched):
                problems.append(
                    Problem(
                        catalog.path,
                        f"adds a total to its own parts ({twice[0]} and {twice[1]}), so counts "
                        "them twice: select the total row, or only the parts",
                        entry=entry,
                        field=field,
                    )
                )
    return problems


def _unmatched(series: Series, offered: pl.DataFrame) -> list[str]:
    """Each filter value the measure does not have in the series' sources, with the nearest
    value it does have (a category value is matched part by part, see `_selects`)."""
    reasons = []
    for column in ("sex", "nationality", "category"):
        wanted = _values(getattr(series, column))
        if wanted is None:
            continue
        present = offered[column].drop_nulls().unique().sort().to_list()
        if column == "category":
            present = sorted({part for value in present for part in value.split(" | ")})
            wanted = [part for value in wanted for part in value.split(" | ")]
        if not present:
            reasons.append(f"the measure has no {column} here; leave {column} out")
            continue
        default = " (the default)" if column not in series.model_fields_set else ""
        # The suggestion comes first, so the list may be cut.
        shown = ", ".join(quoted(v) for v in present[:SHOWN_VALUES])
        shown += ", …" if len(present) > SHOWN_VALUES else ""
        reasons += [
            f"{column} {quoted(value)}{default} is not in the data{did_you_mean(value, present)} "
            f'(values there: {shown}; "*" for all)'
            for value in dict.fromkeys(wanted)
            if value not in present
        ]
    return reasons


def _total_and_part(keys: pl.DataFrame) -> tuple[str, str] | None:
    """A matched breakdown that is the total of another matched one, both described.

    A total has `insgesamt` in place of a part's sex, nationality or category value
    ("Fachbereich: insgesamt" for "Fachbereich: Soziales"), as the staff report's totals are
    stored (etl/disclosure.py).
    """
    rows = set(keys.select("source", "sex", "nationality", "category").iter_rows())
    for source, sex, nationality, category in sorted(rows, key=str):
        parts = [p.split(": ", 1) for p in category.split(" | ")] if category else []
        if any(len(p) != 2 for p in parts):
            parts = []  # a category without labels: only sex and nationality can be totals
        coords = [sex, nationality, *(value for _, value in parts)]
        for mask in itertools.product((False, True), repeat=len(coords)):
            total = [TOTAL if m else c for m, c in zip(mask, coords, strict=True)]
            if total == coords:
                continue
            labelled = zip((label for label, _ in parts), total[2:], strict=True)
            joined = " | ".join(f"{label}: {value}" for label, value in labelled) or category
            if (source, total[0], total[1], joined) in rows:
                return _described(total[0], total[1], joined), _described(
                    sex, nationality, category
                )
    return None


def _described(sex: str, nationality: str, category: str | None) -> str:
    return f'sex "{sex}", nationality "{nationality}", category "{category or ""}"'


def compute_all(
    catalog: Catalog, con: duckdb.DuckDBPyConnection, offered: pl.DataFrame
) -> pl.DataFrame:
    """indicator_values for every indicator: the series summed set-based in DuckDB, in one query
    over `observations`; the formulas applied to that small result, once per distinct formula
    (indicators with the same formula over the same series names are evaluated together).

    `offered` are the distinct breakdowns of the observations (stage.keys): each series is
    resolved against them once, in Python, into the exact keys it selects, so the query joins on
    plain equality and the filter rules live in one place (`_selects`).
    """
    spec, regions = _spec(catalog, offered)
    if spec.is_empty():
        return pl.DataFrame(schema=VALUE_SCHEMA)
    con.register("series_spec", spec.to_arrow())
    con.register("indicator_regions", regions.to_arrow())
    try:
        summed = con.sql(_SUMMED).pl()
    finally:
        con.unregister("series_spec")
        con.unregister("indicator_regions")
    alike: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for indicator in catalog.indicators:
        key = (indicator.formula, tuple(indicator.series))
        alike.setdefault(key, []).append(indicator.id)
    formulas = {i.formula: catalog.formula_of(i) for i in catalog.indicators}
    frames = [
        _evaluate(summed.filter(pl.col("indicator_id").is_in(ids)), list(names), formulas[text])
        for (text, names), ids in alike.items()
    ]
    position = {ind.id: i for i, ind in enumerate(catalog.indicators)}
    return (
        pl.concat(frames)
        .with_columns(pl.col("indicator_id").replace_strict(position).alias("position"))
        .sort("position", "region_code", "sex", "period")
        .drop("position")
    )


def compute_frame(catalog: Catalog, observations: pl.DataFrame) -> pl.DataFrame:
    """compute_all over observations in a frame (tidy schema): for tests and small tools."""
    con = duckdb.connect()
    try:
        rows = observations.rename({"source": "source_id"})
        con.register("observations", rows.to_arrow())
        offered = con.sql(
            "SELECT DISTINCT source_id AS source, measure, sex, nationality, category "
            "FROM observations"
        ).pl()
        return compute_all(catalog, con, offered)
    finally:
        con.close()


# Per indicator, sex variant, series, region and period: the sum over the selected rows of the
# most preferred source that has the period (sources are listed in order of preference, so an
# official figure and a sample one are never added up). A sum over published cells is known
# only when every cell is; the flag is that of the first unknown cell in the file.
_SUMMED = """
WITH wanted AS (
    SELECT DISTINCT coalesce(s.fixed_region, r.region_code) AS region_code
    FROM series_spec s JOIN indicator_regions r USING (indicator_id)
),
near AS (
    SELECT o.* FROM observations o
    WHERE o.region_code IN (SELECT region_code FROM wanted)
      AND o.measure IN (SELECT DISTINCT measure FROM series_spec)
),
matched AS (
    SELECT s.indicator_id, s.sex, s.series, r.region_code, o.period, s.priority,
           o.source_id, o.line,
           CASE WHEN s.dash_as_zero AND o.flag = '-' THEN 0.0 ELSE o.value END AS value,
           CASE WHEN s.dash_as_zero AND o.flag = '-' THEN NULL ELSE o.flag END AS flag
    FROM series_spec s
    JOIN indicator_regions r USING (indicator_id)
    JOIN near o
      ON o.source_id = s.source_id AND o.measure = s.measure
     AND o.sex IS NOT DISTINCT FROM s.observed_sex
     AND o.nationality IS NOT DISTINCT FROM s.nationality
     AND o.category IS NOT DISTINCT FROM s.category
     AND o.region_code = coalesce(s.fixed_region, r.region_code)
),
preferred AS (
    SELECT *, min(priority) OVER (
        PARTITION BY indicator_id, sex, series, region_code, period
    ) AS best
    FROM matched
)
SELECT indicator_id, sex, series, region_code, period::INTEGER AS period,
       CASE WHEN count(value) = count(*) THEN sum(value) END AS value,
       first(flag ORDER BY line NULLS LAST, flag) FILTER (WHERE value IS NULL) AS flag,
       list_sort(list_distinct(list(source_id))) AS sources
FROM preferred
WHERE priority = best
GROUP BY ALL
"""

_SPEC_SCHEMA = {
    "indicator_id": pl.String,
    "sex": pl.String,
    "series": pl.String,
    "source_id": pl.String,
    "priority": pl.Int32,
    "measure": pl.String,
    "observed_sex": pl.String,
    "nationality": pl.String,
    "category": pl.String,
    "dash_as_zero": pl.Boolean,
    "fixed_region": pl.String,
}


def _spec(catalog: Catalog, offered: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per indicator, sex variant, series and observed breakdown it selects; and the
    regions each indicator is computed for."""
    by_measure: dict[str, list[tuple]] = {}
    for source, measure, sex, nationality, category in offered.iter_rows():
        by_measure.setdefault(measure, []).append((source, sex, nationality, category))
    rows, regions = [], []
    for indicator in catalog.indicators:
        regions += [(indicator.id, code) for code in catalog.regions_of(indicator)]
        for sex in (TOTAL, *SEXES) if indicator.by_sex else (TOTAL,):
            for name, series in indicator.series.items():
                priority = {source: i for i, source in enumerate(series.sources)}
                for key in by_measure.get(series.measure, []):
                    if _selects(series, None if sex == TOTAL else sex, key):
                        rows.append(
                            (
                                indicator.id,
                                sex,
                                name,
                                key[0],
                                priority[key[0]],
                                series.measure,
                                *key[1:],
                                series.dash_as_zero,
                                series.region,
                            )
                        )
    return (
        pl.DataFrame(rows, schema=_SPEC_SCHEMA, orient="row"),
        pl.DataFrame(regions, schema=["indicator_id", "region_code"], orient="row"),
    )


def _selects(series: Series, sex: str | None, key: tuple) -> bool:
    """Whether the series selects the observed breakdown (source, sex, nationality, category);
    `sex` replaces a total or "*" where a breakdown by sex is computed.

    A category matches a wanted value when it has every " | " part of it, in any order:
    "Entgeltgruppe: E13/A13 und höher" matches "Fachbereich: Schule | Entgeltgruppe: E13/A13 und
    höher"; "Gremienart: Lenkungsgruppe | Migrationshintergrund: ja" needs both. A list of
    wanted values matches any of them.
    """
    source, observed_sex, nationality, category = key
    wanted_sex: str | tuple[str, ...] = series.sex
    if sex is not None and series.sex in (TOTAL, ANY):
        wanted_sex = sex
    if source not in series.sources:
        return False
    for wanted, observed in ((wanted_sex, observed_sex), (series.nationality, nationality)):
        values = _values(wanted)
        if values is not None and observed not in values:
            return False
    values = _values(series.category)
    if values is None:
        return True
    if category is None:
        return False
    parts = set(category.split(" | "))
    return any(set(value.split(" | ")) <= parts for value in values)


def _values(wanted: str | tuple[str, ...]) -> list[str] | None:
    values = [wanted] if isinstance(wanted, str) else list(wanted)
    return None if ANY in values else values


def _evaluate(rows: pl.DataFrame, names: list[str], parsed: formula_module.Formula) -> pl.DataFrame:
    """The formula over the summed series of indicators that share it: a row per indicator,
    sex, region and period."""
    if rows.is_empty():
        return pl.DataFrame(schema=VALUE_SCHEMA)
    wide = rows.pivot(
        on="series",
        index=["indicator_id", "sex", "region_code", "period"],
        values=["value", "flag", "sources"],
        aggregate_function=None,
    )
    absent = [n for n in names if f"value_{n}" not in wide.columns]
    wide = wide.with_columns(
        column
        for n in absent
        for column in (
            pl.lit(None, pl.Float64).alias(f"value_{n}"),
            pl.lit(None, pl.String).alias(f"flag_{n}"),
            pl.lit(None, pl.List(pl.String)).alias(f"sources_{n}"),
        )
    )
    columns = wide.rename({f"value_{n}": n for n in names})
    ratio = parsed.parts()
    numerator, denominator = (
        (pl.col(ratio[0]), pl.col(ratio[1]))
        if ratio
        else (pl.lit(None, pl.Float64), pl.lit(None, pl.Float64))
    )
    missing = [
        pl.when(pl.col(n).is_null()).then(
            pl.when(pl.col(f"flag_{n}").is_not_null())
            .then(pl.lit(f"{n}: ") + pl.col(f"flag_{n}"))
            .otherwise(pl.lit(f"{n} fehlt"))
        )
        for n in names
    ]
    result = columns.with_columns(
        parsed.expression().alias("raw"),
        numerator.alias("numerator"),
        denominator.alias("denominator"),
        pl.concat_str(missing, separator="; ", ignore_nulls=True).alias("missing"),
        pl.concat_list(
            pl.struct(
                pl.lit(n).alias("series"),
                pl.col(n).alias("value"),
                pl.col(f"flag_{n}").alias("flag"),
            )
            for n in names
        ).alias("inputs"),
        pl.concat_list(pl.col(f"sources_{n}").fill_null([]) for n in names)
        .list.unique()
        .list.sort()
        .alias("sources"),
    )
    finite = pl.col("raw").is_finite().fill_null(False)
    return result.select(
        "indicator_id",
        "region_code",
        pl.col("period").cast(pl.Int32),
        "sex",
        pl.when(finite).then(pl.col("raw")).alias("value"),
        "numerator",
        "denominator",
        pl.when(pl.col("missing") != "")
        .then(pl.col("missing"))
        .when(pl.col("raw").is_not_null() & ~finite)
        .then(pl.lit("Division durch 0"))
        .alias("flag"),
        "inputs",
        "sources",
    )
