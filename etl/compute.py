"""Observations → indicator values: each series filtered and summed, then the formula applied.

Nothing is filled in: a period where an input is missing gets a null value and a flag that
names the input and why ("einwohner fehlt", "auslaendisch: ."). A sum over published cells is
only known when every cell is; "-" counts as zero only where the series says `dash_as_zero`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import polars as pl

from etl import formula as formula_module
from etl.catalog import ANY, Catalog, Indicator, Series
from etl.errors import Problem, did_you_mean, quoted
from etl.readers._common import TOTAL

SEXES = ("männlich", "weiblich")
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
Parts = Mapping[str, pl.DataFrame]
# How many of a measure's sex, nationality or category values a problem lists.
SHOWN_VALUES = 12


def partition(observations: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Observations split once by measure, so that each series filters one small frame."""
    return {
        measure: frame
        for (measure,), frame in observations.partition_by("measure", as_dict=True).items()
    }


def check_series(catalog: Catalog, parts: Parts, source_ids: set[str]) -> list[Problem]:
    """Every series must name a known source and measure and match at least one observation."""
    problems: list[Problem] = []
    # The distinct breakdowns per measure are few; whether a filter matches anything is decided
    # on them rather than on every observation.
    keys = {
        measure: frame.select("source", "sex", "nationality", "category").unique()
        for measure, frame in parts.items()
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
            matched = keys[series.measure].filter(*_conditions(series, None, None))
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
    value it does have (a category value is matched part by part, see `_match_category`)."""
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


def compute_all(catalog: Catalog, parts: Parts) -> pl.DataFrame:
    # Indicators need a few regions of data sets that may hold thousands: cut every measure to
    # those once, instead of filtering the whole frame again for every series.
    needed = {code for ind in catalog.indicators for code in catalog.regions_of(ind)}
    needed |= {s.region for ind in catalog.indicators for s in ind.series.values() if s.region}
    small = {m: f.filter(pl.col("region_code").is_in(list(needed))) for m, f in parts.items()}
    frames = [compute(ind, catalog, small) for ind in catalog.indicators]
    return pl.concat(frames) if frames else pl.DataFrame(schema=VALUE_SCHEMA)


def compute(indicator: Indicator, catalog: Catalog, parts: Parts) -> pl.DataFrame:
    """indicator_values rows for one indicator: per region and period, and per sex if asked."""
    regions = catalog.regions_of(indicator)
    parsed = formula_module.parse(indicator.formula, set(indicator.series))
    sexes = (TOTAL, *SEXES) if indicator.by_sex else (TOTAL,)
    frames = []
    for sex in sexes:
        inputs = _inputs(indicator, parts, regions, None if sex == TOTAL else sex)
        if inputs is None:
            continue
        frames.append(_evaluate(inputs, indicator, parsed, sex))
    if not frames:
        return pl.DataFrame(schema=VALUE_SCHEMA)
    return pl.concat(frames).select(VALUE_SCHEMA.keys()).sort("region_code", "sex", "period")


def _inputs(
    indicator: Indicator, parts: Parts, regions: tuple[str, ...], sex: str | None
) -> pl.DataFrame | None:
    """One row per region and period, with value_<series> and flag_<series> for every series."""
    joined: pl.DataFrame | None = None
    for name, series in indicator.series.items():
        summed = _summed(series, parts, regions, sex).rename(
            {"value": f"value_{name}", "flag": f"flag_{name}", "sources": f"sources_{name}"}
        )
        joined = (
            summed
            if joined is None
            else joined.join(summed, on=["region_code", "period"], how="full", coalesce=True)
        )
    if joined is None or joined.is_empty():
        return None
    return joined


def _summed(
    series: Series, parts: Parts, regions: tuple[str, ...], sex: str | None
) -> pl.DataFrame:
    rows = _rows(series, parts, regions=(series.region,) if series.region else regions, sex=sex)
    if series.dash_as_zero:
        dash = pl.col("flag") == "-"
        rows = rows.with_columns(
            pl.when(dash).then(0.0).otherwise(pl.col("value")).alias("value"),
            pl.when(dash).then(None).otherwise(pl.col("flag")).alias("flag"),
        )
    # Sources are listed in order of preference: per region and period the first one that has
    # the period wins, so an official figure and a sample one are never added up.
    rows = rows.filter(pl.col("priority") == pl.col("priority").min().over("region_code", "period"))
    summed = rows.group_by("region_code", "period").agg(
        pl.when(pl.col("value").null_count() == 0).then(pl.col("value").sum()).alias("value"),
        pl.col("flag").filter(pl.col("value").is_null()).first().alias("flag"),
        pl.col("source").unique().sort().alias("sources"),
    )
    if series.region:
        # A fixed region (a benchmark) serves every region the indicator is computed for.
        summed = summed.drop("region_code").join(
            pl.DataFrame({"region_code": list(regions)}), how="cross"
        )
    return summed.select("region_code", "period", "value", "flag", "sources")


def _rows(
    series: Series, parts: Parts, regions: tuple[str, ...] | None, sex: str | None
) -> pl.DataFrame:
    frame = parts.get(series.measure)
    if frame is None:
        return pl.DataFrame(
            schema={
                "region_code": pl.String,
                "period": pl.Int32,
                "value": pl.Float64,
                "flag": pl.String,
                "source": pl.String,
                "priority": pl.Int32,
            }
        )
    order = {source: i for i, source in enumerate(series.sources)}
    return frame.filter(*_conditions(series, regions, sex)).select(
        "region_code",
        "period",
        "value",
        "flag",
        "source",
        pl.col("source").replace_strict(order, return_dtype=pl.Int32).alias("priority"),
    )


def _conditions(series: Series, regions: tuple[str, ...] | None, sex: str | None) -> list[pl.Expr]:
    """The series' filter; `sex` replaces a total or "*" where a breakdown by sex is computed."""
    wanted_sex: str | tuple[str, ...] = series.sex
    if sex is not None and series.sex in (TOTAL, ANY):
        wanted_sex = sex
    conditions = [
        pl.col("source").is_in(list(series.sources)),
        _match("sex", wanted_sex),
        _match("nationality", series.nationality),
        _match_category(series.category),
    ]
    if regions is not None:
        conditions.append(pl.col("region_code").is_in(list(regions)))
    return conditions


def _values(wanted: str | tuple[str, ...]) -> list[str] | None:
    values = [wanted] if isinstance(wanted, str) else list(wanted)
    return None if ANY in values else values


def _match(column: str, wanted: str | tuple[str, ...]) -> pl.Expr:
    values = _values(wanted)
    return pl.lit(True) if values is None else pl.col(column).is_in(values)


def _match_category(wanted: str | tuple[str, ...]) -> pl.Expr:
    """A row matches a wanted value when it has every " | " part of it, in any order.

    "Entgeltgruppe: E13/A13 und höher" matches "Fachbereich: Schule | Entgeltgruppe: E13/A13 und
    höher"; "Gremienart: Lenkungsgruppe | Migrationshintergrund: ja" needs both. A list of
    wanted values matches any of them.
    """
    values = _values(wanted)
    if values is None:
        return pl.lit(True)
    row_parts = pl.col("category").str.split(" | ")
    matches = [
        pl.all_horizontal(row_parts.list.contains(part) for part in value.split(" | "))
        for value in values
    ]
    return pl.any_horizontal(matches).fill_null(False)


def _evaluate(
    inputs: pl.DataFrame, indicator: Indicator, parsed: formula_module.Formula, sex: str
) -> pl.DataFrame:
    names = list(indicator.series)
    columns = inputs.rename({f"value_{n}": n for n in names})
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
    raw = parsed.expression()
    result = columns.with_columns(
        raw.alias("raw"),
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
        pl.lit(indicator.id).alias("indicator_id"),
        "region_code",
        pl.col("period").cast(pl.Int32),
        pl.lit(sex).alias("sex"),
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
