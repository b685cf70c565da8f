"""The tables and texts dashboard/ui.py makes from the queries' warehouse columns, expected values
written out by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from dashboard import ui

SOURCES = pl.DataFrame(
    {
        "id": ["gewerbe", "personal"],
        "title": ["Gewerbeanzeigen", "Personalbericht"],
        "publisher": ["LSN", "Stadt"],
        "table_code": ["52311-01-04-4", None],
        "licence": ["dl-de/by-2-0", "intern"],
        "retrieved": [dt.date(2025, 3, 1), dt.date(2024, 12, 31)],
        "is_sample": [False, True],
        "rows": [120, 8],
        "file": ["gewerbe.csv", "personal.csv"],
    }
)


def test_source_table_names_every_column_in_german_and_says_sample_or_official() -> None:
    expected = pl.DataFrame(
        {
            "Quelle": ["Gewerbeanzeigen", "Personalbericht"],
            "Art": ["amtlich", "Beispieldaten"],
            "Stand": [dt.date(2025, 3, 1), dt.date(2024, 12, 31)],
            "Tabelle": ["52311-01-04-4", None],
            "Herausgeber": ["LSN", "Stadt"],
            "Lizenz": ["dl-de/by-2-0", "intern"],
            "Werte": [120, 8],
            "Datei": ["gewerbe.csv", "personal.csv"],
        }
    )
    assert_frame_equal(ui.source_table(SOURCES), expected)
    assert_frame_equal(ui.source_table(SOURCES, files=False), expected.drop("Werte", "Datei"))


def test_source_table_of_no_source_is_empty_with_its_heads() -> None:
    table = ui.source_table(SOURCES.clear())
    assert table.height == 0
    assert table.columns == list(ui.SOURCE_HEADS.values())


def test_smart_table_marks_invented_goals() -> None:
    smart = pl.DataFrame(
        {
            "field_name": ["Bildung", "Wohnen"],
            "goal_title": ["Kita", "Tiny Houses"],
            "criteria": ["S/M, T", "A"],
            "messages": ["kein Zielwert; kein Jahr", "keine Federführung"],
            "sample": [False, True],
        }
    )
    expected = pl.DataFrame(
        {
            "Handlungsfeld": ["Bildung", "Wohnen"],
            "Ziel": ["Kita", "Tiny Houses"],
            "Kriterien": ["S/M, T", "A"],
            "Was fehlt": ["kein Zielwert; kein Jahr", "keine Federführung"],
            "Beispiel": ["", "Beispiel"],
        }
    )
    assert_frame_equal(ui.smart_table(smart), expected)


def test_build_change_table_shows_kind_title_before_and_after() -> None:
    changes = pl.DataFrame(
        {
            "kind": ["Status"],
            "id": ["bildung.kita"],
            "title": ["Kita-Quote"],
            "before": ["auf Kurs"],
            "after": [None],
        },
        schema_overrides={"after": pl.String},
    )
    expected = pl.DataFrame(
        {"Art": ["Status"], "Was": ["Kita-Quote"], "vorher": ["auf Kurs"], "jetzt": [None]},
        schema_overrides={"jetzt": pl.String},
    )
    assert_frame_equal(ui.build_change_table(changes), expected)


MEASURE = {
    "id": "m1",
    "title": "AG Vielfalt",
    "state": None,
    "state_round": None,
    "due": 2026,
    "owner": "Dezernat III",
    "field_name": "Soziales",
    "goal_title": "Safe Spaces",
    "goal_status": None,
    "goal_on_sample": None,
    "sample": False,
    "source_note": "Drucksache 1/2020",
}


def test_measure_table_without_report_or_goal_status() -> None:
    rows, heads = ui.measure_table([MEASURE], [], [{"id": "2021", "is_sample": False}])
    assert heads == ["Runde 2021"]
    assert rows == [
        {
            "Maßnahme": "AG Vielfalt",
            "Stand": "keine Meldung",
            "Fällig": 2026,
            "Federführung": "Dezernat III",
            "Handlungsfeld": "Soziales",
            "Ziel": "Safe Spaces",
            "Status des Ziels": None,
            "Beispiel": "",
            "Quelle": "Drucksache 1/2020",
            "Runde 2021": "–",
        }
    ]


def test_measure_table_names_the_round_and_marks_what_is_invented() -> None:
    measure = MEASURE | {
        "state": "umgesetzt",
        "state_round": "2021",
        "goal_status": "mäßiger Fortschritt",
        "goal_on_sample": True,
        "sample": True,
    }
    rounds = [{"id": "2021", "is_sample": False}, {"id": "2024", "is_sample": True}]
    reports = [{"measure_id": "m1", "round": "2021", "state": "umgesetzt"}]
    [row], heads = ui.measure_table([measure], reports, rounds)
    assert heads == ["Runde 2021", "Runde 2024 (Beispiel)"]
    assert row["Stand"] == "umgesetzt (Runde 2021)"
    assert row["Status des Ziels"] == "mäßiger Fortschritt (Beispieldaten)"
    assert row["Beispiel"] == "Beispiel"
    assert (row["Runde 2021"], row["Runde 2024 (Beispiel)"]) == ("umgesetzt", "–")


def test_series_alt_without_values_or_target() -> None:
    assert ui.series_alt("Anmeldungen", "Laatzen", [], "Anmeldungen", None) == (
        "Liniendiagramm Anmeldungen, Laatzen"
    )
    assert ui.series_alt(
        "Anmeldungen", "Laatzen", [{"period": 2020, "value": 1234.0}], "Anmeldungen", (2026, 1500)
    ) == (
        "Liniendiagramm Anmeldungen, Laatzen: 2020 1.234 Anmeldungen, 2020 1.234 Anmeldungen; "
        "Ziel 1.500 Anmeldungen bis 2026"
    )


def test_gaps_caption_names_each_missing_year() -> None:
    values = [
        {"period": 2015, "value": None, "flag": "einwohner fehlt"},
        {"period": 2016, "value": 3.0, "flag": None},
        {"period": 2017, "value": None, "flag": "anmeldungen: -"},
    ]
    assert ui.gaps_caption(values) == (
        "Lücken statt Nullen: 2015: einwohner fehlt; 2017: anmeldungen: „-“ (nichts vorhanden)"
    )
    assert ui.gaps_caption(values[1:2]) is None


def test_region_rows() -> None:
    progress = [
        {
            "region_name": "Hannover",
            "status": "auf Kurs",
            "uses_sample": False,
            "data_until": None,
            "latest_period": 2024,
            "latest_value": 26.44,
        },
        {
            "region_name": "Niedersachsen",
            "status": None,
            "uses_sample": True,
            "data_until": 2019,
            "latest_period": None,
            "latest_value": None,
        },
    ]
    assert ui.region_rows(progress, "%") == [
        {"Region": "Hannover", "Status": "auf Kurs", "Jahr": "2024", "Wert": "26,4 %"},
        {
            "Region": "Niedersachsen",
            "Status": "nicht bewertbar (Beispieldaten, Daten bis 2019)",
            "Jahr": "–",
            "Wert": "–",
        },
    ]


META = {
    "title": "Gewerbeanmeldungen je 10.000",
    "unit": "je 10.000 Einwohner",
    "description": "Anmeldungen* je Einwohner",
    "formula_words": "Anmeldungen / Einwohner × 10.000",
    "uses_sample": False,
    "concept": "Staatsangehörigkeit",
    "kind": "level",
    "direction": "up",
    "baseline_year": 2019,
    "target_value": 95.0,
    "target_year": 2026,
    "target_kind": "assumed",
    "target_source": "Annahme",
    "source_note": None,
}


def test_citation_lists_every_source() -> None:
    built = dt.datetime(2025, 6, 1, 10, 30)  # UTC: 12:30 in Berlin (summer time)
    sources = SOURCES.to_dicts()
    assert ui.citation(META, sources, built) == {
        "Titel": "Gewerbeanmeldungen je 10.000",
        "Einheit": "je 10.000 Einwohner",
        "Definition": "Anmeldungen* je Einwohner",
        "Berechnung": "Anmeldungen / Einwohner × 10.000",
        "Quelle": "Gewerbeanzeigen (LSN, Tabelle 52311-01-04-4, Stand 01.03.2025, Lizenz: "
        "dl-de/by-2-0) / Personalbericht (Stadt, Tabelle –, Stand 31.12.2024, Lizenz: intern)",
        "Beispieldaten": "nein",
        "Auswertung": "01.06.2025, 12:30 Uhr",
    }


def test_definition_names_kind_direction_and_an_assumed_target() -> None:
    assert ui.definition(META) == (
        "Anmeldungen\\* je Einwohner\n\n"
        "- **Berechnung:** Anmeldungen \\/ Einwohner × 10\\.000\n"
        "- **Konzept:** Staatsangehörigkeit (nie mit der anderen Größe in einer Reihe)\n"
        "- **Einheit:** je 10\\.000 Einwohner · **Art:** Bestand oder Anzahl · "
        "**gewünschte Richtung:** steigend\n"
        "- **Basisjahr:** 2019 · **Ziel:** 95\\,0 je 10\\.000 Einwohner bis 2026 \\(angenommen\\, "
        "kein beschlossener Zielwert\\; Quelle\\: Annahme\\)\n"
        "- **Hinweis zur Quelle:** –"
    )
    no_target = META | {"target_value": None, "concept": None, "direction": "down"}
    text = ui.definition(no_target)
    assert "- **Konzept:** nicht angegeben\n" in text
    assert "**gewünschte Richtung:** fallend" in text
    assert "**Ziel:** kein Zielwert\n" in text
