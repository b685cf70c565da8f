"""Mutations of real files, shared by the property tests (tests/test_fuzz_*.py) and `make fuzz`.

A mutation is a short list of `Op`s applied to the bytes of a shipped or sample file: a flipped
byte, an inserted control character, digit of another script, line end or huge cell, a deleted
or doubled stretch, a cut. The Hypothesis tests draw the ops with `ops()` and shrink a failure to
the smallest list; scripts/fuzz.py draws them with `random_ops()` from a seeded generator and
counts the outcomes. Either way a reader must return the tidy frame or raise the project's
EtlError with readable messages, nothing else.
"""

from __future__ import annotations

import io
import math
import random
import re
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from hypothesis import strategies as st

from etl import readers
from etl.errors import EtlError
from etl.readers import city

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "samples"

# Every control character a line-splitting function might take for a line end, or a parser for
# something else: C0 without tab, LF and CR, and the Unicode line and paragraph separators.
CONTROL = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\u2028", "\u2029", "\x85"]
FOREIGN_DIGITS = ["１２", "٢٠١٩", "۱۲", "१२", "߁߂", "𝟏𝟐", "๑๒", "²", "½"]
LINE_ENDS = ["\r", "\n", "\r\n", "\n\n", "\r\r", "\n\r"]
SYNTAX = [";", '"', '""', ";;", "__________", "GENESIS-Tabelle: 1", " ", "Insgesamt", "2015;"]
NUMBERS = ["9" * 400, "1" * 310, "1e400", "NaN", "inf", "-0", "1.234.567,89", "12.34", "0,5"]
SYMBOLS = ["-", ".", "x", "...", "/"]
RAW_BYTES = [b"\xef\xbb\xbf", b"\xff\xfe", b"\x80", b"\x81", b"\xc3", b"\xff", b"\x00", b"\xe4"]
PAYLOADS: list[bytes] = [
    *(t.encode("utf-8") for t in CONTROL + FOREIGN_DIGITS + LINE_ENDS + SYNTAX + NUMBERS + SYMBOLS),
    *RAW_BYTES,
]
# A message quotes at most ~80 characters of a cell; a problem line stays well below this.
MAX_MESSAGE = 1000


@dataclass(frozen=True)
class Op:
    """One change to a file's bytes; `at` is taken modulo the length, so any int is valid."""

    kind: str  # flip, insert, overwrite, delete, duplicate, truncate
    at: int
    size: int = 1
    payload: bytes = b""

    def apply(self, data: bytes) -> bytes:
        at = self.at % (len(data) + 1)
        if self.kind == "flip":
            if at == len(data):
                return data
            return data[:at] + bytes([data[at] ^ (self.size % 255 + 1)]) + data[at + 1 :]
        if self.kind == "insert":
            return data[:at] + self.payload + data[at:]
        if self.kind == "overwrite":
            return data[:at] + self.payload + data[at + len(self.payload) :]
        if self.kind == "delete":
            return data[:at] + data[at + self.size :]
        if self.kind == "duplicate":
            return data[:at] + data[at : at + self.size] + data[at:]
        if self.kind == "truncate":
            return data[:at]
        raise ValueError(f"unknown op {self.kind}")


def apply(data: bytes, ops: list[Op]) -> bytes:
    for op in ops:
        data = op.apply(data)
    return data


def ops(huge: int = 100_000, max_ops: int = 3) -> st.SearchStrategy[list[Op]]:
    """Hypothesis: one to `max_ops` changes; a huge cell is up to `huge` bytes long."""
    at = st.integers(0, 2**20)
    payload = st.one_of(
        st.sampled_from(PAYLOADS),
        st.binary(min_size=1, max_size=8),
        st.builds(
            lambda c, n: c * n, st.sampled_from([b"7", b"x", b";"]), st.integers(1_000, huge)
        ),
    )
    op = st.one_of(
        st.builds(Op, st.just("flip"), at, st.integers(1, 255)),
        st.builds(Op, st.just("insert"), at, st.just(0), payload),
        st.builds(Op, st.just("overwrite"), at, st.just(0), payload),
        st.builds(Op, st.just("delete"), at, st.integers(1, 200)),
        st.builds(Op, st.just("duplicate"), at, st.integers(1, 200)),
        st.builds(Op, st.just("truncate"), at),
    )
    return st.lists(op, min_size=1, max_size=max_ops)


def random_ops(rng: random.Random, huge: int) -> list[Op]:
    """The same kinds of change as `ops()`, drawn from a seeded generator for scripts/fuzz.py."""

    def payload() -> bytes:
        roll = rng.random()
        if roll < 0.75:
            return rng.choice(PAYLOADS)
        if roll < 0.95:
            return rng.randbytes(rng.randint(1, 8))
        return rng.choice([b"7", b"x", b";"]) * rng.randint(81, huge)

    result = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(
            ["flip", "insert", "insert", "overwrite", "delete", "duplicate", "truncate"]
        )
        at = rng.randint(0, 2**20)
        if kind in {"insert", "overwrite"}:
            result.append(Op(kind, at, 0, payload()))
        elif kind == "flip":
            result.append(Op(kind, at, rng.randint(1, 255)))
        else:
            result.append(Op(kind, at, rng.randint(1, 200)))
    return result


# --- the real files, by the format their reader expects -------------------------------------


def seeds() -> dict[str, list[Path]]:
    """Shipped files (data/raw, by sources.toml) and test samples, per format."""
    manifest = tomllib.loads((ROOT / "data" / "sources.toml").read_text("utf-8"))
    found: dict[str, list[Path]] = {}
    for source in manifest["source"]:
        path = ROOT / "data" / source["file"]
        fmt = "ffcsv-zip" if path.suffix == ".zip" else source["format"]
        found.setdefault(fmt, []).append(path)
    for path in sorted(SAMPLES.glob("*.csv")):
        found.setdefault(readers.detect_format(path), []).append(path)
    return dict(sorted(found.items()))


_DATA_ROW = re.compile(rb"^(?:[0-9]{4}|[0-9]{2}\.[0-9]{2}\.[0-9]{4});")


def title_end(data: bytes, fuzz_format: str) -> int:
    """The offset of the line end that closes the title block: the lines above the first data
    row (GENESIS: title and column header; the others: the header line). A change before it
    that adds or removes no line end must leave the data rows as they are."""
    offset = 0
    for line in data.split(b"\n"):
        if fuzz_format != "genesis" or _DATA_ROW.match(line):
            break
        offset += len(line) + 1
    if fuzz_format != "genesis":
        offset = data.index(b"\n") + 1
    end = offset - 1
    return end - 1 if data[end - 1 : end] == b"\r" else end


def title_change(
    data: bytes, fuzz_format: str, kind: str, at: int, payload: bytes, line: int | None = None
) -> bytes:
    """`payload` inserted into, or written over, the title block; never over a line end. With
    `line`, at the start of that line of the block (where a header row has its empty cell)."""
    end = title_end(data, fuzz_format)
    at = at % (end + 1)
    if line is not None:
        starts = [0] + [i + 1 for i in range(end) if data[i] == ord("\n")]
        at = starts[line % len(starts)]
    if data[at - 1 : at + 1] == b"\r\n":
        at -= 1  # between CR and LF would make two line ends of one
    stretch = data[at : at + len(payload)]
    if kind == "overwrite" and at + len(payload) <= end and not re.search(rb"[\r\n]", stretch):
        return data[:at] + payload + data[at + len(payload) :]
    return data[:at] + payload + data[at:]


# What may go into a title line without making a new line.
TITLE_PAYLOADS = [p for p in PAYLOADS if b"\n" not in p and b"\r" not in p]


def reader_format(fuzz_format: str) -> str:
    return "ffcsv" if fuzz_format == "ffcsv-zip" else fuzz_format


FORMATS = ["genesis", "ffcsv", "ffcsv-zip", *city.FORMATS]


# --- ZIP archives: the member's bytes and the archive's own structure ------------------------

ZIP_VARIANTS = [
    "deflate",
    "stored",
    "bzip2",
    "lzma",
    "encrypted",
    "method 99",
    "method 77",
    "version 9.9",
    "name not UTF-8",
    "two csv",
    "no csv",
    "size says less",
    "size says more",
    "size says 600 MB",
    "packed size says 1 byte",
]
_METHOD = {
    "deflate": zipfile.ZIP_DEFLATED,
    "stored": zipfile.ZIP_STORED,
    "bzip2": zipfile.ZIP_BZIP2,
    "lzma": zipfile.ZIP_LZMA,
}


def make_zip(member: bytes, variant: str = "deflate", name: str = "12411_de_flat.csv") -> bytes:
    """A ZIP holding `member`, built as the API builds it and then changed as `variant` says."""
    if variant == "name not UTF-8":
        name = "ä" + name  # stored as UTF-8 with flag 0x800; its bytes are broken below
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=_METHOD.get(variant, zipfile.ZIP_DEFLATED)) as z:
        if variant == "no csv":
            z.writestr(name.removesuffix(".csv") + ".txt", member)
        else:
            z.writestr(name, member)
        if variant == "two csv":
            z.writestr("zweite.csv", member)
    data = bytearray(buffer.getvalue())
    local, central = 0, data.rfind(b"PK\x01\x02")
    if variant == "two csv":
        central = data.find(b"PK\x01\x02")

    def set_both(local_at: int, central_at: int, value: int, size: int) -> None:
        data[local + local_at : local + local_at + size] = value.to_bytes(size, "little")
        data[central + central_at : central + central_at + size] = value.to_bytes(size, "little")

    flags = int.from_bytes(data[local + 6 : local + 8], "little")
    file_size = int.from_bytes(data[central + 24 : central + 28], "little")
    if variant == "encrypted":
        set_both(6, 8, flags | 0x1, 2)
    elif variant.startswith("method "):
        set_both(8, 10, int(variant.split()[1]), 2)
    elif variant == "version 9.9":
        set_both(4, 6, 99, 2)
    elif variant == "name not UTF-8":
        broken = bytes(data).replace("ä".encode(), b"\xc3\x28")
        return broken
    elif variant == "size says less":
        set_both(22, 24, max(file_size // 2, 1), 4)
    elif variant == "size says more":
        set_both(22, 24, file_size * 3 + 100, 4)
    elif variant == "size says 600 MB":
        set_both(22, 24, 600 * 2**20, 4)
    elif variant == "packed size says 1 byte":
        set_both(18, 20, 1, 4)
    return bytes(data)


def zip_member(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(archive.namelist()[0])


# --- what a reader did with one input ---------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    kind: str  # ok, refused, unexpected
    detail: str = ""
    frame: pl.DataFrame | None = None


def outcome(read: Callable[[], pl.DataFrame]) -> Outcome:
    """Run a reader and judge it: a tidy frame with finite values, or an EtlError whose every
    line is readable; anything else is unexpected."""
    try:
        frame = read()
    except EtlError as exc:
        lines = [str(p) for p in exc.problems]
        if not lines:
            return Outcome("unexpected", "EtlError without a problem")
        longest = max(lines, key=len)
        if len(longest) > MAX_MESSAGE:
            return Outcome("unexpected", f"a message of {len(longest):,} characters")
        return Outcome("refused", lines[0])
    except Exception as exc:  # the point of the exercise: every other exception is a bug
        return Outcome("unexpected", f"{type(exc).__name__}: {str(exc)[:300]}")
    if frame.columns != readers.TIDY_COLUMNS:
        return Outcome("unexpected", f"columns {frame.columns}")
    values = frame["value"].drop_nulls().to_list()
    if not all(math.isfinite(v) for v in values):
        return Outcome("unexpected", "a value that is not finite was stored")
    return Outcome("ok", frame=frame)


def read_bytes_as(data: bytes, fuzz_format: str, folder: Path, name: str) -> Outcome:
    """Write `data` under `name` in `folder` and read it in its format."""
    path = folder / name
    path.write_bytes(data)
    return outcome(lambda: readers.read(path, reader_format(fuzz_format), source="fuzz"))


# The columns a row's data lives in; measure and unit come from the header and may change
# with it (a control character in "Anzahl" makes it a label instead of a unit).
DATA_COLUMNS = [
    "region_code",
    "region_name",
    "period",
    "reference_date",
    "sex",
    "nationality",
    "category",
    "value",
    "flag",
    "line",
]
