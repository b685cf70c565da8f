"""Open SDG tidy CSV, the format of the Land's integration monitoring (LSN, Niedersachsen).

One row per value, separated by ",": `Year`, any number of breakdown columns named by German
labels, optionally `Units`, `GeoCode`, `Gebietseinheit` and `COMMENT_OBS`, and `Value` (decimal
point). The platform keeps the indicator's name beside the data, not in it: `meta/<id>.md` and
`global_indicators.de.yml` next to the `data/` folder that holds `indicator_<id>.csv`.

How a row becomes a tidy row, and why:

- measure: the indicator's title from `global_indicators.de.yml` (the key `meta/<id>.md` names
  as `indicator_name`, else `<id>-title`); "Indikator 1.2.1" where no title is published; the
  file name where the name is not `indicator_<id>.csv`. A file may mix counts and shares in
  one column (`Units`); a catalogue series selects by measure, never by unit, so in such a file
  the unit follows the title in brackets: "Menschen mit Migrationshintergrund (%)".
- period: `Year` as a year, or a sub-year period the files name in words ("Juni 2007", "WS
  2005/06") with `reference_date` the period's first day, as `parse_time` dates a semester
  code. Anything else ("2024 / 2005", a change between two years) is not a year: those rows
  are skipped, with a warning naming their lines.
- region: `GeoCode` is a map layer of the platform and the official key: `K03241001`,
  `RH03101`, `MZ03241`. The key is kept as `region_code`, the layer as a category part
  ("Gebietsebene: K"), the name from `Gebietseinheit`. A 3-digit key ending in 0 (`K030`) is
  the Land, since no Regierungsbezirk has the number 0. `03241999` is LSN's key for the Region
  Hannover without the city ("dav. Hannover, Umland"); `MZ03354360` and the like are
  Mikrozensus pairs of two Kreise (03354 and 03360), named in `Gebietseinheit`; `RA_01` … are
  the Mikrozensus adjustment layers (Anpassungsschichten), kept whole because "01" alone would
  read as Schleswig-Holstein. A row without a key (empty GeoCode, or Excel's `#NV`) is placed
  by its name: the key the same file gives that name, else one of `REGION_NAMES`; else it is
  skipped with a warning. In a file without GeoCode, a name not in `REGION_NAMES` is refused
  (no publisher's "no key" there, only a name the reader does not know). A file without
  GeoCode and Gebietseinheit is the Land's (`LAND`).
  Where a file's GeoCode holds nationality keys instead (`W121` Albanien, `0` for a continent,
  indicator 1-2-5), it is not a region and the file is the Land's.
- sex and nationality: a column `Geschlecht` or `Nationalität`, or one that names either among
  parts joined by " / " (`Nationalität / Migrationshintergrund`). Values use the project's
  words (`_common`: männlich, weiblich, deutsch, ausländisch, insgesamt); an empty cell is the
  total. A value in `Geschlecht` that is no sex (5-3-2 has age groups there) is skipped with
  a warning: read as a total it would be added to the real total.
- category: every other breakdown as "Column: value", joined by " | "; an empty cell or
  "Insgesamt" is "insgesamt", as the totals of the other readers are.
- value and flag: a number, a published symbol (flag, value null) or an empty cell (value
  null; Open SDG's "no value"). `COMMENT_OBS` ("Statistisch unsicher", "Gesperrt") is the flag
  where the value is not a symbol: the files put it beside numbers as well as beside empty cells.

Skipped or refused. Rows the file itself marks as not placeable (a period that is not a year,
`#NV` for a key, a key its name contradicts) are skipped and reported. Whatever would put a
doubtful number into the warehouse is refused with an EtlError naming file, line and column: a
missing `Year` or `Value` column, a row of the wrong width, a GeoCode of no known pattern, a
value that is neither number nor symbol, two values for the same key.

Warnings. The readers return a frame and have no warning channel, so `read` logs one line per
reason rows were skipped ("warning: file, line …: … rows skipped (lines …)") on the logger
`etl.readers.opensdg`; unconfigured, Python prints it on stderr. Not a Python warning: pytest
runs with warnings as errors, and a skipped row must not turn into an exception in `load`.
`read_with_warnings` returns them as `Problem`s for a caller that collects them.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from etl.errors import Problem, SourceFileError, named, quoted
from etl.readers._common import (
    NATIONALITY_LABELS,
    REGION_CODE,
    SEX_LABELS,
    SYMBOL_LIST,
    SYMBOLS,
    TOTAL,
    display_name,
    finish,
    normalise_nationality,
    normalise_sex,
    read_text,
)
from vocabulary import AUSLAENDISCH, DEUTSCH, MAENNLICH, WEIBLICH

YEAR = "Year"
VALUE = "Value"
UNITS = "Units"
GEOCODE = "GeoCode"
AREA = "Gebietseinheit"
COMMENT = "COMMENT_OBS"
STRUCTURE = (YEAR, VALUE, UNITS, GEOCODE, AREA, COMMENT)
SEX_COLUMN = "Geschlecht"
NATIONALITY_COLUMN = "Nationalität"
LAYER_LABEL = "Gebietsebene"

# The Land the platform reports on: the region of a file without GeoCode and Gebietseinheit.
LAND = ("03", "Niedersachsen")
# Regions the files name without a key (an empty GeoCode, `#NV`, or no GeoCode column). The
# Statistische Regionen carry the keys of the former Regierungsbezirke, as in the
# Regionalstatistik.
REGION_NAMES: dict[str, str] = {
    "Niedersachsen": "03",
    "Deutschland": "DG",
    "Statistische Region Braunschweig": "031",
    "Statistische Region Hannover": "032",
    "Statistische Region Lüneburg": "033",
    "Statistische Region Weser-Ems": "034",
    "Region Hannover": "03241",
}
UMLAND = "03241999"
LAYERS = ("K", "RH", "MZ")
NOT_AVAILABLE = "#NV"  # Excel's #N/A in a German Excel
_KEYED = re.compile(r"(?P<layer>K|RH|MZ)?(?P<key>DG|[0-9]+)")
_ADJUSTMENT_LAYER = re.compile(r"RA_[0-9]{2}")
_NATIONALITY_KEY = re.compile(r"W[0-9]+|0")

# Words of Open SDG files the shared vocabulary (_common) does not know yet.
_EXTRA_SEX = {"männer": MAENNLICH, "frauen": WEIBLICH}
_EXTRA_NATIONALITY = {
    "deutsche staatsangehörigkeit": DEUTSCH,
    "nichtdeutsche staatsangehörigkeit": AUSLAENDISCH,
}
_TOTAL_WORDS = frozenset({"", TOTAL, "zusammen"})

MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
# A number as Open SDG writes it: decimal point, no thousands separator, ASCII digits.
NUMBER = r"^[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$"
SHOWN_LINES = 5


log = logging.getLogger(__name__)


def read(path: Path, source: str | None = None) -> pl.DataFrame:
    """Read one Open SDG tidy CSV into the tidy frame; skipped rows are logged as warnings."""
    frame, skipped = read_with_warnings(path, source)
    for problem in skipped:
        log.warning("warning: %s", problem)
    return frame


def is_opensdg(text: str) -> bool:
    """Whether line 1 is an Open SDG header: comma-separated, with `Year` and `Value`.

    >>> is_opensdg("Year,Gebietseinheit,GeoCode,Value\\n2024,x,K03,1"), is_opensdg("Jahr;AGS")
    (True, False)
    """
    try:
        names = [c.strip() for c in _split(text.split("\n", 1)[0])]
    except csv.Error:
        return False
    return YEAR in names and VALUE in names


def read_with_warnings(path: Path, source: str | None = None) -> tuple[pl.DataFrame, list[Problem]]:
    """The tidy frame, and one `Problem` per reason rows were skipped (see the module doc)."""
    file = display_name(path)
    text, _ = read_text(path)
    source = source or path.stem
    names = _header(text, file)
    labels = [n for n in names if n and n not in STRUCTURE]
    rows = _rows(text, names, file)
    # Per file, not per kept row: whether a unit goes into the measure must not depend on
    # which rows happen to be skipped.
    units = _units(rows) if UNITS in names else []
    skipped: list[Problem] = []

    rows = rows.with_columns(*_period(pl.col(YEAR)))
    rows = _skip(rows, pl.col("period").is_null(), skipped, file, YEAR, _not_a_year)
    rows = _breakdowns(rows, labels, file, skipped)
    rows = _regions(rows, names, file, skipped)
    _check_values(rows, file)

    value, flag = _value_and_flag(names)
    unit = pl.col(UNITS).str.strip_chars().replace("", None) if UNITS in names else pl.lit(None)
    tidy = rows.select(
        "line",
        pl.lit(source).alias("source"),
        _measure(path, file, units).alias("measure"),
        unit.cast(pl.String).alias("unit"),
        "region_code",
        "region_name",
        "period",
        "reference_date",
        "sex",
        "nationality",
        "category",
        value,
        flag,
    )
    tidy = _unique(tidy, file, skipped)
    return finish(tidy.sort("line"), source), skipped


# --- lines and fields ------------------------------------------------------------------------


def _split(line: str) -> list[str]:
    """The fields of one line; a quote that does not close on it is an error, never a merge."""
    return next(csv.reader([line], strict=True), [])


def _header(text: str, file: str) -> list[str]:
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise SourceFileError.one(
            file,
            "line 1 is empty; expected the header of an Open SDG tidy CSV (Year, …, Value)",
            line=1,
        )
    try:
        names = [c.strip() for c in _split(first)]
    except csv.Error as exc:
        raise SourceFileError.one(file, f"the header cannot be read ({exc})", line=1) from None
    missing = [c for c in (YEAR, VALUE) if c not in names]
    if missing:
        hint = ""
        if len(names) == 1 and ";" in names[0]:
            hint = "; this header is separated by ';', an Open SDG file by ','"
        raise SourceFileError.one(
            file,
            f"no column {' and no column '.join(missing)}: expected an Open SDG tidy CSV with "
            "Year, breakdown columns, optional Units, GeoCode, Gebietseinheit, COMMENT_OBS, "
            f"and Value{hint}",
            line=1,
        )
    given = [n for n in names if n]
    twice = next((n for n in given if given.count(n) > 1), None)
    if twice is not None:
        raise SourceFileError.one(
            file, f"the column {quoted(twice)} appears twice in the header", line=1
        )
    return names


def _rows(text: str, names: list[str], file: str) -> pl.DataFrame:
    """Every data line as text cells, numbered in `line`: the structural columns under their
    names, the breakdown columns as b0, b1, … (their labels may be any text).

    Blank lines and lines of empty cells hold no data and are dropped. Columns without a name
    (trailing commas in the header, as in 4-3-2) must be empty in every row.
    """
    width = len(names)
    cells: list[list[str]] = []
    numbers: list[int] = []
    for n, line in enumerate(text.split("\n")[1:], start=2):
        if not line.strip():
            continue
        try:
            fields = _split(line)
        except csv.Error as exc:
            raise SourceFileError.one(
                file,
                f"the line cannot be split into fields ({exc}); a cell is either quoted whole "
                '("…") or holds no double quote',
                line=n,
            ) from None
        if len(fields) != width:
            raise SourceFileError.one(
                file,
                f"expected {width} fields separated by ',' as in the header, found {len(fields)}",
                line=n,
            )
        if any(f.strip() for f in fields):
            cells.append(fields)
            numbers.append(n)
    columns: dict[str, list[str]] = {}
    breakdowns = 0
    for i, name in enumerate(names):
        column = [row[i] for row in cells]
        if not name:
            full = next((k for k, cell in enumerate(column) if cell.strip()), None)
            if full is not None:
                raise SourceFileError.one(
                    file,
                    f"{quoted(column[full])} stands in a column without a name in the header",
                    line=numbers[full],
                    column=str(i + 1),
                )
            continue
        if name not in STRUCTURE:
            name, breakdowns = f"b{breakdowns}", breakdowns + 1
        columns[name] = column
    schema: dict[str, pl.DataType] = {name: pl.String() for name in columns}
    return pl.DataFrame({**columns, "line": numbers}, schema={**schema, "line": pl.Int64()})


# --- skipped rows ----------------------------------------------------------------------------


def _skip(
    rows: pl.DataFrame,
    condition: pl.Expr,
    skipped: list[Problem],
    file: str,
    by: str,
    reason: Callable[[str], str],
    column: str | None = None,
) -> pl.DataFrame:
    """Drop the rows matching `condition`, one warning per distinct cell of `by`."""
    dropped = rows.filter(condition).sort("line")
    for (cell,), group in dropped.group_by(by, maintain_order=True):
        skipped.append(_skipped(file, reason(cell), group["line"].to_list(), column or by))
    return rows.filter(~condition)


def _skipped(file: str, reason: str, lines: list[int], column: str) -> Problem:
    more = ", …" if len(lines) > SHOWN_LINES else ""
    shown = ", ".join(str(n) for n in lines[:SHOWN_LINES]) + more
    plural = len(lines) > 1
    return Problem(
        file,
        f"{reason}; {len(lines)} row{'s' if plural else ''} skipped "
        f"(line{'s' if plural else ''} {shown})",
        line=lines[0],
        column=quoted(column),
    )


def _not_a_year(cell: str) -> str:
    return (
        f"{quoted(cell)} is not a year (2024), a month (Juni 2024) or a winter semester "
        "(WS 2024/25)"
    )


# --- period ----------------------------------------------------------------------------------


def _period(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(period, reference_date) from `Year`; a null period where it is not a year.

    >>> df = pl.DataFrame({"y": ["2024", "Juni 2007", "WS 2005/06", "WS 2005/07", "2024 / 2005"]})
    >>> period, date = _period(pl.col("y"))
    >>> [(p, str(d)) for p, d in df.select(period, date).rows()]
    [(2024, 'None'), (2007, '2007-06-01'), (2005, '2005-10-01'), (None, 'None'), (None, 'None')]
    """
    t = raw.str.strip_chars()
    plain = t.str.extract(r"^([0-9]{4})$").cast(pl.Int32)
    month = t.str.extract_groups(rf"^({'|'.join(MONTHS)}) ([0-9]{{4}})$")
    month_number = month.struct.field("1").replace_strict(
        {name: i for i, name in enumerate(MONTHS, start=1)}, default=None, return_dtype=pl.Int8
    )
    month_year = month.struct.field("2").cast(pl.Int32)
    winter = t.str.extract_groups(r"^WS ([0-9]{4})/([0-9]{2})$")
    start = winter.struct.field("1").cast(pl.Int32)
    # "WS 2005/06" runs from October 2005 into 2006; any other second year is a typing error.
    winter_year = pl.when((start + 1) % 100 == winter.struct.field("2").cast(pl.Int32)).then(start)
    period = pl.coalesce(plain, month_year, winter_year).alias("period")
    reference_date = pl.coalesce(
        pl.date(month_year, month_number, 1), pl.date(winter_year, 10, 1)
    ).alias("reference_date")
    return period, reference_date


# --- breakdowns: sex, nationality, category --------------------------------------------------


def _vocabulary(
    labels: Iterable[str], normalise: Callable[[pl.Expr], pl.Expr], extra: dict[str, str]
) -> dict[str, str]:
    """The shared words (etl/readers/_common.py) as a dict, with those only these files use."""
    frame = pl.DataFrame({"label": sorted(labels)}, schema={"label": pl.String})
    canonical = frame.select(normalise(pl.col("label")))["label"]
    return {**dict(zip(frame["label"], canonical, strict=True)), **extra}


SEX_WORDS = _vocabulary(SEX_LABELS, normalise_sex, _EXTRA_SEX)
NATIONALITY_WORDS = _vocabulary(NATIONALITY_LABELS, normalise_nationality, _EXTRA_NATIONALITY)


@dataclass(frozen=True)
class Reading:
    """What one breakdown cell says: sex, nationality and "Label: value" category parts."""

    sex: str = TOTAL
    nationality: str = TOTAL
    categories: tuple[str, ...] = ()


def parts_of(column: str) -> tuple[str, ...]:
    """The dimensions a breakdown column holds: itself, or its " / " parts where one of them
    is sex or nationality.

    >>> parts_of("Nationalität / Geschlecht"), parts_of("Land der Staatsangehörigkeit")
    (('Nationalität', 'Geschlecht'), ('Land der Staatsangehörigkeit',))
    """
    parts = tuple(p.strip() for p in column.split(" / "))
    return parts if {SEX_COLUMN, NATIONALITY_COLUMN} & set(parts) else (column,)


def classify(cell: str, parts: tuple[str, ...]) -> Reading | None:
    """Read one breakdown cell of a column with these `parts`; None where it cannot be read.

    >>> classify("Ausländerinnen und Ausländer", ("Nationalität",))
    Reading(sex='insgesamt', nationality='ausländisch', categories=())
    >>> r = classify("Deutsche / Männer", ("Nationalität", "Geschlecht"))
    >>> (r.sex, r.nationality, r.categories)
    ('männlich', 'deutsch', ())
    >>> classify("mit Migrationshintergrund", ("Nationalität", "Migrationshintergrund")).categories
    ('Migrationshintergrund: mit Migrationshintergrund',)
    >>> classify("", ("Altersgruppe",)).categories, classify("15 bis 20", ("Geschlecht",))
    (('Altersgruppe: insgesamt',), None)
    """
    others = [p for p in parts if p not in (SEX_COLUMN, NATIONALITY_COLUMN)]
    text = cell.strip()
    if text.lower() in _TOTAL_WORDS:
        return Reading(categories=tuple(f"{p}: {TOTAL}" for p in others))
    reading = _place_pieces([text], parts, others)
    if reading is None and len(parts) > 1:
        pieces = [p for p in re.split(r"\s*/\s*|,\s+", text) if p]
        reading = _place_pieces(pieces, parts, others)
    return reading


def _place_pieces(pieces: list[str], parts: tuple[str, ...], others: list[str]) -> Reading | None:
    found: dict[str, str] = {}
    for piece in pieces:
        key = piece.lower()
        if SEX_COLUMN in parts and SEX_COLUMN not in found and key in SEX_WORDS:
            found[SEX_COLUMN] = SEX_WORDS[key]
        elif (
            NATIONALITY_COLUMN in parts
            and NATIONALITY_COLUMN not in found
            and (key in NATIONALITY_WORDS or parts == (NATIONALITY_COLUMN,))
        ):
            # The project keeps other groups ("EU-Ausland") as published, in lower case.
            found[NATIONALITY_COLUMN] = NATIONALITY_WORDS.get(key, key)
        elif len(others) == 1 and others[0] not in found:
            found[others[0]] = TOTAL if key in _TOTAL_WORDS else piece
        else:
            return None
    return Reading(
        sex=found.get(SEX_COLUMN, TOTAL),
        nationality=found.get(NATIONALITY_COLUMN, TOTAL),
        categories=tuple(f"{p}: {found.get(p, TOTAL)}" for p in others),
    )


def _breakdowns(
    rows: pl.DataFrame, labels: list[str], file: str, skipped: list[Problem]
) -> pl.DataFrame:
    """sex, nationality and the breakdown part of category, from every breakdown column."""
    given: dict[str, str] = {}
    for label in labels:
        for part in parts_of(label):
            if part in (SEX_COLUMN, NATIONALITY_COLUMN):
                if part in given:
                    raise SourceFileError.one(
                        file,
                        f"both {quoted(given[part])} and {quoted(label)} give {part}; "
                        "expected one column per dimension",
                        line=1,
                    )
                given[part] = label
    sex, nationality, categories = [], [], []
    for i, label in enumerate(labels):
        column, parts = f"b{i}", parts_of(label)
        readings = {cell: classify(cell, parts) for cell in rows[column].unique().to_list()}
        unread = [cell for cell, reading in readings.items() if reading is None]
        if unread:
            what = (
                "a sex (männlich, weiblich, divers or insgesamt)"
                if parts == (SEX_COLUMN,)
                else " / ".join(named(part) for part in parts)
            )

            def reason(cell: str, label: str = label, what: str = what) -> str:
                return f"{named(label)} {quoted(cell)} cannot be read as {what}"

            rows = _skip(rows, pl.col(column).is_in(unread), skipped, file, column, reason, label)
        table = pl.DataFrame(
            [
                (cell, r.sex, r.nationality, " | ".join(r.categories) or None)
                for cell, r in readings.items()
                if r is not None
            ],
            schema={column: pl.String, "s": pl.String, "n": pl.String, "c": pl.String},
            orient="row",
        ).rename({"s": f"sex_{i}", "n": f"nationality_{i}", "c": f"category_{i}"})
        rows = rows.join(table, on=column, how="left")
        sex.append(pl.col(f"sex_{i}"))
        nationality.append(pl.col(f"nationality_{i}"))
        categories.append(pl.col(f"category_{i}"))

    def given_or_total(columns: list[pl.Expr]) -> pl.Expr:
        # At most one column gives sex (or nationality), as checked above.
        return pl.coalesce(*(pl.when(c != TOTAL).then(c) for c in columns), pl.lit(TOTAL))

    breakdown = (
        pl.concat_str(categories, separator=" | ", ignore_nulls=True).replace("", None)
        if categories
        else pl.lit(None, pl.String)
    )
    return rows.with_columns(
        given_or_total(sex).alias("sex"),
        given_or_total(nationality).alias("nationality"),
        breakdown.alias("breakdown"),
    )


# --- regions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a row's figures belong, or why the row is skipped or the file refused."""

    code: str | None = None
    name: str | None = None
    layer: str | None = None
    skip: str | None = None
    error: str | None = None


def place(
    geo: str, area: str | None, by_name: dict[str, Place] | None = None, *, keyed: bool = True
) -> Place:
    """The region of a GeoCode and a Gebietseinheit (None where the file has no such column).

    `by_name` holds the places the same file gives a name with a key, for rows without one.
    In a file without GeoCode (`keyed` false) a name the reader cannot key is refused; in a
    file with one, an empty or `#NV` key is the publisher's own "no key", and the row skipped.

    >>> place("K03241001", "dav. Hannover, Lhst.")
    Place(code='03241001', name='dav. Hannover, Lhst.', layer='K', skip=None, error=None)
    >>> place("K030", "Niedersachsen").code, place("", "Region Hannover").code
    ('03', '03241')
    >>> place("#NV", "Osterode").skip[:47]
    'GeoCode "#NV" and Gebietseinheit "Osterode": no'
    >>> place("X03241", "Region Hannover").error[:35]
    'GeoCode "X03241" is not a known key'
    """
    if geo in ("", NOT_AVAILABLE):
        if area and by_name and area in by_name:
            return by_name[area]
        if area and area in REGION_NAMES:
            return Place(REGION_NAMES[area], area)
        if not keyed:
            return Place(
                error=f"Gebietseinheit {quoted(area or '')} names no region the reader can key "
                f"in a file without GeoCode (known: {', '.join(REGION_NAMES)})"
            )
        shown = "an empty GeoCode" if not geo else f"GeoCode {quoted(geo)}"
        return Place(
            skip=f"{shown} and Gebietseinheit {quoted(area or '')}: no region key, and no "
            "name the file gives a key elsewhere or the reader knows"
        )
    if _ADJUSTMENT_LAYER.fullmatch(geo):
        return Place(geo, area, "RA")
    keyed = _KEYED.fullmatch(geo)
    key = keyed["key"] if keyed else ""
    if len(key) == 3 and key.endswith("0"):
        key = key[:2]  # the layer's code for the Land: no Regierungsbezirk has the number 0
    if not keyed or not re.fullmatch(REGION_CODE, key):
        zero = re.fullmatch(REGION_CODE, f"0{key}") and key.isdigit()
        hint = "; Excel may have dropped its leading zero" if zero else ""
        return Place(
            error=f"GeoCode {quoted(geo)} is not a known key: expected a layer ("
            f"{', '.join(LAYERS)}) and an official key (03, 031, 03241, 03241001), an official "
            f"key alone, or RA_ and the number of a Mikrozensus adjustment layer{hint}"
        )
    if key == UMLAND and area is not None and "Umland" not in area:
        return Place(
            skip=f"GeoCode {quoted(geo)} is LSN's key for the Umland (Region Hannover without "
            f"the city), but Gebietseinheit says {quoted(area)}"
        )
    return Place(key, area, keyed["layer"])


def _places(
    pairs: list[tuple[str, str]], has_area: bool, keyed: bool
) -> dict[tuple[str, str], Place]:
    """The place of every distinct (GeoCode, Gebietseinheit) pair of a file."""
    if not has_area and not any(geo for geo, _ in pairs):
        return {pair: Place(*LAND) for pair in pairs}

    def keyless(geo: str) -> bool:
        return geo in ("", NOT_AVAILABLE)

    coded = {
        (geo, area): place(geo, area if has_area else None)
        for geo, area in pairs
        if not keyless(geo)
    }
    by_name: dict[str, set[Place]] = {}
    for (_, area), found in coded.items():
        if found.code and area:
            by_name.setdefault(area, set()).add(found)
    one = {area: next(iter(found)) for area, found in by_name.items() if len(found) == 1}
    keyed_by_name = {
        (geo, area): place(geo, area if has_area else None, one, keyed=keyed)
        for geo, area in pairs
        if keyless(geo)
    }
    return coded | keyed_by_name


def _regions(
    rows: pl.DataFrame, names: list[str], file: str, skipped: list[Problem]
) -> pl.DataFrame:
    """region_code, region_name and the category (breakdown and layer), per row."""
    area = pl.col(AREA).str.strip_chars() if AREA in names else pl.lit("")
    geo = pl.col(GEOCODE).str.strip_chars() if GEOCODE in names else pl.lit("")
    rows = rows.with_columns(geo.alias("geo"), area.alias("area"))
    codes = {c for c in rows["geo"].unique().to_list() if c}
    keyed = GEOCODE in names
    if codes and all(_NATIONALITY_KEY.fullmatch(c) for c in codes):
        # 1-2-5: the column holds the nationality's key (W121 Albanien), named in another column.
        rows = rows.with_columns(pl.lit("").alias("geo"))
        keyed = False
    pairs = rows.select("geo", "area").unique().sort("geo", "area").rows()
    places = _places(pairs, AREA in names, keyed)

    problems = []
    for (geo, area), found in sorted(places.items()):
        if found.error:
            where = rows.filter((pl.col("geo") == geo) & (pl.col("area") == area))
            column = quoted(GEOCODE if keyed else AREA)
            problems.append(Problem(file, found.error, line=where["line"].min(), column=column))
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise SourceFileError(problems[:SHOWN_LINES])
    table = pl.DataFrame(
        [(g, a, p.code, p.name, p.layer, p.skip) for (g, a), p in places.items()],
        schema={
            "geo": pl.String,
            "area": pl.String,
            "region_code": pl.String,
            "region_name": pl.String,
            "layer": pl.String,
            "skip_reason": pl.String,
        },
        orient="row",
    )
    rows = rows.join(table, on=["geo", "area"], how="left")
    rows = _skip(
        rows, pl.col("skip_reason").is_not_null(), skipped, file, "skip_reason", str, GEOCODE
    )
    _check_one_name_per_key(rows, file)
    layer = pl.when(pl.col("layer").is_not_null()).then(
        pl.lit(f"{LAYER_LABEL}: ") + pl.col("layer")
    )
    category = pl.concat_str("breakdown", layer, separator=" | ", ignore_nulls=True)
    return rows.with_columns(category.replace("", None).alias("category"))


def _check_one_name_per_key(rows: pl.DataFrame, file: str) -> None:
    names = (
        rows.group_by("region_code")
        .agg(pl.col("region_name").unique(maintain_order=True), pl.col("line").min())
        .filter(pl.col("region_name").list.len() > 1)
        .sort("line")
    )
    problems = [
        Problem(
            file,
            f"one key, {row['region_code']}, names several regions ("
            + ", ".join(quoted(n) for n in row["region_name"][:3])
            + "); expected one region per GeoCode",
            line=row["line"],
            column=quoted(GEOCODE),
        )
        for row in names.head(SHOWN_LINES).iter_rows(named=True)
    ]
    if problems:
        raise SourceFileError(problems)


# --- values ----------------------------------------------------------------------------------


def _cells() -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """(cell, number, is_symbol, is_number) over `Value`."""
    cell = pl.col(VALUE).str.strip_chars()
    number = pl.when(cell.str.contains(NUMBER)).then(cell).cast(pl.Float64, strict=False)
    return cell, number, cell.is_in(list(SYMBOLS)), number.is_finite().fill_null(False)


def _value_and_flag(names: list[str]) -> tuple[pl.Expr, pl.Expr]:
    cell, number, is_symbol, is_number = _cells()
    comment = (
        pl.col(COMMENT).str.strip_chars().replace("", None)
        if COMMENT in names
        else pl.lit(None, pl.String)
    )
    value = pl.when(is_number).then(number).alias("value")
    flag = pl.when(is_symbol).then(cell).otherwise(comment).alias("flag")
    return value, flag


def _check_values(rows: pl.DataFrame, file: str) -> None:
    cell, _, is_symbol, is_number = _cells()
    wrong = rows.filter(~(is_symbol | is_number | (cell == ""))).sort("line")
    problems = []
    for row in wrong.head(SHOWN_LINES).iter_rows(named=True):
        raw = row[VALUE].strip()
        if re.fullmatch(NUMBER, raw):
            message = f"{quoted(raw)} is too large for a number; expected a published value"
        else:
            message = (
                f"{quoted(raw)} is neither a number with a decimal point (e.g. 1234 or 12.5) "
                f"nor a published symbol ({SYMBOL_LIST})"
            )
        problems.append(Problem(file, message, line=row["line"], column=quoted(VALUE)))
    if wrong.height > SHOWN_LINES:
        problems.append(Problem(file, f"… and {wrong.height - SHOWN_LINES} more values like these"))
    if problems:
        raise SourceFileError(problems)


KEY = ["period", "reference_date", "region_code", "sex", "nationality", "category", "unit"]


def _unique(tidy: pl.DataFrame, file: str, skipped: list[Problem]) -> pl.DataFrame:
    """One row per key. A row that repeats an earlier one with the same value and flag (1-2-8
    lists its 2023 block twice) is kept once, with a warning. Where two rows give different
    values for one key (2-1-5, line 13501), nobody can tell which is right: the value is not
    guessed but kept as missing with the published symbol "/" (too uncertain), and a warning
    names both lines."""
    tidy = tidy.with_columns(
        pl.col("line").min().over(KEY).alias("first"),
        (pl.struct("value", "flag").n_unique().over(KEY) > 1).alias("conflict"),
    )
    conflicts = tidy.filter("conflict").sort("line")
    if conflicts.height:
        groups = (
            conflicts.group_by(KEY).agg(pl.col("line").sort()).sort(pl.col("line").list.first())
        )
        pairs = "; ".join(
            " = ".join(map(str, lines)) for lines in groups["line"].head(SHOWN_LINES).to_list()
        )
        reason = (
            f"rows give different values for the same key ({pairs}); kept as one value "
            "marked „/“ (too uncertain), never guessed"
        )
        later = conflicts.filter(pl.col("line") != pl.col("first"))["line"].to_list()
        skipped.append(_skipped(file, reason, later, VALUE))
        tidy = tidy.with_columns(
            pl.when("conflict").then(None).otherwise(pl.col("value")).alias("value"),
            pl.when("conflict").then(pl.lit("/")).otherwise(pl.col("flag")).alias("flag"),
        )
    repeats = tidy.filter((pl.col("line") != pl.col("first")) & ~pl.col("conflict")).sort("line")
    if repeats.height:
        pairs = ", ".join(
            f"{line} = {first}" for line, first in repeats.select("line", "first").head(3).rows()
        )
        reason = f"a row repeats an earlier one with the same key and value ({pairs}, …)"
        skipped.append(_skipped(file, reason, repeats["line"].to_list(), VALUE))
    return tidy.filter(pl.col("line") == pl.col("first")).drop("first", "conflict")


# --- measure ---------------------------------------------------------------------------------


def _units(rows: pl.DataFrame) -> list[str]:
    return sorted(u for u in rows[UNITS].str.strip_chars().unique().to_list() if u)


def _measure(path: Path, file: str, units: list[str]) -> pl.Expr:
    title = indicator_title(path, file)
    if len(units) < 2:
        return pl.lit(title)
    unit = pl.col(UNITS).str.strip_chars()
    return (
        pl.when(unit != "").then(pl.lit(f"{title} (") + unit + pl.lit(")")).otherwise(pl.lit(title))
    )


def indicator_id(path: Path) -> str | None:
    """The indicator's id from a published file name: `indicator_1-2-1.csv` → "1-2-1"."""
    found = re.fullmatch(r"indicator_([0-9]+(?:-[0-9]+)+)", path.stem)
    return found[1] if found else None


def indicator_title(path: Path, file: str) -> str:
    """The measure's name: the published title of the file's indicator (see the module doc)."""
    ident = indicator_id(path)
    if ident is None:
        return path.stem
    key = f"{ident}-title"
    for folder in (path.parent, path.parent.parent):
        meta = folder / "meta" / f"{ident}.md"
        if meta.is_file():
            name = _front_matter_value(_read_metadata(meta, file), "indicator_name")
            if name and not name.startswith("global_indicators."):
                return name
            if name:
                key = name.removeprefix("global_indicators.")
            break
    for folder in (path.parent, path.parent.parent):
        titles = folder / "global_indicators.de.yml"
        if titles.is_file():
            title = _yaml_value(_read_metadata(titles, file), key)
            if title:
                return title
            break
    return f"Indikator {ident.replace('-', '.')}"


def _read_metadata(path: Path, file: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceFileError.one(
            file, f"its metadata {named(display_name(path))} cannot be read ({exc})"
        ) from None


def _front_matter_value(text: str, key: str) -> str | None:
    """A top-level value of the YAML front matter between the first two `---` lines."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), len(lines))
    return _yaml_value("\n".join(lines[1:end]), key)


def _yaml_value(text: str, key: str) -> str | None:
    """The scalar of a top-level `key: value` line; enough for the platform's title files and
    front matter, which hold one plain or quoted scalar per line (no YAML library needed).

    >>> _yaml_value("1-2-1-title: Ausländer\\n1-2-2-title: 'A ''b'''", "1-2-2-title")
    "A 'b'"
    >>> _yaml_value("2-2-5-title:\\n", "2-2-5-title") is None
    True
    """
    for line in text.split("\n"):
        if line.startswith(f"{key}:"):
            value = line[len(key) + 1 :].strip()
            if len(value) >= 2 and value[0] == value[-1] == "'":
                value = value[1:-1].replace("''", "'")
            elif len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            return value or None
    return None
