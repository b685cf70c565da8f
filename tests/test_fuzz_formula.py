"""Property tests: the formula parser accepts a formula it can compute or refuses it with
FormulaError, whatever the text; an accepted formula evaluates, renders and splits without
an exception (so `etl check` catches what `etl run` would fail on)."""

from __future__ import annotations

import os

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.formula import FormulaError, in_words, parse

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))
FUZZ = settings(
    max_examples=EXAMPLES * 2,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
NAMES = {"a", "b", "neu_mh"}

numbers = st.one_of(
    st.integers(0, 10**6).map(str),
    st.sampled_from(["9" * 400, "1" * 309, "1e308", "1e309", "1e400", "0x" + "f" * 300, "1_000"]),
    st.floats(allow_nan=False, allow_infinity=False, min_value=0).map(repr),
    st.sampled_from(["１２", "٢٠", "1j", "0b101", "0o17", ".5", "5.", "1e-400"]),
)
leaves = st.one_of(numbers, st.sampled_from([*NAMES, "x", "einwohner"]))


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    op = st.sampled_from(["+", "-", "*", "/", "**", "//", "%", "@", "<", " and "])
    return st.one_of(
        st.builds(lambda a, o, b: f"{a} {o} {b}", children, op, children),
        children.map(lambda a: f"({a})"),
        children.map(lambda a: f"-{a}"),
    )


arithmetic = st.recursive(leaves, _combine, max_leaves=12)
formulas = st.one_of(
    arithmetic,
    st.text(max_size=60),
    st.builds(lambda a, junk: a + junk, arithmetic, st.text(max_size=5)),
)


@FUZZ
@given(text=formulas)
def test_a_formula_is_computable_or_refused(text: str) -> None:
    try:
        parsed = parse(text, NAMES)
    except FormulaError:
        return
    frame = pl.DataFrame({name: [2.0, 0.0, None] for name in NAMES})
    frame.select(parsed.expression().alias("value"))
    in_words(parsed, {"a": "A", "b": "B"})
    parsed.parts()
