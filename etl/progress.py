"""Is a goal getting closer? The status of an indicator, a goal and a field. Pure functions, no I/O.

The method follows Eurostat's SDG monitoring and is written out for users in docs/progress.md:

* With a target: the actual compound annual growth rate (CAGR) from the baseline to the latest
  value is compared with the rate required to reach the target in time. ratio = actual / required:
  >= 95 % "auf Kurs", 60-95 % "mäßiger Fortschritt", 0-60 % "unzureichender Fortschritt",
  < 0 "Entwicklung in falsche Richtung"; a target already reached is "Ziel erreicht".
* Without a target: the CAGR in the desired direction: > 1 % a year "deutlicher Fortschritt",
  0-1 % "mäßiger Fortschritt", 0 to -1 % "leichte Verschlechterung", < -1 % "deutliche
  Verschlechterung".
* Gap (percentage points, parity 0) and parity (ratio, parity 1) indicators are judged on their
  distance to parity: the share of the needed distance closed against the share of the time to
  the target year passed, never by a growth rate of a value that can cross zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from etl.catalog import Catalog

ZIEL_ERREICHT = "Ziel erreicht"
AUF_KURS = "auf Kurs"
DEUTLICHER_FORTSCHRITT = "deutlicher Fortschritt"
MAESSIGER_FORTSCHRITT = "mäßiger Fortschritt"
UNZUREICHENDER_FORTSCHRITT = "unzureichender Fortschritt"
LEICHTE_VERSCHLECHTERUNG = "leichte Verschlechterung"
FALSCHE_RICHTUNG = "Entwicklung in falsche Richtung"
DEUTLICHE_VERSCHLECHTERUNG = "deutliche Verschlechterung"
NICHT_BEWERTBAR = "nicht bewertbar"
KONTEXT = "Kontextindikator"
KEIN_INDIKATOR = "kein Indikator hinterlegt"

# Best first. A goal or field takes the worst status among its assessed parts (docs/progress.md).
ORDER = (
    ZIEL_ERREICHT,
    AUF_KURS,
    DEUTLICHER_FORTSCHRITT,
    MAESSIGER_FORTSCHRITT,
    UNZUREICHENDER_FORTSCHRITT,
    LEICHTE_VERSCHLECHTERUNG,
    FALSCHE_RICHTUNG,
    DEUTLICHE_VERSCHLECHTERUNG,
)
NOT_ASSESSED = (NICHT_BEWERTBAR, KONTEXT, KEIN_INDIKATOR)
ALL_STATUSES = ORDER + NOT_ASSESSED

# The four steps the overview shows beside the words: on track, slow, wrong direction, no data.
LEVEL = {
    ZIEL_ERREICHT: "gut",
    AUF_KURS: "gut",
    DEUTLICHER_FORTSCHRITT: "gut",
    MAESSIGER_FORTSCHRITT: "langsam",
    UNZUREICHENDER_FORTSCHRITT: "langsam",
    LEICHTE_VERSCHLECHTERUNG: "falsch",
    FALSCHE_RICHTUNG: "falsch",
    DEUTLICHE_VERSCHLECHTERUNG: "falsch",
    NICHT_BEWERTBAR: "offen",
    KONTEXT: "offen",
    KEIN_INDIKATOR: "offen",
}

ON_TRACK = 0.95
MODERATE = 0.60
CLEAR_GROWTH = 0.01
PARITY = {"gap": 0.0, "parity": 1.0}
_EPS = 1e-9


@dataclass(frozen=True)
class Assessment:
    """An indicator's status, with every figure that led to it."""

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


def assess(
    values: Iterable[tuple[int, float | None]],
    *,
    baseline: int,
    direction: str = "up",
    kind: str = "level",
    target: tuple[float, int] | None = None,
) -> Assessment:
    """The status of one indicator series (period, value) against its baseline year and target.

    With a target (Eurostat: actual against required CAGR):

    >>> a = assess([(2015, 100.0), (2020, 121.0)], baseline=2015, target=(150.0, 2025))
    >>> a.status, round(a.actual_rate, 4), round(a.required_rate, 4), round(a.ratio, 2)
    ('mäßiger Fortschritt', 0.0389, 0.0414, 0.94)

    Without a target, decreasing is good:

    >>> assess([(2015, 10.0), (2019, 9.0)], baseline=2015, direction="down").status
    'deutlicher Fortschritt'

    A gap that crosses zero is judged on its distance to parity:

    >>> a = assess([(2015, 12.0), (2020, -3.0)], baseline=2015, kind="gap", target=(0.0, 2025))
    >>> a.status, a.actual_rate, a.required_rate, a.ratio
    ('auf Kurs', 0.75, 0.5, 1.5)
    """
    points = sorted((int(p), float(v)) for p, v in values if v is not None and math.isfinite(v))
    target_value, target_year = target if target is not None else (None, None)
    known = {"target_year": target_year, "target_value": target_value}
    start = next(((p, v) for p, v in points if p >= baseline), None)
    if start is None:
        return Assessment(NICHT_BEWERTBAR, f"kein Wert ab dem Basisjahr {baseline}", **known)
    base_p, base_v = start
    last_p, last_v = points[-1]
    figures = {
        "baseline_period": base_p,
        "baseline_value": base_v,
        "latest_period": last_p,
        "latest_value": last_v,
        **known,
    }
    note = "" if base_p == baseline else f"Basisjahr {baseline} ohne Wert, Basis ist {base_p}; "
    if last_p == base_p:
        return Assessment(
            NICHT_BEWERTBAR, note + "weniger als zwei Werte seit dem Basisjahr", **figures
        )
    years = last_p - base_p
    if kind in PARITY:
        if target_value is None or target_year is None:
            return Assessment(
                NICHT_BEWERTBAR, note + "kein Zieljahr für den Abstand zur Parität", **figures
            )
        return _distance(
            base_v, last_v, years, base_p, PARITY[kind], target_value, target_year, note, figures
        )
    if target_value is not None and target_year is not None:
        return _against_target(
            base_v, last_v, years, base_p, direction, target_value, target_year, note, figures
        )
    return _trend(base_v, last_v, years, direction, note, figures)


def _against_target(
    base: float,
    last: float,
    years: int,
    base_p: int,
    direction: str,
    target: float,
    target_year: int,
    note: str,
    figures: dict,
) -> Assessment:
    upward = target > base or (target == base and direction == "up")
    if (upward and last >= target) or (not upward and last <= target):
        return Assessment(ZIEL_ERREICHT, note + "der Zielwert ist erreicht", **figures)
    remaining = target_year - base_p
    if remaining <= 0:
        return Assessment(
            NICHT_BEWERTBAR,
            note + f"das Zieljahr {target_year} liegt nicht nach der Basis",
            **figures,
        )
    if base > 0 and last > 0 and target > 0:
        actual = (last / base) ** (1 / years) - 1
        required = (target / base) ** (1 / remaining) - 1
        method = "jährliche Wachstumsraten (CAGR)"
    else:
        actual = (last - base) / years
        required = (target - base) / remaining
        method = "Basis oder Ziel ≤ 0: lineare jährliche Änderung statt Wachstumsrate"
    ratio = actual / required
    return Assessment(
        _by_ratio(ratio),
        note + f"{method}; tatsächlich {_pct(actual)} gegen nötig {_pct(required)} je Jahr",
        **figures,
        actual_rate=actual,
        required_rate=required,
        ratio=ratio,
    )


def _trend(
    base: float, last: float, years: int, direction: str, note: str, figures: dict
) -> Assessment:
    if base <= 0 or last < 0:
        return Assessment(
            NICHT_BEWERTBAR,
            note + f"Basiswert {base:g}: ohne Ziel ist keine Wachstumsrate bestimmbar",
            **figures,
        )
    growth = (last / base) ** (1 / years) - 1
    towards = growth if direction == "up" else -growth
    if towards > CLEAR_GROWTH:
        status = DEUTLICHER_FORTSCHRITT
    elif towards >= 0:
        status = MAESSIGER_FORTSCHRITT
    elif towards >= -CLEAR_GROWTH:
        status = LEICHTE_VERSCHLECHTERUNG
    else:
        status = DEUTLICHE_VERSCHLECHTERUNG
    wanted = "steigend" if direction == "up" else "fallend"
    return Assessment(
        status,
        note + f"kein Zielwert; {_pct(growth)} je Jahr (gewünscht: {wanted})",
        **figures,
        actual_rate=growth,
    )


def _distance(
    base: float,
    last: float,
    years: int,
    base_p: int,
    parity: float,
    target: float,
    target_year: int,
    note: str,
    figures: dict,
) -> Assessment:
    start, now, goal = abs(base - parity), abs(last - parity), abs(target - parity)
    if now <= goal + _EPS:
        return Assessment(ZIEL_ERREICHT, note + "der Abstand zur Parität ist erreicht", **figures)
    needed = start - goal
    if needed <= _EPS:
        return Assessment(
            FALSCHE_RICHTUNG,
            note + "der Abstand zur Parität ist seit der Basis größer geworden",
            **figures,
            actual_rate=(start - now) / max(start, _EPS),
            required_rate=0.0,
        )
    closed = (start - now) / needed
    span = target_year - base_p
    passed = 1.0 if span <= 0 else min(years / span, 1.0)
    ratio = closed / passed
    return Assessment(
        _by_ratio(ratio),
        note + f"{_pct(closed)} des Abstands zur Parität geschlossen, {_pct(passed)} der Zeit bis "
        f"{target_year} vergangen",
        **figures,
        actual_rate=closed,
        required_rate=passed,
        ratio=ratio,
    )


def _by_ratio(ratio: float) -> str:
    if ratio >= ON_TRACK:
        return AUF_KURS
    if ratio >= MODERATE:
        return MAESSIGER_FORTSCHRITT
    if ratio >= 0:
        return UNZUREICHENDER_FORTSCHRITT
    return FALSCHE_RICHTUNG


def _pct(rate: float) -> str:
    """A rate as German percent text.

    >>> _pct(0.0389)
    '+3,9 %'
    """
    return f"{rate * 100:+.1f} %".replace(".", ",")


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

MEASURE_STATES = ("geplant", "beschlossen", "in Umsetzung", "umgesetzt", "gestrichen")


def column_name(status: str) -> str:
    """An ASCII column name for a status or measure state.

    >>> column_name("mäßiger Fortschritt"), column_name("in Umsetzung")
    ('maessiger_fortschritt', 'in_umsetzung')
    """
    ascii_name = status.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    ascii_name = ascii_name.replace("ß", "ss")
    return ascii_name.replace("entwicklung in ", "").replace(" ", "_")


def progress_tables(catalog: Catalog, values: pl.DataFrame) -> tuple[pl.DataFrame, ...]:
    """indicator_progress, goal_progress and field_progress from the indicator values."""
    indicator_rows = []
    totals = values.filter(pl.col("sex") == "insgesamt")
    by_key = dict(totals.group_by("indicator_id", "region_code"))
    for ind in catalog.indicators:
        target = catalog.target_of(ind)
        for region in catalog.regions_of(ind):
            group = by_key.get((ind.id, region))
            if group is None:
                continue
            result = assess(
                group.select("period", "value").iter_rows(),
                baseline=ind.baseline,
                direction=ind.direction,
                kind=ind.kind,
                target=(target.value, target.year) if target else None,
            )
            row = {"indicator_id": ind.id, "region_code": region, **result.__dict__}
            if ind.contextual:
                row["status"] = KONTEXT
                row["reason"] = "Kontextindikator: wird gezeigt, aber in keinem Ziel bewertet"
            row["level"] = LEVEL[row["status"]]
            indicator_rows.append(row)
    indicator_progress = pl.DataFrame(indicator_rows, schema=_INDICATOR_SCHEMA)
    goal_progress = _goal_progress(catalog, indicator_progress)
    return indicator_progress, goal_progress, _field_progress(catalog, goal_progress)


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
    "actual_rate": pl.Float64,
    "required_rate": pl.Float64,
    "ratio": pl.Float64,
    "level": pl.String,
}


def _regions(catalog: Catalog) -> list[str]:
    town = catalog.municipality
    return [town.region_code, *(r.code for r in town.comparison)]


def _goal_progress(catalog: Catalog, indicator_progress: pl.DataFrame) -> pl.DataFrame:
    status_of = {
        (row["indicator_id"], row["region_code"]): row["status"]
        for row in indicator_progress.iter_rows(named=True)
    }
    rows = []
    for region in _regions(catalog):
        for goal in catalog.goals:
            own = [i for i in catalog.indicators if i.goal == goal.id]
            statuses = [
                status_of[(i.id, region)]
                for i in own
                if not i.contextual and (i.id, region) in status_of
            ]
            if own and not statuses:
                status, reason = (
                    NICHT_BEWERTBAR,
                    "nur Kontextindikatoren oder keine Daten für diese Region",
                )
            else:
                status, reason = summarise(statuses)
            row = {
                "goal_id": goal.id,
                "region_code": region,
                "status": status,
                "reason": reason,
                "level": LEVEL[status],
                "indicators": len(statuses),
            }
            row |= {f"n_{column_name(s)}": statuses.count(s) for s in (*ORDER, NICHT_BEWERTBAR)}
            row["n_kontext"] = sum(1 for i in own if i.contextual)
            states = [m.state for m in catalog.measures if m.goal == goal.id]
            row |= {f"measures_{column_name(s)}": states.count(s) for s in MEASURE_STATES}
            rows.append(row)
    return pl.DataFrame(rows)


def _field_progress(catalog: Catalog, goal_progress: pl.DataFrame) -> pl.DataFrame:
    field_of = {g.id: g.field for g in catalog.goals}
    rows = []
    for (region,), group in goal_progress.group_by("region_code", maintain_order=True):
        for field in catalog.fields:
            statuses = [
                row["status"]
                for row in group.iter_rows(named=True)
                if field_of[row["goal_id"]] == field.id
            ]
            status, reason = summarise(statuses, what="Zielen")
            row = {
                "field_id": field.id,
                "region_code": region,
                "status": status,
                "reason": reason,
                "level": LEVEL[status],
                "goals": len(statuses),
            }
            row |= {f"n_{column_name(s)}": statuses.count(s) for s in ALL_STATUSES}
            rows.append(row)
    return pl.DataFrame(rows)
