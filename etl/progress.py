"""Is a goal getting closer? The status of an indicator, a goal and a field. Pure functions, no I/O.

The rules are written out for council members in docs/progress.md. In short:

* Counts and other levels (kind "level") are judged on growth rates, as in Eurostat's SDG
  monitoring. With a target, the actual compound annual growth rate (CAGR) since the baseline is
  compared with the rate required to reach the target in time; ratio = actual / required:
  >= 95 % "auf Kurs", 60-95 % "mäßiger Fortschritt", 0-60 % "unzureichender Fortschritt",
  < 0 "Entwicklung in falsche Richtung"; a target reached is "Ziel erreicht". Without a target,
  the CAGR in the desired direction: > 1 % a year "deutlicher Fortschritt", 0-1 % "mäßiger
  Fortschritt", 0 to -1 % "leichte Verschlechterung", < -1 % "deutliche Verschlechterung".
* Shares, rates and gaps (kinds "share", "gap", "parity") are judged on their absolute change per
  year (a linear trend, as in the indicator reports of the German sustainability strategy), with
  the same thresholds: a growth rate would call +0.3 percentage points a year fast from 5 % and
  slow from 40 %. Without a target, "clear" is more than 1 % of the full scale a year. Gap (parity
  0) and parity (parity 1) indicators are judged on their distance to parity, which should shrink,
  so a value that crosses parity never gets a growth rate.
* A target met at the baseline and still met is "Ziel erreicht"; met and then lost, the latest
  value's distance to the target decides.
* Only adopted and derived targets decide a status. An assumed target is carried along to be
  drawn and labelled "angenommen", and the status is the one without a target.
* Missing values are skipped, never taken as zero; a year after the latest value that has only a
  published symbol is named in the reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import polars as pl

from etl.catalog import Catalog, Measure, Round
from vocabulary import (
    ALL_STATUSES,
    ALLE_GESTRICHEN,
    AUF_KURS,
    DEUTLICHE_VERSCHLECHTERUNG,
    DEUTLICHER_FORTSCHRITT,
    FALSCHE_RICHTUNG,
    KEIN_INDIKATOR,
    KEINE_MASSNAHME,
    KINDS,
    KONTEXT,
    LEICHTE_VERSCHLECHTERUNG,
    LEVEL,
    MAESSIGER_FORTSCHRITT,
    MEASURE_STATE_COLUMNS,
    MEASURE_STATES,
    NICHT_BEWERTBAR,
    ORDER,
    PARITY,
    STATUS_COUNT_COLUMNS,
    TARGET_KINDS,
    TOTAL,
    UMSETZUNG_ABGESCHLOSSEN,
    UMSETZUNG_IM_PLAN,
    UMSETZUNG_KEINE_MELDUNG,
    UMSETZUNG_NICHT,
    UMSETZUNG_TEILWEISE,
    UNZUREICHENDER_FORTSCHRITT,
    WEDER_NOCH,
    ZIEL_ERREICHT,
)

DIRECTIONS = ("up", "down")

# Eurostat's steps for actual ÷ required pace towards a target.
ON_TRACK = 0.95
MODERATE = 0.60

# Without a target, Eurostat calls a growth rate of more than 1 % a year in the desired direction
# clear progress. A share or gap cannot use a growth rate: +0.3 percentage points a year would be
# +6 % a year from 5 % but +0.75 % from 40 %. They take the same 1 % of their full scale instead:
# 1 percentage point a year on the 0-100 scale of a share or gap, 0.01 a year on a parity ratio
# (parity is 1).
CLEAR_GROWTH = 0.01
CLEAR_POINTS = 1.0
CLEAR_PARITY = 0.01
CLEAR_CHANGE = {
    "level": CLEAR_GROWTH,
    "share": CLEAR_POINTS,
    "gap": CLEAR_POINTS,
    "parity": CLEAR_PARITY,
}

# A target met at the baseline and lost since has no pace to compare, only a distance: the latest
# value's distance to the target, relative to the target for a level and to the full scale (100
# points, a parity ratio of 1) otherwise. Within 5 % is still "mäßig", within 40 %
# "unzureichend", the mirror of reaching 95 % and 60 % of the required pace; farther is the wrong
# direction.
LOST_MODERATE = 0.05
LOST_INSUFFICIENT = 0.40
SCALE = {"share": 100.0, "gap": 100.0, "parity": 1.0}

# Floating point leaves a value that is mathematically on a boundary a few 1e-16 to either side:
# 101 / 100 - 1 is 0.010000000000000009, (22.4 - 20) / 4 is 0.5999999999999996. Every comparison
# with a threshold or a target goes through _at_least, which takes a difference of up to _EPS
# (relative to the larger of 1 and the numbers compared) as none. So a value on a boundary lands
# on the side docs/progress.md names: ratio >= 0.95 "auf Kurs", >= 0.60 "mäßig", >= 0
# "unzureichend"; a rate > 1 % "deutlich", >= 0 "mäßig", >= -1 % "leicht"; a distance <= 5 %
# "mäßig", <= 40 % "unzureichend"; a value on the target has met it.
_EPS = 1e-9

# What `assess` takes: (period, value) or (period, value, flag); value None is missing.
Row = tuple[int, float | None] | tuple[int, float | None, str | None]


@dataclass(frozen=True)
class Assessment:
    """An indicator's status, with every figure that led to it.

    The rates are per year in the terms the indicator is judged in (`method`): "growth", a
    growth rate (0.05 is 5 %); "linear", the absolute change in the indicator's unit, which for a
    gap or parity indicator is the change of its distance to parity (negative: closing).
    """

    status: str
    reason: str
    baseline_period: int | None = None
    baseline_value: float | None = None
    latest_period: int | None = None
    latest_value: float | None = None
    target_year: int | None = None
    target_value: float | None = None
    actual_rate: float | None = None
    required_rate: float | None = None
    ratio: float | None = None
    # "adopted" or "derived": the target decided the status; "assumed": it is only drawn.
    # None without a target.
    target_kind: str | None = None
    method: str | None = None
    # Only where a target met at the baseline has been lost: the latest value's distance to it,
    # as a share of the target (level) or of the full scale (share, gap, parity).
    shortfall: float | None = None


def assess(
    values: Iterable[Row],
    *,
    baseline: int,
    direction: str = "up",
    kind: str = "level",
    target: tuple[float, int] | None = None,
    target_kind: str = "adopted",
) -> Assessment:
    """The status of one indicator series against its baseline year and target.

    `values` holds (period, value) or (period, value, flag); a value None is missing, never zero.
    `target` is (value, year). An "adopted" or "derived" target decides the status; an "assumed"
    one is only carried along to be drawn, and the status is the one without a target.

    A level with a target, on growth rates (Eurostat: actual against required CAGR):

    >>> a = assess([(2015, 100.0), (2020, 121.0)], baseline=2015, target=(150.0, 2025))
    >>> a.status, round(a.actual_rate, 4), round(a.required_rate, 4), round(a.ratio, 2)
    ('mäßiger Fortschritt', 0.0389, 0.0414, 0.94)

    A share on percentage points: +0,3 a year is the same progress from 5 % as from 40 %.

    >>> [assess([(2020, s), (2024, s + 1.2)], baseline=2020, kind="share").status
    ...  for s in (5.0, 40.0)]
    ['mäßiger Fortschritt', 'mäßiger Fortschritt']
    >>> assess([(2020, 5.0), (2024, 6.2)], baseline=2020, kind="share").reason
    'kein Zielwert; +0,3 Prozentpunkte je Jahr (gewünscht: steigend)'

    Without a target, decreasing is good:

    >>> assess([(2015, 10.0), (2019, 9.0)], baseline=2015, direction="down").status
    'deutlicher Fortschritt'

    A target met at the baseline and still met is reached, whatever the movement since:

    >>> assess([(2020, 52.0), (2024, 56.0)], baseline=2020, target=(50.0, 2026)).status
    'Ziel erreicht'

    A gap that crosses zero is judged on its distance to parity: 12 to 3 points in five years
    against 12 to 0 in ten.

    >>> a = assess([(2015, 12.0), (2020, -3.0)], baseline=2015, kind="gap", target=(0.0, 2025))
    >>> a.status, a.actual_rate, a.required_rate, round(a.ratio, 4)
    ('auf Kurs', -1.8, -1.2, 1.5)

    An assumed target is drawn but decides nothing:

    >>> a = assess([(2020, 10.0), (2024, 4.0)], baseline=2020, kind="gap", target=(0.0, 2026),
    ...            target_kind="assumed")
    >>> a.status, a.target_value, a.target_year, a.target_kind, a.ratio
    ('deutlicher Fortschritt', 0.0, 2026, 'assumed', None)
    >>> a.reason.split("; ")[-1]
    'kein beschlossener Zielwert (angenommen: 0 bis 2026, nicht bewertet)'

    Years after the latest value that carry only a published symbol are named:

    >>> assess([(2020, 10.0), (2023, 12.0), (2024, None, ".")], baseline=2020).reason[:39]
    '2024 ohne Wert („.“), bewertet bis 2023'
    """
    if direction not in DIRECTIONS or kind not in KINDS or target_kind not in TARGET_KINDS:
        raise ValueError(
            f"assess: direction {direction!r}, kind {kind!r} or target_kind {target_kind!r} is "
            f"not one of {DIRECTIONS}, {KINDS}, {TARGET_KINDS}"
        )
    rows = sorted(
        ((int(row[0]), row[1], row[2] if len(row) > 2 else None) for row in values),
        key=lambda row: row[0],
    )
    points = [(period, float(value)) for period, value, _ in rows if _present(value)]
    assumed = target is not None and target_kind == "assumed"
    result = _judge(points, baseline, direction, kind, None if assumed else target)
    notes = []
    if result.baseline_period not in (None, baseline):
        notes.append(f"Basisjahr {baseline} ohne Wert, Basis ist {result.baseline_period}")
    last_p = result.latest_period
    if last_p is not None:
        after = dict.fromkeys(
            f"{period} ohne Wert" + (f" („{flag}“)" if flag else "")
            for period, value, flag in rows
            if period > last_p and not _present(value)
        )
        if after:
            until = "bewertet bis" if result.status in ORDER else "letzter Wert"
            notes.append(f"{', '.join(after)}, {until} {last_p}")
    if target is None and result.method is not None:
        notes.append("kein Zielwert")
    reason = "; ".join([*notes, result.reason])
    if target is not None and assumed:
        reason += (
            f"; kein beschlossener Zielwert (angenommen: {_number(target[0], 0, 2)} bis "
            f"{target[1]}, nicht bewertet)"
        )
    return replace(
        result,
        reason=reason,
        target_value=None if target is None else float(target[0]),
        target_year=None if target is None else int(target[1]),
        target_kind=None if target is None else target_kind,
    )


@dataclass(frozen=True)
class _Span:
    """The baseline and latest value in the terms they are judged in: for a gap or parity
    indicator its distance to parity, which should shrink; for a level or share its value."""

    kind: str
    direction: str
    base_period: int
    base: float
    last_period: int
    last: float

    @property
    def years(self) -> int:
        return self.last_period - self.base_period

    def met(self, value: float, target: float) -> bool:
        """Whether `value` meets `target`; which side meets it follows the direction."""
        return _at_least(value, target) if self.direction == "up" else _at_least(target, value)


def _judge(
    points: list[tuple[int, float]],
    baseline: int,
    direction: str,
    kind: str,
    target: tuple[float, int] | None,
) -> Assessment:
    """The status from the values and a target that decides; `assess` adds the notes."""
    start = next(((p, v) for p, v in points if p >= baseline), None)
    if start is None:
        return Assessment(NICHT_BEWERTBAR, f"kein Wert ab dem Basisjahr {baseline}")
    (base_p, base), (last_p, last) = start, points[-1]
    figures = {
        "baseline_period": base_p,
        "baseline_value": base,
        "latest_period": last_p,
        "latest_value": last,
    }
    if last_p == base_p:
        return Assessment(NICHT_BEWERTBAR, "weniger als zwei Werte seit dem Basisjahr", **figures)
    if kind in PARITY:
        parity = PARITY[kind]
        span = _Span(kind, "down", base_p, abs(base - parity), last_p, abs(last - parity))
    else:
        span = _Span(kind, direction, base_p, base, last_p, last)
    if target is None:
        return replace(_without_target(span), **figures)
    goal = abs(target[0] - PARITY[kind]) if kind in PARITY else float(target[0])
    return replace(_with_target(span, goal, int(target[1])), **figures)


def _with_target(span: _Span, target: float, target_year: int) -> Assessment:
    base_met, last_met = span.met(span.base, target), span.met(span.last, target)
    if base_met and last_met:
        return Assessment(
            ZIEL_ERREICHT,
            f"Zielwert schon im Basisjahr {span.base_period} erreicht und weiterhin erreicht",
        )
    if base_met:
        return _lost(span, target)
    if last_met:
        return Assessment(ZIEL_ERREICHT, "der Zielwert ist erreicht")
    remaining = target_year - span.base_period
    if remaining <= 0:
        return Assessment(NICHT_BEWERTBAR, f"das Zieljahr {target_year} liegt nicht nach der Basis")
    growth = span.kind == "level" and min(span.base, span.last, target) > 0
    if growth:
        actual = (span.last / span.base) ** (1 / span.years) - 1
        required = (target / span.base) ** (1 / remaining) - 1
        method = "jährliche Wachstumsraten (CAGR)"
    else:
        actual = (span.last - span.base) / span.years
        required = (target - span.base) / remaining
        method = _linear(span)
    ratio = actual / required
    return Assessment(
        _by_ratio(ratio),
        f"{method}: tatsächlich {_per_year(actual, span.kind, growth=growth)} gegen nötig "
        f"{_per_year(required, span.kind, growth=growth)}",
        actual_rate=actual,
        required_rate=required,
        ratio=ratio,
        method="growth" if growth else "linear",
    )


def _lost(span: _Span, target: float) -> Assessment:
    """A target met at the baseline and missed now: judged on how far the latest value is off."""
    off = abs(span.last - target)
    lead = f"Zielwert im Basisjahr {span.base_period} erreicht, jetzt verfehlt: Abstand zum Ziel "
    if span.kind == "level" and target == 0:
        # A distance relative to a target of 0 does not exist; leaving it is the wrong way.
        return Assessment(FALSCHE_RICHTUNG, lead + _number(off, 0, 2))
    if span.kind == "level":
        shortfall = off / abs(target)
        far = f"{_number(shortfall * 100, 1)} % des Zielwerts"
    else:
        shortfall = off / SCALE[span.kind]
        far = _number(off, 2, 4) if span.kind == "parity" else f"{_number(off, 1)} Prozentpunkte"
    if _at_least(LOST_MODERATE, shortfall):
        status = MAESSIGER_FORTSCHRITT
    elif _at_least(LOST_INSUFFICIENT, shortfall):
        status = UNZUREICHENDER_FORTSCHRITT
    else:
        status = FALSCHE_RICHTUNG
    return Assessment(status, lead + far, shortfall=shortfall)


def _without_target(span: _Span) -> Assessment:
    growth = span.kind == "level"
    if growth:
        if span.base <= 0 or span.last < 0:
            return Assessment(
                NICHT_BEWERTBAR,
                f"Basiswert {_number(span.base, 0, 2)}: ohne Ziel ist keine Wachstumsrate "
                "bestimmbar",
            )
        change = (span.last / span.base) ** (1 / span.years) - 1
        lead = ""
    else:
        change = (span.last - span.base) / span.years
        lead = f"{_parity_distance(span)}, " if span.kind in PARITY else ""
    towards = change if span.direction == "up" else -change
    clear = CLEAR_CHANGE[span.kind]
    if not _at_least(clear, towards):
        status = DEUTLICHER_FORTSCHRITT
    elif _at_least(towards, 0.0):
        status = MAESSIGER_FORTSCHRITT
    elif _at_least(towards, -clear):
        status = LEICHTE_VERSCHLECHTERUNG
    else:
        status = DEUTLICHE_VERSCHLECHTERUNG
    wanted = (
        "Richtung Parität"
        if span.kind in PARITY
        else "steigend"
        if span.direction == "up"
        else "fallend"
    )
    return Assessment(
        status,
        f"{lead}{_per_year(change, span.kind, growth=growth)} (gewünscht: {wanted})",
        actual_rate=change,
        method="growth" if growth else "linear",
    )


def _by_ratio(ratio: float) -> str:
    if _at_least(ratio, ON_TRACK):
        return AUF_KURS
    if _at_least(ratio, MODERATE):
        return MAESSIGER_FORTSCHRITT
    if _at_least(ratio, 0.0):
        return UNZUREICHENDER_FORTSCHRITT
    return FALSCHE_RICHTUNG


def _at_least(a: float, b: float) -> bool:
    """a >= b, taking a difference within floating-point error as none (see _EPS).

    >>> _at_least(0.5999999999999996, 0.6), _at_least(0.59, 0.6)
    (True, False)
    """
    return a >= b - _EPS * max(1.0, abs(a), abs(b))


def _present(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _linear(span: _Span) -> str:
    if span.kind in PARITY:
        return f"{_parity_distance(span)}, lineare jährliche Änderung"
    if span.kind == "level":
        return (
            "Basis, aktueller Wert oder Ziel ≤ 0, daher lineare jährliche Änderung statt "
            "Wachstumsrate"
        )
    return "lineare jährliche Änderung"


def _parity_distance(span: _Span) -> str:
    unit = " Prozentpunkte" if span.kind == "gap" else ""
    return (
        f"Abstand zur Parität von {_number(span.base, 0, 3)} auf {_number(span.last, 0, 3)}{unit}"
    )


def _per_year(change: float, kind: str, *, growth: bool) -> str:
    """A yearly change as German text, in the unit it is judged in.

    >>> _per_year(0.0101, "level", growth=True), _per_year(0.3, "share", growth=False)
    ('+1,01 % je Jahr', '+0,3 Prozentpunkte je Jahr')
    >>> _per_year(-0.075, "parity", growth=False)
    '-0,075 je Jahr'
    """
    if growth:
        return f"{_pct(change)} je Jahr"
    if kind in ("share", "gap"):
        return f"{_number(change, 1, sign=True)} Prozentpunkte je Jahr"
    if kind == "parity":
        return f"{_number(change, 2, 4, sign=True)} je Jahr"
    return f"{_number(change, 1, sign=True)} je Jahr"


def _pct(rate: float) -> str:
    """A rate as German percent text.

    >>> _pct(0.0389), _pct(0.01)
    ('+3,89 %', '+1,0 %')
    """
    return f"{_number(rate * 100, 1, sign=True)} %"


def _number(value: float, least: int = 1, most: int | None = None, *, sign: bool = False) -> str:
    """A number in German notation with `least` to `most` (default: one more) decimals.

    The extra decimals show only where they are not 0, so that a rate just past a threshold
    (+1,01 %) does not print as the threshold itself.

    >>> _number(0.30000000000000004, sign=True), _number(1.01), _number(1234.5, 0), _number(0.0, 0)
    ('+0,3', '1,01', '1.234,5', '0')
    """
    most = least + 1 if most is None else most
    text = f"{value:{'+' if sign else ''},.{most}f}"
    cut = len(text) - (most - least)
    text = (text[:cut] + text[cut:].rstrip("0")).rstrip(".")
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def summarise(statuses: Sequence[str], what: str = "Indikatoren") -> tuple[str, str]:
    """The status of a goal (from its non-contextual indicators) or a field (from its goals).

    The worst assessed status wins: a steering group should see the part that needs attention,
    not an average that hides it. Parts that cannot be assessed are named, never counted as fine.

    >>> summarise([AUF_KURS, MAESSIGER_FORTSCHRITT, NICHT_BEWERTBAR])
    ('mäßiger Fortschritt', 'schwächster von 2 bewerteten Indikatoren; 1 ohne Bewertung')
    >>> summarise([])
    ('kein Indikator hinterlegt', 'kein Indikator hinterlegt')
    """
    if not statuses or all(s == KEIN_INDIKATOR for s in statuses):
        return KEIN_INDIKATOR, KEIN_INDIKATOR
    assessed = [s for s in statuses if s in ORDER]
    open_count = len(statuses) - len(assessed)
    if not assessed:
        return NICHT_BEWERTBAR, f"0 von {len(statuses)} {what} bewertbar"
    worst = max(assessed, key=ORDER.index)
    reason = f"schwächster von {len(assessed)} bewerteten {what}"
    if open_count:
        reason += f"; {open_count} ohne Bewertung"
    return worst, reason


# --- the warehouse tables ------------------------------------------------------------------------


# An indicator whose newest value lies more than this many years behind the newest data year of
# the whole monitor says "Daten bis <Jahr>" beside its status: a status from 2016 figures must
# not look as current as one from 2024 figures.
STALE_YEARS = 2


def progress_tables(
    catalog: Catalog,
    values: pl.DataFrame,
    samples: Mapping[str, str] | None = None,
    reports: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, ...]:
    """indicator_progress, goal_progress and field_progress from the indicator values.

    `samples` maps each sample source's id to its title: a status whose baseline or latest value
    comes wholly or partly from one of them rests on sample data and says which. `reports` are
    the measure reports of all rounds (etl/rounds.py); a goal's Umsetzungsstand comes from the
    latest round.
    """
    samples = samples or {}
    indicator_rows = []
    totals = values.filter(pl.col("sex") == TOTAL)
    newest = totals.drop_nulls("value")["period"].max()
    by_key = dict(totals.group_by("indicator_id", "region_code"))
    for ind in catalog.indicators:
        target = catalog.target_of(ind)
        for region in catalog.regions_of(ind):
            group = by_key.get((ind.id, region))
            if group is None:
                continue
            result = assess(
                group.select("period", "value", "flag").iter_rows(),
                baseline=ind.baseline,
                direction=ind.direction,
                kind=ind.kind,
                target=(target.value, target.year) if target else None,
                target_kind=target.kind if target else "adopted",
            )
            row = {
                "indicator_id": ind.id,
                "region_code": region,
                **result.__dict__,
                "target_kind": target.kind if target else None,
                "target_source": target.source if target else None,
            }
            if ind.contextual:
                row["status"] = KONTEXT
                row["reason"] = "Kontextindikator: wird gezeigt, aber in keinem Ziel bewertet"
            used = _sample_sources(group, result, samples)
            row["uses_sample"] = bool(used)
            row["sample_sources"] = used
            if used:
                titles = ", ".join(f"„{samples[s]}“" for s in used)
                row["reason"] += f"; beruht auf Beispieldaten ({titles})"
            latest = result.latest_period
            row["data_until"] = (
                latest if latest is not None and newest - latest > STALE_YEARS else None
            )
            row["level"] = LEVEL[row["status"]]
            indicator_rows.append({key: row.get(key) for key in _INDICATOR_SCHEMA})
    indicator_progress = pl.DataFrame(indicator_rows, schema=_INDICATOR_SCHEMA)
    goal_progress = _goal_progress(catalog, indicator_progress, reports)
    return indicator_progress, goal_progress, _field_progress(catalog, goal_progress)


def _sample_sources(
    group: pl.DataFrame, result: Assessment, samples: Mapping[str, str]
) -> list[str]:
    """The sample sources behind the values the status was judged on (baseline and latest)."""
    periods = {result.baseline_period, result.latest_period} - {None}
    used = {
        source
        for period, sources in group.select("period", "sources").iter_rows()
        if period in periods
        for source in sources or ()
    }
    return sorted(used & set(samples))


_INDICATOR_SCHEMA = {
    "indicator_id": pl.String,
    "region_code": pl.String,
    "status": pl.String,
    "reason": pl.String,
    "baseline_period": pl.Int32,
    "baseline_value": pl.Float64,
    "latest_period": pl.Int32,
    "latest_value": pl.Float64,
    "target_year": pl.Int32,
    "target_value": pl.Float64,
    "target_kind": pl.String,
    "target_source": pl.String,
    "actual_rate": pl.Float64,
    "required_rate": pl.Float64,
    "ratio": pl.Float64,
    "level": pl.String,
    "uses_sample": pl.Boolean,
    "sample_sources": pl.List(pl.String),
    "data_until": pl.Int32,
}


def _regions(catalog: Catalog) -> list[str]:
    town = catalog.municipality
    return [town.region_code, *(r.code for r in town.comparison)]


def _goal_progress(
    catalog: Catalog, indicator_progress: pl.DataFrame, reports: pl.DataFrame | None
) -> pl.DataFrame:
    latest = latest_round(catalog, reports)
    states = latest_states(reports, latest)
    by_key = {
        (row["indicator_id"], row["region_code"]): row
        for row in indicator_progress.iter_rows(named=True)
    }
    rows = []
    for region in _regions(catalog):
        for goal in catalog.goals:
            own = [i for i in catalog.indicators if i.goal == goal.id]
            parts = [
                by_key[(i.id, region)] for i in own if not i.contextual and (i.id, region) in by_key
            ]
            statuses = [p["status"] for p in parts]
            measures = [m for m in catalog.measures if m.goal == goal.id]
            if own and not statuses:
                status, reason = (
                    NICHT_BEWERTBAR,
                    "nur Kontextindikatoren oder keine Daten für diese Region",
                )
            elif not own and not measures:
                status, reason = KEIN_INDIKATOR, WEDER_NOCH
            else:
                status, reason = summarise(statuses)
            # Only the parts that decide the status count for the sample mark and staleness.
            assessed = [p for p in parts if p["status"] in ORDER]
            on_sample = sum(1 for p in assessed if p["uses_sample"])
            stale = [p["data_until"] for p in assessed if p["data_until"] is not None]
            row = {
                "goal_id": goal.id,
                "region_code": region,
                "status": status,
                "reason": reason,
                "level": LEVEL[status],
                "indicators": len(statuses),
                "assessed": len(assessed),
                "sample_indicators": on_sample,
                # An invented goal (goal.sample) is sample data whatever its figures are.
                "uses_sample": goal.sample or on_sample > 0,
                "only_sample": bool(assessed) and (goal.sample or on_sample == len(assessed)),
                "stale_indicators": len(stale),
                "data_until": min(stale) if stale else None,
            }
            row |= {STATUS_COUNT_COLUMNS[s]: statuses.count(s) for s in (*ORDER, NICHT_BEWERTBAR)}
            row["n_kontext"] = sum(1 for i in own if i.contextual)
            reported = [states.get(m.id) for m in measures]
            row |= {MEASURE_STATE_COLUMNS[s]: reported.count(s) for s in MEASURE_STATES}
            row |= implementation(measures, states, latest).as_row()
            rows.append(row)
    return pl.DataFrame(rows, schema_overrides={"data_until": pl.Int32})


# --- Umsetzungsstand: a second kind of status, from the measures, never mixed with the outcome -

# Still open and not yet late: on schedule while the due year has not passed.
_OPEN = ("geplant", "beschlossen", "in Umsetzung")


@dataclass(frozen=True)
class Implementation:
    """How a goal's measures stand in one round: counted, and said in one sentence."""

    status: str
    reason: str
    total: int = 0
    on_schedule: int = 0
    done: int = 0
    delayed: int = 0
    overdue: int = 0
    unreported: int = 0
    dropped: int = 0
    round: str | None = None
    is_sample: bool = False

    def as_row(self) -> dict[str, object]:
        return {
            "implementation_status": self.status,
            "implementation_reason": self.reason,
            "implementation_round": self.round,
            "implementation_is_sample": self.is_sample,
            "measures_total": self.total,
            "measures_on_schedule": self.on_schedule,
            "measures_done": self.done,
            "measures_delayed": self.delayed,
            "measures_overdue": self.overdue,
            "measures_unreported": self.unreported,
            "measures_dropped": self.dropped,
        }


def implementation(
    measures: Sequence[Measure], states: Mapping[str, str], round_: Round | None
) -> Implementation:
    """The Umsetzungsstand of one goal: the share of its measures on schedule in `round_`.

    On schedule: done ("umgesetzt"), or still open (geplant, beschlossen, in Umsetzung) with
    its due year not passed by the round's date. Against it: "verzögert", open past its due
    year (overdue), and no report in this round (nothing known is not on schedule). Dropped
    measures ("gestrichen") leave the count and are named.

    >>> from etl.catalog import Measure, Round
    >>> import datetime as dt
    >>> r = Round(id="2024", title="R", date=dt.date(2024, 12, 31))
    >>> ms = [Measure(id=f"m{i}", goal="g", title="T", owner="O", due=d)
    ...       for i, d in enumerate([2026, 2023, 2026, 2026, None])]
    >>> s = {"m0": "in Umsetzung", "m1": "in Umsetzung", "m2": "verzögert", "m3": "umgesetzt"}
    >>> i = implementation(ms, s, r)
    >>> i.status
    'Umsetzung teilweise im Plan'
    >>> print(i.reason)  # doctest: +NORMALIZE_WHITESPACE
    Umsetzung: 2 von 5 Maßnahmen im Plan (1 umgesetzt);
    1 verzögert, 1 überfällig, 1 ohne Meldung (Runde 2024)
    """
    if not measures:
        return Implementation(KEINE_MASSNAHME, KEINE_MASSNAHME)
    if round_ is None:
        return Implementation(
            UMSETZUNG_KEINE_MELDUNG,
            "Umsetzung: noch keine Berichtsrunde gemeldet",
            total=len(measures),
            unreported=len(measures),
        )
    year = round_.date.year
    count = dict.fromkeys(("on", "done", "delayed", "overdue", "unreported", "dropped"), 0)
    for measure in measures:
        state = states.get(measure.id)
        if state is None:
            count["unreported"] += 1
        elif state == "gestrichen":
            count["dropped"] += 1
        elif state == "umgesetzt":
            count["on"] += 1
            count["done"] += 1
        elif state == "verzögert":
            count["delayed"] += 1
        elif measure.due is not None and measure.due < year:
            count["overdue"] += 1
        else:
            count["on"] += 1
    total = len(measures) - count["dropped"]
    against = [
        f"{count[key]} {word}"
        for key, word in (
            ("delayed", "verzögert"),
            ("overdue", "überfällig"),
            ("unreported", "ohne Meldung"),
        )
        if count[key]
    ]
    if count["dropped"]:
        against.append(f"{count['dropped']} gestrichen")
    reason = f"Umsetzung: {count['on']} von {total} Maßnahmen im Plan"
    if count["done"]:
        reason += f" ({count['done']} umgesetzt)"
    if against:
        reason += "; " + ", ".join(against)
    reason += f" (Runde {round_.id})"
    if total == 0:
        status = ALLE_GESTRICHEN
        reason = f"Umsetzung: alle {count['dropped']} Maßnahmen gestrichen (Runde {round_.id})"
    elif count["unreported"] == total:
        status = UMSETZUNG_KEINE_MELDUNG
    elif count["done"] == total:
        status = UMSETZUNG_ABGESCHLOSSEN
    elif count["on"] == total:
        status = UMSETZUNG_IM_PLAN
    elif count["on"] == 0:
        status = UMSETZUNG_NICHT
    else:
        status = UMSETZUNG_TEILWEISE
    return Implementation(
        status,
        reason,
        total=total,
        on_schedule=count["on"],
        done=count["done"],
        delayed=count["delayed"],
        overdue=count["overdue"],
        unreported=count["unreported"],
        dropped=count["dropped"],
        round=round_.id,
        is_sample=round_.sample,
    )


def latest_round(catalog: Catalog, reports: pl.DataFrame | None) -> Round | None:
    """The newest declared round with at least one report."""
    if reports is None or reports.is_empty():
        return None
    reported = set(reports["round"].unique())
    found = [r for r in catalog.rounds if r.id in reported]
    return found[-1] if found else None


def latest_states(reports: pl.DataFrame | None, round_: Round | None) -> dict[str, str]:
    """measure id → its state reported in `round_` (a measure not reported there has none)."""
    if reports is None or round_ is None:
        return {}
    rows = reports.filter(pl.col("round") == round_.id).select("measure_id", "state")
    return dict(rows.iter_rows())


def _field_progress(catalog: Catalog, goal_progress: pl.DataFrame) -> pl.DataFrame:
    field_of = {g.id: g.field for g in catalog.goals}
    rows = []
    for (region,), group in goal_progress.group_by("region_code", maintain_order=True):
        for field in catalog.fields:
            goals = [
                row for row in group.iter_rows(named=True) if field_of[row["goal_id"]] == field.id
            ]
            statuses = [row["status"] for row in goals]
            status, reason = summarise(statuses, what="Zielen")
            assessed = [g for g in goals if g["status"] in ORDER]
            on_sample = sum(1 for g in assessed if g["uses_sample"])
            stale = [g["data_until"] for g in assessed if g["data_until"] is not None]
            row = {
                "field_id": field.id,
                "region_code": region,
                "status": status,
                "reason": reason,
                "level": LEVEL[status],
                "goals": len(statuses),
                "assessed": len(assessed),
                "sample_goals": on_sample,
                "uses_sample": on_sample > 0,
                "only_sample": bool(assessed) and all(g["only_sample"] for g in assessed),
                "stale_goals": len(stale),
                "data_until": min(stale) if stale else None,
            }
            row |= {STATUS_COUNT_COLUMNS[s]: statuses.count(s) for s in ALL_STATUSES}
            rows.append(row)
    return pl.DataFrame(rows, schema_overrides={"data_until": pl.Int32})
