"""Write the shipped official data: extracts of the real files in ../shared/data.

An extract keeps a published file as it is — its header, title and footer lines byte for byte —
and only the data rows of the regions a municipality's monitor shows. Hannover (data/): Stadt
Hannover (03241001), Region Hannover (03241), the Umland (LSN's 03241999), Niedersachsen (03,
LSN's K030) and, in Regionalstatistik tables, Germany (DG). Laatzen (data/laatzen/): Laatzen
(03241009), Region Hannover and Niedersachsen where a Gemeinde table has them. Every extract is
recorded in the folder's provenance.toml with the original file, where that came from, and the
sha256 of both, so that a test can check each row against the original.

Run `python scripts/make_extracts.py` beside ../shared; the output is the same every time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"

KEEP = {"03241001", "03241", "03241999", "03", "030", "DG"}
LSN = SHARED / "lsn-integrationsmonitoring"
LSN_ORIGIN = (
    "christoph-LSN/IM_Data, commit bb9749e675c0ce71e54f4cf26aae10b3b5010cef (2025-12-18), "
    "data/ and meta/ (see ../shared/data/lsn-integrationsmonitoring/README.md)"
)
REGIO = SHARED / "regionalstatistik"
REGIO_ORIGIN = (
    "regionalstatistik.de via datenguide/genesapi-data, commit "
    "75112493298aa46cd7433262f14e07ea0b82b448, src/ "
    "(see ../shared/data/regionalstatistik/README.md)"
)
# The LSN indicators with rows for Stadt Hannover that the catalogue uses.
LSN_IDS = ("1-1-1", "1-2-1", "1-2-2", "1-2-8", "1-3-1", "2-3-1", "3-1-2", "3-1-3", "4-1-1",
           "4-1-4", "5-2-1", "6-2-1")  # fmt: skip
REGIO_FILES = ("14333-01-02-5_00.csv", "22221-01-01-4_00.csv")
# Laatzen has no rows in the LSN files (Kreise only); the Gemeinde tables of the Regionalstatistik
# give its population, employees at residence by nationality and Landtag turnout.
LAATZEN_KEEP = {"03241009", "03241", "03"}
LAATZEN_REGIO_FILES = ("12411-01-01-5_00.csv", "13111-02-02-5_00.csv", "14333-01-02-5_00.csv")
GEOCODE = re.compile(r"^[A-Z]*([0-9]+)$")
# Kreis, Land and Gemeinde keys, and the 7-digit Verbandsgemeinde keys of the Gemeinde tables.
REGION_KEY = re.compile(r"^(DG|[0-9]{2}|[0-9]{3}|[0-9]{5}|[0-9]{7,12})$")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lsn_extract(original: Path, keep: frozenset[str]) -> bytes:
    """The header line and the rows whose GeoCode (without its layer prefix) is kept, each once."""
    data = original.read_bytes()
    text = data.decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    geo = header.index("GeoCode")
    kept = [lines[0]]
    for line in lines[1:]:
        row = next(csv.reader([line]), [])
        match = GEOCODE.match(row[geo].strip()) if len(row) > geo else None
        # A line that repeats an earlier one exactly (1-2-8 lists its 2023 block twice) is
        # left out: it adds nothing, and the reader would only warn about it.
        if match and match[1] in keep and line not in kept:
            kept.append(line)
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    return (bom + "".join(kept)).encode("utf-8")


def classic_extract(original: Path, encoding: str, keep: frozenset[str]) -> bytes:
    """Every line that is not a data row (titles, header, period lines, footer), and the data
    rows of the kept regions. A data row is one with an official region key among its first
    three cells; the footer starts at the line of underscores."""
    text = original.read_bytes().decode(encoding)
    out = []
    in_footer = False
    for line in text.splitlines(keepends=True):
        in_footer = in_footer or line.startswith("__________")
        cells = [c.strip() for c in line.split(";")[:3]]
        keys = [c for c in cells if REGION_KEY.match(c)]
        if in_footer or not keys or keys[0] in keep:
            out.append(line)
    return "".join(out).encode(encoding)


@dataclass(frozen=True)
class Town:
    """One municipality's data folder and what its extracts keep."""

    data: Path
    keep: frozenset[str]
    lsn_ids: tuple[str, ...]
    regio_files: tuple[str, ...]

    @property
    def raw(self) -> Path:
        return self.data / "raw"

    @property
    def provenance(self) -> Path:
        return self.data / "provenance.toml"


HANNOVER = Town(ROOT / "data", frozenset(KEEP), LSN_IDS, REGIO_FILES)
LAATZEN = Town(ROOT / "data" / "laatzen", frozenset(LAATZEN_KEEP), (), LAATZEN_REGIO_FILES)
TOWNS = (HANNOVER, LAATZEN)

# name under raw/, the original file, where it came from, the extract's bytes
Record = tuple[str, Path, str, bytes]


def extracts(town: Town) -> list[Record]:
    """The town's extracts as they would be written, without writing anything."""
    records = []
    for ident in town.lsn_ids:
        original = LSN / "data" / f"indicator_{ident}.csv"
        extract = lsn_extract(original, town.keep)
        records.append((f"lsn/indicator_{ident}.csv", original, LSN_ORIGIN, extract))
    for file in town.regio_files:
        original = REGIO / file
        extract = classic_extract(original, "utf-8", town.keep)
        name = f"regionalstatistik_{file.removesuffix('_00.csv')}.csv"
        records.append((name, original, REGIO_ORIGIN, extract))
    return records


def provenance(records: list[Record]) -> str:
    out = io.StringIO()
    out.write(
        "# Written by scripts/make_extracts.py: each shipped official extract, the real file it\n"
        "# was cut from (path under ../shared/data), where that file came from, and both sha256.\n"
    )
    for name, original, origin, extract in records:
        out.write(
            f'\n[[extract]]\nfile = "raw/{name}"\n'
            f'original = "{original.relative_to(SHARED).as_posix()}"\n'
            f'origin = "{origin}"\n'
            f'original_sha256 = "{sha256(original.read_bytes())}"\n'
            f'sha256 = "{sha256(extract)}"\n'
        )
    return out.getvalue()


def write(town: Town) -> int:
    records = extracts(town)
    if town.lsn_ids:
        target = town.raw / "lsn"
        (target / "meta").mkdir(parents=True, exist_ok=True)
        shutil.copy(LSN / "global_indicators.de.yml", target / "global_indicators.de.yml")
        for ident in town.lsn_ids:
            shutil.copy(LSN / "meta" / f"{ident}.md", target / "meta" / f"{ident}.md")
    town.raw.mkdir(parents=True, exist_ok=True)
    for name, _, _, extract in records:
        (town.raw / name).write_bytes(extract)
    town.provenance.write_text(provenance(records), encoding="utf-8")
    return len(records)


def main() -> int:
    if not SHARED.is_dir():
        print(f"{SHARED} is missing: the extracts are made from the real files there")
        return 1
    for town in TOWNS:
        count = write(town)
        print(f"{count} extracts written, provenance in {town.provenance.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
