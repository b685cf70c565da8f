"""A seeded, reproducible national-scale data set in the published formats, and a catalogue over it.

At scale 1: 16 Länder, 400 Kreise, 10,800 Gemeinden (11,216 regions) x 25 years x sex (3) x
nationality (3) x 10 measures = 25.2 million values in classic GENESIS files (one per Land, in
UTF-8, ISO-8859-1 or cp1252 with CRLF, with title lines, a two-row header, special symbols and a
quoted multi-line footer), one more measure for Kreise and Länder as a flat file, and a catalogue
of 210 indicators. Hannover (03241001), Region Hannover (03241) and Niedersachsen (03) are in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from etl.readers import ffcsv

YEARS = list(range(2000, 2025))
SEXES = ["Insgesamt", "männlich", "weiblich"]
NATIONALITIES = ["Insgesamt", "Deutsche", "Ausländer"]
MEASURES = [
    "Bevölkerung",
    "Sozialversicherungspflichtig Beschäftigte",
    "Arbeitslose",
    "Gewerbeanmeldungen",
    "Gewerbeabmeldungen",
    "Auszubildende",
    "Bestandene Abschlussprüfungen",
    "Schulabgänger mit Abschluss",
    "Einbürgerungen",
    "Leistungsberechtigte nach SGB II",
]
FLAT_MEASURE = "Schutzsuchende"
UNITS = {"gap": "Prozentpunkte", "share": "%", "level": "Anzahl"}
SYMBOLS = ["-", ".", "x", "/", "..."]
SYMBOL_SHARE = [0.010, 0.003, 0.001, 0.0005, 0.0005]
ENCODINGS = ["utf-8", "iso-8859-1", "cp1252"]
FOOTER = (
    "__________\n"
    '"Gebietsstand: jeweils 31.12.\n'
    "Aus Gründen der Geheimhaltung wurden Einzelwerte\n"
    'einem Rundungsverfahren unterzogen."\n'
    '"© Statistische Ämter des Bundes und der Länder, Deutschland, 2026.\n'
    "Dieses Werk ist lizenziert unter der Datenlizenz Deutschland\n"
    '- Namensnennung - Version 2.0."\n'
    "Stand: 01.11.2026 / 09:00:00\n"
)


@dataclass(frozen=True)
class DataSet:
    data_dir: Path
    catalog: Path
    classic_files: list[Path]
    regions: int
    values: int
    indicators: int


def regions(scale: float) -> pl.DataFrame:
    """Länder, Kreise and Gemeinden with codes and names; Hannover's among them."""
    per_land = max(1, round(25 * scale))
    per_kreis = max(1, round(27 * scale))
    rows = []
    for land in range(1, 17):
        land_code = f"{land:02d}"
        rows.append((land_code, f"Land {land_code}"))
        for k in range(per_land):
            kreis = f"{land_code}{k + 1:03d}"
            if land_code == "03" and k == 0:
                kreis = "03241"
            rows.append((kreis, f"    Kreis {kreis}"))
            for g in range(per_kreis):
                rows.append((f"{kreis}{g + 1:03d}", f"      Gemeinde {kreis}{g + 1:03d}"))
    return pl.DataFrame(rows, schema=["code", "name"], orient="row")


def _cells(rng: np.random.Generator, n: int, size: np.ndarray) -> list[str]:
    values = (size * rng.uniform(0.2, 1.0, n)).astype(np.int64).astype(str)
    draw = rng.random(n)
    edge = 0.0
    for symbol, share in zip(SYMBOLS, SYMBOL_SHARE, strict=True):
        values[(draw >= edge) & (draw < edge + share)] = symbol
        edge += share
    return values.tolist()


def _land_frame(land_regions: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    keys = (
        pl.DataFrame({"time": [str(y) for y in YEARS]})
        .join(land_regions, how="cross")
        .join(pl.DataFrame({"sex": SEXES}), how="cross")
        .join(pl.DataFrame({"nat": NATIONALITIES}), how="cross")
    )
    level = keys["code"].str.len_chars().to_numpy()
    size = np.where(level <= 2, 4_000_000, np.where(level == 5, 150_000, 6_000))
    columns = {f"v{i}": _cells(rng, keys.height, size // (i + 1)) for i in range(len(MEASURES))}
    return keys.with_columns(pl.DataFrame(columns))


def classic_text(land_code: str, frame: pl.DataFrame) -> str:
    n = 5 + len(MEASURES)
    head = [
        "GENESIS-Tabelle: 99999-01-01-4",
        "Bundesweiter Vergleichsdatensatz (synthetisch);" + ";" * (n - 2),
        f"Land {land_code}, alle Kreise und Gemeinden;" + ";" * (n - 2),
        ";;;;;" + ";".join(MEASURES),
        ";;;;;" + ";".join(["Anzahl"] * len(MEASURES)),
    ]
    body = frame.write_csv(separator=";", include_header=False, quote_style="never")
    return "\n".join(head) + "\n" + body + FOOTER


def flat_text(frame: pl.DataFrame) -> str:
    header = ffcsv.header(3)
    sex_code = {"Insgesamt": "", "männlich": "GESM", "weiblich": "GESW"}
    nat_code = {"Insgesamt": "", "Deutsche": "NATD", "Ausländer": "NATA"}
    body = frame.select(
        pl.concat_str(
            pl.lit("12531;Schutzsuchendenstatistik;STAG;Stichtag;"),
            pl.col("time"),
            pl.lit("-12-31;"),
            pl.when(pl.col("code").str.len_chars() == 2)
            .then(pl.lit("DLAND;Bundesländer;"))
            .otherwise(pl.lit("KREISE;Kreise und kreisfreie Städte;")),
            pl.col("code"),
            pl.lit(";"),
            pl.col("name").str.strip_chars(),
            pl.lit(";NAT;Nationalität;"),
            pl.col("nat").replace_strict(nat_code),
            pl.lit(";"),
            pl.col("nat"),
            pl.lit(";GES;Geschlecht;"),
            pl.col("sex").replace_strict(sex_code),
            pl.lit(";"),
            pl.col("sex"),
            pl.lit(";"),
            pl.col("v0"),
            pl.lit(f";Anzahl;SCHUTZ;{FLAT_MEASURE}"),
        ).alias("line")
    )["line"]
    return "\ufeff" + header + "\n" + "\n".join(body.to_list()) + "\n"


# Every target names where it comes from (a made-up decision here: the benchmark exercises the
# target-based status, which an assumed target would skip).
TARGET = 'target = {{ value = {value}, year = 2030, kind = "adopted", source = "Benchmark" }}\n'


def generate(target: Path, scale: float = 1.0, seed: int = 2472) -> DataSet:
    """Write the data set and its catalogue under `target`; the same seed gives the same bytes."""
    rng = np.random.default_rng(seed)
    data = target / "data"
    raw = data / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    all_regions = regions(scale)
    manifest, files, values = [], [], 0
    flat_parts = []
    for land in range(1, 17):
        code = f"{land:02d}"
        own = all_regions.filter(pl.col("code").str.starts_with(code))
        frame = _land_frame(own, rng)
        values += frame.height * len(MEASURES)
        encoding = ENCODINGS[land % 3]
        newline = "\r\n" if encoding == "cp1252" else "\n"
        path = raw / f"99999_land_{code}.csv"
        text = classic_text(code, frame)
        path.write_bytes(text.replace("\n", newline).encode(encoding, errors="replace"))
        files.append(path)
        manifest.append(_source(f"land_{code}", path.name, "genesis"))
        flat_parts.append(frame.filter(pl.col("code").str.len_chars() <= 5))
    flat = pl.concat(flat_parts)
    (raw / "12531_schutzsuchende.csv").write_text(flat_text(flat), encoding="utf-8")
    values += flat.height
    manifest.append(_source("schutzsuchende", "12531_schutzsuchende.csv", "ffcsv"))
    (data / "sources.toml").write_text("\n".join(manifest), encoding="utf-8")
    catalog = target / "indicators.toml"
    kreise = [c for c in all_regions["code"] if len(c) == 5 and c.startswith("03")]
    n_indicators = write_catalog(catalog, [f"land_{land:02d}" for land in range(1, 17)], kreise)
    return DataSet(data, catalog, files, all_regions.height, values, n_indicators)


def _source(source_id: str, file: str, fmt: str) -> str:
    return (
        f'[[source]]\nid = "{source_id}"\nfile = "raw/{file}"\nformat = "{fmt}"\n'
        'title = "Synthetischer Vergleichsdatensatz"\npublisher = "WIR-Monitor Benchmark"\n'
        'licence = "CC0 1.0"\nretrieved = 2026-11-01\nis_sample = true\n'
    )


def write_catalog(path: Path, sources: list[str], kreise: list[str]) -> int:
    """210 indicators in 6 fields and 36 goals: shares, rates, gaps and levels over the measures."""
    parts = [
        '[municipality]\nid = "hannover"\nname = "Landeshauptstadt Hannover"\n'
        'region_code = "03241001"\nstrategy = "Benchmark"\ncomparison = [\n'
        '  { code = "03241", name = "Region Hannover" },\n'
        '  { code = "03", name = "Niedersachsen" },\n]\n'
    ]
    for f in range(6):
        parts.append(f'[[field]]\nid = "f{f}"\nname = "Handlungsfeld {f + 1}"\n')
        for g in range(6):
            parts.append(
                f'[[goal]]\nid = "f{f}.g{g}"\nfield = "f{f}"\ntitle = "Ziel {f + 1}.{g + 1}"\n'
                'owner = "Dezernat"\ndue = 2030\n'
            )
    source_list = "[" + ", ".join(f'"{s}"' for s in sources) + "]"
    count = 0
    for i in range(210):
        a, b = MEASURES[i % 10], MEASURES[(i // 10 + 1 + i) % 10]
        goal = f"f{i % 6}.g{(i // 6) % 6}"
        kind = ["share", "level", "gap", "share", "level"][i % 5]
        regions_line = ""
        if i % 10 == 0:
            regions_line = (
                "regions = [" + ", ".join(f'"{k}"' for k in ["03241001", *kreise]) + "]\n"
            )
        head = (
            f'[[indicator]]\nid = "i{i:03d}"\ngoal = "{goal}"\ntitle = "Indikator {i}"\n'
            f'unit = "{UNITS[kind]}"\n'
            f'kind = "{kind}"\nbaseline = 2015\nby_sex = {"true" if i % 4 == 0 else "false"}\n'
            + regions_line
        )
        if i % 7 == 0 and kind != "gap":
            head += TARGET.format(value=50.0)
        if kind == "share":
            body = (
                'formula = "100 * aus / alle"\n'
                + _series("aus", source_list, a, "Ausländer")
                + _series("alle", source_list, a, "insgesamt")
            )
        elif kind == "gap":
            body = (
                'formula = "100 * a_de / b_de - 100 * a_aus / b_aus"\n'
                + _series("a_de", source_list, a, "Deutsche")
                + _series("b_de", source_list, b, "Deutsche")
                + _series("a_aus", source_list, a, "Ausländer")
                + _series("b_aus", source_list, b, "Ausländer")
            )
        elif i % 25 == 1:
            body = 'formula = "schutz"\n' + _series(
                "schutz", '["schutzsuchende"]', FLAT_MEASURE, "insgesamt"
            )
        else:
            body = 'formula = "n"\n' + _series("n", source_list, a, "insgesamt")
        parts.append(head + body)
        count += 1
    path.write_text("\n".join(parts), encoding="utf-8")
    return count


def _series(name: str, sources: str, measure: str, nationality: str) -> str:
    nat = {"Ausländer": "ausländisch", "Deutsche": "deutsch"}.get(nationality, nationality)
    return (
        f'[indicator.series.{name}]\nsource = {sources}\nmeasure = "{measure}"\n'
        f'nationality = "{nat}"\n'
    )


def expected_values(scale: float) -> int:
    per_land, per_kreis = max(1, round(25 * scale)), max(1, round(27 * scale))
    n_regions = 16 * (1 + per_land * (1 + per_kreis))
    return n_regions * len(YEARS) * len(SEXES) * len(NATIONALITIES) * len(MEASURES)


if __name__ == "__main__":  # a quick look: python -m benchmarks.generate /tmp/x 0.05
    import sys

    out = generate(Path(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)
    print(f"{out.regions:,} regions, {out.values:,} values, {out.indicators} indicators")
