"""Staff figures that reveal no one: the staff report is protected before it reaches the warehouse.

The staff report counts the city's own employees by department, pay grade, sex and migration
background: personal data of a small population. Every number of a `staff_report` source that
reaches the warehouse (the `observations`, and through them each indicator's inputs, numerator
and denominator) passes through `protect` first; the unprotected detail is never stored.

The rule is the Federal Employment Agency's (Statistik der BA): counts of 1 or 2 persons are
not published, nor any number from which such a count can be worked out. Zero is published:
it names no one, the BA publishes it too, and hiding it would also hide a structural fact (no
hires in a grade) and spread secondary suppression for nothing. What the rule does not cover,
and this module does not either, is a whole group sharing an attribute (all 4 of a cell with
migration background): the BA rule, like ours, protects counts, not shares.

What is published, and why margins. Today's indicators sum detail rows; with one detail
suppressed, the city total would be unknown. So the totals are computed here from the full data,
before anything is suppressed, and published as rows of their own: every margin of the table
department × pay grade × sex, with `insgesamt` in place of the summed coordinate
(`Fachbereich: insgesamt | Entgeltgruppe: E13/A13 und höher`, sex `insgesamt`). The indicator
series select these rows instead of adding up details. Publishing all margins, not only the few
an indicator needs, keeps the additive relations regular (each is one line of the table), and it
is what a statistical office would publish; the margins are protected like any other cell.

Primary suppression: every published cell (detail or margin) with 0 < value < 3.

Secondary suppression: the relations among published cells are every line of the table (a
margin and the cells it adds up, along each of the three coordinates), per measure, per year and
region; the years are not linked (stock and hires of one year do not add up to the next stock,
leavers are not published). The measures are linked where one counts a subset of another:
migration background is a voluntary answer in the staff survey, so "mit Migrationshintergrund" ⊆
"Antworten der Personalbefragung" ⊆ "Beschäftigte", and "Neueinstellungen mit
Migrationshintergrund" ⊆ "Neueinstellungen". Each such pair makes a difference that anyone can
work out (4 employees, 2 with migration background: 2 without), so the difference is a cell too,
never published but protected like one (`LINKS`). Hires and stock are not linked: a flow and a
stock at a date are different populations, and no subtraction between them counts persons.

How the partners are chosen: a hypercube per sensitive cell (the method of τ-ARGUS' GHMITER,
Repsilber). For each coordinate take the cell's own value and one other of the same line, another
part or the line's total; the 2 × 2 × 2 cells so chosen are all suppressed. Adding +d and -d to
them in turn (a part and its total move together) leaves every line sum as it was, and a
difference of linked measures simply absorbs the change, so every corner, the sensitive cell
first, stays unknown whatever else is published. A difference of two linked measures is
protected by a hypercube in its whole or in its part. Among the candidates the cheapest wins:
fewest new totals of level 3, then of level 2 (the totals the indicators use stay published
wherever possible), then fewest zeros (a count cannot fall below 0, so a zero corner can only
move one way and protects the secret on one side only), then fewest persons hidden. Corners
an earlier hypercube already suppressed cost nothing, so the cubes share their cells.

Why not the usual line rule, "no line with exactly one suppressed cell, iterate": it is not
enough. With two suppressed 2 × 2 rectangles joined by one more suppressed cell, every line holds
two secrets, yet the sum of two rows minus the sum of two columns gives the joining cell. So the
result is checked exactly before anything leaves this module (`disclosed`): what single
relations give away is propagated, then Gauss–Jordan elimination in integers over the remaining
unknown cells decides which of them all the relations together fix (a cell is fixed when its unit
vector is in the row space). A sensitive cell fixed so stops the build; by the argument above it
cannot happen. What is not claimed: bounds. Knowing counts are never negative, an attacker can
narrow a secret cell to a range (0 up to the sum of its hidden line); the BA rule asks that the
value cannot be worked out, not for a minimum width of that range.

On the shipped sample this hides 638 of 5,400 published cells, mostly hires with migration
background (a third of its detail cells are 1 or 2), and none of the totals an indicator uses.

How a suppressed cell looks: value NULL and flag "." ("Zahlenwert unbekannt oder geheim zu
halten"), the project's symbol for it. Primary and secondary cells look the same on purpose: a
reason per cell ("fewer than 3") would reveal which cells are 1 or 2. That "." on staff figures
means "kept secret for confidentiality" is said once, in data/README.md.

Which sources: by format, `staff_report` (`PROTECTED_FORMATS`). A flag per source in
data/sources.toml would be the better place once the manifest has one.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from etl.errors import Problem, SourceFileError
from etl.readers import city
from etl.readers._common import TIDY_SCHEMA
from vocabulary import TOTAL

# The BA rule: 1 and 2 are secret, 0 and 3 upwards are published.
MIN_PERSONS = 3
SUPPRESSED = "."
PROTECTED_FORMATS = frozenset({"staff_report"})

_STAFF_MEASURES = city.FORMATS["staff_report"].measures
STAFF = _STAFF_MEASURES["Beschaeftigte"][0]
STAFF_MH = _STAFF_MEASURES["mit_Migrationshintergrund"][0]
ANSWERS = _STAFF_MEASURES["Antworten_Befragung"][0]
HIRES = _STAFF_MEASURES["Neueinstellungen"][0]
HIRES_MH = _STAFF_MEASURES["Neueinstellungen_mit_Migrationshintergrund"][0]

# (whole, part): the part counts a subset of the whole's persons in every cell.
LINKS: tuple[tuple[str, str], ...] = (
    (STAFF, ANSWERS),
    (ANSWERS, STAFF_MH),
    (STAFF, STAFF_MH),
    (HIRES, HIRES_MH),
)

# One cell: (measure, coordinate, …); a margin has TOTAL in the coordinates it sums over.
Key = tuple[str, ...]
# The columns that separate independent tables: nothing adds up across them.
_BLOCK = ["source", "region_code", "region_name", "period", "reference_date", "nationality"]


@dataclass(frozen=True)
class Relation:
    """total = sum(parts), true of the unprotected values."""

    total: Key
    parts: tuple[Key, ...]

    @property
    def cells(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Table:
    """The cells of one year's table, which of them are published, and how they add up.

    `links` maps each never-published difference measure to its (whole, part).
    """

    values: Mapping[Key, float | None]
    flags: Mapping[Key, str | None]
    published: frozenset[Key]
    relations: tuple[Relation, ...]
    links: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def sensitive(self) -> frozenset[Key]:
        """Cells that must not be known: 1 or 2 persons, published or only derivable."""
        return frozenset(k for k, v in self.values.items() if v is not None and 0 < v < MIN_PERSONS)

    def visible(self, hidden: Iterable[Key]) -> frozenset[Key]:
        """Published cells that show a number when `hidden` is suppressed."""
        shown = self.published - frozenset(hidden)
        return frozenset(k for k in shown if self.values[k] is not None)


def level(key: Key) -> int:
    """How many coordinates a cell sums over: 0 for a detail, up to all for the grand total."""
    return sum(c == TOTAL for c in key[1:])


def complement(whole: str, part: str) -> str:
    """The measure name of a link's difference, never published (see `LINKS`)."""
    return f"{whole} ohne {part}"


def build(
    details: Mapping[Key, float | None],
    links: Sequence[tuple[str, str]] = (),
    flags: Mapping[Key, str | None] | None = None,
) -> Table:
    """The table of `details` with every margin, its line relations and the links' differences.

    >>> t = build({("n", "a"): 1.0, ("n", "b"): 4.0})
    >>> t.values[("n", "insgesamt")], t.relations
    (5.0, (Relation(total=('n', 'insgesamt'), parts=(('n', 'a'), ('n', 'b'))),))
    """
    flags = flags or {}
    values: dict[Key, float | None] = dict(details)
    cell_flags: dict[Key, str | None] = {k: flags.get(k) for k in details}
    dims = {len(k) for k in details}
    if len(dims) > 1:
        raise ValueError("every detail key needs the same number of coordinates")
    width = dims.pop() - 1 if dims else 0
    members: dict[Key, list[Key]] = {}
    for key in details:
        for mask in itertools.product((False, True), repeat=width):
            if any(mask):
                coords = (TOTAL if t else c for c, t in zip(key[1:], mask, strict=True))
                members.setdefault((key[0], *coords), []).append(key)
    for margin, keys in members.items():
        parts = [details[k] for k in keys]
        if all(v is not None for v in parts):
            values[margin] = sum(parts)  # type: ignore[arg-type]
            cell_flags[margin] = None
        else:
            # The margin of unknown parts is unknown: "-" only if every part is "-".
            missing = {flags.get(k) for k in keys if details[k] is None}
            values[margin] = None
            cell_flags[margin] = missing.pop() if len(missing) == 1 else SUPPRESSED
    published = frozenset(values)

    lines: dict[tuple[Key, int], list[Key]] = {}
    for key in sorted(values):
        for d in range(1, width + 1):
            if key[d] != TOTAL:
                lines.setdefault(((*key[:d], TOTAL, *key[d + 1 :]), d), []).append(key)
    relations = [Relation(total, tuple(parts)) for (total, _), parts in lines.items()]

    present = {k[0] for k in values}
    differences: dict[str, tuple[str, str]] = {}
    for whole, part in links:
        if whole not in present or part not in present:
            continue
        differences[complement(whole, part)] = (whole, part)
        for key in sorted(k for k in published if k[0] == whole):
            other = (part, *key[1:])
            if other not in values:
                continue
            rest = (complement(whole, part), *key[1:])
            a, b = values[key], values[other]
            values[rest] = None if a is None or b is None else a - b
            cell_flags[rest] = None
            relations.append(Relation(key, (other, rest)))
    return Table(values, cell_flags, published, tuple(relations), differences)


def suppress(table: Table) -> frozenset[Key]:
    """The published cells to suppress: the sensitive ones and their secondary partners.

    Each sensitive cell, the smallest first, gets the cheapest hypercube of suppressed cells
    around it (see `_hypercubes`); corners an earlier cube already suppressed cost nothing.
    `disclosed` checks the result exactly.
    """
    sensitive = table.sensitive()
    hidden = set(sensitive & table.published)
    axes = _axes(table)
    for cell in sorted(sensitive, key=lambda k: (level(k), k)):
        cubes = list(_hypercubes(table, axes, cell))
        if not cubes:
            raise ValueError(f"no hypercube of published cells around {cell}")
        hidden |= min(cubes, key=lambda cube: _cube_cost(table, hidden, cube))
    return frozenset(hidden)


def disclosed(table: Table, hidden: Iterable[Key]) -> frozenset[Key]:
    """Sensitive cells that the published cells reveal when `hidden` is suppressed.

    Shown outright, given away by one relation, or determined by all relations together.
    """
    sensitive = table.sensitive()
    visible = table.visible(hidden)
    known = visible | _propagate(table, visible)
    return frozenset(sensitive & (known | _determined(table, known)))


def _axes(table: Table) -> list[list[str]]:
    """Per coordinate, the values it takes, `insgesamt` included."""
    width = len(next(iter(table.values))) - 1
    return [sorted({k[d] for k in table.published}) for d in range(1, width + 1)]


def _hypercubes(table: Table, axes: list[list[str]], cell: Key) -> Iterable[frozenset[Key]]:
    """Every hypercube of published cells with `cell` (or, for a difference, its whole or part) at
    a corner: per coordinate the cell's value and one other of the same line (another part, or
    the total). Shifting the corners by +d and -d in turn keeps every line sum, so none of them
    can be worked out while all are suppressed.
    """
    measures = table.links.get(cell[0], (cell[0],))
    for measure in measures:
        choices = [
            [v for v in values if v != own and not (own == TOTAL and v == TOTAL)]
            for own, values in zip(cell[1:], axes, strict=True)
        ]
        for others in itertools.product(*choices):
            cube = frozenset(
                (measure, *corner)
                for corner in itertools.product(
                    *((own, other) for own, other in zip(cell[1:], others, strict=True))
                )
            )
            if cube <= table.published:
                yield cube


def _cube_cost(table: Table, hidden: set[Key], cube: frozenset[Key]) -> tuple[float, ...]:
    """What suppressing the cube's new corners costs: totals first, then zeros, then persons.

    Fewer new cells at each summed level from the top down (the totals the indicators use stay
    published where possible), then fewer zeros (a zero corner can only move up, which halves
    the protection), then the fewest persons hidden.
    """
    new = [k for k in cube if k not in hidden and table.values[k] is not None]
    width = len(next(iter(cube))) - 1
    by_level = [sum(level(k) == n for k in new) for n in range(width, 1, -1)]
    zeros = sum(table.values[k] == 0 for k in new)
    return (*by_level, zeros, sum(table.values[k] or 0 for k in new))


def _propagate(table: Table, visible: frozenset[Key]) -> frozenset[Key]:
    """Cells worked out one relation at a time: a relation with one unknown cell gives it away."""
    index: dict[Key, list[int]] = {}
    for i, relation in enumerate(table.relations):
        for cell in relation.cells:
            index.setdefault(cell, []).append(i)
    unknown_in = [sum(c not in visible for c in r.cells) for r in table.relations]
    known: set[Key] = set()
    queue = [i for i, n in enumerate(unknown_in) if n == 1]
    while queue:
        relation = table.relations[queue.pop()]
        cells = [c for c in relation.cells if c not in visible and c not in known]
        if len(cells) != 1:
            continue
        known.add(cells[0])
        for i in index[cells[0]]:
            unknown_in[i] -= 1
            if unknown_in[i] == 1:
                queue.append(i)
    return frozenset(known)


def _determined(table: Table, known: Iterable[Key]) -> frozenset[Key]:
    """Unknown cells fixed by all relations together: exact Gauss–Jordan over the unknowns.

    Each relation restricted to the unknown cells is one row (+1 per part, -1 for the total,
    the known cells moved to the right-hand side). A cell is determined exactly when its unit
    vector lies in the row space, i.e. when its row of the reduced echelon form has no other
    entry. Rows are kept in integers (scaled, divided by their gcd), so nothing is rounded.
    """
    known = frozenset(known)
    basis: dict[Key, dict[Key, int]] = {}  # pivot → reduced row, zero at every other pivot
    for relation in table.relations:
        row = {c: 1 for c in relation.parts if c not in known}
        if relation.total not in known:
            row[relation.total] = -1
        for pivot in [c for c in row if c in basis]:
            row = _eliminate(row, basis[pivot], pivot)
        if not row:
            continue
        pivot = min(row)
        for other in [p for p, r in basis.items() if pivot in r]:
            basis[other] = _eliminate(basis[other], row, pivot)
        basis[pivot] = row
    return frozenset(p for p, row in basis.items() if len(row) == 1)


def _eliminate(row: dict[Key, int], by: dict[Key, int], pivot: Key) -> dict[Key, int]:
    """`row` with its `pivot` entry cancelled by a multiple of `by`, divided by its gcd."""
    a, b = by[pivot], row[pivot]
    out = {c: v * a for c, v in row.items()}
    for c, v in by.items():
        out[c] = out.get(c, 0) - b * v
    out = {c: v for c, v in out.items() if v}
    divisor = math.gcd(*out.values()) if out else 1
    return {c: v // divisor for c, v in out.items()}


# --- the staff report as a frame --------------------------------------------------------------


def protect(frame: pl.DataFrame, file: str) -> pl.DataFrame:
    """The publishable staff report: detail rows and every margin, with "." where secret.

    `frame` is what the staff_report reader returns (detail rows only); `file` names the source
    file in problems. Rows come back in the tidy schema, details first, margins with `line` null.
    """
    if frame.is_empty():
        return frame
    labels = _labels(frame, file)
    _check(frame, labels, file)
    units = dict(frame.select("measure", "unit").unique().iter_rows())
    order = {m: i for i, m in enumerate(frame["measure"].unique(maintain_order=True))}
    rows: list[dict] = []
    for block, group in frame.partition_by(_BLOCK, as_dict=True, maintain_order=True).items():
        details: dict[Key, float | None] = {}
        flags: dict[Key, str | None] = {}
        lines: dict[Key, int | None] = {}
        for row in group.iter_rows(named=True):
            key = (row["measure"], row["sex"], *_coordinates(row["category"], labels))
            details[key], flags[key], lines[key] = row["value"], row["flag"], row["line"]
        table = build(details, LINKS, flags)
        hidden = suppress(table)
        leaked = disclosed(table, hidden)
        if leaked:  # a hypercube cannot leak: this guards the reasoning, and publishes nothing
            where = ", ".join(f"{k} = {v}" for k, v in zip(_BLOCK, block, strict=True))
            raise SourceFileError.one(
                file, f"disclosure control left {len(leaked)} cells recoverable ({where})"
            )
        cells = sorted(
            table.published, key=lambda k: (k not in lines, order[k[0]], lines.get(k), k)
        )
        for key in cells:
            secret = key in hidden
            rows.append(
                {
                    **dict(zip(_BLOCK, block, strict=True)),
                    "measure": key[0],
                    "unit": units[key[0]],
                    "sex": key[1],
                    "category": " | ".join(
                        f"{label}: {value}" for label, value in zip(labels, key[2:], strict=True)
                    ),
                    "value": None if secret else table.values[key],
                    "flag": SUPPRESSED if secret else table.flags[key],
                    "line": lines.get(key),
                }
            )
    return pl.DataFrame(rows, schema=TIDY_SCHEMA)


def _labels(frame: pl.DataFrame, file: str) -> list[str]:
    """The category's labels ("Fachbereich", "Entgeltgruppe"), the same in every row."""
    first = frame["category"][0] or ""
    labels = [part.split(": ", 1)[0] for part in first.split(" | ")] if first else []
    parts = pl.col("category").fill_null("").str.split(" | ")
    same = pl.all_horizontal(
        parts.list.len() == len(labels),
        *(
            parts.list.get(i, null_on_oob=True).str.starts_with(f"{label}: ")
            for i, label in enumerate(labels)
        ),
    )
    wrong = (
        frame.filter(~same.fill_null(False))
        if labels
        else frame.filter(pl.col("category").is_not_null())
    )
    if wrong.height:
        expected = " | ".join(f"{label}: …" for label in labels) or "none"
        raise SourceFileError.one(
            file,
            f'category "{wrong["category"][0]}" does not have the parts of the first row '
            f"({expected})",
            line=wrong["line"][0],
        )
    return labels


def _coordinates(category: str | None, labels: list[str]) -> list[str]:
    parts = category.split(" | ") if category else []
    return [part.removeprefix(f"{label}: ") for part, label in zip(parts, labels, strict=True)]


def _check(frame: pl.DataFrame, labels: list[str], file: str) -> None:
    """Detail rows only, each once, and every part of a link within its whole."""
    problems: list[Problem] = []
    coordinates = [
        pl.col("category").str.split(" | ").list.get(i).str.splitn(": ", 2).struct[1]
        for i in range(len(labels))
    ]
    total = pl.any_horizontal(
        pl.col("sex") == TOTAL,
        *(c.str.to_lowercase().is_in([TOTAL, "zusammen"]) for c in coordinates),
    )
    totals = frame.filter(total)
    if totals.height:
        problems.append(
            Problem(
                file,
                "a total row; the staff report must list detail rows only (the monitor adds "
                "the totals and keeps secret what would reveal fewer than 3 persons)",
                line=totals["line"].min(),
            )
        )
    key = [*_BLOCK, "measure", "sex", "category"]
    twice = frame.filter(~pl.struct(key).is_first_distinct())
    if twice.height:
        problems.append(
            Problem(
                file,
                f"{twice.height} values repeat a year, region, department, pay grade and sex "
                "of an earlier row",
                line=twice["line"].min(),
            )
        )
    if problems:
        raise SourceFileError(problems)
    wide = frame.select(*_BLOCK, "sex", "category", "measure", "value", "line").pivot(
        on="measure", index=[*_BLOCK, "sex", "category"], values=["value", "line"]
    )
    for whole, part in LINKS:
        if f"value_{whole}" not in wide.columns or f"value_{part}" not in wide.columns:
            continue
        over = wide.filter(pl.col(f"value_{part}") > pl.col(f"value_{whole}"))
        if over.height:
            problems.append(
                Problem(
                    file,
                    f'"{part}" ({over[f"value_{part}"][0]:g}) exceeds "{whole}" '
                    f"({over[f'value_{whole}'][0]:g}), of which it is a part",
                    line=over[f"line_{part}"][0],
                )
            )
    if problems:
        raise SourceFileError(problems)
