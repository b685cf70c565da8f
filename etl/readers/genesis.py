"""Classic GENESIS-Online / Regionalstatistik CSV ("GENESIS-Tabelle: <code>" on line 1).

Layout, as published: title lines; a column header over several rows whose first cells are empty
(one empty cell per key column), the last row often the units; data rows
`time;key;name[;more keys];values…`; the footer from the line `__________` on, whose quoted
footnotes span many lines. Only the data block between header and footer goes to the CSV parser
(polars); Python looks at the handful of header lines, and at single lines only to explain an error.
Both split lines by the one rule of `_common` and the data block is parsed without quote
handling (no published data row has a quote), so every line of the block is one row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from etl.errors import Problem, SourceFileError, quoted
from etl.readers._common import (
    NATIONALITY_LABELS,
    REGION_CODE,
    SEX_LABELS,
    TOTAL,
    bad_value_error,
    display_name,
    finish,
    normalise_nationality,
    normalise_sex,
    parse_time,
    parse_values,
    read_csv_lines,
    read_text,
)

_DATA_ROW = re.compile(r"^(?:[0-9]{4}|[0-9]{2}\.[0-9]{2}\.[0-9]{4});")
_FOOTER = re.compile(r"^_{3,}[ \t]*$", re.MULTILINE)
_UNIT_IN_TITLE = re.compile(r"\(([^()]+)\)\s*;*\s*$")
# How far down a header may reach before we give up looking for the first data row.
_MAX_HEADER_LINES = 200

KNOWN_UNITS = frozenset(
    {
        "Anzahl",
        "Personen",
        "EUR",
        "Tsd. EUR",
        "Mill. EUR",
        "Mrd. EUR",
        "%",
        "Prozent",
        "Tsd.",
        "1000",
        "ha",
        "km²",
        "qkm",
        "t",
        "Tsd. t",
        "Jahre",
        "Stunden",
        "Tage",
        "Vollzeitäquivalente",
        "je 1000 Einwohner",
        "je 10000 Einwohner",
    }
)

# GENESIS tables by Land name only carry the name; the Länder codes are fixed by law.
LAND_CODES = {
    "Deutschland": "DG",
    "Schleswig-Holstein": "01",
    "Hamburg": "02",
    "Niedersachsen": "03",
    "Bremen": "04",
    "Nordrhein-Westfalen": "05",
    "Hessen": "06",
    "Rheinland-Pfalz": "07",
    "Baden-Württemberg": "08",
    "Bayern": "09",
    "Saarland": "10",
    "Berlin": "11",
    "Brandenburg": "12",
    "Mecklenburg-Vorpommern": "13",
    "Sachsen": "14",
    "Sachsen-Anhalt": "15",
    "Thüringen": "16",
}


@dataclass(frozen=True)
class Layout:
    """What the header says: the table code, key columns, and per value column measure and unit."""

    table_code: str
    n_keys: int
    measures: list[str]
    units: list[str | None]
    data_line: int  # 1-based line number of the first data row
    encoding: str


def read(path: Path, source: str | None = None) -> pl.DataFrame:
    """Read one classic GENESIS CSV file into the tidy frame (see `_common.TIDY_SCHEMA`)."""
    file = display_name(path)
    text, encoding = read_text(path)
    source = source or path.stem

    # The header is in the first lines; the last piece of the split is the rest of the file.
    lines_head = text.split("\n", _MAX_HEADER_LINES)[:_MAX_HEADER_LINES]
    layout = _layout(lines_head, file, encoding)
    start = sum(len(line) + 1 for line in lines_head[: layout.data_line - 1])
    footer = _FOOTER.search(text, start)
    if footer is None:
        raise SourceFileError.one(
            file,
            "no footer line '__________' found: the file looks truncated "
            "(a published table ends with footnotes after such a line)",
        )
    block = text[start : footer.start()]
    width = layout.n_keys + len(layout.measures)
    rows = _parse_block(block, width, file, layout.data_line)
    return _tidy(rows, layout, file, source)


def table_code(path: Path) -> str | None:
    """The table code from line 1, for `inspect` and for checking a manifest entry."""
    text, _ = read_text(path)
    first = text.split("\n", 1)[0].strip().rstrip(";")
    match = re.match(r"GENESIS-Tabelle:\s*(\S+)", first)
    return match.group(1) if match else None


def _layout(head: list[str], file: str, encoding: str) -> Layout:
    if not head or not head[0].startswith("GENESIS-Tabelle:"):
        shown = quoted(head[0] if head else "", limit=60)
        raise SourceFileError.one(
            file,
            f'line 1 is {shown}; expected "GENESIS-Tabelle: <table code>" as published by '
            "GENESIS-Online or the Regionalstatistik",
            line=1,
        )
    code = head[0].removeprefix("GENESIS-Tabelle:").strip().rstrip(";").strip()
    data_idx = next((i for i, line in enumerate(head) if _DATA_ROW.match(line)), None)
    if data_idx is None:
        if any(";" not in line for line in head[1:3]) and any("," in line for line in head[1:3]):
            hint = "; the separator looks like ',' — GENESIS tables are separated by ';'"
        else:
            hint = ""
        raise SourceFileError.one(
            file,
            "no data row found in the first lines: expected rows starting with a year (2015) "
            f"or a date (30.06.2015) followed by ';'{hint}",
        )
    header_rows: list[list[str]] = []
    i = data_idx - 1
    while i > 0 and head[i].startswith(";"):
        header_rows.insert(0, head[i].split(";"))
        i -= 1
    if not header_rows:
        raise SourceFileError.one(
            file,
            "no column header above the first data row: expected header rows starting with ';'",
            line=data_idx + 1,
        )
    for n, title in enumerate(head[1 : i + 1], start=2):
        # A title fills its first cell only; a line with more is a header row whose first cell
        # is not empty, and reading it as a title would turn a value column into a key.
        if any(cell.strip() for cell in title.split(";")[1:]):
            raise SourceFileError.one(
                file,
                "a line between the title and the data rows has text after its first cell, yet "
                "does not start with ';': expected a title in the first cell only, or a header "
                "row with its first cell empty",
                line=n,
            )
    width = len(head[data_idx].split(";"))
    for offset, row in enumerate(header_rows):
        if len(row) != width:
            raise SourceFileError.one(
                file,
                f"the column header has {len(row)} fields but the first data row has {width}",
                line=data_idx - len(header_rows) + offset + 1,
            )
    n_keys = min(_leading_empty(row) for row in header_rows)
    if n_keys < 2 or n_keys >= width:
        raise SourceFileError.one(
            file,
            f"the column header leaves {n_keys} key columns; expected at least time and region "
            "before the value columns",
            line=data_idx - len(header_rows) + 1,
        )
    label_rows, units = _units(header_rows, n_keys, head[1 : i + 1])
    measures = [_label([row[c] for row in label_rows]) for c in range(n_keys, width)]
    for c, measure in enumerate(measures):
        if not measure:
            raise SourceFileError.one(
                file,
                "a value column has no label in the header",
                line=data_idx,
                column=str(n_keys + c + 1),
            )
    return Layout(code, n_keys, measures, units, data_idx + 1, encoding)


def _leading_empty(row: list[str]) -> int:
    n = 0
    for cell in row:
        if cell.strip():
            break
        n += 1
    return n


def _units(
    header_rows: list[list[str]], n_keys: int, title_lines: list[str]
) -> tuple[list[list[str]], list[str | None]]:
    """The units from the last header row where it holds them, else from a title "(Anzahl)"."""
    last = [cell.strip() for cell in header_rows[-1][n_keys:]]
    if len(header_rows) > 1 and all(cell in KNOWN_UNITS for cell in last if cell) and any(last):
        return header_rows[:-1], [cell or None for cell in last]
    unit = None
    for title in title_lines:
        match = _UNIT_IN_TITLE.search(title)
        if match and match.group(1).strip() in KNOWN_UNITS:
            unit = match.group(1).strip()
    return header_rows, [unit] * len(last)


def _label(levels: list[str]) -> str:
    """A measure's label: its non-empty header levels, top down, repeats dropped."""
    parts: list[str] = []
    for level in (cell.strip() for cell in levels):
        if level and (not parts or parts[-1] != level):
            parts.append(level)
    return " / ".join(parts)


def _parse_block(block: str, width: int, file: str, first_line: int) -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {f"c{i}": pl.String() for i in range(width)}
    rows = read_csv_lines(block, file, schema, first_line, quotes=False)
    short = rows.filter(pl.any_horizontal(pl.col(f"c{i}").is_null() for i in range(width)))
    if short.height:
        line = int(short["line"][0])
        fields = block.split("\n")[line - first_line].split(";")
        if len(fields) != width:
            raise SourceFileError.one(
                file, f"expected {width} fields separated by ';', found {len(fields)}", line=line
            )
        empty_keys = [i for i, cell in enumerate(fields) if not cell.strip()]
        # An empty value cell is reported by the value check with its column label.
        rows = rows.with_columns(pl.col(f"c{i}").fill_null("") for i in range(width))
        if empty_keys and empty_keys[0] < 2:
            raise SourceFileError.one(
                file,
                "empty key cell: expected time and region",
                line=line,
                column=str(empty_keys[0] + 1),
            )
    return rows


def _tidy(rows: pl.DataFrame, layout: Layout, file: str, source: str) -> pl.DataFrame:
    keys = [f"c{i}" for i in range(layout.n_keys)]
    values = [f"c{i}" for i in range(layout.n_keys, layout.n_keys + len(layout.measures))]
    roles = _key_roles(rows, keys)

    period, reference_date = parse_time(pl.col("c0"))
    key_frame = rows.select(
        "line",
        *keys,
        period,
        reference_date,
    )
    bad_time = key_frame.filter(pl.col("period").is_null())
    if bad_time.height:
        raise SourceFileError.one(
            file,
            f"time {quoted(bad_time['c0'][0])} is not a year (2015) or a date (30.06.2015)",
            line=int(bad_time["line"][0]),
            column="1",
        )

    measure_of = dict(zip(values, layout.measures, strict=True))
    unit_of = dict(zip(values, layout.units, strict=True))
    long = rows.unpivot(index=["line", *keys], on=values, variable_name="col", value_name="cell")
    value, flag, bad = parse_values(pl.col("cell"))
    long = long.with_columns(value, flag, bad)
    wrong = long.filter(pl.col("bad")).sort("line", "col")
    if wrong.height:
        problems: list[Problem] = []
        for row in wrong.head(5).iter_rows(named=True):
            col = int(row["col"][1:]) + 1
            err = bad_value_error(
                file, row["line"], f"{col} ({quoted(measure_of[row['col']])})", row["cell"]
            )
            problems.extend(err.problems)
        if wrong.height > 5:
            problems.append(Problem(file, f"… and {wrong.height - 5} more cells like these"))
        raise SourceFileError(problems)

    region_code, region_name = _region(roles)
    sex = normalise_sex(pl.col(roles["sex"])) if "sex" in roles else pl.lit(TOTAL)
    nationality = (
        normalise_nationality(pl.col(roles["nationality"]))
        if "nationality" in roles
        else pl.lit(TOTAL)
    )
    category = (
        pl.concat_str([pl.col(c).str.strip_chars() for c in roles["category"]], separator=" | ")
        if roles.get("category")
        else pl.lit(None, pl.String)
    )
    tidy = long.join(
        key_frame.select("line", "period", "reference_date"), on="line", how="left"
    ).select(
        pl.lit(source).alias("source"),
        pl.col("col").replace_strict(measure_of).alias("measure"),
        pl.col("col").replace_strict(unit_of, return_dtype=pl.String).alias("unit"),
        region_code.alias("region_code"),
        region_name.alias("region_name"),
        "period",
        "reference_date",
        sex.alias("sex"),
        nationality.alias("nationality"),
        category.alias("category"),
        "value",
        "flag",
        "line",
        pl.col("col").str.slice(1).cast(pl.Int32).alias("col_index"),
    )
    # Published order: row by row, value columns left to right.
    return finish(tidy.sort("line", "col_index"), source)


def _key_roles(rows: pl.DataFrame, keys: list[str]) -> dict:
    """Which key column is the region code, the name, sex, nationality or another category."""
    roles: dict = {"category": []}
    rest = keys[1:]
    first = rows[rest[0]].str.strip_chars()
    if len(rest) >= 2 and first.str.contains(REGION_CODE).all():
        roles["code"], roles["name"] = rest[0], rest[1]
        rest = rest[2:]
    else:
        roles["name"] = rest[0]
        rest = rest[1:]
    for col in rest:
        labels = set(rows[col].str.strip_chars().str.to_lowercase().unique().to_list())
        if labels <= SEX_LABELS and "sex" not in roles:
            roles["sex"] = col
        elif labels <= NATIONALITY_LABELS and "nationality" not in roles:
            roles["nationality"] = col
        else:
            roles["category"].append(col)
    return roles


def _region(roles: dict) -> tuple[pl.Expr, pl.Expr]:
    name = pl.col(roles["name"]).str.strip_chars()
    if "code" in roles:
        return pl.col(roles["code"]).str.strip_chars(), name
    return name.replace_strict(LAND_CODES, default=None, return_dtype=pl.String), name
