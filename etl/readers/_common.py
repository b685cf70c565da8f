r"""What every reader shares: the tidy schema, encodings, German numbers, the published symbols.

The statistical offices mark a cell without a number by a symbol. We keep the symbol as a flag
beside a null value and never turn it into a number here; whether "-" may count as zero is the
analyst's decision per indicator series (see DESIGN.md).

One definition of a line holds in every reader: `\n`, `\r\n` and a bare `\r` end a line, and
nothing else does (not the form feed, U+2028 or the other separators Python's `splitlines()`
knows). `read_text` turns every line end into `\n`, so Python's `split("\n")`, offsets counted
by `\n` and the polars CSV parser all see the same lines. Digits are ASCII only: the regex class
`\d` of polars and of Python also matches "１２" or "٢٠١٩", which no statistical office writes.
"""

from __future__ import annotations

import codecs
import io
import re
from pathlib import Path

import polars as pl

from etl.errors import SourceFileError, quoted
from vocabulary import AUSLAENDISCH, DEUTSCH, DIVERS, MAENNLICH, TOTAL, WEIBLICH

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
GERMAN_NUMBER = r"^[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?$"


# An official region key: DG (Germany), Land (2), Regierungsbezirk (3), Kreis (5), Gemeinde (8),
# Gemeindeverband (9) or the 12-digit Regionalschlüssel.
REGION_CODE = r"^(?:DG|[0-9]{2}|[0-9]{3}|[0-9]{5}|[0-9]{8}|[0-9]{9}|[0-9]{12})$"

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
    "männlich": MAENNLICH,
    "maennlich": MAENNLICH,
    "m": MAENNLICH,
    "männer": MAENNLICH,
    "weiblich": WEIBLICH,
    "w": WEIBLICH,
    "frauen": WEIBLICH,
    "divers": DIVERS,
    "d": DIVERS,
    "insgesamt": TOTAL,
    "zusammen": TOTAL,
    "": TOTAL,
}
_NATIONALITY = {
    "deutsch": DEUTSCH,
    "deutsche": DEUTSCH,
    "ausländisch": AUSLAENDISCH,
    "ausländer": AUSLAENDISCH,
    "ausländer/-innen": AUSLAENDISCH,
    "ausländer(innen)": AUSLAENDISCH,
    "ausländerinnen": AUSLAENDISCH,
    "ausländerinnen und ausländer": AUSLAENDISCH,
    "nichtdeutsch": AUSLAENDISCH,
    "nichtdeutsche": AUSLAENDISCH,
    "insgesamt": TOTAL,
    "zusammen": TOTAL,
    "": TOTAL,
}
SEX_LABELS = frozenset(_SEX) - {"", "m", "w", "d"}
NATIONALITY_LABELS = frozenset(_NATIONALITY) - {""}
TOTAL_LABELS = frozenset({TOTAL, "zusammen"})
# A header cell that names a dimension rather than holding one of its values (Regionalstatistik:
# "Nationalität" above "Insgesamt | Ausländer(innen)", "Geschlecht" above "männlich | weiblich").
DIMENSION_NAMES: dict[str, str] = {
    "geschlecht": "sex",
    "nationalität": "nationality",
    "staatsangehörigkeit": "nationality",
}


def sex_word(label: str) -> str | None:
    """The project's word for a published sex label, or None where the label is none.

    >>> sex_word(" Männer "), sex_word("Insgesamt"), sex_word("Beamte"), sex_word("")
    ('männlich', 'insgesamt', None, None)
    """
    key = label.strip().lower()
    return _SEX.get(key) if key in SEX_LABELS else None


def nationality_word(label: str) -> str | None:
    """The project's word for a published nationality label, or None where the label is none.

    >>> nationality_word("Ausländer(innen)"), nationality_word("Deutsche"), nationality_word("x")
    ('ausländisch', 'deutsch', None)
    """
    key = label.strip().lower()
    return _NATIONALITY.get(key) if key in NATIONALITY_LABELS else None


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
    >>> try:
    ...     decode("Göttingen".encode() + bytes([0xFF]), "f.csv")
    ... except SourceFileError as exc:
    ...     print(exc.problems[0].message)
    unknown encoding: byte 0xFF is not valid text; expected UTF-8, like the rest of the file
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _mostly_nul(data[:4096]):
        raise SourceFileError.one(
            file,
            "unknown encoding: the file looks like UTF-16 (Excel 'Unicode text'); "
            "expected the published CSV in UTF-8, ISO-8859-1 or cp1252",
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceFileError.one(
            file,
            "byte 0x00 (NUL) is not text: the file is damaged or not a CSV; "
            "expected the published CSV in UTF-8, ISO-8859-1 or cp1252",
            line=line_of_offset(data, nul),
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            start = exc.start + len(codecs.BOM_UTF8)
            raise _bad_byte(file, data, start, "UTF-8 (it has a BOM)") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        # UTF-8 elsewhere in the file: one damaged byte, not a Latin-1 file. Read as Latin-1,
        # every umlaut of the data rows would silently turn into two wrong letters ("Ã¶").
        if _has_utf8_sequence(data):
            raise _bad_byte(file, data, exc.start, "UTF-8, like the rest of the file") from None
    if not re.search(rb"[\x80-\x9f]", data):
        return data.decode("iso-8859-1"), "iso-8859-1"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _bad_byte(file, data, exc.start, "UTF-8, ISO-8859-1 or cp1252") from None


# A multi-byte UTF-8 character; in German Latin-1 or cp1252 text these byte pairs do not occur
# ("Ã" followed by "¶" and the like). Each byte is mapped to its class (lead byte of a 2-, 3- or
# 4-byte sequence, continuation byte, other) so that plain `find` replaces a regex over a file
# of many megabytes: [\xc2-\xdf][\x80-\xbf], [\xe0-\xef][\x80-\xbf]{2}, [\xf0-\xf4][\x80-\xbf]{3}.
_BYTE_CLASS = bytes(
    ord("2")
    if 0xC2 <= b <= 0xDF
    else ord("3")
    if 0xE0 <= b <= 0xEF
    else ord("4")
    if 0xF0 <= b <= 0xF4
    else ord("c")
    if 0x80 <= b <= 0xBF
    else ord(".")
    for b in range(256)
)


def _has_utf8_sequence(data: bytes) -> bool:
    """Whether `data` holds a well-formed multi-byte UTF-8 character anywhere.

    >>> _has_utf8_sequence("Göttingen".encode()), _has_utf8_sequence("Göttingen".encode("cp1252"))
    (True, False)
    >>> _has_utf8_sequence(bytes([0xE2, 0x80, 0x93])), _has_utf8_sequence(bytes([0xE2, 0x80]))
    (True, False)
    """
    classes = data.translate(_BYTE_CLASS)
    return any(classes.find(pattern) >= 0 for pattern in (b"2c", b"3cc", b"4ccc"))


def _mostly_nul(head: bytes) -> bool:
    """UTF-16 without its BOM: every second byte of Latin text is 0x00."""
    return bool(head) and head.count(b"\x00") * 4 >= len(head)


def line_of_offset(data: bytes, offset: int) -> int:
    r"""The 1-based line of a byte offset, by the one line rule (`\n`, `\r\n`, bare `\r`).

    >>> line_of_offset(b"a\r\nb\rc\nd", 8)
    4
    """
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _bad_byte(file: str, data: bytes, offset: int, expected: str) -> SourceFileError:
    return SourceFileError.one(
        file,
        f"unknown encoding: byte 0x{data[offset]:02X} is not valid text; expected {expected}",
        line=line_of_offset(data, offset),
    )


def one_line_end(text: str) -> str:
    r"""Every line end (`\r\n`, bare `\r`) as `\n`: the one definition of a line all readers use.

    >>> one_line_end("a\r\nb\rc\fd\u2028e\n").split("\n")
    ['a', 'b', 'c\x0cd\u2028e', '']
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_of(data: bytes, file: str) -> tuple[str, str]:
    """Decoded text with its line ends made one (see the module docstring); (text, encoding)."""
    text, encoding = decode(data, file)
    return one_line_end(text), encoding


def read_text(path: Path) -> tuple[str, str]:
    """Read and decode a file; a missing or unreadable file is a user error, not a traceback."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror}"
        raise SourceFileError.one(display_name(path), message) from None
    return text_of(data, display_name(path))


def header_cells(text: str) -> list[str]:
    """The cells of line 1 as a header check and format detection see them."""
    return text.split("\n", 1)[0].strip().split(";")


def parse_values(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Expressions for (value, flag, is_bad) of a column of published cells.

    A cell is a German number that fits a float, one of the published symbols, or wrong: a
    number too large for a float would be stored as infinity, so it is wrong too.

    >>> df = pl.DataFrame({"c": ["1.234,5", "12", "-", "...", "1,234.5", None, "9" * 400, "１２"]})
    >>> value, flag, bad = parse_values(pl.col("c"))
    >>> for row in df.select(value, flag, bad).rows():
    ...     print(row)
    (1234.5, None, False)
    (12.0, None, False)
    (None, '-', False)
    (None, '...', False)
    (None, None, True)
    (None, None, True)
    (None, None, True)
    (None, None, True)
    """
    cell = raw.str.strip_chars()
    return _judged(cell, _german_number(cell))


def with_values(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """`frame` with the columns value, flag and bad of its `column` of published cells: the rule
    of `parse_values`, evaluated in stages so that each cell is stripped and parsed once (on a
    few million cells, a quarter of the time of the single expression)."""
    staged = frame.with_columns(pl.col(column).str.strip_chars().alias("_cell"))
    staged = staged.with_columns(_german_number(pl.col("_cell")).alias("_number"))
    return staged.with_columns(*_judged(pl.col("_cell"), pl.col("_number"))).drop(
        "_cell", "_number"
    )


def _german_number(cell: pl.Expr) -> pl.Expr:
    return (
        pl.when(cell.str.contains(GERMAN_NUMBER))
        .then(cell.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .cast(pl.Float64, strict=False)
    )


def _judged(cell: pl.Expr, number: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    is_symbol = cell.is_in(list(SYMBOLS))
    is_number = number.is_finite().fill_null(False)
    value = pl.when(is_number).then(number).alias("value")
    flag = pl.when(is_symbol).then(cell).alias("flag")
    bad = (~(is_symbol | is_number)).fill_null(True).alias("bad")
    return value, flag, bad


def bad_value_error(file: str, line: int, column: str, cell: str | None) -> SourceFileError:
    if cell is not None and re.fullmatch(GERMAN_NUMBER, cell.strip()):
        message = (
            f"{quoted(cell.strip())} is too large for a number "
            "(at most about 1,8 × 10^308); expected a published value"
        )
    else:
        shown = "an empty cell" if cell is None or not cell.strip() else quoted(cell)
        message = (
            f"{shown} is neither a German number (e.g. 1234 or 1.234,5) "
            f"nor a published symbol ({SYMBOL_LIST})"
        )
    return SourceFileError.one(file, message, line=line, column=column)


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

    >>> df = pl.DataFrame({"t": ["2015", "30.06.2015", "2024-12-31", "2023-10P6M", "15", "٢٠١٩"]})
    >>> period, date = parse_time(pl.col("t"))
    >>> [(p, str(d)) for p, d in df.select(period, date).rows()][1:4]
    [(2015, '2015-06-30'), (2024, '2024-12-31'), (2023, '2023-10-01')]
    >>> [p for p, _ in df.select(period, date).rows()]
    [2015, 2015, 2024, 2023, None, None]
    """
    t = raw.str.strip_chars()
    german = t.str.extract_groups(r"^([0-9]{2})\.([0-9]{2})\.([0-9]{4})$")
    iso = t.str.extract_groups(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
    semester = t.str.extract_groups(r"^([0-9]{4})-([0-9]{2})P[0-9]+M$")
    year_only = t.str.extract(r"^([0-9]{4})$")
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
    lines = text.split("\n")
    for n, line in enumerate(lines, start=first_line):
        count = len(line.split(";"))
        if line and count != width:
            return SourceFileError.one(
                file, f"expected {width} fields separated by ';', found {count}", line=n
            )
    for n, line in enumerate(lines, start=first_line):
        if '"' in line:
            return SourceFileError.one(
                file,
                'a stray double quote (") inside a cell; a cell is either quoted whole '
                '("…") or holds no quote',
                line=n,
            )
    return SourceFileError.one(file, "the rows could not be split into fields")


def count_lines(text: str) -> int:
    r"""Lines by the one rule; a line end at the very end closes the last line, it opens none.

    >>> count_lines(""), count_lines("a"), count_lines("a\n"), count_lines("a\n\nb")
    (0, 1, 1, 3)
    """
    return text.count("\n") + (not text.endswith("\n")) if text else 0


def read_csv_lines(
    text: str, file: str, schema: dict[str, pl.DataType], first_line: int, *, quotes: bool
) -> pl.DataFrame:
    """`;`-separated rows without header, every cell as text, each row numbered by its line.

    Row n is line `first_line + n`, always: a quoted cell that runs over a line end is refused
    (no published or exported cell holds one; an unclosed quote would otherwise swallow the
    rows after it), so no row is ever lost between parser and count. Blank lines, and lines of
    empty cells only, hold no data and are dropped, with their line numbers.
    """
    width = len(schema)
    if not text:
        return pl.DataFrame(schema={**schema, "line": pl.Int64})
    try:
        rows = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            separator=";",
            has_header=False,
            schema=schema,
            quote_char='"' if quotes else None,
        )
    except pl.exceptions.PolarsError:
        raise width_error(text, width, file, first_line) from None
    expected = count_lines(text)
    if rows.height != expected:
        # Only a quote can merge lines; find the first cell that holds a line end.
        broken = rows.with_row_index("n").filter(
            pl.any_horizontal(pl.col(c).str.contains("\n", literal=True) for c in schema)
        )
        if broken.height:
            raise SourceFileError.one(
                file,
                'a quoted cell runs over the end of the line: a closing double quote (") is '
                "missing; expected every row on one line",
                line=first_line + int(broken["n"][0]),
            )
        raise SourceFileError.one(
            file, f"{expected:,} lines but {rows.height:,} rows could be read; check the quotes"
        )
    rows = rows.with_row_index("line", offset=first_line).with_columns(
        pl.col("line").cast(pl.Int64)
    )
    blank = pl.all_horizontal(
        pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in schema
    )
    return rows.filter(~blank)


def read_table(text: str, file: str, columns: list[str] | None = None) -> pl.DataFrame:
    """A `;`-separated table with one header row, every cell as text, rows numbered in `line`.

    With `columns`, line 1 has been checked by the caller and the rows are read under those
    names; without, line 1 names the columns.
    """
    header, _, body = text.partition("\n")
    if not header.strip() and not body.strip():
        raise SourceFileError.one(file, "the file is empty; expected a header and data rows")
    if columns is None:
        try:
            named = pl.read_csv(
                io.BytesIO(header.encode("utf-8")),
                separator=";",
                infer_schema=False,
                quote_char='"',
                n_rows=0,
            )
        except pl.exceptions.PolarsError as exc:
            raise SourceFileError.one(
                file, f"the header cannot be read ({quoted(str(exc))})", line=1
            ) from None
        columns = named.columns
    if "line" in columns:  # the name of the line number every reader adds
        raise SourceFileError.one(file, 'a column named "line" is part of no layout', line=1)
    schema: dict[str, pl.DataType] = {name: pl.String() for name in columns}
    if len(schema) != len(columns):
        twice = next(c for c in columns if columns.count(c) > 1)
        raise SourceFileError.one(
            file, f"the column {quoted(twice)} appears twice in the header", line=1
        )
    return read_csv_lines(body, file, schema, first_line=2, quotes=True)
