"""`make fuzz`: thousands of mutated real files per reader; prints what each reader made of them.

Per format: how many inputs were tried, read OK, refused with the project's error, and ended in
anything else ("unexpected": another exception, an error line too long to read, a stored
infinity, or data rows changed by a change to the title lines only). Exit code 1 if any input
was unexpected. The mutations are those of the property tests (tests/fuzzing.py), drawn from a
seeded generator, so a run is repeatable:

    python scripts/fuzz.py --per-format 3000 --seed 1
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402
from polars.testing import assert_frame_equal  # noqa: E402

from etl import readers  # noqa: E402
from tests import fuzzing  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-format", type=int, default=3000, help="inputs per format")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--huge", type=int, default=2_000_000, help="longest inserted cell, bytes")
    parser.add_argument("--formats", nargs="*", default=fuzzing.FORMATS, choices=fuzzing.FORMATS)
    parser.add_argument("--save", type=Path, help="keep every unexpected input in this folder")
    args = parser.parse_args(argv)

    seeds = fuzzing.seeds()
    print(f"{'format':<20} {'tried':>6} {'OK':>6} {'refused':>8} {'unexpected':>10}  seconds")
    total_unexpected = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for fmt in args.formats:
            rng = random.Random(f"{args.seed}:{fmt}")
            started = time.perf_counter()
            counts: Counter[str] = Counter()
            examples: list[str] = []
            for i in range(args.per_format):
                data, title_only, original = _mutant(rng, fmt, seeds[fmt], args.huge)
                name = f"input.{'zip' if fmt == 'ffcsv-zip' else 'csv'}"
                result = fuzzing.read_bytes_as(data, fmt, folder, name)
                kind, detail = result.kind, result.detail
                if kind == "ok" and title_only is not None:
                    kind, detail = _same_rows(result.frame, original, title_only)
                counts[kind] += 1
                if kind == "unexpected":
                    examples.append(f"  #{i}: {detail}")
                    if args.save:
                        args.save.mkdir(parents=True, exist_ok=True)
                        (args.save / f"{fmt}-{i}.{name.split('.')[1]}").write_bytes(data)
            seconds = time.perf_counter() - started
            print(
                f"{fmt:<20} {args.per_format:>6} {counts['ok']:>6} {counts['refused']:>8} "
                f"{counts['unexpected']:>10}  {seconds:7.1f}"
            )
            for line in examples[:5]:
                print(line)
            total_unexpected += counts["unexpected"]
    print(f"unexpected in total: {total_unexpected}")
    return 1 if total_unexpected else 0


def _mutant(
    rng: random.Random, fmt: str, paths: list[Path], huge: int
) -> tuple[bytes, str | None, fuzzing.Outcome | None]:
    """One mutated input; for a title-only change also what the file read before, to compare."""
    path = rng.choice(paths)
    if fmt == "ffcsv-zip":
        member = fuzzing.zip_member(path)
        if rng.random() < 0.6:
            member = fuzzing.apply(member, fuzzing.random_ops(rng, huge))
        variant = "deflate" if rng.random() < 0.5 else rng.choice(fuzzing.ZIP_VARIANTS)
        data = fuzzing.make_zip(member, variant)
        if rng.random() < 0.3:
            data = fuzzing.apply(data, fuzzing.random_ops(rng, huge))
        return data, None, None
    data = path.read_bytes()
    if rng.random() < 0.25:
        # A change to the title lines only: the data rows must read as before, or be refused.
        payload = rng.choice(fuzzing.TITLE_PAYLOADS)
        if rng.random() < 0.1:
            payload = rng.choice([b"7", b"x"]) * rng.randint(81, huge)
        kind = rng.choice(["insert", "overwrite"])
        at = rng.randint(0, 2**20)
        change = f"{kind} {payload[:20]!r} at {at}"
        return fuzzing.title_change(data, fmt, kind, at, payload), change, _original(path, fmt)
    return fuzzing.apply(data, fuzzing.random_ops(rng, huge)), None, None


_ORIGINALS: dict[Path, fuzzing.Outcome] = {}


def _original(path: Path, fmt: str) -> fuzzing.Outcome:
    if path not in _ORIGINALS:
        _ORIGINALS[path] = fuzzing.outcome(lambda: readers.read(path, fmt, source="fuzz"))
    return _ORIGINALS[path]


def _same_rows(
    frame: pl.DataFrame, original: fuzzing.Outcome | None, change: str
) -> tuple[str, str]:
    if original is None or original.frame is None:
        return "unexpected", f"the unchanged file did not read: {original}"
    try:
        assert_frame_equal(
            frame.select(fuzzing.DATA_COLUMNS), original.frame.select(fuzzing.DATA_COLUMNS)
        )
    except AssertionError as exc:
        return "unexpected", f"title-only change {change} changed the data rows: {exc}"[:400]
    return "ok", ""


if __name__ == "__main__":
    sys.exit(main())
