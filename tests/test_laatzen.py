"""Laatzen, the second municipality: its catalogue, its data folder and its build, with the same
code as Hannover.

The figures are read here from the shipped extracts by splitting their lines by hand, never with
etl.readers, and compared with what the build put into the warehouse.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import hashlib
import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pytest

import vocabulary
from etl import catalog as catalog_module
from etl import progress
from etl.__main__ import main
from tests.conftest import ROOT, SHARED

CATALOG = ROOT / "catalogues" / "laatzen.toml"
DATA = ROOT / "data" / "laatzen"
SOURCES: list[dict[str, Any]] = tomllib.loads((DATA / "sources.toml").read_text("utf-8"))["source"]
EXTRACTS: list[dict[str, Any]] = tomllib.loads((DATA / "provenance.toml").read_text("utf-8"))[
    "extract"
]
LAATZEN = "03241009"
REGION = "03241"
LAND = "03"


@pytest.fixture(scope="module")
def catalog() -> catalog_module.Catalog:
    return catalog_module.load(CATALOG)


# --- the catalogue ----------------------------------------------------------------------------


def test_the_catalogue_has_the_concepts_seven_fields(catalog: catalog_module.Catalog) -> None:
    # Drucksache 2018/222/1, in its order.
    assert [f.name for f in catalog.fields] == [
        "Willkommenskultur",
        "Wohnen und Leben",
        "Bildung und Sprache",
        "Wirtschaft und Arbeit",
        "Teilhabe",
        "Interkulturelle Öffnung",
        "Vernetzung",
    ]


def test_the_municipality_is_laatzen_evaluated_every_two_years(
    catalog: catalog_module.Catalog,
) -> None:
    town = catalog.municipality
    assert (town.id, town.name, town.region_code) == ("laatzen", "Stadt Laatzen", LAATZEN)
    assert town.report_interval == 2
    assert town.committee == "Ausschuss für Gesellschaft, Soziales, Kultur und Sport"
    assert [(r.code, r.name) for r in town.comparison] == [
        (REGION, "Region Hannover"),
        (LAND, "Niedersachsen"),
    ]


def test_every_goal_measure_and_round_is_a_marked_example(
    catalog: catalog_module.Catalog,
) -> None:
    # The concept's goals are not published: nothing invented may pass for an adopted goal.
    assert catalog.goals
    assert catalog.measures
    assert catalog.rounds
    for entry in (*catalog.goals, *catalog.measures, *catalog.rounds):
        assert entry.sample, entry.id
        assert entry.title.startswith("Beispiel"), entry.id
    for goal in catalog.goals:
        assert goal.description.startswith("Beispiel:"), goal.id
        assert goal.due_kind == "assumed", goal.id
        assert goal.due_source.startswith("Beispiel:"), goal.id


def test_every_field_has_a_goal_and_the_smart_check_meets_both_kinds(
    catalog: catalog_module.Catalog,
) -> None:
    assert {g.field for g in catalog.goals} == {f.id for f in catalog.fields}
    with_indicator = {i.goal for i in catalog.indicators}
    with_measure = {m.goal for m in catalog.measures}
    assert with_indicator - with_measure, "a goal measured by an indicator only"
    assert with_measure - with_indicator, "a goal followed by measures only"
    assert catalog_module.goals_without_work(catalog) == []
    # Every goal names who is responsible and by when (the A and T of SMART).
    assert all(g.owner.strip() and g.due for g in catalog.goals)


def test_indicators_rest_on_official_data_only_and_no_target_is_claimed(
    catalog: catalog_module.Catalog,
) -> None:
    official = {s["id"] for s in SOURCES if not s["is_sample"]}
    assert official == {s["id"] for s in SOURCES}
    for ind in catalog.indicators:
        assert {src for s in ind.series.values() for src in s.sources} <= official, ind.id
        # No council paper sets a target for Laatzen.
        assert ind.target is None or ind.target.kind == "assumed", ind.id


# --- the data folder ----------------------------------------------------------------------------


def test_every_source_is_described_with_its_published_date() -> None:
    for source in SOURCES:
        text = (DATA / source["file"]).read_text("utf-8")
        assert text.splitlines()[0] == f"GENESIS-Tabelle: {source['table_code']}"
        stand = re.search(r"^Stand: (\d\d)\.(\d\d)\.(\d{4})", text, re.MULTILINE)
        assert stand is not None, source["file"]
        day, month, year = (int(g) for g in stand.groups())
        assert source["retrieved"] == dt.date(year, month, day)
        assert source["licence"] == "Datenlizenz Deutschland – Namensnennung – Version 2.0"
        assert source["format"] == "genesis"
    described = sorted(s["file"] for s in SOURCES)
    found = sorted(p.relative_to(DATA).as_posix() for p in (DATA / "raw").rglob("*.csv"))
    assert described == found == sorted(e["file"] for e in EXTRACTS)


@pytest.mark.parametrize("extract", EXTRACTS, ids=lambda e: e["file"])
def test_an_extract_matches_its_recorded_hash(extract: dict[str, Any]) -> None:
    data = (DATA / extract["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == extract["sha256"]
    assert (
        "datenguide/genesapi-data, commit 75112493298aa46cd7433262f14e07ea0b82b448"
        in (extract["origin"])
    )


def _make_extracts() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_extracts", ROOT / "scripts" / "make_extracts.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is made.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.shared
def test_the_extracts_are_what_make_extracts_cuts_from_the_real_files() -> None:
    if not (SHARED / "data" / "regionalstatistik").is_dir():
        pytest.skip("../shared/data/regionalstatistik/ is absent: the originals are not here")
    script = _make_extracts()
    records = script.extracts(script.LAATZEN)
    assert {f"raw/{name}": data for name, _, _, data in records} == {
        e["file"]: (DATA / e["file"]).read_bytes() for e in EXTRACTS
    }
    assert script.provenance(records) == (DATA / "provenance.toml").read_text("utf-8")
    for name, original, _, data in records:
        # Every line of an extract is a line of the original, in the same order.
        lines = original.read_bytes().decode("utf-8").splitlines(keepends=True)
        kept = iter(lines)
        assert all(line in kept for line in data.decode("utf-8").splitlines(keepends=True)), name
        assert any(line.startswith(LAATZEN) or f";{LAATZEN};" in line for line in lines)


# --- the figures, split by hand from the extract lines -----------------------------------------


def _lines(file: str) -> list[list[str]]:
    text = (DATA / "raw" / file).read_text("utf-8")
    body = text.split("\n__________", 1)[0]
    return [line.split(";") for line in body.splitlines()]


def _row(lines: list[list[str]], key: str) -> list[str]:
    (row,) = [cells for cells in lines if cells[0].strip() == key]
    return row


def population() -> dict[tuple[str, int], float]:
    """12411-01-01-5: dates across the columns (line 7), sex below them (line 8)."""
    lines = _lines("regionalstatistik_12411-01-01-5.csv")
    dates, sexes = lines[6], lines[7]
    expected = {}
    for key in (LAATZEN, REGION, LAND):
        row = _row(lines, key)
        for col in range(2, len(row)):
            if sexes[col] == "Insgesamt":
                expected[key, int(dates[col][-4:])] = float(row[col])
    return expected


def foreign_employee_share() -> dict[tuple[str, str], float]:
    """13111-02-02-5, 30.06.2015 only: total, male, female, then the same for Ausländer(innen)."""
    lines = _lines("regionalstatistik_13111-02-02-5.csv")
    assert lines[6][0] == "30.06.2015"
    expected = {}
    for key in (LAATZEN, REGION, LAND):
        values = [float(v) for v in _row(lines, key)[2:8]]
        for i, sex in enumerate(("insgesamt", "männlich", "weiblich")):
            expected[key, sex] = 100 * values[3 + i] / values[i]
    return expected


def turnout() -> dict[int, float]:
    """14333-01-02-5: election date, key, name, Wahlberechtigte, Wahlbeteiligung (decimal comma)."""
    lines = _lines("regionalstatistik_14333-01-02-5.csv")
    return {
        int(cells[0][-4:]): float(cells[4].replace(",", "."))
        for cells in lines
        if len(cells) > 4 and cells[1] == LAATZEN
    }


def test_the_hand_split_figures_are_the_published_ones() -> None:
    # Read off the extracts once by eye; the functions above must find the same.
    assert population()[LAATZEN, 2015] == 40939
    assert population()[LAATZEN, 2011] == 39090
    assert foreign_employee_share()[LAATZEN, "insgesamt"] == pytest.approx(100 * 1463 / 14463)
    assert turnout() == {2008: 57.8, 2013: 61.3}


# --- the build --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built with the command the README gives, into a temporary folder."""
    link = tmp_path_factory.mktemp("laatzen") / "warehouse.duckdb"
    code = main(["run", "--catalog", str(CATALOG), "--data", str(DATA), "--db", str(link)])
    assert code == 0
    return link


def _query(link: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(link), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _values(link: Path, indicator: str) -> dict[tuple[str, int, str], float]:
    rows = _query(
        link,
        "SELECT region_code, period, sex, value FROM indicator_values WHERE indicator_id = ?",
        indicator,
    )
    return {(region, period, sex): value for region, period, sex, value in rows}


def test_the_warehouse_is_laatzens(warehouse: Path) -> None:
    assert _query(warehouse, "SELECT id, region_code, report_interval FROM municipality") == [
        ("laatzen", LAATZEN, 2)
    ]
    assert _query(warehouse, "SELECT count(*) FROM fields") == [(7,)]


def test_the_population_in_the_warehouse_is_the_published_one(warehouse: Path) -> None:
    values = _values(warehouse, "wohnen.bevoelkerung")
    expected = {(key, year, "insgesamt"): value for (key, year), value in population().items()}
    assert values == expected
    assert len(expected) == 3 * 8  # three regions, 2008–2015


def test_the_foreign_employee_share_is_the_published_one(warehouse: Path) -> None:
    values = _values(warehouse, "wirtschaft.beschaeftigte_auslaendisch_anteil")
    expected = {(key, 2015, sex): share for (key, sex), share in foreign_employee_share().items()}
    assert values == pytest.approx(expected)
    assert values[LAATZEN, 2015, "insgesamt"] == pytest.approx(10.1155, abs=1e-4)


def test_the_landtag_turnout_is_the_published_one(warehouse: Path) -> None:
    values = _values(warehouse, "teilhabe.wahlbeteiligung_landtag")
    assert values == {(LAATZEN, year, "insgesamt"): v for year, v in turnout().items()}


def test_every_indicator_has_a_status_for_laatzen(
    warehouse: Path, catalog: catalog_module.Catalog
) -> None:
    rows = _query(
        warehouse,
        "SELECT indicator_id, status FROM indicator_progress WHERE region_code = ?",
        LAATZEN,
    )
    statuses = dict(rows)
    assert set(statuses) == {i.id for i in catalog.indicators}
    assert set(statuses.values()) <= set(progress.ALL_STATUSES)
    # Worked out by hand: the population is context; the employees have one year only; the
    # turnout rose (61.3 − 57.8) / 5 = 0.7 points a year, under the 1 point of "deutlich".
    assert statuses == {
        "wohnen.bevoelkerung": progress.KONTEXT,
        "wirtschaft.beschaeftigte_auslaendisch_anteil": progress.NICHT_BEWERTBAR,
        "teilhabe.wahlbeteiligung_landtag": progress.MAESSIGER_FORTSCHRITT,
    }


# --- the round file in the agreed layout -------------------------------------------------------

ROUND_HEADER = ["massnahme", "stand", "fortschritt", "kommentar", "gemeldet_von", "gemeldet_am"]


@pytest.mark.parametrize("path", sorted((DATA / "massnahmen").glob("*.csv")), ids=lambda p: p.name)
def test_a_round_file_reports_catalogue_measures_as_examples(
    path: Path, catalog: catalog_module.Catalog
) -> None:
    assert path.stem in {r.id for r in catalog.rounds}
    rows = list(csv.reader(path.read_text("utf-8").splitlines(), delimiter=";"))
    assert rows[0] == ROUND_HEADER
    assert sorted(r[0] for r in rows[1:]) == sorted(m.id for m in catalog.measures)
    for massnahme, stand, fortschritt, kommentar, von, am in rows[1:]:
        assert stand in vocabulary.MEASURE_STATES, massnahme
        assert fortschritt == "" or 0 <= int(fortschritt) <= 100, massnahme
        if stand == "umgesetzt":
            assert fortschritt in {"", "100"}, massnahme
        assert kommentar.startswith("Beispiel:"), massnahme
        assert von.strip(), massnahme
        dt.datetime.strptime(am, "%d.%m.%Y")


# --- one code for every municipality -----------------------------------------------------------


def _code_words(path: Path) -> list[str]:
    """Identifiers and string constants of a module, without comments and docstrings: a comment
    or a doctest that uses Laatzen as an example is no branch."""
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    words = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                words.append(node.value)
        elif isinstance(node, ast.Name):
            words.append(node.id)
        elif isinstance(node, ast.Attribute):
            words.append(node.attr)
    return words


def test_no_code_names_a_municipality_of_its_own() -> None:
    files = sorted([*(ROOT / "etl").rglob("*.py"), *(ROOT / "dashboard").rglob("*.py")])
    assert len(files) > 10
    found = [
        f"{path.relative_to(ROOT)}: {word!r}"
        for path in files
        for word in _code_words(path)
        if "laatzen" in word.lower() or LAATZEN in word
    ]
    assert found == []


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed here")
def test_make_run_serves_hannover_unless_told_otherwise() -> None:
    def commands(*args: str) -> str:
        result = subprocess.run(
            ["make", "-n", "-o", ".venv/.installed-stamp", "run", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    default = commands()
    assert "-m etl run --catalog indicators.toml --data data --db data/warehouse.duckdb" in default
    assert "WIR_MONITOR_DB=data/warehouse.duckdb " in default
    laatzen = commands("CATALOG=catalogues/laatzen.toml", "DATA=data/laatzen")
    assert (
        "-m etl run --catalog catalogues/laatzen.toml --data data/laatzen "
        "--db data/laatzen/warehouse.duckdb" in laatzen
    )
    assert "WIR_MONITOR_DB=data/laatzen/warehouse.duckdb " in laatzen


def test_a_field_of_invented_goals_is_marked_as_sample_data(warehouse: Path) -> None:
    """Laatzen's goals are examples (goal.sample): a goal's status on official figures is still
    a status of an invented goal, so the goal and its field count as Beispieldaten."""
    goals = _query(
        warehouse, "SELECT bool_and(uses_sample) FROM goal_progress WHERE region_code = ?", LAATZEN
    )
    assert goals == [(True,)]
    fields = _query(
        warehouse,
        "SELECT field_id, sample_goals, assessed FROM field_progress "
        "WHERE region_code = ? AND assessed > 0",
        LAATZEN,
    )
    assert fields, "no field of Laatzen has an assessed goal"
    assert all(sample == assessed for _, sample, assessed in fields)
