"""Shared test fixtures: paths, the real published samples, and warehouses built in tmp."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(__file__).resolve().parent / "samples"
PROBLEMS = SAMPLES / "with-problems"
SHARED = ROOT.parent / "shared"
SHARED_GENESIS = SHARED / "data" / "genesis"


def shared_file(name: str) -> Path:
    """A real published file from ../shared/data/genesis, or a skip saying why it is missing."""
    path = SHARED_GENESIS / name
    if not path.is_file():
        pytest.skip(
            f"real sample {name} not here: ../shared/data/genesis/ is absent on this machine"
        )
    return path


def copy_shipped_data(target: Path) -> Path:
    """A writable copy of data/ (sources.toml, raw/, the round reports in massnahmen/ and the
    closed rounds in rounds/) without any warehouse."""
    shutil.copytree(ROOT / "data" / "raw", target / "raw")
    shutil.copy(ROOT / "data" / "sources.toml", target / "sources.toml")
    for folder in ("massnahmen", "rounds"):
        if (ROOT / "data" / folder).is_dir():
            shutil.copytree(ROOT / "data" / folder, target / folder)
    return target


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return copy_shipped_data(tmp_path / "data")


@pytest.fixture(scope="session")
def shipped_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse built from the shipped catalogue and data, once per test session."""
    from etl import load

    folder = tmp_path_factory.mktemp("shipped")
    data = copy_shipped_data(folder / "data")
    link = data / "warehouse.duckdb"
    load.build(ROOT / "indicators.toml", data, link)
    return link
