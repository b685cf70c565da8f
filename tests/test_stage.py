"""Staging: one file at a time into DuckDB, and a rebuild that reads only what changed."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl import load, readers, sources, stage
from tests.conftest import ROOT

CATALOG = ROOT / "indicators.toml"
# Every table a build writes from its inputs, each in a fixed order; build_info and changes say
# when and against what it was built, so they differ between any two builds.
COMPARED = {
    "observations": "SELECT * FROM observations ORDER BY ALL",
    "source_keys": "SELECT * FROM source_keys ORDER BY ALL",
    "sources": "SELECT * FROM sources ORDER BY id",
    "regions": "SELECT * FROM regions ORDER BY ALL",
    "indicator_values": "SELECT * FROM indicator_values ORDER BY indicator_id, region_code, "
    "sex, period",
    "indicator_progress": "SELECT * FROM indicator_progress ORDER BY ALL",
    "goal_progress": "SELECT * FROM goal_progress ORDER BY ALL",
    "warnings": "SELECT warnings FROM build_info",
}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the sources a reader is asked to read, in order."""
    seen: list[str] = []
    real = readers.read

    def counting(path: Path, fmt: str, source: str | None = None):
        seen.append(source)
        return real(path, fmt, source)

    monkeypatch.setattr(readers, "read", counting)
    return seen


def _tables(link: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(link.resolve()), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in COMPARED.items()}
    finally:
        con.close()


def _source_ids(data_dir: Path) -> list[str]:
    return [s.id for s in sources.load(data_dir).sources]


def test_a_rebuild_reads_only_the_sources_whose_file_changed(
    data_dir: Path, reads: list[str]
) -> None:
    link = data_dir / "warehouse.duckdb"
    load.build(CATALOG, data_dir, link)
    assert reads == _source_ids(data_dir)

    reads.clear()
    result = load.build(CATALOG, data_dir, link)
    assert reads == []
    assert result.inputs.reused == _source_ids(data_dir)

    entry = next(s for s in sources.load(data_dir).sources if s.id == "gremien")
    with (data_dir / entry.file).open("a", encoding="utf-8") as handle:
        handle.write("\n")  # a blank line: another sha256, the same rows
    result = load.build(CATALOG, data_dir, link)
    assert reads == ["gremien"]
    assert "gremien" not in result.inputs.reused


def test_a_rebuild_from_reused_sources_equals_a_build_from_nothing(
    data_dir: Path, tmp_path: Path, reads: list[str]
) -> None:
    link = data_dir / "warehouse.duckdb"
    load.build(CATALOG, data_dir, link)
    catalog = tmp_path / "indicators.toml"
    text = CATALOG.read_text("utf-8")
    changed = text.replace("value = 50.0", "value = 55.0", 1)
    assert changed != text, "the catalogue has no target 50.0 left to change"
    catalog.write_text(changed, encoding="utf-8")
    reads.clear()
    load.build(catalog, data_dir, link)
    assert reads == []
    fresh = tmp_path / "fresh" / "warehouse.duckdb"
    load.build(catalog, data_dir, fresh)
    assert reads == _source_ids(data_dir)
    reused, built = _tables(link), _tables(fresh)
    for name in COMPARED:
        assert reused[name] == built[name], name
    assert reused["warnings"][0][0], "no reader or build warning to compare"


def test_a_source_taken_out_of_the_manifest_leaves_no_rows(tmp_path: Path, data_dir: Path) -> None:
    manifest = sources.load(data_dir)
    con = duckdb.connect(str(tmp_path / "stage.duckdb"))
    try:
        staged = stage.stage(con, manifest, data_dir)
        assert staged.problems == []
        gone = manifest.sources[0].id
        assert _count(con, gone) > 0
        fewer = manifest.model_copy(update={"sources": manifest.sources[1:]})
        again = stage.stage(con, fewer, data_dir)
        assert again.reused == [s.id for s in fewer.sources]
        assert _count(con, gone) == 0
        for table in ("source_keys", "source_files"):
            found = con.execute(f"SELECT count(*) FROM {table} WHERE source_id = ?", [gone])
            assert found.fetchone() == (0,), table
    finally:
        con.close()


def _count(con: duckdb.DuckDBPyConnection, source_id: str) -> int:
    return con.execute(
        "SELECT count(*) FROM observations WHERE source_id = ?", [source_id]
    ).fetchone()[0]


def test_changed_reader_code_reads_every_source_again(
    data_dir: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    link = data_dir / "warehouse.duckdb"
    load.build(CATALOG, data_dir, link)
    reads.clear()
    monkeypatch.setattr(stage, "reader_version", lambda: "another reader")
    load.build(CATALOG, data_dir, link)
    assert reads == _source_ids(data_dir)


def test_a_published_file_of_other_staging_code_is_not_reused(
    data_dir: Path, reads: list[str]
) -> None:
    link = data_dir / "warehouse.duckdb"
    load.build(CATALOG, data_dir, link)
    con = duckdb.connect(str(link.resolve()))
    try:
        con.execute("ALTER TABLE source_files ADD COLUMN older VARCHAR")
    finally:
        con.close()
    reads.clear()
    result = load.build(CATALOG, data_dir, link)
    assert reads == _source_ids(data_dir)
    assert result.inputs.reused == []


def test_a_failed_rebuild_leaves_the_published_warehouse_and_no_copy(
    data_dir: Path, reads: list[str]
) -> None:
    link = data_dir / "warehouse.duckdb"
    load.build(CATALOG, data_dir, link)
    published = link.resolve()
    before = _tables(link)
    entry = next(s for s in sources.load(data_dir).sources if s.id == "gremien")
    (data_dir / entry.file).write_text("kaputt;\n", encoding="utf-8")
    with pytest.raises(load.EtlError):
        load.build(CATALOG, data_dir, link)
    assert link.resolve() == published
    assert _tables(link) == before
    assert sorted(data_dir.glob("warehouse-*.duckdb")) == [published]


def test_values_that_share_their_key_are_a_warning_with_count_and_first_line(
    tmp_path: Path, data_dir: Path
) -> None:
    """Line 10 (2008) written twice: both copies share region, period and breakdown, so two
    values are counted, and the first of them stands on line 10."""
    path = data_dir / "raw" / "52311-01-04-4_gewerbeanmeldungen_kreise.csv"
    lines = path.read_bytes().split(b"\n")
    assert lines[9].startswith(b"2008;03241001;")
    path.write_bytes(b"\n".join([*lines[:10], lines[9], *lines[10:]]))
    con = duckdb.connect(str(tmp_path / "stage.duckdb"))
    try:
        staged = stage.stage(con, sources.load(data_dir), data_dir)
    finally:
        con.close()
    assert [w for w in staged.warnings if "share region" in w] == [
        'source "gewerbe_kreise": 2 values share region, period and breakdown with another '
        "value (first at line 10)"
    ]
