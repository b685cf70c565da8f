"""The city's own exports: staff report, trade register, chambers' training statistics.

They share one layout, documented in data/README.md: `;`-separated, a single header row with
the fixed column names below, one row per year and breakdown, German numbers and the published
symbols in the value columns. Each export is declared once here as a `CityFormat`; the reader
itself is the same for all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from etl.errors import Problem, SourceFileError, named, quoted
from etl.readers._common import (
    REGION_CODE,
    TOTAL,
    bad_value_error,
    display_name,
    finish,
    header_cells,
    normalise_nationality,
    normalise_sex,
    parse_time,
    read_table,
    read_text,
    with_values,
)


@dataclass(frozen=True)
class CityFormat:
    """One export layout: its key columns and, per value column, the measure and unit."""

    name: str
    title: str
    categories: dict[str, str]  # column → label used in `category` ("Fachbereich: …")
    measures: dict[str, tuple[str, str]]  # column → (measure, unit)
    sex: str | None = "Geschlecht"
    nationality: str | None = None
    keys: tuple[str, ...] = field(default=("Jahr", "AGS", "Gemeinde"))

    @property
    def columns(self) -> list[str]:
        extra = [c for c in (self.sex, self.nationality) if c]
        return [*self.keys, *self.categories, *extra, *self.measures]


FORMATS: dict[str, CityFormat] = {
    f.name: f
    for f in (
        CityFormat(
            name="staff_report",
            title="Personal- und Organisationsbericht (Personalbefragung)",
            categories={"Fachbereich": "Fachbereich", "Entgeltgruppe": "Entgeltgruppe"},
            measures={
                "Beschaeftigte": ("Beschäftigte", "Personen"),
                "mit_Migrationshintergrund": ("Beschäftigte mit Migrationshintergrund", "Personen"),
                "Antworten_Befragung": ("Antworten der Personalbefragung", "Personen"),
                "Neueinstellungen": ("Neueinstellungen", "Personen"),
                "Neueinstellungen_mit_Migrationshintergrund": (
                    "Neueinstellungen mit Migrationshintergrund",
                    "Personen",
                ),
            },
        ),
        CityFormat(
            name="trade_register",
            title="Gewerberegister der Stadt (Gewerbeanmeldungen)",
            categories={"Rechtsform": "Rechtsform"},
            nationality="Staatsangehoerigkeit",
            measures={"Anmeldungen": ("Gewerbeanmeldungen", "Anzahl")},
        ),
        CityFormat(
            name="training",
            title="Ausbildungsstatistik der Kammern",
            categories={"Kammer": "Kammer"},
            nationality="Staatsangehoerigkeit",
            measures={
                "Auszubildende": ("Auszubildende", "Personen"),
                "Pruefungsteilnahmen": ("Teilnahmen an Abschlussprüfungen", "Anzahl"),
                "bestandene_Pruefungen": ("Bestandene Abschlussprüfungen", "Anzahl"),
            },
        ),
        CityFormat(
            name="population_register",
            title="Einwohnermelderegister der Stadt (Bevölkerung mit Migrationshintergrund)",
            categories={},
            measures={
                "Einwohner": ("Einwohner (Melderegister)", "Personen"),
                "mit_Migrationshintergrund": ("Einwohner mit Migrationshintergrund", "Personen"),
            },
        ),
        CityFormat(
            name="committees",
            title="Besetzung der Gremien (Lenkungsgruppe, Expert*innengruppen)",
            categories={
                "Gremienart": "Gremienart",
                "Gremium": "Gremium",
                "Migrationshintergrund": "Migrationshintergrund",
            },
            measures={"Mitglieder": ("Mitglieder", "Personen")},
        ),
    )
}


def read(path: Path, fmt: str, source: str | None = None) -> pl.DataFrame:
    """Read one of the city's exports, declared in `FORMATS`, into the tidy frame."""
    spec = FORMATS[fmt]
    file = display_name(path)
    text, _ = read_text(path)
    source = source or path.stem
    header = header_cells(text)
    if header != spec.columns:
        raise _header_error(file, header, spec)
    # The rows are read under the names just checked, never under polars' reading of line 1.
    rows = read_table(text, file, columns=spec.columns)
    return _tidy(rows, spec, file, source)


def _header_error(file: str, header: list[str], spec: CityFormat) -> SourceFileError:
    expected = ";".join(spec.columns)
    if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        return SourceFileError.one(
            file,
            f"the header is not separated by ';' (Excel may have saved it with ',' or tabs); "
            f"expected: {expected}",
            line=1,
        )
    missing = [c for c in spec.columns if c not in header]
    unknown = [c for c in header if c not in spec.columns]
    detail = []
    if missing:
        detail.append("missing " + ", ".join(missing))
    if unknown:
        shown = ", ".join(named(c) for c in unknown[:5])
        detail.append(f"unknown {shown}{', …' if len(unknown) > 5 else ''}")
    if not detail:
        detail.append("columns in another order")
    return SourceFileError.one(
        file,
        f"header does not match the {spec.title} layout ({'; '.join(detail)}); "
        f"expected: {expected}",
        line=1,
    )


def _tidy(rows: pl.DataFrame, spec: CityFormat, file: str, source: str) -> pl.DataFrame:
    problems: list[Problem] = []
    for key in (*spec.keys, *spec.categories):
        empty = rows.filter(pl.col(key).is_null() | (pl.col(key).str.strip_chars() == ""))
        if empty.height:
            problems.append(
                Problem(file, "empty key cell", line=int(empty["line"][0]), column=f'"{key}"')
            )
    if problems:
        raise SourceFileError(problems)

    period, reference_date = parse_time(pl.col("Jahr"))
    labelled = [
        pl.lit(f"{label}: ") + pl.col(col).str.strip_chars()
        for col, label in spec.categories.items()
    ]
    category = pl.concat_str(labelled, separator=" | ") if labelled else pl.lit(None, pl.String)
    keyed = rows.with_columns(
        period,
        reference_date,
        pl.col("AGS").str.strip_chars().alias("region_code"),
        pl.col("Gemeinde").str.strip_chars().alias("region_name"),
        (normalise_sex(pl.col(spec.sex)) if spec.sex else pl.lit(TOTAL)).alias("sex"),
        (
            normalise_nationality(pl.col(spec.nationality)) if spec.nationality else pl.lit(TOTAL)
        ).alias("nationality"),
        category.alias("category"),
    )
    bad_year = keyed.filter(pl.col("period").is_null())
    if bad_year.height:
        raise SourceFileError.one(
            file,
            f"{quoted(bad_year['Jahr'][0])} is not a year (2019) or a date (31.12.2019)",
            line=int(bad_year["line"][0]),
            column='"Jahr"',
        )
    if not keyed["region_code"].str.contains(REGION_CODE).all():
        row = keyed.filter(~pl.col("region_code").str.contains(REGION_CODE)).row(0, named=True)
        raise SourceFileError.one(
            file,
            f"{quoted(row['AGS'])} is not an official municipality key (AGS, e.g. 03241001); "
            "Excel may have dropped its leading zero",
            line=row["line"],
            column='"AGS"',
        )
    base = [
        "line",
        "period",
        "reference_date",
        "region_code",
        "region_name",
        "sex",
        "nationality",
        "category",
    ]
    long = keyed.unpivot(index=base, on=list(spec.measures), variable_name="col", value_name="cell")
    long = with_values(long, "cell")
    wrong = long.filter(pl.col("bad")).sort("line")
    if wrong.height:
        problems = []
        for row in wrong.head(5).iter_rows(named=True):
            problems.extend(
                bad_value_error(file, row["line"], f'"{row["col"]}"', row["cell"]).problems
            )
        if wrong.height > 5:
            problems.append(Problem(file, f"… and {wrong.height - 5} more cells like these"))
        raise SourceFileError(problems)
    measure_of = {col: m for col, (m, _) in spec.measures.items()}
    unit_of = {col: u for col, (_, u) in spec.measures.items()}
    order = {col: i for i, col in enumerate(spec.measures)}
    tidy = long.with_columns(
        pl.col("col").replace_strict(measure_of).alias("measure"),
        pl.col("col").replace_strict(unit_of).alias("unit"),
        pl.col("col").replace_strict(order, return_dtype=pl.Int32).alias("col_index"),
    ).sort("line", "col_index")
    return finish(tidy, source)
