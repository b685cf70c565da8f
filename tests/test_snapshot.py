"""Closing a reporting round: what the committee was told stays as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl import load, snapshot
from etl.errors import EtlError
from tests.conftest import ROOT

CATALOG = ROOT / "indicators.toml"
TOWN = "03241001"


def _rows(link: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(link.resolve()), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture
def fresh(data_dir: Path) -> Path:
    """The shipped data without any closed round."""
    shutil.rmtree(data_dir / "rounds", ignore_errors=True)
    return data_dir


def test_a_closed_round_is_copied_into_every_build(fresh: Path) -> None:
    link = fresh / "warehouse.duckdb"
    snapshot.close_round(CATALOG, fresh, link, "2021", note="Probe", data_until=2021)
    assert (fresh / "rounds" / "2021.duckdb").is_file()
    [(round_, note, until, sample, catalogue)] = _rows(
        link, "SELECT round, note, data_until, is_sample, catalogue_sha256 FROM rounds"
    )
    assert (round_, note, until, sample) == ("2021", "Probe", 2021, False)
    assert catalogue == _rows(link, "SELECT catalogue_sha256 FROM build_info")[0][0]
    # Judged on values up to 2021 only.
    assert _rows(link, "SELECT max(period) FROM round_indicator_values") == [(2021,)]
    assert _rows(
        link,
        "SELECT max(latest_period) FROM round_indicator_progress WHERE region_code = ?",
        [TOWN],
    ) == [(2021,)]
    # The measures as reported up to 2021: 2021.csv reports tiny houses "gestrichen", and
    # mso_wahl has its 2019 report only.
    states = dict(_rows(link, "SELECT id, state || ' ' || state_round FROM round_measures"))
    assert states["soziales.wohnen.tiny_houses"] == "gestrichen 2021"
    assert states["stadtleben.mitgestaltung.mso_wahl"] == "beschlossen 2019"
    # The report rows keep their own round beside the closed one.
    assert set(_rows(link, "SELECT DISTINCT round, report_round FROM round_measure_reports")) == {
        ("2021", "2019"),
        ("2021", "2021"),
    }
    # The Umsetzungsstand is the round's: mso_wahl was not reported in 2021.
    assert _rows(
        link,
        "SELECT implementation_status FROM round_goal_progress "
        "WHERE goal_id = 'stadtleben.mitgestaltung' AND region_code = ?",
        [TOWN],
    ) == [("keine Meldung",)]


def test_a_closed_round_does_not_change_when_the_data_change(fresh: Path) -> None:
    link = fresh / "warehouse.duckdb"
    snapshot.close_round(CATALOG, fresh, link, "2024")
    query = (
        "SELECT indicator_id, region_code, status, reason, latest_value FROM "
        "round_indicator_progress ORDER BY ALL"
    )
    frozen = _rows(link, query)
    frozen_values = _rows(link, "SELECT * EXCLUDE (round) FROM round_indicator_values ORDER BY ALL")
    current = (
        "SELECT latest_value FROM indicator_progress WHERE indicator_id = ? AND region_code = ?"
    )
    indicator = "verwaltung.personal_mh_anteil"
    before = _rows(link, current, [indicator, TOWN])
    # A revision of the data: the personnel report's figures change.
    staff = fresh / "raw" / "beispiel_personalbericht.csv"
    lines = staff.read_text("utf-8").splitlines()
    revised = [lines[0]]
    for line in lines[1:]:  # five more staff with a migration background in every 2024 row
        cells = line.split(";")
        if cells[0] == "2024":
            cells[7] = str(int(cells[7]) + 5)
        revised.append(";".join(cells))
    assert revised != lines
    staff.write_text("\n".join(revised) + "\n", encoding="utf-8")
    load.build(CATALOG, fresh, link)
    assert _rows(link, current, [indicator, TOWN]) != before  # the live figure moved
    assert _rows(link, query) == frozen  # the closed round did not
    assert (
        _rows(link, "SELECT * EXCLUDE (round) FROM round_indicator_values ORDER BY ALL")
        == frozen_values
    )


def test_a_round_is_closed_once(fresh: Path) -> None:
    link = fresh / "warehouse.duckdb"
    snapshot.close_round(CATALOG, fresh, link, "2024")
    stamp = (fresh / "rounds" / "2024.duckdb").stat().st_mtime_ns
    with pytest.raises(EtlError, match="round 2024 is closed already"):
        snapshot.close_round(CATALOG, fresh, link, "2024")
    assert (fresh / "rounds" / "2024.duckdb").stat().st_mtime_ns == stamp


def test_an_undeclared_round_is_named_with_the_declared_ones(fresh: Path) -> None:
    with pytest.raises(EtlError) as caught:
        snapshot.close_round(CATALOG, fresh, fresh / "warehouse.duckdb", "2022")
    [problem] = caught.value.problems
    assert 'no [[round]] with id "2022"' in problem.message
    assert "(declared: 2019, 2021, 2024)" in problem.message
    assert not (fresh / "rounds").exists()


def test_a_round_without_reports_cannot_be_closed(fresh: Path) -> None:
    (fresh / "massnahmen" / "2024.csv").unlink()  # the newest round: no gap, just not reported
    with pytest.raises(EtlError, match="round 2024 has no measure reports"):
        snapshot.close_round(CATALOG, fresh, fresh / "warehouse.duckdb", "2024")
    assert not (fresh / "rounds" / "2024.duckdb").exists()


def test_a_damaged_closed_round_stops_the_build_and_keeps_the_warehouse(fresh: Path) -> None:
    link = fresh / "warehouse.duckdb"
    snapshot.close_round(CATALOG, fresh, link, "2024")
    good = link.resolve()
    (fresh / "rounds" / "2024.duckdb").write_bytes(b"not a database")
    with pytest.raises(EtlError, match=r"rounds/2024.duckdb: not a readable closed round"):
        load.build(CATALOG, fresh, link)
    assert link.resolve() == good


def test_round_close_and_report_on_the_command_line(fresh: Path) -> None:
    import subprocess
    import sys

    link = fresh / "warehouse.duckdb"
    common = ["--data", str(fresh), "--db", str(link)]
    closed = subprocess.run(
        [sys.executable, "-m", "etl", "round", "close", "2024", *common, "--note", "Ausschuss"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert closed.returncode == 0, closed.stderr
    assert "closed round 2024" in closed.stdout
    again = subprocess.run(
        [sys.executable, "-m", "etl", "round", "close", "2024", *common],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert again.returncode == 1
    assert again.stderr.startswith("error: ")
    assert "closed already" in again.stderr
    assert "Traceback" not in again.stderr
