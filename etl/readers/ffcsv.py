"""Flat-file CSV ("ffcsv") of GENESIS-Online and the Regionalstatistik API, plain or in its ZIP.

One row per value: `statistics_code;…;time;1_variable_code;1_variable_label;
1_variable_attribute_code;1_variable_attribute_label;…;value;value_unit;value_variable_code;
value_variable_label` (and `value_q` where quality flags were asked for). Which variable is the
region, the sex or the nationality is read from each row's variable code, because one variable
may mix regional levels (Germany, Länder, Kreise) from row to row.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import polars as pl

from etl.errors import Problem, SourceFileError
from etl.readers._common import (
    TOTAL,
    bad_value_error,
    decode,
    display_name,
    finish,
    normalise_nationality,
    normalise_sex,
    parse_time,
    parse_values,
    read_table,
    read_text,
)

REGION_LEVELS = ("DINSG", "DLAND", "REGBEZ", "KREISE", "GEMEIN")
SEX_CODE = "GES"
NATIONALITY_PREFIX = "NAT"
REQUIRED = (
    "statistics_code",
    "time_code",
    "time",
    "value",
    "value_unit",
    "value_variable_code",
    "value_variable_label",
)
_VARIABLE = re.compile(r"^(\d+)_variable_code$")


def header(n_variables: int) -> str:
    """The header line of a flat file with `n_variables` variables, as the API writes it.

    >>> header(1).split(";")[4:7]
    ['time', '1_variable_code', '1_variable_label']
    >>> header(2).count("_variable_code"), header(2).endswith("value_variable_label")
    (3, True)
    """
    variables = [
        f"{i}_variable_{part}"
        for i in range(1, n_variables + 1)
        for part in ("code", "label", "attribute_code", "attribute_label")
    ]
    return ";".join(
        [
            "statistics_code",
            "statistics_label",
            "time_code",
            "time_label",
            "time",
            *variables,
            "value",
            "value_unit",
            "value_variable_code",
            "value_variable_label",
        ]
    )


def read(path: Path, source: str | None = None) -> pl.DataFrame:
    """Read one ffcsv file (or the ZIP it is delivered in) into the tidy frame."""
    file = display_name(path)
    text = _text(path, file)
    source = source or path.stem
    rows = read_table(text, file)
    missing = [c for c in REQUIRED if c not in rows.columns]
    if missing:
        sep_hint = (
            "; the header has no ';' — ffcsv is separated by ';'" if len(rows.columns) == 1 else ""
        )
        raise SourceFileError.one(
            file,
            f"not a flat-file CSV (ffcsv): missing column(s) {', '.join(missing)}{sep_hint}",
            line=1,
        )
    variables = sorted(int(m.group(1)) for c in rows.columns if (m := _VARIABLE.match(c)))
    for i in variables:
        for part in ("label", "attribute_code", "attribute_label"):
            if f"{i}_variable_{part}" not in rows.columns:
                raise SourceFileError.one(
                    file, f"missing column {i}_variable_{part} beside {i}_variable_code", line=1
                )
    return _tidy(rows, variables, file, source)


def _text(path: Path, file: str) -> str:
    if path.suffix.lower() != ".zip":
        return read_text(path)[0]
    try:
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if len(members) != 1:
                raise SourceFileError.one(
                    file, f"expected one .csv file inside the ZIP, found {len(members)}"
                )
            data = archive.read(members[0])
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceFileError.one(file, f"not a readable ZIP archive ({exc})") from None
    return decode(data, f"{file}!{members[0]}")[0]


def _tidy(rows: pl.DataFrame, variables: list[int], file: str, source: str) -> pl.DataFrame:
    def var(i: int, part: str) -> pl.Expr:
        return pl.col(f"{i}_variable_{part}")

    def pick(is_role, part: str) -> pl.Expr:
        return pl.coalesce(
            *(pl.when(is_role(var(i, "code"))).then(var(i, part)) for i in variables),
            pl.lit(None, pl.String),
        )

    def is_region(code: pl.Expr) -> pl.Expr:
        return code.is_in(REGION_LEVELS)

    def is_sex(code: pl.Expr) -> pl.Expr:
        return code == SEX_CODE

    def is_nationality(code: pl.Expr) -> pl.Expr:
        return code.str.starts_with(NATIONALITY_PREFIX)

    def is_other(code: pl.Expr) -> pl.Expr:
        return ~(is_region(code) | is_sex(code) | is_nationality(code))

    others = [
        pl.when(is_other(var(i, "code"))).then(
            pl.concat_str(var(i, "label"), pl.lit(": "), var(i, "attribute_label"))
        )
        for i in variables
    ]
    value, flag, bad = parse_values(pl.col("value"))
    if "value_q" in rows.columns:
        quality = pl.col("value_q").str.strip_chars()
        flag = pl.coalesce(flag, pl.when(quality != "").then(quality)).alias("flag")
    period, reference_date = parse_time(pl.col("time"))
    tidy = rows.select(
        "line",
        pl.col("value").alias("cell"),
        pl.col("time").alias("time_cell"),
        bad,
        pl.lit(source).alias("source"),
        pl.col("value_variable_label").str.strip_chars().alias("measure"),
        pl.col("value_unit").str.strip_chars().alias("unit"),
        pick(is_region, "attribute_code").str.strip_chars().alias("region_code"),
        pick(is_region, "attribute_label").str.strip_chars().alias("region_name"),
        period,
        reference_date,
        normalise_sex(pick(is_sex, "attribute_label")).alias("sex")
        if variables
        else pl.lit(TOTAL).alias("sex"),
        normalise_nationality(pick(is_nationality, "attribute_label")).alias("nationality")
        if variables
        else pl.lit(TOTAL).alias("nationality"),
        (pl.concat_str(others, separator=" | ", ignore_nulls=True) if others else pl.lit(""))
        .replace("", None)
        .alias("category"),
        value,
        flag,
    )
    _raise_bad_cells(tidy, file)
    return finish(tidy.sort("line"), source)


def _raise_bad_cells(tidy: pl.DataFrame, file: str) -> None:
    problems: list[Problem] = []
    bad_time = tidy.filter(pl.col("period").is_null())
    for row in bad_time.head(5).iter_rows(named=True):
        problems.append(
            Problem(
                file,
                f'time "{row["time_cell"]}" is not a year (2024), a date (2024-12-31) '
                "or a semester code (2023-10P6M)",
                line=row["line"],
                column='"time"',
            )
        )
    wrong = tidy.filter(pl.col("bad"))
    for row in wrong.head(5).iter_rows(named=True):
        problems.extend(bad_value_error(file, row["line"], '"value"', row["cell"]).problems)
    if wrong.height > 5:
        problems.append(Problem(file, f"… and {wrong.height - 5} more values like these"))
    no_region = tidy.filter(pl.col("region_code").is_null())
    if no_region.height:
        problems.append(
            Problem(
                file,
                "no regional variable (one of " + ", ".join(REGION_LEVELS) + ") in this row",
                line=int(no_region["line"][0]),
            )
        )
    if problems:
        raise SourceFileError(problems)
