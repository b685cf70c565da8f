"""The benchmark's real data set (benchmarks/real.py): the published bytes kept, the copies varied
only in their data lines, and at a tiny scale it builds with every value counted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from benchmarks import real
from tests.conftest import ROOT, SHARED

REGIONALSTATISTIK = SHARED / "data" / "regionalstatistik"
# A tenth of each file's data lines (plus Hannover's rows): about 110,000 values, a few seconds.
TINY = 0.01


@pytest.fixture
def folder() -> Path:
    if not real.available(REGIONALSTATISTIK):
        pytest.skip("../shared/data/regionalstatistik/ is absent on this machine")
    return REGIONALSTATISTIK


def test_tiny_real_set_builds_with_every_value(folder: Path, tmp_path: Path) -> None:
    data = real.generate_real(tmp_path, scale=TINY, folder=folder)
    assert data.copies == 1
    assert 0 < data.share < 1
    db = tmp_path / "warehouse.duckdb"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "run",
            "--catalog",
            str(data.catalog),
            "--data",
            str(data.data_dir),
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]

    # The reader's count per file, from the warehouse, against the generator's own count.
    con = duckdb.connect(str(db), read_only=True)
    try:
        loaded = dict(
            con.execute(
                "SELECT s.file, count(o.source_id) FROM sources s "
                "LEFT JOIN observations o ON o.source_id = s.id GROUP BY s.file"
            ).fetchall()
        )
        computed = con.execute("SELECT count(DISTINCT indicator_id) FROM indicator_values")
        indicators = computed.fetchone()
    finally:
        con.close()
    assert loaded == {f"raw/{name}": n for name, n in data.values_per_file.items()}
    assert sum(loaded.values()) == data.values
    # every indicator of the catalogue has values
    assert indicators == (data.indicators,)
    assert data.indicators == sum(len(specs) for specs in real.SPECS.values())


def test_tiny_values_counted_by_hand(folder: Path, tmp_path: Path) -> None:
    # 12511-01-01-4: "2016;01001;Flensburg…;161;9;7;43;-;102;-", 3 key columns and 7 values on
    # each data line; the data lines start with a year and end at the footer line.
    data = real.generate_real(tmp_path, scale=TINY, folder=folder)
    name = "12511-01-01-4_c00.csv"
    text = (data.data_dir / "raw" / name).read_text("iso-8859-1")
    body = text.split("\n__________\n")[0].split("\n")
    rows = [line for line in body if line[:4].isdigit() and line[4] == ";"]
    assert all(len(line.split(";")) == 10 for line in rows)
    assert data.values_per_file[name] == 7 * len(rows)
    # Hannover's six years are all kept, whatever share of the other lines is
    assert sum(";03241001;" in line for line in rows) == 6
    assert 0.05 < len(rows) / 3156 < 0.2


def test_copies_vary_only_the_data_lines(folder: Path) -> None:
    path = folder / "12511-01-01-4.csv"  # period first, Latin-1
    original = real.split(path)
    assert original.period_first
    assert original.key_columns == 3
    second = real.varied(original, original.data, 2)
    assert original.data[0].startswith(b"2016;DG;Deutschland;")
    assert second[0] == b"2014" + original.data[0][4:]
    assert [line[4:] for line in second] == [line[4:] for line in original.data]
    assert real.varied(original, original.data, 0) is original.data

    across = real.split(folder / "12411-01-01-5_00.csv")  # periods across the columns
    assert not across.period_first
    turned = real.varied(across, across.data, 3)
    by_code = {line.split(b";")[0]: line for line in turned}
    hannover = next(line for line in across.data if line.startswith(b"03241001;"))
    assert by_code[b"06241001"] == b"06" + hannover[2:]
    assert turned[0] == across.data[0]  # DG stays
    # Erfurt (16051) turned three Länder on: 16 -> 01, 02, 03
    assert (
        by_code[b"03051"].split(b";")[1:]
        == next(line for line in across.data if line.startswith(b"16051;")).split(b";")[1:]
    )


def test_written_file_keeps_the_published_bytes(folder: Path, tmp_path: Path) -> None:
    data = real.generate_real(tmp_path, scale=TINY, folder=folder)
    for path in data.files:
        original = folder / path.name.replace("_c00", "")
        published, written = original.read_bytes(), path.read_bytes()
        cut = real.split(original)
        head, foot = b"".join(cut.head), b"".join(cut.foot)
        assert written.startswith(head), path.name
        assert written.endswith(foot), path.name
        # every written data line is one of the published ones (copy 0, thinned)
        assert set(written[len(head) : len(written) - len(foot)].splitlines()) <= set(
            published.splitlines()
        )


def test_plan_matches_the_synthetic_size() -> None:
    once = 1_029_507
    # the fifteen files hold 1,029,507 values (`etl inspect`: rows); 25.2 M / 1.03 M = 24.5
    assert real.plan(1.0, once) == (25, 1.0)
    copies, share = real.plan(0.01, once)
    assert copies == 1
    assert share == pytest.approx(108_000 / once)
