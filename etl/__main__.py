"""`python -m etl run | check | inspect`: parse options, call the library, turn errors into lines.

Exit codes: 0 success, 1 a user error (one readable line per problem, no traceback), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from etl import load, readers
from etl.errors import EtlError

DEFAULT_CATALOG = Path("indicators.toml")
DEFAULT_DATA = Path("data")
DEFAULT_DB = Path("data/warehouse.duckdb")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.command(args))
    except EtlError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        if not exc.problems:
            print("error: the build failed for an unknown reason", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m etl", description="WIR-Monitor: build and check the warehouse."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="build the warehouse from the catalogue and the data")
    _inputs(run)
    run.add_argument("--db", type=Path, default=DEFAULT_DB, help="the warehouse link to publish")
    run.set_defaults(command=_run)

    check = commands.add_parser("check", help="validate catalogue and sources; write nothing")
    _inputs(check)
    check.set_defaults(command=_check)

    inspect = commands.add_parser("inspect", help="parse one data file and show what was read")
    inspect.add_argument("file", type=Path)
    inspect.add_argument("--format", choices=list(readers.FORMATS), help="default: detected")
    output = inspect.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="a summary as JSON")
    output.add_argument("--csv", action="store_true", help="the tidy frame as CSV")
    inspect.set_defaults(command=_inspect)
    return parser


def _inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)


def _run(args: argparse.Namespace) -> int:
    result = load.build(args.catalog, args.data, args.db)
    inputs = result.inputs
    catalog = inputs.catalog
    samples = sum(s.is_sample for s in inputs.manifest.sources)
    print(f"Warehouse {args.db} -> {result.file.name}")
    print(
        f"  {catalog.municipality.name}: {len(catalog.fields)} fields, {len(catalog.goals)} goals, "
        f"{len(catalog.measures)} measures"
    )
    print(
        f"  {len(inputs.manifest.sources)} sources ({samples} sample), "
        f"{inputs.observations.height:,} observations"
    )
    own = result.indicator_progress.filter(
        pl.col("region_code") == catalog.municipality.region_code
    )
    print(f"  {len(catalog.indicators)} indicators; status for {catalog.municipality.name}:")
    for status, count in own.group_by("status").len().sort("len", descending=True).iter_rows():
        print(f"    {count:3d}  {status}")
    _print_warnings(inputs.warnings)
    return 0


def _check(args: argparse.Namespace) -> int:
    inputs = load.gather(args.catalog, args.data)
    print(
        f"OK: {args.catalog} and {args.data}/sources.toml are valid; "
        f"{len(inputs.manifest.sources)} files read, {inputs.observations.height:,} observations"
    )
    _print_warnings(inputs.warnings)
    return 0


def _print_warnings(warnings: list[str]) -> None:
    print(f"  {len(warnings)} warning(s)")
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def _inspect(args: argparse.Namespace) -> int:
    fmt = args.format or readers.detect_format(args.file)
    frame = readers.read(args.file, fmt)
    if args.csv:
        sys.stdout.write(frame.write_csv())
        return 0
    summary = summarise(frame)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    print(f"{args.file} ({readers.FORMATS[fmt]})")
    print(f"  rows:     {summary['rows']:,}")
    print(f"  periods:  {', '.join(map(str, summary['periods']))}")
    print(f"  regions:  {len(summary['regions'])}")
    print("  measures:")
    for measure in summary["measures"]:
        print(f"    {measure['name']} [{measure['unit'] or 'ohne Einheit'}]")
    flags = ", ".join(f"'{k}': {v}" for k, v in summary["flags"].items()) or "none"
    print(f"  flags:    {flags}")
    return 0


def summarise(frame: pl.DataFrame) -> dict:
    """What `inspect --json` prints: rows, measures with units, regions, periods, flag counts."""
    measures = frame.select("measure", "unit").unique(maintain_order=True)
    regions = frame.select("region_code", "region_name").unique(maintain_order=True)
    flags = frame.filter(pl.col("flag").is_not_null()).group_by("flag").len().sort("flag")
    return {
        "rows": frame.height,
        "measures": [{"name": m, "unit": u} for m, u in measures.iter_rows()],
        "regions": [{"code": c, "name": n} for c, n in regions.iter_rows()],
        "periods": sorted(frame["period"].unique().to_list()),
        "flags": dict(flags.iter_rows()),
    }


if __name__ == "__main__":
    sys.exit(main())
