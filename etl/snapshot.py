"""Close a reporting round: freeze what the monitor says now, so that later data revisions never
change what the committee was told.

`close_round` builds the warehouse, then writes `data/rounds/<round>.duckdb`: the catalogue as it
stands, the indicator values and every status (indicator, goal, field, Umsetzungsstand), the
measure reports up to this round, the sources with their sha256, and `round_info` (closed at,
warehouse version, catalogue hash, note). A closed round is never written again; every build
copies the closed rounds into the warehouse (etl/load.py), where the Berichtsrunde page and
`etl report` read them.

A round may be closed after the fact with `data_until`: the statuses are then judged on the
values up to that year only, and the round says so ("Daten bis 2021").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from etl import load, progress
from etl.catalog import Catalog, Round
from etl.errors import EtlError, Problem, did_you_mean, quoted
from etl.readers._common import display_name


class RoundError(EtlError):
    """A round cannot be closed: not declared, already closed, or nothing to freeze."""


# Tables recomputed for the round; the others are copied from the published warehouse as they are.
_RECOMPUTED = ("indicator_values", "indicator_progress", "goal_progress", "field_progress")


def round_file(data_dir: Path, round_id: str) -> Path:
    return data_dir / load.ROUNDS_DIR / f"{round_id}.duckdb"


def close_round(
    catalog_path: Path,
    data_dir: Path,
    link: Path,
    round_id: str,
    note: str = "",
    data_until: int | None = None,
) -> load.BuildResult:
    """Freeze round `round_id` and rebuild, so that the warehouse shows it; returns the build."""
    built = load.build(catalog_path, data_dir, link)
    inputs = built.inputs
    round_ = _declared(inputs.catalog, round_id)
    target = round_file(data_dir, round_id)
    if target.exists():
        raise RoundError(
            [
                Problem(
                    display_name(target),
                    f"round {round_id} is closed already; a closed round never changes "
                    "(delete the file deliberately to close it again)",
                )
            ]
        )
    order = [r.id for r in inputs.catalog.rounds]
    upto = order[: order.index(round_id) + 1]
    reports = inputs.reports.filter(pl.col("round").is_in(upto))
    if reports.filter(pl.col("round") == round_id).is_empty():
        raise RoundError(
            [
                Problem(
                    f"massnahmen/{round_id}",
                    f"round {round_id} has no measure reports: write the owners' reports to "
                    f"data/massnahmen/{round_id}.csv or .xlsx first "
                    f"(python -m etl template --round {round_id} --out FILE.xlsx)",
                )
            ]
        )
    values = load.marked_values(inputs)
    if data_until is not None:
        values = values.filter(pl.col("period") <= data_until)
    tables = progress.progress_tables(inputs.catalog, values, load.sample_titles(inputs), reports)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _write(partial, built.file, round_, note, data_until, values, tables, reports)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
        partial.with_name(partial.name + ".wal").unlink(missing_ok=True)
    return load.build(catalog_path, data_dir, link)


def _declared(catalog: Catalog, round_id: str) -> Round:
    for round_ in catalog.rounds:
        if round_.id == round_id:
            return round_
    known = [r.id for r in catalog.rounds]
    raise RoundError(
        [
            Problem(
                catalog.path,
                f"no [[round]] with id {quoted(round_id)}{did_you_mean(round_id, known)} "
                f"(declared: {', '.join(known) or 'none'})",
                field="round",
            )
        ]
    )


def _write(
    path: Path,
    warehouse: Path,
    round_: Round,
    note: str,
    data_until: int | None,
    values: pl.DataFrame,
    tables: tuple[pl.DataFrame, ...],
    reports: pl.DataFrame,
) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("ATTACH ? AS wh (READ_ONLY)", [str(warehouse)])
        for table in load.SNAPSHOT_TABLES:
            if table in _RECOMPUTED or table == "measure_reports":
                continue
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM wh.{table}")  # fixed names
        frames = dict(zip(_RECOMPUTED, (values, *tables), strict=True))
        for table, frame in frames.items():
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM wh.{table} LIMIT 0")
            _insert(con, table, frame)
        con.execute("CREATE TABLE measure_reports AS SELECT * FROM wh.measure_reports LIMIT 0")
        _insert(con, "measure_reports", reports)
        # A measure's state in this round: the newest report up to it.
        con.execute("UPDATE measures SET state = NULL, state_round = NULL")
        latest = reports.group_by("measure_id", maintain_order=True).last()
        con.executemany(
            "UPDATE measures SET state = ?, state_round = ? WHERE id = ?",
            [(r["state"], r["round"], r["measure_id"]) for r in latest.iter_rows(named=True)],
        )
        built_at, code_version, catalogue = con.execute(
            "SELECT built_at, code_version, catalogue_sha256 FROM wh.build_info"
        ).fetchone()
        con.execute("CREATE TABLE round_info AS SELECT * FROM wh.rounds LIMIT 0")
        con.execute(
            "INSERT INTO round_info VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                round_.id,
                round_.title,
                round_.date,
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
                note,
                warehouse.name,
                built_at,
                catalogue,
                code_version,
                round_.sample,
                data_until,
            ],
        )
        con.execute("DETACH wh")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Insert by column name: the frame may order its columns differently from the table."""
    columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    present = [c for c in columns if c in frame.columns]
    con.register("incoming", frame.select(present).to_arrow())
    names = ", ".join(f'"{c}"' for c in present)
    con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM incoming")
    con.unregister("incoming")
