"""What every reader shares: the tidy schema, encodings, German numbers, the published symbols.

The statistical offices mark a cell without a number by a symbol. We keep the symbol as a flag
beside a null value and never turn it into a number here; whether "-" may count as zero is the
analyst's decision per indicator series (see DESIGN.md).
"""

from __future__ import annotations

import codecs
import io
import re
from pathlib import Path

import polars as pl

from etl.errors import SourceFileError

# The published special values (Zeichenerklärung of GENESIS and the Regionalstatistik).
SYMBOLS: dict[str, str] = {
    "-": "nichts vorhanden",
    ".": "Zahlenwert unbekannt oder geheim zu halten",
    "x": "Tabellenfach gesperrt, weil Aussage nicht sinnvoll",
    "...": "Angabe fällt später an",
    "/": "keine Angaben, da Zahlenwert nicht sicher genug",
}
SYMBOL_LIST = "- . x ... /"

# A German number: optional sign, digits with or without thousands dots, optional decimal comma.
GERMAN_NUMBER = r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$"

TOTAL = "insgesamt"

# An official region key: DG (Germany), Land (2), Regierungsbezirk (3), Kreis (5), Gemeinde (8),
# Gemeindeverband (9) or the 12-digit Regionalschlüssel.
REGION_CODE = r"^(?:DG|\d{2}|\d{3}|\d{5}|\d{8}|\d{9}|\d{12})$"

TIDY_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "measure": pl.String(),
    "unit": pl.String(),
    "region_code": pl.String(),
    "region_name": pl.String(),
    "period": pl.Int32(),
    "reference_date": pl.Date(),
    "sex": pl.String(),
    "nationality": pl.String(),
    "category": pl.String(),
    "value": pl.Float64(),
    "flag": pl.String(),
    # Not in the list, but lineage: the line of the source file the value stands on.
    "line": pl.Int64(),
}
TIDY_COLUMNS = list(TIDY_SCHEMA)

_SEX = {
    "männlich": "männlich",
    "maennlich": "männlich",
    "m": "männlich",
    "weiblich": "weiblich",
    "w": "weiblich",
    "divers": "divers",
    "d": "divers",
    "insgesamt": TOTAL,
    "zusammen": TOTAL,
    "": TOTAL,
}
_NATIONALITY = {
    "deutsch": "deutsch",
    "deutsche": "deutsch",
    "ausländisch": "ausländisch",
    "ausländer": "ausländisch",
    "ausländer/-innen": "ausländisch",
    "ausländerinnen und ausländer": "ausländisch",
    "nichtdeutsch": "ausländisch",
    "nichtdeutsche": "ausländisch",
    "insgesamt": TOTAL,
    "zusammen": TOTAL,
    "": TOTAL,
}
SEX_LABELS = frozenset(_SEX) - {"", "m", "w", "d"}
NATIONALITY_LABELS = frozenset(_NATIONALITY) - {""}


def display_name(path: Path) -> str:
    """The file as a user would name it: relative to the working directory where possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def decode(data: bytes, file: str) -> tuple[str, str]:
    """Decode a published text file whose encoding nobody states; returns (text, encoding).

    UTF-8 (with or without BOM) is tried first because it fails loudly on Latin-1 text. Of the
    two single-byte encodings, cp1252 differs from ISO-8859-1 only in 0x80-0x9F, which ISO-8859-1
    fills with control characters no published table contains: so those bytes decide.

    >>> decode("Bevölkerung".encode("cp1252"), "f.csv")
    ('Bevölkerung', 'iso-8859-1')
    >>> decode("Bevölkerung – Stand".encode("cp1252"), "f.csv")
    ('Bevölkerung – Stand', 'cp1252')
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise SourceFileError.one(
            file,
            "unknown encoding: the file looks like UTF-16 (Excel 'Unicode text'); "
            "expected the published CSV in UTF-8, ISO-8859-1 or cp1252",
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            start = exc.start + len(codecs.BOM_UTF8)
            raise _bad_byte(file, data, start, "UTF-8 (it has a BOM)") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if not re.search(rb"[\x80-\x9f]", data):
        return data.decode("iso-8859-1"), "iso-8859-1"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _bad_byte(file, data, exc.start, "UTF-8, ISO-8859-1 or cp1252") from None


def _bad_byte(file: str, data: bytes, offset: int, expected: str) -> SourceFileError:
    line = data.count(b"\n", 0, offset) + 1
    return SourceFileError.one(
        file,
        f"unknown encoding: byte 0x{data[offset]:02X} is not valid text; expected {expected}",
        line=line,
    )


def read_text(path: Path) -> tuple[str, str]:
    """Read and decode a file; a missing or unreadable file is a user error, not a traceback."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror}"
        raise SourceFileError.one(display_name(path), message) from None
    return decode(data, display_name(path))


def parse_values(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Expressions for (value, flag, is_bad) of a column of published cells.

    A cell is a German number, one of the published symbols, or wrong.

    >>> df = pl.DataFrame({"c": ["1.234,5", "12", "-", "...", "1,234.5", None]})
    >>> value, flag, bad = parse_values(pl.col("c"))
    >>> for row in df.select(value, flag, bad).rows():
    ...     print(row)
    (1234.5, None, False)
    (12.0, None, False)
    (None, '-', False)
    (None, '...', False)
    (None, None, True)
    (None, None, True)
    """
    cell = raw.str.strip_chars()
    is_symbol = cell.is_in(list(SYMBOLS))
    is_number = cell.str.contains(GERMAN_NUMBER)
    value = (
        pl.when(is_number)
        .then(cell.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .cast(pl.Float64)
        .alias("value")
    )
    flag = pl.when(is_symbol).then(cell).alias("flag")
    bad = (~(is_symbol | is_number)).fill_null(True).alias("bad")
    return value, flag, bad


def bad_value_error(file: str, line: int, column: str, cell: str | None) -> SourceFileError:
    shown = "an empty cell" if cell is None or not cell.strip() else f'"{cell}"'
    return SourceFileError.one(
        file,
        f"{shown} is neither a German number (e.g. 1234 or 1.234,5) "
        f"nor a published symbol ({SYMBOL_LIST})",
        line=line,
        column=column,
    )


def normalise_sex(label: pl.Expr) -> pl.Expr:
    """Map the published wording of sex to männlich / weiblich / divers / insgesamt."""
    key = label.str.strip_chars().str.to_lowercase()
    return key.replace(_SEX).fill_null(TOTAL)


def normalise_nationality(label: pl.Expr) -> pl.Expr:
    """Map the published wording of nationality to deutsch / ausländisch / insgesamt.

    Other groups (e.g. "EU-Ausland") are kept as published, in lower case.
    """
    key = label.str.strip_chars().str.to_lowercase()
    return key.replace(_NATIONALITY).fill_null(TOTAL)


def parse_time(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Expressions for (period, reference_date) from the published time cell.

    Accepts `2015`, `30.06.2015`, `2024-12-31` and semester codes like `2023-10P6M` (a period
    starting in October 2023). Anything else gives a null period, which the reader reports.

    >>> df = pl.DataFrame({"t": ["2015", "30.06.2015", "2024-12-31", "2023-10P6M", "15"]})
    >>> period, date = parse_time(pl.col("t"))
    >>> [(p, str(d)) for p, d in df.select(period, date).rows()][1:4]
    [(2015, '2015-06-30'), (2024, '2024-12-31'), (2023, '2023-10-01')]
    >>> [p for p, _ in df.select(period, date).rows()]
    [2015, 2015, 2024, 2023, None]
    """
    t = raw.str.strip_chars()
    german = t.str.extract_groups(r"^(\d{2})\.(\d{2})\.(\d{4})$")
    iso = t.str.extract_groups(r"^(\d{4})-(\d{2})-(\d{2})$")
    semester = t.str.extract_groups(r"^(\d{4})-(\d{2})P\d+M$")
    year_only = t.str.extract(r"^(\d{4})$")
    period = pl.coalesce(
        year_only,
        german.struct.field("3"),
        iso.struct.field("1"),
        semester.struct.field("1"),
    ).cast(pl.Int32)
    date_text = pl.coalesce(
        pl.concat_str(
            german.struct.field("3"),
            german.struct.field("2"),
            german.struct.field("1"),
            separator="-",
        ),
        pl.concat_str(
            iso.struct.field("1"), iso.struct.field("2"), iso.struct.field("3"), separator="-"
        ),
        pl.concat_str(
            semester.struct.field("1"), semester.struct.field("2"), pl.lit("01"), separator="-"
        ),
    )
    return period.alias("period"), date_text.str.to_date("%Y-%m-%d", strict=False).alias(
        "reference_date"
    )


def finish(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    """Bring a reader's result into the tidy schema, in the documented column order."""
    if "source" not in frame.columns:
        frame = frame.with_columns(pl.lit(source).alias("source"))
    return frame.select(
        pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
        for name, dtype in TIDY_SCHEMA.items()
    )


def width_error(text: str, width: int, file: str, first_line: int) -> SourceFileError:
    """Name the first line of `text` (numbered from `first_line`) without `width` fields."""
    for n, line in enumerate(text.splitlines(), start=first_line):
        count = len(line.split(";"))
        if line and count != width:
            return SourceFileError.one(
                file, f"expected {width} fields separated by ';', found {count}", line=n
            )
    return SourceFileError.one(file, "the rows could not be split into fields")


def read_table(text: str, file: str) -> pl.DataFrame:
    """A `;`-separated table with one header row, every cell as text, rows numbered in `line`."""
    try:
        rows = pl.read_csv(
            io.BytesIO(text.encode("utf-8")), separator=";", infer_schema=False, quote_char='"'
        )
    except pl.exceptions.NoDataError:
        raise SourceFileError.one(
            file, "the file is empty; expected a header and data rows"
        ) from None
    except pl.exceptions.ComputeError:
        header, _, body = text.partition("\n")
        raise width_error(body, len(header.split(";")), file, first_line=2) from None
    return rows.with_row_index("line", offset=2).with_columns(pl.col("line").cast(pl.Int64))
