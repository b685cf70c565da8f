"""The owners' reports of their measures' states, one file per reporting round.

A measure's state is not kept in the catalogue: each round, the owners report it in
`<data_dir>/massnahmen/<round id>.csv` (or `.xlsx`, filled in from `write_template`), so that the
history stays and each state names who reported it, when, and why. `read_reports` reads every
round's file and checks it against the catalogue and against the earlier rounds; any problem in
any file refuses the whole lot, every problem listed at once (nothing is half-read).

The file format (data/README.md, "Maßnahmen-Meldungen"): one header row of column keys, then one
row per measure. CSV as German Excel saves "CSV UTF-8": UTF-8 (a BOM is fine), `;` between cells.
An XLSX holds such a table on each sheet but the instruction sheet "Anleitung".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation

from etl.catalog import Catalog, Measure, Round
from etl.errors import Problem, RoundFileError, did_you_mean, named, quoted
from etl.readers._common import line_of_offset, one_line_end
from vocabulary import MEASURE_STATES

REPORT_SCHEMA: dict[str, pl.DataType] = {
    "measure_id": pl.String(),
    "round": pl.String(),
    "state": pl.String(),
    "progress": pl.Float64(),
    "comment": pl.String(),
    "reported_by": pl.String(),
    "reported_on": pl.Date(),
    # Where the report stands, for a message or a tooltip: "massnahmen/2021.csv", line 3; in an
    # XLSX the sheet too (null for a CSV) and the sheet's row number.
    "file": pl.String(),
    "sheet": pl.String(),
    "line": pl.Int64(),
    "is_sample": pl.Boolean(),
}

FOLDER = "massnahmen"
REQUIRED = ("massnahme", "stand")
OPTIONAL = ("fortschritt", "kommentar", "gemeldet_von", "gemeldet_am")
# Written by the template to help the owner; read past, whatever they hold.
INFORMATIONAL = ("titel", "ziel", "verantwortlich", "faellig", "stand_vorrunde")
TEMPLATE_COLUMNS = (
    "massnahme",
    "titel",
    "ziel",
    "verantwortlich",
    "faellig",
    "stand_vorrunde",
    "stand",
    "fortschritt",
    "kommentar",
    "gemeldet_von",
    "gemeldet_am",
)
KNOWN_COLUMNS = (*REQUIRED, *OPTIONAL, *INFORMATIONAL)
INSTRUCTIONS = "Anleitung"

# The order of progress: going back needs a comment. "verzögert" stands level with "in
# Umsetzung"; "gestrichen" ends a measure, so leaving it for any state is going back too.
RANK = {
    "geplant": 0,
    "beschlossen": 1,
    "in Umsetzung": 2,
    "verzögert": 2,
    "umgesetzt": 3,
}
STRUCK = "gestrichen"
DONE = "umgesetzt"
# A report date before this is a typo: the strategies monitored here are all younger.
EARLIEST_REPORT = dt.date(2000, 1, 1)
SAVE_AS_CSV_UTF8 = (
    "save it as CSV UTF-8 (Excel: Datei → Speichern unter → "
    "„CSV UTF-8 (durch Trennzeichen getrennt)“)"
)
_SPREADSHEETS = (".csv", ".xlsx")
_OTHER_SPREADSHEETS = (".xls", ".xlsm", ".xlsb", ".ods", ".numbers", ".tsv", ".txt")


def goes_back(before: str, now: str) -> bool:
    """Whether a state moves back against the order of progress (then it needs a comment).

    >>> goes_back("umgesetzt", "geplant"), goes_back("in Umsetzung", "verzögert")
    (True, False)
    >>> goes_back("gestrichen", "in Umsetzung"), goes_back("beschlossen", "gestrichen")
    (True, False)
    """
    if before == STRUCK:
        return now != STRUCK
    if now == STRUCK:
        return False
    return RANK[now] < RANK[before]


def parse_progress(value: object, percent_format: bool = False) -> float | str:
    """A cell of `fortschritt` as a percentage from 0 to 100, or the reason it is none.

    Text: "45", "45 %", "45,5" or "45.5". An Excel number: as typed; a cell formatted as percent
    holds a fraction (0.45 shown as 45 %), which is unambiguous. An unformatted fraction between
    0 and 1 is refused, never guessed: 0.45 may mean 45 % or less than half a percent.

    >>> parse_progress("45 %"), parse_progress("45,5"), parse_progress(60)
    (45.0, 45.5, 60.0)
    >>> parse_progress(0.45, percent_format=True)
    45.0
    >>> print(parse_progress("x"))
    "x" is not a percentage; expected a number from 0 to 100, e.g. 45 or 45,5 (a % sign may follow)
    >>> print(parse_progress(0.45))
    0.45 lies between 0 and 1: if you mean 45 %, write 45
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return f"{quoted(value)} is not a percentage; expected a number from 0 to 100"
    if isinstance(value, str):
        match = re.fullmatch(r"\s*([0-9]+(?:[.,][0-9]+)?)\s*%?\s*", value)
        if match is None:
            return (
                f"{quoted(value)} is not a percentage; expected a number from 0 to 100, "
                "e.g. 45 or 45,5 (a % sign may follow)"
            )
        number = float(match.group(1).replace(",", "."))
        shown = quoted(value.strip())
    else:
        number = float(value) * (100 if percent_format else 1)
        shown = f"{number:g}"
        if not percent_format and isinstance(value, float) and 0 < value < 1:
            meant = f"{value * 100:g}"
            return f"{value:g} lies between 0 and 1: if you mean {meant} %, write {meant}"
    if not 0 <= number <= 100:
        return f"{shown} is out of range; expected a percentage from 0 to 100"
    return number


def parse_date(value: object) -> dt.date | str:
    """A cell of `gemeldet_am` as a date, or the reason it is none: TT.MM.JJJJ, JJJJ-MM-TT or
    a date Excel stores as one.

    >>> parse_date("22.11.2021"), parse_date("2021-11-22"), parse_date(dt.datetime(2021, 11, 22))
    (datetime.date(2021, 11, 22), datetime.date(2021, 11, 22), datetime.date(2021, 11, 22))
    >>> print(parse_date("31.02.2021"))
    "31.02.2021" is not a date; expected TT.MM.JJJJ (e.g. 22.11.2021) or JJJJ-MM-TT
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    german = re.fullmatch(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", text)
    iso = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", text)
    try:
        if german:
            return dt.date(int(german[3]), int(german[2]), int(german[1]))
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError:
        pass
    return f"{quoted(value)} is not a date; expected TT.MM.JJJJ (e.g. 22.11.2021) or JJJJ-MM-TT"


def latest_report_date(round_date: dt.date) -> dt.date:
    """The last date a report of a round may carry: a year after the round's date. Owners
    report after the round's date, some late; a date further on is a typo in the year.

    >>> latest_report_date(dt.date(2024, 2, 29))
    datetime.date(2025, 2, 28)
    """
    try:
        return round_date.replace(year=round_date.year + 1)
    except ValueError:  # 29 February
        return round_date.replace(year=round_date.year + 1, day=28)


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class _Table:
    """One table of a round's file: a CSV, or one sheet of an XLSX, cells as the file has them."""

    file: str  # display path, e.g. "massnahmen/2021.csv"
    sheet: str | None
    header: list[str]
    # (line or row number, the cells, whether each cell is formatted as percent)
    rows: list[tuple[int, list[Any], list[bool]]]

    @property
    def where(self) -> str:
        return self.file if self.sheet is None else f"{self.file}, sheet {quoted(self.sheet)}"

    def column(self, index: int) -> str:
        key = named(self.header[index]) if index < len(self.header) else "?"
        if self.sheet is None:
            return f'{index + 1} ("{key}")'
        from openpyxl.utils import get_column_letter  # openpyxl only where a sheet is read

        return f'{get_column_letter(index + 1)} ("{key}")'


@dataclass(frozen=True)
class _Report:
    measure_id: str
    round: str
    state: str
    progress: float | None
    comment: str | None
    reported_by: str | None
    reported_on: dt.date | None
    file: str
    sheet: str | None
    line: int
    is_sample: bool
    where: str


def read_reports(catalog: Catalog, data_dir: Path) -> pl.DataFrame:
    """Every round's reports in REPORT_SCHEMA, by round date and then as the files have them.

    Raises RoundFileError listing every problem in every file; without a massnahmen/ folder or
    any file in it, no measure is reported yet and the frame is empty.
    """
    problems: list[Problem] = []
    files = _round_files(catalog, data_dir / FOLDER, problems)
    reports: list[_Report] = []
    for round_ in catalog.rounds:
        path = files.get(round_.id)
        if path is None:
            continue
        tables = _read_file(path, f"{FOLDER}/{path.name}", problems)
        reports.extend(_reports_of(tables, round_, catalog, problems))
    _check_history(reports, problems)
    if problems:
        raise RoundFileError(problems)
    return pl.DataFrame(
        [{name: getattr(report, name) for name in REPORT_SCHEMA} for report in reports],
        schema=REPORT_SCHEMA,
    )


def _round_files(catalog: Catalog, folder: Path, problems: list[Problem]) -> dict[str, Path]:
    """The file of each round that has one; names that are no round, two files for one round
    and a round without a file before a later round's file are problems."""
    if not folder.is_dir():
        return {}
    declared = [r.id for r in catalog.rounds]
    shown = ", ".join(declared) or "none; declare the round as [[round]] with id, title and date"
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        # Hidden files, Excel's lock file of an open workbook (~$2024.xlsx) and notes are no
        # reports.
        if path.name.startswith((".", "~$")) or path.suffix.lower() == ".md" or path.is_dir():
            continue
        display = f"{FOLDER}/{path.name}"
        suffix = path.suffix.lower()
        if suffix in _OTHER_SPREADSHEETS:
            problems.append(
                Problem(
                    display,
                    f"a round's reports are read from .csv or .xlsx only; {SAVE_AS_CSV_UTF8} or "
                    "as Excel-Arbeitsmappe (.xlsx)",
                )
            )
            continue
        if suffix not in _SPREADSHEETS or path.stem not in declared:
            problems.append(
                Problem(
                    display,
                    f"{quoted(path.stem)} is not a declared round"
                    f"{did_you_mean(path.stem, declared)} (declared rounds in "
                    f"{catalog.path}: {shown}); name the file <round>.csv or <round>.xlsx",
                )
            )
            continue
        if path.suffix != suffix:
            problems.append(
                Problem(display, f"write the ending in lower case: {path.stem}{suffix}")
            )
            continue
        found.setdefault(path.stem, []).append(path)
    files: dict[str, Path] = {}
    for round_id, paths in found.items():
        if len(paths) > 1:
            names = " and ".join(p.name for p in paths)
            problems.append(
                Problem(
                    f"{FOLDER}/{paths[0].name}",
                    f"round {round_id} has two files, {names}; keep one",
                )
            )
        files[round_id] = paths[0]
    reported = [i for i, r in enumerate(catalog.rounds) if r.id in files]
    if reported:
        last = catalog.rounds[reported[-1]]
        for round_ in catalog.rounds[: reported[-1]]:
            if round_.id not in files:
                problems.append(
                    Problem(
                        FOLDER,
                        f"round {round_.id} ({round_.date:%d.%m.%Y}) has no file, but the later "
                        f"round {last.id} has one; add {FOLDER}/{round_.id}.csv or .xlsx (an "
                        "empty table with its header says that nothing was reported)",
                    )
                )
    return files


def _read_file(path: Path, file: str, problems: list[Problem]) -> list[_Table]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(file, f"cannot read the file: {exc.strerror}"))
        return []
    if path.suffix == ".xlsx":
        return _read_xlsx(data, file, problems)
    table = _read_csv(data, file, problems)
    return [] if table is None else [table]


def _read_csv(data: bytes, file: str, problems: list[Problem]) -> _Table | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        problems.append(
            Problem(
                file,
                f"the file is not UTF-8 text (byte 0x{data[start]:02X}); {SAVE_AS_CSV_UTF8}",
                line=line_of_offset(data, start),
            )
        )
        return None
    # One line rule for every reader (etl/readers/_common.py); a cell over two lines (Alt+Enter
    # in Excel) keeps "\n".
    reader = csv.reader(io.StringIO(one_line_end(text), newline=""), delimiter=";", strict=True)
    rows: list[tuple[int, list[Any], list[bool]]] = []
    header: list[str] | None = None
    line = 1
    try:
        for record in reader:
            if header is None:
                header = [cell.strip() for cell in record]
            elif any(cell.strip() for cell in record):
                rows.append((line, list(record), [False] * len(record)))
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(
            Problem(
                file,
                f"the row cannot be split into cells ({exc}); a cell is either quoted whole "
                '("…") or holds no double quote',
                line=line,
            )
        )
        return None
    if header is None or not any(header):
        problems.append(
            Problem(file, "the file is empty; expected a header row: massnahme;stand;…", line=1)
        )
        return None
    if len(header) == 1 and "," in header[0]:
        problems.append(
            Problem(
                file,
                "the header's columns are separated by ',', expected ';' as German Excel writes "
                f"it: {SAVE_AS_CSV_UTF8}",
                line=1,
            )
        )
        return None
    return _Table(file, None, header, rows)


def _read_xlsx(data: bytes, file: str, problems: list[Problem]) -> list[_Table]:
    # Imported here: most builds read no workbook, and openpyxl takes a quarter second to load.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # openpyxl warns about parts of a workbook it drops on reading (data validation
        # extensions, unknown styles); none of them holds a value we read.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            tables = []
            for sheet in book.worksheets:
                if sheet.title == INSTRUCTIONS:
                    continue
                rows = []
                header: list[str] | None = None
                for number, cells in enumerate(sheet.iter_rows(), start=1):
                    values = [getattr(c, "value", None) for c in cells]
                    if header is None:
                        header = ["" if v is None else str(v).strip() for v in values]
                        continue
                    if any(_text(v) for v in values):
                        percent = ["%" in (getattr(c, "number_format", "") or "") for c in cells]
                        rows.append((number, values, percent))
                if header is not None and any(header):
                    tables.append(_Table(file, sheet.title, header, rows))
                elif rows:
                    problems.append(
                        Problem(
                            _Table(file, sheet.title, [], []).where,
                            "row 1 is empty; expected the header row: massnahme, stand, …",
                            line=1,
                        )
                    )
            book.close()
    # What a damaged or foreign file makes openpyxl raise: not a ZIP, a missing part, XML that
    # does not parse (ParseError is a SyntaxError), a value of the wrong type.
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        ValueError,
        OSError,
        TypeError,
        SyntaxError,
    ) as exc:
        problems.append(
            Problem(
                file,
                f"cannot be read as an Excel workbook ({quoted(str(exc), limit=60)}); save it "
                "as Excel-Arbeitsmappe (.xlsx)",
            )
        )
        return []
    return tables


def _text(value: object) -> str:
    """A cell as text: stripped, an integral number without ".0", empty for none."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _columns(table: _Table, problems: list[Problem]) -> dict[str, int] | None:
    """Each known key's column index; unknown, doubled and missing columns are problems."""
    index: dict[str, int] = {}
    ok = True
    for i, key in enumerate(table.header):
        if not key:
            if any(i < len(cells) and _text(cells[i]) for _, cells, _ in table.rows):
                problems.append(
                    Problem(
                        table.where,
                        "a column without a name holds values; name it or delete it",
                        line=1,
                        column=table.column(i),
                    )
                )
                ok = False
            continue
        if key not in KNOWN_COLUMNS:
            problems.append(
                Problem(
                    table.where,
                    f"unknown column {quoted(key)}{did_you_mean(key, KNOWN_COLUMNS)} (allowed: "
                    f"{', '.join(KNOWN_COLUMNS)}; keys are lower case)",
                    line=1,
                    column=table.column(i),
                )
            )
            ok = False
        elif key in index:
            problems.append(
                Problem(
                    table.where,
                    f"the column {quoted(key)} appears twice",
                    line=1,
                    column=table.column(i),
                )
            )
            ok = False
        else:
            index[key] = i
    found = ", ".join(named(h) for h in table.header)
    for key in REQUIRED:
        if key not in index:
            problems.append(
                Problem(
                    table.where,
                    f"missing column {quoted(key)}: the header must name "
                    f"{' and '.join(REQUIRED)} (found: {found})",
                    line=1,
                )
            )
            ok = False
    return index if ok else None


def _reports_of(
    tables: Iterable[_Table], round_: Round, catalog: Catalog, problems: list[Problem]
) -> list[_Report]:
    reports: list[_Report] = []
    for table in tables:
        columns = _columns(table, problems)
        if columns is None:
            continue
        for line, cells, percent in table.rows:
            row = _Row(table, columns, line, cells, percent, problems)
            report = row.report(round_, catalog)
            if report is not None:
                reports.append(report)
    return reports


@dataclass(frozen=True)
class _Row:
    """One data row of a table, read against the catalogue; its problems go to `problems`."""

    table: _Table
    columns: dict[str, int]
    line: int
    cells: list[Any]
    percent: list[bool]
    problems: list[Problem]

    def cell(self, key: str) -> Any:
        i = self.columns.get(key)
        return self.cells[i] if i is not None and i < len(self.cells) else None

    def refuse(self, key: str, message: str) -> None:
        column = self.table.column(self.columns[key])
        self.problems.append(Problem(self.table.where, message, line=self.line, column=column))

    def report(self, round_: Round, catalog: Catalog) -> _Report | None:
        table, width = self.table, len(self.table.header)
        # Excel writes every row as wide as its header; a wider row has split a cell.
        if len(self.cells) > width and self.table.sheet is None:
            self.problems.append(
                Problem(
                    table.where,
                    f"{len(self.cells)} cells, but the header names {width} columns; a cell "
                    'that holds a ";" must be in double quotes ("…; …")',
                    line=self.line,
                )
            )
            return None
        before = len(self.problems)
        measure_id = self._measure(catalog)
        state = self._state()
        progress = self._progress(state)
        reported_on = self._date(round_)
        if len(self.problems) > before:
            return None
        return _Report(
            measure_id=measure_id,
            round=round_.id,
            state=state,
            progress=progress,
            comment=_text(self.cell("kommentar")) or None,
            reported_by=_text(self.cell("gemeldet_von")) or None,
            reported_on=reported_on,
            file=table.file,
            sheet=table.sheet,
            line=self.line,
            is_sample=round_.sample,
            where=table.where,
        )

    def _measure(self, catalog: Catalog) -> str:
        measure_id = _text(self.cell("massnahme"))
        known = [m.id for m in catalog.measures]
        if not measure_id:
            self.refuse("massnahme", "the measure id is empty; the row needs its measure's id")
        elif measure_id not in known:
            shown = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
            self.refuse(
                "massnahme",
                f"unknown measure {quoted(measure_id)}{did_you_mean(measure_id, known)} "
                f"(known in {catalog.path}: {shown or 'none'})",
            )
        return measure_id

    def _state(self) -> str:
        state = _text(self.cell("stand"))
        if not state:
            self.refuse(
                "stand",
                f"the state is empty; expected one of: {', '.join(MEASURE_STATES)} (delete "
                "the row if the measure is not reported in this round)",
            )
        elif state not in MEASURE_STATES:
            self.refuse(
                "stand",
                f"{quoted(state)} is not a state{did_you_mean(state, MEASURE_STATES)} "
                f"(expected one of: {', '.join(MEASURE_STATES)})",
            )
        return state

    def _progress(self, state: str) -> float | None:
        raw = self.cell("fortschritt")
        if not _text(raw):
            return None
        i = self.columns["fortschritt"]
        parsed = parse_progress(raw, i < len(self.percent) and self.percent[i])
        if isinstance(parsed, str):
            self.refuse("fortschritt", parsed)
            return None
        if state == DONE and parsed < 100:
            self.refuse(
                "fortschritt",
                f'"{DONE}" with fortschritt {parsed:g}: a finished measure is at 100 (or leave '
                'fortschritt empty); else report "in Umsetzung" or "verzögert"',
            )
        return parsed

    def _date(self, round_: Round) -> dt.date | None:
        raw = self.cell("gemeldet_am")
        if not _text(raw):
            return None
        date = parse_date(raw)
        latest = latest_report_date(round_.date)
        if isinstance(date, str):
            self.refuse("gemeldet_am", date)
        elif date < EARLIEST_REPORT:
            self.refuse(
                "gemeldet_am",
                f"{date:%d.%m.%Y} lies before {EARLIEST_REPORT:%d.%m.%Y}; check the year",
            )
        elif date > latest:
            self.refuse(
                "gemeldet_am",
                f"{date:%d.%m.%Y} lies after {latest:%d.%m.%Y}, a year after the date of round "
                f"{round_.id} ({round_.date:%d.%m.%Y}); check the year",
            )
        else:
            return date
        return None


def _check_history(reports: list[_Report], problems: list[Problem]) -> None:
    """Each measure once per round; a state that goes back says why (`reports` in round order)."""
    first: dict[tuple[str, str], _Report] = {}
    last: dict[str, _Report] = {}
    for report in reports:
        key = (report.round, report.measure_id)
        if key in first:
            seen = first[key]
            problems.append(
                Problem(
                    report.where,
                    f"measure {quoted(report.measure_id)} is reported twice in round "
                    f"{report.round} (first at {seen.where}, line {seen.line}); keep one row",
                    line=report.line,
                )
            )
            continue
        first[key] = report
        before = last.get(report.measure_id)
        if before is not None and goes_back(before.state, report.state) and not report.comment:
            problems.append(
                Problem(
                    report.where,
                    f'measure {quoted(report.measure_id)}: "{before.state}" in round '
                    f'{before.round}, now "{report.state}" — going back needs a kommentar '
                    "that says why",
                    line=report.line,
                )
            )
        last[report.measure_id] = report


# ---------------------------------------------------------------------------------------------
# The template


def previous_states(catalog: Catalog, reports: pl.DataFrame, round_id: str) -> dict[str, str]:
    """Each measure's state in its most recent report before round `round_id`."""
    order = [r.id for r in catalog.rounds]
    earlier = order[: order.index(round_id)]
    # A caller may build the frame in any order: the latest earlier round wins.
    ranked = sorted(
        reports.filter(pl.col("round").is_in(earlier)).iter_rows(named=True),
        key=lambda row: order.index(row["round"]),
    )
    states = {row["measure_id"]: row["state"] for row in ranked}
    return states


def sheet_names(owners: Sequence[str]) -> list[str]:
    """Valid, distinct Excel sheet names for owners: at most 31 characters, none of []:*?/\\,
    no apostrophe at either end, distinct without regard to case, none "Anleitung".

    >>> sheet_names(["Dezernat III – Soziales und Integration", "A/B: C", "a/b: c"])
    ['Dezernat III – Soziales und Int', 'A-B- C', 'a-b- c (2)']
    """
    taken = {INSTRUCTIONS.casefold()}
    names = []
    for owner in owners:
        base = re.sub(r"[\[\]:*?/\\]", "-", owner).strip().strip("'").strip() or "Verantwortlich"
        name = base[:31].rstrip()
        n = 1
        while name.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)].rstrip() + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


_STATE_MEANINGS = {
    "geplant": "vorgesehen, aber noch nicht beschlossen",
    "beschlossen": "vom zuständigen Gremium beschlossen; die Umsetzung hat noch nicht begonnen",
    "in Umsetzung": "die Umsetzung läuft",
    "verzögert": "die Umsetzung läuft, aber später als geplant (bitte im Kommentar begründen)",
    "umgesetzt": "abgeschlossen; Fortschritt 100 oder leer",
    "gestrichen": "wird nicht umgesetzt (bitte den Beschluss im Kommentar nennen)",
}
_WIDTHS = {
    "massnahme": 34,
    "titel": 50,
    "ziel": 40,
    "verantwortlich": 28,
    "faellig": 9,
    "stand_vorrunde": 16,
    "stand": 16,
    "fortschritt": 12,
    "kommentar": 50,
    "gemeldet_von": 28,
    "gemeldet_am": 14,
}
_INPUT = ("stand", "fortschritt", "kommentar", "gemeldet_von", "gemeldet_am")


def write_template(
    catalog: Catalog,
    reports: pl.DataFrame,
    round_id: str,
    out: Path,
    owner: str | None = None,
) -> Path:
    """Write the XLSX the owners fill in for round `round_id`: "Anleitung", then one sheet per
    owner with a row per measure, `stand` pre-filled with the state of the most recent earlier
    round (so an owner with nothing new returns the file as it is). Returns `out`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    declared = [r.id for r in catalog.rounds]
    if round_id not in declared:
        raise RoundFileError(
            [
                Problem(
                    catalog.path,
                    f"unknown round {quoted(round_id)}{did_you_mean(round_id, declared)} "
                    f"(declared rounds: {', '.join(declared) or 'none'})",
                )
            ]
        )
    round_ = catalog.rounds[declared.index(round_id)]
    owners = list(dict.fromkeys(m.owner for m in catalog.measures))
    if owner is not None:
        if owner not in owners:
            raise RoundFileError(
                [
                    Problem(
                        catalog.path,
                        f"no measure has the owner {quoted(owner)}{did_you_mean(owner, owners)} "
                        f"(owners: {', '.join(owners)})",
                    )
                ]
            )
        owners = [owner]
    before = previous_states(catalog, reports, round_id)
    goals = {g.id: g.title for g in catalog.goals}

    book = Workbook()
    guide = book.active
    guide.title = INSTRUCTIONS
    for line in _instructions(catalog, round_):
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 110

    bold = Font(bold=True)
    hint = PatternFill("solid", start_color="EEEEEE")
    latest = latest_report_date(round_.date)
    serial = (
        f"DATE({EARLIEST_REPORT.year},{EARLIEST_REPORT.month},{EARLIEST_REPORT.day})",
        f"DATE({latest.year},{latest.month},{latest.day})",
    )
    for name, who in zip(sheet_names(owners), owners, strict=True):
        sheet = book.create_sheet(name)
        sheet.append(list(TEMPLATE_COLUMNS))
        mine: list[Measure] = [m for m in catalog.measures if m.owner == who]
        for m in mine:
            state = before.get(m.id)
            values = {
                "massnahme": m.id,
                "titel": m.title,
                "ziel": goals.get(m.goal, m.goal),
                "verantwortlich": m.owner,
                "faellig": m.due,
                "stand_vorrunde": state,
                "stand": state,
            }
            sheet.append([values.get(key) for key in TEMPLATE_COLUMNS])
        last = len(mine) + 1
        letter = {key: get_column_letter(i + 1) for i, key in enumerate(TEMPLATE_COLUMNS)}
        for key, width in _WIDTHS.items():
            sheet.column_dimensions[letter[key]].width = width
        for cell in sheet[1]:
            cell.font = bold
        for row in sheet.iter_rows(min_row=2, max_row=last):
            for cell, key in zip(row, TEMPLATE_COLUMNS, strict=True):
                cell.alignment = Alignment(vertical="top", wrap_text=key in ("titel", "ziel"))
                if key in _INPUT:
                    cell.protection = Protection(locked=False)
                else:
                    cell.fill = hint
                if key == "gemeldet_am":
                    cell.number_format = "DD.MM.YYYY"
        sheet.freeze_panes = "B2"
        # Ids and headers must stay as they are: the sheet is protected (no password), only the
        # owner's columns are open.
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False
        if last < 2:
            continue
        states = _validation(
            "Stand",
            "Bitte einen Stand aus der Liste wählen.",
            type="list",
            formula1='"' + ",".join(MEASURE_STATES) + '"',
        )
        percent = _validation(
            "Fortschritt",
            "Fortschritt in Prozent: eine ganze Zahl von 0 bis 100.",
            type="whole",
            operator="between",
            formula1="0",
            formula2="100",
        )
        date = _validation(
            "Gemeldet am",
            f"Ein Datum als TT.MM.JJJJ, spätestens {latest:%d.%m.%Y}.",
            type="date",
            operator="between",
            formula1=serial[0],
            formula2=serial[1],
        )
        for validation, key in ((states, "stand"), (percent, "fortschritt"), (date, "gemeldet_am")):
            validation.add(f"{letter[key]}2:{letter[key]}{last}")
            sheet.add_data_validation(validation)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def _validation(title: str, error: str, **rule: str) -> DataValidation:
    """A rule for an owner's column: an empty cell passes, anything else that breaks the rule is
    refused with `title` and the German `error`."""
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        **rule, allow_blank=True, showErrorMessage=True, errorTitle=title, error=error
    )


def _instructions(catalog: Catalog, round_: Round) -> list[str]:
    lines = [
        f"Maßnahmen-Meldung: {round_.title}",
        "",
        f"Strategie: {catalog.municipality.strategy} ({catalog.municipality.name})",
        f"Berichtsrunde: {round_.id}, Stichtag {round_.date:%d.%m.%Y}",
    ]
    if round_.sample:
        lines.append("Beispiel: Diese Runde zeigt den Ablauf mit erfundenen Meldungen.")
    lines += [
        "",
        "Was ist zu tun?",
        "Jedes weitere Blatt gehört einer verantwortlichen Stelle und hat eine Zeile je Maßnahme. "
        "Bitte füllen Sie je Zeile aus:",
        "  stand – der Stand der Maßnahme am Stichtag (Auswahlliste, siehe unten). Vorausgefüllt "
        "ist der Stand der letzten Runde: ist nichts neu, lassen Sie ihn stehen.",
        "  fortschritt – wie weit die Umsetzung ist, in Prozent (ganze Zahl 0 bis 100); "
        "freiwillig.",
        "  kommentar – was erreicht wurde oder was fehlt; nennen Sie Beschlüsse mit Datum oder "
        "Drucksache.",
        "  gemeldet_von – Ihre Stelle (z. B. Fachbereich, Sachgebiet).",
        "  gemeldet_am – das Datum Ihrer Meldung (TT.MM.JJJJ).",
        "Grau hinterlegte Spalten (massnahme, titel, ziel, verantwortlich, faellig, "
        "stand_vorrunde) sind Hinweise und bleiben unverändert.",
        "",
        "Die Stände",
    ]
    lines += [f"  {state} – {_STATE_MEANINGS[state]}" for state in MEASURE_STATES]
    lines += [
        "",
        "Regeln",
        "  Ändern Sie weder die Kennungen in der Spalte massnahme noch die Kopfzeile oder die "
        "Blattnamen; fügen Sie keine Spalten ein.",
        "  Ein Stand, der gegenüber der letzten Runde zurückgeht (z. B. von „umgesetzt“ auf "
        "„in Umsetzung“, oder weg von „gestrichen“), braucht einen Kommentar, der es begründet.",
        "  „umgesetzt“ heißt 100 % Fortschritt (oder Fortschritt leer).",
        "  Eine Zeile mit leerem Stand wird nicht angenommen: Melden Sie eine Maßnahme in "
        "dieser Runde nicht, löschen Sie ihre Zeile.",
        "  Das Meldedatum liegt zwischen 01.01.2000 und "
        f"{latest_report_date(round_.date):%d.%m.%Y}.",
        "",
        "Wohin damit?",
        "Speichern Sie die Datei (Excel-Arbeitsmappe, .xlsx) und senden Sie sie an die Stelle, "
        "die Ihnen diese Vorlage geschickt hat. Dort wird sie als "
        f"data/{FOLDER}/{round_.id}.xlsx abgelegt und geprüft.",
    ]
    if catalog.municipality.committee:
        lines.append(f"Der Bericht der Runde geht an: {catalog.municipality.committee}.")
    return lines
