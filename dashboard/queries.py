"""The dashboard's one door to the data: every SQL statement, bound parameters, caching.

The warehouse link (data/warehouse.duckdb → warehouse-<timestamp>.duckdb) is resolved to its
real file on every page view. The connection is cached per real file, opened read-only, and
closed when a newer build replaces it; every query runs on its own cursor, because one
connection shared across Streamlit's threads gives "connection is busy" errors and, worse,
silently wrong results. Query results are cached by the real file and the arguments, so a new
build is picked up on the next page view without a restart.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

import vocabulary
from dashboard import report

ROOT = Path(__file__).resolve().parent.parent
# Tests and a second municipality point the dashboard at another warehouse with this variable.
DB_ENV = "WIR_MONITOR_DB"
# A measure no round has a report for yet.
NO_REPORT = vocabulary.UMSETZUNG_KEINE_MELDUNG


class NoWarehouse(Exception):
    """There is no usable warehouse yet; the message tells the user what to run."""


def warehouse_link() -> Path:
    configured = os.environ.get(DB_ENV)
    return Path(configured) if configured else ROOT / "data" / "warehouse.duckdb"


def current() -> str:
    """The real file behind the warehouse link, checked to hold a complete build.

    A build may publish a new version (and prune an old one) between resolving the link and
    opening the file; then the link is resolved once more and the new version opened.
    """
    link = warehouse_link()
    for attempt in range(2):
        if not link.exists():
            raise NoWarehouse(
                f"Es gibt noch kein Data Warehouse ({link.name}). Bitte einmal `make run` "
                "oder `python -m etl run` ausführen; danach genügt ein Neuladen der Seite."
            )
        real = str(link.resolve())
        try:
            _run(real, "SELECT count(*) FROM build_info")
        except duckdb.Error:
            if attempt == 0 and str(link.resolve()) != real:
                continue  # a newer build was published meanwhile: open that one
            raise NoWarehouse(
                "Das Data Warehouse ist leer oder unvollständig. Bitte `python -m etl run` "
                "ausführen; die Fehlermeldung dort nennt Datei, Zeile und Feld."
            ) from None
        return real
    raise AssertionError("unreachable")  # the loop returns or raises


# The connection of an older version is dropped from the cache when a newer build is opened, but
# never closed here: a session may still run a query on it. Python closes it once the last cursor
# and session let go of it; on Linux a pruned file stays readable while it is open.
@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(real: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(real, read_only=True)


def _run(real: str, sql: str, params: list | None = None) -> pl.DataFrame:
    cursor = _connection(real).cursor()
    try:
        return cursor.sql(sql, params=params or []).pl()
    finally:
        cursor.close()


@st.cache_data(show_spinner=False)
def municipality(db: str) -> dict:
    return _run(db, "SELECT id, name, region_code, strategy FROM municipality").row(0, named=True)


@st.cache_data(show_spinner=False)
def build_info(db: str) -> dict:
    return _run(
        db,
        "SELECT built_at, code_version, catalogue_sha256, warnings, previous_built_at "
        "FROM build_info",
    ).row(0, named=True)


@st.cache_data(show_spinner=False)
def data_dates(db: str, region: str) -> dict:
    """The newest data year shown, how many indicators end years before it, the newest source
    date, and whether any source is sample data."""
    return _run(
        db,
        """
        SELECT (SELECT max(latest_period) FROM indicator_progress) AS newest_period,
               (SELECT count(*) FROM indicator_progress
                WHERE region_code = ? AND data_until IS NOT NULL) AS stale_indicators,
               (SELECT min(data_until) FROM indicator_progress
                WHERE region_code = ?) AS oldest_data_until,
               (SELECT max(retrieved) FROM sources) AS newest_retrieved,
               (SELECT bool_or(is_sample) FROM sources) AS any_sample
        """,
        [region, region],
    ).row(0, named=True)


@st.cache_data(show_spinner=False)
def field_progress(db: str, region: str) -> pl.DataFrame:
    return _run(
        db,
        """
        SELECT f.id, f.name, f.description, p.*
        FROM fields f JOIN field_progress p ON p.field_id = f.id AND p.region_code = ?
        ORDER BY f.position
        """,
        [region],
    )


@st.cache_data(show_spinner=False)
def goal_progress(db: str, region: str) -> pl.DataFrame:
    """Every goal with its status in `region`. An invented goal (`sample`) is sample data as a
    whole, whatever its indicators rest on: `on_sample` and `all_sample` count it so, beside
    `uses_sample` and `only_sample`, which speak of the indicators' data only."""
    return _run(
        db,
        """
        SELECT g.id, g.field_id, g.title, g.owner, g.due, g.due_kind, g.due_source,
               g.description, g.sample, p.*,
               g.sample OR p.uses_sample AS on_sample, g.sample OR p.only_sample AS all_sample
        FROM goals g JOIN goal_progress p ON p.goal_id = g.id AND p.region_code = ?
        JOIN fields f ON f.id = g.field_id
        ORDER BY f.position, g.position
        """,
        [region],
    )


@st.cache_data(show_spinner=False)
def indicators(db: str, region: str) -> pl.DataFrame:
    """Every indicator with its goal, field and status in `region`."""
    return _run(
        db,
        """
        SELECT i.*, g.field_id, g.title AS goal_title, f.name AS field_name,
               p.status, p.level, p.reason, p.latest_period, p.latest_value,
               p.baseline_period, p.baseline_value, p.uses_sample AS status_on_sample,
               p.data_until
        FROM indicators i
        JOIN goals g ON g.id = i.goal_id
        JOIN fields f ON f.id = g.field_id
        LEFT JOIN indicator_progress p ON p.indicator_id = i.id AND p.region_code = ?
        ORDER BY f.position, g.position, i.position
        """,
        [region],
    )


@st.cache_data(show_spinner=False)
def indicator_values(db: str, indicator_id: str) -> pl.DataFrame:
    return _run(
        db,
        """
        SELECT v.period, v.region_code, r.name AS region_name, v.sex, v.value,
               v.numerator, v.denominator, v.flag, v.is_sample
        FROM indicator_values v LEFT JOIN regions r ON r.code = v.region_code
        WHERE v.indicator_id = ?
        ORDER BY r.position, v.sex, v.period
        """,
        [indicator_id],
    )


@st.cache_data(show_spinner=False)
def indicator_progress(db: str, indicator_id: str) -> pl.DataFrame:
    return _run(
        db,
        """
        SELECT p.*, r.name AS region_name FROM indicator_progress p
        LEFT JOIN regions r ON r.code = p.region_code
        WHERE p.indicator_id = ? ORDER BY r.position
        """,
        [indicator_id],
    )


@st.cache_data(show_spinner=False)
def measures(db: str) -> pl.DataFrame:
    """Every measure with its state as the newest round reports it (NULL: no report yet)."""
    return _run(
        db,
        """
        SELECT m.id, m.title, m.owner, m.state, m.state_round, m.due, m.source_note,
               m.resources, m.sample OR g.sample AS sample,
               coalesce(rr.is_sample, false) AS round_sample,
               m.goal_id, g.title AS goal_title, f.id AS field_id, f.name AS field_name
        FROM measures m JOIN goals g ON g.id = m.goal_id JOIN fields f ON f.id = g.field_id
        LEFT JOIN reporting_rounds rr ON rr.id = m.state_round
        ORDER BY f.position, g.position, m.position
        """,
    )


@st.cache_data(show_spinner=False)
def measure_reports(db: str) -> list[dict]:
    """What the owners reported for each measure, round by round in the rounds' order."""
    return _run(
        db,
        """
        SELECT r.measure_id, r.round, r.state, r.progress, r.comment, r.is_sample
        FROM measure_reports r JOIN reporting_rounds rr ON rr.id = r.round
        ORDER BY rr.position, r.measure_id
        """,
    ).to_dicts()


@st.cache_data(show_spinner=False)
def reporting_rounds(db: str) -> pl.DataFrame:
    """The declared reporting rounds, oldest first, and whether the owners reported in each."""
    return _run(
        db,
        """
        SELECT rr.id, rr.title, rr.date, rr.source, rr.is_sample, rr.reported,
               (SELECT count(*) FROM measure_reports r WHERE r.round = rr.id) AS reports,
               rr.id IN (SELECT round FROM rounds) AS closed
        FROM reporting_rounds rr ORDER BY rr.position
        """,
    )


@st.cache_data(show_spinner=False)
def sources(db: str, indicator_id: str | None = None) -> pl.DataFrame:
    """Every source, official ones first; only an indicator's where one is named."""
    return _run(
        db,
        """
        SELECT s.id, s.title, s.publisher, s.table_code, s.licence, s.retrieved, s.is_sample,
               s.rows, s.file, s.sha256, s.url, s.note, s.format
        FROM sources s
        WHERE ? IS NULL OR s.id IN (
            SELECT unnest(x.sources) FROM indicator_series x WHERE x.indicator_id = ?
        )
        ORDER BY s.is_sample, s.id
        """,
        [indicator_id, indicator_id],
    )


@st.cache_data(show_spinner=False)
def changes(db: str) -> pl.DataFrame:
    return _run(db, "SELECT kind, id, title, before, after FROM changes ORDER BY kind, title")


@st.cache_data(show_spinner=False)
def document(db: str, name: str) -> str | None:
    frame = _run(db, "SELECT markdown FROM documents WHERE name = ?", [name])
    return frame["markdown"][0] if frame.height else None


@st.cache_data(show_spinner=False)
def indicator_rows(db: str, indicator_id: str) -> list[dict]:
    """The values of an indicator with each series' own figure, as plain rows for the table."""
    return _run(
        db,
        """
        SELECT v.period, r.name AS region, v.sex, v.value, v.flag, v.is_sample, v.inputs
        FROM indicator_values v
        LEFT JOIN regions r ON r.code = v.region_code
        WHERE v.indicator_id = ?
        ORDER BY r.position, v.sex, v.period
        """,
        [indicator_id],
    ).to_dicts()


@st.cache_data(show_spinner=False)
def series_labels(db: str, indicator_id: str) -> dict[str, str]:
    """Each input series' name and the label a reader sees, in catalogue order."""
    rows = _run(
        db,
        "SELECT name, label FROM indicator_series WHERE indicator_id = ? ORDER BY rowid",
        [indicator_id],
    ).rows()
    return dict(rows)


@st.cache_data(show_spinner=False)
def filtered_measures(
    db: str, region: str, fields: list[str], owners: list[str], states: list[str]
) -> pl.DataFrame:
    """Measures filtered by field, owner and state (an empty choice means all; "keine Meldung"
    chooses the measures without a report), each with the outcome status of its goal and
    whether that status rests on sample data."""
    return _run(
        db,
        """
        SELECT m.id, m.title, m.state, m.state_round, m.due, m.owner, f.name AS field_name,
               g.title AS goal_title, p.status AS goal_status, p.uses_sample AS goal_on_sample,
               m.sample OR g.sample AS sample, m.source_note
        FROM measures m JOIN goals g ON g.id = m.goal_id JOIN fields f ON f.id = g.field_id
        LEFT JOIN goal_progress p ON p.goal_id = g.id AND p.region_code = ?
        WHERE (len(?) = 0 OR list_contains(?, f.id))
          AND (len(?) = 0 OR list_contains(?, m.owner))
          AND (len(?) = 0 OR list_contains(?, coalesce(m.state, ?)))
        ORDER BY f.position, g.position, m.position
        """,
        [region, fields, fields, owners, owners, states, states, NO_REPORT],
    )


@st.cache_data(show_spinner=False)
def indicator_overview(db: str, region: str, goal_id: str) -> list[dict]:
    """A goal's indicators as the field page lists them: series, latest value, target, status."""
    return _run(
        db,
        """
        SELECT i.id, i.title,
               (SELECT list(v.value ORDER BY v.period) FROM indicator_values v
                WHERE v.indicator_id = i.id AND v.region_code = ? AND v.sex = ?) AS series,
               (SELECT list(v.period ORDER BY v.period) FROM indicator_values v
                WHERE v.indicator_id = i.id AND v.region_code = ? AND v.sex = ?) AS periods,
               p.latest_value, p.latest_period, p.target_value, p.target_year, p.target_kind,
               i.unit, p.status, p.level, i.uses_sample, p.uses_sample AS status_on_sample,
               p.data_until
        FROM indicators i
        LEFT JOIN indicator_progress p ON p.indicator_id = i.id AND p.region_code = ?
        WHERE i.goal_id = ?
        ORDER BY i.position
        """,
        [region, vocabulary.TOTAL, region, vocabulary.TOTAL, region, goal_id],
    ).to_dicts()


# --- rounds: the declared reporting rounds, the closed ones and what each one froze -------------


@st.cache_data(show_spinner=False)
def closed_rounds(db: str) -> pl.DataFrame:
    """The closed rounds, newest first, each with the committee it reports to as it froze it."""
    return _run(
        db,
        """
        SELECT r.round, r.title, r.date, r.closed_at, r.note, r.warehouse_file,
               r.warehouse_built_at, r.catalogue_sha256, r.code_version, r.is_sample,
               r.data_until, m.committee
        FROM rounds r LEFT JOIN round_municipality m ON m.round = r.round
        ORDER BY r.date DESC, r.round DESC
        """,
    )


@st.cache_data(show_spinner=False)
def smart_failures(db: str) -> pl.DataFrame:
    """Each goal that fails a SMART criterion the catalogue can check: the criteria and why."""
    return _run(
        db,
        """
        SELECT f.name AS field_name, g.title AS goal_title,
               string_agg(s.criterion, ', ' ORDER BY s.rowid) AS criteria,
               string_agg(s.message, '; ' ORDER BY s.rowid) AS messages,
               g.sample
        FROM goal_smart s JOIN goals g ON g.id = s.goal_id JOIN fields f ON f.id = g.field_id
        GROUP BY f.position, f.name, g.position, g.title, g.sample
        ORDER BY f.position, g.position
        """,
    )


@st.cache_data(show_spinner=False)
def round_goals(db: str, round_id: str) -> pl.DataFrame:
    """A closed round's goals as it froze them, for its municipality: field, outcome status and
    Umsetzungsstand."""
    return _run(
        db,
        """
        SELECT f.id AS field_id, f.name AS field_name, g.id, g.title, g.sample,
               p.status, p.level, p.reason, p.uses_sample, p.data_until,
               p.implementation_status, p.implementation_reason, p.implementation_is_sample
        FROM round_goals g
        JOIN round_fields f ON f.round = g.round AND f.id = g.field_id
        JOIN round_municipality t ON t.round = g.round
        JOIN round_goal_progress p
          ON p.round = g.round AND p.goal_id = g.id AND p.region_code = t.region_code
        WHERE g.round = ?
        ORDER BY f.position, g.position
        """,
        [round_id],
    )


@st.cache_data(show_spinner=False)
def round_fields(db: str, round_id: str) -> pl.DataFrame:
    """A closed round's fields with their frozen status, for its municipality."""
    return _run(
        db,
        """
        SELECT f.id, f.name, p.status, p.level, p.reason, p.uses_sample, p.data_until
        FROM round_fields f
        JOIN round_municipality t ON t.round = f.round
        JOIN round_field_progress p
          ON p.round = f.round AND p.field_id = f.id AND p.region_code = t.region_code
        WHERE f.round = ?
        ORDER BY f.position
        """,
        [round_id],
    )


# The changes, the synopsis and the report files come from dashboard/report.py, on this connection,
# so that the page says what the report handed to the committee says.
@st.cache_data(show_spinner=False)
def synopsis(db: str, rounds: list[str]) -> pl.DataFrame:
    """Goals × the closed `rounds` (oldest first): each cell the goal's frozen status word."""
    return report.synopsis(_connection(db), rounds)


@st.cache_data(show_spinner=False)
def round_changes(db: str, round_id: str, previous_id: str) -> pl.DataFrame:
    """What moved from the closed round `previous_id` to `round_id` (kind, object, id, title,
    before, after): statuses, the Umsetzungsstand, new data years, measures' states. Nothing
    where either round is not closed."""
    closed = set(closed_rounds(db)["round"].to_list())
    if round_id not in closed or previous_id not in closed:
        return pl.DataFrame(schema=report.CHANGE_SCHEMA)
    return report.changes(_connection(db), round_id, previous_id)


# A report takes seconds (the PDF draws a chart per indicator): made on the first click, then
# kept per warehouse version, round and format.
@st.cache_data(show_spinner=False, max_entries=12)
def round_report(db: str, round_id: str, fmt: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        out = report.write(_connection(db), round_id, fmt, Path(folder) / f"bericht.{fmt}")
        return out.read_bytes()
