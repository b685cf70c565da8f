"""indicators.toml → frozen, strict models; every problem reported at once, each with its path.

The catalogue is flat lists joined by ids (`[[field]]`, `[[goal]]`, `[[measure]]`,
`[[indicator]]`), so an analyst edits one entry without touching the others. Each entry is
validated on its own, so one bad entry does not hide the mistakes in the next; references
between entries are checked after that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from etl import formula
from etl.errors import CatalogError, Problem, did_you_mean, named, quoted
from etl.validation import (
    Id,
    RegionCode,
    Strict,
    Text,
    Year,
    check_reference,
    check_unique,
    many,
    one,
    toml_limit_problem,
)
from vocabulary import PARITY, TOTAL

MeasureState = Literal[
    "geplant", "beschlossen", "in Umsetzung", "verzögert", "umgesetzt", "gestrichen"
]
# A round is named by its year, with a suffix where a year has two ("2024", "2024-herbst").
RoundId = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}(?:-[a-z0-9]+)?$", max_length=40)]


class Region(Strict):
    code: RegionCode
    name: Text


class Municipality(Strict):
    id: Id
    name: Text
    region_code: RegionCode
    strategy: Text
    # Regions shown beside the municipality where the data has them (Region, Land).
    comparison: tuple[Region, ...] = ()
    # Years between two evaluation reports (Laatzen: every two years).
    report_interval: Annotated[int, Field(ge=1, le=10)] = 1
    # The council committee a round's report goes to.
    committee: str = ""


class FieldOfAction(Strict):
    """A Handlungsfeld."""

    id: Id
    name: Text
    description: str = ""


# Where a target or a due year comes from. "adopted": set by a decision (council paper, steering
# group); "derived": computed from an adopted rule ("half of the expert groups" → 50 %);
# "assumed": set by the analyst where no paper gives one. Only adopted and derived targets decide a
# status; an assumed one is drawn and labelled, never judged against (docs/progress.md).
TargetKind = Literal["adopted", "derived", "assumed"]


class Goal(Strict):
    """A Ziel: its official title, who is responsible, and by when (the SMART parts)."""

    id: Id
    field: Id
    title: Text
    # Who answers for the goal; empty where no paper names one (the SMART check says so).
    owner: str = ""
    due: Year | None = None
    # A due year that no paper gives is "assumed" and says so on screen.
    due_kind: TargetKind = "assumed"
    due_source: str = ""
    description: str = ""
    # An invented goal that shows the workflow where the real ones are not published (Laatzen);
    # marked "Beispiel" wherever it is shown.
    sample: bool = False


class Measure(Strict):
    """A Maßnahme: what was decided, by whom, by when. Its state is not here: owners report it
    per round in data/massnahmen/<round>.csv, so that its history is kept (etl/rounds.py)."""

    id: Id
    goal: Id
    title: Text
    owner: Text
    due: Year | None = None
    resources: str = ""
    source_note: str = ""
    # An invented measure (see Goal.sample); never presented as an adopted one.
    sample: bool = False


class Round(Strict):
    """A reporting round: the owners report their measures' states as of `date` in
    data/massnahmen/<id>.csv (or .xlsx); `etl round close <id>` freezes it."""

    id: RoundId
    title: Text
    date: dt.date
    source: str = ""
    # A round whose reports are invented to show the workflow; marked "Beispiel" everywhere.
    sample: bool = False


SeriesName = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$", max_length=40)]
OneOrMore = str | tuple[str, ...]
ANY = "*"


class Series(Strict):
    """A named input of a formula: a filter on observations, summed per region and period.

    `source` lists sources in order of preference: where two have the same period, the first
    wins, so an official figure is never added to a sample one. `sex`, `nationality` and
    `category` take a value, a list of values, or "*" for all rows; a category also matches one
    of its " | " parts ("Entgeltgruppe: E13/A13 und höher").
    """

    source: OneOrMore
    measure: Text
    region: RegionCode | None = None
    sex: OneOrMore = TOTAL
    nationality: OneOrMore = "insgesamt"
    category: OneOrMore = ANY
    label: str = ""
    # Only where the analyst knows "-" means zero events; elsewhere "-" stays missing.
    dash_as_zero: bool = False

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else self.source


class Target(Strict):
    """A target value by a year, with where it comes from (the decision, paper or report)."""

    # TOML allows inf and nan; neither is a target anyone can reach or miss.
    value: Annotated[float, Field(allow_inf_nan=False)]
    year: Year
    source: Text
    kind: TargetKind


ASSUMED_PARITY_SOURCE = (
    "Annahme der Statistikstelle: Parität bis zum Fälligkeitsjahr des Ziels "
    "(kein Beschluss nennt einen Zielwert)"
)


Concept = Literal[
    "Staatsangehörigkeit",
    "Migrationshintergrund",
    "Zuwanderungsgeschichte",
    "ohne Herkunftsmerkmal",
]


class Indicator(Strict):
    id: Id
    goal: Id
    title: Text
    description: str = ""
    unit: Text
    kind: Literal["level", "share", "gap", "parity"]
    direction: Literal["up", "down"] = "up"
    series: dict[SeriesName, Series]
    formula: str  # its length and content are checked by etl.formula.parse
    baseline: Year
    target: Target | None = None
    # Default: the municipality and, where the data has them, its comparison regions.
    regions: tuple[RegionCode, ...] | None = None
    by_sex: bool = False
    contextual: bool = False
    # Which concept of origin the figures use: nationality (registers, school and social
    # statistics) and migration background (Mikrozensus, staff survey) never share a series.
    concept: Concept | None = None
    source_note: str = ""


class Catalog(Strict):
    municipality: Municipality
    fields: tuple[FieldOfAction, ...]
    goals: tuple[Goal, ...]
    measures: tuple[Measure, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    rounds: tuple[Round, ...] = ()
    sha256: str
    path: str

    @cached_property
    def resolved(self) -> dict[str, Resolved]:
        """Every indicator as compute, progress and load need it, worked out once."""
        due = {g.id: g.due for g in self.goals}
        town = self.municipality
        own = (town.region_code, *(r.code for r in town.comparison))
        return {
            ind.id: Resolved(
                target=_target(ind, due.get(ind.goal)),
                regions=ind.regions if ind.regions is not None else own,
                formula=formula.parse(ind.formula, set(ind.series)),
            )
            for ind in self.indicators
        }

    def regions_of(self, indicator: Indicator) -> tuple[str, ...]:
        """The regions an indicator is computed for: its own list, or the municipality and
        its comparison regions."""
        return self.resolved[indicator.id].regions

    def target_of(self, indicator: Indicator) -> Target | None:
        """The indicator's target; without one, gap and parity indicators get parity by their
        goal's due year as an *assumed* target, which is drawn but decides no status."""
        return self.resolved[indicator.id].target

    def formula_of(self, indicator: Indicator) -> formula.Formula:
        """The indicator's formula, checked against the whitelist (etl/formula.py)."""
        return self.resolved[indicator.id].formula


@dataclass(frozen=True)
class Resolved:
    target: Target | None
    regions: tuple[str, ...]
    formula: formula.Formula


def _target(indicator: Indicator, due: int | None) -> Target | None:
    if indicator.target is not None or indicator.kind not in PARITY:
        return indicator.target
    if not due:
        return None
    return Target(
        value=PARITY[indicator.kind], year=due, source=ASSUMED_PARITY_SOURCE, kind="assumed"
    )


def goals_without_work(catalog: Catalog) -> list[str]:
    """The ids of goals with neither an indicator nor a measure: nothing on screen says how
    they stand, which may be right for now but should be a decision, not an oversight."""
    covered = {i.goal for i in catalog.indicators} | {m.goal for m in catalog.measures}
    return [g.id for g in catalog.goals if g.id not in covered]


# The SMART criteria the catalogue can check, in the order a goal is read.
SMART_CRITERIA = {
    "S/M": "kein Zielwert mit Quelle (beschlossen oder abgeleitet)",
    "M": "weder Indikator noch Maßnahme erfasst",
    "A": "keine Verantwortung (owner) benannt",
    "T": "kein Fälligkeitsjahr",
}


def smart_gaps(catalog: Catalog) -> list[tuple[str, str, str]]:
    """(goal id, criterion, what is missing) for each SMART criterion a goal fails that the
    catalogue can check: specific/measurable by a target with a source, measurable at all by an
    indicator or a measure, attributable to an owner, time-bound by a due year that a paper
    sets (an assumed due year is named as such).

    >>> import tomllib
    >>> gaps = smart_gaps(parse(b'''
    ... [municipality]
    ... id = "x"
    ... name = "X"
    ... region_code = "03241009"
    ... strategy = "S"
    ... [[field]]
    ... id = "f"
    ... name = "F"
    ... [[goal]]
    ... id = "f.g"
    ... field = "f"
    ... title = "G"
    ... '''))
    >>> [(c, m) for _, c, m in gaps]  # doctest: +NORMALIZE_WHITESPACE
    [('S/M', 'kein Zielwert mit Quelle (beschlossen oder abgeleitet)'),
     ('M', 'weder Indikator noch Maßnahme erfasst'),
     ('A', 'keine Verantwortung (owner) benannt'), ('T', 'kein Fälligkeitsjahr')]
    """
    targeted = {
        i.goal
        for i in catalog.indicators
        if i.target is not None and i.target.kind in ("adopted", "derived")
    }
    covered = {i.goal for i in catalog.indicators} | {m.goal for m in catalog.measures}
    gaps = []
    for goal in catalog.goals:
        if goal.id not in targeted:
            gaps.append((goal.id, "S/M", SMART_CRITERIA["S/M"]))
        if goal.id not in covered:
            gaps.append((goal.id, "M", SMART_CRITERIA["M"]))
        if not goal.owner.strip():
            gaps.append((goal.id, "A", SMART_CRITERIA["A"]))
        if goal.due is None:
            gaps.append((goal.id, "T", SMART_CRITERIA["T"]))
        elif goal.due_kind == "assumed":
            gaps.append((goal.id, "T", f"Fälligkeitsjahr {goal.due} nur angenommen"))
    return gaps


# The TOML tables an analyst may write, with the model of one entry each.
_LISTS: dict[str, type[Strict]] = {
    "field": FieldOfAction,
    "goal": Goal,
    "measure": Measure,
    "indicator": Indicator,
    "round": Round,
}
_TOP_LEVEL = ("municipality", *_LISTS)


def load(path: Path) -> Catalog:
    """Read and validate a catalogue file; raises CatalogError listing every problem."""
    file = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError([Problem(file, f"cannot read the catalogue: {exc.strerror}")]) from None
    return parse(data, file)


def parse(data: bytes, file: str = "indicators.toml") -> Catalog:
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CatalogError(
            [Problem(file, "the file is not UTF-8 text; save it as UTF-8", line=line)]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError([_syntax_problem(file, exc)]) from None
    except (ValueError, RecursionError) as exc:
        raise CatalogError([toml_limit_problem(file, exc)]) from None

    problems: list[Problem] = []
    for key in raw:
        if key not in _TOP_LEVEL:
            problems.append(
                Problem(
                    file,
                    f"unknown table [{named(key)}]{did_you_mean(key, _TOP_LEVEL)} "
                    f"(allowed: {', '.join(_TOP_LEVEL)})",
                )
            )
    municipality = one(raw, "municipality", Municipality, file, problems)
    _moved_keys(raw, file, problems)
    entries: dict[str, list[Any]] = {}
    for kind, model in _LISTS.items():
        entries[kind] = many(raw, kind, model, file, problems)
    if municipality is not None and not entries["field"]:
        problems.append(
            Problem(file, "no [[field]] entries: a catalogue needs its Handlungsfelder")
        )

    check_unique(entries, file, problems)
    check_reference(entries["goal"], "goal", "field", entries["field"], file, problems)
    check_reference(entries["measure"], "measure", "goal", entries["goal"], file, problems)
    check_reference(entries["indicator"], "indicator", "goal", entries["goal"], file, problems)
    _check_indicators(entries["indicator"], entries["goal"], file, problems)
    if problems or municipality is None:
        raise CatalogError(problems)
    return Catalog(
        municipality=municipality,
        fields=tuple(entries["field"]),
        goals=tuple(entries["goal"]),
        measures=tuple(entries["measure"]),
        indicators=tuple(entries["indicator"]),
        rounds=tuple(sorted(entries["round"], key=lambda r: (r.date, r.id))),
        sha256=hashlib.sha256(data).hexdigest(),
        path=file,
    )


def _moved_keys(raw: dict[str, Any], file: str, problems: list[Problem]) -> None:
    """Keys that older catalogues had and that now live elsewhere: said plainly, and dropped so
    that the entry's other mistakes are still found."""
    measures = raw.get("measure")
    if not isinstance(measures, list):
        return
    for entry in measures:
        if isinstance(entry, dict) and "state" in entry:
            entry.pop("state")
            problems.append(
                Problem(
                    file,
                    "a measure's state is no longer kept in the catalogue: owners report it per "
                    "round in data/massnahmen/<round>.csv (python -m etl template writes the "
                    "form); remove the line",
                    entry=f"measure {quoted(str(entry.get('id', '?')))}",
                    field="state",
                )
            )


_SYNTAX_HINTS: Sequence[tuple[str, str]] = (
    ("Cannot overwrite a value", "a key appears twice in the same entry"),
    ("Cannot declare", "a table appears twice; lists of entries are written [[goal]]"),
    ("Invalid value", 'text must be in double quotes, e.g. owner = "Dezernat III"'),
    ("Illegal character", "a text is missing its closing double quote"),
    ("Unclosed array", "a list is missing its closing ]"),
    ("Expected '=' after a key", "each line is key = value; keys contain no spaces"),
)


def _syntax_problem(file: str, exc: tomllib.TOMLDecodeError) -> Problem:
    message = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    line = int(match.group(1)) if match else None
    column = match.group(2) if match else None
    reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
    hint = next((h for key, h in _SYNTAX_HINTS if key in reason), "check quotes, = and brackets")
    return Problem(file, f"TOML syntax error: {reason} (hint: {hint})", line=line, column=column)


def _check_indicators(
    indicators: list[Indicator], goals: list[Goal], file: str, problems: list[Problem]
) -> None:
    """What one entry cannot check alone: the formula, the target against the baseline."""
    for goal in goals:
        if goal.due is not None and goal.due_kind != "assumed" and not goal.due_source.strip():
            problems.append(
                Problem(
                    file,
                    f"a due year of kind {goal.due_kind} needs the decision that sets it; give "
                    'due_source = "…" or due_kind = "assumed"',
                    entry=f'goal "{goal.id}"',
                    field="due_source",
                )
            )
    for ind in indicators:
        entry = f'indicator "{ind.id}"'
        try:
            formula.parse(ind.formula, set(ind.series))
        except formula.FormulaError as exc:
            problems.append(Problem(file, str(exc), entry=entry, field="formula"))
        if ind.target is not None and ind.target.year <= ind.baseline:
            problems.append(
                Problem(
                    file,
                    f"must be after the baseline year ({ind.baseline})",
                    entry=entry,
                    field="target.year",
                )
            )
