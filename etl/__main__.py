"""`python -m etl run | check | inspect | template | round close | report`: parse options, call
the library, turn errors into lines.

Exit codes: 0 success, 1 a user error (one readable line per problem, no traceback), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from etl import catalog as catalog_module
from etl import disclosure, load, readers
from etl.catalog import Catalog, Indicator
from etl.errors import EtlError, Problem
from etl.readers._common import display_name
from vocabulary import TOTAL

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

    inspect = commands.add_parser(
        "inspect",
        help="parse one data file and show what a series can select in it",
        description="Parse one data file; per measure, the sex, nationality and category values "
        "exactly as a series filter spells them, and which of the catalogue's regions the file "
        "has, in which years.",
    )
    inspect.add_argument("file", type=Path)
    inspect.add_argument("--format", choices=list(readers.FORMATS), help="default: detected")
    inspect.add_argument(
        "--catalog",
        type=Path,
        help=f"the catalogue naming the municipality and its comparison regions "
        f"(default: {DEFAULT_CATALOG} where there is one)",
    )
    template = commands.add_parser(
        "template",
        help="write the XLSX in which measure owners report a round",
        description="One sheet per owner with their measures, pre-filled with the state of the "
        "round before, a drop-down for the state and a German instruction sheet. Saved as "
        "data/massnahmen/<round>.xlsx, the filled-in file is the round's report.",
    )
    _inputs(template)
    template.add_argument("--round", required=True, dest="round_id")
    template.add_argument("--out", type=Path, required=True)
    template.add_argument("--owner", help="only this owner's measures (one sheet)")
    template.set_defaults(command=_template)

    round_ = commands.add_parser("round", help="reporting rounds: close one")
    round_commands = round_.add_subparsers(required=True, metavar="ACTION")
    close = round_commands.add_parser(
        "close",
        help="freeze a round: values, statuses, measure states (data/rounds/<round>.duckdb)",
    )
    close.add_argument("round_id", metavar="ROUND")
    _inputs(close)
    close.add_argument("--db", type=Path, default=DEFAULT_DB)
    close.add_argument("--note", default="", help="a note kept with the round")
    close.add_argument(
        "--data-until",
        type=int,
        metavar="YEAR",
        help="judge the statuses on values up to this year only (a round closed after the fact)",
    )
    close.set_defaults(command=_close_round)

    report = commands.add_parser("report", help="the report of a closed round for the committee")
    report.add_argument("--round", required=True, dest="round_id")
    report.add_argument("--format", required=True, choices=("pdf", "xlsx", "html"), dest="fmt")
    report.add_argument("--out", type=Path, required=True)
    report.add_argument("--db", type=Path, default=DEFAULT_DB)
    report.set_defaults(command=_report)

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
    town = catalog.municipality
    samples = sum(s.is_sample for s in inputs.manifest.sources)
    print(f"Warehouse {args.db} -> {result.file.name}")
    # "Maßnahmen", not "measures": a measure is also what a data file counts.
    print(
        f"  {town.name}: {len(catalog.fields)} fields, {len(catalog.goals)} goals, "
        f"{len(catalog.measures)} Maßnahmen, {len(catalog.indicators)} indicators"
    )
    print(
        f"  {len(inputs.manifest.sources)} sources ({samples} sample), "
        f"{inputs.observation_count:,} observations"
    )
    own = result.indicator_progress.filter(pl.col("region_code") == town.region_code)
    rows = {row["indicator_id"]: row for row in own.iter_rows(named=True)}
    print(f"  indicators for {town.name} ({town.region_code}): status, latest value")
    width = min(max((len(i.id) for i in catalog.indicators), default=0), 50)
    for ind in catalog.indicators:
        print(f"    {ind.id:<{width}}  {_status_line(rows.get(ind.id), ind)}")
    counts = own.group_by("status").len().sort("len", "status", descending=[True, False])
    print("  " + ", ".join(f"{n} {status}" for status, n in counts.iter_rows()))
    _print_warnings(inputs.warnings)
    return 0


def _status_line(row: dict | None, ind: Indicator) -> str:
    if row is None:
        return "not computed for the municipality (see its regions)"
    if row["latest_period"] is None:
        latest = f"no value since its baseline year {ind.baseline}"
    else:
        latest = f"{row['latest_period']}: {_number(row['latest_value'])} {ind.unit}"
    sample = "  (sample data)" if row["uses_sample"] else ""
    return f"{row['status']:<32} {latest}{sample}"


def _number(value: float) -> str:
    """A value as the run summary shows it: thousands separated, two decimals at most (one
    from 1,000 on), no trailing zeros.

    >>> _number(522131.0), _number(12610.5), _number(35.609756), _number(0.931034), _number(1.0)
    ('522,131', '12,610.5', '35.61', '0.93', '1')
    """
    shown = f"{value:,.1f}" if abs(value) >= 1000 else f"{value:,.2f}"
    return shown.rstrip("0").rstrip(".")


def _check(args: argparse.Namespace) -> int:
    inputs = load.gather(args.catalog, args.data)
    print(
        f"OK: {args.catalog} and {args.data}/sources.toml are valid; "
        f"{len(inputs.manifest.sources)} files read, {inputs.observation_count:,} observations"
    )
    _print_warnings(inputs.warnings)
    _print_smart(inputs.catalog)
    return 0


def _print_smart(catalog: Catalog) -> None:
    """Per goal, the SMART criteria the catalogue can check that it fails."""
    gaps = catalog_module.smart_gaps(catalog)
    by_goal: dict[str, list[str]] = {}
    for goal_id, criterion, message in gaps:
        by_goal.setdefault(goal_id, []).append(f"{criterion}: {message}")
    print(f"  SMART: {len(by_goal)} of {len(catalog.goals)} goals miss a criterion")
    sys.stdout.flush()
    for goal_id, found in by_goal.items():
        print(f"smart: goal {goal_id}: {'; '.join(found)}", file=sys.stderr)


def _template(args: argparse.Namespace) -> int:
    from etl import rounds

    catalog = catalog_module.load(args.catalog)
    reports = rounds.read_reports(catalog, args.data)
    out = rounds.write_template(catalog, reports, args.round_id, args.out, owner=args.owner)
    print(f"wrote {out}: fill in, save as {args.data}/massnahmen/{args.round_id}.xlsx")
    return 0


def _close_round(args: argparse.Namespace) -> int:
    from etl import snapshot

    result = snapshot.close_round(
        args.catalog, args.data, args.db, args.round_id, args.note, args.data_until
    )
    frozen = snapshot.round_file(args.data, args.round_id)
    print(f"closed round {args.round_id}: {frozen}; published {result.link} -> {result.file.name}")
    return 0


def _report(args: argparse.Namespace) -> int:
    import duckdb

    # The report is a view of the warehouse, like the dashboard's pages, and lives beside them.
    from dashboard import report

    if not args.db.exists():
        raise EtlError(
            [Problem(str(args.db), "no warehouse here: build it first with python -m etl run")]
        )
    con = duckdb.connect(str(args.db.resolve()), read_only=True)
    try:
        out = report.write(con, args.round_id, args.fmt, args.out)
    except report.ReportError as exc:
        raise EtlError([Problem(exc.where, exc.message)]) from None
    finally:
        con.close()
    print(f"wrote {out}")
    return 0


def _print_warnings(warnings: list[str]) -> None:
    print(f"  {len(warnings)} warning(s)")
    sys.stdout.flush()  # the count before the lines, where both go to one terminal
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def _inspect(args: argparse.Namespace) -> int:
    fmt = args.format or readers.detect_format(args.file)
    frame = readers.read(args.file, fmt)
    if fmt in disclosure.PROTECTED_FORMATS:
        # What the warehouse stores and a series selects: margins added, small counts secret.
        frame = disclosure.protect(frame, display_name(args.file))
    if args.csv:
        sys.stdout.write(frame.write_csv())
        return 0
    catalog = _inspect_catalog(args.catalog)
    summary = summarise(frame, catalog)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    print(f"{args.file} ({readers.FORMATS[fmt]})")
    if fmt in disclosure.PROTECTED_FORMATS:
        print("  protected as stored: totals added, counts of 1 or 2 kept secret")
    print(f"  rows:     {summary['rows']:,}")
    print(f"  periods:  {_years(summary['periods'])}")
    print("  measures, with the values a series filter takes (copy them as they are):")
    for measure in summary["measures"]:
        print(f"    {_quote(measure['name'])} [{measure['unit'] or 'ohne Einheit'}]")
        for column in ("sex", "nationality"):
            print(f"      {column + ':':<13} {_quoted_list(measure[column])}")
        _print_categories(measure)
    _print_regions(summary, catalog)
    flags = ", ".join(f"'{k}': {v}" for k, v in summary["flags"].items()) or "none"
    print(f"  flags:    {flags}")
    return 0


def _inspect_catalog(path: Path | None) -> Catalog | None:
    """The catalogue inspect compares regions with; a named one must be valid, the default
    one is only used where it is there and valid (inspect also serves before the catalogue)."""
    if path is not None:
        return catalog_module.load(path)
    if not DEFAULT_CATALOG.is_file():
        print(
            f"note: no {DEFAULT_CATALOG} here, so no municipality to look for; name one with "
            "--catalog",
            file=sys.stderr,
        )
        return None
    try:
        return catalog_module.load(DEFAULT_CATALOG)
    except EtlError as exc:
        print(
            f"note: {DEFAULT_CATALOG} has {len(exc.problems)} problem(s) (python -m etl check), "
            "so its regions are not looked for",
            file=sys.stderr,
        )
        return None


# How many values of one category label the text output lists; --json lists all.
SHOWN_PARTS = 20


def _print_categories(measure: dict) -> None:
    parts = measure["category_parts"]
    if not parts:
        print(f"      {'category:':<13} none (leave category out)")
        return
    values = measure["category"]
    how = (
        'parts joined by " | "; a series names one part or several'
        if len(parts) > 1
        else "a series names one or several"
    )
    none = " (and rows without a category)" if measure["without_category"] else ""
    print(f"      {'category:':<13} {len(values)} value(s){none}, {how}:")
    for shown in parts.values():
        more = f", … ({len(shown)} in all; --json lists them)" if len(shown) > SHOWN_PARTS else ""
        print(f"        {_quoted_list(shown[:SHOWN_PARTS])}{more}")


def _print_regions(summary: dict, catalog: Catalog | None) -> None:
    regions = summary["regions"]
    print(f"  regions:  {len(regions)}")
    if catalog is None:
        return
    town = summary["municipality"]
    rows = [(town, "municipality"), *((r, "comparison") for r in summary["comparison"])]
    width = max(len(r["code"]) for r, _ in rows)
    for region, role in rows:
        years = _years(region["periods"]) if region["in_file"] else "not in the file"
        if region["periods_without_value"]:
            years += f"; {_years(region['periods_without_value'])} only without a number"
        print(f"    {region['code']:<{width}}  {region['name']} ({role}): {years}")
    print(f"    other regions: {summary['other_regions']}")


def summarise(frame: pl.DataFrame, catalog: Catalog | None = None) -> dict:
    """What `inspect --json` prints: rows, measures with units and the sex, nationality and
    category values of each, regions, periods, flag counts; with a catalogue, whether the file
    has the municipality and each comparison region, in which years."""
    measures = frame.select("measure", "unit").unique(maintain_order=True)
    regions = frame.select("region_code", "region_name").unique(maintain_order=True)
    flags = frame.filter(pl.col("flag").is_not_null()).group_by("flag").len().sort("flag")
    summary: dict = {
        "rows": frame.height,
        "measures": [_measure(frame, m, u) for m, u in measures.iter_rows()],
        "regions": [{"code": c, "name": n} for c, n in regions.iter_rows()],
        "periods": sorted(frame["period"].unique().to_list()),
        "flags": dict(flags.iter_rows()),
    }
    if catalog is None:
        return summary
    town = catalog.municipality
    # A year whose every cell is a symbol ("-" for "not shown separately") has no number to
    # compute with: said apart from the years with numbers.
    years = frame.group_by("region_code").agg(
        pl.col("period").filter(pl.col("value").is_not_null()).unique().sort().alias("with"),
        pl.col("period").unique().sort().alias("all"),
    )
    periods = {code: (found, every) for code, found, every in years.iter_rows()}

    def region(code: str, name: str) -> dict:
        found, every = periods.get(code, ([], []))
        return {
            "code": code,
            "name": name,
            "in_file": code in periods,
            "periods": found,
            "periods_without_value": [p for p in every if p not in found],
        }

    known = {town.region_code, *(r.code for r in town.comparison)}
    summary["municipality"] = region(town.region_code, town.name)
    summary["comparison"] = [region(r.code, r.name) for r in town.comparison]
    summary["other_regions"] = len(set(periods) - known)
    return summary


def _measure(frame: pl.DataFrame, name: str, unit: str | None) -> dict:
    rows = frame.filter((pl.col("measure") == name) & pl.col("unit").eq_missing(unit))
    categories = rows["category"].drop_nulls().unique().sort().to_list()
    # Grouped by label ("Fachbereich"), labels in the order the values name them.
    parts: dict[str, list[str]] = {}
    for category in categories:
        for part in category.split(" | "):
            parts.setdefault(_label(part), [])
    for part in sorted({p for c in categories for p in c.split(" | ")}, key=_total_first):
        parts[_label(part)].append(part)
    return {
        "name": name,
        "unit": unit,
        "sex": sorted(rows["sex"].drop_nulls().unique().to_list(), key=_total_first),
        "nationality": sorted(
            rows["nationality"].drop_nulls().unique().to_list(), key=_total_first
        ),
        "category": categories,
        "category_parts": parts,
        "without_category": bool(categories) and rows["category"].null_count() > 0,
    }


def _total_first(value: str) -> tuple[bool, str]:
    """Sort key: the total ("insgesamt", "Fachbereich: insgesamt") first, then the alphabet."""
    return value.rpartition(": ")[2] != TOTAL, value


def _label(part: str) -> str:
    return part.split(": ", 1)[0] if ": " in part else ""


def _quote(text: str) -> str:
    """A value as TOML and JSON write it, so that it can be copied into the catalogue."""
    return json.dumps(text, ensure_ascii=False)


def _quoted_list(values: list[str]) -> str:
    return ", ".join(map(_quote, values)) or "none"


def _years(periods: list[int]) -> str:
    """Years with runs joined: 2009, 2010, 2011, 2015 → "2009–2011, 2015".

    >>> _years([2009, 2010, 2011, 2015, 2017, 2018]), _years([])
    ('2009–2011, 2015, 2017–2018', 'none')
    """
    runs: list[list[int]] = []
    for year in sorted(periods):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs) or "none"


if __name__ == "__main__":
    sys.exit(main())
