"""One reader per file format: a file in, the tidy polars frame out. No database here.

`read(path, fmt)` dispatches by the format name used in data/sources.toml; `detect_format`
guesses it for `python -m etl inspect FILE` when no `--format` is given.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.errors import SourceFileError
from etl.readers import city, ffcsv, genesis, opensdg
from etl.readers._common import TIDY_COLUMNS, TIDY_SCHEMA, display_name, header_cells, read_text

__all__ = ["FORMATS", "TIDY_COLUMNS", "TIDY_SCHEMA", "detect_format", "read"]

FORMATS: dict[str, str] = {
    "genesis": "GENESIS-Online / Regionalstatistik, klassisches CSV",
    "ffcsv": "GENESIS / Regionalstatistik Flat-File-CSV (auch als ZIP)",
    "opensdg": "Open-SDG-Tidy-CSV (z. B. Integrationsmonitoring Niedersachsen)",
    **{name: spec.title for name, spec in city.FORMATS.items()},
}


def read(path: Path, fmt: str, source: str | None = None) -> pl.DataFrame:
    """Read `path` as format `fmt` into the tidy frame; `source` names it (default: file stem)."""
    if fmt == "genesis":
        return genesis.read(path, source)
    if fmt == "ffcsv":
        return ffcsv.read(path, source)
    if fmt == "opensdg":
        return opensdg.read(path, source)
    if fmt in city.FORMATS:
        return city.read(path, fmt, source)
    raise SourceFileError.one(
        display_name(path), f'unknown format "{fmt}"; known: {", ".join(FORMATS)}'
    )


def detect_format(path: Path) -> str:
    """Guess a file's format from its first line (or from being a ZIP)."""
    if path.suffix.lower() == ".zip":
        return "ffcsv"
    text, _ = read_text(path)
    first = text.split("\n", 1)[0].strip()
    if genesis.is_classic(first):
        return "genesis"
    if first.startswith("statistics_code;"):
        return "ffcsv"
    if opensdg.is_opensdg(text):
        return "opensdg"
    for name, spec in city.FORMATS.items():
        if header_cells(text) == spec.columns:
            return name
    raise SourceFileError.one(
        display_name(path),
        f"cannot tell the format from line 1; name it with --format ({', '.join(FORMATS)})",
        line=1,
    )
