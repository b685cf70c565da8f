"""Flat-file CSV ("ffcsv") of GENESIS-Online and the Regionalstatistik API, plain or in its ZIP.

One row per value: `statistics_code;…;time;1_variable_code;1_variable_label;
1_variable_attribute_code;1_variable_attribute_label;…;value;value_unit;value_variable_code;
value_variable_label` (and `value_q` where quality flags were asked for). Which variable is the
region, the sex or the nationality is read from each row's variable code, because one variable
may mix regional levels (Germany, Länder, Kreise) from row to row.
"""

from __future__ import annotations

import lzma
import struct
import zipfile
import zlib
from itertools import zip_longest
from pathlib import Path

import polars as pl

from etl.errors import Problem, SourceFileError, named, quoted
from etl.readers._common import (
    TOTAL,
    bad_value_error,
    display_name,
    finish,
    normalise_nationality,
    normalise_sex,
    parse_time,
    parse_values,
    read_table,
    read_text,
    text_of,
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
# Present only where quality flags were asked for.
QUALITY = "value_q"

# A ZIP is only a wrapper around one CSV; these limits refuse a member that would fill the memory
# (a "ZIP bomb") before it is unpacked. The largest published flat file we know unpacks to about
# 1 MB at 22 times its packed size; a national table of every Gemeinde stays far below both.
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200
# Below this size a high ratio costs nothing (a short CSV of repeated lines packs very well).
RATIO_FROM_BYTES = 1024 * 1024
_CHUNK = 1024 * 1024
_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "lzma",
}
# What the zipfile module and its decompressors raise on a damaged archive: a broken directory
# (BadZipFile, struct.error), a cut stream (EOFError), a broken stream (zlib.error, LZMAError,
# OSError from bz2), an unsupported feature (NotImplementedError), a password (RuntimeError) and
# odd header values (ValueError, OverflowError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
    OverflowError,
    zlib.error,
    lzma.LZMAError,
    struct.error,
)


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
    text, file = _text(path, file)
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
    variables = _variables(rows.columns, file)
    return _tidy(rows, variables, file, source)


def _variables(columns: list[str], file: str) -> list[int]:
    """The variables' numbers, from a header that must be the API's layout exactly.

    A header cell that differs is refused, never skipped: with "2_variable_code" misspelt the
    second variable (sex, say) would drop out and every row would read as a total.
    """
    found = [c for c in columns if c not in {QUALITY, "line"}]
    n = max((len(found) - len(header(0).split(";"))) // 4, 0)
    expected = header(n).split(";")
    if found != expected:
        at = next(i for i, (a, b) in enumerate(zip_longest(found, expected)) if a != b)
        what = f"is {named(found[at])}" if at < len(found) else "is missing"
        should = f"expected {expected[at]}" if at < len(expected) else "expected no more columns"
        raise SourceFileError.one(
            file,
            f"column {at + 1} of the header {what}; {should}, as in the flat-file layout with "
            f"{n} variable(s)",
            line=1,
        )
    return list(range(1, n + 1))


def _text(path: Path, file: str) -> tuple[str, str]:
    """The CSV text, and the name its errors go by: the file, or `archive.zip!member.csv`."""
    if path.suffix.lower() != ".zip":
        return read_text(path)[0], file
    try:
        with zipfile.ZipFile(path) as archive:
            info = _the_csv(archive, file)
            member = f"{file}!{named(info.filename)}"
            _check_size(info, member)
            data = _unpack(archive, info, member)
    except FileNotFoundError:
        raise SourceFileError.one(file, "cannot read the file: no such file") from None
    except UnicodeDecodeError:
        # zipfile decodes a name marked as UTF-8 without a fallback.
        raise SourceFileError.one(
            file,
            "a file name inside the ZIP is marked as UTF-8 but is not; "
            "expected the archive as downloaded",
        ) from None
    except _ZIP_ERRORS as exc:
        reason = quoted(str(exc) or type(exc).__name__)
        raise SourceFileError.one(
            file, f"not a readable ZIP archive ({reason}); expected the archive as downloaded"
        ) from None
    return text_of(data, member)[0], member


def _the_csv(archive: zipfile.ZipFile, file: str) -> zipfile.ZipInfo:
    members = [i for i in archive.infolist() if i.filename.lower().endswith(".csv")]
    if len(members) != 1:
        names = ", ".join(quoted(i.filename, limit=40) for i in members[:5])
        raise SourceFileError.one(
            file,
            f"expected exactly one .csv file inside the ZIP, found {len(members)}"
            + (f" ({names}{', …' if len(members) > 5 else ''})" if members else ""),
        )
    info = members[0]
    if info.flag_bits & 0x1:
        raise SourceFileError.one(
            file, "the CSV inside the ZIP is encrypted; expected the archive as downloaded"
        )
    if info.compress_type not in _METHODS:
        raise SourceFileError.one(
            file,
            f"the CSV inside the ZIP is packed with method {info.compress_type}, which cannot be "
            f"unpacked; expected one of {', '.join(_METHODS.values())}",
        )
    return info


def _check_size(info: zipfile.ZipInfo, member: str) -> None:
    """Refuse by the sizes the archive declares, before unpacking a byte."""
    if info.file_size > MAX_MEMBER_BYTES:
        raise SourceFileError.one(
            member,
            f"would unpack to {info.file_size / 2**20:,.0f} MB; at most "
            f"{MAX_MEMBER_BYTES // 2**20} MB are read",
        )
    if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * info.compress_size:
        raise SourceFileError.one(
            member,
            f"would unpack to {info.file_size / max(info.compress_size, 1):,.0f} times its "
            f"packed size; at most {MAX_RATIO} times (a ZIP bomb?)",
        )


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, member: str) -> bytes:
    """The member's bytes, read in chunks and counted: a declared size may lie."""
    limit = min(MAX_MEMBER_BYTES, max(RATIO_FROM_BYTES, MAX_RATIO * info.compress_size))
    data = bytearray()
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            data += chunk
            if len(data) > limit:
                raise SourceFileError.one(
                    member,
                    f"unpacks to more than {limit:,} bytes, beyond what its packed size of "
                    f"{info.compress_size:,} bytes allows (at most {MAX_RATIO} times, "
                    f"{MAX_MEMBER_BYTES // 2**20} MB)",
                )
    return bytes(data)


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
    if QUALITY in rows.columns:
        quality = pl.col(QUALITY).str.strip_chars()
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
                f"time {quoted(row['time_cell'] or '')} is not a year (2024), a date "
                "(2024-12-31) or a semester code (2023-10P6M)",
                line=row["line"],
                column='"time"',
            )
        )
    wrong = tidy.filter(pl.col("bad"))
    for row in wrong.head(5).iter_rows(named=True):
        problems.extend(bad_value_error(file, row["line"], '"value"', row["cell"]).problems)
    if wrong.height > 5:
        problems.append(Problem(file, f"… and {wrong.height - 5} more values like these"))
    no_measure = tidy.filter(pl.col("measure").fill_null("") == "")
    if no_measure.height:
        problems.append(
            Problem(
                file,
                "empty cell: expected the measure's name",
                line=int(no_measure["line"][0]),
                column='"value_variable_label"',
            )
        )
    no_region = tidy.filter(pl.col("region_code").fill_null("") == "")
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
