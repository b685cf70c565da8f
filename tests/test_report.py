"""The committee report of a closed round (dashboard/report.py): PDF, XLSX, HTML, changes, synopsis.

The warehouse is built in the test from the shipped catalogue and data; two rounds are then
closed by hand as the contract describes (`rounds` and `round_<table>` copies with the round's
id in front), and the earlier one is altered, so that the changes between them are known.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from pypdf import PdfReader

from dashboard import report
from etl import snapshot
from tests.conftest import ROOT, copy_shipped_data

# Round 2021 is closed after the fact on the data up to 2021 (as the committee saw it then),
# round 2024 on all data. data/massnahmen/2021.csv and 2024.csv, read by hand:
#   soziales.safe_spaces.ag_genitalverstuemmelung;geplant;;Pressemitteilung … (2021)
#   soziales.safe_spaces.ag_genitalverstuemmelung;verzögert;20;Beispiel: Arbeitsgruppe … (2024)
MEASURE = "soziales.safe_spaces.ag_genitalverstuemmelung"
GOAL = "soziales.safe_spaces"
# A series published to 2024 (Kita statistics): round 2021 ends at 2021.
INDICATOR = "bildung.kita_kinder_zuwanderung"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    data = copy_shipped_data(folder / "data")
    # Only the rounds this test closes, whatever the repository ships.
    shutil.rmtree(data / "rounds", ignore_errors=True)
    link = data / "warehouse.duckdb"
    catalogue = ROOT / "indicators.toml"
    snapshot.close_round(catalogue, data, link, "2021", note="Lenkungsgruppe", data_until=2021)
    snapshot.close_round(catalogue, data, link, "2024", note="Beispielrunde")
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
    assert 'round "2030" is not closed' in message
    assert "(closed rounds: 2021, 2024)" in message
    assert "python -m etl round close" in message


def test_no_closed_round_at_all(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    with pytest.raises(
        report.ReportError,
        match=r"empty.duckdb: rounds: round \"2024\" is not closed .*closed rounds: none",
    ):
        report.load_round(con, "2024")


def test_load_round(loaded: report.Report) -> None:
    assert loaded.municipality == "Landeshauptstadt Hannover"
    assert loaded.committee.startswith("Ausschuss für Integration")
    assert loaded.previous == "2021"
    assert loaded.info.is_sample
    assert loaded.info.note == "Beispielrunde"
    assert [f.name for f in loaded.fields][:2] == ["Bildung", "Soziales"]
    goal = next(g for g in loaded.goals if g.id == GOAL)
    assert goal.implementation_status == "Umsetzung nicht im Plan"
    measure = next(m for m in goal.measures if m.id == MEASURE)
    assert (measure.state, measure.progress) == ("verzögert", 20.0)
    assert measure.comment.startswith("Beispiel: Arbeitsgruppe gegründet")
    charted = [i for g in loaded.goals for i in g.indicators]
    assert charted
    assert all(i.values for i in charted)
    assert "Wie wird der Status berechnet?" in loaded.method
    assert any(s.licence for s in loaded.sources)


def test_first_round_has_nothing_before(con: duckdb.DuckDBPyConnection) -> None:
    first = report.load_round(con, "2021")
    assert first.previous is None
    assert first.changes.is_empty()
    assert first.info.data_until == 2021
    assert report.synopsis_rounds(first.synopsis) == ["2021"]
    kita = next(i for g in first.goals for i in g.indicators if i.id == INDICATOR)
    assert max(p for p, _ in kita.values) == 2021


def test_changes_between_two_rounds(con: duckdb.DuckDBPyConnection) -> None:
    found = report.changes(con, "2024", "2021")
    assert found.columns == ["kind", "object", "id", "title", "before", "after"]
    measure = found.filter((pl.col("kind") == "Maßnahme") & (pl.col("id") == MEASURE))
    assert measure.select("before", "after").rows() == [("geplant", "verzögert")]
    year = found.filter((pl.col("kind") == "Neues Datenjahr") & (pl.col("id") == INDICATOR))
    assert year.select("before", "after").rows() == [("2021", "2024")]
    umsetzung = found.filter((pl.col("kind") == "Umsetzungsstand") & (pl.col("id") == GOAL))
    assert umsetzung.select("before", "after").rows() == [
        ("Umsetzung im Plan", "Umsetzung nicht im Plan")
    ]
    # Every goal status that moved is one the synopsis shows moving, and the other way round.
    moved = found.filter((pl.col("kind") == "Status") & (pl.col("object") == "Ziel"))
    table = report.synopsis(con)
    shown = table.filter(pl.col("2021") != pl.col("2024"))
    assert (
        moved.select("id", "before", "after").rows()
        == shown.select("goal_id", "2021", "2024").rows()
    )
    assert not moved.is_empty()
    assert report.changes(con, "2021", None).is_empty()


def test_synopsis_goals_by_rounds(con: duckdb.DuckDBPyConnection) -> None:
    table = report.synopsis(con)
    goals = con.execute("SELECT count(*) FROM goals").fetchone()[0]
    assert table.height == goals
    assert table.columns == ["field_id", "field", "goal_id", "goal", "sample", "2021", "2024"]
    assert report.symbol("auf Kurs") == "✓"
    assert report.symbol("leichte Verschlechterung") == "✗"
    assert report.symbol(None) == "○"
    frozen = dict(
        con.execute(
            "SELECT goal_id, status FROM round_goal_progress WHERE round = '2021' "
            "AND region_code = '03241001'"
        ).fetchall()
    )
    assert dict(zip(table["goal_id"], table["2021"], strict=True)) == frozen
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

    goals = tuple(dataclasses.replace(g, indicators=()) for g in loaded.fields[0].goals)
    field = dataclasses.replace(loaded.fields[0], name="<script>alert(1)</script>", goals=goals)
    hostile = dataclasses.replace(loaded, fields=(field,))
    html = report.render_html(hostile, tmp_path / "x.html").read_text("utf-8")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_write_refuses_unknown_format(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(report.ReportError, match="unknown format"):
        report.write(con, "2024", "docx", tmp_path / "x.docx")
