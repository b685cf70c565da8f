"""Classic GENESIS-Online / Regionalstatistik CSV ("GENESIS-Tabelle: <code>" on line 1, or
"Tabelle: <code>" in the newer exports).

Layout, as published: title lines (text in the first cell only); a column header over several
rows whose first cells are empty (one empty cell per key column), the last row often the units;
data rows of key columns, then values; the footer from the line `__________` on, whose quoted
footnotes span many lines. The family varies in where the period stands — the first key column
(`2015`, `31.12.2015`), a line of its own above the header (`30.06.2015;;;`, `Jahr: 2016`) with
rows starting at the region key, or a header row of periods across the value columns — and in
the header rows, some of which only name a dimension (`Nationalität`, `Geschlecht`) above the
row holding its values.

What a column means is read from its content, never from its position alone: the region key
column is the one whose every cell is an official key, the period column the one of years or
dates, and header labels of sex and nationality go to those columns. Where the content does not
tell, the file is refused with the line and the reason: a key read as a region's name is a wrong
read nobody sees.

Only the data block between header and footer goes to the CSV parser (polars); Python looks at
the handful of header lines, and at single lines only to explain an error. Both split lines by
the one rule of `_common` and the data block is parsed without quote handling (no published data
row has a quote), so every line of the block is one row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from etl.errors import Problem, SourceFileError, quoted
from etl.readers._common import (
    DIMENSION_NAMES,
    NATIONALITY_LABELS,
    SEX_LABELS,
    TOTAL,
    TOTAL_LABELS,
    bad_value_error,
    display_name,
    finish,
    nationality_word,
    normalise_nationality,
    normalise_sex,
    parse_time,
    read_csv_lines,
    read_text,
    sex_word,
    with_values,
)

_TABLE = re.compile(r"^(?:GENESIS-)?Tabelle:[ \t]*([^;]*?)[ \t]*(?:;.*)?$")
_PERIOD = r"[0-9]{4}|[0-9]{2}\.[0-9]{2}\.[0-9]{4}"
_PERIOD_CELL = re.compile(rf"^(?:{_PERIOD})$")
# A period on a line of its own: "30.06.2015" or "Jahr: 2016" (a word or two, a colon).
_PERIOD_LINE = rf"^(?:[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß .-]{{0,30}}:[ \t]*)?({_PERIOD})$"
# The official region keys of the Regionalstatistik: DG (Germany), or a Land (01-16) followed by
# nothing (Land), 1 digit (Regierungsbezirk), 3 (Kreis), 5 or 7 (Gemeindeverband), 6 (Gemeinde),
# 8 or 9 (Gemeinde in a Gemeindeverband) or 10 (Regionalschlüssel). Wider than `REGION_CODE`,
# which holds only the levels the catalogue names, and stricter in its first two digits, so a
# key Excel stripped of its leading zero ("3241001") is no key.
KEY = r"^(?:DG|(?:0[1-9]|1[0-6])(?:[0-9]|[0-9]{3}|[0-9]{5,10})?)$"
_KEY = re.compile(KEY)
_KEY_FORMS = "DG, or 2, 3, 5 or 7 to 12 digits starting with a Land 01 to 16"
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
class Column:
    """One value column as its header describes it; sex and nationality in the project's words."""

    measure: str
    unit: str | None
    period: str | None = None  # a period across the columns (`31.12.2015`)
    sex: str | None = None
    nationality: str | None = None


@dataclass(frozen=True)
class Layout:
    """What the lines above the data say: table code, key columns, the value columns."""

    table_code: str
    n_keys: int
    columns: list[Column]
    data_line: int  # 1-based line number of the first data row
    encoding: str
    period: str | None = None  # the period of a line of its own above the data rows
    period_column: bool = False  # the data rows start with their period
    header: list[list[str]] = field(default_factory=list)  # the column header rows, stripped

    @property
    def width(self) -> int:
        return self.n_keys + len(self.columns)

    @property
    def blocks(self) -> bool:
        """The period line is the only period: a later one starts the rows of another."""
        across = any(column.period for column in self.columns)
        return self.period is not None and not self.period_column and not across


@dataclass
class Roles:
    """Which key column holds what."""

    code: str | None = None
    name: str | None = None
    period: str | None = None
    sex: str | None = None
    nationality: str | None = None
    category: list[str] = field(default_factory=list)


def read(path: Path, source: str | None = None) -> pl.DataFrame:
    """Read one classic GENESIS CSV file into the tidy frame (see `_common.TIDY_SCHEMA`)."""
    file = display_name(path)
    text, encoding = read_text(path)
    source = source or path.stem

    # The header is in the first lines; the last piece of the split is the rest of the file.
    lines_head = text.split("\n", _MAX_HEADER_LINES)[:_MAX_HEADER_LINES]
    layout = _layout(lines_head, file, encoding)
    start = sum(len(line) + 1 for line in lines_head[: layout.data_line - 1])
    footer = _footer(text, start)
    if footer is None:
        raise SourceFileError.one(
            file,
            "no footer line '__________' found: the file looks truncated "
            "(a published table ends with footnotes after such a line)",
        )
    block = text[start:footer]
    rows = _parse_block(block, layout, file)
    return _tidy(rows, layout, file, source)


def _footer(text: str, start: int) -> int | None:
    r"""Where the first footer line (`__________`) at or after `start` begins, or None.

    Found with `str.find` at line starts: a regex over a file of many megabytes took a tenth
    of a second per file. `start` is the start of a line.

    >>> _footer("1;2\n__x\n___ \nText", 0), _footer("___\n", 0), _footer("1;2\n", 0)
    (8, 0, None)
    """
    at = start
    if not text.startswith("___", start):
        at = text.find("\n___", start) + 1
        if at == 0:
            return None
    while True:
        end = text.find("\n", at)
        if _FOOTER.match(text, at, len(text) if end < 0 else end):
            return at
        after = text.find("\n___", at)
        if after < 0:
            return None
        at = after + 1


def table_code(path: Path) -> str | None:
    """The table code from line 1, for `inspect` and for checking a manifest entry."""
    text, _ = read_text(path)
    return _table_code(text.split("\n", 1)[0])


def is_classic(first_line: str) -> bool:
    """Whether a file's first line is that of a classic table: `GENESIS-Tabelle:` or `Tabelle:`."""
    return _table_code(first_line) is not None


def _table_code(line: str) -> str | None:
    match = _TABLE.match(line.strip())
    return match.group(1) if match and match.group(1) else None


# --- the lines above the data rows ------------------------------------------------------------


def _layout(head: list[str], file: str, encoding: str) -> Layout:
    code = _table_code(head[0]) if head else None
    if code is None:
        shown = quoted(head[0] if head else "", limit=60)
        raise SourceFileError.one(
            file,
            f'line 1 is {shown}; expected "GENESIS-Tabelle: <table code>" (or "Tabelle: <table '
            'code>" in newer exports) as published by GENESIS-Online or the Regionalstatistik',
            line=1,
        )
    data_idx = next((i for i, line in enumerate(head) if i and _holds_data(line)), None)
    if data_idx is None:
        if any(";" not in line for line in head[1:3]) and any("," in line for line in head[1:3]):
            hint = "; the separator looks like ',' — GENESIS tables are separated by ';'"
        else:
            hint = ""
        raise SourceFileError.one(
            file,
            "no data row found in the first lines: expected rows starting with a year (2015), "
            f"a date (30.06.2015) or a region key (03241001), followed by ';'{hint}",
        )
    _check_row_start(head[data_idx], file, data_idx + 1)

    titles: list[str] = []
    periods: list[tuple[int, str]] = []
    header: list[tuple[int, list[str]]] = []
    for n, line in enumerate(head[1:data_idx], start=2):
        cells = line.split(";")
        more = any(cell.strip() for cell in cells[1:])
        first = cells[0].strip()
        if cells[0] == "" and more:
            header.append((n, cells))
        elif more:
            # A title fills its first cell only; a line with more is a header row whose first
            # cell is not empty, and reading it as a title would turn a value column into a key.
            raise SourceFileError.one(
                file,
                "a line between the title and the data rows has text after its first cell, yet "
                "does not start with ';': expected a title in the first cell only, or a header "
                "row with its first cell empty",
                line=n,
            )
        elif period := re.match(_PERIOD_LINE, first):
            periods.append((n, period.group(1)))
        elif first and header:
            raise SourceFileError.one(
                file,
                f"the title line {quoted(first)} stands between the column header rows: expected "
                "the header rows directly above the data rows",
                line=n,
            )
        elif first:
            titles.append(first)
    if len(periods) > 1:
        (line_a, a), (line_b, b) = periods[:2]
        raise SourceFileError.one(
            file,
            f"two periods on lines of their own above the data rows, {quoted(a)} (line {line_a}) "
            f"and {quoted(b)}: expected one",
            line=line_b,
        )
    if not header:
        raise SourceFileError.one(
            file,
            "no column header above the first data row: expected header rows starting with ';'",
            line=data_idx + 1,
        )
    width = len(head[data_idx].split(";"))
    for n, row in header:
        if len(row) != width:
            raise SourceFileError.one(
                file,
                f"the column header has {len(row)} fields but the first data row has {width}",
                line=n,
            )
    rows = [row for _, row in header]
    n_keys = min(_leading_empty(row) for row in rows)
    if n_keys >= width:
        raise SourceFileError.one(
            file,
            "the column header leaves no value column: expected labels above the values",
            line=header[0][0],
        )
    label_rows, units = _units(rows, n_keys, titles)
    label_lines = [n for n, _ in header][: len(label_rows)]
    columns = _columns(label_rows, label_lines, n_keys, units, _statistic(titles), file)
    return Layout(
        table_code=code,
        n_keys=n_keys,
        columns=columns,
        data_line=data_idx + 1,
        encoding=encoding,
        period=periods[0][1] if periods else None,
        period_column=bool(_PERIOD_CELL.match(head[data_idx].split(";", 1)[0].strip())),
        header=[[cell.strip() for cell in row] for row in rows],
    )


def _holds_data(line: str) -> bool:
    """A data row has text in its first cell and beyond; titles and periods only in the first,
    header rows not in the first."""
    cells = line.split(";")
    return bool(cells[0].strip()) and any(cell.strip() for cell in cells[1:])


def _check_row_start(line: str, file: str, n: int) -> None:
    first = line.split(";", 1)[0].strip()
    if _PERIOD_CELL.match(first) or _KEY.match(first) or first in LAND_CODES:
        return
    raise SourceFileError.one(
        file,
        f"the first line with text beyond its first cell starts with {quoted(first)}: expected "
        "a data row starting with a year (2015), a date (30.06.2015), a region key (03241001) "
        "or a Land's name, or a header row starting with ';'",
        line=n,
    )


def _leading_empty(row: list[str]) -> int:
    n = 0
    for cell in row:
        if cell.strip():
            break
        n += 1
    return n


def _units(
    header_rows: list[list[str]], n_keys: int, titles: list[str]
) -> tuple[list[list[str]], list[str | None]]:
    """The units from the last header row where it holds them, else from a title "(Anzahl)"."""
    last = [cell.strip() for cell in header_rows[-1][n_keys:]]
    if len(header_rows) > 1 and all(cell in KNOWN_UNITS for cell in last if cell) and any(last):
        return header_rows[:-1], [cell or None for cell in last]
    unit = None
    for title in titles:
        match = _UNIT_IN_TITLE.search(title)
        if match and match.group(1).strip() in KNOWN_UNITS:
            unit = match.group(1).strip()
    return header_rows, [unit] * len(last)


def _statistic(titles: list[str]) -> str | None:
    """What the table counts, from its title "Bevölkerungsstand (Anzahl)": the measure of a
    value column whose header holds nothing but periods, sex and nationality."""
    found = None
    for title in titles:
        match = _UNIT_IN_TITLE.search(title)
        if match and match.group(1).strip() in KNOWN_UNITS:
            found = title[: match.start()].strip() or None
    return found


def _columns(
    label_rows: list[list[str]],
    lines: list[int],
    n_keys: int,
    units: list[str | None],
    statistic: str | None,
    file: str,
) -> list[Column]:
    """Per value column: its period, sex and nationality from the header, and the measure from
    the labels left (relations like "und zwar" or "dar.:" stay in it)."""
    paths = [[row[c].strip() for row in label_rows] for c in range(n_keys, n_keys + len(units))]
    depth = len(label_rows)
    used = [[False] * depth for _ in paths]
    found: list[dict[str, str]] = [{} for _ in paths]

    def where(c: int) -> str:
        return str(n_keys + c + 1)

    def take(c: int, r: int, dimension: str, label: str) -> None:
        if dimension in found[c]:
            raise SourceFileError.one(
                file,
                f"the header gives this value column two values of {dimension}, "
                f"{quoted(found[c][dimension])} and {quoted(label)}",
                line=lines[r],
                column=where(c),
            )
        found[c][dimension] = label
        used[c][r] = True

    # A header row of nothing but periods holds the periods across the columns.
    period_rows = [
        r
        for r in range(depth)
        if any(p[r] for p in paths) and all(_PERIOD_CELL.match(p[r]) for p in paths if p[r])
    ]
    for r in period_rows:
        if len(period_rows) > 1:
            raise SourceFileError.one(
                file, "two header rows of periods: expected one", line=lines[period_rows[1]]
            )
        for c, p in enumerate(paths):
            if not p[r]:
                raise SourceFileError.one(
                    file,
                    "the header row of periods has no period above this value column",
                    line=lines[r],
                    column=where(c),
                )
            take(c, r, "period", p[r])

    # A cell naming a dimension ("Geschlecht"): its value is the label below.
    for c, p in enumerate(paths):
        for r in range(depth):
            dimension = DIMENSION_NAMES.get(p[r].lower())
            if dimension is None or used[c][r]:
                continue
            if r + 1 == depth or not p[r + 1] or used[c][r + 1]:
                raise SourceFileError.one(
                    file,
                    f"the header names the dimension {quoted(p[r])} but holds no value of it "
                    "in the row below",
                    line=lines[r],
                    column=where(c),
                )
            used[c][r] = True
            take(c, r + 1, dimension, p[r + 1])

    # Published values of sex or nationality ("männlich", "Ausländer(innen)") without a name.
    for c, p in enumerate(paths):
        for r in range(depth):
            if used[c][r] or not p[r]:
                continue
            if sex_word(p[r]) not in (None, TOTAL):
                take(c, r, "sex", p[r])
            elif nationality_word(p[r]) not in (None, TOTAL):
                take(c, r, "nationality", p[r])

    # "Insgesamt" beside such values is their total; elsewhere ("Insgesamt | Beamte") a label.
    for c, p in enumerate(paths):
        for r in range(depth):
            if used[c][r] or p[r].lower() not in TOTAL_LABELS:
                continue
            siblings = (d for d, q in enumerate(paths) if q[:r] == p[:r])
            if any(used[d][r] for d in siblings):
                used[c][r] = True

    columns = []
    for c, p in enumerate(paths):
        measure = _label([label for r, label in enumerate(p) if not used[c][r]]) or statistic
        if not measure:
            raise SourceFileError.one(
                file,
                "a value column has no label in the header",
                line=lines[-1],
                column=where(c),
            )
        sex, nationality = found[c].get("sex"), found[c].get("nationality")
        columns.append(
            Column(
                measure=measure,
                unit=units[c],
                period=found[c].get("period"),
                sex=sex and (sex_word(sex) or sex.lower()),
                nationality=nationality and (nationality_word(nationality) or nationality.lower()),
            )
        )
    seen: dict[tuple, int] = {}
    for c, column in enumerate(columns):
        key = (column.measure, column.period, column.sex, column.nationality)
        if key in seen:
            raise SourceFileError.one(
                file,
                f"value columns {where(seen[key])} and {where(c)} both read as "
                f"{quoted(column.measure)}: the header does not tell them apart",
                line=lines[-1],
                column=where(c),
            )
        seen[key] = c
    return columns


def _label(levels: list[str]) -> str:
    """A measure's label: its non-empty header levels, top down, repeats dropped."""
    parts: list[str] = []
    for level in (cell.strip() for cell in levels):
        if level and (not parts or parts[-1] != level):
            parts.append(level)
    return " / ".join(parts)


# --- the data rows ----------------------------------------------------------------------------


def _parse_block(block: str, layout: Layout, file: str) -> pl.DataFrame:
    width = layout.width
    first_line = layout.data_line
    schema: dict[str, pl.DataType] = {f"c{i}": pl.String() for i in range(width)}
    rows = read_csv_lines(block, file, schema, first_line, quotes=False)
    if layout.blocks:
        rows = _blocks(rows, layout, file)
    short = rows.filter(pl.any_horizontal(pl.col(f"c{i}").is_null() for i in range(width)))
    if short.height:
        lines = block.split("\n")
        for line in short["line"].head(1000):
            fields = lines[line - first_line].split(";")
            if len(fields) != width:
                raise SourceFileError.one(
                    file,
                    f"expected {width} fields separated by ';', found {len(fields)}",
                    line=line,
                )
        # An empty value cell is reported by the value check with its column label.
        rows = rows.with_columns(pl.col(f"c{i}").fill_null("") for i in range(width))
    return rows


def _blocks(rows: pl.DataFrame, layout: Layout, file: str) -> pl.DataFrame:
    """Where the period stands on a line of its own, a later such line starts the rows of the
    next period, perhaps below the column header repeated; each row gets its period."""
    cells = [f"c{i}" for i in range(layout.width)]

    def empty(c: str) -> pl.Expr:
        return pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "")

    period = pl.col("c0").str.strip_chars().str.extract(_PERIOD_LINE, 1)
    is_period = period.is_not_null() & pl.all_horizontal(empty(c) for c in cells[1:])
    is_header = pl.all_horizontal(empty(c) for c in cells[: layout.n_keys]) & ~pl.all_horizontal(
        empty(c) for c in cells
    )
    rows = rows.with_columns(
        pl.when(is_period).then(period).forward_fill().fill_null(layout.period).alias("block"),
        is_period.alias("is_period"),
        is_header.alias("is_header"),
    )
    for row in rows.filter(pl.col("is_header")).head(1000).iter_rows(named=True):
        if [(row[c] or "").strip() for c in cells] not in layout.header:
            raise SourceFileError.one(
                file,
                "a row without region key inside the data rows is not the column header "
                "repeated: expected a key in every data row",
                line=row["line"],
            )
    return rows.filter(~pl.col("is_period") & ~pl.col("is_header")).drop("is_period", "is_header")


def _tidy(rows: pl.DataFrame, layout: Layout, file: str, source: str) -> pl.DataFrame:
    """The wide rows in long form: one row per value cell.

    What a row's key cells say (region, period, sex, ...) is worked out once per row, and what a
    column's header says once per column, before the cells are unpivoted: the long frame has ten
    times the rows of the wide one, so nothing is computed there that need not be.
    """
    keys = [f"c{i}" for i in range(layout.n_keys)]
    values = [f"c{i}" for i in range(layout.n_keys, layout.width)]
    roles = _key_roles(rows, keys, layout, file)

    if roles.period is not None:
        time = pl.col(roles.period).str.strip_chars()
    elif "block" in rows.columns:
        time = pl.col("block")
    elif layout.period is not None:
        time = pl.lit(layout.period)
    else:
        time = pl.lit(None, pl.String)
    if roles.period is not None:
        period, _ = parse_time(time)
        bad_time = rows.filter(period.is_null())
        if bad_time.height:
            raise SourceFileError.one(
                file,
                f"time {quoted(bad_time[roles.period][0].strip())} is not a year (2015) or a "
                "date (30.06.2015)",
                line=int(bad_time["line"][0]),
                column=str(keys.index(roles.period) + 1),
            )

    across = any(column.period for column in layout.columns)
    by_column = pl.DataFrame(
        {
            "col": values,
            "col_index": list(range(layout.n_keys, layout.width)),
            "measure": [c.measure for c in layout.columns],
            "unit": [c.unit for c in layout.columns],
            "col_sex": [c.sex or TOTAL for c in layout.columns],
            "col_nationality": [c.nationality or TOTAL for c in layout.columns],
            "time": [c.period for c in layout.columns] if across else [None] * len(values),
        },
        schema_overrides={"col_index": pl.Int32, "unit": pl.String, "time": pl.String},
    )
    code, name = _region(roles)
    row_facts = [
        code.alias("region_code"),
        name.alias("region_name"),
        (normalise_sex(pl.col(roles.sex)) if roles.sex else pl.lit(None, pl.String)).alias(
            "row_sex"
        ),
        (
            normalise_nationality(pl.col(roles.nationality))
            if roles.nationality
            else pl.lit(None, pl.String)
        ).alias("row_nationality"),
        (
            pl.concat_str([pl.col(c).str.strip_chars() for c in roles.category], separator=" | ")
            if roles.category
            else pl.lit(None, pl.String)
        ).alias("category"),
    ]
    if across:
        by_column = by_column.with_columns(parse_time(pl.col("time")))
    else:
        row_facts += [time.alias("time")]
    wide = rows.select("line", *values, *row_facts)
    if not across:
        if layout.period is not None and not layout.blocks:
            _check_period_line(wide, layout.period, file)
        wide = wide.with_columns(parse_time(pl.col("time"))).drop("time")
    index = [c for c in wide.columns if c not in values]
    long = wide.unpivot(index=index, on=values, variable_name="col", value_name="cell")
    long = with_values(long, "cell")
    wrong = long.filter(pl.col("bad")).sort("line", "col")
    if wrong.height:
        measure_of = dict(zip(values, by_column["measure"], strict=True))
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

    long = long.join(by_column, on="col", how="left", maintain_order="left")
    if across and layout.period is not None and not layout.blocks:
        _check_period_line(long, layout.period, file)
    tidy = long.select(
        pl.lit(source).alias("source"),
        "measure",
        "unit",
        "region_code",
        "region_name",
        "period",
        "reference_date",
        pl.coalesce("row_sex", "col_sex").alias("sex"),
        pl.coalesce("row_nationality", "col_nationality").alias("nationality"),
        "category",
        "value",
        "flag",
        "line",
        "col_index",
    )
    # Published order: row by row, value columns left to right.
    return finish(tidy.sort("line", "col_index"), source)


def _check_period_line(long: pl.DataFrame, period: str, file: str) -> None:
    """A period line above a table whose rows carry their period must say the same."""
    year, date = period[-4:], period if len(period) == 10 else None
    other = long.filter(
        ~pl.col("time").str.ends_with(year) | (pl.lit(date is not None) & (pl.col("time") != date))
    )
    if other.height:
        raise SourceFileError.one(
            file,
            f"the period {quoted(other['time'][0])} differs from the line {quoted(period)} above "
            "the header: expected the rows of that period only",
            line=int(other["line"][0]),
        )


def _key_roles(rows: pl.DataFrame, keys: list[str], layout: Layout, file: str) -> Roles:
    """Which key column is the period, the region key, its name, sex, nationality or another
    category — by what the cells hold."""
    roles = Roles()
    if not rows.height:
        return roles
    first_line = int(rows["line"][0])
    rest = list(keys)
    if layout.period_column:
        roles.period = keys[0]
        rest = keys[1:]
    if roles.period is not None and any(c.period for c in layout.columns):
        raise SourceFileError.one(
            file,
            "the period stands both in the first key column and in a header row of periods: "
            "expected one of them",
            line=first_line,
        )
    if roles.period is None and layout.period is None and not any(c.period for c in layout.columns):
        raise SourceFileError.one(
            file,
            "no period found: expected a first key column of years (2015) or dates (30.06.2015), "
            "a line like '30.06.2015' or 'Jahr: 2016' above the header, or periods across the "
            "columns of a header row",
            line=first_line,
        )
    if not rest:
        raise SourceFileError.one(
            file,
            "the column header leaves no key column beside the period: expected the region key "
            "and name before the values (one empty header cell above each key column)",
            line=first_line,
        )
    for col in (roles.period, rest[0]):
        if col is None:
            continue
        empty = rows.filter(pl.col(col).str.strip_chars() == "")
        if empty.height:
            raise SourceFileError.one(
                file,
                "empty key cell: expected time and region",
                line=int(empty["line"][0]),
                column=str(keys.index(col) + 1),
            )

    stripped = rows.select(pl.col(c).str.strip_chars() for c in rest)
    is_key = stripped.select(pl.col(c).str.contains(KEY).sum() for c in rest).row(0)
    full = [c for c, n in zip(rest, is_key, strict=True) if n == rows.height]
    if full:
        roles.code = full[0]
        after = rest.index(roles.code) + 1
        if after == len(rest):
            raise SourceFileError.one(
                file,
                "the region key column is not followed by the region's name: expected "
                "key;name before the values",
                line=first_line,
                column=str(keys.index(roles.code) + 1),
            )
        roles.name = rest[after]
    elif lands := [c for c in rest if stripped[c].is_in(list(LAND_CODES)).all()]:
        roles.name = lands[0]
    else:
        _refuse_key_column(stripped, rows["line"], rest, keys, file)

    header_sex = any(c.sex for c in layout.columns)
    header_nationality = any(c.nationality for c in layout.columns)
    for col in rest:
        if col in (roles.code, roles.name):
            continue
        labels = set(stripped[col].str.to_lowercase().unique().to_list())
        sex, nationality = labels <= SEX_LABELS, labels <= NATIONALITY_LABELS
        if (sex and header_sex and labels - TOTAL_LABELS) or (
            nationality and header_nationality and labels - TOTAL_LABELS
        ):
            raise SourceFileError.one(
                file,
                "this key column and the column header both give "
                f"{'sex' if sex else 'nationality'}: expected one of them",
                line=first_line,
                column=str(keys.index(col) + 1),
            )
        if sex and roles.sex is None and not header_sex:
            roles.sex = col
        elif nationality and roles.nationality is None and not header_nationality:
            roles.nationality = col
        else:
            roles.category.append(col)
    return roles


def _refuse_key_column(
    stripped: pl.DataFrame, lines: pl.Series, rest: list[str], keys: list[str], file: str
) -> None:
    """No column holds a key in every row: name the first cell that is no key in the column
    most like a key column, or say that none is."""
    key_like = stripped.select(pl.col(c).str.contains(r"^(?:DG|[0-9]+)$").sum() for c in rest)
    counts = key_like.row(0)
    if not max(counts):
        raise SourceFileError.one(
            file,
            "no key column holds official region keys (03, 03241, 03241001 …) or the names of "
            "the Länder: the region of a row cannot be told, so the file is not read",
            line=int(lines[0]),
        )
    col = rest[counts.index(max(counts))]
    bad = stripped.with_columns(lines).filter(~pl.col(col).str.contains(KEY)).row(0, named=True)
    cell = bad[col]
    hint = ""
    if cell.isascii() and cell.isdigit() and _KEY.match("0" + cell):
        hint = f"; Excel may have dropped its leading zero ({quoted('0' + cell)})"
    raise SourceFileError.one(
        file,
        f"{quoted(cell)} is not an official region key ({_KEY_FORMS}){hint}: the region key "
        "column cannot be told, so the file is not read",
        line=int(bad["line"]),
        column=str(keys.index(col) + 1),
    )


def _region(roles: Roles) -> tuple[pl.Expr, pl.Expr]:
    if roles.name is None:  # no rows
        return pl.lit(None, pl.String), pl.lit(None, pl.String)
    name = pl.col(roles.name).str.strip_chars()
    if roles.code is not None:
        return pl.col(roles.code).str.strip_chars(), name
    return name.replace_strict(LAND_CODES, default=None, return_dtype=pl.String), name
