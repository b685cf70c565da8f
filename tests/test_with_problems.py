"""Every known-bad input in samples/with-problems fails with its own clear message, and a build
over a data folder holding one leaves the published warehouse byte for byte as it was."""

from __future__ import annotations

import hashlib
import shutil
import tomllib
from pathlib import Path

import pytest

from etl import load
from etl.errors import EtlError
from tests.conftest import PROBLEMS, ROOT, copy_shipped_data

EXPECTED = tomllib.loads((PROBLEMS / "expected.toml").read_text("utf-8"))
FILES = sorted(p for p in PROBLEMS.iterdir() if p.name != "expected.toml")


def test_there_are_at_least_15_bad_inputs() -> None:
    assert len(FILES) >= 15


def test_every_bad_input_has_an_expectation() -> None:
    assert sorted(p.stem for p in FILES) == sorted(EXPECTED)


def _add_to_data(data: Path, bad: Path) -> None:
    """Put the bad file where an analyst would: into raw/, or over a catalogue or manifest."""
    spec = EXPECTED[bad.stem]
    if spec["kind"] == "sources":
        shutil.copy(bad, data / "sources.toml")
        return
    if spec["kind"] == "data":
        shutil.copy(bad, data / "raw" / bad.name)
        with (data / "sources.toml").open("a", encoding="utf-8") as manifest:
            manifest.write(
                f'\n[[source]]\nid = "bad"\nfile = "raw/{bad.name}"\nformat = "{spec["format"]}"\n'
                'title = "Neu"\npublisher = "Statistikstelle"\nlicence = "dl-de/by-2-0"\n'
                "retrieved = 2026-11-01\nis_sample = false\n"
            )


def _catalog_for(bad: Path) -> Path:
    return bad if EXPECTED[bad.stem]["kind"] == "catalog" else ROOT / "indicators.toml"


@pytest.mark.parametrize("bad", FILES, ids=[p.stem for p in FILES])
def test_check_names_the_file_and_the_mistake(bad: Path, tmp_path: Path) -> None:
    data = copy_shipped_data(tmp_path / "data")
    _add_to_data(data, bad)
    with pytest.raises(EtlError) as caught:
        load.gather(_catalog_for(bad), data)
    lines = [str(p) for p in caught.value.problems]
    expected = EXPECTED[bad.stem]["message"]
    assert any(expected in line for line in lines), lines
    shown = "sources.toml" if EXPECTED[bad.stem]["kind"] == "sources" else bad.name
    assert all(shown in line for line in lines if expected in line)


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.name: (
            f"-> {p.readlink()}" if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest()
        )
        for p in sorted(folder.glob("warehouse*"))
    }


@pytest.mark.parametrize("bad", FILES, ids=[p.stem for p in FILES])
def test_failed_build_leaves_the_warehouse_byte_identical(bad: Path, tmp_path: Path) -> None:
    data = copy_shipped_data(tmp_path / "data")
    link = data / "warehouse.duckdb"
    load.build(ROOT / "indicators.toml", data, link)
    before = _snapshot(data)
    _add_to_data(data, bad)
    with pytest.raises(EtlError):
        load.build(_catalog_for(bad), data, link)
    assert _snapshot(data) == before
