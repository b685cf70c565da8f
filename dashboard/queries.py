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
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
# Tests and a second municipality point the dashboard at another warehouse with this variable.
DB_ENV = "WIR_MONITOR_DB"


class NoWarehouse(Exception):
    """There is no usable warehouse yet; the message tells the user what to run."""


def warehouse_link() -> Path:
    configured = os.environ.get(DB_ENV)
    return Path(configured) if configured else ROOT / "data" / "warehouse.duckdb"


def current() -> str:
    """The real file behind the warehouse link, checked to hold a complete build."""
    link = warehouse_link()
    if not link.exists():
        raise NoWarehouse(
            f"Es gibt noch kein Data Warehouse ({link.name}). Bitte einmal `make run` "
            "oder `python -m etl run` ausführen; danach genügt ein Neuladen der Seite."
        )
    real = str(link.resolve())
    try:
        _run(real, "SELECT count(*) FROM build_info")
    except duckdb.Error:
        raise NoWarehouse(
            "Das Data Warehouse ist leer oder unvollständig. Bitte `python -m etl run` "
            "ausführen; die Fehlermeldung dort nennt Datei, Zeile und Feld."
        ) from None
    return real


def _close(connection: duckdb.DuckDBPyConnection) -> None:
    connection.close()


@st.cache_resource(max_entries=1, on_release=_close, show_spinner=False)
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
        db, "SELECT built_at, code_version, catalogue_sha256, warnings FROM build_info"
    ).row(0, named=True)


@st.cache_data(show_spinner=False)
def fields(db: str) -> pl.DataFrame:
    return _run(db, "SELECT id, name, description FROM fields ORDER BY position")


@st.cache_data(show_spinner=False)
def goals(db: str, field_id: str | None = None) -> pl.DataFrame:
    return _run(
        db,
        """
        SELECT g.id, g.field_id, f.name AS field_name, g.title, g.owner, g.due
        FROM goals g JOIN fields f ON f.id = g.field_id
        WHERE ? IS NULL OR g.field_id = ?
        ORDER BY f.position, g.position
        """,
        [field_id, field_id],
    )
