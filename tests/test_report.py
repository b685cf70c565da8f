"""The committee report of a closed round (etl/report.py): PDF, XLSX and HTML, changes, synopsis.

The warehouse is built in the test from the shipped catalogue and data; two rounds are then
closed by hand as the contract describes (`rounds` and `round_<table>` copies with the round's
id in front), and the earlier one is altered, so that the changes between them are known.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from pypdf import PdfReader

from etl import load, report
from etl.errors import EtlError
from tests.conftest import ROOT, copy_shipped_data

SNAPSHOT = (
    "municipality",
    "regions",
    "fields",
    "goals",
    "measures",
    "indicators",
    "indicator_values",
    "indicator_progress",
    "goal_progress",
    "field_progress",
    "measure_reports",
    "sources",
    "documents",
)
ROUNDS_COLUMNS = (
    "round VARCHAR, title VARCHAR, date DATE, closed_at TIMESTAMP, note VARCHAR, "
    "warehouse_file VARCHAR, warehouse_built_at TIMESTAMP, catalogue_sha256 VARCHAR, "
    "code_version VARCHAR, is_sample BOOLEAN"
)
TOWN = "03241001"
# What the test changes in the earlier round, so that `changes` has something to find.
GOAL = "verwaltung.arbeitgeberin"
MEASURE = "verwaltung.arbeitgeberin.neueinstellungen"
INDICATOR = "verwaltung.neueinstellungen_mh_anteil"


def close_by_hand(link: Path, round_id: str, title: str, date: dt.date, sample: bool) -> None:
    """Freeze the published warehouse as closed round `round_id`, as etl/snapshot.py does."""
    con = duckdb.connect(str(link.resolve()))
    try:
        con.execute(f"CREATE TABLE IF NOT EXISTS rounds ({ROUNDS_COLUMNS})")
        for table in SNAPSHOT:
            rename = " RENAME (round AS report_round)" if table == "measure_reports" else ""
            con.execute(
                f"CREATE TABLE IF NOT EXISTS round_{table} AS "
                f"SELECT NULL::VARCHAR AS round, *{rename} FROM {table} LIMIT 0"
            )
            con.execute(
                f"INSERT INTO round_{table} BY NAME SELECT ? AS round, *{rename} FROM {table}",
                [round_id],
            )
        built, version, sha = con.execute(
            "SELECT built_at, code_version, catalogue_sha256 FROM build_info"
        ).fetchone()
        con.execute(
            "INSERT INTO rounds BY NAME SELECT ? AS round, ? AS title, ? AS date, "
            "? AS closed_at, ? AS note, ? AS warehouse_file, ? AS warehouse_built_at, "
            "? AS catalogue_sha256, ? AS code_version, ? AS is_sample",
            [
                round_id,
                title,
                date,
                dt.datetime(2026, 11, 20, 9, 30),
                "Testnotiz",
                link.resolve().name,
                built,
                sha,
                version,
                sample,
            ],
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    data = copy_shipped_data(folder / "data")
    link = data / "warehouse.duckdb"
    load.build(ROOT / "indicators.toml", data, link)
    close_by_hand(link, "2021", "Lenkungsgruppe November 2021", dt.date(2021, 11, 29), False)
    close_by_hand(link, "2024", "Beispielrunde 2024", dt.date(2024, 12, 31), True)
    con = duckdb.connect(str(link.resolve()))
    try:
        # Round 2021 said something else: another goal status, a measure still planned, an
        # indicator's newest year one earlier.
        con.execute(
            "UPDATE round_goal_progress SET status = 'auf Kurs' "
            "WHERE round = '2021' AND goal_id = ? AND region_code = ?",
            [GOAL, TOWN],
        )
        con.execute(
            "UPDATE round_measures SET state = 'geplant' WHERE round = '2021' AND id = ?",
            [MEASURE],
        )
        con.execute(
            "UPDATE round_measures SET state = 'in Umsetzung' WHERE round = '2024' AND id = ?",
            [MEASURE],
        )
        con.execute(
            "UPDATE round_indicator_progress SET latest_period = latest_period - 1 "
            "WHERE round = '2021' AND indicator_id = ? AND region_code = ?",
            [INDICATOR, TOWN],
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return link


@pytest.fixture(scope="module")
def con(warehouse: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(warehouse.resolve()), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def loaded(con: duckdb.DuckDBPyConnection) -> report.Report:
    return report.load_round(con, "2024")


@pytest.fixture(scope="module")
def pdf(loaded: report.Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return report.render_pdf(loaded, tmp_path_factory.mktemp("pdf") / "bericht.pdf")


def test_unknown_round_names_the_closed_ones(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(report.ReportError) as caught:
        report.load_round(con, "2030")
    message = str(caught.value)
    assert isinstance(caught.value, EtlError)
    assert '"2030"' in message
    assert "2021, 2024" in message
    assert "python -m etl round close" in message


def test_no_closed_round_at_all(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    with pytest.raises(report.ReportError, match="abgeschlossene Runden: keine"):
        report.load_round(con, "2024")


def test_load_round(loaded: report.Report) -> None:
    assert loaded.municipality == "Landeshauptstadt Hannover"
    assert loaded.committee.startswith("Ausschuss für Integration")
    assert loaded.previous == "2021"
    assert loaded.info.is_sample
    assert [f.name for f in loaded.fields][:2] == ["Bildung", "Soziales"]
    goal = next(g for g in loaded.goals if g.id == GOAL)
    assert goal.implementation_status
    assert any(m.id == MEASURE and m.state == "in Umsetzung" for m in goal.measures)
    charted = [i for g in loaded.goals for i in g.indicators]
    assert charted
    assert all(i.values for i in charted)
    assert "Wie wird der Status berechnet?" in loaded.method
    assert any(s.licence for s in loaded.sources)


def test_changes_between_two_rounds(con: duckdb.DuckDBPyConnection) -> None:
    found = report.changes(con, "2024", "2021")
    assert found.columns == ["kind", "object", "id", "title", "before", "after"]
    status = found.filter((pl.col("kind") == "Status") & (pl.col("id") == GOAL))
    assert status["before"].to_list() == ["auf Kurs"]
    measure = found.filter(pl.col("kind") == "Maßnahme")
    assert measure.select("id", "before", "after").rows() == [(MEASURE, "geplant", "in Umsetzung")]
    year = found.filter(pl.col("kind") == "Neues Datenjahr")
    assert year["id"].to_list() == [INDICATOR]
    assert int(year["after"][0]) == int(year["before"][0]) + 1
    assert report.changes(con, "2021", None).is_empty()


def test_synopsis_goals_by_rounds(con: duckdb.DuckDBPyConnection) -> None:
    table = report.synopsis(con)
    goals = con.execute("SELECT count(*) FROM goals").fetchone()[0]
    assert table.height == goals
    assert table.columns == ["field_id", "field", "goal_id", "goal", "sample", "2021", "2024"]
    row = table.filter(pl.col("goal_id") == GOAL).row(0, named=True)
    assert row["2021"] == "auf Kurs"
    assert report.symbol(row["2021"]) == "✓"
    # Ordered by field, then goal position.
    fields = table["field_id"].to_list()
    assert fields == sorted(fields, key=fields.index)
    assert fields[0] == "bildung"


def test_pdf_text(pdf: Path, loaded: report.Report) -> None:
    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    for field in loaded.fields:
        assert field.name in flat
    assert "auf Kurs" in flat or "mäßiger Fortschritt" in flat
    assert "Seite 1 von" in flat
    assert f"Seite {len(reader.pages)} von {len(reader.pages)}" in flat
    assert re.sub(r"\s+", " ", loaded.committee) in flat
    assert "Beispieldaten" in flat
    assert "Umsetzungsstand" in flat
    assert "Inhalt" in reader.pages[1].extract_text()


def test_pdf_outline_and_alt_texts(pdf: Path, loaded: report.Report) -> None:
    reader = PdfReader(pdf)
    titles = [item.title for item in _flatten(reader.outline)]
    assert "1 Überblick" in titles
    assert any(t.endswith("Handlungsfeld Bildung") for t in titles)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "de-DE"
    assert root["/MarkInfo"]["/Marked"]
    alts = [e["/Alt"] for e in _struct_elements(root["/StructTreeRoot"]) if "/Alt" in e]
    charted = [i for g in loaded.goals for i in g.indicators]
    assert len(alts) == len(charted)
    assert all("→" in a or "keine Werte" in a or ": " in a for a in alts)
    assert report.alt_text(charted[0], loaded.municipality) in alts


def _flatten(items: list) -> list:
    found = []
    for item in items:
        found.extend(_flatten(item) if isinstance(item, list) else [item])
    return found


def _struct_elements(node: object) -> list[dict]:
    node = node.get_object() if hasattr(node, "get_object") else node
    found = []
    if isinstance(node, dict):
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        if kids is not None:
            kids = kids if isinstance(kids, list) else [kids]
            for kid in kids:
                found.extend(_struct_elements(kid))
    return found


def test_xlsx_read_back(loaded: report.Report, tmp_path: Path) -> None:
    out = report.render_xlsx(loaded, tmp_path / "bericht.xlsx")
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == list(report.SHEETS)
    rows = list(book["Ziele"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert "Status der Wirkung" in header
    assert "Umsetzungsstand" in header
    assert len(body) == len(loaded.goals)
    status = header.index("Status der Wirkung")
    by_id = {r[1]: r for r in body}
    for goal in loaded.goals:
        assert by_id[goal.id][status] == report.status_label(goal.status)
    synopsis = list(book["Synopse"].iter_rows(values_only=True))
    assert synopsis[0][2:] == ("Runde 2021", "Runde 2024")
    assert len(synopsis) == len(loaded.goals) + 1


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.images: list[dict] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "img":
            self.images.append(dict(attrs))


def test_html_structure(loaded: report.Report, tmp_path: Path) -> None:
    out = report.render_html(loaded, tmp_path / "bericht.html")
    parser = _Html()
    parser.feed(out.read_text("utf-8"))
    assert parser.lang == "de"
    assert parser.headings.count(1) == 1
    assert parser.headings[0] == 1
    for before, after in zip(parser.headings, parser.headings[1:], strict=False):
        assert after <= before + 1, f"h{before} followed by h{after}"
    assert parser.images
    assert all(img.get("alt") for img in parser.images)


def test_html_escapes_catalogue_text(loaded: report.Report, tmp_path: Path) -> None:
    import dataclasses

    field = dataclasses.replace(loaded.fields[0], name="<script>alert(1)</script>")
    hostile = dataclasses.replace(loaded, fields=(field, *loaded.fields[1:]))
    html = report.render_html(hostile, tmp_path / "x.html").read_text("utf-8")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_write_refuses_unknown_format(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(report.ReportError, match="unknown format"):
        report.write(con, "2024", "docx", tmp_path / "x.docx")
