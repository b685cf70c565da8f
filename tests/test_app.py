"""The dashboard under AppTest, against warehouses built in the test."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries, ui
from etl import load
from tests import test_chain
from tests.conftest import ROOT, copy_shipped_data

APP = ROOT / "dashboard" / "streamlit_app.py"
PAGES = sorted(re.findall(r'"(app_pages/\w+\.py)"', APP.read_text("utf-8")))
CHAIN_INDICATOR = "wirtschaft.gruendungen_auslaendisch_anteil"


def _app(
    monkeypatch: pytest.MonkeyPatch, link: Path, page: str | None = None, **params: str
) -> AppTest:
    monkeypatch.setenv(queries.DB_ENV, str(link))
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def _runs_clean(monkeypatch: pytest.MonkeyPatch, link: Path, page: str) -> AppTest:
    """The page on the warehouse at `link`, checked to run without exception or error box."""
    at = _app(monkeypatch, link, page)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def _text(at: AppTest) -> str:
    return "\n".join(
        [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.html]
    )


def _write_chain(folder: Path, register: str = test_chain.REGISTER) -> Path:
    (folder / "raw").mkdir(exist_ok=True)
    (folder / "raw" / "gewerberegister.csv").write_text(register, encoding="utf-8")
    (folder / "sources.toml").write_text(test_chain.SOURCES, encoding="utf-8")
    (folder / "indicators.toml").write_text(test_chain.CATALOG, encoding="utf-8")
    link = folder / "warehouse.duckdb"
    load.build(folder / "indicators.toml", folder, link)
    return link


def test_every_page_is_in_the_navigation() -> None:
    files = sorted(f"app_pages/{p.name}" for p in (ROOT / "dashboard" / "app_pages").glob("*.py"))
    assert files == PAGES
    assert len(PAGES) == 7


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_error(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path, page: str
) -> None:
    at = _runs_clean(monkeypatch, shipped_warehouse, page)
    assert at.title or any(m.value.startswith("# ") for m in at.markdown)


def test_overview_shows_status_words_and_counts(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _app(monkeypatch, shipped_warehouse)
    assert [s.value for s in at.header][1:7] == [
        "Bildung",
        "Soziales",
        "Demokratie",
        "Stadtleben und Kultur",
        "Wirtschaft",
        "Stadtverwaltung und interkulturelle Öffnung",
    ]
    text = _text(at)
    # status as icon + word + colour: a badge with an icon and the word
    assert ui.badge("gray", "help", "kein Indikator hinterlegt") in text
    words = "auf Kurs|mäßiger Fortschritt|Ziel erreicht|deutlicher Fortschritt|unzureichender"
    assert re.search(
        rf':(blue|orange|red)-badge\[<span aria-hidden="true"[^>]*>\w+</span> ({words})', text
    )
    assert sum(int(m.value.split()[0]) for m in at.metric) == 39  # every goal counted once


def test_sample_badge_on_sample_indicator(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _app(
        monkeypatch,
        shipped_warehouse,
        "app_pages/indikator.py",
        indikator="verwaltung.neueinstellungen_mh_anteil",
    )
    assert "Beispieldaten" in _text(at)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "Beispieldaten" in spec["layout"]["title"]["subtitle"]["text"]


def test_official_indicator_has_no_sample_badge(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _app(
        monkeypatch,
        shipped_warehouse,
        "app_pages/indikator.py",
        indikator="verwaltung.personal_vollzeitaequivalente",
    )
    body = "\n".join(m.value for m in at.main.markdown)
    assert "Beispieldaten" not in body


def test_chart_data_worked_out_by_hand(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    link = _write_chain(tmp_path)
    at = _app(monkeypatch, link, "app_pages/indikator.py", indikator=CHAIN_INDICATOR)
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    traces = {t["name"]: t for t in spec["data"]}
    series = traces["Landeshauptstadt Hannover"]
    # 300/1000, 330/1000, a secret cell in 2023 (a gap, not zero), 360/1000
    assert series["x"] == [2019, 2022, 2023, 2024]
    assert series["y"] == [30.0, 33.0, None, 36.0]
    assert series["connectgaps"] is False
    assert (traces["Basis 2019"]["x"], traces["Basis 2019"]["y"]) == ([2019], [30.0])
    assert (traces["Ziel 2026"]["x"], traces["Ziel 2026"]["y"]) == ([2026], [40.0])
    assert traces["Weg zum Ziel"]["y"] == [30.0, 40.0]
    # least squares through (2019, 30), (2022, 33), (2024, 36): slope 15 / 12.667 = 1.18421
    trend = traces["Trend (linear seit Basis)"]
    assert trend["x"] == [2019, 2026]
    assert trend["y"] == pytest.approx([29.8421, 38.1316], abs=1e-3)
    layout = spec["layout"]
    assert layout["separators"] == ",."
    assert layout["xaxis"]["dtick"] == 1
    assert layout["yaxis"]["title"]["text"] == "%"
    assert "Einheit: %" in layout["title"]["subtitle"]["text"]
    assert "Lücken statt Nullen: 2023: auslaendisch: „.“ (unbekannt oder geheim)" in _text(at)


def test_unknown_deep_link_says_so(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _app(monkeypatch, shipped_warehouse, "app_pages/indikator.py", indikator="gibt.es_nicht")
    assert not at.exception
    assert "„gibt.es_nicht“ gibt es nicht" in at.error[0].value.replace("\\", "")
    at = _app(monkeypatch, shipped_warehouse, "app_pages/handlungsfeld.py", feld="bildng")
    assert "„bildng“ gibt es nicht" in at.error[0].value


def test_field_deep_link(monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path) -> None:
    at = _app(monkeypatch, shipped_warehouse, "app_pages/handlungsfeld.py", feld="wirtschaft")
    assert at.title[0].value == "Wirtschaft"
    assert at.query_params["feld"] == "wirtschaft"


def test_measures_filter(monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path) -> None:
    at = _app(monkeypatch, shipped_warehouse, "app_pages/massnahmen.py")
    at.multiselect[2].select("gestrichen").run()
    assert at.dataframe[0].value["Maßnahme"].tolist() == [
        "Tiny-Houses – Wohnprojekt für junge Menschen"
    ]
    assert "<strong>1 von 6 Maßnahmen</strong> entsprechen der Auswahl." in _text(at)


def test_rebuild_is_shown_on_the_next_view(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    link = _write_chain(tmp_path)
    at = _app(monkeypatch, link, "app_pages/indikator.py", indikator=CHAIN_INDICATOR)
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"][-1] == 36.0
    # New 2024 figures arrive; the app keeps running.
    _write_chain(tmp_path, test_chain.REGISTER.replace("ausländisch;270", "ausländisch;370"))
    at.run()
    assert not at.exception
    # 2024: (370 + 90) / (450 + 190 + 370 + 90) = 460 / 1100
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"][-1] == pytest.approx(
        41.818, abs=1e-3
    )


def test_missing_warehouse_says_what_to_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = _app(monkeypatch, tmp_path / "warehouse.duckdb")
    assert not at.exception
    assert "python -m etl run" in at.warning[0].value


def test_empty_warehouse_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import duckdb

    empty = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(empty)).close()
    at = _app(monkeypatch, empty)
    assert not at.exception
    assert "leer oder unvollständig" in at.warning[0].value


def test_regions_beyond_the_catalogue_are_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An indicator computed for a region the catalogue does not list (here Region Hannover, once
    it is no comparison region) shows it by its published name, and its page renders."""
    data = copy_shipped_data(tmp_path / "data")
    catalogue = (ROOT / "indicators.toml").read_text("utf-8")
    comparison = '    { code = "03241", name = "Region Hannover" },\n'
    assert comparison in catalogue
    (tmp_path / "indicators.toml").write_text(catalogue.replace(comparison, ""), encoding="utf-8")
    link = data / "warehouse.duckdb"
    load.build(tmp_path / "indicators.toml", data, link)
    con = duckdb.connect(str(link.resolve()), read_only=True)
    try:
        rows = con.execute("SELECT name, role FROM regions WHERE code = '03241'").fetchall()
    finally:
        con.close()
    assert rows == [("Region Hannover, Landkreis", "other")]
    at = _app(
        monkeypatch,
        link,
        "app_pages/indikator.py",
        indikator="verwaltung.personal_vollzeitaequivalente",
    )
    assert not at.exception
    assert not at.error


# --- honest numbers and status (#8) ---------------------------------------------------------------

SAMPLE_MARK = ui.SAMPLE_MARK


def _status_badges(at: AppTest) -> list[str]:
    """Every status badge line in the main area (not the stand-alone sample badges)."""
    return [
        m.value for m in at.main.markdown if re.match(r":(blue|orange|red|gray)-badge\[", m.value)
    ]


def _goal_lines(at: AppTest) -> list[str]:
    """The Übersicht's goal lines: a status badge, then the goal title as a link beside it."""
    lines = [m.value for m in at.main.markdown]
    return [
        f"{badge} {link}"
        for badge, link in itertools.pairwise(lines)
        if "](/handlungsfeld?feld=" in link
    ]


def test_overview_first_line_says_how_many_goals_rest_on_sample_data(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _app(monkeypatch, shipped_warehouse)
    # The shipped data assess ten goals: six on official series (Gymnasium gap, school leavers,
    # Kita, minimum income, naturalisations, foreign employees) and four whose every figure comes
    # from a beispiel_* file (Gremien, Existenzgründungen, Ausbildungsabschluss, Arbeitgeberin).
    assert at.main.markdown[0].value.startswith(
        "**4 von 10 bewerteten Zielen beruhen auf Beispieldaten** (4 ganz, 0 teilweise)"
    )
    # the counts say it too: the four assessed goals, each on sample data
    davon = [c.value for c in at.main.caption if c.value.startswith("davon ")]
    assert sum(int(c.split()[1]) for c in davon) == 4


def test_every_sample_based_badge_on_the_overview_is_marked(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _app(monkeypatch, shipped_warehouse)
    lines = _goal_lines(at)
    assert len(lines) == 39
    assessed = [line for line in lines if ":gray-badge" not in line.split("]", 1)[0]]
    assert len(assessed) == 10
    on_sample = [line for line in assessed if SAMPLE_MARK in line]
    assert len(on_sample) == 4
    for title in ("Mitgestaltung", "Existenzgründungen", "Ausbildungsabschluss", "Arbeitgeberin"):
        assert sum(title in line for line in on_sample) == 1, title
    unassessed = [line for line in lines if line not in assessed]
    assert not any(SAMPLE_MARK in line for line in unassessed)
    # the four fields with an assessed goal carry the mark on their own badge
    shown = [m.value for m in at.main.markdown]
    field_badges = [
        badge
        for badge, after in itertools.pairwise(shown)
        if badge in _status_badges(at) and "](/handlungsfeld?feld=" not in after
    ]
    assert len(field_badges) == 6
    assert sum(SAMPLE_MARK in b for b in field_badges) == 3  # Stadtleben, Wirtschaft, Verwaltung


def test_field_page_marks_sample_based_goal_status(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _app(monkeypatch, shipped_warehouse, "app_pages/handlungsfeld.py", feld="wirtschaft")
    badges = _status_badges(at)
    # the field, then its five goals: two assessed on sample data, three without indicator
    assert SAMPLE_MARK in badges[0]
    assert sum(SAMPLE_MARK in b for b in badges[1:]) == 2
    rows = [row for table in at.main.dataframe for row in table.value.to_dict("records")]
    # the sample-based statuses say so; the official foreign employees do not
    data = {r["Indikator"]: r["Daten"] for r in rows}
    assert data["Sozialversicherungspflichtig beschäftigte Ausländer*innen"] == "amtlich"
    assert data["Anteil ausländischer Auszubildender"] == "Beispieldaten"
    assert not at.error
    at = _app(monkeypatch, shipped_warehouse, "app_pages/handlungsfeld.py", feld="verwaltung")
    rows = [row for table in at.main.dataframe for row in table.value.to_dict("records")]
    data = {r["Indikator"]: r["Daten"] for r in rows}
    assert data["Beschäftigte der Stadt in Vollzeitäquivalenten"] == "amtlich"
    assert data["Anteil der Neueinstellungen mit Migrationshintergrund"] == "Beispieldaten"


def test_indicator_status_badge_is_marked_and_values_show_each_series(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _app(
        monkeypatch,
        shipped_warehouse,
        "app_pages/indikator.py",
        indikator="verwaltung.neueinstellungen_mh_anteil",
    )
    assert not at.error
    badge = next(m.value for m in at.main.markdown if m.value.startswith(":orange-badge["))
    assert SAMPLE_MARK in badge
    table = at.main.dataframe[0].value
    row = table[(table["Jahr"] == "2015") & (table["Geschlecht"] == "insgesamt")].iloc[0]
    # beispiel_personalbericht.csv, 2015: 109 hires with migration background of 640 hires,
    # not the formula's 100 × 109 = 10900
    assert row["Neueinstellungen mit Migrationshintergrund"] == "109"
    assert row["Neueinstellungen"] == "640"
    assert row["Wert"] == "17,0 %"  # 109 / 640 = 17.03 %
    assert row["Beispieldaten"] == "ja"
    # German numbers everywhere: no decimal point, no None
    cells = [str(v) for v in table.to_numpy().ravel()]
    assert not any(re.fullmatch(r"-?\d+\.\d+", c) or c == "None" for c in cells)


def test_assumed_target_is_drawn_apart_and_decides_nothing(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _app(
        monkeypatch,
        shipped_warehouse,
        "app_pages/indikator.py",
        indikator="stadtleben.lenkungsgruppe_mh_anteil",
    )
    assert any("Kein beschlossener Zielwert" in c.value for c in at.main.caption)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t["name"] for t in spec["data"]]
    assert "Ziel 2026 (angenommen)" in names
    assert "Ziel 2026" not in names
    # judged by direction, not against the assumed 50 %: (10 - 8) of 23 members in 4 years
    assert any(
        "kein beschlossener Zielwert (angenommen: 50 bis 2026" in c.value.replace("\\", "")
        for c in at.main.caption
    )


def test_counts_of_regions_are_compared_as_an_index(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _app(
        monkeypatch,
        shipped_warehouse,
        "app_pages/indikator.py",
        indikator="verwaltung.personal_vollzeitaequivalente",
    )
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    compared = charts[-1]
    assert "2009 = 100" in compared["layout"]["title"]["text"]
    city = next(t for t in compared["data"] if t["name"] == "Landeshauptstadt Hannover")
    # 74111-04-04-4: Stadt Hannover 2009 10.103, 2015 12.445 -> 100 and 123.18
    values = dict(zip(city["x"], city["y"], strict=True))
    assert values[2009] == pytest.approx(100.0)
    assert values[2015] == pytest.approx(100 * 12_445 / 10_103)
    # a share keeps its own unit in the comparison
    at = _app(
        monkeypatch,
        shipped_warehouse,
        "app_pages/indikator.py",
        indikator="kontext.auslaenderanteil",
    )
    compared = json.loads(at.get("plotly_chart")[-1].proto.spec)
    assert "Index" not in compared["layout"]["title"]["text"]
    assert compared["layout"]["yaxis"]["title"]["text"] == "%"


def test_measures_page_marks_the_goal_status_resting_on_sample_data(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _app(monkeypatch, shipped_warehouse, "app_pages/massnahmen.py")
    table = at.dataframe[0].value
    statuses = dict(zip(table["Maßnahme"], table["Status des Ziels"], strict=True))
    hires = (
        "Personalgewinnung: rund 30 % der Neueinstellungen mit Migrationshintergrund bis Ende 2026"
    )
    assert statuses[hires] == "mäßiger Fortschritt (Beispieldaten)"
    assert statuses["Tiny-Houses – Wohnprojekt für junge Menschen"] == "kein Indikator hinterlegt"


# --- hostile input through the URL and the catalogue (#9) ---------------------------------------

PHISHING = (
    "[Bitte hier neu anmelden](https://evil.example)\n\n# Sicherheitswarnung "
    "![x](https://evil.example/x.png) www.evil.example"
)


@pytest.mark.parametrize(("page", "key"), [("indikator", "indikator"), ("handlungsfeld", "feld")])
def test_a_deep_link_value_is_shown_as_text_never_as_markup(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path, page: str, key: str
) -> None:
    at = _app(monkeypatch, shipped_warehouse, f"app_pages/{page}.py", **{key: PHISHING})
    [box] = at.error
    text = box.value
    # every Markdown and link character escaped, one line, cut to a length
    assert "](" not in text
    assert "![" not in text
    assert "\n" not in text
    assert "https://" not in text
    assert "www.evil" not in text
    assert "\\[Bitte hier neu anmelden\\]" in text
    assert "…" in text


HOSTILE = (
    '<a href="https://evil.example">Klick</a> <b>fett</b> [Link](https://evil.example) '
    "www.evil.example :red[rot]"
)


def test_catalogue_text_is_shown_as_text_in_pages_and_charts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    catalogue = test_chain.CATALOG.replace(
        'title = "Anteil ausländischer Gründer*innen"', f"title = '{HOSTILE}'"
    ).replace('strategy = "WIR 2.0"', f"strategy = '{HOSTILE}'")
    folder = tmp_path
    (folder / "raw").mkdir()
    (folder / "raw" / "gewerberegister.csv").write_text(test_chain.REGISTER, encoding="utf-8")
    (folder / "sources.toml").write_text(test_chain.SOURCES, encoding="utf-8")
    (folder / "indicators.toml").write_text(catalogue, encoding="utf-8")
    link = folder / "warehouse.duckdb"
    load.build(folder / "indicators.toml", folder, link)
    at = _app(monkeypatch, link, "app_pages/indikator.py", indikator=CHAIN_INDICATOR)
    assert not at.exception
    assert not at.error
    shown = [at.title[0].value, *(m.value for m in at.markdown), *(c.value for c in at.caption)]
    for text in shown:
        assert "https://" not in text, text
        assert "www.evil" not in text, text
        assert ":red[" not in text, text
        assert not re.search(r"(?<!\\)<[ab][ >]", text), text
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    title = spec["layout"]["title"]["text"]
    assert "&lt;a href" in title
    assert "<a" not in title
    assert all("<b>" not in t["name"] for t in spec["data"])
    # the percent sign of a hover label is not doubled
    assert all("%%" not in t.get("hovertemplate", "") for t in spec["data"])
    at = _app(monkeypatch, link)  # the Übersicht and the sidebar show the strategy
    assert not at.exception
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert any("Klick" in t for t in texts)
    assert not any("https://" in t or re.search(r"(?<!\\)<a ", t) for t in texts)


def test_sources_page_explains_the_staff_secrecy(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _app(monkeypatch, shipped_warehouse, "app_pages/datenstand.py")
    assert any("Personalbericht: Werte von 1 oder 2 Personen" in c.value for c in at.caption)


def test_indicator_page_names_the_concept_and_the_source_licence(
    monkeypatch: pytest.MonkeyPatch, shipped_warehouse: Path
) -> None:
    at = _app(
        monkeypatch,
        shipped_warehouse,
        "app_pages/indikator.py",
        indikator="demokratie.einbuergerungsquote",
    )
    definition = next(m.value for m in at.main.markdown if "**Konzept:**" in m.value)
    assert (
        "**Konzept:** Staatsangehörigkeit (nie mit der anderen Größe in einer Reihe)" in definition
    )
    sources = at.main.dataframe[-1].value
    assert set(sources["Tabelle"]) == {"IM 2-3-1", "IM 1-2-1"}
    assert set(sources["Lizenz"]) == {"Datenlizenz Deutschland – Namensnennung – Version 2.0"}
    assert set(sources["Art"]) == {"amtlich"}
