"""The second benchmark data set: the real Regionalstatistik files, repeated to national scale.

The synthetic set (benchmarks/generate.py) has one layout; the office's files have several
(../shared/data/regionalstatistik/README.md): the period as a key column, on a header line or
across the columns, an extra key column, two to four header rows, Latin-1 and UTF-8. A build that
is fast on the synthetic set can still be slow on these, so the benchmark times both.

Each real file is copied byte for byte: title block, header rows, footer, encoding and line ends
stay as published; only the data lines are repeated and varied, so that the copies hold
different observations. A copy k of a file with the period as its first key column moves every
period k years back (an older vintage of the table); a file whose period stands in the header
(across the columns, or on a line of its own) keeps it, and copy k moves every region key to
another Land instead (the Land digits turned k places on, 01 to 16; DG stays). Each copy is a
source of its own in sources.toml.

Size: as many values as the synthetic set at the same scale (generate.expected_values), so the
two builds can be compared. The fifteen files hold about 1.03 million values; at scale 1 that is
25 whole copies of each (25.7 million values). Below one copy, a single copy keeps every
data line of Hannover, Region Hannover and Niedersachsen (so every indicator has its inputs)
and an even share of the others.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from benchmarks import generate
from etl.readers._common import decode

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "regionalstatistik"
LICENCE = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
PUBLISHER = "Statistische Ämter des Bundes und der Länder (Regionalstatistik)"

_PERIOD = rb"[0-9]{4}|[0-9]{2}\.[0-9]{2}\.[0-9]{4}"
# The region keys of the Regionalstatistik (etl/readers/genesis.py KEY, without its lengths):
# DG for Germany, or a Land 01 to 16 and more digits.
_KEY = rb"DG|(?:0[1-9]|1[0-6])[0-9]*"
_PERIOD_FIRST = re.compile(rb"^(" + _PERIOD + rb");(" + _KEY + rb");")
_KEY_FIRST = re.compile(rb"^(" + _KEY + rb");")
_FOOTER = re.compile(rb"^_{3,}[ \t]*\r?$")
_TABLE = re.compile(rb"^(?:GENESIS-)?Tabelle:[ \t]*([^;\r]*?)[ \t]*(?:;.*)?\r?$")
_STAND = re.compile(rb"^Stand: ([0-9]{2})\.([0-9]{2})\.([0-9]{4})")
# The rows every indicator of the catalogue reads: kept whatever share of a file is kept.
KEPT = (b"03241001", b"03241", b"03")
LANDS = 16


@dataclass(frozen=True)
class RealFile:
    """One published file cut in three: lines before the data, data lines, lines from the
    footer on (each line with its own line end)."""

    path: Path
    head: list[bytes]
    data: list[bytes]
    foot: list[bytes]
    key_columns: int
    period_first: bool

    @property
    def values(self) -> int:
        return count_values(self.data, self.key_columns)


def count_values(lines: list[bytes], key_columns: int) -> int:
    """The cells after the key columns, symbols included: what the reader makes observations of."""
    return sum(line.rstrip(b"\r\n").count(b";") + 1 - key_columns for line in lines)


@dataclass(frozen=True)
class RealDataSet:
    data_dir: Path
    catalog: Path
    files: list[Path]
    # values per written file, counted from its data lines: cells after the key columns
    values_per_file: dict[str, int]
    copies: int
    share: float
    indicators: int

    @property
    def values(self) -> int:
        return sum(self.values_per_file.values())


def available(folder: Path = SHARED) -> bool:
    return folder.is_dir() and any(folder.glob("*.csv"))


def split(path: Path) -> RealFile:
    """The file's lines, cut where the data begins (the first line that starts with a period and
    a region key, or with a region key) and where the footer begins (`__________`)."""
    lines = path.read_bytes().splitlines(keepends=True)
    foot = next(i for i, line in enumerate(lines) if _FOOTER.match(line))
    first = next(
        i
        for i, line in enumerate(lines[:foot])
        if _PERIOD_FIRST.match(line) or _KEY_FIRST.match(line)
    )
    # The last header row holds the units or the values' labels; its leading empty cells stand
    # above the key columns.
    last_header = lines[first - 1].rstrip(b"\r\n")
    key_columns = len(last_header) - len(last_header.lstrip(b";"))
    return RealFile(
        path,
        lines[:first],
        lines[first:foot],
        lines[foot:],
        key_columns,
        period_first=bool(_PERIOD_FIRST.match(lines[first])),
    )


def table_code(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].removeprefix(b"\xef\xbb\xbf")
    match = _TABLE.match(first)
    return match[1].decode("ascii", errors="replace") if match else ""


def retrieved(real: RealFile) -> str:
    """The date of the footer's `Stand: 10.10.2017 / 11:01:03` line, as a TOML date."""
    for line in real.foot:
        match = _STAND.match(line)
        if match:
            return f"{match[3].decode()}-{match[2].decode()}-{match[1].decode()}"
    return "2017-10-10"


def title(path: Path) -> str:
    """The table's title as its second line gives it (the first cell, without the semicolons)."""
    text, _ = decode(path.read_bytes(), path.name)
    return text.splitlines()[1].split(";", 1)[0].strip()


def source_id(path: Path, copy: int) -> str:
    return "r" + re.sub(r"[^a-z0-9]+", "_", path.stem.lower()) + f"_c{copy:02d}"


def _shift_period(line: bytes, years: int) -> bytes:
    """`2016;…` or `31.12.2015;…` with the year `years` earlier: the year ends the first cell."""
    end = line.index(b";")
    return line[: end - 4] + b"%04d" % (int(line[end - 4 : end]) - years) + line[end:]


def _turn_land(line: bytes, turns: int) -> bytes:
    if line.startswith(b"DG;"):
        return line
    land = (int(line[:2]) - 1 + turns) % LANDS + 1
    return b"%02d" % land + line[2:]


def _region(line: bytes, period_first: bool) -> bytes:
    cells = line.split(b";", 2)
    return cells[1] if period_first else cells[0]


def thinned(real: RealFile, share: float) -> list[bytes]:
    """An even `share` of the data lines, and every line of the regions the catalogue reads."""
    if share >= 1:
        return real.data
    step = 1 / share
    kept, due = [], 0.0
    for i, line in enumerate(real.data):
        if i >= due:
            kept.append(line)
            due += step
        elif _region(line, real.period_first) in KEPT:
            kept.append(line)
    return kept


def varied(real: RealFile, data: list[bytes], copy: int) -> list[bytes]:
    if copy == 0:
        return data
    if real.period_first:
        return [_shift_period(line, copy) for line in data]
    return [_turn_land(line, copy) for line in data]


def plan(scale: float, values_once: int) -> tuple[int, float]:
    """Whole copies of every file, or the share of one copy, for the synthetic set's size."""
    wanted = generate.expected_values(scale) / values_once
    if wanted >= 1:
        return round(wanted), 1.0
    return 1, wanted


def generate_real(target: Path, scale: float = 1.0, folder: Path = SHARED) -> RealDataSet:
    """Write the copies, their sources.toml and the catalogue under `target`."""
    data_dir = target / "data"
    raw = data_dir / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    originals = [split(path) for path in sorted(folder.glob("*.csv"))]
    copies, share = plan(scale, sum(real.values for real in originals))
    manifest, files, counts = [], [], {}
    sources_of: dict[str, list[str]] = {}
    for real in originals:
        data = thinned(real, share)
        about = _about(real)
        for copy in range(copies):
            name = f"{real.path.stem}_c{copy:02d}{real.path.suffix}"
            path = raw / name
            lines = varied(real, data, copy)
            path.write_bytes(b"".join(real.head) + b"".join(lines) + b"".join(real.foot))
            files.append(path)
            sid = source_id(real.path, copy)
            counts[name] = count_values(lines, real.key_columns)
            sources_of.setdefault(real.path.name, []).append(sid)
            manifest.append(_source(sid, name, about, copy))
    (data_dir / "sources.toml").write_text("\n".join(manifest), encoding="utf-8")
    catalog = target / "indicators.toml"
    n = write_catalog(catalog, sources_of)
    return RealDataSet(data_dir, catalog, files, counts, copies, share, n)


def _about(real: RealFile) -> dict[str, str]:
    """What every copy's sources.toml entry says of the published file."""
    return {
        "title": title(real.path),
        "table_code": table_code(real.path),
        "retrieved": retrieved(real),
        "file": real.path.name,
    }


def _source(sid: str, name: str, about: dict[str, str], copy: int) -> str:
    how = "unverändert" if copy == 0 else f"Kopie {copy} mit verschobenen Datenzeilen"
    note = f"Benchmark: {about['file']} aus ../shared/data/regionalstatistik"
    heading = f"{about['title']} ({how})"
    return (
        f'[[source]]\nid = "{sid}"\nfile = "raw/{name}"\nformat = "genesis"\n'
        f"title = {_toml(heading)}\npublisher = {_toml(PUBLISHER)}\n"
        f"table_code = {_toml(about['table_code'])}\nlicence = {_toml(LICENCE)}\n"
        # Copies are not what the office published: marked as samples, as the dashboard would.
        f"retrieved = {about['retrieved']}\nis_sample = {'true' if copy else 'false'}\n"
        f"note = {_toml(note)}\n"
    )


def _toml(text: str) -> str:
    # A JSON string without ASCII escaping is a valid TOML basic string.
    return json.dumps(text, ensure_ascii=False)


@dataclass(frozen=True)
class Pick:
    """A series: a measure in the copies of one or more files, in order of preference."""

    files: tuple[str, ...]
    measure: str
    nationality: str = "insgesamt"
    category: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spec:
    id: str
    title: str
    unit: str
    kind: str
    formula: str
    series: dict[str, Pick]
    by_sex: bool = False
    direction: str = "up"
    target: float | None = None


BEV_GEM = ("12411-01-01-5_00.csv",)
BEV_KREIS = ("12411-03-03-4_00.csv",)
ALO = ("13211-02-05-4_2023.csv", "13211-02-05-4_00.csv")
SCHUL = ("21111-01-03-4_2023.csv",)
ABSCHL = ("21111-02-06-4_00.csv",)
KITA = ("22541-01-04-4_00.csv",)
SGB2 = ("22811-02-02-4_00.csv",)
QUOTE = "Arbeitslosenquote bez. auf alle zivile Erwerbsp."
PUPILS = "Schülerinnen und Schüler an allgemeinbildenden Schulen"
SGB2_MEASURE = "dar.: Regelleistungsberechtigte nach dem SGB II / insgesamt"
EINB = "Einbürgerungen von Ausländern / Kontinente (einschl. staatenlos etc.) / Insgesamt"
BESCH_AO = "Sozialversicherungspfl. Beschäftigte (Arbeitsort)"
BESCH_WO = "Sozialversicherungspfl. Beschäftigte (Wohnort)"
ALL = ("Insgesamt",)
SMALL_CHILDREN = ("unter 3 Jahre", "3 bis unter 6 Jahre")

FIELDS = {
    "bevoelkerung": "Bevölkerung und Einbürgerung",
    "arbeit": "Arbeit und Beschäftigung",
    "bildung": "Bildung und Betreuung",
    "soziales": "Soziale Sicherung und Teilhabe",
}
# Indicators over measures these files hold (`python -m etl inspect FILE`), grouped by field.
SPECS: dict[str, list[Spec]] = {
    "bevoelkerung": [
        Spec(
            "einwohner",
            "Einwohnerinnen und Einwohner",
            "Anzahl",
            "level",
            "n",
            {"n": Pick(BEV_GEM, "Bevölkerungsstand")},
            by_sex=True,
        ),
        Spec(
            "auslaenderanteil",
            "Anteil der Ausländer*innen an der Bevölkerung",
            "%",
            "share",
            "100 * aus / alle",
            {
                "aus": Pick(BEV_KREIS, "Bevölkerungsstand", "ausländisch", ALL),
                "alle": Pick(BEV_KREIS, "Bevölkerungsstand", "insgesamt", ALL),
            },
            by_sex=True,
        ),
        Spec(
            "einbuergerungen",
            "Einbürgerungen",
            "Anzahl",
            "level",
            "n",
            {"n": Pick(("12511-01-01-4.csv",), EINB)},
            target=3000.0,
        ),
        Spec(
            "einbuergerungen_je_1000",
            "Einbürgerungen je 1000 Ausländer*innen",
            "je 1000",
            "level",
            "1000 * einb / aus",
            {
                "einb": Pick(("12511-01-01-4.csv",), EINB),
                "aus": Pick(BEV_KREIS, "Bevölkerungsstand", "ausländisch", ALL),
            },
        ),
    ],
    "arbeit": [
        Spec(
            "beschaeftigte_auslaendisch",
            "Anteil ausländischer Beschäftigter (Wohnort)",
            "%",
            "share",
            "100 * aus / alle",
            {
                "aus": Pick(("13111-02-02-5_00.csv",), BESCH_WO, "ausländisch"),
                "alle": Pick(("13111-02-02-5_00.csv",), BESCH_WO),
            },
            by_sex=True,
        ),
        Spec(
            "beschaeftigte_akademisch",
            "Ausländische Beschäftigte mit akademischem Abschluss",
            "%",
            "share",
            "100 * akad / alle",
            {
                "akad": Pick(
                    ("13111-11-04-4_00.csv",),
                    BESCH_AO,
                    "ausländisch",
                    ("mit akademischem Abschluss",),
                ),
                "alle": Pick(("13111-11-04-4_00.csv",), BESCH_AO, "ausländisch", ALL),
            },
            by_sex=True,
        ),
        Spec(
            "arbeitslose_auslaendisch",
            "Anteil der Ausländer*innen an den Arbeitslosen",
            "%",
            "share",
            "100 * aus / alle",
            {
                "aus": Pick(ALO, "Arbeitslose", "ausländisch"),
                "alle": Pick(ALO, "Arbeitslose"),
            },
            direction="down",
        ),
        Spec(
            "langzeitarbeitslose",
            "Anteil der Langzeitarbeitslosen",
            "%",
            "share",
            "100 * lang / alle",
            {
                "lang": Pick(ALO, "Arbeitslose / langzeitarbeitslos"),
                "alle": Pick(ALO, "Arbeitslose"),
            },
            direction="down",
        ),
        Spec(
            "arbeitslosenquote",
            "Arbeitslosenquote",
            "%",
            "level",
            "q",
            {"q": Pick(ALO, QUOTE)},
            by_sex=True,
            direction="down",
            target=5.0,
        ),
        Spec(
            "arbeitslosenquote_abstand",
            "Abstand der Arbeitslosenquote der Ausländer*innen zur Quote insgesamt",
            "Prozentpunkte",
            "gap",
            "aus - alle",
            {"aus": Pick(ALO, QUOTE, "ausländisch"), "alle": Pick(ALO, QUOTE)},
            direction="down",
        ),
        Spec(
            "arbeitslose_u25",
            "Anteil der 15- bis unter 25-Jährigen an den Arbeitslosen",
            "%",
            "share",
            "100 * jung / alle",
            {
                "jung": Pick(
                    ("13211-01-03-4_00.csv",), "Arbeitslose / und zwar / 15 bis unter 25 Jahre"
                ),
                "alle": Pick(("13211-01-03-4_00.csv",), "Arbeitslose insgesamt"),
            },
            direction="down",
        ),
        Spec(
            "quote_auslaender_atlas",
            "Arbeitslosenquote der Ausländer*innen (Regionalatlas)",
            "%",
            "level",
            "q",
            {"q": Pick(("AI008-2_00.csv",), "Arbeitslosenquote Ausländer")},
            direction="down",
        ),
    ],
    "bildung": [
        Spec(
            "ohne_abschluss",
            "Schulabgänger*innen ohne Hauptschulabschluss",
            "%",
            "share",
            "100 * ohne / alle",
            {
                "ohne": Pick(ABSCHL, "Schulabschluss / ohne Hauptschulabschluss"),
                "alle": Pick(ABSCHL, "Schulabschluss / Insgesamt"),
            },
            direction="down",
        ),
        Spec(
            "hochschulreife",
            "Schulabgänger*innen mit allgemeiner Hochschulreife",
            "%",
            "share",
            "100 * abi / alle",
            {
                "abi": Pick(ABSCHL, "Schulabschluss / mit allgemeiner Hochschulreife"),
                "alle": Pick(ABSCHL, "Schulabschluss / Insgesamt"),
            },
        ),
        Spec(
            "schueler_auslaendisch",
            "Anteil ausländischer Schüler*innen",
            "%",
            "share",
            "100 * aus / alle",
            {
                "aus": Pick(SCHUL, PUPILS, "ausländisch", ALL),
                "alle": Pick(SCHUL, PUPILS, "insgesamt", ALL),
            },
        ),
        Spec(
            "gymnasium",
            "Anteil der Schüler*innen an Gymnasien",
            "%",
            "share",
            "100 * gym / alle",
            {
                "gym": Pick(SCHUL, PUPILS, "insgesamt", ("Gymnasien",)),
                "alle": Pick(SCHUL, PUPILS, "insgesamt", ALL),
            },
        ),
        Spec(
            "kita_plaetze",
            "Genehmigte Kita-Plätze je 100 Kinder unter 6 Jahren",
            "je 100",
            "level",
            "100 * plaetze / kinder",
            {
                "plaetze": Pick(KITA, "Genehmigte Plätze"),
                "kinder": Pick(BEV_KREIS, "Bevölkerungsstand", "insgesamt", SMALL_CHILDREN),
            },
        ),
        Spec(
            "kitas_integrativ",
            "Anteil der Kitas mit integrativer Betreuung",
            "%",
            "share",
            "100 * integrativ / alle",
            {
                "integrativ": Pick(KITA, "Einrichtungen mit integrativer Kinderbetreuung"),
                "alle": Pick(KITA, "Tageseinrichtungen für Kinder"),
            },
            target=50.0,
        ),
    ],
    "soziales": [
        Spec(
            "asyl_regelleistungen",
            "Empfänger*innen von Asylbewerberregelleistungen",
            "Anzahl",
            "level",
            "n",
            {"n": Pick(("22221-01-01-4_00.csv",), "Regelleistungsempfänger")},
        ),
        Spec(
            "sgb2_auslaendisch",
            "Anteil der Ausländer*innen an den SGB-II-Berechtigten",
            "%",
            "share",
            "100 * aus / alle",
            {
                "aus": Pick(SGB2, SGB2_MEASURE, "ausländisch"),
                "alle": Pick(SGB2, SGB2_MEASURE),
            },
        ),
        Spec(
            "sgb2_quote",
            "SGB-II-Berechtigte je 100 Einwohner*innen",
            "je 100",
            "level",
            "100 * sgb2 / einwohner",
            {
                "sgb2": Pick(SGB2, SGB2_MEASURE),
                "einwohner": Pick(BEV_GEM, "Bevölkerungsstand"),
            },
            direction="down",
        ),
        Spec(
            "wahlbeteiligung",
            "Wahlbeteiligung bei der Landtagswahl",
            "%",
            "level",
            "q",
            {"q": Pick(("14333-01-02-5_00.csv",), "Wahlbeteiligung")},
        ),
    ],
}


def write_catalog(path: Path, sources_of: dict[str, list[str]]) -> int:
    """The catalogue over the copies: one goal per field, the indicators whose files are here."""
    parts = [
        '[municipality]\nid = "hannover"\nname = "Landeshauptstadt Hannover"\n'
        'region_code = "03241001"\nstrategy = "Benchmark (amtliche Dateien)"\ncomparison = [\n'
        '  { code = "03241", name = "Region Hannover" },\n'
        '  { code = "03", name = "Niedersachsen" },\n]\n'
    ]
    count = 0
    for field, name in FIELDS.items():
        parts.append(f'[[field]]\nid = "{field}"\nname = {_toml(name)}\n')
        parts.append(
            f'[[goal]]\nid = "{field}.ziel"\nfield = "{field}"\ntitle = {_toml(name + ": Ziel")}\n'
            'owner = "Dezernat"\ndue = 2030\n'
        )
        for spec in SPECS[field]:
            files = {f for pick in spec.series.values() for f in pick.files}
            if not files <= sources_of.keys():
                continue  # a file of the family this folder does not hold
            parts.append(_indicator(field, spec, sources_of))
            count += 1
    path.write_text("\n".join(parts), encoding="utf-8")
    return count


def _indicator(field: str, spec: Spec, sources_of: dict[str, list[str]]) -> str:
    text = (
        f'[[indicator]]\nid = "{field}.{spec.id}"\ngoal = "{field}.ziel"\n'
        f"title = {_toml(spec.title)}\nunit = {_toml(spec.unit)}\n"
        f'kind = "{spec.kind}"\ndirection = "{spec.direction}"\nformula = "{spec.formula}"\n'
        f"baseline = 2012\nby_sex = {'true' if spec.by_sex else 'false'}\n"
    )
    if spec.target is not None:
        text += generate.TARGET.format(value=spec.target)
    for name, pick in spec.series.items():
        sources = [sid for file in pick.files for sid in sources_of[file]]
        text += (
            f"[indicator.series.{name}]\nsource = {json.dumps(sources)}\n"
            f"measure = {_toml(pick.measure)}\nnationality = {_toml(pick.nationality)}\n"
        )
        if pick.category:
            text += f"category = {json.dumps(list(pick.category), ensure_ascii=False)}\n"
    return text


def data_block(path: Path) -> str:
    """The data lines of a written file as text (for DuckDB's floor), decoded as our reader
    decodes the file."""
    real = split(path)
    _, encoding = decode(path.read_bytes(), path.name)
    return b"".join(real.data).decode(encoding)


def share_note(data: RealDataSet) -> str:
    if data.share < 1:
        return f"{math.floor(data.share * 1000) / 10} % of each file's data lines"
    return f"{data.copies} copies of each file"


if __name__ == "__main__":  # a quick look: python -m benchmarks.real /tmp/x 0.05
    import sys

    if not available():
        sys.exit(f"{SHARED} is absent")
    out = generate_real(Path(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)
    print(
        f"{out.values:,} values in {len(out.files)} files ({share_note(out)}), "
        f"{out.indicators} indicators"
    )
