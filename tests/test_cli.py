"""python -m etl: exit codes, one readable line per problem, inspect's outputs."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from etl import catalog
from etl.readers import TIDY_COLUMNS
from tests.conftest import PROBLEMS, ROOT, SAMPLES


def etl(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_run_builds_and_summarises(data_dir: Path) -> None:
    db = data_dir / "warehouse.duckdb"
    result = etl("run", "--data", str(data_dir), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "6 fields, 39 goals" in result.stdout
    assert db.is_symlink()
    # One line per indicator of the catalogue, in its order: id, then its status.
    ids = [i.id for i in catalog.load(ROOT / "indicators.toml").indicators]
    lines = [line.split() for line in result.stdout.splitlines() if line.startswith("    ")]
    assert [words[0] for words in lines] == ids
    assert all(len(words) >= 2 for words in lines)


def test_check_ok(data_dir: Path) -> None:
    result = etl("check", "--data", str(data_dir))
    assert result.returncode == 0
    assert result.stdout.startswith("OK:")


def test_user_error_exit_1_one_line_per_problem_no_traceback(data_dir: Path) -> None:
    result = etl(
        "check", "--catalog", str(PROBLEMS / "catalog_unknown_field.toml"), "--data", str(data_dir)
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        'error: catalog_unknown_field.toml: goal "bildung.sprachbildung".field: '
        'unknown field "bildng" — did you mean "bildung"? (known: bildung, soziales)'
    ]


def test_wrong_usage_exit_2() -> None:
    assert etl("frobnicate").returncode == 2
    assert etl("inspect").returncode == 2
    assert etl("inspect", "x.csv", "--json", "--csv").returncode == 2


def test_inspect_json() -> None:
    result = etl("inspect", str(SAMPLES / "genesis_personal.csv"), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["rows"] == 24
    assert summary["measures"][0] == {
        "name": "Vollzeitäquivalent",
        "unit": "Anzahl",
        "sex": ["insgesamt", "männlich", "weiblich"],
        "nationality": ["insgesamt"],
        "category": [],
        "category_parts": {},
        "without_category": False,
    }
    assert len(summary["measures"]) == 3
    assert summary["periods"] == [2008, 2015, 2016, 2017]
    assert {r["code"] for r in summary["regions"]} == {"03241", "03241001"}
    assert summary["flags"] == {"-": 3, ".": 1, "...": 1, "/": 1, "x": 1}


def test_inspect_csv_is_the_tidy_frame() -> None:
    result = etl("inspect", str(SAMPLES / "trade_register.csv"), "--csv")
    assert result.returncode == 0, result.stderr
    frame = pl.read_csv(io.StringIO(result.stdout), infer_schema=False)
    assert frame.columns == TIDY_COLUMNS
    assert frame.height == 3
    assert frame["value"].to_list() == ["198.0", "1780.0", "562.0"]


def test_inspect_bad_file_exit_1() -> None:
    result = etl("inspect", str(PROBLEMS / "stray_text_in_value.csv"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert 'line 13, column 6 ("Beschäftigungsumfang / Vollzeitbeschäftigte")' in result.stderr


@pytest.mark.parametrize(
    ("option", "name", "message"),
    [
        ("--catalog", "catalog_top_level_scalar.toml", "[measure] must be a list of entries"),
        ("--catalog", "catalog_formula_number_too_large.toml", "a number in the formula is too"),
        ("--data", "sources_top_level_scalar.toml", "[source] must be a list of entries"),
    ],
)
def test_check_refuses_what_run_would_fail_on(
    option: str, name: str, message: str, data_dir: Path
) -> None:
    # Before: TypeError from `check` (top-level scalars), OverflowError from `run` (the number).
    if option == "--data":
        shutil.copy(PROBLEMS / name, data_dir / "sources.toml")
        args = ["--data", str(data_dir)]
    else:
        args = ["--catalog", str(PROBLEMS / name), "--data", str(data_dir)]
    for command in ("check", "run"):
        extra = ["--db", str(data_dir / "warehouse.duckdb")] if command == "run" else []
        result = etl(command, *args, *extra)
        assert result.returncode == 1, result.stdout
        assert "Traceback" not in result.stderr
        assert message in result.stderr
    assert not list(data_dir.glob("warehouse*"))
