"""Property tests: a mutated indicators.toml or sources.toml is valid or refused with the
project's error, never a traceback; and a catalogue `etl check` accepts holds nothing that
`etl run` would fail on (formulas evaluate and render, targets are finite numbers)."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import catalog, formula, sources
from etl.errors import EtlError
from tests import fuzzing
from tests.conftest import ROOT

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# The shipped files, and small ones without [[measure]] or [[source]] entries: only where a
# table is absent can a line like `measure = 5` be a top-level scalar rather than a duplicate.
CATALOGUES = [
    (ROOT / "indicators.toml").read_bytes(),
    b'[municipality]\nid = "x"\nname = "X"\nregion_code = "03241001"\nstrategy = "S"\n'
    b'[[field]]\nid = "a"\nname = "A"\n',
]
MANIFESTS = [(ROOT / "data" / "sources.toml").read_bytes(), b"# noch leer\n"]

# Lines an analyst (or a bad merge) might leave in a TOML file: scalars where tables belong,
# numbers beyond a float or an int's printable length, nesting deeper than tomllib recurses.
TOML_LINES = [
    "measure = 5",
    "source = 5",
    "field = 'x'",
    "goal = [1, 2]",
    "indicator = {}",
    "municipality = 5",
    "unknown = 1",
    "x" * 10_000 + " = 1",
    "formula = '" + "9" * 400 + " * a'",
    "formula = '1e400 * a'",
    "value = inf",
    "value = nan",
    "year = 0x" + "f" * 4000,
    "due = 99999999999999999999",
    "n = " + "1" * 5000,
    "deep = " + "[" * 2000 + "]" * 2000,
    'id = "' + "a" * 100_000 + '"',
    'title = "\\u0000\\u001b[31m"',
    "[[indicator]]",
    "[indicator.series.x]",
]


@dataclass(frozen=True)
class TomlChange:
    """A line from TOML_LINES put before line `before` (if any), then byte-level ops."""

    before: int | None
    line: str
    ops: list[fuzzing.Op]

    def apply(self, data: bytes) -> bytes:
        if self.before is not None:
            lines = data.split(b"\n")
            at = self.before % len(lines)
            data = b"\n".join([*lines[:at], self.line.encode(), *lines[at:]])
        return fuzzing.apply(data, self.ops)


# Line 0 is above every table header: only there is `measure = 5` a top-level key.
lines = st.one_of(st.just(0), st.integers(0, 5000))
toml_changes = st.one_of(
    st.builds(TomlChange, lines, st.sampled_from(TOML_LINES), st.just([])),
    st.builds(TomlChange, st.none(), st.just(""), fuzzing.ops(huge=20_000)),
    st.builds(TomlChange, lines, st.sampled_from(TOML_LINES), fuzzing.ops(huge=20_000)),
)


def problems_of(check: Callable[[], object]) -> list[str] | None:
    """The problem lines of the project's error, or None where `check` passed."""
    try:
        check()
    except EtlError as exc:
        return [str(p) for p in exc.problems]
    return None


def _runs(cat: catalog.Catalog) -> None:
    """What `etl run` does with the catalogue beyond `check`: every formula as a polars
    expression, evaluated, and in words; every target a finite number."""
    for ind in cat.indicators:
        parsed = formula.parse(ind.formula, set(ind.series))
        frame = pl.DataFrame({name: [1.0, 0.0] for name in ind.series})
        frame.select(parsed.expression().alias("x"))
        formula.in_words(parsed, {name: s.label for name, s in ind.series.items()})
        parsed.parts()
        target = cat.target_of(ind)
        if target is not None:
            assert math.isfinite(target.value)
        cat.regions_of(ind)


@FUZZ
@given(seed=st.sampled_from(range(len(CATALOGUES))), change=toml_changes)
def test_mutated_catalogue_is_valid_or_refused(seed: int, change: TomlChange) -> None:
    data = change.apply(CATALOGUES[seed])
    problems = problems_of(lambda: catalog.parse(data))
    if problems is None:
        _runs(catalog.parse(data))
        return
    assert problems
    assert all(len(line) < fuzzing.MAX_MESSAGE for line in problems)


@FUZZ
@given(seed=st.sampled_from(range(len(MANIFESTS))), change=toml_changes)
def test_mutated_manifest_is_valid_or_refused(seed: int, change: TomlChange) -> None:
    data = change.apply(MANIFESTS[seed])
    problems = problems_of(lambda: sources.parse(data, ROOT / "data"))
    if problems is not None:
        assert problems
        assert all(len(line) < fuzzing.MAX_MESSAGE for line in problems)
