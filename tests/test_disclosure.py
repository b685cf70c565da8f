"""Staff figures that reveal no one: hand-made tables where a naive suppression would leak.

Every expected set below is worked out by hand in the comments. A cell is written
(measure, row, column) for two-way tables and (measure, department, grade, sex) for the staff
report; `insgesamt` marks a total.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl import disclosure, load, readers
from etl.disclosure import build, disclosed, suppress
from etl.errors import EtlError, SourceFileError
from etl.readers import TIDY_SCHEMA
from tests.conftest import ROOT, copy_shipped_data

T = "insgesamt"
STAFF_REPORT = ROOT / "data" / "raw" / "beispiel_personalbericht.csv"
HEADER = (
    "Jahr;AGS;Gemeinde;Fachbereich;Entgeltgruppe;Geschlecht;Beschaeftigte;"
    "mit_Migrationshintergrund;Antworten_Befragung;Neueinstellungen;"
    "Neueinstellungen_mit_Migrationshintergrund"
)


def grid(rows: list[list[int]]) -> disclosure.Table:
    """A two-way table of measure "n", rows r1…, columns c1…, with every total."""
    return build(
        {
            ("n", f"r{i}", f"c{j}"): float(v)
            for i, row in enumerate(rows, start=1)
            for j, v in enumerate(row, start=1)
        }
    )


def cells(*names: str) -> frozenset[tuple[str, ...]]:
    """ "r1c3" → ("n", "r1", "c3"); "Tc1" → the total of column c1."""
    out = []
    for name in names:
        row, col = name.split("c")
        out.append(("n", T if row == "T" else row, T if col == "T" else f"c{col}"))
    return frozenset(out)


# --- (a) one small cell and a total: the partner ----------------------------------------------


def test_a_small_cell_beside_its_row_total_gets_the_smallest_partner() -> None:
    # 2 | 9 | 5 | 7 = 23. Alone, the 2 is 23 - 9 - 5 - 7. Hidden with the 5, the row gives
    # only 2 + 5 = 7; the 7 would hide as well but loses more, the total more still (23).
    table = build({("n", "a"): 2.0, ("n", "b"): 9.0, ("n", "c"): 5.0, ("n", "d"): 7.0})
    assert disclosed(table, {("n", "a")}) == {("n", "a")}
    assert suppress(table) == {("n", "a"), ("n", "c")}
    assert disclosed(table, suppress(table)) == frozenset()


# --- (b) the partner of the row leaks through the column --------------------------------------

TWO_WAY = [
    # c1 c2  c3    total
    [2, 9, 5],  # 16
    [6, 8, 4],  # 18
    [7, 10, 12],  # 29
    # 15 27 21    63
]


def test_the_row_partner_alone_leaks_through_the_column_total() -> None:
    table = grid(TWO_WAY)
    # The naive answer, the smallest other cell of the row (5): row r1 now says only
    # r1c1 + r1c3 = 16 - 9 = 7, but column c1 still says r1c1 = 15 - 6 - 7 = 2.
    assert disclosed(table, cells("r1c1", "r1c3")) == cells("r1c1")
    # Closing column c1 as well (6, the smaller of 6 and 7) opens column c3 for the 5
    # (21 - 4 - 12) and row r2 for the 6 (18 - 8 - 4) unless r2c3 hides too: the rectangle.
    # Rectangles through r1c1, new cells added up:
    #   r2 x c2: 9 + 6 + 8 = 23     r2 x c3: 5 + 6 + 4 = 15     r3 x c2: 9 + 7 + 10 = 26
    #   r3 x c3: 5 + 7 + 12 = 24    with the row total: 16 + 6 + 18 = 40 at least
    # with the column total: 9 + 15 + 27 = 51 at least; the grand total only as a last resort.
    assert suppress(table) == cells("r1c1", "r1c3", "r2c1", "r2c3")
    assert disclosed(table, suppress(table)) == frozenset()


def test_every_line_with_two_secrets_can_still_leak_through_a_combination_of_totals() -> None:
    # Two suppressed rectangles joined by the sensitive 1 at r2c3:
    #        c1  c2  c3  c4 | total
    #   r1   [5] [6]  8   9 | 28
    #   r2   [7] [4] [1] 10 | 22
    #   r3    9  11  [6] [5]| 31
    #   r4    8  12  [7] [4]| 31
    #   tot  29  33  22  28 | 112
    # Every row and column holds 0, 2 or 3 secrets, so the line rule sees nothing; yet
    # rows r1 + r2 give r1c1 + r1c2 + r2c1 + r2c2 + r2c3 = (28 - 8 - 9) + (22 - 10) = 23 and
    # columns c1 + c2 give r1c1 + r2c1 + r1c2 + r2c2 = (29 - 9 - 8) + (33 - 11 - 12) = 22:
    # r2c3 = 23 - 22 = 1.
    table = grid([[5, 6, 8, 9], [7, 4, 1, 10], [9, 11, 6, 5], [8, 12, 7, 4]])
    joined = cells("r1c1", "r1c2", "r2c1", "r2c2", "r2c3", "r3c3", "r3c4", "r4c3", "r4c4")
    for line in table.relations:
        assert len(joined & set(line.cells)) != 1
    assert disclosed(table, joined) == cells("r2c3")
    # The protection itself never builds such a bridge.
    assert disclosed(table, suppress(table)) == frozenset()


def test_one_small_cell_in_a_three_way_table_hides_the_cube_of_details_and_no_total() -> None:
    # Departments A, B x grades g1, g2 x sexes w, m; one hire of a woman in A, g1.
    #          g1 w  g1 m  g2 w  g2 m
    #   A        1     6     8     9
    #   B        7     5     4    10
    # Cubes through (A, g1, w), new cells added up: all eight details 6+8+9+7+5+4+10 = 49;
    # with the sex total 7+8+17+7+12+4+14 = 69; with the grade total 6+9+15+7+5+11+15 = 68;
    # with the department total 6+8+9+8+11+12+19 = 73; two totals bring a level-2 total in.
    values = [1, 6, 8, 9, 7, 5, 4, 10]
    keys = list(itertools.product(["A", "B"], ["g1", "g2"], ["w", "m"]))
    keys.sort(key=lambda k: (k[0], k[1], k[2] == "m"))
    table = build({("n", *k): float(v) for k, v in zip(keys, values, strict=True)})
    assert suppress(table) == {("n", *k) for k in keys}
    # Every total stays: the 2 x 2 x 2 cube moves by +d, -d along each line and keeps them all.
    assert disclosed(table, suppress(table)) == frozenset()


# --- linked measures: a difference of two published cells is a count too ---------------------


def test_a_small_difference_between_linked_measures_is_protected() -> None:
    # Staff B and those with migration background M in two departments:
    #   B: 5 | 20 = 25     M: 3 | 4 = 7     so B - M: 2 | 16 = 18.
    # No published cell is below 3, but 5 - 3 says 2 persons in department d1 have none.
    # Cheapest pair around it: M d1, M d2 (3 + 4 = 7) before M d1 with its total (3 + 7 = 10)
    # and before anything in B (5 + 20, 5 + 25).
    table = build(
        {
            ("B", "d1"): 5.0,
            ("B", "d2"): 20.0,
            ("M", "d1"): 3.0,
            ("M", "d2"): 4.0,
        },
        links=[("B", "M")],
    )
    gap = ("B ohne M", "d1")
    assert table.sensitive() == {gap}
    assert disclosed(table, set()) == {gap}
    assert suppress(table) == {("M", "d1"), ("M", "d2")}
    assert disclosed(table, suppress(table)) == frozenset()


# --- (c) zeros --------------------------------------------------------------------------------


def test_zero_is_shown_and_not_the_partner_while_a_nonzero_cell_will_do() -> None:
    # 1 | 0 | 6 | 0 = 7. Zeros are published (they name no one). Hidden with a 0 the row says
    # 1 + 0 = 1: the pair adds up to the secret itself. With the 6 it says 1 + 6 = 7.
    table = build({("n", "a"): 1.0, ("n", "b"): 0.0, ("n", "c"): 6.0, ("n", "d"): 0.0})
    assert table.sensitive() == {("n", "a")}
    assert suppress(table) == {("n", "a"), ("n", "c")}


def test_a_total_of_one_small_cell_and_zeros_is_itself_secret() -> None:
    # 2 | 0 | 0 = 2: the total is a count of 2 persons as well. Both hidden, the zeros shown;
    # the row then says only a = total, and neither is known.
    table = build({("n", "a"): 2.0, ("n", "b"): 0.0, ("n", "c"): 0.0})
    assert suppress(table) == {("n", "a"), ("n", T)}
    assert disclosed(table, suppress(table)) == frozenset()


def test_nothing_hides_when_nothing_is_small() -> None:
    table = grid([[0, 3], [4, 0]])
    assert table.sensitive() == frozenset()
    assert suppress(table) == frozenset()


# --- the staff report as a frame --------------------------------------------------------------


def _staff_file(tmp_path: Path, rows: list[str]) -> pl.DataFrame:
    path = tmp_path / "personal.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return readers.read(path, "staff_report", "personal")


def test_protect_adds_every_total_and_hides_with_a_dot(tmp_path: Path) -> None:
    # The three-way table of the test above as hires; every other measure large and safe, and
    # the hires with migration background 0, so that nothing else is small:
    frame = _staff_file(
        tmp_path,
        [
            "2019;03241001;Hannover;A;g1;weiblich;100;20;80;1;0",
            "2019;03241001;Hannover;A;g1;männlich;100;20;80;6;0",
            "2019;03241001;Hannover;A;g2;weiblich;100;20;80;8;0",
            "2019;03241001;Hannover;A;g2;männlich;100;20;80;9;0",
            "2019;03241001;Hannover;B;g1;weiblich;100;20;80;7;0",
            "2019;03241001;Hannover;B;g1;männlich;100;20;80;5;0",
            "2019;03241001;Hannover;B;g2;weiblich;100;20;80;4;0",
            "2019;03241001;Hannover;B;g2;männlich;100;20;80;10;0",
        ],
    )
    out = disclosure.protect(frame, "personal.csv")
    assert out.schema == pl.Schema(TIDY_SCHEMA)
    # 8 details and 3 * 3 * 3 - 8 = 19 totals per measure, 5 measures
    assert out.height == 5 * 27
    hires = out.filter(pl.col("measure") == "Neueinstellungen")
    secret = hires.filter(pl.col("flag") == ".")
    assert secret["value"].null_count() == 8
    assert secret["line"].to_list() == [2, 3, 4, 5, 6, 7, 8, 9]
    totals = hires.filter(pl.col("line").is_null()).select("category", "sex", "value", "flag")
    assert totals["flag"].null_count() == 19  # every total shown
    by_sex = totals.filter(
        pl.col("category") == "Fachbereich: insgesamt | Entgeltgruppe: insgesamt"
    )
    assert dict(by_sex.select("sex", "value").iter_rows()) == {
        "weiblich": 1 + 8 + 7 + 4,
        "männlich": 6 + 9 + 5 + 10,
        T: 50,
    }
    assert totals.filter(
        (pl.col("category") == "Fachbereich: A | Entgeltgruppe: insgesamt")
        & (pl.col("sex") == "weiblich")
    )["value"].to_list() == [1 + 8]
    # The other measures are all shown, zeros included
    assert out.filter(pl.col("measure") != "Neueinstellungen")["flag"].null_count() == 4 * 27


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2019;03241001;Hannover;A;g1;Insgesamt;100;20;80;6;1", "a total row"),
        ("2019;03241001;Hannover;Insgesamt;g1;weiblich;100;20;80;6;1", "a total row"),
        ("2019;03241001;Hannover;A;g1;männlich;100;20;80;6;1", "repeat a year"),
        ("2019;03241001;Hannover;B;g1;männlich;100;20;80;6;7", '"Neueinstellungen" (6)'),
        ("2019;03241001;Hannover;B;g1;männlich;100;120;130;6;1", "exceeds"),
    ],
)
def test_a_staff_report_the_protection_cannot_trust_is_refused(
    tmp_path: Path, row: str, message: str
) -> None:
    frame = _staff_file(tmp_path, ["2019;03241001;Hannover;A;g1;männlich;100;20;80;6;1", row])
    with pytest.raises(SourceFileError) as caught:
        disclosure.protect(frame, "personal.csv")
    problem = caught.value.problems[0]
    assert message in str(problem)
    assert problem.line == 3


def test_a_series_that_adds_totals_to_their_parts_is_refused(tmp_path: Path) -> None:
    # The catalogue as it was before the totals were stored: sex "*" over every row would
    # now add the city total to the departments and sexes it sums.
    text = (ROOT / "indicators.toml").read_text(encoding="utf-8")
    old = text.replace(
        'category = "Fachbereich: insgesamt | Entgeltgruppe: insgesamt"\nsex = "insgesamt"\n',
        'sex = "*"\n',
        1,
    )
    assert old != text
    catalog = tmp_path / "indicators.toml"
    catalog.write_text(old, encoding="utf-8")
    with pytest.raises(EtlError) as caught:
        load.gather(catalog, copy_shipped_data(tmp_path / "data"))
    lines = [str(p) for p in caught.value.problems]
    assert any(
        'indicator "verwaltung.personal_mh_anteil".series.mit_mh: adds a total to its own parts'
        in line
        for line in lines
    ), lines


# --- (d) the shipped data, end to end ---------------------------------------------------------


def _query(link: Path, sql: str, params: list | None = None) -> pl.DataFrame:
    con = duckdb.connect(str(link.resolve()), read_only=True)
    try:
        return con.sql(sql, params=params or []).pl()
    finally:
        con.close()


# Who is counted within whom, written out here rather than taken from etl/disclosure.py:
# migration background is an answer in the staff survey, and hires with it are hires.
SUBSETS = [
    ("Beschäftigte", "Antworten der Personalbefragung"),
    ("Antworten der Personalbefragung", "Beschäftigte mit Migrationshintergrund"),
    ("Beschäftigte", "Beschäftigte mit Migrationshintergrund"),
    ("Neueinstellungen", "Neueinstellungen mit Migrationshintergrund"),
]


def _is_safe(value: pl.Expr) -> pl.Expr:
    return value.is_null() | (value == 0) | (value >= 3)


def test_no_stored_staff_figure_counts_one_or_two(shipped_warehouse: Path) -> None:
    staff = _query(
        shipped_warehouse, "SELECT * FROM observations WHERE source_id = 'personalbericht'"
    )
    # 480 details (10 years x 8 departments x 3 grades x 2 sexes) of 5 measures: 48 cells a
    # year and measure become 9 x 4 x 3 = 108 with the totals.
    assert staff.height == 10 * 5 * 108
    assert staff.filter(~_is_safe(pl.col("value"))).is_empty()
    assert staff.filter(pl.col("value").is_null())["flag"].unique().to_list() == ["."]
    assert staff.filter(pl.col("flag") == ".").height > 0


def test_every_staff_indicator_input_is_a_stored_safe_total(shipped_warehouse: Path) -> None:
    inputs = _query(
        shipped_warehouse,
        """
        SELECT v.indicator_id, v.period, v.sex, i.series, i.value, i.flag,
               v.numerator, v.denominator
        FROM indicator_values v, unnest(v.inputs) AS u(i), indicator_series s
        WHERE s.indicator_id = v.indicator_id AND s.name = i.series
          AND list_contains(s.sources, 'personalbericht') AND v.region_code = '03241001'
        """,
    )
    assert inputs.height > 0
    for column in ("value", "numerator", "denominator"):
        assert inputs.filter(~_is_safe(pl.col(column))).is_empty(), column
    # each input is exactly one stored total row, so the audit below covers it
    joined = _query(
        shipped_warehouse,
        """
        SELECT count(*) FROM indicator_values v, unnest(v.inputs) AS u(i), indicator_series s
        WHERE s.indicator_id = v.indicator_id AND s.name = i.series
          AND list_contains(s.sources, 'personalbericht') AND v.region_code = '03241001'
          AND i.value IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM observations o
            WHERE o.source_id = 'personalbericht' AND o.measure = s.measure
              AND o.period = v.period AND o.category = s.category[1]
              AND o.sex = CASE WHEN v.sex = 'insgesamt' THEN s.sex[1] ELSE v.sex END
              AND o.value = i.value)
        """,
    )
    assert joined.item() == 0


def test_no_line_of_the_stored_staff_table_has_exactly_one_secret(
    shipped_warehouse: Path,
) -> None:
    # Independent of etl/disclosure.py: the relations are read back from the stored rows.
    staff = _query(
        shipped_warehouse,
        "SELECT measure, period, sex, category, flag = '.' AS secret FROM observations "
        "WHERE source_id = 'personalbericht'",
    ).with_columns(
        pl.col("category").str.extract(r"Fachbereich: ([^|]+) \|").alias("department"),
        pl.col("category").str.extract(r"Entgeltgruppe: (.+)$").alias("grade"),
        pl.col("secret").fill_null(False),
    )
    coordinates = ["department", "grade", "sex"]
    lines = 0
    for along in coordinates:
        rest = ["measure", "period", *(c for c in coordinates if c != along)]
        # a line: the cells that differ only in `along`, its total among them
        counts = staff.group_by(rest).agg(
            pl.len().alias("cells"),
            pl.col("secret").sum().alias("secrets"),
            (pl.col(along) == T).sum().alias("totals"),
        )
        assert (counts["totals"] == 1).all()
        lines += counts.height
        assert counts.filter(pl.col("secrets") == 1).is_empty(), along
    # per year and measure: 4 x 3 lines along departments, 9 x 3 along grades, 9 x 4 along sex
    assert lines == 10 * 5 * (12 + 27 + 36)


def test_the_stored_staff_table_reveals_no_small_count_to_the_exact_test(
    shipped_warehouse: Path,
) -> None:
    # The true values from the raw file, the secret cells as stored: nothing sensitive is
    # determined by the stored cells and all relations (measure links included).
    raw = readers.read(STAFF_REPORT, "staff_report", "personalbericht")
    stored = _query(
        shipped_warehouse,
        "SELECT period, measure, sex, category FROM observations "
        "WHERE source_id = 'personalbericht' AND flag = '.'",
    )
    labels = ["Fachbereich", "Entgeltgruppe"]
    checked = 0
    for (period,), rows in raw.partition_by("period", as_dict=True).items():
        details = {
            (r["measure"], r["sex"], *disclosure._coordinates(r["category"], labels)): r["value"]
            for r in rows.iter_rows(named=True)
        }
        table = build(details, SUBSETS)
        hidden = {
            (r["measure"], r["sex"], *disclosure._coordinates(r["category"], labels))
            for r in stored.filter(pl.col("period") == period).iter_rows(named=True)
        }
        assert table.sensitive() & table.published <= hidden
        assert disclosed(table, hidden) == frozenset(), period
        checked += len(table.sensitive())
    assert checked > 100  # hires with migration background alone have ~16 small cells a year


def test_the_indicator_shows_a_gap_where_a_total_must_be_secret(tmp_path: Path) -> None:
    # One woman hired with migration background in 2019 in the whole city: her total by sex is
    # a count of 1 and is kept secret, so that year's value for women is a gap with ".".
    data = copy_shipped_data(tmp_path / "data")
    path = data / "raw" / "beispiel_personalbericht.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    first = True
    for line in lines[1:]:
        cells = line.split(";")
        if cells[0] == "2019" and cells[5] == "weiblich":
            cells[-1] = "1" if first else "0"
            first = False
        out.append(";".join(cells))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    link = data / "warehouse.duckdb"
    load.build(ROOT / "indicators.toml", data, link)
    row = _query(
        link,
        "SELECT value, flag, numerator FROM indicator_values "
        "WHERE indicator_id = 'verwaltung.neueinstellungen_mh_anteil' AND period = 2019 "
        "AND sex = 'weiblich' AND region_code = '03241001'",
    ).row(0)
    assert row == (None, "neu_mh: .", None)
    shutil.rmtree(data)
