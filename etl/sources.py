"""data/sources.toml: one entry per data file, saying what it is, who published it, and its licence.

Every number on screen is traced back through this manifest: observation → source id → file,
table code, publisher, licence, retrieval date, and whether it is sample (made-up) data.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator

from etl.errors import ManifestError, Problem, did_you_mean, named, quoted
from etl.readers import FORMATS
from etl.readers._common import display_name
from etl.validation import Id, Strict, Text, check_unique, many, toml_limit_problem


def _known_format(value: str) -> str:
    if value not in FORMATS:
        hint = did_you_mean(value, FORMATS)
        raise ValueError(f'unknown format "{value}"{hint} (known: {", ".join(FORMATS)})')
    return value


def _relative_file(value: str) -> str:
    if Path(value).is_absolute():
        raise ValueError(f'"{value}" must be a path relative to the data folder, e.g. raw/x.csv')
    return value


class Source(Strict):
    id: Id
    file: Annotated[str, AfterValidator(_relative_file)]
    format: Annotated[str, AfterValidator(_known_format)]
    title: Text
    publisher: Text
    table_code: str = ""
    licence: Text
    retrieved: dt.date
    is_sample: bool
    url: str = ""
    note: str = ""


class Manifest(Strict):
    sources: tuple[Source, ...]
    path: str


def load(data_dir: Path) -> Manifest:
    """Read `<data_dir>/sources.toml`; every problem at once, and every listed file must exist."""
    path = data_dir / MANIFEST
    file = display_name(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ManifestError(
            [Problem(file, "missing: every data folder needs a sources.toml describing its files")]
        ) from None
    except OSError as exc:
        raise ManifestError([Problem(file, f"cannot read the file: {exc}")]) from None
    return parse(data, data_dir, file)


def parse(data: bytes, data_dir: Path, file: str = "sources.toml") -> Manifest:
    """Validate the manifest's bytes; the files it names are looked up in `data_dir`."""
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ManifestError([Problem(file, f"cannot read the file: {exc}")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError([Problem(file, f"TOML syntax error: {exc}")]) from None
    except (ValueError, RecursionError) as exc:
        raise ManifestError([toml_limit_problem(file, exc)]) from None

    problems: list[Problem] = []
    for key in raw:
        if key != "source":
            problems.append(
                Problem(
                    file,
                    f"unknown table [{named(key)}]{did_you_mean(key, ['source'])}; entries are "
                    "written [[source]]",
                )
            )
    entries = many(raw, "source", Source, file, problems)
    if not entries and not problems:
        problems.append(Problem(file, "no [[source]] entries"))
    check_unique({"source": entries}, file, problems)
    seen_files: dict[str, str] = {}
    for entry in entries:
        target = data_dir / entry.file
        try:
            found = target.is_file()
        except (OSError, ValueError) as exc:  # a name too long for the file system, a NUL
            reason = getattr(exc, "strerror", None) or str(exc)
            problems.append(
                Problem(
                    file,
                    f"{quoted(entry.file)} cannot be a file name ({reason})",
                    entry=f'source "{entry.id}"',
                    field="file",
                )
            )
            continue
        if not found:
            problems.append(
                Problem(
                    file,
                    f"no such file {quoted(entry.file)} in {display_name(data_dir)}",
                    entry=f'source "{entry.id}"',
                    field="file",
                )
            )
        if entry.file in seen_files:
            problems.append(
                Problem(
                    file,
                    f"{quoted(entry.file)} is already described by source "
                    f'"{seen_files[entry.file]}"',
                    entry=f'source "{entry.id}"',
                    field="file",
                )
            )
        seen_files.setdefault(entry.file, entry.id)
    if problems:
        raise ManifestError(problems)
    return Manifest(sources=tuple(entries), path=file)


def header_table_code(path: Path) -> str | None:
    """The table code a classic GENESIS file names on line 1 ("GENESIS-Tabelle: 52311-0001").

    Reads the first kilobyte only: `readers.genesis.table_code` reads and decodes the whole
    file, which for a national table would cost `check` seconds per file. The code is ASCII, so
    the file's encoding does not matter here.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        return None
    first = re.split(rb"[\r\n]", head.removeprefix(codecs.BOM_UTF8), maxsplit=1)[0]
    match = re.match(rb"GENESIS-Tabelle:\s*([^\s;]+)", first)
    return match.group(1).decode("ascii", "replace") if match else None


MANIFEST = "sources.toml"


def _own_manifest(path: Path, data_dir: Path) -> bool:
    """Whether a folder between data_dir and the file has a sources.toml of its own."""
    folder = path.parent
    while folder != data_dir and data_dir in folder.parents:
        if (folder / MANIFEST).is_file():
            return True
        folder = folder.parent
    return False


# Folders under data/ that are inputs of their own, not data files of sources.toml.
OTHER_INPUTS = ("massnahmen", "rounds")


def unlisted_files(manifest: Manifest, data_dir: Path) -> list[str]:
    """Data files in the folder that no entry describes: they are not loaded, which may surprise.
    The owners' round reports (massnahmen/) and closed rounds (rounds/) have their own readers,
    and a sub-folder with its own sources.toml is another municipality's data (data/laatzen/)."""
    listed = {(data_dir / s.file).resolve() for s in manifest.sources}
    found = [
        p
        for p in sorted(data_dir.rglob("*"))
        if p.is_file()
        and p.suffix.lower() in {".csv", ".zip"}
        and p.resolve() not in listed
        and p.relative_to(data_dir).parts[0] not in OTHER_INPUTS
        and not _own_manifest(p, data_dir)
    ]
    return [str(p.relative_to(data_dir)) for p in found]
