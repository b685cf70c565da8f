"""indicators.toml: the shipped Hannover catalogue and the strict validation."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from etl import catalog, sources
from etl.errors import CatalogError, ManifestError
from tests.conftest import ROOT, SHARED

# The goals per Handlungsfeld, counted by hand in the strategy's lists (seed 002).
GOALS_PER_FIELD = {
    "Bildung": 12,
    "Soziales": 7,
    "Demokratie": 5,
    "Stadtleben und Kultur": 8,
    "Wirtschaft": 5,
    "Stadtverwaltung und interkulturelle Öffnung": 2,
}


@pytest.fixture(scope="module")
def hannover() -> catalog.Catalog:
    return catalog.load(ROOT / "indicators.toml")


def test_six_fields_with_the_goals_of_the_strategy(hannover: catalog.Catalog) -> None:
    names = {f.id: f.name for f in hannover.fields}
    assert list(names.values()) == list(GOALS_PER_FIELD)
    counts = Counter(names[g.field] for g in hannover.goals)
    assert dict(counts) == GOALS_PER_FIELD


def _seed_goals() -> dict[str, list[str]]:
    """Parse the bullet lists of seed 002: field name → goal titles, continuation lines joined."""
    seed = SHARED / "seeds" / "002_bab910babd7fd918.txt"
    if not seed.is_file():
        pytest.skip("../shared/seeds/ is absent on this machine")
    goals: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in seed.read_text("utf-8").splitlines():
        heading = re.match(r"Ziele des Handlungsfeldes (.+):", line.strip())
        if heading:
            current = goals.setdefault(heading.group(1), [])
        elif current is not None and line.strip().startswith("•"):
            current.append(line.strip().lstrip("•").strip())
        elif current is not None and line.startswith("    ") and line.strip() and current:
            current[-1] += " " + line.strip()
        elif current is not None and line.strip() and not line.startswith(" "):
            current = None
    return goals


def test_goal_titles_are_the_official_ones(hannover: catalog.Catalog) -> None:
    names = {f.id: f.name for f in hannover.fields}
    ours: dict[str, list[str]] = {}
    for goal in hannover.goals:
        ours.setdefault(names[goal.field], []).append(goal.title)
    assert ours == _seed_goals()


def test_every_goal_has_owner_and_due_year(hannover: catalog.Catalog) -> None:
    assert all(g.owner and g.due for g in hannover.goals)


def test_a_measure_state_in_the_catalogue_points_to_the_round_files() -> None:
    """Older catalogues kept one state per measure; it now comes from the round reports, and
    the message says where, naming the entry, while the entry's other mistakes are still found."""
    text = (ROOT / "indicators.toml").read_text("utf-8")
    entry = 'id = "soziales.wohnen.tiny_houses"\ngoal = "soziales.wohnen"'
    assert entry in text
    text = text.replace(entry, entry + '\nstate = "gestrichen"').replace(
        "due = 2021", 'due = "bald"'
    )
    with pytest.raises(CatalogError) as caught:
        catalog.parse(text.encode("utf-8"))
    lines = [str(p) for p in caught.value.problems]
    assert any(
        'measure "soziales.wohnen.tiny_houses".state: ' in line and "data/massnahmen/" in line
        for line in lines
    ), lines
    assert any('measure "soziales.wohnen.tiny_houses".due' in line for line in lines), lines


def test_all_problems_are_reported_at_once() -> None:
    text = (ROOT / "indicators.toml").read_text("utf-8")
    text = text.replace(
        'id = "bildung.sprachbildung"\nfield = "bildung"',
        'id = "bildung.sprachbildung"\nfield = "bildng"',
    )
    text = text.replace('[[round]]\nid = "2021"', '[[round]]\nid = "21"')
    # A second [[field]] with a known id: a duplicate that breaks no reference.
    text += '\n[[field]]\nid = "bildung"\nname = "Bildung (doppelt)"\n'
    with pytest.raises(CatalogError) as caught:
        catalog.parse(text.encode("utf-8"))
    lines = [str(p) for p in caught.value.problems]
    assert len(lines) == 3, lines
    assert any(
        'goal "bildung.sprachbildung".field: unknown field "bildng"' in line for line in lines
    )
    assert any('round "21".id' in line for line in lines), lines
    assert any('field "bildung".id: duplicate id' in line for line in lines)


def test_missing_required_key_names_entry_and_field() -> None:
    text = (
        '[municipality]\nid = "x"\nname = "X"\nregion_code = "03241001"\nstrategy = "S"\n'
        '[[field]]\nid = "a"\nname = "A"\n[[goal]]\nid = "a.b"\nfield = "a"\nowner = "O"\n'
    )
    with pytest.raises(
        CatalogError, match=r'indicators.toml: goal "a.b".title: required, but missing'
    ):
        catalog.parse(text.encode())


def test_catalogue_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "indicators.toml"
    path.write_bytes('[municipality]\nname = "Bürger"\n'.encode("cp1252"))
    with pytest.raises(CatalogError, match="line 2: the file is not UTF-8"):
        catalog.load(path)


# --- what `etl run` would fail on, `etl check` refuses (#9) -------------------------------------

MINIMAL = (
    '[municipality]\nid = "x"\nname = "X"\nregion_code = "03241001"\nstrategy = "S"\n'
    '[[field]]\nid = "a"\nname = "A"\n'
)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("measure = 5", "[measure] must be a list of entries, written [[measure]]"),
        ('goal = "a.b"', "[goal] must be a list of entries, written [[goal]]"),
        ("indicator = true", "[indicator] must be a list of entries, written [[indicator]]"),
    ],
)
def test_a_top_level_scalar_is_a_problem_not_a_traceback(line: str, message: str) -> None:
    # Before: TypeError ('int' object is not iterable) with a traceback from `etl check`.
    with pytest.raises(CatalogError) as caught:
        catalog.parse(f"{line}\n{MINIMAL}".encode())
    assert message in [p.message for p in caught.value.problems]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("n = " + "1" * 5000, "TOML: a number too long to read"),
        ("n = " + "[" * 2000 + "]" * 2000, "TOML: lists or tables nested too deeply to read"),
    ],
    ids=["5000 digits", "nested 2000 deep"],
)
def test_what_tomllib_cannot_read_is_a_problem(toml: str, message: str) -> None:
    with pytest.raises(CatalogError) as caught:
        catalog.parse(f"{toml}\n{MINIMAL}".encode())
    assert caught.value.problems[0].message.startswith(message)


@pytest.mark.parametrize("value", ["inf", "nan", "-inf"])
def test_a_target_is_a_finite_number(value: str) -> None:
    with pytest.raises(ValueError, match="finite number"):
        catalog.Target.model_validate(
            {"value": float(value), "year": 2026, "source": "S", "kind": "adopted"}
        )


def test_a_long_key_or_id_is_shown_short() -> None:
    text = MINIMAL + f'[[goal]]\nid = "{"A" * 50_000}"\n{"k" * 50_000} = 1\n'
    with pytest.raises(CatalogError) as caught:
        catalog.parse(text.encode())
    lines = [str(p) for p in caught.value.problems]
    assert lines
    assert all(len(line) < 500 for line in lines)
    assert any("(50,000 characters)" in line for line in lines)


@pytest.mark.parametrize(
    ("name", "reason"),
    [("7" * 1000, "File name too long"), ("raw/a\\u0000b.csv", 'no such file "raw/a\\x00b.csv"')],
    ids=["too long", "NUL"],
)
def test_a_source_file_name_the_system_cannot_look_up_is_a_problem(name: str, reason: str) -> None:
    # Found by tests/test_fuzz_catalog.py: is_file() raised OSError / ValueError from `check`.
    entry = (
        f'[[source]]\nid = "x"\nfile = "{name}"\nformat = "genesis"\ntitle = "T"\n'
        'publisher = "P"\nlicence = "L"\nretrieved = 2026-01-01\nis_sample = false\n'
    )
    with pytest.raises(ManifestError) as caught:
        sources.parse(entry.encode(), ROOT / "data")
    [problem] = caught.value.problems
    assert (problem.entry, problem.field) == ('source "x"', "file")
    assert reason in problem.message
    assert len(str(problem)) < 300
