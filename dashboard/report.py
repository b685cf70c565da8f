"""The report of a closed round for the council committee (issue #11): PDF, XLSX and HTML.

A closed round is frozen in the warehouse (`rounds` and the `round_<table>` copies, etl/load.py,
etl/snapshot.py), so the report says what the committee was told, whatever data came later.
`load_round` reads one round into small frozen dataclasses; the three renderers take only that,
never a connection. Everything here works offline on a fresh machine with PyPI packages alone:
fpdf2 writes the PDF (outline, table of contents, page numbers, images with alt text tagged as
figures) in the DejaVu font that matplotlib ships (the PDF core fonts are Latin-1 only and the
text has „“ – → ✓), matplotlib (Agg, no browser, unlike kaleido ≥ 1) draws the charts, jinja2
with autoescape writes the HTML, xlsxwriter the workbook.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

import vocabulary
from dashboard import charts, ui

FORMATS = ("pdf", "xlsx", "html")
CLOSE_COMMAND = 'python -m etl round close ROUND --note "…"'


class ReportError(Exception):
    """A report cannot be written: the round is not closed in the warehouse, or a bad format.

    `where` names the warehouse file or the output; the CLI prints it as one of its error lines.
    """

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


def quoted(text: str, limit: int = 80) -> str:
    """A user's text (a round id from a link or the command line) in quotes, printable and short.

    >>> print(quoted("2021"), quoted("20" + chr(10) + "21"))
    "2021" "20?21"
    """
    shown = "".join(c if c.isprintable() else "?" for c in str(text)[:limit])
    return f'"{shown}"' + ("…" if len(str(text)) > limit else "")


# --- what a report holds ------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundInfo:
    round: str
    title: str
    date: dt.date | None
    closed_at: dt.datetime | None
    note: str
    warehouse_file: str
    warehouse_built_at: dt.datetime | None
    catalogue_sha256: str
    code_version: str
    is_sample: bool
    data_until: int | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    unit: str
    kind: str
    direction: str
    status: str
    level: str
    reason: str
    uses_sample: bool
    contextual: bool
    baseline_period: int | None
    baseline_value: float | None
    latest_period: int | None
    latest_value: float | None
    target_year: int | None
    target_value: float | None
    target_kind: str | None
    target_source: str
    data_until: int | None
    # The municipality's series (sex "insgesamt"), oldest first; a missing value is None.
    values: tuple[tuple[int, float | None], ...]
    values_sample: bool
    concept: str = ""
    source_note: str = ""


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    owner: str
    due: int | None
    # The state reported in this round, or the newest one before it (state_round says which).
    state: str | None
    state_round: str | None
    progress: float | None
    comment: str
    reported_by: str
    sample: bool


@dataclass(frozen=True)
class Goal:
    id: str
    title: str
    owner: str
    due: int | None
    due_kind: str
    status: str
    level: str
    reason: str
    uses_sample: bool
    data_until: int | None
    implementation_status: str
    implementation_reason: str
    implementation_is_sample: bool
    sample: bool
    indicators: tuple[Indicator, ...]
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class Field:
    id: str
    name: str
    description: str
    status: str
    level: str
    reason: str
    uses_sample: bool
    goals: tuple[Goal, ...]


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    table_code: str
    licence: str
    retrieved: dt.date | None
    is_sample: bool
    url: str


@dataclass(frozen=True, eq=False)
class Report:
    info: RoundInfo
    municipality: str
    region_code: str
    strategy: str
    committee: str
    fields: tuple[Field, ...]
    sources: tuple[Source, ...]
    method: str
    previous: str | None
    # kind, object, id, title, before, after (see `changes`)
    changes: pl.DataFrame
    # goals × closed rounds up to this one (see `synopsis`)
    synopsis: pl.DataFrame

    @property
    def goals(self) -> list[Goal]:
        return [g for f in self.fields for g in f.goals]

    @property
    def title(self) -> str:
        return f"Bericht zur Berichtsrunde {self.info.round}"


# --- statuses: symbol, word and colour, never colour alone --------------------------------------

# Text colours with at least 4.5:1 on white, and light fills for table cells; the hue follows
# the dashboard's Okabe–Ito levels (dashboard/ui.py LEVELS), the symbol and the word carry the
# meaning.
TEXT_COLOUR = {"gut": "#0062A0", "langsam": "#8A4F00", "falsch": "#B03A00", "offen": "#555555"}
FILL_COLOUR = {"gut": "#D6EAF5", "langsam": "#FBEBC8", "falsch": "#F8DCCB", "offen": "#EBEBEB"}

# The Umsetzungsstand is a second kind of status, from the measures; it keeps its own symbols so
# that it is never read as the outcome status.
IMPLEMENTATION_LEVEL = {
    vocabulary.UMSETZUNG_ABGESCHLOSSEN: "gut",
    vocabulary.UMSETZUNG_IM_PLAN: "gut",
    vocabulary.UMSETZUNG_TEILWEISE: "langsam",
    vocabulary.UMSETZUNG_NICHT: "falsch",
    vocabulary.UMSETZUNG_KEINE_MELDUNG: "offen",
    vocabulary.ALLE_GESTRICHEN: "offen",
    vocabulary.KEINE_MASSNAHME: "offen",
}
IMPLEMENTATION_SYMBOL = {"gut": "■", "langsam": "◧", "falsch": "□", "offen": "◇"}
IMPLEMENTATION_WORDS = {
    "gut": "im Plan",
    "langsam": "teilweise",
    "falsch": "nicht im Plan",
    "offen": "offen",
}
SAMPLE_GOAL = "Beispiel"


def level_of(status: str | None) -> str:
    """The dashboard's four steps for an outcome status.

    >>> level_of("auf Kurs"), level_of("leichte Verschlechterung"), level_of(None)
    ('gut', 'falsch', 'offen')
    """
    return vocabulary.LEVEL.get(status or "", "offen")


def symbol(status: str | None) -> str:
    """The symbol of an outcome status (as in the synopsis and the overview).

    >>> symbol("auf Kurs"), symbol("mäßiger Fortschritt"), symbol("nicht bewertbar")
    ('✓', '◐', '○')
    """
    return ui.SYMBOL[level_of(status)]


def status_label(status: str | None) -> str:
    """Symbol and word: ``✓ auf Kurs``."""
    return f"{symbol(status)} {status or vocabulary.NICHT_BEWERTBAR}"


def implementation_label(status: str | None) -> str:
    """Symbol and word of an Umsetzungsstand: ``■ Umsetzung im Plan``."""
    level = IMPLEMENTATION_LEVEL.get(status or "", "offen")
    return f"{IMPLEMENTATION_SYMBOL[level]} {status or vocabulary.UMSETZUNG_KEINE_MELDUNG}"


def implementation_level(status: str | None) -> str:
    return IMPLEMENTATION_LEVEL.get(status or "", "offen")


# --- reading a closed round ---------------------------------------------------------------------


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> list[dict]:
    """Rows as dicts, on a cursor of their own (the dashboard shares one connection across
    threads). Rows are read with `SELECT *` and picked by name, so a round closed by an older
    version, which lacks a column added since, still reads."""
    cursor = con.cursor()
    try:
        cursor.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        cursor.close()


def closed_rounds(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The closed rounds in the warehouse, oldest first; none where the table is missing."""
    present = _rows(
        con,
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?",
        ["rounds"],
    )
    if not present[0]["n"]:
        return []
    return _rows(con, "SELECT * FROM rounds ORDER BY date, round")


def _database(con: duckdb.DuckDBPyConnection) -> str:
    """The warehouse file a message names."""
    found = _rows(
        con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    )
    return Path(found[0]["path"]).name if found and found[0]["path"] else "warehouse"


def _round_info(con: duckdb.DuckDBPyConnection, round_id: str) -> tuple[RoundInfo, str | None]:
    found = closed_rounds(con)
    ids = [r["round"] for r in found]
    if round_id not in ids:
        raise ReportError(
            f"{_database(con)}: rounds",
            f"round {quoted(round_id)} is not closed in this warehouse (closed rounds: "
            f"{', '.join(ids) or 'none'}); close one with: {CLOSE_COMMAND}",
        )
    at = ids.index(round_id)
    row = found[at]
    info = RoundInfo(
        round=row["round"],
        title=row.get("title") or row["round"],
        date=row.get("date"),
        closed_at=row.get("closed_at"),
        note=row.get("note") or "",
        warehouse_file=row.get("warehouse_file") or "",
        warehouse_built_at=row.get("warehouse_built_at"),
        catalogue_sha256=row.get("catalogue_sha256") or "",
        code_version=row.get("code_version") or "",
        is_sample=bool(row.get("is_sample")),
        data_until=row.get("data_until"),
    )
    return info, (ids[at - 1] if at > 0 else None)


def load_round(con: duckdb.DuckDBPyConnection, round_id: str) -> Report:
    """Everything the report of closed round `round_id` shows, read from the warehouse.

    Raises ReportError naming the closed rounds if `round_id` is not one of them.
    """
    info, previous = _round_info(con, round_id)
    params = [round_id]
    town = _rows(con, "SELECT * FROM round_municipality WHERE round = ?", params)[0]
    code = town["region_code"]
    fields = _rows(con, "SELECT * FROM round_fields WHERE round = ? ORDER BY position", params)
    goals = _rows(con, "SELECT * FROM round_goals WHERE round = ? ORDER BY position", params)
    field_status = {
        r["field_id"]: r
        for r in _rows(
            con,
            "SELECT * FROM round_field_progress WHERE round = ? AND region_code = ?",
            [round_id, code],
        )
    }
    goal_status = {
        r["goal_id"]: r
        for r in _rows(
            con,
            "SELECT * FROM round_goal_progress WHERE round = ? AND region_code = ?",
            [round_id, code],
        )
    }
    indicators = _indicators(con, round_id, code)
    measures = _measures(con, round_id)
    built_fields = []
    for f in fields:
        built_goals = []
        for g in goals:
            if g["field_id"] != f["id"]:
                continue
            s = goal_status.get(g["id"], {})
            status = s.get("status") or vocabulary.KEIN_INDIKATOR
            built_goals.append(
                Goal(
                    id=g["id"],
                    title=g["title"],
                    owner=g.get("owner") or "",
                    due=g.get("due"),
                    due_kind=g.get("due_kind") or "assumed",
                    status=status,
                    level=level_of(status),
                    reason=s.get("reason") or "",
                    uses_sample=bool(s.get("uses_sample")),
                    data_until=s.get("data_until"),
                    implementation_status=s.get("implementation_status")
                    or vocabulary.UMSETZUNG_KEINE_MELDUNG,
                    implementation_reason=s.get("implementation_reason") or "",
                    implementation_is_sample=bool(s.get("implementation_is_sample")),
                    sample=bool(g.get("sample")),
                    indicators=tuple(i for i in indicators if i[0] == g["id"] for i in [i[1]]),
                    measures=tuple(m for goal_id, m in measures if goal_id == g["id"]),
                )
            )
        s = field_status.get(f["id"], {})
        status = s.get("status") or vocabulary.NICHT_BEWERTBAR
        built_fields.append(
            Field(
                id=f["id"],
                name=f["name"],
                description=f.get("description") or "",
                status=status,
                level=level_of(status),
                reason=s.get("reason") or "",
                uses_sample=bool(s.get("uses_sample")),
                goals=tuple(built_goals),
            )
        )
    sources = tuple(
        Source(
            id=r["id"],
            title=r.get("title") or r["id"],
            publisher=r.get("publisher") or "",
            table_code=r.get("table_code") or "",
            licence=r.get("licence") or "",
            retrieved=r.get("retrieved"),
            is_sample=bool(r.get("is_sample")),
            url=r.get("url") or "",
        )
        for r in _rows(con, "SELECT * FROM round_sources WHERE round = ? ORDER BY id", params)
    )
    method = _rows(
        con,
        "SELECT markdown FROM round_documents WHERE round = ? AND name = ?",
        [round_id, "progress"],
    )
    dates = {r["round"]: r["date"] for r in closed_rounds(con)}
    upto = [r for r, d in dates.items() if info.date is None or d is None or d <= info.date]
    return Report(
        info=info,
        municipality=town["name"],
        region_code=code,
        strategy=town.get("strategy") or "",
        committee=town.get("committee") or "",
        fields=tuple(built_fields),
        sources=sources,
        method=method[0]["markdown"] if method else "",
        previous=previous,
        changes=changes(con, round_id, previous) if previous else _empty_changes(),
        synopsis=synopsis(con, rounds=upto),
    )


def _indicators(
    con: duckdb.DuckDBPyConnection, round_id: str, code: str
) -> list[tuple[str, Indicator]]:
    """(goal id, indicator) for every indicator with a status for the municipality."""
    status = {
        r["indicator_id"]: r
        for r in _rows(
            con,
            "SELECT * FROM round_indicator_progress WHERE round = ? AND region_code = ?",
            [round_id, code],
        )
    }
    series: dict[str, list[tuple[int, float | None, bool]]] = {}
    for r in _rows(
        con,
        "SELECT indicator_id, period, value, is_sample FROM round_indicator_values "
        "WHERE round = ? AND region_code = ? AND sex = ? ORDER BY indicator_id, period",
        [round_id, code, "insgesamt"],
    ):
        series.setdefault(r["indicator_id"], []).append(
            (r["period"], r["value"], bool(r["is_sample"]))
        )
    found = []
    for r in _rows(
        con, "SELECT * FROM round_indicators WHERE round = ? ORDER BY position", [round_id]
    ):
        s = status.get(r["id"])
        if s is None:  # not computed for the municipality: only the comparison regions
            continue
        points = series.get(r["id"], [])
        found.append(
            (
                r["goal_id"],
                Indicator(
                    id=r["id"],
                    title=r["title"],
                    unit=r.get("unit") or "",
                    kind=r.get("kind") or "level",
                    direction=r.get("direction") or "up",
                    status=s["status"],
                    level=level_of(s["status"]),
                    reason=s.get("reason") or "",
                    uses_sample=bool(s.get("uses_sample")),
                    contextual=bool(r.get("contextual")),
                    baseline_period=s.get("baseline_period"),
                    baseline_value=s.get("baseline_value"),
                    latest_period=s.get("latest_period"),
                    latest_value=s.get("latest_value"),
                    target_year=s.get("target_year"),
                    target_value=s.get("target_value"),
                    target_kind=s.get("target_kind"),
                    target_source=s.get("target_source") or "",
                    data_until=s.get("data_until"),
                    values=tuple((p, v) for p, v, _ in points),
                    values_sample=any(sample for _, v, sample in points if v is not None),
                    concept=r.get("concept") or "",
                    source_note=r.get("source_note") or "",
                ),
            )
        )
    return found


def _measures(con: duckdb.DuckDBPyConnection, round_id: str) -> list[tuple[str, Measure]]:
    reports = {
        r["measure_id"]: r
        for r in _rows(
            con,
            "SELECT * FROM round_measure_reports WHERE round = ? AND report_round = ?",
            [round_id, round_id],
        )
    }
    found = []
    for r in _rows(
        con, "SELECT * FROM round_measures WHERE round = ? ORDER BY position", [round_id]
    ):
        report = reports.get(r["id"], {})
        state_round = r.get("state_round") or (round_id if r.get("state") else None)
        found.append(
            (
                r["goal_id"],
                Measure(
                    id=r["id"],
                    title=r["title"],
                    owner=r.get("owner") or "",
                    due=r.get("due"),
                    state=r.get("state"),
                    state_round=state_round,
                    progress=report.get("progress"),
                    comment=report.get("comment") or "",
                    reported_by=report.get("reported_by") or "",
                    sample=bool(r.get("sample")) or bool(report.get("is_sample")),
                ),
            )
        )
    return found


# --- what changed between two rounds ------------------------------------------------------------

CHANGE_SCHEMA = {
    "kind": pl.String,
    "object": pl.String,
    "id": pl.String,
    "title": pl.String,
    "before": pl.String,
    "after": pl.String,
}


def _empty_changes() -> pl.DataFrame:
    return pl.DataFrame(schema=CHANGE_SCHEMA)


def changes(con: duckdb.DuckDBPyConnection, round_id: str, previous_id: str | None) -> pl.DataFrame:
    """What moved from round `previous_id` to `round_id`, both closed.

    kind: "Status" (of a goal or an indicator, `object` says which), "Umsetzungsstand" (goal),
    "Neues Datenjahr" (an indicator's newest year), "Maßnahme" (its state), "neu" (a goal,
    indicator or measure the earlier round did not have). before / after are words or years.
    """
    _round_info(con, round_id)
    if previous_id is None:
        return _empty_changes()
    _round_info(con, previous_id)
    found: list[tuple[str, str, str, str, str | None, str | None]] = []
    code = {
        r: _rows(con, "SELECT region_code FROM round_municipality WHERE round = ?", [r])[0][
            "region_code"
        ]
        for r in (previous_id, round_id)
    }

    def progress_rows(table: str, key: str, round_: str) -> dict[str, dict]:
        return {
            r[key]: r
            for r in _rows(
                con,
                f"SELECT * FROM {table} WHERE round = ? AND region_code = ?",  # fixed names
                [round_, code[round_]],
            )
        }

    def compared(
        objects: str, table: str, key: str
    ) -> Iterator[tuple[str, str, dict | None, dict | None]]:
        """Each goal or indicator of the newer round, in its order, with its title and its
        progress row in the earlier and in the newer round (None where the round has none)."""
        before = progress_rows(table, key, previous_id)
        after = progress_rows(table, key, round_id)
        sql = f"SELECT * FROM {objects} WHERE round = ? ORDER BY position"  # fixed names
        for r in _rows(con, sql, [round_id]):
            yield r["id"], r["title"], before.get(r["id"]), after.get(r["id"])

    for goal_id, title, old, new in compared("round_goals", "round_goal_progress", "goal_id"):
        new = new or {}
        if old is None:
            found.append(("neu", "Ziel", goal_id, title, None, new.get("status")))
            continue
        if old.get("status") != new.get("status"):
            found.append(("Status", "Ziel", goal_id, title, old.get("status"), new.get("status")))
        old_i, new_i = old.get("implementation_status"), new.get("implementation_status")
        if old_i != new_i:
            found.append(("Umsetzungsstand", "Ziel", goal_id, title, old_i, new_i))
    for ind_id, title, old, new in compared(
        "round_indicators", "round_indicator_progress", "indicator_id"
    ):
        if new is None:
            continue
        if old is None:
            found.append(("neu", "Indikator", ind_id, title, None, new["status"]))
            continue
        if old["status"] != new["status"]:
            found.append(("Status", "Indikator", ind_id, title, old["status"], new["status"]))
        if old.get("latest_period") != new.get("latest_period"):
            found.append(
                (
                    "Neues Datenjahr",
                    "Indikator",
                    ind_id,
                    title,
                    _text(old.get("latest_period")),
                    _text(new.get("latest_period")),
                )
            )
    old_measures = {
        r["id"]: r
        for r in _rows(con, "SELECT * FROM round_measures WHERE round = ?", [previous_id])
    }
    for r in _rows(
        con, "SELECT * FROM round_measures WHERE round = ? ORDER BY position", [round_id]
    ):
        old = old_measures.get(r["id"])
        if old is None:
            found.append(("neu", "Maßnahme", r["id"], r["title"], None, r.get("state")))
        elif old.get("state") != r.get("state"):
            found.append(
                (
                    "Maßnahme",
                    "Maßnahme",
                    r["id"],
                    r["title"],
                    old.get("state") or UNREPORTED,
                    r.get("state") or UNREPORTED,
                )
            )
    return pl.DataFrame(found, schema=CHANGE_SCHEMA, orient="row")


UNREPORTED = "keine Meldung"


def _text(value: object) -> str | None:
    return None if value is None else str(value)


# --- the synopsis: goals × rounds ---------------------------------------------------------------


def synopsis(con: duckdb.DuckDBPyConnection, rounds: Iterable[str] | None = None) -> pl.DataFrame:
    """Goals × closed rounds, as in the indicator report of the German sustainability strategy:
    one row per goal (ordered by field and goal position of the newest round that has it), one
    column per round (oldest first) holding the goal's status word in that round, None where
    the round did not have the goal. `symbol(word)` gives a cell's symbol.

    Columns: field_id, field, goal_id, goal, sample, then one per round id.
    """
    closed = [r["round"] for r in closed_rounds(con)]
    if rounds is not None:
        wanted = set(rounds)
        closed = [r for r in closed if r in wanted]
    order: dict[str, tuple[int, int, str, str, str, bool]] = {}
    cells: dict[str, dict[str, str]] = {}
    for round_id in closed:
        code = _rows(con, "SELECT region_code FROM round_municipality WHERE round = ?", [round_id])
        fields = {
            r["id"]: r for r in _rows(con, "SELECT * FROM round_fields WHERE round = ?", [round_id])
        }
        for g in _rows(con, "SELECT * FROM round_goals WHERE round = ?", [round_id]):
            f = fields.get(g["field_id"], {})
            order[g["id"]] = (
                f.get("position", 0),
                g.get("position", 0),
                g["field_id"],
                f.get("name", g["field_id"]),
                g["title"],
                bool(g.get("sample")),
            )
        for r in _rows(
            con,
            "SELECT goal_id, status FROM round_goal_progress WHERE round = ? AND region_code = ?",
            [round_id, code[0]["region_code"] if code else None],
        ):
            cells.setdefault(r["goal_id"], {})[round_id] = r["status"]
    rows = []
    for goal_id, (_, _, field_id, field, title, sample) in sorted(
        order.items(), key=lambda kv: (kv[1][0], kv[1][1])
    ):
        rows.append(
            {
                "field_id": field_id,
                "field": field,
                "goal_id": goal_id,
                "goal": title,
                "sample": sample,
                **{r: cells.get(goal_id, {}).get(r) for r in closed},
            }
        )
    schema = {
        "field_id": pl.String,
        "field": pl.String,
        "goal_id": pl.String,
        "goal": pl.String,
        "sample": pl.Boolean,
        **dict.fromkeys(closed, pl.String),
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


SYNOPSIS_KEYS = ("field_id", "field", "goal_id", "goal", "sample")


SYNOPSIS_NOTE = (
    "Status der Wirkung je Ziel in jeder abgeschlossenen Runde (Symbole wie in der Legende im "
    "Überblick; –: das Ziel gab es in der Runde noch nicht; „Beispieldaten“: der Status dieser "
    "Runde beruht ganz oder teilweise auf erfundenen Zahlen)."
)


def synopsis_goal(row: dict, on_sample: set[str]) -> str:
    """A synopsis row's goal with its marks: an invented goal, a status on sample data."""
    text = row["goal"] + (f" [{SAMPLE_GOAL}]" if row["sample"] else "")
    return text + (f" ({ui.SAMPLE})" if row["goal_id"] in on_sample else "")


def synopsis_rounds(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in SYNOPSIS_KEYS]


# --- text pieces every format shares ------------------------------------------------------------


def value_text(value: float | None, unit: str) -> str:
    return ui.with_unit(value, unit)


def alt_text(ind: Indicator, town: str) -> str:
    """The chart in one German sentence, for a screen reader.

    >>> ind = Indicator("a", "Anteil", "%", "share", "up", "auf Kurs", "gut", "", False,
    ...     False, 2019, 29.5, 2024, 31.2, 2026, 33.0, "assumed", "", None,
    ...     ((2019, 29.5), (2024, 31.2)), True)
    >>> alt_text(ind, "Hannover")
    'Liniendiagramm „Anteil“ für Hannover in %: 2019: 29,5 % → 2024: 31,2 %; Ziel 2026: \
33,0 % (angenommen); Beispieldaten.'
    """
    known = [(p, v) for p, v in ind.values if v is not None]
    start = (
        (ind.baseline_period, ind.baseline_value)
        if ind.baseline_value is not None
        else (known[0] if known else None)
    )
    end = (
        (ind.latest_period, ind.latest_value)
        if ind.latest_value is not None
        else (known[-1] if known else None)
    )
    text = f"Liniendiagramm „{ind.title}“ für {town} in {ind.unit}: "
    if start is None or end is None:
        text += "keine Werte"
    elif start == end:
        text += f"{start[0]}: {value_text(start[1], ind.unit)}"
    else:
        text += (
            f"{start[0]}: {value_text(start[1], ind.unit)} → "
            f"{end[0]}: {value_text(end[1], ind.unit)}"
        )
    if ind.target_value is not None:
        text += f"; Ziel {ind.target_year}: {value_text(ind.target_value, ind.unit)}"
        if ind.target_kind == "assumed":
            text += " (angenommen)"
    if ind.values_sample or ind.uses_sample:
        text += f"; {ui.SAMPLE}"
    return text + "."


def target_text(ind: Indicator) -> str:
    if ind.target_value is None:
        return "kein Zielwert"
    text = f"{value_text(ind.target_value, ind.unit)} bis {ind.target_year}"
    kind = ui.TARGET_KINDS.get(ind.target_kind or "", "")
    return f"{text} ({kind})" if kind else text


def figures_text(ind: Indicator) -> str:
    base = (
        f"Basis {ind.baseline_period}: {value_text(ind.baseline_value, ind.unit)}"
        if ind.baseline_period is not None
        else "Basis: –"
    )
    latest = (
        f"aktuell {ind.latest_period}: {value_text(ind.latest_value, ind.unit)}"
        if ind.latest_period is not None
        else "aktuell: –"
    )
    return f"{base} · {latest} · Ziel: {target_text(ind)}"


def measure_state(m: Measure, round_id: str) -> str:
    if not m.state:
        return UNREPORTED
    if m.state_round and m.state_round != round_id:
        return f"{m.state} (Stand Runde {m.state_round})"
    return m.state


def measure_note(m: Measure) -> str:
    parts = []
    if m.progress is not None:
        parts.append(f"Fortschritt {ui.number(m.progress, 0)} %")
    if m.comment:
        parts.append(m.comment)
    if m.reported_by:
        parts.append(f"gemeldet von {m.reported_by}")
    return "; ".join(parts)


def due_text(year: int | None, kind: str = "adopted") -> str:
    if year is None:
        return "–"
    return f"{year} (angenommen)" if kind == "assumed" else str(year)


def round_facts(report: Report) -> list[tuple[str, str]]:
    """The title page's facts: what was frozen when, by which version."""
    info = report.info
    facts = [
        ("Kommune", report.municipality),
        ("Strategie", report.strategy),
        ("Für", report.committee or "–"),
        ("Berichtsrunde", f"{info.round} – {info.title}"),
        ("Stichtag", ui.date(info.date)),
        ("Abgeschlossen am", ui.local_time(info.closed_at)),
        (
            "Warehouse-Version",
            f"{info.warehouse_file or '–'} (gebaut {ui.local_time(info.warehouse_built_at)})",
        ),
        ("Katalog (SHA-256)", info.catalogue_sha256 or "–"),
        ("Programmversion", info.code_version or "–"),
        ("Vorige Runde", report.previous or "keine (erste abgeschlossene Runde)"),
    ]
    if info.data_until is not None:
        facts.append(("Daten bis", str(info.data_until)))
    if info.note:
        facts.append(("Notiz", info.note))
    return facts


def sample_notice(report: Report) -> str | None:
    """What the reader must know about invented content, or None."""
    parts = []
    if report.info.is_sample:
        parts.append(
            f"Die Runde {report.info.round} ist eine {SAMPLE_GOAL}runde: ihre Meldungen sind "
            "erfunden und zeigen den Ablauf."
        )
    goals = report.goals
    assessed = [g for g in goals if g.status in vocabulary.ORDER]
    on_sample = [g for g in assessed if g.uses_sample]
    if on_sample:
        parts.append(
            f"{len(on_sample)} von {len(assessed)} bewerteten Zielen beruhen ganz oder teilweise "
            f"auf {ui.SAMPLE} (erfundene Zahlen, wo es keine amtlichen gibt)."
        )
    invented = [g for g in goals if g.sample]
    if invented:
        parts.append(f"{len(invented)} Ziele sind als „{SAMPLE_GOAL}“ markiert (erfunden).")
    return " ".join(parts) or None


STATUS_LEGEND = [
    ("gut", "Ziel erreicht, auf Kurs, deutlicher Fortschritt"),
    ("langsam", "mäßiger oder unzureichender Fortschritt"),
    ("falsch", "leichte oder deutliche Verschlechterung, Entwicklung in falsche Richtung"),
    ("offen", "nicht bewertbar, Kontextindikator, kein Indikator hinterlegt"),
]
IMPLEMENTATION_LEGEND = [
    ("gut", "Umsetzung im Plan oder abgeschlossen"),
    ("langsam", "Umsetzung teilweise im Plan"),
    ("falsch", "Umsetzung nicht im Plan"),
    ("offen", "keine Meldung, keine Maßnahme erfasst oder alle gestrichen"),
]


def change_rows(report: Report) -> list[dict[str, str]]:
    out = []
    for r in report.changes.iter_rows(named=True):
        before, after = r["before"], r["after"]
        if r["kind"] in ("Status",):
            before, after = status_label(before), status_label(after)
        elif r["kind"] == "Umsetzungsstand":
            before, after = implementation_label(before), implementation_label(after)
        elif r["kind"] == "neu" and r["object"] != "Maßnahme":
            after = status_label(after)
        if r["kind"] == "neu":
            kind = f"{r['object']} neu"
        elif r["kind"] == "Status":
            kind = f"Status ({r['object']})"
        else:
            kind = r["kind"]
        out.append(
            {
                "Art": kind,
                "Gegenstand": r["object"],
                "Titel": r["title"],
                "vorher": before or "–",
                "nachher": after or "–",
            }
        )
    return out


# --- the method text: a little Markdown, parsed once for all three formats ----------------------

# The method document ends with a summary in English for developers; the committee gets German.
_ENGLISH = re.compile(r"^#+\s+In English", re.IGNORECASE)


def method_blocks(markdown: str) -> list[tuple[str, Any]]:
    """docs/progress.md as blocks: ("h", (level, text)), ("p", text), ("ul", [items]),
    ("table", [rows]). Only what that document uses; anything else stays a paragraph.

    >>> text = "# T\\n\\nEin *Satz*\\nweiter.\\n\\n* a\\n* b\\n\\n|x|y|\\n|---|---|"
    >>> for block in method_blocks(text):
    ...     print(block)
    ('h', (1, 'T'))
    ('p', 'Ein *Satz* weiter.')
    ('ul', ['a', 'b'])
    ('table', [['x', 'y']])
    """
    blocks: list[tuple[str, Any]] = []
    para: list[str] = []
    items: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()
        if items:
            blocks.append(("ul", list(items)))
            items.clear()
        if table:
            blocks.append(("table", [list(r) for r in table]))
            table.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        if _ENGLISH.match(line):
            break
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            flush()
            blocks.append(("h", (len(heading.group(1)), heading.group(2).strip())))
        elif line.startswith("|"):
            if para or items:
                flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                table.append(cells)
        elif re.match(r"^\s*(\*|-|\d+\.)\s+", line):
            if para or table:
                flush()
            items.append(re.sub(r"^\s*(\*|-|\d+\.)\s+", "", line))
        elif not line.strip():
            flush()
        elif items and raw.startswith(" "):
            items[-1] += " " + line.strip()
        else:
            if items or table:
                flush()
            para.append(line.strip())
    flush()
    return blocks


def plain_inline(text: str) -> str:
    """Markdown emphasis and code marks removed, for PDF and XLSX.

    >>> plain_inline("**auf Kurs** und *Beispiel:* `etl/progress.py` ✅")
    'auf Kurs und Beispiel: etl/progress.py ✓'
    """
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    text = text.replace("`", "").replace("✅", "✓")
    return re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)


def html_inline(text: str) -> str:
    """Markdown emphasis as HTML, everything else escaped (no links, no raw HTML)."""
    from markupsafe import escape

    out = str(escape(text))
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", out)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", out)


# --- charts: matplotlib, no browser -------------------------------------------------------------


def chart_png(ind: Indicator, town: str, *, dpi: int = 150) -> bytes:
    """One indicator's chart as PNG: the municipality's series, baseline, target and the
    straight path to it, as the dashboard draws them (dashboard/charts.py): an assumed target
    grey with an open marker and "angenommen", sample data named in the subtitle."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    fig = Figure(figsize=(6.4, 2.7), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    blue, green, red = charts.OKABE_ITO[0], charts.OKABE_ITO[2], charts.OKABE_ITO[5]
    xs = [p for p, _ in ind.values]
    ys = [math.nan if v is None else v for _, v in ind.values]
    ax.plot(xs, ys, color=blue, linewidth=2, marker="o", markersize=4, label=town)
    if ind.baseline_period is not None and ind.baseline_value is not None:
        ax.plot(
            [ind.baseline_period],
            [ind.baseline_value],
            linestyle="none",
            marker="s",
            markersize=7,
            color="#000000",
            label=f"Basis {ind.baseline_period}",
        )
    assumed = ind.target_kind == "assumed"
    if ind.target_value is not None and ind.target_year is not None:
        colour = charts.ASSUMED_GREY if assumed else red
        suffix = " (angenommen)" if assumed else ""
        ax.plot(
            [ind.target_year],
            [ind.target_value],
            linestyle="none",
            marker="D",
            markersize=8,
            markerfacecolor="white" if assumed else colour,
            markeredgecolor=colour,
            markeredgewidth=1.5,
            label=f"Ziel {ind.target_year}{suffix}",
        )
        if ind.baseline_period is not None and ind.baseline_value is not None:
            ax.plot(
                [ind.baseline_period, ind.target_year],
                [ind.baseline_value, ind.target_value],
                color=colour,
                linestyle="-." if assumed else "--",
                linewidth=1.2,
                label=f"Weg zum Ziel{suffix}",
            )
    frame = pl.DataFrame(
        {"period": xs, "value": [None if v is None else v for _, v in ind.values]},
        schema={"period": pl.Int64, "value": pl.Float64},
    )
    trend = charts.linear_trend(frame, since=ind.baseline_period, until=ind.target_year)
    if trend is not None:
        ax.plot(
            trend[0], trend[1], color=green, linestyle=":", linewidth=1.2, label="Trend (linear)"
        )
    # The years drawn and no more: with one value matplotlib would span a century around it.
    years = [*xs, *(y for y in (ind.baseline_period, ind.target_year) if y is not None)]
    if years:
        ax.set_xlim(min(years) - 0.5, max(years) + 0.5)
    digits = ui.decimals_for(ind.unit)
    # Whole ticks without decimals (9.500, not 9.500,0); others as the unit shows its values.
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _: ui.number(v, 0 if float(v).is_integer() else max(digits, 1)))
    )
    if years and max(years) - min(years) < 8:
        ax.set_xticks(range(min(years), max(years) + 1))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v)}"))
    if ind.unit == "%":
        ax.set_ylim(bottom=0)
    ax.set_ylabel(ind.unit, fontsize=8)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    title = _wrap(ind.title, 80)
    subtitle = f"Einheit: {ind.unit}" + (
        f" · {charts.SAMPLE_NOTE}" if ind.values_sample or ind.uses_sample else ""
    )
    ax.set_title(f"{title}\n{subtitle}", fontsize=8.5, loc="left")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    # Fixed margins: tight_layout measured every text and took half of the chart's time.
    fig.subplots_adjust(left=0.11, right=0.66, top=0.80, bottom=0.11)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi)
    return out.getvalue()


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


# --- PDF ----------------------------------------------------------------------------------------


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def render_pdf(report: Report, out: Path) -> Path:
    """The report as a PDF: title page, table of contents, overview, changes, synopsis, one
    chapter per Handlungsfeld with each goal's indicators (charts with alt text) and measures,
    the method and the sources. Bookmarks for every heading, "Seite x von y" in the footer."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos
    from fpdf.fonts import FontFace, TextStyle

    fonts = _font_dir()
    running = f"{report.municipality} · Berichtsrunde {report.info.round}"

    class Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-13)
            self.set_font("DejaVu", size=8)
            self.set_text_color(85, 85, 85)
            self.cell(0, 5, running, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 5, f"Seite {self.page_no()} von {{nb}}", align="R")

    pdf = Pdf(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", "", fonts / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", fonts / "DejaVuSans-Bold.ttf")
    pdf.add_font("DejaVu", "I", fonts / "DejaVuSans-Oblique.ttf")
    pdf.set_lang("de-DE")
    pdf.set_title(report.title)
    pdf.set_subject(f"{report.strategy} – {report.municipality}")
    pdf.set_author(report.municipality)
    pdf.set_creator("WIR-Monitor (dashboard/report.py)")
    pdf.set_creation_date(dt.datetime.now(dt.UTC))
    pdf.set_section_title_styles(
        TextStyle("DejaVu", "B", 16, t_margin=2, b_margin=4, color=(0, 0, 0)),
        TextStyle("DejaVu", "B", 12.5, t_margin=5, b_margin=2, color=(0, 0, 0)),
        TextStyle("DejaVu", "B", 10.5, t_margin=4, b_margin=1.5, color=(40, 40, 40)),
    )

    def text(body: str, size: float = 9.5, style: str = "", h: float = 5.0) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(0, h, body, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    def section(name: str, level: int = 0, room: float = 50) -> None:
        """A heading in the outline; never alone at the foot of a page."""
        if pdf.get_y() > pdf.h - 20 - room:
            pdf.add_page()
        pdf.start_section(name, level=level)

    def badge(label: str, level: str, prefix: str = "") -> None:
        """A status line: symbol and word on a light fill, the prefix names the kind."""
        pdf.set_font("DejaVu", "B", 9.5)
        if prefix:
            pdf.set_text_color(0, 0, 0)
            pdf.cell(pdf.get_string_width(prefix) + 2, 6, prefix)
        pdf.set_fill_color(*_rgb(FILL_COLOUR[level]))
        pdf.set_text_color(*_rgb(TEXT_COLOUR[level]))
        pdf.cell(pdf.get_string_width(label) + 4, 6, label, fill=True)
        pdf.set_text_color(0, 0, 0)

    def mark(label: str) -> None:
        pdf.set_font("DejaVu", "B", 8.5)
        pdf.set_fill_color(236, 226, 245)
        pdf.set_text_color(90, 40, 130)
        pdf.cell(2, 6, "")
        pdf.cell(pdf.get_string_width(label) + 4, 6, label, fill=True)
        pdf.set_text_color(0, 0, 0)

    def end_line() -> None:
        pdf.ln(7)

    def table(
        rows: Sequence[list[str] | str],
        widths: Sequence[float],
        levels: dict[tuple[int, int], str] | None = None,
        size: float = 8.5,
    ) -> None:
        pdf.set_font("DejaVu", "", size)
        pdf.set_text_color(0, 0, 0)
        # A table takes the current fill colour as its cells' default: white, not a badge's.
        pdf.set_fill_color(255, 255, 255)
        head = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
        with pdf.table(
            col_widths=widths,
            width=pdf.epw,
            text_align="LEFT",
            headings_style=head,
            line_height=size * 0.5,
            padding=1,
        ) as t:
            for i, row in enumerate(rows):
                r = t.row()
                if isinstance(row, str):  # a group's heading across the whole table
                    r.cell(
                        row,
                        colspan=len(widths),
                        style=FontFace(emphasis="BOLD", fill_color=(245, 245, 245)),
                    )
                    continue
                for j, cell in enumerate(row):
                    level = (levels or {}).get((i, j))
                    if level:
                        r.cell(
                            cell,
                            style=FontFace(
                                color=_rgb(TEXT_COLOUR[level]),
                                fill_color=_rgb(FILL_COLOUR[level]),
                            ),
                        )
                    else:
                        r.cell(cell)
        pdf.ln(3)

    # Title page
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 22)
    pdf.ln(25)
    pdf.multi_cell(0, 10, report.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 14)
    pdf.multi_cell(0, 7, report.info.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    text(f"{report.municipality} – {report.strategy}", size=12, h=6)
    if report.committee:
        text(f"für den {report.committee}", size=11, h=6)
    pdf.ln(8)
    pdf.set_font("DejaVu", "", 9)
    pdf.set_fill_color(255, 255, 255)
    with pdf.table(
        col_widths=(45, 125), width=pdf.epw, text_align="LEFT", first_row_as_headings=False
    ) as t:
        for key, value in round_facts(report):
            row = t.row()
            row.cell(key, style=FontFace(emphasis="BOLD"))
            row.cell(value)
    notice = sample_notice(report)
    if notice:
        pdf.ln(6)
        pdf.set_fill_color(236, 226, 245)
        pdf.set_font("DejaVu", "B", 10)
        pdf.set_text_color(90, 40, 130)
        pdf.multi_cell(0, 5.5, f"{ui.SAMPLE}: {notice}", fill=True, padding=2, align="L")
        pdf.set_text_color(0, 0, 0)

    # Table of contents: one line per chapter and goal, so its pages are known beforehand.
    entries = _toc_entries(report)
    pdf.add_page()
    pdf.start_section("Inhalt")
    pdf.insert_toc_placeholder(_toc_renderer(), pages=_toc_pages(len(entries)))

    # Overview
    pdf.start_section("1 Überblick")
    text(
        "Jedes Ziel hat zwei Angaben: den Status der Wirkung (kommt das Ziel näher? aus den "
        "Indikatoren, Methode im Anhang A) und den Umsetzungsstand (laufen die Maßnahmen nach "
        "Plan? aus den Meldungen der Federführenden). Beide stehen immer mit Symbol und Wort."
    )
    pdf.ln(2)
    legend = [["Wirkung", "bedeutet", "Umsetzung", "bedeutet"]]
    levels: dict[tuple[int, int], str] = {}
    for i, ((level, words), (ilevel, iwords)) in enumerate(
        zip(STATUS_LEGEND, IMPLEMENTATION_LEGEND, strict=True), start=1
    ):
        legend.append(
            [
                f"{ui.SYMBOL[level]} {ui.LEVELS[level][2]}",
                words,
                f"{IMPLEMENTATION_SYMBOL[ilevel]} {IMPLEMENTATION_WORDS[ilevel]}",
                iwords,
            ]
        )
        levels[(i, 0)] = level
        levels[(i, 2)] = ilevel
    table(legend, (30, 58, 27, 55), levels)
    for f in report.fields:
        pdf.set_font("DejaVu", "B", 10.5)
        pdf.multi_cell(0, 6, f"Handlungsfeld {f.name}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        badge(status_label(f.status), f.level, "Status: ")
        if f.uses_sample:
            mark(ui.SAMPLE)
        end_line()
        rows = [["Ziel", "Status der Wirkung", "Umsetzungsstand"]]
        levels = {}
        for i, g in enumerate(f.goals, start=1):
            rows.append(
                [
                    g.title + (f" [{SAMPLE_GOAL}]" if g.sample else ""),
                    status_label(g.status) + (f" ({ui.SAMPLE})" if g.uses_sample else ""),
                    implementation_label(g.implementation_status)
                    + (f" ({SAMPLE_GOAL})" if g.implementation_is_sample else ""),
                ]
            )
            levels[(i, 1)] = g.level
            levels[(i, 2)] = implementation_level(g.implementation_status)
        table(rows, (88, 42, 40), levels)

    # Changes
    section(_changes_heading(report))
    moved = change_rows(report)
    if report.previous is None:
        text("Dies ist die erste abgeschlossene Runde; es gibt nichts zu vergleichen.")
    elif not moved:
        text(f"Seit der Runde {report.previous} hat sich nichts geändert.")
    else:
        rows = [["Art", "Titel", "vorher", "nachher"]]
        rows += [[r["Art"], r["Titel"], r["vorher"], r["nachher"]] for r in moved]
        table(rows, (30, 74, 33, 33))

    # Synopsis
    section("3 Synopse der Berichtsrunden", room=80)
    text(SYNOPSIS_NOTE)
    pdf.ln(1)
    ids = synopsis_rounds(report.synopsis)
    on_sample = {g.id for g in report.goals if g.uses_sample}
    rows: list[list[str] | str] = [["Ziel", *ids]]
    levels = {}
    field = None
    for r in report.synopsis.iter_rows(named=True):
        if r["field"] != field:
            field = r["field"]
            rows.append(f"Handlungsfeld {field}")
        i = len(rows)
        cells = []
        for j, round_id in enumerate(ids, start=1):
            status = r[round_id]
            cells.append("–" if status is None else f"{symbol(status)} {status}")
            if status is not None:
                levels[(i, j)] = level_of(status)
        rows.append([synopsis_goal(r, on_sample), *cells])
    width = max(20.0, min(40.0, 100 / max(len(ids), 1)))
    table(rows, (pdf.epw - width * len(ids), *([width] * len(ids))), levels, size=7.5)

    # Fields
    for n, f in enumerate(report.fields, start=4):
        pdf.add_page()
        pdf.start_section(f"{n} Handlungsfeld {f.name}")
        if f.description:
            text(f.description, size=9)
            pdf.ln(1)
        badge(status_label(f.status), f.level, "Status des Handlungsfelds: ")
        if f.uses_sample:
            mark(ui.SAMPLE)
        end_line()
        if f.reason:
            text(f.reason, size=8.5)
        for g in f.goals:
            section(f"Ziel: {g.title}", level=1, room=40)
            if g.sample:
                mark(f"{SAMPLE_GOAL} – erfundenes Ziel")
                end_line()
            text(
                f"Federführung: {g.owner or '–'} · fällig: {due_text(g.due, g.due_kind)}", size=8.5
            )
            badge(status_label(g.status), g.level, "Status der Wirkung: ")
            if g.uses_sample:
                mark(ui.SAMPLE)
            if g.data_until is not None:
                mark(f"Daten bis {g.data_until}")
            end_line()
            if g.reason:
                text(g.reason, size=8.5)
            badge(
                implementation_label(g.implementation_status),
                implementation_level(g.implementation_status),
                "Umsetzungsstand: ",
            )
            if g.implementation_is_sample:
                mark(f"{SAMPLE_GOAL}runde")
            end_line()
            if g.implementation_reason and g.implementation_reason != g.implementation_status:
                text(g.implementation_reason, size=8.5)
            for ind in g.indicators:
                section(f"Indikator: {ind.title}", level=2, room=85)
                png = chart_png(ind, report.municipality)
                pdf.image(
                    io.BytesIO(png),
                    w=150,
                    alt_text=alt_text(ind, report.municipality),
                    title=ind.title,
                )
                badge(status_label(ind.status), ind.level, "Status: ")
                if ind.uses_sample or ind.values_sample:
                    mark(ui.SAMPLE)
                if ind.data_until is not None:
                    mark(f"Daten bis {ind.data_until}")
                end_line()
                text(figures_text(ind), size=8.5)
                if ind.reason:
                    text(ind.reason, size=8)
                if ind.target_source:
                    text(f"Zielwert: {ind.target_source}", size=8)
            if g.measures:
                pdf.set_font("DejaVu", "B", 9.5)
                pdf.ln(2)
                pdf.cell(0, 6, "Maßnahmen", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                rows = [["Maßnahme", "Federführung", "fällig", "Stand", "Meldung"]]
                for m in g.measures:
                    rows.append(
                        [
                            m.title + (f" [{SAMPLE_GOAL}]" if m.sample else ""),
                            m.owner,
                            due_text(m.due),
                            measure_state(m, report.info.round),
                            measure_note(m) or "–",
                        ]
                    )
                table(rows, (60, 35, 14, 26, 35), size=7.5)

    # Appendices
    pdf.add_page()
    pdf.start_section("Anhang A Methode: Wie wird der Status berechnet?")
    for kind, body in method_blocks(report.method):
        if kind == "h":
            level, heading = body
            if level == 1:
                continue
            section(plain_inline(heading), level=min(level - 1, 2), room=30)
        elif kind == "p":
            text(plain_inline(body), size=9)
            pdf.ln(1.5)
        elif kind == "ul":
            for item in body:
                pdf.set_x(pdf.l_margin + 3)
                pdf.set_font("DejaVu", "", 9)
                pdf.multi_cell(
                    0, 4.8, f"• {plain_inline(item)}", new_x=XPos.LMARGIN, new_y=YPos.NEXT
                )
            pdf.ln(1.5)
        elif kind == "table":
            cols = max(len(r) for r in body)
            rows = [[plain_inline(c) for c in r] + [""] * (cols - len(r)) for r in body]
            table(rows, [pdf.epw / cols] * cols, size=8)
    pdf.add_page()
    pdf.start_section("Anhang B Quellen und Lizenzen")
    rows = [["Quelle", "Herausgeber, Tabelle", "Lizenz", "abgerufen"]]
    for s in report.sources:
        rows.append(
            [
                s.title + (f" ({ui.SAMPLE})" if s.is_sample else ""),
                ", ".join(x for x in (s.publisher, s.table_code) if x) or "–",
                s.licence or "–",
                ui.date(s.retrieved),
            ]
        )
    table(rows, (62, 45, 43, 20), size=7.5)
    out = Path(out)
    pdf.output(str(out))
    return out


TOC_LINE = 5.6
TOC_FIRST_PAGE_LINES = 42
TOC_PAGE_LINES = 46


def _changes_heading(report: Report) -> str:
    if report.previous is None:
        return "2 Veränderungen"
    return f"2 Veränderungen seit der Runde {report.previous}"


def _toc_entries(report: Report) -> list[tuple[int, str]]:
    """The headings the table of contents lists (levels 0 and 1), in order."""
    entries = [(0, "1 Überblick"), (0, _changes_heading(report)), (0, "3 Synopse")]
    for f in report.fields:
        entries.append((0, f.name))
        entries += [(1, g.title) for g in f.goals]
    entries.append((0, "Anhang A"))
    entries += [
        (1, body[1]) for kind, body in method_blocks(report.method) if kind == "h" and body[0] == 2
    ]
    entries.append((0, "Anhang B"))
    return entries


def _toc_pages(lines: int) -> int:
    if lines <= TOC_FIRST_PAGE_LINES:
        return 1
    return 1 + math.ceil((lines - TOC_FIRST_PAGE_LINES) / TOC_PAGE_LINES)


def _toc_renderer() -> Any:
    """The function fpdf2 calls with (pdf, outline) to fill the reserved contents pages."""

    def render(pdf: Any, outline: list[Any]) -> None:
        shown = 0
        for section in outline:
            if section.level > 1 or section.name == "Inhalt":
                continue
            if shown == TOC_FIRST_PAGE_LINES or (
                shown > TOC_FIRST_PAGE_LINES
                and (shown - TOC_FIRST_PAGE_LINES) % TOC_PAGE_LINES == 0
            ):
                pdf.add_page()
            shown += 1
            indent = 6 * section.level
            pdf.set_font(
                "DejaVu", "B" if section.level == 0 else "", 9.5 if section.level == 0 else 9
            )
            pdf.set_text_color(0, 0, 0)
            label = str(section.page_number)
            room = pdf.epw - indent - pdf.get_string_width(label) - 6
            name = section.name
            while pdf.get_string_width(name) > room and len(name) > 4:
                name = name[:-2].rstrip() + "…"
            link = pdf.add_link(page=section.page_number)
            pdf.set_x(pdf.l_margin + indent)
            pdf.cell(room, TOC_LINE, name, link=link)
            pdf.set_x(pdf.l_margin)
            pdf.cell(0, TOC_LINE, label, align="R", link=link)
            pdf.ln(TOC_LINE)

    return render


# --- XLSX ---------------------------------------------------------------------------------------

SHEETS = (
    "Bericht",
    "Ziele",
    "Indikatoren",
    "Werte",
    "Maßnahmen",
    "Veränderungen",
    "Synopse",
    "Quellen",
    "Methode",
)


def render_xlsx(report: Report, out: Path) -> Path:
    """The report as a workbook: one sheet per part, statuses with symbol, word and fill."""
    import xlsxwriter

    out = Path(out)
    book = xlsxwriter.Workbook(str(out))
    book.set_properties(
        {
            "title": report.title,
            "subject": report.strategy,
            "author": report.municipality,
            "comments": "WIR-Monitor, dashboard/report.py",
        }
    )
    bold = book.add_format({"bold": True})
    head = book.add_format(
        {"bold": True, "bg_color": "#E6E6E6", "text_wrap": True, "valign": "top"}
    )
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    title = book.add_format({"bold": True, "font_size": 14})
    status_format = {
        level: book.add_format(
            {
                "font_color": TEXT_COLOUR[level],
                "bg_color": FILL_COLOUR[level],
                "bold": True,
                "valign": "top",
                "text_wrap": True,
            }
        )
        for level in TEXT_COLOUR
    }

    def sheet(
        name: str,
        header: list[str],
        rows: list[list[object]],
        widths: list[int],
        styles: dict[int, Any] | None = None,
    ) -> None:
        ws = book.add_worksheet(name)
        for j, (label, width) in enumerate(zip(header, widths, strict=True)):
            ws.write(0, j, label, head)
            ws.set_column(j, j, width, wrap)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row):
                style = (styles or {}).get(j)
                fmt = style(row) if callable(style) else wrap
                if value is None:
                    ws.write_blank(i, j, None, fmt)
                else:
                    ws.write(i, j, value, fmt)
        ws.freeze_panes(1, 0)
        if rows:
            ws.autofilter(0, 0, len(rows), len(header) - 1)

    ws = book.add_worksheet("Bericht")
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 100)
    ws.write(0, 0, report.title, title)
    for i, (key, value) in enumerate(round_facts(report), start=2):
        ws.write(i, 0, key, bold)
        ws.write(i, 1, value, wrap)
    notice = sample_notice(report)
    if notice:
        ws.write(len(round_facts(report)) + 3, 0, ui.SAMPLE, bold)
        ws.write(len(round_facts(report)) + 3, 1, notice, wrap)

    goal_rows: list[list[object]] = []
    levels: dict[str, tuple[str, str, str]] = {}
    for f in report.fields:
        for g in f.goals:
            levels[g.id] = (g.level, implementation_level(g.implementation_status), f.level)
            goal_rows.append(
                [
                    f.name,
                    g.id,
                    g.title,
                    SAMPLE_GOAL if g.sample else "",
                    g.owner,
                    g.due,
                    status_label(g.status),
                    g.reason,
                    ui.SAMPLE if g.uses_sample else "",
                    implementation_label(g.implementation_status),
                    g.implementation_reason,
                    status_label(f.status),
                ]
            )
    sheet(
        "Ziele",
        [
            "Handlungsfeld",
            "Ziel-ID",
            "Ziel",
            "Beispiel",
            "Federführung",
            "fällig",
            "Status der Wirkung",
            "Begründung",
            "Beispieldaten",
            "Umsetzungsstand",
            "Umsetzung: Begründung",
            "Status des Handlungsfelds",
        ],
        goal_rows,
        [18, 22, 50, 9, 28, 8, 26, 50, 13, 26, 50, 26],
        {
            6: lambda r: status_format[levels[r[1]][0]],
            9: lambda r: status_format[levels[r[1]][1]],
            11: lambda r: status_format[levels[r[1]][2]],
        },
    )
    ind_rows: list[list[object]] = []
    value_rows: list[list[object]] = []
    for g in report.goals:
        for ind in g.indicators:
            ind_rows.append(
                [
                    g.id,
                    ind.id,
                    ind.title,
                    ind.unit,
                    status_label(ind.status),
                    ind.reason,
                    ind.baseline_period,
                    ind.baseline_value,
                    ind.latest_period,
                    ind.latest_value,
                    ind.target_year,
                    ind.target_value,
                    ui.TARGET_KINDS.get(ind.target_kind or "", ""),
                    ind.target_source,
                    ui.SAMPLE if ind.uses_sample or ind.values_sample else "",
                    alt_text(ind, report.municipality),
                ]
            )
            value_rows += [
                [ind.id, ind.title, p, v, ind.unit, report.municipality] for p, v in ind.values
            ]
    ind_level = {r[1]: level_of(r[4].split(" ", 1)[1]) for r in ind_rows}
    sheet(
        "Indikatoren",
        [
            "Ziel-ID",
            "Indikator-ID",
            "Indikator",
            "Einheit",
            "Status",
            "Begründung",
            "Basisjahr",
            "Basiswert",
            "letztes Jahr",
            "letzter Wert",
            "Zieljahr",
            "Zielwert",
            "Zielwert-Herkunft",
            "Quelle des Zielwerts",
            "Beispieldaten",
            "Beschreibung",
        ],
        ind_rows,
        [22, 24, 44, 10, 26, 50, 9, 10, 9, 10, 9, 10, 18, 40, 13, 60],
        {4: lambda r: status_format[ind_level[r[1]]]},
    )
    sheet(
        "Werte",
        ["Indikator-ID", "Indikator", "Jahr", "Wert", "Einheit", "Region"],
        value_rows,
        [24, 44, 8, 12, 10, 28],
    )
    measure_rows = [
        [
            g.id,
            m.id,
            m.title,
            SAMPLE_GOAL if m.sample else "",
            m.owner,
            m.due,
            measure_state(m, report.info.round),
            m.progress,
            m.comment,
            m.reported_by,
        ]
        for g in report.goals
        for m in g.measures
    ]
    sheet(
        "Maßnahmen",
        [
            "Ziel-ID",
            "Maßnahme-ID",
            "Maßnahme",
            "Beispiel",
            "Federführung",
            "fällig",
            f"Stand (Runde {report.info.round})",
            "Fortschritt",
            "Kommentar",
            "gemeldet von",
        ],
        measure_rows,
        [22, 30, 50, 9, 28, 8, 24, 10, 40, 20],
    )
    sheet(
        "Veränderungen",
        ["Art", "Gegenstand", "Titel", "vorher", "nachher"],
        [list(r.values()) for r in change_rows(report)],
        [20, 12, 50, 30, 30],
    )
    ids = synopsis_rounds(report.synopsis)
    syn_rows = [
        [r["field"], synopsis_goal(r, {g.id for g in report.goals if g.uses_sample})]
        + [None if r[i] is None else f"{symbol(r[i])} {r[i]}" for i in ids]
        for r in report.synopsis.iter_rows(named=True)
    ]
    sheet(
        "Synopse",
        ["Handlungsfeld", "Ziel", *[f"Runde {i}" for i in ids]],
        syn_rows,
        [18, 50, *([24] * len(ids))],
        {
            2 + j: (
                lambda r, j=j: (
                    status_format[level_of(r[2 + j].split(" ", 1)[1])] if r[2 + j] else wrap
                )
            )
            for j in range(len(ids))
        },
    )
    sheet(
        "Quellen",
        ["Quelle", "Herausgeber", "Tabelle", "Lizenz", "abgerufen", "Beispieldaten", "Adresse"],
        [
            [
                s.title,
                s.publisher,
                s.table_code,
                s.licence,
                ui.date(s.retrieved),
                ui.SAMPLE if s.is_sample else "",
                s.url,
            ]
            for s in report.sources
        ],
        [44, 30, 16, 40, 11, 13, 40],
    )
    ws = book.add_worksheet("Methode")
    ws.set_column(0, 0, 120, wrap)
    for row, (kind, body) in enumerate(method_blocks(report.method)):
        if kind == "h":
            ws.write(row, 0, plain_inline(body[1]), bold)
        elif kind == "p":
            ws.write(row, 0, plain_inline(body))
        elif kind == "ul":
            ws.write(row, 0, "\n".join(f"• {plain_inline(i)}" for i in body))
        elif kind == "table":
            ws.write(row, 0, "\n".join(" | ".join(plain_inline(c) for c in r) for r in body))
    book.close()
    return out


# --- HTML ---------------------------------------------------------------------------------------

# The page itself is a jinja2 template with autoescape: every catalogue text arrives escaped.
TEMPLATES = Path(__file__).resolve().parent / "report_templates"


def _method_html(markdown: str) -> str:
    """The method blocks as HTML under the appendix's h2: the document's own "#" title becomes
    an h3 and every level below follows, so no heading level is skipped."""
    from markupsafe import escape

    parts: list[str] = []
    shift = 2
    last = 2
    for kind, body in method_blocks(markdown):
        if kind == "h":
            level = min(body[0] + shift, last + 1, 6)
            last = level
            parts.append(f"<h{level}>{html_inline(body[1])}</h{level}>")
        elif kind == "p":
            parts.append(f"<p>{html_inline(body)}</p>")
        elif kind == "ul":
            parts.append("<ul>" + "".join(f"<li>{html_inline(i)}</li>" for i in body) + "</ul>")
        elif kind == "table":
            head, *rest = body
            rows = [
                "<tr>" + "".join(f'<th scope="col">{html_inline(c)}</th>' for c in head) + "</tr>"
            ]
            rows += [
                "<tr>" + "".join(f"<td>{html_inline(c)}</td>" for c in r) + "</tr>" for r in rest
            ]
            parts.append("<table>" + "".join(rows) + "</table>")
    del escape
    return "\n".join(parts)


def render_html(report: Report, out: Path) -> Path:
    """The report as one self-contained HTML file (charts as PNG data URIs, each with alt)."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    template = env.get_template("report.html.j2")
    html = template.render(
        r=report,
        facts=round_facts(report),
        notice=sample_notice(report),
        sample=ui.SAMPLE,
        sample_goal=SAMPLE_GOAL,
        colours={level: (TEXT_COLOUR[level], FILL_COLOUR[level]) for level in TEXT_COLOUR},
        legend=list(zip(STATUS_LEGEND, IMPLEMENTATION_LEGEND, strict=True)),
        symbols=ui.SYMBOL,
        isymbols=IMPLEMENTATION_SYMBOL,
        iwords_short=IMPLEMENTATION_WORDS,
        level_words={level: v[2] for level, v in ui.LEVELS.items()},
        changes_heading=_changes_heading(report)[2:],
        changes=change_rows(report),
        rounds=synopsis_rounds(report.synopsis),
        synopsis=list(report.synopsis.iter_rows(named=True)),
        synopsis_note=SYNOPSIS_NOTE,
        on_sample={g.id for g in report.goals if g.uses_sample},
        # Built from escaped parts by _method_html.
        method=Markup(_method_html(report.method)),
        status_label=status_label,
        implementation_label=implementation_label,
        implementation_level=implementation_level,
        level_of=level_of,
        due_text=due_text,
        measure_state=measure_state,
        measure_note=measure_note,
        figures_text=figures_text,
        alt_text=alt_text,
        date=ui.date,
        chart=lambda ind: base64.b64encode(chart_png(ind, report.municipality, dpi=100)).decode(),
    )
    out = Path(out)
    out.write_text(html, encoding="utf-8")
    return out


# --- one entry point for the CLI ----------------------------------------------------------------

_RENDERERS = {"pdf": render_pdf, "xlsx": render_xlsx, "html": render_html}


def write(con: duckdb.DuckDBPyConnection, round_id: str, fmt: str, out: Path) -> Path:
    """Load closed round `round_id` and write its report as `fmt` (pdf, xlsx, html) to `out`."""
    if fmt not in _RENDERERS:
        raise ReportError(str(out), f'unknown format "{fmt}"; choose one of {", ".join(FORMATS)}')
    report = load_round(con, round_id)
    return _RENDERERS[fmt](report, Path(out))
