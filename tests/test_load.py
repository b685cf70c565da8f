"""The warehouse: built whole into a versioned file, swapped in atomically, old versions pruned."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from etl import load
from tests.conftest import ROOT

CONTRACT = {
    "sources": "id file format title publisher table_code licence retrieved is_sample sha256 rows",
    "observations": "source_id measure unit region_code region_name period reference_date sex "
    "nationality category value flag",
    "fields": "id name description position",
    "goals": "id field_id title owner due position",
    "measures": "id goal_id title owner state due",
    "build_info": "built_at code_version catalogue_sha256 warnings",
    "indicators": "id goal_id title description unit kind direction formula baseline_year "
    "target_value target_year target_source target_kind contextual source_note",
    "indicator_values": "indicator_id region_code period sex value numerator denominator flag",
    "indicator_progress": "indicator_id region_code baseline_period baseline_value latest_period "
    "latest_value target_year target_value actual_rate required_rate status reason",
    "goal_progress": "goal_id region_code status reason",
    "field_progress": "field_id region_code status",
}


def _query(link: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(link.resolve()), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("table", list(CONTRACT))
def test_contract_columns(shipped_warehouse: Path, table: str) -> None:
    columns = {row[0] for row in _query(shipped_warehouse, f"DESCRIBE {table}")}
    assert set(CONTRACT[table].split()) <= columns


def test_fields_and_goals_after_run(shipped_warehouse: Path) -> None:
    rows = _query(
        shipped_warehouse,
        "SELECT f.name, count(g.id) FROM fields f LEFT JOIN goals g ON g.field_id = f.id "
        "GROUP BY f.name, f.position ORDER BY f.position",
    )
    assert rows == [
        ("Bildung", 12),
        ("Soziales", 7),
        ("Demokratie", 5),
        ("Stadtleben und Kultur", 8),
        ("Wirtschaft", 5),
        ("Stadtverwaltung und interkulturelle Öffnung", 2),
    ]


def test_sources_carry_hash_rows_and_sample_flag(shipped_warehouse: Path) -> None:
    data = shipped_warehouse.parent
    for source_id, file, sha256, rows, is_sample in _query(
        shipped_warehouse, "SELECT id, file, sha256, rows, is_sample FROM sources"
    ):
        assert sha256 == hashlib.sha256((data / file).read_bytes()).hexdigest()
        counted = _query(
            shipped_warehouse, "SELECT count(*) FROM observations WHERE source_id = ?", [source_id]
        )
        assert rows == counted[0][0] > 0
        assert is_sample == Path(file).name.startswith("beispiel_")


def test_shipped_real_figures(shipped_warehouse: Path) -> None:
    def value(source: str, region: str, period: int, measure: str) -> float | None:
        rows = _query(
            shipped_warehouse,
            "SELECT value FROM observations WHERE source_id = ? AND region_code = ? AND period = ? "
            "AND measure = ? AND sex = 'insgesamt' AND nationality = 'insgesamt'",
            [source, region, period, measure],
        )
        assert len(rows) == 1
        return rows[0][0]

    assert value("bevoelkerung_2024", "03241001", 2024, "Bevölkerungsstand") == 522_131
    assert value("personal_kreise", "03241001", 2015, "Vollzeitäquivalent") == 12_445
    assert value("gewerbe_kreise", "03241001", 2009, "Gewerbeanmeldungen") == 5_147
    assert value("gewerbe_kreise", "03241", 2015, "Gewerbeanmeldungen") == 9_583
    assert value("gewerbe_laender", "03", 2022, "Gewerbeanmeldungen") == 63_132
    assert value("gewerbe_kreise", "03241001", 2008, "Gewerbeanmeldungen") is None


def test_staff_report_sample_agrees_with_the_published_2019_totals(shipped_warehouse: Path) -> None:
    # The staff report is stored with its totals as rows of their own (etl/disclosure.py)
    rows = _query(
        shipped_warehouse,
        "SELECT measure, value FROM observations WHERE source_id = 'personalbericht' "
        "AND period = 2019 AND sex = 'insgesamt' "
        "AND category = 'Fachbereich: insgesamt | Entgeltgruppe: insgesamt' ORDER BY measure",
    )
    sums = dict(rows)
    assert sums["Beschäftigte"] == 11_601
    assert sums["Beschäftigte mit Migrationshintergrund"] == 1_725


def test_trade_register_sample_agrees_with_the_published_2015_total(
    shipped_warehouse: Path,
) -> None:
    rows = _query(
        shipped_warehouse,
        "SELECT sum(value) FROM observations WHERE source_id = 'gewerberegister' AND period = 2015",
    )
    assert rows == [(4_686,)]


def test_link_points_to_a_complete_versioned_file(shipped_warehouse: Path) -> None:
    assert shipped_warehouse.is_symlink()
    target = shipped_warehouse.resolve()
    assert target.name.startswith("warehouse-")
    assert target.parent == shipped_warehouse.parent
    # CHECKPOINT before close: nothing left behind in a write-ahead log
    assert not Path(f"{target}.wal").exists()
    assert _query(shipped_warehouse, "SELECT count(*) FROM build_info") == [(1,)]


def test_rebuilds_swap_the_link_and_keep_two_versions(data_dir: Path) -> None:
    link = data_dir / "warehouse.duckdb"
    files = [load.build(ROOT / "indicators.toml", data_dir, link).file for _ in range(3)]
    assert link.resolve() == files[-1]
    remaining = sorted(data_dir.glob("warehouse-*.duckdb"))
    assert remaining == files[-2:]


def test_a_reader_of_the_old_file_keeps_its_data(data_dir: Path) -> None:
    link = data_dir / "warehouse.duckdb"
    load.build(ROOT / "indicators.toml", data_dir, link)
    reader = duckdb.connect(str(link.resolve()), read_only=True)
    try:
        before = reader.execute("SELECT count(*) FROM goals").fetchall()
        load.build(ROOT / "indicators.toml", data_dir, link)
        assert reader.execute("SELECT count(*) FROM goals").fetchall() == before
    finally:
        reader.close()


def test_unlisted_file_is_a_warning(data_dir: Path) -> None:
    (data_dir / "raw" / "neu.csv").write_text("x", encoding="utf-8")
    inputs = load.gather(ROOT / "indicators.toml", data_dir)
    assert any("raw/neu.csv: not described in sources.toml" in w for w in inputs.warnings)


def test_round_reports_and_another_towns_folder_are_not_unlisted_files(data_dir: Path) -> None:
    """massnahmen/ has its own reader, and a sub-folder with its own sources.toml is another
    municipality's data: neither is a data file the manifest forgot."""
    other = data_dir / "laatzen"
    (other / "raw").mkdir(parents=True)
    (other / "sources.toml").write_text("", encoding="utf-8")
    (other / "raw" / "x.csv").write_text("x", encoding="utf-8")
    (data_dir / "loose").mkdir()
    (data_dir / "loose" / "y.csv").write_text("y", encoding="utf-8")
    assert (data_dir / "massnahmen" / "2021.csv").is_file()
    inputs = load.gather(ROOT / "indicators.toml", data_dir)
    unlisted = [w for w in inputs.warnings if "not described in sources.toml" in w]
    assert [w.rsplit("/data/", 1)[-1] for w in unlisted] == [
        "loose/y.csv: not described in sources.toml, so not loaded"
    ]


def test_changes_since_the_previous_build(data_dir: Path) -> None:
    link = data_dir / "warehouse.duckdb"
    load.build(ROOT / "indicators.toml", data_dir, link)
    [(first_built, previous)] = _query(link, "SELECT built_at, previous_built_at FROM build_info")
    assert previous is None
    assert _query(link, "SELECT count(*) FROM changes") == [(0,)]

    register = data_dir / "raw" / "beispiel_gewerberegister.csv"
    register.write_text(
        register.read_text("utf-8").replace(";Hannover;GbR;", ";Hannover;GbR ;", 1),
        encoding="utf-8",
    )
    load.build(ROOT / "indicators.toml", data_dir, link)
    assert _query(link, "SELECT previous_built_at FROM build_info") == [(first_built,)]
    assert _query(link, "SELECT kind, id FROM changes") == [
        ("Quelle aktualisiert", "gewerberegister")
    ]

    load.build(ROOT / "indicators.toml", data_dir, link)
    assert _query(link, "SELECT count(*) FROM changes") == [(0,)]


def test_pruning_keeps_the_last_good_version_not_a_half_built_one(data_dir: Path) -> None:
    """A killed build leaves a newer-named file without build_info (and maybe its .wal); the
    next build removes it and keeps the last complete version as the one before."""
    link = data_dir / "warehouse.duckdb"
    good = load.build(ROOT / "indicators.toml", data_dir, link).file
    half = data_dir / "warehouse-29990101T000000000000.duckdb"  # sorts after every real one
    con = duckdb.connect(str(half))
    con.execute("CREATE TABLE sources (id VARCHAR)")  # a build killed before build_info
    con.close()
    (data_dir / f"{half.name}.wal").write_bytes(b"")
    new = load.build(ROOT / "indicators.toml", data_dir, link).file
    assert link.resolve() == new
    assert sorted(data_dir.glob("warehouse-*.duckdb")) == sorted([good, new])
    assert not list(data_dir.glob("*.wal"))


def test_pruning_drops_a_complete_version_whose_build_was_killed_before_closing(
    data_dir: Path,
) -> None:
    """Killed after build_info was written but before the file was closed: the version has
    build_info but still its write-ahead log. It was never published, so it goes with its log."""
    import shutil

    link = data_dir / "warehouse.duckdb"
    good = load.build(ROOT / "indicators.toml", data_dir, link).file
    unclosed = data_dir / "warehouse-29990101T000000000000.duckdb"
    shutil.copy(good, unclosed)
    (data_dir / f"{unclosed.name}.wal").write_bytes(b"")
    new = load.build(ROOT / "indicators.toml", data_dir, link).file
    assert sorted(data_dir.glob("warehouse-*.duckdb")) == sorted([good, new])
    assert not list(data_dir.glob("*.wal"))


def test_killed_builds_never_break_the_published_link(data_dir: Path) -> None:
    """kill -9 of `etl run` at ten moments: the link always opens a complete build, and the next
    build clears what the killed ones left behind."""
    import random
    import signal
    import subprocess
    import sys
    import time

    link = data_dir / "warehouse.duckdb"
    load.build(ROOT / "indicators.toml", data_dir, link)
    command = [sys.executable, "-m", "etl", "run", "--data", str(data_dir), "--db", str(link)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    full = time.perf_counter() - started
    rng = random.Random(2472)
    for _ in range(10):
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.0, full))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert _query(link, "SELECT count(*) FROM build_info") == [(1,)]
    load.build(ROOT / "indicators.toml", data_dir, link)
    assert len(list(data_dir.glob("warehouse-*.duckdb"))) <= load.KEEP_VERSIONS
    assert not list(data_dir.glob("warehouse-*.wal"))
    assert all(load._is_complete(v) for v in data_dir.glob("warehouse-*.duckdb"))


def test_a_table_takes_only_the_columns_it_declares() -> None:
    """Every warehouse table is declared once in SCHEMA; a frame with a column made up at run
    time (or one missing) is refused instead of silently creating or leaving it."""
    import polars as pl

    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE fields (id VARCHAR, name VARCHAR)")
        load._insert(con, "fields", pl.DataFrame({"name": ["N"], "id": ["f"]}))
        assert con.execute("SELECT id, name FROM fields").fetchall() == [("f", "N")]
        with pytest.raises(ValueError, match=r"not declared \['n_neu'\]"):
            load._insert(con, "fields", pl.DataFrame({"id": ["g"], "name": ["M"], "n_neu": [1]}))
        with pytest.raises(ValueError, match=r"declared but absent \['name'\]"):
            load._insert(con, "fields", pl.DataFrame({"id": ["g"]}))
    finally:
        con.close()
