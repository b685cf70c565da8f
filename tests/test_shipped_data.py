"""Every official value shipped in data/raw/ against the published figures, file by file.

A shipped official file may only hold figures the offices published. Where the original download
is in ../shared/data/genesis/ it is read here independently of etl.readers (csv module, the
file's own encoding, decimal comma, zipfile) and every value the project's reader yields is looked
up in it; where no original is at hand, the published figures are written out below by hand. A
changed digit, an added row or a dropped row in a shipped official file fails one of these tests.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from etl import readers
from tests.conftest import ROOT, SHARED, shared_file

DATA = ROOT / "data"
SOURCES: list[dict[str, Any]] = tomllib.loads((DATA / "sources.toml").read_text("utf-8"))["source"]
OFFICIAL = {s["id"]: s for s in SOURCES if not s["is_sample"]}
SAMPLE = {s["id"]: s for s in SOURCES if s["is_sample"]}

# The published special values: a cell without a number carries one of them.
SYMBOLS = {"-", ".", "x", "...", "/"}
FOOTER = "__________"
# The offices' words for sex in the classic files, by the reader's word.
SEX_LABEL = {"insgesamt": "Insgesamt", "männlich": "männlich", "weiblich": "weiblich"}
# ... and the attribute codes of the flat files' GES variable (a total has an empty code).
SEX_CODE = {"insgesamt": "", "männlich": "GESM", "weiblich": "GESW"}
# The official keys of the Länder (Amtlicher Gemeindeschlüssel, first two digits).
LAND_KEYS = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}

Value = tuple[float | None, str | None]


def published(cell: str) -> Value:
    """A published cell as (number, symbol): `12.445` or `12445` or `12,5`, or `-`, `.` …"""
    cell = cell.strip()
    if cell in SYMBOLS:
        return None, cell
    return float(cell.replace(".", "").replace(",", ".")), None


def shipped(source_id: str) -> Path:
    return DATA / OFFICIAL[source_id]["file"]


def read_shipped(source_id: str) -> pl.DataFrame:
    """What the project's reader yields for a shipped official file."""
    entry = OFFICIAL[source_id]
    return readers.read(DATA / entry["file"], entry["format"], entry["id"])


def tidy_values(frame: pl.DataFrame) -> list[Value]:
    return list(zip(frame["value"], frame["flag"], strict=True))


# --- the manifest: which files are official, which are samples -------------------------------


EXTRACTS = {
    e["file"]: e for e in tomllib.loads((DATA / "provenance.toml").read_text("utf-8"))["extract"]
}


def test_every_official_source_is_checked_here() -> None:
    # A new official file needs its own comparison below, or an entry in provenance.toml
    # (scripts/make_extracts.py) that the extract tests check row by row, before it may ship.
    compared_by_hand = {
        "gewerbe_kreise": "52311-01-04-4",
        "gewerbe_laender": "52311-0001",
        "personal_kreise": "74111-04-04-4",
        "bevoelkerung_2024": "12411-01-01-4",
    }
    extracted = {s for s in OFFICIAL if OFFICIAL[s]["file"] in EXTRACTS}
    assert {s: OFFICIAL[s]["table_code"] for s in compared_by_hand} == compared_by_hand
    assert set(OFFICIAL) == set(compared_by_hand) | extracted
    assert len(extracted) == 14


def test_every_file_in_raw_is_described_once() -> None:
    described = [s["file"].removeprefix("raw/") for s in SOURCES]
    assert len(described) == len(set(described))
    found = [
        p.relative_to(DATA / "raw").as_posix()
        for p in (DATA / "raw").rglob("*")
        if p.suffix in {".csv", ".zip"}
    ]
    assert sorted(found) == sorted(described)


# --- extracts of the real files: every line from the original, provenance recorded ------------


@pytest.mark.parametrize("file", sorted(EXTRACTS))
def test_an_extract_matches_its_recorded_hash(file: str) -> None:
    assert hashlib.sha256((DATA / file).read_bytes()).hexdigest() == EXTRACTS[file]["sha256"]


@pytest.mark.shared
@pytest.mark.parametrize("file", sorted(EXTRACTS))
def test_every_line_of_an_extract_is_a_line_of_the_original(file: str) -> None:
    """Header, titles and footer kept, data rows only dropped, none changed or added; the
    original is the file recorded (its sha256), from ../shared/data."""
    entry = EXTRACTS[file]
    original = SHARED / "data" / entry["original"]
    if not original.is_file():
        pytest.skip(f"../shared/data/{entry['original']} is absent on this machine")
    raw = original.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == entry["original_sha256"]
    encoding = "latin-1" if entry["original"].endswith("12511-01-01-4.csv") else "utf-8-sig"
    lines = raw.decode(encoding).splitlines()
    kept = (DATA / file).read_bytes().decode(encoding).splitlines()
    assert kept[0] == lines[0]  # the header line
    # the kept lines appear in the original in the same order
    position = 0
    for line in kept:
        position = lines.index(line, position) + 1
    # Stadt Hannover's rows are all there
    city = [line for line in lines if "03241001" in line]
    assert city
    assert all(line in kept for line in city)


@pytest.mark.parametrize("source_id", sorted(SAMPLE))
def test_a_sample_source_says_so_in_its_name_and_title(source_id: str) -> None:
    entry = SAMPLE[source_id]
    assert Path(entry["file"]).name.startswith("beispiel_")
    assert "Beispieldaten" in entry["title"] or "Beispieldaten" in entry["publisher"]


@pytest.mark.parametrize("source_id", sorted(OFFICIAL))
def test_an_official_source_is_not_named_a_sample(source_id: str) -> None:
    entry = OFFICIAL[source_id]
    assert not Path(entry["file"]).name.lower().startswith("beispiel")
    assert "beispiel" not in entry["title"].lower()
    assert "beispiel" not in entry["publisher"].lower()


# --- 52311-01-04-4: no original at hand, the published figures by hand -----------------------

# Regionalstatistik 52311-01-04-4 "Gewerbeanmeldungen", Kreise und krfr. Städte, Stand 10.10.2017
# (../shared/data/README.md, "Published figures"). Stadt Hannover is not published on its own
# before 2009: those rows are "-", never a number. (region_code, period, value, flag)
GEWERBEANMELDUNGEN_52311_01_04_4: list[tuple[str, int, float | None, str | None]] = [
    ("03241001", 2006, None, "-"),
    ("03241001", 2007, None, "-"),
    ("03241001", 2008, None, "-"),
    ("03241001", 2009, 5147.0, None),
    ("03241001", 2010, 5386.0, None),
    ("03241001", 2011, 5641.0, None),
    ("03241001", 2012, 4937.0, None),
    ("03241001", 2013, 4789.0, None),
    ("03241001", 2014, 4967.0, None),
    ("03241001", 2015, 4686.0, None),
    ("03241", 2015, 9583.0, None),
    ("03", 2015, 59793.0, None),
]


def test_52311_01_04_4_every_value_is_the_published_one() -> None:
    frame = read_shipped("gewerbe_kreise")
    assert frame.height == 12
    got = frame.select("region_code", "period", "value", "flag").sort("period", "region_code")
    expected = sorted(GEWERBEANMELDUNGEN_52311_01_04_4, key=lambda r: (r[1], r[0]))
    assert got.rows() == expected
    assert set(frame["measure"]) == {"Gewerbeanmeldungen"}
    assert set(frame["unit"]) == {"Anzahl"}
    assert set(frame["sex"]) == {"insgesamt"}
    assert set(frame["nationality"]) == {"insgesamt"}
    assert frame["category"].null_count() == frame.height


def test_52311_01_04_4_region_names_are_the_official_ones() -> None:
    names = dict(
        read_shipped("gewerbe_kreise").select("region_code", "region_name").unique().rows()
    )
    assert names == {
        "03241001": "Hannover, Landeshauptstadt",
        "03241": "Region Hannover, Landkreis",
        "03": "Niedersachsen",
    }


# --- the classic files with their original in ../shared/data/genesis/ ------------------------

DATA_ROW = re.compile(r"^(?:\d{2}\.\d{2}\.)?\d{4};")


class Classic:
    """A classic GENESIS / Regionalstatistik CSV split by hand: the lines above the first data
    row, the data rows keyed by their key cells (stripped), and the `Stand:` line."""

    def __init__(self, path: Path, encoding: str, n_keys: int) -> None:
        lines = path.read_bytes().decode(encoding).splitlines()
        footer = lines.index(FOOTER)
        first = next(i for i, line in enumerate(lines) if DATA_ROW.match(line))
        self.head = lines[:first]
        self.stand = lines[-1]
        self.rows: dict[tuple[str, ...], list[str]] = {}
        for cells in csv.reader(lines[first:footer], delimiter=";"):
            key = tuple(cell.strip() for cell in cells[:n_keys])
            assert key not in self.rows, f"{path.name}: row {key} twice"
            self.rows[key] = cells[n_keys:]
        assert len(self.rows) == footer - first

    def cells(self) -> int:
        return sum(len(values) for values in self.rows.values())


def compare_classic(
    source_id: str,
    original: Classic,
    copy: Classic,
    key: Callable[[dict[str, Any]], tuple[str, ...]],
    column: dict[str, int],
) -> None:
    """Every shipped row is an original row; every value the reader yields is the published one
    in that row and column; and the reader yields every shipped value exactly once."""
    assert copy.head == original.head
    assert copy.stand == original.stand
    for row_key, values in copy.rows.items():
        assert row_key in original.rows, f"{source_id}: {row_key} is not in the original"
        assert values == original.rows[row_key], f"{source_id}: {row_key}"
    frame = read_shipped(source_id)
    seen: set[tuple[tuple[str, ...], int]] = set()
    for row in frame.iter_rows(named=True):
        row_key, index = key(row), column[row["measure"]]
        assert row_key in original.rows, f"{source_id}: {row_key} is not in the original"
        want = published(original.rows[row_key][index])
        assert (row["value"], row["flag"]) == want, f"{source_id}: {row_key} {row['measure']}"
        seen.add((row_key, index))
    assert len(seen) == frame.height == copy.cells()


@pytest.mark.shared
def test_52311_0001_every_value_is_in_the_original() -> None:
    original = Classic(
        shared_file("genesis_52311-0001_Gewerbeanzeigen_Bundeslaender_latin1.csv"),
        "iso-8859-1",
        n_keys=2,
    )
    copy = Classic(shipped("gewerbe_laender"), "iso-8859-1", n_keys=2)
    # The data rows of this table carry the Land's name only; the reader adds its key.
    frame = read_shipped("gewerbe_laender")
    for code, name in frame.select("region_code", "region_name").rows():
        assert LAND_KEYS[code] == name
    compare_classic(
        "gewerbe_laender",
        original,
        copy,
        key=lambda row: (str(row["period"]), row["region_name"]),
        column={"Gewerbeanmeldungen": 0, "Gewerbeabmeldungen": 1},
    )


@pytest.mark.shared
def test_52311_0001_niedersachsen_2022_as_published() -> None:
    # The two figures data/README.md names, in the original itself.
    original = Classic(
        shared_file("genesis_52311-0001_Gewerbeanzeigen_Bundeslaender_latin1.csv"),
        "iso-8859-1",
        n_keys=2,
    )
    assert [published(c) for c in original.rows[("2022", "Niedersachsen")]] == [
        (63132.0, None),
        (47708.0, None),
    ]
    assert tidy_values(read_shipped("gewerbe_laender").sort("measure")) == [
        (47708.0, None),
        (63132.0, None),
    ]


# The value columns of 74111-04-04-4, by the measure name the reader gives each.
STAFF = "Beschäftigungsumfang / {} / Dienstverhältnis (öffentlicher Dienst) / {}"
STAFF_COLUMNS = {
    "Vollzeitäquivalent": 0,
    STAFF.format("Vollzeitbeschäftigte", "Insgesamt"): 1,
    STAFF.format("Vollzeitbeschäftigte", "Beamte"): 2,
    STAFF.format("Vollzeitbeschäftigte", "Arbeitnehmer"): 3,
    STAFF.format("Teilzeitbeschäftigte", "Insgesamt"): 4,
    STAFF.format("Teilzeitbeschäftigte", "Beamte"): 5,
    STAFF.format("Teilzeitbeschäftigte", "Arbeitnehmer"): 6,
}


def staff_key(row: dict[str, Any]) -> tuple[str, ...]:
    date: dt.date = row["reference_date"]
    assert row["period"] == date.year
    return (
        date.strftime("%d.%m.%Y"),
        row["region_code"],
        row["region_name"],
        SEX_LABEL[row["sex"]],
    )


@pytest.mark.shared
def test_74111_04_04_4_every_value_is_in_the_original() -> None:
    # The original download is stored as UTF-8; the shipped extract is cp1252 as the download
    # service also serves it.
    original = Classic(shared_file("regionalstatistik_74111-04-04-4_00.csv"), "utf-8", n_keys=4)
    copy = Classic(shipped("personal_kreise"), "cp1252", n_keys=4)
    compare_classic("personal_kreise", original, copy, key=staff_key, column=STAFF_COLUMNS)
    frame = read_shipped("personal_kreise")
    assert set(frame["unit"]) == {"Anzahl"}
    assert set(frame["nationality"]) == {"insgesamt"}
    assert frame["category"].null_count() == frame.height


@pytest.mark.shared
def test_74111_04_04_4_hannover_2015_as_published() -> None:
    # data/README.md: 12,445 full-time equivalents, 9,510 full-time, 4,600 part-time.
    original = Classic(shared_file("regionalstatistik_74111-04-04-4_00.csv"), "utf-8", n_keys=4)
    row = original.rows[("30.06.2015", "03241001", "Hannover, Landeshauptstadt", "Insgesamt")]
    assert [published(row[i])[0] for i in (0, 1, 4)] == [12445.0, 9510.0, 4600.0]
    hannover = read_shipped("personal_kreise").filter(
        pl.col("region_code") == "03241001", pl.col("period") == 2015, pl.col("sex") == "insgesamt"
    )
    by_measure = dict(zip(hannover["measure"], hannover["value"], strict=True))
    assert by_measure["Vollzeitäquivalent"] == 12445
    assert by_measure[STAFF.format("Vollzeitbeschäftigte", "Insgesamt")] == 9510
    assert by_measure[STAFF.format("Teilzeitbeschäftigte", "Insgesamt")] == 4600


# --- 12411-01-01-4: the flat file in its ZIP ------------------------------------------------


def flat_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The one CSV in a flat-file ZIP: its header and its rows, UTF-8 with BOM."""
    with zipfile.ZipFile(path) as archive:
        (name,) = archive.namelist()
        text = archive.read(name).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    return list(reader.fieldnames or []), list(reader)


def flat_key(row: dict[str, str]) -> tuple[str, str, str, str]:
    return (
        row["time"],
        row["1_variable_attribute_code"],
        row["2_variable_attribute_code"],
        row["value_variable_code"],
    )


@pytest.mark.shared
def test_12411_01_01_4_every_value_is_in_the_original() -> None:
    header, rows = flat_rows(shared_file("12411-01-01-4_1773175772751_de_flat.zip"))
    original = {flat_key(r): r for r in rows}
    assert len(original) == len(rows)
    copy_header, copy_rows = flat_rows(shipped("bevoelkerung_2024"))
    assert copy_header == header
    for row in copy_rows:
        assert original.get(flat_key(row)) == row, f"{flat_key(row)} differs from the original"
    frame = read_shipped("bevoelkerung_2024")
    assert frame.height == len(copy_rows) == 6
    measures = {"Bevölkerungsstand": "BEVSTD"}
    keys = set()
    for tidy in frame.iter_rows(named=True):
        key = (
            tidy["reference_date"].isoformat(),
            tidy["region_code"],
            SEX_CODE[tidy["sex"]],
            measures[tidy["measure"]],
        )
        assert key in original, f"{key} is not in the original"
        assert (tidy["value"], tidy["flag"]) == published(original[key]["value"]), key
        assert tidy["region_name"] == original[key]["1_variable_attribute_label"]
        assert tidy["unit"] == original[key]["value_unit"]
        keys.add(key)
    assert keys == {flat_key(r) for r in copy_rows}


@pytest.mark.shared
def test_12411_01_01_4_hannover_as_published() -> None:
    # data/README.md: Stadt Hannover 522,131, Region Hannover 1,140,888 on 31.12.2024.
    _, rows = flat_rows(shared_file("12411-01-01-4_1773175772751_de_flat.zip"))
    totals = {
        r["1_variable_attribute_code"]: published(r["value"])[0]
        for r in rows
        if r["2_variable_attribute_code"] == ""
    }
    assert totals["03241001"] == 522131
    assert totals["03241"] == 1140888
    frame = read_shipped("bevoelkerung_2024").filter(pl.col("sex") == "insgesamt")
    assert dict(frame.select("region_code", "value").rows()) == {
        "03241001": 522131.0,
        "03241": 1140888.0,
    }
