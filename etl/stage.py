"""Observations into the new warehouse file, one data file at a time.

A build never holds every observation in one Python frame: each source is read, protected where it
holds staff figures (etl/disclosure.py), inserted into `observations` and dropped before the next
one is read, so memory grows with the largest file, not with the data set.

A source whose file (sha256), format and reader code are unchanged since the published warehouse
is not read again. The build starts from a copy of that warehouse (`load.build`), whose rows of
such a source stay as they are; only changed, new and removed sources are touched. What a reader
said about a file (its warnings) and which breakdowns it holds are kept beside the rows in
`source_files` and `source_keys`, so a reused source says the same as a freshly read one.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from etl import disclosure, readers
from etl.errors import EtlError, Problem
from etl.readers._common import TIDY_COLUMNS, display_name
from etl.sources import Manifest

# The tables this module owns; load.py declares the rest of the warehouse.
SCHEMA = """
CREATE TABLE IF NOT EXISTS observations (
    source_id VARCHAR, measure VARCHAR, unit VARCHAR, region_code VARCHAR, region_name VARCHAR,
    period INTEGER, reference_date DATE, sex VARCHAR, nationality VARCHAR, category VARCHAR,
    value DOUBLE, flag VARCHAR, line BIGINT
);
-- Per source, what its file was when read: a build reuses the rows while all four agree.
CREATE TABLE IF NOT EXISTS source_files (
    source_id VARCHAR PRIMARY KEY, file VARCHAR, format VARCHAR, sha256 VARCHAR,
    reader_version VARCHAR, rows BIGINT, warnings VARCHAR[]
);
-- The distinct breakdowns per source and measure: what a series can select (etl/compute.py).
CREATE TABLE IF NOT EXISTS source_keys (
    source_id VARCHAR, measure VARCHAR, sex VARCHAR, nationality VARCHAR, category VARCHAR
);
"""
# The readers' tidy columns, `source` stored as `source_id` (DESIGN.md's name).
OBSERVATION_COLUMNS = tuple("source_id" if c == "source" else c for c in TIDY_COLUMNS)
# The key of one published number: two rows of a source with the same key are one too many.
KEY = ["measure", "region_code", "period", "reference_date", "sex", "nationality", "category"]
# The code that turns a file into rows: a change in any of these re-reads every source.
_READER_CODE = (
    *sorted((Path(__file__).parent / "readers").glob("*.py")),
    Path(__file__).parent / "disclosure.py",
    Path(__file__),
)


def reader_version() -> str:
    digest = hashlib.sha256()
    for path in _READER_CODE:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Staged:
    """What staging found: the files' hashes, the readers' warnings, the problems."""

    hashes: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


def stage(con: duckdb.DuckDBPyConnection, manifest: Manifest, data_dir: Path) -> Staged:
    """Bring `observations` in line with the manifest, reading only what changed."""
    con.execute(SCHEMA)
    version = reader_version()
    have = {
        row[0]: row[1:]
        for row in con.execute(
            "SELECT source_id, file, format, sha256, reader_version, rows, warnings "
            "FROM source_files"
        ).fetchall()
    }
    staged = Staged()
    wanted = {s.id for s in manifest.sources}
    for gone in sorted(set(have) - wanted):
        _drop(con, gone)
    for source in manifest.sources:
        path = data_dir / source.file
        digest = _sha256(path)
        kept = have.get(source.id)
        if digest and kept and kept[:4] == (source.file, source.format, digest, version):
            staged.hashes[source.id] = digest
            staged.warnings += kept[5]
            staged.rows[source.id] = kept[4]
            staged.reused.append(source.id)
            continue
        if kept:
            _drop(con, source.id)
        found: list[str] = []
        try:
            with _reader_warnings(found):
                frame = readers.read(path, source.format, source.id)
            # Staff figures are personal data: margins added, small counts kept secret,
            # before anything is stored (etl/disclosure.py).
            if source.format in disclosure.PROTECTED_FORMATS:
                frame = disclosure.protect(frame, display_name(path))
        except EtlError as exc:
            staged.problems.extend(exc.problems)
            continue
        found += _insert(con, source.id, frame)
        con.execute(
            "INSERT INTO source_files VALUES (?, ?, ?, ?, ?, ?, ?)",
            [source.id, source.file, source.format, digest, version, frame.height, found],
        )
        staged.hashes[source.id] = digest or ""
        staged.warnings += found
        staged.rows[source.id] = frame.height
    return staged


def keys(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every source's distinct (measure, sex, nationality, category), column `source` first."""
    return con.sql(
        "SELECT source_id AS source, measure, sex, nationality, category FROM source_keys"
    ).pl()


def _sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:  # the reader says what is wrong with the path
        return None


def _drop(con: duckdb.DuckDBPyConnection, source_id: str) -> None:
    for table in ("observations", "source_keys", "source_files"):  # fixed names only
        con.execute(f"DELETE FROM {table} WHERE source_id = ?", [source_id])


def _insert(con: duckdb.DuckDBPyConnection, source_id: str, frame: pl.DataFrame) -> list[str]:
    """Insert one source's rows and its distinct breakdowns; returns the warning about values
    that share their key with another (none or one)."""
    rows = frame.rename({"source": "source_id"}).select(OBSERVATION_COLUMNS)
    # Plain (not view) strings: DuckDB takes them a good deal faster.
    con.register("incoming", rows.to_arrow(compat_level=pl.CompatLevel.oldest()))
    try:
        names = ", ".join(OBSERVATION_COLUMNS)  # our own column names, never user text
        con.execute(f"INSERT INTO observations ({names}) SELECT {names} FROM incoming")
        con.execute(
            "INSERT INTO source_keys SELECT DISTINCT source_id, measure, sex, nationality, "
            "category FROM incoming"
        )
        [(twice, first)] = con.execute(
            f"SELECT sum(n)::BIGINT, min(first) FROM (SELECT count(*) AS n, min(line) AS first "
            f"FROM incoming GROUP BY {', '.join(KEY)} HAVING count(*) > 1)"  # fixed names
        ).fetchall()
    finally:
        con.unregister("incoming")
    if not twice:
        return []
    return [
        f'source "{source_id}": {twice} values share region, period and breakdown '
        f"with another value (first at line {first})"
    ]


@contextlib.contextmanager
def _reader_warnings(found: list[str]) -> Iterator[None]:
    """What a reader logs as a warning (rows it skipped, with their lines) becomes a warning
    of the build: printed by check and run, kept in build_info for the Datenstand page."""
    handler = _Collect(found)
    logger = logging.getLogger(readers.__name__)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


class _Collect(logging.Handler):
    def __init__(self, found: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.found = found

    def emit(self, record: logging.LogRecord) -> None:
        # The reader's line starts with "warning: " for a terminal; the CLI adds its own.
        self.found.append(record.getMessage().removeprefix("warning: "))
