"""Property tests: every reader, fed mutated real files, returns the tidy frame or raises the
project's EtlError with readable lines; never another exception, never an infinite value, and a
change to the title lines alone never changes the data rows (no silent row loss).

Bounded for `make test` (FUZZ_EXAMPLES examples per property, 120 by default; derandomized, so a
run is repeatable). `make fuzz` runs scripts/fuzz.py, thousands of inputs per reader.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from etl import readers
from tests import fuzzing

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SEEDS = fuzzing.seeds()
TEXT_FORMATS = [f for f in fuzzing.FORMATS if f != "ffcsv-zip"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


_ORIGINAL: dict[Path, fuzzing.Outcome] = {}


def original(path: Path, fmt: str) -> fuzzing.Outcome:
    if path not in _ORIGINAL:
        _ORIGINAL[path] = fuzzing.outcome(lambda: readers.read(path, fmt, source="fuzz"))
    assert _ORIGINAL[path].kind == "ok", _ORIGINAL[path].detail
    return _ORIGINAL[path]


def assert_read_or_refused(data: bytes, fmt: str, folder: Path) -> fuzzing.Outcome:
    name = "input.zip" if fmt == "ffcsv-zip" else "input.csv"
    result = fuzzing.read_bytes_as(data, fmt, folder, name)
    assert result.kind != "unexpected", result.detail
    return result


def assert_same_rows(result: fuzzing.Outcome, before: fuzzing.Outcome) -> None:
    """Refused, or the same data rows as the unchanged file: same count, same values."""
    if result.kind == "refused":
        return
    assert result.frame is not None
    assert before.frame is not None
    assert result.frame.height == before.frame.height
    assert_frame_equal(
        result.frame.select(fuzzing.DATA_COLUMNS), before.frame.select(fuzzing.DATA_COLUMNS)
    )


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_mutated_file_reads_or_is_refused(fmt: str, folder: Path) -> None:
    @FUZZ
    @given(path=st.sampled_from(SEEDS[fmt]), ops=fuzzing.ops())
    def check(path: Path, ops: list[fuzzing.Op]) -> None:
        assert_read_or_refused(fuzzing.apply(path.read_bytes(), ops), fmt, folder)

    check()


def test_mutated_zip_reads_or_is_refused(folder: Path) -> None:
    @FUZZ
    @given(
        path=st.sampled_from(SEEDS["ffcsv-zip"]),
        inner=st.lists(fuzzing.ops(), max_size=1),
        variant=st.sampled_from(fuzzing.ZIP_VARIANTS),
        outer=st.lists(fuzzing.ops(), max_size=1),
    )
    def check(
        path: Path,
        inner: list[list[fuzzing.Op]],
        variant: str,
        outer: list[list[fuzzing.Op]],
    ) -> None:
        member = fuzzing.zip_member(path)
        for ops in inner:
            member = fuzzing.apply(member, ops)
        archive = fuzzing.make_zip(member, variant)
        for ops in outer:
            archive = fuzzing.apply(archive, ops)
        assert_read_or_refused(archive, "ffcsv-zip", folder)

    check()


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_a_change_to_the_title_lines_leaves_the_data_rows(fmt: str, folder: Path) -> None:
    """Anything inserted into or written over the lines above the first data row (no line end
    added or removed): the same rows, or a clear refusal."""
    payload = st.one_of(
        st.sampled_from(fuzzing.TITLE_PAYLOADS),
        st.binary(min_size=1, max_size=4).filter(lambda b: b"\n" not in b and b"\r" not in b),
        st.builds(lambda n: b"7" * n, st.integers(81, 100_000)),
    )

    @FUZZ
    @given(
        path=st.sampled_from(SEEDS[fmt]),
        kind=st.sampled_from(["insert", "overwrite"]),
        at=st.integers(0, 2**20),
        line=st.one_of(st.none(), st.integers(0, 20)),
        payload=payload,
    )
    def check(path: Path, kind: str, at: int, line: int | None, payload: bytes) -> None:
        data = fuzzing.title_change(path.read_bytes(), fmt, kind, at, payload, line)
        result = assert_read_or_refused(data, fmt, folder)
        assert_same_rows(result, original(path, fmt))

    check()


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_a_huge_cell_in_the_data_rows_is_never_echoed_whole(fmt: str, folder: Path) -> None:
    @settings(FUZZ, max_examples=max(EXAMPLES // 4, 10))
    @given(
        path=st.sampled_from(SEEDS[fmt]),
        at=st.integers(0, 2**20),
        cell=st.sampled_from([b"x", b"7", "１".encode()]),
        size=st.integers(1_000, 300_000),
    )
    def check(path: Path, at: int, cell: bytes, size: int) -> None:
        data = path.read_bytes()
        start = fuzzing.title_end(data, fmt) + 1
        at = start + at % (len(data) - start)
        assert_read_or_refused(data[:at] + cell * size + data[at:], fmt, folder)

    check()


def _title_positions(data: bytes, fmt: str) -> list[int]:
    """Where a character goes in the exhaustive test: the start of every line above the data
    rows (a header row's empty first cell), the middle of line 1, the end of the block."""
    end = fuzzing.title_end(data, fmt)
    starts = [0] + [i + 1 for i in range(end) if data[i] == ord("\n")]
    return sorted({*starts, data.index(b"\n") // 2, end})


@pytest.mark.parametrize("char", fuzzing.CONTROL, ids=[f"U+{ord(c):04X}" for c in fuzzing.CONTROL])
def test_no_control_character_in_the_title_block_loses_a_row(char: str, folder: Path) -> None:
    """Every C0 control (but tab, LF, CR) and U+2028, U+2029, U+0085 — which `splitlines()` takes
    for line ends — at several places above the data rows of every real file: the same number
    of data rows, the same rows, or a clear refusal (issue: 24 -> 21, 434 -> 427, 2 -> 0)."""
    for fmt in TEXT_FORMATS:
        for path in SEEDS[fmt]:
            data = path.read_bytes()
            for at in _title_positions(data, fmt):
                changed = data[:at] + char.encode("utf-8") + data[at:]
                result = assert_read_or_refused(changed, fmt, folder)
                assert_same_rows(result, original(path, fmt))
