"""The analyst's loop: inspect a new file, write the catalogue entry, check, run.

Each warning and each suggestion is shown on a small data folder and catalogue built here from
the samples; the expected lines are worked out by hand from the sample files.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from etl import catalog, load, sources
from etl.__main__ import _number, _years
from etl.errors import CatalogError, EtlError, ManifestError, closest
from tests.conftest import ROOT, SAMPLES

MANIFEST = """
[[source]]
id = "personal"
file = "raw/personal.csv"
format = "genesis"
title = "Beschäftigte der Gemeinden"
publisher = "Regionalstatistik"
table_code = "{table_code}"
licence = "dl-de/by-2-0"
retrieved = 2017-10-10
is_sample = false

[[source]]
id = "kammern"
file = "raw/training.csv"
format = "training"
title = "Ausbildungsstatistik"
publisher = "IHK, HWK"
licence = "CC0"
retrieved = 2026-11-01
is_sample = true
"""

HEAD = """
[municipality]
id = "hannover"
name = "Landeshauptstadt Hannover"
region_code = "03241001"
strategy = "WIR 2.0"
comparison = [{ code = "03241", name = "Region Hannover" }, { code = "03", name = "Niedersachsen" }]

[[field]]
id = "verwaltung"
name = "Stadtverwaltung"

[[field]]
id = "wirtschaft"
name = "Wirtschaft"

[[goal]]
id = "verwaltung.personal"
field = "verwaltung"
title = "Personal"
owner = "Dezernat IV"

[[goal]]
id = "wirtschaft.ausbildung"
field = "wirtschaft"
title = "Ausbildung"
owner = "Dezernat V"

[[goal]]
id = "wirtschaft.gruendung"
field = "wirtschaft"
title = "Gründung"
owner = "Dezernat V"

[[goal]]
id = "verwaltung.leer"
field = "verwaltung"
title = "Ein Ziel ohne alles"
owner = "Dezernat IV"

[[goal]]
id = "wirtschaft.leer"
field = "wirtschaft"
title = "Noch ein Ziel ohne alles"
owner = "Dezernat V"

[[measure]]
id = "wirtschaft.gruendung.beratung"
goal = "wirtschaft.gruendung"
title = "Beratung"
owner = "Wirtschaftsförderung"
"""


def indicator(
    ident: str,
    baseline: int,
    *,
    goal: str = "verwaltung.personal",
    extra: str = "",
    series: str = 'source = "personal"\nmeasure = "Vollzeitäquivalent"',
    formula: str = "vz",
) -> str:
    return (
        f'\n[[indicator]]\nid = "{ident}"\ngoal = "{goal}"\ntitle = "T"\n'
        f'unit = "Vollzeitäquivalente"\nkind = "level"\nformula = "{formula}"\n'
        f"baseline = {baseline}\n{extra}\n[indicator.series.vz]\n{series}\n"
    )


# Vollzeitäquivalent of Landeshauptstadt Hannover in genesis_personal.csv: 2008 "-",
# 2015 12445, 2016 12.610,5, 2017 "..." — two numbers from 2015 on, one from 2016 on.
INDICATORS = (
    indicator("verwaltung.vollzeit", 2015, extra="contextual = true")
    + indicator("verwaltung.vollzeit_ab_2016", 2016)
    + indicator("verwaltung.vollzeit_ab_2018", 2018)
    # Computed for the Region only: the municipality's count does not concern it.
    + indicator("verwaltung.vollzeit_region", 2017, extra='regions = ["03241"]')
    + indicator(
        "wirtschaft.azubis",
        2020,
        goal="wirtschaft.ausbildung",
        extra="contextual = true",
        series='source = "kammern"\nmeasure = "Auszubildende"\nsex = "*"\nnationality = "*"',
    )
)


def folder(tmp_path: Path, catalogue: str, table_code: str = "74111-04-04-4") -> Path:
    """A data folder with two sample files, its manifest, and the catalogue beside it."""
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    shutil.copy(SAMPLES / "genesis_personal.csv", data / "raw" / "personal.csv")
    shutil.copy(SAMPLES / "training.csv", data / "raw" / "training.csv")
    (data / "sources.toml").write_text(MANIFEST.format(table_code=table_code), "utf-8")
    (tmp_path / "indicators.toml").write_text(catalogue, "utf-8")
    return data


def etl(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def problems_of(catalogue: str, tmp_path: Path) -> list[str]:
    data = folder(tmp_path, catalogue)
    with pytest.raises(EtlError) as caught:
        load.gather(tmp_path / "indicators.toml", data)
    return [str(p) for p in caught.value.problems]


# --- warnings of `check` ---------------------------------------------------------------------


def test_check_warns_once_for_each_thing_an_analyst_should_look_at(tmp_path: Path) -> None:
    data = folder(tmp_path, HEAD + INDICATORS)
    warnings = load.gather(tmp_path / "indicators.toml", data).warnings
    assert warnings == [
        'indicators.toml: indicator "verwaltung.vollzeit_ab_2016": one value (2016) for '
        "Landeshauptstadt Hannover since its baseline year 2016; a trend needs two, so its "
        'status is "nicht bewertbar"',
        'indicators.toml: indicator "verwaltung.vollzeit_ab_2018": no value (the last is from '
        "2016) for Landeshauptstadt Hannover since its baseline year 2018; a trend needs two, "
        'so its status is "nicht bewertbar"',
        # training.csv has 2024 only.
        'indicators.toml: indicator "wirtschaft.azubis": one value (2024) for Landeshauptstadt '
        'Hannover since its baseline year 2020; a trend needs two, so its status is "nicht '
        'bewertbar"',
        "indicators.toml: 2 of 5 goals have neither an [[indicator]] nor a [[measure]] "
        "(Maßnahme): verwaltung.leer, wirtschaft.leer",
    ]


def test_no_goal_warning_where_every_goal_has_an_indicator_or_a_measure(tmp_path: Path) -> None:
    covered = HEAD.replace('id = "verwaltung.leer"', 'id = "verwaltung.personal2"')
    covered = covered.replace('id = "wirtschaft.leer"', 'id = "wirtschaft.gruendung2"')
    covered += indicator("verwaltung.a", 2015, goal="verwaltung.personal2")
    covered += indicator("wirtschaft.b", 2015, goal="wirtschaft.gruendung2")
    covered += indicator("verwaltung.c", 2015) + indicator(
        "wirtschaft.d", 2015, goal="wirtschaft.ausbildung"
    )
    data = folder(tmp_path, covered)
    assert load.gather(tmp_path / "indicators.toml", data).warnings == []


@pytest.mark.parametrize(
    ("table_code", "expected"),
    [
        (
            "74111-01-01-4",
            '"74111-01-01-4", but line 1 of raw/personal.csv names table "74111-04-04-4": is it '
            "the file you meant?",
        ),
        ("", 'empty, but line 1 of raw/personal.csv names table "74111-04-04-4"'),
    ],
)
def test_check_warns_where_table_code_is_not_the_files_own(
    table_code: str, expected: str, tmp_path: Path
) -> None:
    data = folder(tmp_path, HEAD + indicator("verwaltung.vollzeit", 2015), table_code)
    warnings = load.gather(tmp_path / "indicators.toml", data).warnings
    found = [w for w in warnings if ".table_code" in w]
    assert len(found) == 1
    assert found[0].endswith(f'sources.toml: source "personal".table_code: {expected}')


def test_table_code_read_from_line_1_only(tmp_path: Path) -> None:
    assert sources.header_table_code(SAMPLES / "genesis_personal.csv") == "74111-04-04-4"
    # cp1252 with a BOM-less Latin-1 title line: the code is ASCII either way.
    assert sources.header_table_code(SAMPLES / "genesis_laender_latin1.csv") == "52311-0001"
    assert sources.header_table_code(SAMPLES / "trade_register.csv") is None
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbfGENESIS-Tabelle: 12411-0001;;\r\nrest")
    assert sources.header_table_code(bom) == "12411-0001"


def test_check_prints_the_warnings_and_exits_0(tmp_path: Path) -> None:
    data = folder(tmp_path, HEAD + INDICATORS, table_code="74111-01-01-4")
    result = etl("check", "--catalog", str(tmp_path / "indicators.toml"), "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert "  5 warning(s)" in result.stdout.splitlines()
    lines = [line for line in result.stderr.splitlines() if not line.startswith("smart: ")]
    assert len(lines) == 5
    assert all(line.startswith("warning: ") for line in lines)


def test_check_lists_the_smart_criteria_each_goal_fails(tmp_path: Path) -> None:
    """Per goal, the criteria the catalogue can check: a target with a source (S/M), an
    indicator or measure (M), an owner (A), a due year set by a paper (T)."""
    text = HEAD.replace(
        'title = "Noch ein Ziel ohne alles"\nowner = "Dezernat V"\n', 'title = "Z"\n'
    )
    data = folder(tmp_path, text + INDICATORS, table_code="74111-01-01-4")
    result = etl("check", "--catalog", str(tmp_path / "indicators.toml"), "--data", str(data))
    assert result.returncode == 0, result.stderr
    smart = [line for line in result.stderr.splitlines() if line.startswith("smart: ")]
    assert (
        "smart: goal wirtschaft.leer: S/M: kein Zielwert mit Quelle (beschlossen oder "
        "abgeleitet); M: weder Indikator noch Maßnahme erfasst; A: keine Verantwortung (owner) "
        "benannt; T: kein Fälligkeitsjahr" in smart
    )
    assert f"  SMART: {len(smart)} of 5 goals miss a criterion" in result.stdout.splitlines()


# --- suggestions in every "unknown …" --------------------------------------------------------


def test_unknown_goal_suggested_before_a_cut_list(tmp_path: Path) -> None:
    # Ten goals: the list of known ids is cut after eight, the one meant is the tenth.
    goals = "".join(
        f'\n[[goal]]\nid = "wirtschaft.ziel_{n}"\nfield = "wirtschaft"\ntitle = "Z"\n'
        'owner = "Dezernat V"\n'
        for n in range(5)
    )
    typo = indicator("verwaltung.vollzeit", 2015, goal="verwaltung.persnal")
    problems = problems_of(HEAD + goals + typo, tmp_path)
    assert problems == [
        'indicators.toml: indicator "verwaltung.vollzeit".goal: unknown goal '
        '"verwaltung.persnal" — did you mean "verwaltung.personal"? (known: '
        "verwaltung.personal, wirtschaft.ausbildung, wirtschaft.gruendung, verwaltung.leer, "
        "wirtschaft.leer, wirtschaft.ziel_0, wirtschaft.ziel_1, wirtschaft.ziel_2, …)"
    ]


def test_unknown_field_suggested() -> None:
    text = HEAD.replace(
        'field = "wirtschaft"\ntitle = "Ausbildung"', 'field = "wirtschaf"\ntitle = "Ausbildung"'
    )
    with pytest.raises(CatalogError) as caught:
        catalog.parse(text.encode())
    assert [p.message for p in caught.value.problems] == [
        'unknown field "wirtschaf" — did you mean "wirtschaft"? (known: verwaltung, wirtschaft)'
    ]


def test_unknown_source_suggested(tmp_path: Path) -> None:
    typo = indicator("verwaltung.vollzeit", 2015, series='source = "persnal"\nmeasure = "x"')
    assert problems_of(HEAD + typo, tmp_path) == [
        'indicators.toml: indicator "verwaltung.vollzeit".series.vz.source: unknown source '
        '"persnal" — did you mean "personal"? (known: kammern, personal)'
    ]


@pytest.mark.parametrize(
    ("measure", "meant"),
    [
        ("vollzeitäquivalent", "Vollzeitäquivalent"),  # only the case differs
        ("Volzeitäquivalent", "Vollzeitäquivalent"),
        ("Beschäftigungsumfang / Teilzeit", "Beschäftigungsumfang / Teilzeitbeschäftigte"),
    ],
)
def test_unknown_measure_suggested(measure: str, meant: str, tmp_path: Path) -> None:
    typo = indicator(
        "verwaltung.vollzeit", 2015, series=f'source = "personal"\nmeasure = "{measure}"'
    )
    assert problems_of(HEAD + typo, tmp_path) == [
        f'indicators.toml: indicator "verwaltung.vollzeit".series.vz.measure: no measure '
        f'"{measure}" in its source(s) — did you mean "{meant}"? (measures there: '
        "Beschäftigungsumfang / Teilzeitbeschäftigte; Beschäftigungsumfang / "
        "Vollzeitbeschäftigte; Vollzeitäquivalent)"
    ]


@pytest.mark.parametrize(
    ("filters", "reason"),
    [
        (
            'sex = "*"\nnationality = "auslaendisch"',
            'nationality "auslaendisch" is not in the data — did you mean "ausländisch"? '
            '(values there: "ausländisch", "deutsch"; "*" for all)',
        ),
        (
            'sex = "Männlich"\nnationality = "*"',
            'sex "Männlich" is not in the data — did you mean "männlich"? (values there: '
            '"männlich", "weiblich"; "*" for all)',
        ),
        (
            # training.csv has no total by sex: the default "insgesamt" matches nothing.
            'nationality = "*"',
            'sex "insgesamt" (the default) is not in the data (values there: "männlich", '
            '"weiblich"; "*" for all)',
        ),
        (
            'sex = "*"\nnationality = "*"\ncategory = "Kammer: ihk"',
            'category "Kammer: ihk" is not in the data — did you mean "Kammer: IHK"? (values '
            'there: "Kammer: HWK", "Kammer: IHK"; "*" for all)',
        ),
    ],
)
def test_a_filter_value_not_in_the_data_is_named_with_the_nearest(
    filters: str, reason: str, tmp_path: Path
) -> None:
    series = f'source = "kammern"\nmeasure = "Auszubildende"\n{filters}'
    typo = indicator("wirtschaft.azubis", 2020, goal="wirtschaft.ausbildung", series=series)
    assert problems_of(HEAD + typo, tmp_path) == [
        f'indicators.toml: indicator "wirtschaft.azubis".series.vz: matches no observation: '
        f"{reason} (the values of each measure: `python -m etl inspect FILE`)"
    ]


def test_values_that_exist_but_never_together(tmp_path: Path) -> None:
    # Both exist in training.csv, but the IHK row is weiblich, the HWK row männlich.
    series = (
        'source = "kammern"\nmeasure = "Auszubildende"\nsex = "männlich"\nnationality = "*"\n'
        'category = "Kammer: IHK"'
    )
    typo = indicator("wirtschaft.azubis", 2020, goal="wirtschaft.ausbildung", series=series)
    assert problems_of(HEAD + typo, tmp_path) == [
        'indicators.toml: indicator "wirtschaft.azubis".series.vz: matches no observation: no '
        "row has this combination of sex, nationality and category (the values of each "
        "measure: `python -m etl inspect FILE`)"
    ]


def test_unknown_series_in_a_formula_suggested() -> None:
    text = HEAD + indicator("verwaltung.vollzeit", 2015, formula="100 * vzz")
    with pytest.raises(CatalogError) as caught:
        catalog.parse(text.encode())
    assert [p.message for p in caught.value.problems] == [
        'unknown series "vzz" — did you mean "vz"? (series of this indicator: vz)'
    ]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            (
                "baseline = 2015\n",
                "baseline = 2015\ntarget = { value = 1.0, year = 2026, "
                'kind = "adopted", sorce = "Drucksache 1" }\n',
            ),
            "target.sorce",
            'unknown key — did you mean "source"? (allowed: value, year, source, kind)',
        ),
        (
            ('measure = "Vollzeitäquivalent"', 'mesure = "Vollzeitäquivalent"'),
            "series.vz.mesure",
            'unknown key — did you mean "measure"? (allowed: source, measure, region, sex, '
            "nationality, category, label, dash_as_zero)",
        ),
        (
            ('kind = "level"', 'kind = "Level"'),
            "kind",
            '"Level" is not allowed — did you mean "level"? (expected one of: \'level\', '
            "'share', 'gap' or 'parity')",
        ),
    ],
)
def test_unknown_key_and_value_suggested(change: tuple[str, str], field: str, message: str) -> None:
    text = (HEAD + indicator("verwaltung.vollzeit", 2015)).replace(*change)
    with pytest.raises(CatalogError) as caught:
        catalog.parse(text.encode())
    problems = caught.value.problems
    assert [(p.field, p.message) for p in problems if p.field == field] == [(field, message)]


def test_unknown_table_suggested() -> None:
    text = HEAD + indicator("verwaltung.vollzeit", 2015).replace("[[indicator]]", "[[indicators]]")
    text = text.replace("[indicator.series.vz]", "[indicators.series.vz]")
    with pytest.raises(CatalogError) as caught:
        catalog.parse(text.encode())
    assert caught.value.problems[0].message == (
        'unknown table [indicators] — did you mean "indicator"? (allowed: municipality, field, '
        "goal, measure, indicator, round)"
    )


def test_unknown_format_suggested(tmp_path: Path) -> None:
    data = folder(tmp_path, HEAD)
    manifest = data / "sources.toml"
    manifest.write_text(manifest.read_text("utf-8").replace('"genesis"', '"Genesis"'), "utf-8")
    with pytest.raises(ManifestError) as caught:
        sources.load(data)
    assert 'unknown format "Genesis" — did you mean "genesis"? (known: genesis, ffcsv' in str(
        caught.value
    )


def test_a_case_only_difference_is_suggested_however_short() -> None:
    assert closest("ihk", ["HWK", "IHK"]) == "IHK"
    assert closest("Insgesamt", ["insgesamt", "männlich"]) == "insgesamt"


def test_no_suggestion_where_nothing_is_near() -> None:
    assert closest("bevoelkerung", ["gremien", "melderegister", "kammern"]) is None
    assert closest("personal", ["personal"]) is None  # the same name is no suggestion


# --- run: one line per indicator --------------------------------------------------------------


def test_run_prints_a_line_per_indicator(tmp_path: Path) -> None:
    data = folder(tmp_path, HEAD + INDICATORS)
    db = data / "warehouse.duckdb"
    result = etl(
        "run", "--catalog", str(tmp_path / "indicators.toml"), "--data", str(data), "--db", str(db)
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == ("  Landeshauptstadt Hannover: 2 fields, 5 goals, 1 Maßnahmen, 5 indicators")
    assert lines[2] == "  2 sources (1 sample), 30 observations"
    assert lines[3] == "  indicators for Landeshauptstadt Hannover (03241001): status, latest value"
    # Newest numbers for the municipality: Vollzeitäquivalent 12.610,5 in 2016 (2017 is
    # "..."); Auszubildende 2024: 310 + 1650 = 1960.
    assert lines[4:9] == [
        "    verwaltung.vollzeit          Kontextindikator                 "
        "2016: 12,610.5 Vollzeitäquivalente",
        "    verwaltung.vollzeit_ab_2016  nicht bewertbar                  "
        "2016: 12,610.5 Vollzeitäquivalente",
        "    verwaltung.vollzeit_ab_2018  nicht bewertbar                  "
        "no value since its baseline year 2018",
        "    verwaltung.vollzeit_region   not computed for the municipality (see its regions)",
        "    wirtschaft.azubis            Kontextindikator                 "
        "2024: 1,960 Vollzeitäquivalente  (sample data)",
    ]
    assert lines[9] == "  2 Kontextindikator, 2 nicht bewertbar"
    assert lines[10] == "  4 warning(s)"


def test_numbers_and_years_as_the_cli_shows_them() -> None:
    assert [_number(v) for v in (522131.0, 12610.5, 35.609756, 0.931034, 1.0, -2.5)] == [
        "522,131",
        "12,610.5",
        "35.61",
        "0.93",
        "1",
        "-2.5",
    ]
    assert _years([2015, 2009, 2010, 2011, 2017, 2018]) == "2009–2011, 2015, 2017–2018"
    assert _years([]) == "none"


# --- inspect: what a series can select, and the catalogue's regions ---------------------------

CATALOGUE_REGIONS = """
[municipality]
id = "hannover"
name = "Landeshauptstadt Hannover"
region_code = "03241001"
strategy = "WIR 2.0"
comparison = [
    { code = "03241", name = "Region Hannover" },
    { code = "03", name = "Niedersachsen" },
    { code = "03403000", name = "Oldenburg" },
]

[[field]]
id = "wirtschaft"
name = "Wirtschaft"
"""


def test_inspect_a_shipped_file_against_the_catalogue(tmp_path: Path) -> None:
    (tmp_path / "indicators.toml").write_text(CATALOGUE_REGIONS, "utf-8")
    path = ROOT / "data" / "raw" / "52311-01-04-4_gewerbeanmeldungen_kreise.csv"
    result = etl("inspect", str(path), "--catalog", str(tmp_path / "indicators.toml"))
    assert result.returncode == 0, result.stderr
    # The file by hand: Gewerbeanmeldungen of the city 2006–2015 ("-" until 2008), of the
    # Region and of Niedersachsen 2015; no breakdown by sex, nationality or category.
    assert result.stdout.splitlines()[1:] == [
        "  rows:     12",
        "  periods:  2006–2015",
        "  measures, with the values a series filter takes (copy them as they are):",
        '    "Gewerbeanmeldungen" [Anzahl]',
        '      sex:          "insgesamt"',
        '      nationality:  "insgesamt"',
        "      category:     none (leave category out)",
        "  regions:  3",
        "    03241001  Landeshauptstadt Hannover (municipality): 2009–2015; 2006–2008 only "
        "without a number",
        "    03241     Region Hannover (comparison): 2015",
        "    03        Niedersachsen (comparison): 2015",
        "    03403000  Oldenburg (comparison): not in the file",
        "    other regions: 0",
        "  flags:    '-': 3",
    ]


def test_inspect_json_lists_values_and_category_parts_as_stored(tmp_path: Path) -> None:
    (tmp_path / "indicators.toml").write_text(CATALOGUE_REGIONS, "utf-8")
    result = etl(
        "inspect",
        str(SAMPLES / "staff_report.csv"),
        "--json",
        "--catalog",
        str(tmp_path / "indicators.toml"),
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    # Two detail rows (Soziales, bis E8/A8, weiblich; Soziales, E13/A13 und höher, männlich),
    # stored with every margin: "insgesamt" for the department, the pay grade and the sex.
    staff = summary["measures"][0]
    assert staff["name"] == "Beschäftigte"
    assert staff["sex"] == ["insgesamt", "männlich", "weiblich"]
    assert staff["nationality"] == ["insgesamt"]
    assert staff["category_parts"] == {
        "Fachbereich": ["Fachbereich: insgesamt", "Fachbereich: Soziales"],
        "Entgeltgruppe": [
            "Entgeltgruppe: insgesamt",
            "Entgeltgruppe: E13/A13 und höher",
            "Entgeltgruppe: bis E8/A8",
        ],
    }
    assert len(staff["category"]) == 6
    assert "Fachbereich: insgesamt | Entgeltgruppe: insgesamt" in staff["category"]
    assert [m["name"] for m in summary["measures"]] == [
        "Beschäftigte",
        "Beschäftigte mit Migrationshintergrund",
        "Antworten der Personalbefragung",
        "Neueinstellungen",
        "Neueinstellungen mit Migrationshintergrund",
    ]
    assert summary["municipality"] == {
        "code": "03241001",
        "name": "Landeshauptstadt Hannover",
        "in_file": True,
        "periods": [2019],
        "periods_without_value": [],
    }
    assert [(r["code"], r["in_file"]) for r in summary["comparison"]] == [
        ("03241", False),
        ("03", False),
        ("03403000", False),
    ]
    assert summary["other_regions"] == 0


def test_inspect_without_a_catalogue_still_reads_the_file(tmp_path: Path) -> None:
    result = etl("inspect", str(SAMPLES / "training.csv"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no indicators.toml here" in result.stderr
    assert "      category:     2 value(s), a series names one or several:" in result.stdout
    assert '        "Kammer: HWK", "Kammer: IHK"' in result.stdout
    assert "  regions:  1" in result.stdout
    assert "municipality" not in result.stdout


def test_inspect_named_catalogue_must_be_valid(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(CATALOGUE_REGIONS.replace('id = "wirtschaft"', 'id = "Wirtschaft"'), "utf-8")
    result = etl("inspect", str(SAMPLES / "training.csv"), "--catalog", str(bad))
    assert result.returncode == 1
    assert "is not a valid id" in result.stderr


def test_inspect_uses_the_catalogue_in_the_working_folder() -> None:
    result = etl("inspect", str(SAMPLES / "training.csv"))
    assert result.returncode == 0, result.stderr
    town = catalog.load(ROOT / "indicators.toml").municipality
    assert f"    {town.region_code}  {town.name} (municipality): 2024" in result.stdout


# --- the README's analyst sections name every key the catalogue takes -----------------------

MODELS = {
    "municipality": catalog.Municipality,
    "comparison": catalog.Region,
    "field": catalog.FieldOfAction,
    "goal": catalog.Goal,
    "measure": catalog.Measure,
    "indicator": catalog.Indicator,
    "series": catalog.Series,
    "target": catalog.Target,
}


def _analyst_sections() -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    start = readme.index("## Eine Datendatei hinzufügen")
    return (
        readme[start : readme.index("\n## ", start + 3)]
        + readme[readme.index("## Einen Indikator hinzufügen") :].split("\n## ", 1)[0]
    )


@pytest.mark.parametrize(
    ("table", "key"),
    [(table, key) for table, model in MODELS.items() for key in model.model_fields],
)
def test_readme_names_every_catalogue_key(table: str, key: str) -> None:
    assert f"`{key}`" in _analyst_sections() or f"{key} = " in _analyst_sections(), (table, key)


def test_readme_says_how_to_run_in_a_fresh_shell() -> None:
    text = _analyst_sections()
    assert ". .venv/bin/activate" in text
    assert "make inspect FILE=" in text
    assert "make run PORT=8502" in text
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert "inspect: install" in makefile
    assert "--server.port $(PORT)" in makefile
