"""Every dashboard query returns the warehouse's own columns: lowercase ASCII snake_case, never a
German heading or a formatted word (those live in dashboard/ui.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import polars as pl
import pytest

from dashboard import queries

SNAKE = re.compile(r"[a-z][a-z0-9_]*")
# Text and files, not tables; the report files are tested in tests/test_app_rounds.py.
NOT_TABLES = {"_connection", "round_report", "document", "series_labels"}
ROUNDS = ["2021", "2024"]


class Shipped(NamedTuple):
    region: str
    indicator: str
    goal: str


# Each query's arguments beyond the warehouse, on the shipped warehouse.
ARGS: dict[str, Callable[[Shipped], tuple]] = {
    "municipality": lambda s: (),
    "build_info": lambda s: (),
    "data_dates": lambda s: (s.region,),
    "field_progress": lambda s: (s.region,),
    "goal_progress": lambda s: (s.region,),
    "indicators": lambda s: (s.region,),
    "indicator_values": lambda s: (s.indicator,),
    "indicator_progress": lambda s: (s.indicator,),
    "indicator_rows": lambda s: (s.indicator,),
    "indicator_overview": lambda s: (s.region, s.goal),
    "measures": lambda s: (),
    "measure_reports": lambda s: (),
    "filtered_measures": lambda s: (s.region, [], [], []),
    "reporting_rounds": lambda s: (),
    "sources": lambda s: (s.indicator,),
    "changes": lambda s: (),
    "closed_rounds": lambda s: (),
    "smart_failures": lambda s: (),
    "round_goals": lambda s: (ROUNDS[-1],),
    "round_fields": lambda s: (ROUNDS[-1],),
    "synopsis": lambda s: (ROUNDS,),
    "round_changes": lambda s: (ROUNDS[-1], ROUNDS[0]),
}


def _names(result: object) -> list[str]:
    """The column names of a query's result, the fields of nested structs included."""
    if isinstance(result, dict):
        return list(result)
    if isinstance(result, list):
        assert result, "an empty list of rows shows no names"
        result = pl.DataFrame(result)
    assert isinstance(result, pl.DataFrame)
    names = []
    for name, dtype in result.schema.items():
        names.append(name)
        inner = dtype.inner if isinstance(dtype, pl.List) else dtype
        if isinstance(inner, pl.Struct):
            names += [field.name for field in inner.fields]
    return names


@pytest.fixture(scope="module")
def shipped(shipped_warehouse: Path) -> tuple[str, Shipped]:
    db = str(shipped_warehouse.resolve())
    region = queries.municipality.__wrapped__(db)["region_code"]
    indicator = "wirtschaft.gewerbeanmeldungen_je_10000"  # gaps, inputs, a sex breakdown
    every = queries.indicators.__wrapped__(db, region)
    goal = every.filter(pl.col("id") == indicator)["goal_id"][0]
    return db, Shipped(region, indicator, goal)


def test_every_query_is_checked() -> None:
    cached = {n for n in dir(queries) if hasattr(getattr(queries, n), "__wrapped__")}
    assert cached - NOT_TABLES == set(ARGS)


@pytest.mark.parametrize("name", list(ARGS))
def test_every_query_returns_snake_case_warehouse_columns(
    shipped: tuple[str, Shipped], name: str
) -> None:
    db, context = shipped
    # Uncached: there is no Streamlit runtime here.
    names = _names(getattr(queries, name).__wrapped__(db, *ARGS[name](context)))
    if name == "synopsis":  # one column per round asked for, named by the round's id
        assert names[-len(ROUNDS) :] == ROUNDS
        names = names[: -len(ROUNDS)]
    assert names
    assert [n for n in names if not SNAKE.fullmatch(n)] == []


def test_queries_write_no_heading_or_label_into_sql() -> None:
    source = Path(queries.__file__).read_text("utf-8")
    assert not re.search(r'\bAS\s+"', source), "a quoted alias is a heading: name it in ui.py"
    # An SQL string holding a sample or source word is a label: "' (Beispieldaten)'", "'amtlich'".
    assert not re.findall(r"'[^'\n]*(?:Beispiel|amtlich)", source)
