"""The only module that writes DuckDB: build a new warehouse file whole, then swap it in.

A build writes `warehouse-<timestamp>.duckdb` beside the link, ends with CHECKPOINT and close
(else the data stays in the .wal and the new file looks empty), and only then points the link
`warehouse.duckdb` at it with one atomic rename. Readers never see a half-built file, and a failed
build leaves the last good warehouse untouched. Why a link and not a rename over one path: DuckDB
caches a database per path inside a process, so a running dashboard would keep the old data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import duckdb
import polars as pl

from etl import catalog as catalog_module
from etl import compute, formula, progress, rounds, stage
from etl import sources as sources_module
from etl.catalog import Catalog
from etl.errors import BuildError, EtlError, Problem
from etl.readers._common import display_name
from etl.sources import Manifest
from vocabulary import TOTAL

# How many warehouse versions stay on disk: the current one and the one before it.
KEEP_VERSIONS = 2

SCHEMA = """
CREATE TABLE sources (
    id VARCHAR PRIMARY KEY, file VARCHAR, format VARCHAR, title VARCHAR, publisher VARCHAR,
    table_code VARCHAR, licence VARCHAR, retrieved DATE, is_sample BOOLEAN, sha256 VARCHAR,
    rows BIGINT, url VARCHAR, note VARCHAR
);
CREATE TABLE municipality (
    id VARCHAR, name VARCHAR, region_code VARCHAR, strategy VARCHAR, report_interval INTEGER,
    committee VARCHAR
);
CREATE TABLE regions (code VARCHAR, name VARCHAR, role VARCHAR, position INTEGER);
CREATE TABLE fields (id VARCHAR PRIMARY KEY, name VARCHAR, description VARCHAR, position INTEGER);
CREATE TABLE goals (
    id VARCHAR PRIMARY KEY, field_id VARCHAR, title VARCHAR, owner VARCHAR, due INTEGER,
    description VARCHAR, position INTEGER, due_kind VARCHAR, due_source VARCHAR,
    sample BOOLEAN
);
-- state: as reported in the newest round that has a report for the measure (state_round).
CREATE TABLE measures (
    id VARCHAR PRIMARY KEY, goal_id VARCHAR, title VARCHAR, owner VARCHAR, state VARCHAR,
    due INTEGER, source_note VARCHAR, position INTEGER, resources VARCHAR, sample BOOLEAN,
    state_round VARCHAR
);
-- The declared reporting rounds, and what the owners reported in each (data/massnahmen/).
CREATE TABLE reporting_rounds (
    id VARCHAR PRIMARY KEY, title VARCHAR, date DATE, source VARCHAR, is_sample BOOLEAN,
    reported BOOLEAN, position INTEGER
);
CREATE TABLE measure_reports (
    measure_id VARCHAR, round VARCHAR, state VARCHAR, progress DOUBLE, comment VARCHAR,
    reported_by VARCHAR, reported_on DATE, file VARCHAR, line BIGINT, is_sample BOOLEAN
);
-- Per goal, each SMART criterion the catalogue can check that it fails (catalog.smart_gaps).
CREATE TABLE goal_smart (goal_id VARCHAR, criterion VARCHAR, message VARCHAR);
-- Closed rounds (data/rounds/<round>.duckdb, etl/snapshot.py), copied in by every build.
CREATE TABLE rounds (
    round VARCHAR PRIMARY KEY, title VARCHAR, date DATE, closed_at TIMESTAMP, note VARCHAR,
    warehouse_file VARCHAR, warehouse_built_at TIMESTAMP, catalogue_sha256 VARCHAR,
    code_version VARCHAR, is_sample BOOLEAN, data_until INTEGER
);
CREATE TABLE indicators (
    id VARCHAR PRIMARY KEY, goal_id VARCHAR, title VARCHAR, description VARCHAR, unit VARCHAR,
    kind VARCHAR, direction VARCHAR, formula VARCHAR, formula_words VARCHAR, baseline_year INTEGER,
    target_value DOUBLE, target_year INTEGER, target_source VARCHAR, target_kind VARCHAR,
    contextual BOOLEAN, by_sex BOOLEAN, regions VARCHAR[], source_note VARCHAR,
    uses_sample BOOLEAN, position INTEGER, concept VARCHAR
);
CREATE TABLE indicator_series (
    indicator_id VARCHAR, name VARCHAR, label VARCHAR, sources VARCHAR[], measure VARCHAR,
    region VARCHAR, sex VARCHAR[], nationality VARCHAR[], category VARCHAR[], dash_as_zero BOOLEAN
);
CREATE TABLE indicator_values (
    indicator_id VARCHAR, region_code VARCHAR, period INTEGER, sex VARCHAR, value DOUBLE,
    numerator DOUBLE, denominator DOUBLE, flag VARCHAR,
    inputs STRUCT(series VARCHAR, value DOUBLE, flag VARCHAR)[], sources VARCHAR[],
    is_sample BOOLEAN
);
-- Per indicator and region: the status and what it rests on (etl/progress.py, docs/progress.md).
CREATE TABLE indicator_progress (
    indicator_id VARCHAR, region_code VARCHAR, status VARCHAR, reason VARCHAR,
    baseline_period INTEGER, baseline_value DOUBLE, latest_period INTEGER, latest_value DOUBLE,
    target_year INTEGER, target_value DOUBLE, target_kind VARCHAR, target_source VARCHAR,
    actual_rate DOUBLE, required_rate DOUBLE, ratio DOUBLE, level VARCHAR, uses_sample BOOLEAN,
    sample_sources VARCHAR[], data_until INTEGER
);
-- Per goal and region: the outcome status from its indicators, the counts per indicator status
-- and per measure state (vocabulary.STATUS_COUNT_COLUMNS, MEASURE_STATE_COLUMNS), and the
-- Umsetzungsstand from its measures, a second kind of status never mixed with the first.
CREATE TABLE goal_progress (
    goal_id VARCHAR, region_code VARCHAR, status VARCHAR, reason VARCHAR, level VARCHAR,
    indicators BIGINT, assessed BIGINT, sample_indicators BIGINT, uses_sample BOOLEAN,
    only_sample BOOLEAN, stale_indicators BIGINT, data_until INTEGER,
    n_ziel_erreicht BIGINT, n_auf_kurs BIGINT, n_deutlicher_fortschritt BIGINT,
    n_maessiger_fortschritt BIGINT, n_unzureichender_fortschritt BIGINT,
    n_leichte_verschlechterung BIGINT, n_falsche_richtung BIGINT,
    n_deutliche_verschlechterung BIGINT, n_nicht_bewertbar BIGINT, n_kontext BIGINT,
    measures_geplant BIGINT, measures_beschlossen BIGINT, measures_in_umsetzung BIGINT,
    measures_verzoegert BIGINT, measures_umgesetzt BIGINT, measures_gestrichen BIGINT,
    implementation_status VARCHAR, implementation_reason VARCHAR, implementation_round VARCHAR,
    implementation_is_sample BOOLEAN, measures_total BIGINT, measures_on_schedule BIGINT,
    measures_done BIGINT, measures_delayed BIGINT, measures_overdue BIGINT,
    measures_unreported BIGINT, measures_dropped BIGINT
);
-- Per field and region: the status from its goals and the counts per goal status.
CREATE TABLE field_progress (
    field_id VARCHAR, region_code VARCHAR, status VARCHAR, reason VARCHAR, level VARCHAR,
    goals BIGINT, assessed BIGINT, sample_goals BIGINT, uses_sample BOOLEAN, only_sample BOOLEAN,
    stale_goals BIGINT, data_until INTEGER,
    n_ziel_erreicht BIGINT, n_auf_kurs BIGINT, n_deutlicher_fortschritt BIGINT,
    n_maessiger_fortschritt BIGINT, n_unzureichender_fortschritt BIGINT,
    n_leichte_verschlechterung BIGINT, n_falsche_richtung BIGINT,
    n_deutliche_verschlechterung BIGINT, n_nicht_bewertbar BIGINT, n_kontextindikator BIGINT,
    n_kein_indikator_hinterlegt BIGINT
);
CREATE TABLE build_info (
    built_at TIMESTAMP, code_version VARCHAR, catalogue_sha256 VARCHAR, warnings VARCHAR[],
    catalogue_file VARCHAR, municipality_id VARCHAR, previous_built_at TIMESTAMP
);
CREATE TABLE changes (kind VARCHAR, id VARCHAR, title VARCHAR, before VARCHAR, after VARCHAR);
CREATE TABLE documents (name VARCHAR PRIMARY KEY, markdown VARCHAR);
"""


@dataclass(frozen=True)
class Inputs:
    """Everything a build needs, validated: the catalogue, the manifest, the indicator values.

    The observations themselves are in DuckDB (etl/stage.py), never in one frame.
    """

    catalog: Catalog
    manifest: Manifest
    file_hashes: dict[str, str]
    source_rows: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    values: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False)
    # What the measure owners reported, all rounds (etl/rounds.py).
    reports: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False)
    data_dir: Path = Path()
    reused: list[str] = field(default_factory=list)

    @property
    def observation_count(self) -> int:
        return sum(self.source_rows.values())


@dataclass(frozen=True)
class BuildResult:
    link: Path
    file: Path
    inputs: Inputs
    indicator_progress: pl.DataFrame


def gather(
    catalog_path: Path, data_dir: Path, con: duckdb.DuckDBPyConnection | None = None
) -> Inputs:
    """Validate the catalogue and the manifest, stage every data file, compute the indicators.

    The observations go into `con` (the new warehouse file; `check` passes none and gets a
    scratch file that is deleted after). Raises one EtlError listing every problem of every
    input, so that `check` shows them all.
    """
    if con is None:
        with tempfile.TemporaryDirectory(prefix="wir-check-") as scratch:
            own = duckdb.connect(str(Path(scratch) / "check.duckdb"))
            try:
                return gather(catalog_path, data_dir, own)
            finally:
                own.close()
    problems: list[Problem] = []
    catalog = manifest = None
    try:
        catalog = catalog_module.load(catalog_path)
    except EtlError as exc:
        problems.extend(exc.problems)
    try:
        manifest = sources_module.load(data_dir)
    except EtlError as exc:
        problems.extend(exc.problems)
    staged = stage.Staged()
    if manifest is not None:
        staged = stage.stage(con, manifest, data_dir)
        problems.extend(staged.problems)
    if problems or catalog is None or manifest is None:
        raise EtlError(problems + _round_problems(catalog, data_dir))
    offered = stage.keys(con)
    problems.extend(compute.check_series(catalog, offered, {s.id for s in manifest.sources}))
    # The owners' reports are checked whatever else is wrong: check lists all problems at once.
    try:
        reports = rounds.read_reports(catalog, data_dir)
    except EtlError as exc:
        problems.extend(exc.problems)
    if problems:
        raise EtlError(problems)
    # Computed here, once, so that check warns about what run would show.
    values = compute.compute_all(catalog, con, offered)
    warnings = staged.warnings + _warnings(catalog, manifest, data_dir, staged.rows, values)
    warnings += _round_warnings(catalog, reports)
    return Inputs(
        catalog,
        manifest,
        staged.hashes,
        staged.rows,
        warnings,
        values,
        reports,
        data_dir,
        staged.reused,
    )


def _round_problems(catalog: Catalog | None, data_dir: Path) -> list[Problem]:
    if catalog is None:
        return []
    try:
        rounds.read_reports(catalog, data_dir)
    except EtlError as exc:
        return exc.problems
    return []


def _round_warnings(catalog: Catalog, reports: pl.DataFrame) -> list[str]:
    """Measures the newest round has no report for: their Umsetzungsstand says "ohne Meldung"."""
    latest = progress.latest_round(catalog, reports)
    if latest is None:
        return []
    reported = set(progress.latest_states(reports, latest))
    missing = [m.id for m in catalog.measures if m.id not in reported]
    if not missing:
        return []
    return [
        f"massnahmen/{latest.id}: {len(missing)} of {len(catalog.measures)} measures have no "
        f'report in round {latest.id} (counted as "ohne Meldung"): {", ".join(missing)}'
    ]


def _warnings(
    catalog: Catalog,
    manifest: Manifest,
    data_dir: Path,
    rows: dict[str, int],
    values: pl.DataFrame,
) -> list[str]:
    warnings = [
        f"{display_name(data_dir / name)}: not described in sources.toml, so not loaded"
        for name in sources_module.unlisted_files(manifest, data_dir)
    ]
    warnings += _table_code_warnings(manifest, data_dir)
    warnings += [
        f'{manifest.path}: source "{s.id}" has no observations'
        for s in manifest.sources
        if not rows.get(s.id)
    ]
    warnings += _few_values(catalog, values)
    bare = catalog_module.goals_without_work(catalog)
    if bare:
        warnings.append(
            f"{catalog.path}: {len(bare)} of {len(catalog.goals)} goals have neither an "
            f"[[indicator]] nor a [[measure]] (Maßnahme): {', '.join(bare)}"
        )
    return warnings


def _table_code_warnings(manifest: Manifest, data_dir: Path) -> list[str]:
    """A classic GENESIS file names its table on line 1; the entry should name the same one."""
    found = []
    for source in manifest.sources:
        if source.format != "genesis":
            continue
        code = sources_module.header_table_code(data_dir / source.file)
        if code is None or code == source.table_code:
            continue
        where = f'{manifest.path}: source "{source.id}".table_code'
        said = f'"{source.table_code}"' if source.table_code else "empty"
        found.append(
            f'{where}: {said}, but line 1 of {source.file} names table "{code}"'
            + (": is it the file you meant?" if source.table_code else "")
        )
    return found


def _few_values(catalog: Catalog, values: pl.DataFrame) -> list[str]:
    """Indicators with fewer than two values for the municipality since their baseline year:
    no trend and no status can come of them (docs/progress.md)."""
    town = catalog.municipality
    counted = (
        values.filter(
            (pl.col("region_code") == town.region_code)
            & (pl.col("sex") == TOTAL)
            & pl.col("value").is_not_null()
        )
        .group_by("indicator_id")
        .agg(pl.col("period").sort())
    )
    periods: dict[str, list[int]] = dict(counted.iter_rows())
    found = []
    for ind in catalog.indicators:
        if town.region_code not in catalog.regions_of(ind):
            continue
        years = periods.get(ind.id, [])
        since = [p for p in years if p >= ind.baseline]
        if len(since) >= 2:
            continue
        if since:
            have = f"one value ({since[0]})"
        else:
            have = "no value" + (f" (the last is from {max(years)})" if years else "")
        found.append(
            f'{catalog.path}: indicator "{ind.id}": {have} for {town.name} since its baseline '
            f'year {ind.baseline}; a trend needs two, so its status is "nicht bewertbar"'
        )
    return found


def build(catalog_path: Path, data_dir: Path, link: Path) -> BuildResult:
    """Build the warehouse and publish it at `link`; the old one stays on failure.

    The new file starts as a copy of the published one where that was built by the same code
    (`_seed`): unchanged sources keep their rows and are not read again (etl/stage.py); every
    other table is dropped and written anew, so the result is the same as a build from nothing.
    """
    link = link.absolute()
    link.parent.mkdir(parents=True, exist_ok=True)
    with _lock(link):
        new = _new_version(link)
        try:
            _seed(link, new)
            con = duckdb.connect(str(new))
            try:
                inputs = gather(catalog_path, data_dir, con)
                values = marked_values(inputs)
                tables = progress.progress_tables(
                    inputs.catalog, values, sample_titles(inputs), inputs.reports
                )
                previous = _previous(link, inputs, tables[0])
                _write(con, inputs, values, tables, previous)
            finally:
                con.close()
        except (duckdb.Error, OSError) as exc:
            _remove(new)
            raise BuildError(
                [Problem(display_name(new), f"writing the warehouse failed: {exc}")]
            ) from exc
        except BaseException:
            _remove(new)
            raise
        _publish(new, link)
        _prune(link)
    return BuildResult(link=link, file=new, inputs=inputs, indicator_progress=tables[0])


def _seed(link: Path, new: Path) -> None:
    """Start `new` as a copy of the published warehouse, keeping only the staged observations,
    where that file is complete and its staging tables are the ones this code writes."""
    if not link.exists():
        return
    current = link.resolve()
    if not _is_complete(current) or _wal(current).exists():
        return
    shutil.copyfile(current, new)
    con = duckdb.connect(str(new))
    try:
        kept = _keep_staging(con)
    except duckdb.Error:
        kept = False
    finally:
        con.close()
    if not kept:
        _remove(new)


def _keep_staging(con: duckdb.DuckDBPyConnection) -> bool:
    """Drop every table and view but stage.py's; False where those differ from this code's."""
    expected = duckdb.connect()
    try:
        expected.execute(stage.SCHEMA)
        wanted = _columns(expected)
    finally:
        expected.close()
    have = _columns(con)
    if any(have.get(table) != columns for table, columns in wanted.items()):
        return False
    for (view,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal "
        "AND database_name = current_database()"
    ).fetchall():
        con.execute(f'DROP VIEW "{view}"')  # names read from the file's own catalogue
    for table in have:
        if table not in wanted:
            con.execute(f'DROP TABLE "{table}"')  # names read from the file's own catalogue
    con.execute("CHECKPOINT")
    return True


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = current_database() ORDER BY table_name, column_index"
    ).fetchall():
        found.setdefault(table, []).append((column, kind))
    return found


def sample_titles(inputs: Inputs) -> dict[str, str]:
    """Each sample source's id with its title, as the status reasons name them."""
    return {s.id: s.title for s in inputs.manifest.sources if s.is_sample}


def marked_values(inputs: Inputs) -> pl.DataFrame:
    """The indicator values, each marked whether any of its sources is sample data."""
    samples = list(sample_titles(inputs))
    return inputs.values.with_columns(
        pl.col("sources").list.eval(pl.element().is_in(samples)).list.any().alias("is_sample")
    )


@contextlib.contextmanager
def _lock(link: Path) -> Iterator[None]:
    """One build at a time per warehouse; a second one waits rather than racing the swap."""
    with link.with_name(f".{link.name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _new_version(link: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    return link.with_name(f"{link.stem}-{stamp}{link.suffix}")


@dataclass(frozen=True)
class Previous:
    built_at: dt.datetime | None
    changes: list[tuple[str, str, str, str | None, str | None]]


def _previous(link: Path, inputs: Inputs, indicator_progress: pl.DataFrame) -> Previous:
    """What changed against the warehouse now published: statuses, newest years, source files."""
    if not link.exists():
        return Previous(None, [])
    try:
        con = duckdb.connect(str(link.resolve()), read_only=True)
    except duckdb.Error:
        return Previous(None, [])
    try:
        built_at = con.execute("SELECT built_at FROM build_info").fetchone()[0]
        old_status = {
            r[0]: (r[1], r[2])
            for r in con.execute(
                "SELECT indicator_id, status, latest_period FROM indicator_progress "
                "WHERE region_code = ?",
                [inputs.catalog.municipality.region_code],
            ).fetchall()
        }
        old_sources = dict(con.execute("SELECT id, sha256 FROM sources").fetchall())
    except duckdb.Error:  # an older warehouse without these tables: nothing to compare
        return Previous(None, [])
    finally:
        con.close()
    town = inputs.catalog.municipality.region_code
    titles = {i.id: i.title for i in inputs.catalog.indicators}
    changes: list[tuple[str, str, str, str | None, str | None]] = []
    for row in indicator_progress.filter(pl.col("region_code") == town).iter_rows(named=True):
        before = old_status.get(row["indicator_id"])
        if before is None:
            changes.append(
                (
                    "Indikator neu",
                    row["indicator_id"],
                    titles[row["indicator_id"]],
                    None,
                    row["status"],
                )
            )
        elif before[0] != row["status"]:
            changes.append(
                (
                    "Status",
                    row["indicator_id"],
                    titles[row["indicator_id"]],
                    before[0],
                    row["status"],
                )
            )
        elif before[1] != row["latest_period"]:
            changes.append(
                (
                    "Neues Datenjahr",
                    row["indicator_id"],
                    titles[row["indicator_id"]],
                    str(before[1]),
                    str(row["latest_period"]),
                )
            )
    for source in inputs.manifest.sources:
        old = old_sources.get(source.id)
        if old != inputs.file_hashes[source.id]:
            changes.append(
                (
                    "Quelle neu" if old is None else "Quelle aktualisiert",
                    source.id,
                    source.title,
                    None,
                    source.file,
                )
            )
    return Previous(built_at, changes)


METHOD_DOC = Path(__file__).resolve().parent.parent / "docs" / "progress.md"


def _write(
    con: duckdb.DuckDBPyConnection,
    inputs: Inputs,
    values: pl.DataFrame,
    tables: tuple[pl.DataFrame, ...],
    previous: Previous,
) -> None:
    """Everything but the observations (staged before) into the new file, then CHECKPOINT."""
    con.execute(SCHEMA)
    _write_catalog(con, inputs.catalog)
    _write_other_regions(con, inputs, values)
    _write_indicators(con, inputs, values)
    _write_sources(con, inputs)
    _insert(con, "indicator_values", values)
    for name, frame in zip(PROGRESS_TABLES, tables, strict=True):
        _insert(con, name, frame)
    con.execute(
        "INSERT INTO build_info VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
            code_version(),
            inputs.catalog.sha256,
            inputs.warnings,
            inputs.catalog.path,
            inputs.catalog.municipality.id,
            previous.built_at,
        ],
    )
    if previous.changes:
        con.executemany("INSERT INTO changes VALUES (?, ?, ?, ?, ?)", previous.changes)
    _write_reports(con, inputs)
    if METHOD_DOC.is_file():
        con.execute("INSERT INTO documents VALUES ('progress', ?)", [METHOD_DOC.read_text("utf-8")])
    _write_closed_rounds(con, inputs.data_dir / ROUNDS_DIR)
    con.execute("CHECKPOINT")


# Closed rounds live here, one DuckDB file each (etl/snapshot.py); a build copies them in.
ROUNDS_DIR = "rounds"
# The tables a closed round freezes, each copied into the warehouse as round_<table> with the
# round's id in front (measure_reports' own round column becomes report_round).
SNAPSHOT_TABLES = (
    "municipality",
    "regions",
    "fields",
    "goals",
    "measures",
    "indicators",
    "indicator_series",
    "indicator_values",
    "indicator_progress",
    "goal_progress",
    "field_progress",
    "measure_reports",
    "sources",
    "documents",
)


def _write_reports(con: duckdb.DuckDBPyConnection, inputs: Inputs) -> None:
    catalog = inputs.catalog
    reported = set(inputs.reports["round"].unique()) if not inputs.reports.is_empty() else set()
    if catalog.rounds:
        con.executemany(
            "INSERT INTO reporting_rounds VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (r.id, r.title, r.date, r.source, r.sample, r.id in reported, i)
                for i, r in enumerate(catalog.rounds)
            ],
        )
    if inputs.reports.is_empty():
        return
    columns = [c for c in _REPORT_COLUMNS if c in inputs.reports.columns]
    con.register("incoming", inputs.reports.select(columns).to_arrow())
    names = ", ".join(columns)  # our own column names, never user text
    con.execute(f"INSERT INTO measure_reports ({names}) SELECT {names} FROM incoming")
    con.unregister("incoming")
    # A measure's state on screen: the newest round that reports it.
    con.execute(
        """
        UPDATE measures SET state = latest.state, state_round = latest.round
        FROM (
            SELECT r.measure_id, arg_max(r.state, rr.position) AS state,
                   arg_max(r.round, rr.position) AS round
            FROM measure_reports r JOIN reporting_rounds rr ON rr.id = r.round
            GROUP BY r.measure_id
        ) latest
        WHERE measures.id = latest.measure_id
        """
    )


_REPORT_COLUMNS = (
    "measure_id",
    "round",
    "state",
    "progress",
    "comment",
    "reported_by",
    "reported_on",
    "file",
    "line",
    "is_sample",
)


def _write_closed_rounds(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Copy every closed round into rounds and round_<table>; a file that is not a complete
    round stops the build with its name, so that no closed round silently disappears."""
    for table in SNAPSHOT_TABLES:
        renamed = " RENAME (round AS report_round)" if table == "measure_reports" else ""
        con.execute(  # fixed names only
            f"CREATE TABLE round_{table} AS SELECT NULL::VARCHAR AS round, *{renamed} "
            f"FROM {table} LIMIT 0"
        )
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.duckdb")):
        _copy_round(con, path)


def _copy_round(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    where = display_name(path)
    try:
        con.execute("ATTACH ? AS snap (READ_ONLY)", [str(path)])
    except duckdb.Error as exc:
        raise BuildError([Problem(where, f"not a readable closed round: {exc}")]) from None
    try:
        found = [r[0] for r in con.execute("SELECT round FROM snap.round_info").fetchall()]
        if found != [path.stem]:
            raise BuildError(
                [
                    Problem(
                        where,
                        f"round_info must hold one row for round {path.stem!r}; found {found}",
                    )
                ]
            )
        _insert_by_name(con, "rounds", "snap.round_info", None)
        for table in SNAPSHOT_TABLES:
            _insert_by_name(con, f"round_{table}", f"snap.{table}", path.stem)
    except duckdb.CatalogException as exc:
        raise BuildError(
            [Problem(where, f"an incomplete closed round (a table is missing): {exc}")]
        ) from None
    finally:
        con.execute("DETACH snap")


def _insert_by_name(
    con: duckdb.DuckDBPyConnection, target: str, source: str, round_id: str | None
) -> None:
    """Copy the columns both tables have: a round closed by an older version keeps what it
    froze, and columns added since stay empty for it. Names come from the two schemas."""
    wanted = [r[0] for r in con.execute(f"DESCRIBE {target}").fetchall()]
    have = {r[0] for r in con.execute(f"DESCRIBE {source}").fetchall()}
    pairs = []
    for column in wanted:
        origin = (
            "round" if column == "report_round" and target == "round_measure_reports" else column
        )
        if column == "round" and round_id is not None:
            continue
        if origin in have:
            pairs.append((column, origin))
    columns = ", ".join(f'"{c}"' for c, _ in pairs)
    origins = ", ".join(f'"{o}"' for _, o in pairs)
    if round_id is None:
        con.execute(f"INSERT INTO {target} ({columns}) SELECT {origins} FROM {source}")
    else:
        con.execute(
            f'INSERT INTO {target} ("round", {columns}) SELECT ?, {origins} FROM {source}',
            [round_id],
        )


PROGRESS_TABLES = ("indicator_progress", "goal_progress", "field_progress")


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Insert a frame into a declared table by column name; a column the table does not
    declare, or one it declares that the frame lacks, is a programming error."""
    declared = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]  # our fixed names
    if sorted(frame.columns) != sorted(declared):
        extra = sorted(set(frame.columns) - set(declared))
        absent = sorted(set(declared) - set(frame.columns))
        raise ValueError(f"{table}: columns not declared {extra}, declared but absent {absent}")
    names = ", ".join(f'"{c}"' for c in frame.columns)  # checked against the declaration above
    con.register("incoming", frame.to_arrow())
    try:
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM incoming")
    finally:
        con.unregister("incoming")


def _write_indicators(con: duckdb.DuckDBPyConnection, inputs: Inputs, values: pl.DataFrame) -> None:
    catalog = inputs.catalog
    # An indicator shows sample data where any of its computed values rests on a sample source
    # (the status itself carries its own mark in indicator_progress).
    on_sample = set(values.filter(pl.col("is_sample"))["indicator_id"].unique())
    rows, series_rows = [], []
    for position, ind in enumerate(catalog.indicators):
        target = catalog.target_of(ind)
        parsed = catalog.formula_of(ind)
        labels = {name: s.label or name for name, s in ind.series.items()}
        rows.append(
            (
                ind.id,
                ind.goal,
                ind.title,
                ind.description,
                ind.unit,
                ind.kind,
                ind.direction,
                ind.formula,
                formula.in_words(parsed, labels),
                ind.baseline,
                target.value if target else None,
                target.year if target else None,
                target.source if target else None,
                target.kind if target else None,
                ind.contextual,
                ind.by_sex,
                list(catalog.regions_of(ind)),
                ind.source_note,
                ind.id in on_sample,
                position,
                ind.concept,
            )
        )
        for name, s in ind.series.items():
            series_rows.append(
                (
                    ind.id,
                    name,
                    labels[name],
                    list(s.sources),
                    s.measure,
                    s.region,
                    _as_list(s.sex),
                    _as_list(s.nationality),
                    _as_list(s.category),
                    s.dash_as_zero,
                )
            )
    if rows:
        _insert(con, "indicators", pl.DataFrame(rows, schema=_INDICATOR_COLUMNS, orient="row"))
        _insert(
            con, "indicator_series", pl.DataFrame(series_rows, schema=_SERIES_COLUMNS, orient="row")
        )


_INDICATOR_COLUMNS = {
    "id": pl.String,
    "goal_id": pl.String,
    "title": pl.String,
    "description": pl.String,
    "unit": pl.String,
    "kind": pl.String,
    "direction": pl.String,
    "formula": pl.String,
    "formula_words": pl.String,
    "baseline_year": pl.Int32,
    "target_value": pl.Float64,
    "target_year": pl.Int32,
    "target_source": pl.String,
    "target_kind": pl.String,
    "contextual": pl.Boolean,
    "by_sex": pl.Boolean,
    "regions": pl.List(pl.String),
    "source_note": pl.String,
    "uses_sample": pl.Boolean,
    "position": pl.Int32,
    "concept": pl.String,
}
_SERIES_COLUMNS = {
    "indicator_id": pl.String,
    "name": pl.String,
    "label": pl.String,
    "sources": pl.List(pl.String),
    "measure": pl.String,
    "region": pl.String,
    "sex": pl.List(pl.String),
    "nationality": pl.List(pl.String),
    "category": pl.List(pl.String),
    "dash_as_zero": pl.Boolean,
}


def _as_list(value: str | tuple[str, ...]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _write_other_regions(
    con: duckdb.DuckDBPyConnection, inputs: Inputs, values: pl.DataFrame
) -> None:
    """Regions an indicator is computed for beyond the catalogue's own, named as published."""
    town = inputs.catalog.municipality
    known = {town.region_code, *(r.code for r in town.comparison)}
    extra = sorted(set(values["region_code"].unique().drop_nulls()) - known)
    if not extra:
        return
    names = con.execute(
        "SELECT region_code, first(region_name ORDER BY source_id, line) "
        "FILTER (WHERE region_name IS NOT NULL) FROM observations "
        "WHERE region_code IN (SELECT unnest(?)) GROUP BY region_code ORDER BY region_code",
        [extra],
    ).fetchall()
    start = len(known)
    con.executemany(
        "INSERT INTO regions VALUES (?, ?, 'other', ?)",
        [(code, name or code, start + i) for i, (code, name) in enumerate(names)],
    )


def _write_catalog(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    town = catalog.municipality
    con.execute(
        "INSERT INTO municipality VALUES (?, ?, ?, ?, ?, ?)",
        [
            town.id,
            town.name,
            town.region_code,
            town.strategy,
            town.report_interval,
            town.committee,
        ],
    )
    regions = [(town.region_code, town.name, "municipality", 0)] + [
        (r.code, r.name, "comparison", i) for i, r in enumerate(town.comparison, start=1)
    ]
    con.executemany("INSERT INTO regions VALUES (?, ?, ?, ?)", regions)
    gaps = catalog_module.smart_gaps(catalog)
    if gaps:
        con.executemany("INSERT INTO goal_smart VALUES (?, ?, ?)", gaps)
    con.executemany(
        "INSERT INTO fields VALUES (?, ?, ?, ?)",
        [(f.id, f.name, f.description, i) for i, f in enumerate(catalog.fields)],
    )
    con.executemany(
        "INSERT INTO goals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                g.id,
                g.field,
                g.title,
                g.owner,
                g.due,
                g.description,
                i,
                g.due_kind,
                g.due_source,
                g.sample,
            )
            for i, g in enumerate(catalog.goals)
        ],
    )
    if catalog.measures:
        con.executemany(
            "INSERT INTO measures VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, NULL)",
            [
                (m.id, m.goal, m.title, m.owner, m.due, m.source_note, i, m.resources, m.sample)
                for i, m in enumerate(catalog.measures)
            ],
        )


def _write_sources(con: duckdb.DuckDBPyConnection, inputs: Inputs) -> None:
    rows = inputs.source_rows
    con.executemany(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                s.id,
                s.file,
                s.format,
                s.title,
                s.publisher,
                s.table_code,
                s.licence,
                s.retrieved,
                s.is_sample,
                inputs.file_hashes[s.id],
                rows.get(s.id, 0),
                s.url,
                s.note,
            )
            for s in inputs.manifest.sources
        ],
    )


def _publish(new: Path, link: Path) -> None:
    """Point `link` at `new` in one atomic rename: readers see the old file or the new one."""
    swap = link.with_name(f".{link.name}.{os.getpid()}.swap")
    swap.unlink(missing_ok=True)
    swap.symlink_to(new.name)
    swap.replace(link)


def _prune(link: Path) -> None:
    """Keep the published version and the newest complete one before it; remove the rest.

    Runs under the build lock, so no other build is writing: a version without build_info, or
    one with a write-ahead log left (a finished build closes its file, which folds the log in),
    is the leftover of a killed build and goes, whatever its name says. Pruning by name alone kept
    such a file as "the version before" and deleted the last good one. The version before stays
    for a reader that resolved the link just before the swap (the dashboard also retries once).
    """
    current = link.resolve()
    versions = sorted(link.parent.glob(f"{link.stem}-*{link.suffix}"), reverse=True)
    complete = [v for v in versions if v != current and not _wal(v).exists() and _is_complete(v)]
    keep = {current, *complete[: KEEP_VERSIONS - 1]}
    for old in versions:
        if old not in keep:
            _remove(old)
    for wal in link.parent.glob(f"{link.stem}-*{link.suffix}.wal"):
        if wal.with_suffix("") not in keep:
            wal.unlink(missing_ok=True)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _is_complete(path: Path) -> bool:
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        return con.execute("SELECT count(*) FROM build_info").fetchone()[0] == 1
    except duckdb.Error:
        return False
    finally:
        con.close()


def _remove(path: Path) -> None:
    for leftover in (path, _wal(path)):
        leftover.unlink(missing_ok=True)


def code_version() -> str:
    """The package version, and the git commit where the code runs from a checkout."""
    try:
        version = metadata.version("wir-monitor")
    except metadata.PackageNotFoundError:  # running from a checkout that was not installed
        version = "0+checkout"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return version
    return f"{version}+{commit}"
