"""The dashboard with reporting rounds (#11), under AppTest: a warehouse built in the test from
the shipped catalogue and data, owners' reports for three rounds written here, rounds 2021
(after the fact, data up to 2021) and 2024 (the catalogue's sample round) closed."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries, ui
from etl import load, snapshot
from tests.conftest import ROOT, copy_shipped_data
from tests.test_app import PAGES, _app, _runs_clean, _text

HEADER = "massnahme;stand;fortschritt;kommentar;gemeldet_von;gemeldet_am\n"
REPORTS = {
    "2019": HEADER + "stadtleben.mitgestaltung.mso_wahl;beschlossen;;;OE 50.6;01.11.2019\n",
    "2021": HEADER
    + "soziales.wohnen.tiny_houses;in Umsetzung;40;;Dezernat III;20.11.2021\n"
    + "soziales.safe_spaces.ag_genitalverstuemmelung;beschlossen;;;Dezernat III;20.11.2021\n"
    + "verwaltung.arbeitgeberin.neueinstellungen;in Umsetzung;20;;Personal;20.11.2021\n"
    + "demokratie.postmigrantische_gesellschaft.ag_postmigrantisch;geplant;;;Dez. III;20.11.2021\n"
    + "stadtleben.mitgestaltung.mso_wahl;umgesetzt;100;;OE 50.6;20.11.2021\n",
    "2024": HEADER
    + "soziales.wohnen.tiny_houses;gestrichen;;kein Grundstück;Dezernat III;10.12.2024\n"
    + "soziales.safe_spaces.ag_genitalverstuemmelung;in Umsetzung;50;;Dezernat III;10.12.2024\n"
    + "verwaltung.arbeitgeberin.neueinstellungen;verzögert;30;Sperre;Personal;10.12.2024\n"
    + "demokratie.postmigrantische_gesellschaft.ag_postmigrantisch;umgesetzt;100;;D;10.12.2024\n"
    + "verwaltung.einwanderungsgesellschaft.gremienbesetzung;in Umsetzung;;;OE 50.6;10.12.2024\n"
    + "stadtleben.mitgestaltung.mso_wahl;umgesetzt;100;;OE 50.6;10.12.2024\n",
}
HIRES = "Personalgewinnung: rund 30 % der Neueinstellungen mit Migrationshintergrund bis Ende 2026"


@pytest.fixture(scope="module")
def two_rounds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = copy_shipped_data(tmp_path_factory.mktemp("rounds") / "data")
    # Reports and closed rounds of our own, whatever data/ ships.
    for folder in ("massnahmen", "rounds"):
        shutil.rmtree(data / folder, ignore_errors=True)
    (data / "massnahmen").mkdir()
    for round_id, text in REPORTS.items():
        (data / "massnahmen" / f"{round_id}.csv").write_text(text, encoding="utf-8")
    link = data / "warehouse.duckdb"
    catalogue = ROOT / "indicators.toml"
    snapshot.close_round(catalogue, data, link, "2021", "nachträglich", data_until=2021)
    snapshot.close_round(catalogue, data, link, "2024", "Lenkungsgruppe (Beispiel)")
    return link


def _markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.main.markdown]


def _live(at: AppTest) -> str:
    """The page's live regions (role="status"), what a screen reader announces on a change."""
    return "\n".join(h.value for h in at.main.html if 'role="status"' in h.value)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_two_closed_rounds(
    monkeypatch: pytest.MonkeyPatch, two_rounds: Path, page: str
) -> None:
    _runs_clean(monkeypatch, two_rounds, page)


def test_berichtsrunde_shows_the_newest_round_its_changes_and_the_synopsis(
    monkeypatch: pytest.MonkeyPatch, two_rounds: Path
) -> None:
    at = _app(monkeypatch, two_rounds, "app_pages/berichtsrunde.py")
    assert at.selectbox[0].value == "2024"
    assert at.query_params["runde"] == "2024"
    # the sample round says so, next to its title
    assert any(m.startswith(ui.EXAMPLE_MARK) for m in _markdown(at))
    headers = [h.value for h in at.header]
    assert headers == [
        "Runde 2024\\: Beispielrunde 2024 \\(erfundene Meldungen\\)",
        "Stand je Handlungsfeld",
        "Was hat sich geändert?",
        "Synopse: alle Ziele über die Runden",
    ]
    tables = [t.value for t in at.main.dataframe]
    # per field: both kinds of status in their own columns, with their own symbols
    verwaltung = next(t for t in tables if "Umsetzungsstand" in t and len(t) == 2)
    row = verwaltung[verwaltung["Ziel"].str.contains("Arbeitgeberin")].iloc[0]
    assert row["Status"] == "◐ mäßiger Fortschritt (Beispieldaten)"
    assert row["Umsetzungsstand"] == "□ Umsetzung nicht im Plan (Beispiel)"
    assert row["Umsetzung im Einzelnen"] == (
        "Umsetzung: 0 von 1 Maßnahmen im Plan; 1 verzögert (Runde 2024)"
    )
    # the changes since 2021: a measure that moved, an Umsetzungsstand that moved
    changes = next(t for t in tables if "vorher" in t)
    moved = changes[(changes["Art"] == "Maßnahme") & (changes["Titel"] == HIRES)].iloc[0]
    # what comes from the invented reports of 2024 says so
    assert (moved["vorher"], moved["jetzt"]) == ("in Umsetzung", "verzögert (Beispiel)")
    wohnen = changes[(changes["Art"] == "Umsetzungsstand")]
    assert "– alle Maßnahmen gestrichen (Beispiel)" in set(wohnen["jetzt"])
    assert any("Gegenüber Runde 2021" in c.value for c in at.main.caption)
    # the synopsis: every goal, one column per closed round, symbol and word in each cell
    synopsis = tables[-1]
    assert list(synopsis.columns) == [
        "Handlungsfeld",
        "Ziel",
        "Runde 2021",
        "Runde 2024 (Beispiel)",
    ]
    assert len(synopsis) == 39
    cells = set(synopsis["Runde 2021"]) | set(synopsis["Runde 2024 (Beispiel)"])
    assert all(c[0] in "✓◐✗○" and c[1] == " " for c in cells), cells
    assert "○ kein Indikator hinterlegt" in cells


def test_berichtsrunde_deep_link_to_the_first_round(
    monkeypatch: pytest.MonkeyPatch, two_rounds: Path
) -> None:
    at = _app(monkeypatch, two_rounds, "app_pages/berichtsrunde.py", runde="2021")
    assert at.selectbox[0].value == "2021"
    text = _text(at)
    assert "Dies ist die erste abgeschlossene Runde" in text
    assert "**Daten bis:** 2021" in text
    assert "**Notiz:** nachträglich" in text
    # the committee as the round froze it (indicators.toml), catalogue text escaped
    assert "**Bericht an:** Ausschuss für Integration, Europa und Internationale Kooperation" in (
        text.replace("\\", "")
    )
    assert not any(m.startswith(ui.EXAMPLE_MARK) for m in _markdown(at))
    synopsis = at.main.dataframe[-1].value
    assert list(synopsis.columns) == ["Handlungsfeld", "Ziel", "Runde 2021"]
    at = _app(monkeypatch, two_rounds, "app_pages/berichtsrunde.py", runde="1999")
    assert "„1999“ gibt es nicht" in at.error[0].value
    assert at.selectbox[0].value == "2024"


def test_berichtsrunde_offers_the_report_in_three_formats(
    monkeypatch: pytest.MonkeyPatch, two_rounds: Path
) -> None:
    at = _app(monkeypatch, two_rounds, "app_pages/berichtsrunde.py", runde="2021")
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == [
        "Bericht als PDF",
        "Bericht als XLSX",
        "Bericht als HTML",
    ]
    assert ui.report_file_name("2021", "pdf") == "Bericht_WIR-Monitor_Runde_2021.pdf"
    # the file itself: the round's report from the warehouse, as dashboard.report writes it
    real = str(two_rounds.resolve())
    book = openpyxl.load_workbook(
        io.BytesIO(queries.round_report.__wrapped__(real, "2021", "xlsx"))
    )
    assert book.sheetnames


def test_berichtsrunde_makes_no_report_on_a_page_view(
    monkeypatch: pytest.MonkeyPatch, two_rounds: Path
) -> None:
    # The PDF takes seconds: it is made when a button asks for it, never while the page is drawn.
    made: list[tuple[str, str]] = []
    monkeypatch.setattr(
        queries, "round_report", lambda db, round_id, fmt: made.append((round_id, fmt)) or b""
    )
    at = _app(monkeypatch, two_rounds, "app_pages/berichtsrunde.py")
    at.selectbox[0].select("2021").run()
    assert len(at.get("download_button")) == 3
    assert made == []


@pytest.fixture(scope="module")
def no_round(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = copy_shipped_data(tmp_path_factory.mktemp("no_round") / "data")
    shutil.rmtree(data / "rounds", ignore_errors=True)
    link = data / "warehouse.duckdb"
    load.build(ROOT / "indicators.toml", data, link)
    return link


def test_no_closed_round_says_how_to_close_one(
    monkeypatch: pytest.MonkeyPatch, no_round: Path
) -> None:
    at = _app(monkeypatch, no_round, "app_pages/berichtsrunde.py")
    assert not at.exception
    [box] = at.info
    assert "Noch ist keine Berichtsrunde abgeschlossen" in box.value
    assert "`python -m etl round close <Runde>`" in box.value
    assert not at.main.dataframe
    at = _app(monkeypatch, no_round, "app_pages/datenstand.py")
    assert any("python -m etl round close <Runde>" in c.value for c in at.main.caption)


def test_field_page_shows_the_umsetzungsstand_apart_from_the_outcome_status(
    monkeypatch: pytest.MonkeyPatch, two_rounds: Path
) -> None:
    at = _app(monkeypatch, two_rounds, "app_pages/handlungsfeld.py", feld="verwaltung")
    lines = _markdown(at)
    implementation = [m for m in lines if m.startswith("**Umsetzungsstand:**")]
    assert (
        implementation
        == [
            "**Umsetzungsstand:** "
            + ui.badge("red", "block", "Umsetzung nicht im Plan")
            + " "
            + ui.EXAMPLE_MARK
        ]
        * 2
    )
    # the outcome badges say nothing about the measures, and use other icons
    outcome = [m for m in lines if m.startswith((":blue-badge[", ":orange-badge[", ":gray-badge["))]
    assert outcome
    assert not any("Umsetzung" in m or ">block<" in m for m in outcome)
    captions = [c.value for c in at.main.caption]
    assert "Umsetzung\\: 0 von 1 Maßnahmen im Plan\\; 1 verzögert \\(Runde 2024\\)" in captions
    # each measure with its state, round, due year, owner and the sample mark of its round
    measures = next(m for m in lines if m.startswith("- Personalgewinnung"))
    assert "— *verzögert* (Runde 2024), fällig 2026" in measures
    assert measures.endswith(ui.EXAMPLE_MARK)
    assert "**Maßnahmen** (1 verzögert)" in lines


def test_field_page_names_goals_with_neither_indicator_nor_measure(
    monkeypatch: pytest.MonkeyPatch, two_rounds: Path
) -> None:
    at = _app(monkeypatch, two_rounds, "app_pages/handlungsfeld.py", feld="bildung")
    lines = _markdown(at)
    # nine of the twelve Bildung goals have neither (indicators.toml)
    assert lines.count("*Weder Indikator noch Maßnahme erfasst.*") == 9


def test_overview_counts_the_umsetzungsstand_per_field(
    monkeypatch: pytest.MonkeyPatch, two_rounds: Path
) -> None:
    at = _app(monkeypatch, two_rounds)
    captions = [c.value for c in at.main.caption if "Umsetzung" in c.value]
    assert len(captions) == 6
    verwaltung = captions[-1]
    assert "Umsetzung\\: 2 Ziele nicht im Plan \\(Runde 2024\\)" in verwaltung
    assert verwaltung.endswith(ui.EXAMPLE_MARK)
    assert captions[0].endswith("Umsetzung\\: keine Maßnahme erfasst")


def test_measures_page_shows_the_state_per_round_and_filters_delayed(
    monkeypatch: pytest.MonkeyPatch, two_rounds: Path
) -> None:
    at = _app(monkeypatch, two_rounds, "app_pages/massnahmen.py")
    assert "<strong>6 von 6 Maßnahmen</strong>" in _live(at)
    table = at.main.dataframe[0].value
    assert {"Runde 2019", "Runde 2021", "Runde 2024 (Beispiel)"} <= set(table.columns)
    hires = table[table["Maßnahme"] == HIRES].iloc[0]
    assert hires["Stand"] == "verzögert (Runde 2024, Beispiel)"
    assert (hires["Runde 2019"], hires["Runde 2021"], hires["Runde 2024 (Beispiel)"]) == (
        "–",
        "in Umsetzung",
        "verzögert",
    )
    at.multiselect[2].select("verzögert").run()
    assert at.main.dataframe[0].value["Maßnahme"].tolist() == [HIRES]
    assert "<strong>1 von 6 Maßnahmen</strong> entsprechen der Auswahl." in _live(at)


def test_datenstand_lists_closed_and_declared_rounds_and_the_smart_check(
    monkeypatch: pytest.MonkeyPatch, two_rounds: Path
) -> None:
    at = _app(monkeypatch, two_rounds, "app_pages/datenstand.py")
    closed, declared, smart = (t.value for t in at.main.dataframe[1:4])
    assert closed["Runde"].tolist() == ["2024", "2021"]
    assert closed["Beispiel"].tolist() == ["Beispiel", ""]
    assert closed["Daten bis"].tolist() == ["", "2021"]
    assert closed["Notiz"].tolist() == ["Lenkungsgruppe (Beispiel)", "nachträglich"]
    assert all(h.endswith("…") and len(h) == 13 for h in closed["Katalog (SHA-256)"])
    assert declared["Runde"].tolist() == ["2019", "2021", "2024"]
    assert declared["abgeschlossen"].tolist() == ["nein", "ja", "ja"]
    assert declared["Meldungen"].tolist() == ["1 gemeldet", "5 gemeldet", "6 gemeldet"]
    assert list(smart.columns) == ["Handlungsfeld", "Ziel", "Kriterien", "Was fehlt", "Beispiel"]
    for criteria, missing in zip(smart["Kriterien"], smart["Was fehlt"], strict=True):
        assert ("M" in criteria.split(", ")) == ("weder Indikator noch Maßnahme erfasst" in missing)
    assert (smart["Kriterien"].str.split(", ").map(lambda c: "M" in c)).sum() == 20
    assert any("**T** terminiert" in m for m in _markdown(at))


REPORTS_SIDE_BY_SIDE = """
import os, threading
os.environ["WIR_MONITOR_DB"] = {link!r}
from dashboard import queries
db = queries.current()
failures = []
def run(fmt):
    try:
        assert queries.round_report.__wrapped__(db, "2024", fmt)
    except BaseException as exc:
        failures.append(exc)
threads = [threading.Thread(target=run, args=(f,)) for f in ("xlsx", "html", "xlsx")]
for t in threads: t.start()
for t in threads: t.join()
if failures: raise failures[0]
print("ok")
"""


def test_reports_are_written_side_by_side(two_rounds: Path) -> None:
    """Sessions asking for reports at once (the thread test leaves reports out: seconds each)."""
    done = subprocess.run(
        [sys.executable, "-c", REPORTS_SIDE_BY_SIDE.format(link=str(two_rounds))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")
