"""Formulas are arithmetic only: parsed and checked, never run as Python or pasted into SQL."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from etl.formula import FormulaError, in_words, parse
from tests.conftest import ROOT

NAMES = {"a", "b", "c"}


def test_evaluates_on_columns() -> None:
    frame = pl.DataFrame({"a": [30.0, 1.0], "b": [120.0, 0.0]})
    formula = parse("100 * a / b", NAMES)
    assert frame.select(formula.expression().alias("x"))["x"].to_list() == [25.0, float("inf")]
    # The scale factor is not part of the count: 30 of 120, not 3000 of 120 (issue #8).
    assert formula.parts() == ("a", "b")


def test_parts_drop_a_scale_factor_on_either_side() -> None:
    assert parse("10000 * a / b", NAMES).parts() == ("a", "b")
    assert parse("a * 100 / b", NAMES).parts() == ("a", "b")
    assert parse("a / (b * 1000)", NAMES).parts() == ("a", "b")


def test_precedence_and_unary_minus() -> None:
    frame = pl.DataFrame({"a": [2.0], "b": [3.0], "c": [4.0]})
    assert frame.select(parse("-a + b * c", NAMES).expression())[0, 0] == 10.0
    assert frame.select(parse("(a + b) / c - 1", NAMES).expression())[0, 0] == 0.25


def test_parts_only_for_a_ratio_of_two_series() -> None:
    assert parse("a - b", NAMES).parts() is None
    assert parse("(a + b) / c", NAMES).parts() is None
    assert parse("a * b / c", NAMES).parts() is None


def test_in_words() -> None:
    formula = parse("100 * a / (b - c)", NAMES)
    assert (
        in_words(formula, {"a": "Frauen", "b": "Alle", "c": "Männer"})
        == "100 × Frauen ÷ (Alle − Männer)"
    )


ATTEMPTS = {
    "import": "__import__('os').system('touch {marker}')",
    "attribute": "a.__class__.__bases__",
    "call": "open('{marker}', 'w')",
    "lambda": "(lambda: 1)()",
    "subscript": "a[0]",
    "string": "'a' + 'b'",
    "semicolon": "a; b",
    "sql": "a / b; DROP TABLE observations; --",
    "sql_union": "a UNION SELECT * FROM sources",
    "comprehension": "[x for x in (1, 2)]",
    "walrus": "(a := 1)",
    "comparison": "a if b else c",
    "power": "a ** 1000000",
    "huge": "a + " * 25_000 + "a",
    "nested": "(" * 200 + "a" + ")" * 200,
    "unknown name": "a / einwohnr",
    # Passed `check`, then `run` failed with OverflowError when the number became a float.
    "400 digits": "9" * 400 + " * a / b",
    "float overflow": "1e400 * a / b",
    "hex overflow": "0x" + "f" * 300 + " * a",
}


@pytest.mark.parametrize("text", list(ATTEMPTS.values()), ids=list(ATTEMPTS))
def test_parse_refuses(text: str, tmp_path: Path) -> None:
    with pytest.raises(FormulaError):
        parse(text.format(marker=tmp_path / "pwned"), NAMES)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("name", list(ATTEMPTS))
def test_check_refuses_with_the_indicator_id(name: str, tmp_path: Path, data_dir: Path) -> None:
    marker = tmp_path / "pwned"
    renamed = re.sub(r"\bb\b", "neu", re.sub(r"\ba\b", "neu_mh", ATTEMPTS[name]))
    text = renamed.format(marker=marker)
    catalogue = (ROOT / "indicators.toml").read_text("utf-8")
    original = 'formula = "100 * neu_mh / neu"'
    assert original in catalogue
    path = tmp_path / "indicators.toml"
    path.write_text(catalogue.replace(original, f"formula = '''{text}'''"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "etl", "check", "--catalog", str(path), "--data", str(data_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        'error: indicators.toml: indicator "verwaltung.neueinstellungen_mh_anteil".formula: '
    )
    assert not marker.exists()
    assert len(lines[0]) < 300  # the message names the mistake; it does not echo a huge formula
    assert not list(data_dir.glob("warehouse*"))
