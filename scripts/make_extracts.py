"""Write the shipped official data: extracts of the real files in ../shared/data.

An extract keeps a published file as it is — its header, title and footer lines byte for byte —
and only the data rows of the regions the monitor shows: Stadt Hannover (03241001), Region
Hannover (03241), the Umland (LSN's 03241999), Niedersachsen (03, LSN's K030) and, in
Regionalstatistik tables, Germany (DG). Every extract is recorded in data/provenance.toml with the
original file, where that came from, and the sha256 of both, so that a test can check each row
against the original.

Run `python scripts/make_extracts.py` beside ../shared; the output is the same every time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
RAW = ROOT / "data" / "raw"
PROVENANCE = ROOT / "data" / "provenance.toml"

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
GEOCODE = re.compile(r"^[A-Z]*([0-9]+)$")
REGION_KEY = re.compile(r"^(DG|[0-9]{2}|[0-9]{3}|[0-9]{5}|[0-9]{8,12})$")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lsn_extract(original: Path) -> bytes:
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
        if match and match[1] in KEEP and line not in kept:
            kept.append(line)
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    return (bom + "".join(kept)).encode("utf-8")


def classic_extract(original: Path, encoding: str) -> bytes:
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
        if in_footer or not keys or keys[0] in KEEP:
            out.append(line)
    return "".join(out).encode(encoding)


def main() -> int:
    if not SHARED.is_dir():
        print(f"{SHARED} is missing: the extracts are made from the real files there")
        return 1
    records = []
    target = RAW / "lsn"
    (target / "meta").mkdir(parents=True, exist_ok=True)
    shutil.copy(LSN / "global_indicators.de.yml", target / "global_indicators.de.yml")
    for ident in LSN_IDS:
        original = LSN / "data" / f"indicator_{ident}.csv"
        extract = lsn_extract(original)
        name = f"lsn/indicator_{ident}.csv"
        (RAW / name).write_bytes(extract)
        shutil.copy(LSN / "meta" / f"{ident}.md", target / "meta" / f"{ident}.md")
        records.append((name, original, LSN_ORIGIN, extract))
    for file in REGIO_FILES:
        original = REGIO / file
        extract = classic_extract(original, "utf-8")
        name = f"regionalstatistik_{file.removesuffix('_00.csv')}.csv"
        (RAW / name).write_bytes(extract)
        records.append((name, original, REGIO_ORIGIN, extract))
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
    PROVENANCE.write_text(out.getvalue(), encoding="utf-8")
    print(f"{len(records)} extracts written, provenance in {PROVENANCE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
