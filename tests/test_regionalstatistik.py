"""The classic reader over the whole Regionalstatistik family: every layout, never a silent
wrong read.

Three parts. Hand-made samples of each layout (real header lines, a few real rows, the real
footer start; tests/samples/regionalstatistik/README.md), their tidy frames written out by hand.
Variants that must be refused, each with the line and the reason. And every real file in
../shared/data: the Hannover rows split by hand (str.split, not the reader) against what the
reader yields for them, value column by value column, with period, sex and nationality.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from etl.errors import SourceFileError
from etl.readers import TIDY_COLUMNS, TIDY_SCHEMA, genesis
from etl.readers._common import decode
from tests import fuzzing
from tests.conftest import ROOT, SAMPLES, SHARED

LAYOUTS = SAMPLES / "regionalstatistik"
SHARED_DATA = SHARED / "data"

TOTAL, MALE, FEMALE = "insgesamt", "männlich", "weiblich"
GERMAN, FOREIGN = "deutsch", "ausländisch"
STADT = ("03241001", "Hannover, Landeshauptstadt")
REGION = ("03241", "Region Hannover, Landkreis")

# A value column as the header describes it: (measure, unit, sex, nationality[, period, date]).
Spec = tuple
# A data row as the file holds it: (line, code, name, period, date, category, values).
Row = tuple


def tidy(source: str, columns: list[Spec], rows: list[Row]) -> pl.DataFrame:
    """The tidy frame of rows written out by hand: each row's values in the order of `columns`,
    a number as a number, a published symbol as text."""
    records = []
    for line, code, name, period, date, category, values in rows:
        assert len(values) == len(columns), f"line {line}: {len(values)} values"
        for spec, cell in zip(columns, values, strict=True):
            measure, unit, sex, nationality, *across = spec
            value, flag = (None, cell) if isinstance(cell, str) else (float(cell), None)
            records.append(
                {
                    "source": source,
                    "measure": measure,
                    "unit": unit,
                    "region_code": code,
                    "region_name": name,
                    "period": across[0] if across else period,
                    "reference_date": across[1] if across else date,
                    "sex": sex,
                    "nationality": nationality,
                    "category": category,
                    "value": value,
                    "flag": flag,
                    "line": line,
                }
            )
    return pl.DataFrame(records, schema=TIDY_SCHEMA)


def read_sample(name: str) -> pl.DataFrame:
    return genesis.read(LAYOUTS / name, source="s")


# --- the layouts, by hand -------------------------------------------------------------------

CONTINENTS = "Einbürgerungen von Ausländern / Kontinente (einschl. staatenlos etc.)"
NATURALISATIONS = [
    (f"{CONTINENTS} / {continent}", "Anzahl", TOTAL, TOTAL)
    for continent in (
        "Insgesamt",
        "Afrika",
        "Amerika",
        "Asien",
        "Australien und Ozeanien",
        "Europa",
        "Staatenlos, unbekannt, ungeklärt, ohne Angabe",
    )
]


def test_period_as_first_key_column_a_year_latin1_four_header_rows() -> None:
    # 12511-01-01-4 as published in Latin-1: three label rows and the units row; "-" is kept.
    expected = tidy(
        "s",
        NATURALISATIONS,
        [
            (9, *REGION, 2016, None, None, [2128, 152, 61, 667, "-", 1215, 33]),
            (10, *STADT, 2016, None, None, [1300, 99, 47, 391, "-", 746, 17]),
            (11, *STADT, 2015, None, None, [1202, 99, 30, 340, "-", 722, 11]),
        ],
    )
    assert_frame_equal(read_sample("12511-01-01-4_jahr_latin1.csv"), expected)


def test_period_as_first_key_column_a_date_with_an_age_group_after_the_name() -> None:
    # 12411-03-03-4: "Insgesamt | Deutsche | Ausländer(innen)" above "Insgesamt | männlich |
    # weiblich", no row naming the dimensions; the age group is a key column after the name.
    day = dt.date(2015, 12, 31)
    columns = [
        ("Bevölkerungsstand", "Anzahl", sex, nationality)
        for nationality in (TOTAL, GERMAN, FOREIGN)
        for sex in (TOTAL, MALE, FEMALE)
    ]
    expected = tidy(
        "s",
        columns,
        [
            (
                9,
                *STADT,
                2015,
                day,
                "unter 3 Jahre",
                [15673, 8182, 7491, 13928, 7263, 6665, 1745, 919, 826],
            ),
            (
                10,
                *STADT,
                2015,
                day,
                "Insgesamt",
                [532163, 259749, 272414, 447931, 216587, 231344, 84232, 43162, 41070],
            ),
        ],
    )
    assert_frame_equal(read_sample("12411-03-03-4_stichtag_altersgruppe.csv"), expected)


def test_period_on_a_line_of_its_own_rows_from_the_key_dimensions_named() -> None:
    # 13111-02-02-5: "30.06.2015;;;;;;;" above the header, "Nationalität" and "Geschlecht" name
    # the rows below; Gemeinde keys of 11 digits (a Gemeinde in a Samtgemeinde) and of 8.
    day = dt.date(2015, 6, 30)
    measure = "Sozialversicherungspfl. Beschäftigte (Wohnort)"
    columns = [
        (measure, "Anzahl", sex, nationality)
        for nationality in (TOTAL, FOREIGN)
        for sex in (TOTAL, MALE, FEMALE)
    ]
    expected = tidy(
        "s",
        columns,
        [
            (12, "03151401002", "Barwedel", 2015, day, None, [431, 243, 188, 7, ".", "."]),
            (13, *REGION, 2015, day, None, [419299, 220067, 199232, 39935, 23964, 15971]),
            (14, *STADT, 2015, day, None, [194558, 101159, 93399, 25092, 14757, 10335]),
        ],
    )
    assert_frame_equal(read_sample("13111-02-02-5_stichtag_zeile.csv"), expected)


def test_period_as_jahr_line_latin1_with_crlf() -> None:
    # "Jahr: 2016" above the header, rows from the region key on, Latin-1 and CRLF as the office
    # publishes.
    expected = tidy(
        "s",
        NATURALISATIONS,
        [
            (10, *REGION, 2016, None, None, [2128, 152, 61, 667, "-", 1215, 33]),
            (11, *STADT, 2016, None, None, [1300, 99, 47, 391, "-", 746, 17]),
        ],
    )
    assert_frame_equal(read_sample("12511-01-01-4_jahr_zeile_crlf.csv"), expected)


def test_periods_across_the_columns_with_sex_below() -> None:
    # 12411-01-01-5: ";;31.12.2015;31.12.2015;31.12.2015;31.12.2014;…" over "Insgesamt | männlich
    # | weiblich"; the measure from the title "Bevölkerungsstand (Anzahl)".
    d15, d14 = dt.date(2015, 12, 31), dt.date(2014, 12, 31)
    columns = [
        ("Bevölkerungsstand", "Anzahl", sex, TOTAL, day.year, day)
        for day in (d15, d14)
        for sex in (TOTAL, MALE, FEMALE)
    ]
    expected = tidy(
        "s",
        columns,
        [
            (9, *REGION, None, None, None, [1144481, 559775, 584706, 1128037, 548483, 579554]),
            (10, *STADT, None, None, None, [532163, 259749, 272414, 523642, 253616, 270026]),
        ],
    )
    assert_frame_equal(read_sample("12411-01-01-5_stichtage_spalten.csv"), expected)


def test_newer_export_header_tabelle_and_regionale_tiefe_on_its_own_line() -> None:
    # 13211-02-05-4 downloaded in 2023: "Tabelle: 13211-02-05-4", "regionale Tiefe:" and the
    # depth on two lines, Latin-1; "ausländisch", "Männer", "Frauen" beside other groups.
    unemployed, rate = "Arbeitslose", "Arbeitslosenquote bez. auf alle zivile Erwerbsp."
    columns = [
        (unemployed, "Anzahl", TOTAL, TOTAL),
        (unemployed, "Anzahl", TOTAL, FOREIGN),
        (f"{unemployed} / schwerbehindert", "Anzahl", TOTAL, TOTAL),
        (f"{unemployed} / 15 bis unter 20 Jahre", "Anzahl", TOTAL, TOTAL),
        (f"{unemployed} / 15 bis unter 25 Jahre", "Anzahl", TOTAL, TOTAL),
        (f"{unemployed} / 55 bis unter 65 Jahre", "Anzahl", TOTAL, TOTAL),
        (f"{unemployed} / langzeitarbeitslos", "Anzahl", TOTAL, TOTAL),
        ("Arbeitslosenquote bez. abh. zivile Erwerbspers.", "Prozent", TOTAL, TOTAL),
        (rate, "Prozent", TOTAL, TOTAL),
        (rate, "Prozent", MALE, TOTAL),
        (rate, "Prozent", FEMALE, TOTAL),
        (rate, "Prozent", TOTAL, FOREIGN),
        (f"{rate} / 15 bis unter 25 Jahre", "Prozent", TOTAL, TOTAL),
    ]
    expected = tidy(
        "s",
        columns,
        [
            (
                10,
                *REGION,
                2023,
                None,
                None,
                [47792, 21492, 2326, 901, 4085, 9679, 20465, 8.0, 7.5, 7.7, 7.2, 21.7, 6.3],
            ),
            (
                11,
                *STADT,
                2023,
                None,
                None,
                [27720, 13110, 1255, 517, 2267, 5148, 12282, ".", 9.0, 9.4, 8.6, 22.3, 7.1],
            ),
        ],
    )
    path = LAYOUTS / "13211-02-05-4_2023_tabelle_latin1.csv"
    assert_frame_equal(genesis.read(path, source="s"), expected)
    assert genesis.table_code(path) == "13211-02-05-4"


def test_dimension_rows_among_other_dimensions_and_a_key_column_after_the_name() -> None:
    # 21111-01-03-4: "Geschlecht | Geschlecht | Nationalität | Klassenstufe …" above their
    # values; only sex and nationality leave the measure. The school type is a key column.
    pupils = "Schülerinnen und Schüler an allgemeinbildenden Schulen"
    grade = f"{pupils} / Klassenstufe / Jahrgangsstufe / Schulbesuchsjahr"
    columns = [
        ("Allgemeinbildende Schulen", "Anzahl", TOTAL, TOTAL),
        (pupils, "Anzahl", TOTAL, TOTAL),
        (pupils, "Anzahl", FEMALE, TOTAL),
        (pupils, "Anzahl", TOTAL, FOREIGN),
        (f"{grade} / 7. Klassenstufe", "Anzahl", TOTAL, TOTAL),
        (f"{grade} / 11. Jahrgangsstufe / Einführungsphase", "Anzahl", TOTAL, TOTAL),
    ]
    expected = tidy(
        "s",
        columns,
        [
            (10, *STADT, 2023, None, "Grundschulen", [68, 19080, 9276, 5142, "x", "x"]),
            (11, *STADT, 2023, None, "Insgesamt", ["x", 59011, 28718, 13019, 4933, 3145]),
        ],
    )
    assert_frame_equal(read_sample("21111-01-03-4_2023_dimensionen_latin1.csv"), expected)


def test_relation_dar_stays_in_the_measure_its_groups_go_to_sex_and_nationality() -> None:
    # 22811-02-02-4: "dar.: …" over "insgesamt | erwerbsf. … | nicht erwerbsf. …" over
    # "Insgesamt | Ausländer(innen) | weiblich" and "zusammen | weiblich | unter 25 Jahre …".
    day = dt.date(2016, 12, 31)
    of_which = "dar.: Regelleistungsberechtigte nach dem SGB II"
    able = f"{of_which} / erwerbsf. Leistungsberech. (Arbeitslosengeld II)"
    unable = f"{of_which} / nicht erwerbsf. Leistungsberech. (Sozialgeld)"
    columns = [
        ("Personen in Bedarfsgemeinschaften nach dem SGB II", "Anzahl", TOTAL, TOTAL),
        (f"{of_which} / insgesamt", "Anzahl", TOTAL, TOTAL),
        (f"{of_which} / insgesamt", "Anzahl", TOTAL, FOREIGN),
        (f"{of_which} / insgesamt", "Anzahl", FEMALE, TOTAL),
        (able, "Anzahl", TOTAL, TOTAL),
        (able, "Anzahl", FEMALE, TOTAL),
        (f"{able} / unter 25 Jahre", "Anzahl", TOTAL, TOTAL),
        (f"{able} / 25 bis unter 50 Jahre", "Anzahl", TOTAL, TOTAL),
        (f"{able} / 50 bis unter 55 Jahre", "Anzahl", TOTAL, TOTAL),
        (f"{able} / 55 Jahre und mehr", "Anzahl", TOTAL, TOTAL),
        (unable, "Anzahl", TOTAL, TOTAL),
        (unable, "Anzahl", FEMALE, TOTAL),
        (f"{unable} / unter 15 Jahre", "Anzahl", TOTAL, TOTAL),
    ]
    values = [72717, 69883, 25791, 34182, 50641, 25021, 9254, 28252, 4974, 8161, 19242, 9161, 18729]
    expected = tidy("s", columns, [(10, *STADT, 2016, day, None, values)])
    assert_frame_equal(read_sample("22811-02-02-4_dar.csv"), expected)


def test_relation_und_zwar_stays_in_the_measure() -> None:
    # 13211-01-03-4: "Arbeitslose" over "und zwar" over "Ausländer | schwerbehindert | …".
    columns = [
        ("Arbeitslose insgesamt", "Anzahl", TOTAL, TOTAL),
        ("Arbeitslose / und zwar", "Anzahl", TOTAL, FOREIGN),
        ("Arbeitslose / und zwar / schwerbehindert", "Anzahl", TOTAL, TOTAL),
        ("Arbeitslose / und zwar / 15 bis unter 20 Jahre", "Anzahl", TOTAL, TOTAL),
        ("Arbeitslose / und zwar / 15 bis unter 25 Jahre", "Anzahl", TOTAL, TOTAL),
        ("Arbeitslose / und zwar / 55 bis unter 65 Jahre", "Anzahl", TOTAL, TOTAL),
        ("Arbeitslose / und zwar / langzeitarbeitslos", "Anzahl", TOTAL, TOTAL),
    ]
    values = [26584, 9223, 1271, 454, 2357, 4444, 11792]
    expected = tidy("s", columns, [(10, *STADT, 2016, None, None, values)])
    assert_frame_equal(read_sample("13211-01-03-4_und_zwar.csv"), expected)


def test_a_date_period_and_gemeinde_keys_of_11_digits_keep_key_and_name_apart() -> None:
    # 14333-01-02-5: the silent wrong read. "03151401002" did not pass the key pattern,
    # so the key went to the name column and the name to the category, without an error.
    day = dt.date(2013, 1, 20)
    votes = "Gültige Stimmen"
    columns = [
        ("Wahlberechtigte", "Anzahl", TOTAL, TOTAL),
        ("Wahlbeteiligung", "Prozent", TOTAL, TOTAL),
        (votes, "Anzahl", TOTAL, TOTAL),
        *(
            (f"{votes} / Parteien / {party}", "Anzahl", TOTAL, TOTAL)
            for party in ("CDU/CSU", "SPD", "GRÜNE", "FDP", "DIE LINKE", "Sonstige Parteien")
        ),
    ]
    expected = tidy(
        "s",
        columns,
        [
            (
                10,
                *STADT,
                2013,
                day,
                None,
                [373048, 60.6, 223829, 55756, 80170, 44350, 22372, 9679, 11502],
            ),
            (
                11,
                "03151401002",
                "Barwedel",
                2013,
                day,
                None,
                [835, 57.2, 473, 173, 166, 70, 32, 11, 21],
            ),
        ],
    )
    assert_frame_equal(read_sample("14333-01-02-5_wahltag_gemeinden.csv"), expected)


@pytest.mark.parametrize("path", sorted(LAYOUTS.glob("*.csv")), ids=lambda p: p.stem)
def test_every_layout_sample_reads_into_the_tidy_schema(path: Path) -> None:
    frame = genesis.read(path)
    assert frame.columns == TIDY_COLUMNS
    assert frame.height > 0
    assert frame["region_code"].str.contains(genesis.KEY).all()
    assert not frame["region_name"].str.contains(genesis.KEY).any()


# --- the same layouts changed: read alike, or refused with line and reason ---------------------


def _text(name: str) -> str:
    """A sample as text, whatever its encoding; written back as UTF-8 it reads the same."""
    return decode((LAYOUTS / name).read_bytes(), name)[0]


def _write(tmp_path: Path, text: str, name: str = "changed.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refused(path: Path) -> tuple[int | None, str | None, str]:
    with pytest.raises(SourceFileError) as caught:
        genesis.read(path)
    problem = caught.value.problems[0]
    return problem.line, problem.column, problem.message


def test_genesis_tabelle_and_tabelle_headers_read_alike(tmp_path: Path) -> None:
    text = _text("13211-02-05-4_2023_tabelle_latin1.csv")
    old_header = _write(tmp_path, text.replace("Tabelle:", "GENESIS-Tabelle:", 1))
    assert_frame_equal(
        genesis.read(old_header, source="s"),
        read_sample("13211-02-05-4_2023_tabelle_latin1.csv"),
    )
    assert genesis.is_classic("Tabelle: 13211-02-05-4")
    assert genesis.is_classic("GENESIS-Tabelle: 74111-04-04-4;;;")
    assert not genesis.is_classic("statistics_code;statistics_label")


@pytest.mark.parametrize(
    "name", ["12511-01-01-4_jahr_zeile_crlf.csv", "13111-02-02-5_stichtag_zeile.csv"]
)
def test_the_same_rows_whatever_encoding_and_line_end(name: str, tmp_path: Path) -> None:
    text = _text(name).replace("\r\n", "\n")
    before = read_sample(name)
    for encoding in ("utf-8", "iso-8859-1", "cp1252"):
        for end in ("\n", "\r\n"):
            path = tmp_path / f"{encoding}{len(end)}.csv"
            path.write_bytes(text.replace("\n", end).encode(encoding))
            assert_frame_equal(genesis.read(path, source="s"), before)


def test_several_periods_each_on_its_line_with_the_header_repeated(tmp_path: Path) -> None:
    # One download of several years: each year's rows below its own "Jahr:" line.
    text = _text("12511-01-01-4_jahr_zeile_crlf.csv").replace("\r\n", "\n")
    lines = text.split("\n")
    header, rows = lines[4:9], lines[9:11]  # "Jahr: 2016", four header rows; two data rows
    assert header[0].startswith("Jahr: 2016")
    second = [header[0].replace("2016", "2015"), *header[1:], rows[1].replace("1300", "1202")]
    changed = "\n".join([*lines[:11], *second, *lines[11:]])
    frame = genesis.read(_write(tmp_path, changed), source="s").filter(
        pl.col("measure") == NATURALISATIONS[0][0]
    )
    assert frame.select("line", "region_code", "period", "value").rows() == [
        (10, "03241", 2016, 2128.0),
        (11, "03241001", 2016, 1300.0),
        (17, "03241001", 2015, 1202.0),
    ]
    # The repeated header must be the header: a changed label is not read under the old one.
    other = changed.replace("\n;;Insgesamt;Afrika", "\n;;Insgesamt;Asien").replace(
        ";;Insgesamt;Asien", ";;Insgesamt;Afrika", 1
    )
    line, _, message = _refused(_write(tmp_path, other))
    assert line == 15
    assert "is not the column header repeated" in message


def test_a_key_without_its_leading_zero_is_refused_not_read_as_a_name(tmp_path: Path) -> None:
    # Before: with a date period the key went to the name column and the name to the category.
    text = _text("14333-01-02-5_wahltag_gemeinden.csv").replace(";03151401002;", ";3151401002;")
    line, column, message = _refused(_write(tmp_path, text))
    assert (line, column) == (11, "2")
    assert message.startswith('"3151401002" is not an official region key')
    assert 'Excel may have dropped its leading zero ("03151401002")' in message


@pytest.mark.parametrize(
    ("key", "shown"),
    [("0324100", None), ("032410", '"032410"'), ("03 241", '"03 241"'), ("", None)],
    ids=["7 digits of a Verbandsgemeinde", "6 digits", "a space", "empty"],
)
def test_a_key_column_with_one_cell_no_key_is_refused(
    key: str, shown: str | None, tmp_path: Path
) -> None:
    text = _text("14333-01-02-5_wahltag_gemeinden.csv").replace(";03241001;", f";{key};")
    if shown is None and key:  # a key form of its own: the row reads, with its own key
        assert genesis.read(_write(tmp_path, text))["region_code"][0] == key
        return
    line, column, message = _refused(_write(tmp_path, text))
    assert (line, column) == (10, "2")
    if shown:
        assert message.startswith(f"{shown} is not an official region key")
    else:
        assert message == "empty key cell: expected time and region"


def test_a_table_without_a_key_column_is_refused(tmp_path: Path) -> None:
    text = _text("12411-03-03-4_stichtag_altersgruppe.csv")
    text = re.sub(r"\n(31\.12\.2015);03241001;", r"\n\1;", text)
    text = text.replace("\n;;;;", "\n;;;")
    line, _, message = _refused(_write(tmp_path, text))
    assert line == 9
    assert message.startswith("no key column holds official region keys")


def test_a_named_dimension_without_its_value_is_refused(tmp_path: Path) -> None:
    text = _text("13111-02-02-5_stichtag_zeile.csv").replace(
        ";;Insgesamt;männlich;weiblich;Insgesamt;männlich;weiblich",
        ";;;;;Insgesamt;männlich;weiblich",
    )
    line, column, message = _refused(_write(tmp_path, text))
    assert (line, column) == (10, "3")
    assert message.startswith('the header names the dimension "Geschlecht" but holds no value')


def test_columns_the_header_does_not_tell_apart_are_refused(tmp_path: Path) -> None:
    # "männlich" twice: the second column would silently carry the same key as the first.
    text = _text("12411-01-01-5_stichtage_spalten.csv").replace(
        ";;Insgesamt;männlich;weiblich;", ";;Insgesamt;männlich;männlich;"
    )
    line, column, message = _refused(_write(tmp_path, text))
    assert (line, column) == (8, "5")
    assert message == (
        'value columns 4 and 5 both read as "Bevölkerungsstand": '
        "the header does not tell them apart"
    )


def test_sex_in_a_key_column_and_in_the_header_is_refused(tmp_path: Path) -> None:
    text = _text("12411-03-03-4_stichtag_altersgruppe.csv")
    text = text.replace(";unter 3 Jahre;", ";männlich;").replace(
        ";Insgesamt;532163", ";weiblich;532163"
    )
    line, column, message = _refused(_write(tmp_path, text))
    assert (line, column) == (9, "4")
    assert message.startswith("this key column and the column header both give sex")


def test_two_period_lines_are_refused(tmp_path: Path) -> None:
    text = _text("13111-02-02-5_stichtag_zeile.csv").replace(
        "30.06.2015;;;;;;;\n", "30.06.2015;;;;;;;\n30.06.2014;;;;;;;\n"
    )
    line, _, message = _refused(_write(tmp_path, text))
    assert line == 8
    assert message.startswith('two periods on lines of their own above the data rows, "30.06.2015"')


def test_a_period_line_may_repeat_the_rows_period_never_contradict_it(tmp_path: Path) -> None:
    text = _text("14333-01-02-5_wahltag_gemeinden.csv")
    same = text.replace("Landtagswahlen: Niedersachsen;", "Wahltag: 20.01.2013;;;;;;;;;;;\nX;", 1)
    assert_frame_equal(
        genesis.read(_write(tmp_path, same), source="s").drop("line"),
        read_sample("14333-01-02-5_wahltag_gemeinden.csv").drop("line"),
    )
    other = same.replace("Wahltag: 20.01.2013", "Wahltag: 27.01.2008")
    line, _, message = _refused(_write(tmp_path, other))
    assert line == 11
    assert message.startswith('the period "20.01.2013" differs from the line "27.01.2008"')


def test_no_period_anywhere_is_refused(tmp_path: Path) -> None:
    text = _text("13111-02-02-5_stichtag_zeile.csv").replace("30.06.2015;;;;;;;\n", "")
    line, _, message = _refused(_write(tmp_path, text))
    assert line == 11
    assert message.startswith("no period found")


def test_a_title_between_the_header_rows_is_refused(tmp_path: Path) -> None:
    text = _text("13111-02-02-5_stichtag_zeile.csv").replace(
        "\n;;Geschlecht;", "\nFortschreibung;;;;;;;\n;;Geschlecht;"
    )
    line, _, message = _refused(_write(tmp_path, text))
    assert line == 10
    assert "stands between the column header rows" in message


def test_a_first_data_row_that_starts_with_neither_period_nor_key_is_refused(
    tmp_path: Path,
) -> None:
    text = _text("13111-02-02-5_stichtag_zeile.csv").replace(
        "\n03151401002;        Barwedel;", "\nBarwedel;03151401002;"
    )
    line, _, message = _refused(_write(tmp_path, text))
    assert line == 12
    assert message.startswith(
        'the first line with text beyond its first cell starts with "Barwedel"'
    )


# --- mutated samples: read with the same rows, or refused; never another exception -------------

SAMPLE_FILES = sorted(LAYOUTS.glob("*.csv"))
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "120")),
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# What a row holds whatever its header says (the header gives measure, unit, period, sex and
# nationality, and may change them with it).
ROW_COLUMNS = ["region_code", "region_name", "category", "value", "flag", "line"]


def _first_data_line(data: bytes) -> int:
    """The offset of the first data row: text in the first cell and beyond."""
    offset = 0
    for line in data.split(b"\n"):
        cells = line.split(b";")
        if offset and cells[0].strip() and any(c.strip() for c in cells[1:]):
            return offset
        offset += len(line) + 1
    raise AssertionError("no data row")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-layouts")


def test_a_mutated_layout_sample_reads_or_is_refused(folder: Path) -> None:
    @FUZZ
    @given(path=st.sampled_from(SAMPLE_FILES), ops=fuzzing.ops(huge=20_000))
    def check(path: Path, ops: list[fuzzing.Op]) -> None:
        result = fuzzing.read_bytes_as(
            fuzzing.apply(path.read_bytes(), ops), "genesis", folder, "m.csv"
        )
        assert result.kind != "unexpected", result.detail

    check()


def test_a_change_above_the_data_rows_never_moves_a_row(folder: Path) -> None:
    """Anything inserted into the lines above the first data row (no line end added): the same
    rows with the same values on the same lines, or a clear refusal."""

    @FUZZ
    @given(
        path=st.sampled_from(SAMPLE_FILES),
        at=st.integers(0, 2**20),
        payload=st.sampled_from(fuzzing.TITLE_PAYLOADS),
    )
    def check(path: Path, at: int, payload: bytes) -> None:
        data = path.read_bytes()
        end = _first_data_line(data) - 1
        at %= end
        if data[at - 1 : at + 1] == b"\r\n":
            at -= 1
        result = fuzzing.read_bytes_as(data[:at] + payload + data[at:], "genesis", folder, "t.csv")
        assert result.kind != "unexpected", result.detail
        if result.kind == "ok":
            assert result.frame is not None
            before = genesis.read(path, source="fuzz")
            assert_frame_equal(result.frame.select(ROW_COLUMNS), before.select(ROW_COLUMNS))

    check()


# --- the real files in ../shared/data ---------------------------------------------------------


@dataclass(frozen=True)
class Real:
    """A real file as a person reads it: where its key cells stand, and for each value column
    the measure, sex and nationality its header gives, worked out by hand from the header."""

    name: str
    encoding: str
    keys: tuple[str, ...]  # per key cell: period, code, name, category, sex
    columns: list[tuple[str, str, str]]
    regions: tuple[str, ...] = ("03241001", "03241")
    period: str | None = None  # on a line of its own
    periods: tuple[str, ...] = ()  # across the columns
    folder: str = "regionalstatistik"


P_C_N = ("period", "code", "name")
POP = "Bevölkerungsstand"
SEXES = (TOTAL, MALE, FEMALE)
UNEMPLOYED_BY_GROUP = [
    "schwerbehindert",
    "15 bis unter 20 Jahre",
    "15 bis unter 25 Jahre",
    "55 bis unter 65 Jahre",
    "langzeitarbeitslos",
]
RATE = "Arbeitslosenquote bez. auf alle zivile Erwerbsp."


def _unemployed_13211_02_05(foreign: str) -> list[tuple[str, str, str]]:
    del foreign  # "Ausländer" (2017) or "ausländisch" (2023): both read as one nationality
    return [
        ("Arbeitslose", TOTAL, TOTAL),
        ("Arbeitslose", TOTAL, FOREIGN),
        *((f"Arbeitslose / {group}", TOTAL, TOTAL) for group in UNEMPLOYED_BY_GROUP),
        ("Arbeitslosenquote bez. abh. zivile Erwerbspers.", TOTAL, TOTAL),
        (RATE, TOTAL, TOTAL),
        (RATE, MALE, TOTAL),
        (RATE, FEMALE, TOTAL),
        (RATE, TOTAL, FOREIGN),
        (f"{RATE} / 15 bis unter 25 Jahre", TOTAL, TOTAL),
    ]


DAYCARE = "Tageseinrichtungen für Kinder"
STAFF = "Tätige Personen / Tätige Personen in Tageseinrichtungen für Kinder"
SGB2 = "dar.: Regelleistungsberechtigte nach dem SGB II"
ABLE = f"{SGB2} / erwerbsf. Leistungsberech. (Arbeitslosengeld II)"
UNABLE = f"{SGB2} / nicht erwerbsf. Leistungsberech. (Sozialgeld)"
SCHOOL = "Schulabschluss"
PUPILS = "Schülerinnen und Schüler an allgemeinbildenden Schulen"
GRADE = f"{PUPILS} / Klassenstufe / Jahrgangsstufe / Schulbesuchsjahr"
BENEFITS = "Regelleistungsempfänger"
EMPLOYMENT = "Beschäftigungsumfang / {} / Dienstverhältnis (öffentlicher Dienst) / {}"

REAL = [
    Real(
        "12411-01-01-5_00.csv",
        "utf-8",
        ("code", "name"),
        [(POP, sex, TOTAL) for _ in range(8) for sex in SEXES],
        regions=("03241001",),
        periods=tuple(f"31.12.{year}" for year in range(2015, 2007, -1) for _ in SEXES),
    ),
    Real(
        "12411-03-03-4_00.csv",
        "utf-8",
        (*P_C_N, "category"),
        [(POP, sex, nat) for nat in (TOTAL, GERMAN, FOREIGN) for sex in SEXES],
    ),
    Real(
        "12511-01-01-4.csv",
        "iso-8859-1",
        P_C_N,
        [(measure, TOTAL, TOTAL) for measure, *_ in NATURALISATIONS],
    ),
    Real(
        "13111-02-02-5_00.csv",
        "utf-8",
        ("code", "name"),
        [
            ("Sozialversicherungspfl. Beschäftigte (Wohnort)", sex, nat)
            for nat in (TOTAL, FOREIGN)
            for sex in SEXES
        ],
        regions=("03241001",),
        period="30.06.2015",
    ),
    Real(
        "13111-11-04-4_00.csv",
        "utf-8",
        (*P_C_N, "category"),
        [
            ("Sozialversicherungspfl. Beschäftigte (Arbeitsort)", sex, nat)
            for nat in (TOTAL, FOREIGN)
            for sex in SEXES
        ],
    ),
    Real(
        "13211-01-03-4_00.csv",
        "utf-8",
        P_C_N,
        [
            ("Arbeitslose insgesamt", TOTAL, TOTAL),
            ("Arbeitslose / und zwar", TOTAL, FOREIGN),
            *((f"Arbeitslose / und zwar / {group}", TOTAL, TOTAL) for group in UNEMPLOYED_BY_GROUP),
        ],
    ),
    Real("13211-02-05-4_00.csv", "utf-8", P_C_N, _unemployed_13211_02_05("Ausländer")),
    Real("13211-02-05-4_2023.csv", "iso-8859-1", P_C_N, _unemployed_13211_02_05("ausländisch")),
    Real(
        "14333-01-02-5_00.csv",
        "utf-8",
        P_C_N,
        [
            ("Wahlberechtigte", TOTAL, TOTAL),
            ("Wahlbeteiligung", TOTAL, TOTAL),
            ("Gültige Stimmen", TOTAL, TOTAL),
            *(
                (f"Gültige Stimmen / Parteien / {party}", TOTAL, TOTAL)
                for party in ("CDU/CSU", "SPD", "GRÜNE", "FDP", "DIE LINKE", "Sonstige Parteien")
            ),
        ],
        regions=("03241001",),
    ),
    Real(
        "21111-01-03-4_2023.csv",
        "iso-8859-1",
        (*P_C_N, "category"),
        [
            ("Allgemeinbildende Schulen", TOTAL, TOTAL),
            (PUPILS, TOTAL, TOTAL),
            (PUPILS, FEMALE, TOTAL),
            (PUPILS, TOTAL, FOREIGN),
            (f"{GRADE} / 7. Klassenstufe", TOTAL, TOTAL),
            (f"{GRADE} / 11. Jahrgangsstufe / Einführungsphase", TOTAL, TOTAL),
        ],
    ),
    Real(
        "21111-02-06-4_00.csv",
        "utf-8",
        P_C_N,
        [
            (f"{SCHOOL} / {degree}", sex, TOTAL)
            for degree in (
                "Insgesamt",
                "ohne Hauptschulabschluss",
                "mit Hauptschulabschluss",
                "mit Mittlerem Abschluss",
                "dar. schulischer Teil der Fachhochschulreife",
                "mit Fachhochschulreife",
                "mit allgemeiner Hochschulreife",
            )
            for sex in (TOTAL, FEMALE)
        ],
    ),
    Real(
        "22221-01-01-4_00.csv",
        "utf-8",
        P_C_N,
        [
            (BENEFITS, TOTAL, TOTAL),
            (BENEFITS, FEMALE, TOTAL),
            *(
                (f"{BENEFITS} / {group}", TOTAL, TOTAL)
                for group in (
                    "Grundleistungen",
                    "laufende Hilfe zum Lebensunterhalt",
                    "unter 7 Jahre",
                    "7 bis unter 18 Jahre",
                    "18 bis unter 25 Jahre",
                    "25 bis unter 50 Jahre",
                    "50 bis unter 65 Jahre",
                    "65 Jahre und mehr",
                )
            ),
        ],
    ),
    Real(
        "22541-01-04-4_00.csv",
        "utf-8",
        P_C_N,
        [
            (DAYCARE, TOTAL, TOTAL),
            (f"{DAYCARE} / unter 3 Jahre", TOTAL, TOTAL),
            (f"{DAYCARE} / 2 bis unter 8 Jahre (ohne Schulkinder)", TOTAL, TOTAL),
            (f"{DAYCARE} / 5 bis unter 14 Jahre (mit Schulkindern)", TOTAL, TOTAL),
            (f"{DAYCARE} / Kinder aller Altersgruppen", TOTAL, TOTAL),
            ("Einrichtungen mit integrativer Kinderbetreuung", TOTAL, TOTAL),
            ("Genehmigte Plätze", TOTAL, TOTAL),
            (f"{STAFF} / Tätige Personen insgesamt", TOTAL, TOTAL),
            (f"{STAFF} / pädagogisches Personal (ab 2011)", TOTAL, TOTAL),
            (f"{STAFF} / pädagogisches Personal, weiblich (ab 2011)", TOTAL, TOTAL),
            (f"{STAFF} / pädagogisches Personal (bis 2010)", TOTAL, TOTAL),
            (f"{STAFF} / pädagogisches Personal Vollzeitstellen (bis 2010)", TOTAL, TOTAL),
            ("Rechn.Zahl d.Vollzeitstellen i.pädagogisch.Bereich", TOTAL, TOTAL),
        ],
    ),
    Real(
        "22811-02-02-4_00.csv",
        "utf-8",
        P_C_N,
        [
            ("Personen in Bedarfsgemeinschaften nach dem SGB II", TOTAL, TOTAL),
            (f"{SGB2} / insgesamt", TOTAL, TOTAL),
            (f"{SGB2} / insgesamt", TOTAL, FOREIGN),
            (f"{SGB2} / insgesamt", FEMALE, TOTAL),
            (ABLE, TOTAL, TOTAL),
            (ABLE, FEMALE, TOTAL),
            *(
                (f"{ABLE} / {age}", TOTAL, TOTAL)
                for age in (
                    "unter 25 Jahre",
                    "25 bis unter 50 Jahre",
                    "50 bis unter 55 Jahre",
                    "55 Jahre und mehr",
                )
            ),
            (UNABLE, TOTAL, TOTAL),
            (UNABLE, FEMALE, TOTAL),
            (f"{UNABLE} / unter 15 Jahre", TOTAL, TOTAL),
        ],
    ),
    Real(
        "AI008-2_00.csv",
        "utf-8",
        P_C_N,
        [
            ("Arbeitslosenquote Männer", TOTAL, TOTAL),
            ("Arbeitslosenquote Frauen", TOTAL, TOTAL),
            ("Arbeitslosenquote 15 bis 24 Jahre", TOTAL, TOTAL),
            ("Arbeitslosenquote Ausländer", TOTAL, TOTAL),
        ],
    ),
    Real(
        "regionalstatistik_74111-04-04-4_00.csv",
        "utf-8",
        (*P_C_N, "sex"),
        [
            ("Vollzeitäquivalent", TOTAL, TOTAL),
            *(
                (EMPLOYMENT.format(scope, kind), TOTAL, TOTAL)
                for scope in ("Vollzeitbeschäftigte", "Teilzeitbeschäftigte")
                for kind in ("Insgesamt", "Beamte", "Arbeitnehmer")
            ),
        ],
        folder="genesis",
    ),
    Real(
        "genesis_52311-0001_Gewerbeanzeigen_Bundeslaender_latin1.csv",
        "iso-8859-1",
        ("period", "name"),
        [("Gewerbeanmeldungen", TOTAL, TOTAL), ("Gewerbeabmeldungen", TOTAL, TOTAL)],
        regions=("Niedersachsen",),
        folder="genesis",
    ),
]
REGIONALSTATISTIK_FILES = {real.name for real in REAL if real.folder == "regionalstatistik"}


def shared_path(real: Real) -> Path:
    path = SHARED_DATA / real.folder / real.name
    if not path.is_file():
        pytest.skip(f"real file {real.name} not here: ../shared/data/{real.folder}/ is absent")
    return path


def published(cell: str) -> tuple[float | None, str | None]:
    cell = cell.strip()
    if cell in {"-", ".", "x", "...", "/"}:
        return None, cell
    return float(cell.replace(".", "").replace(",", ".")), None


def when(cell: str) -> tuple[int, dt.date | None]:
    """`2016` or `31.12.2015` as (period, reference date)."""
    if len(cell) == 4:
        return int(cell), None
    day, month, year = (int(part) for part in cell.split("."))
    return year, dt.date(year, month, day)


def expected_rows(real: Real, text: str) -> list[tuple]:
    """The Hannover rows of a real file split by hand, one tuple per value."""
    at = {role: i for i, role in enumerate(real.keys)}
    region = at.get("code", at.get("name"))
    assert region is not None
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        cells = line.split(";")
        if len(cells) <= len(real.keys) or cells[region].strip() not in real.regions:
            continue
        values = cells[len(real.keys) :]
        assert len(values) == len(real.columns), f"line {number}: {len(values)} values"
        for c, (cell, (measure, sex, nationality)) in enumerate(
            zip(values, real.columns, strict=True)
        ):
            if real.periods:
                period, date = when(real.periods[c])
            else:
                period, date = when(real.period or cells[at["period"]].strip())
            if "sex" in at:
                sex = {"Insgesamt": TOTAL}.get(cells[at["sex"]], cells[at["sex"]])
            category = cells[at["category"]].strip() if "category" in at else None
            value, flag = published(cell)
            found.append((number, measure, period, date, sex, nationality, category, value, flag))
    return found


TUPLE = [
    "line",
    "measure",
    "period",
    "reference_date",
    "sex",
    "nationality",
    "category",
    "value",
    "flag",
]


@pytest.mark.shared
def test_the_real_files_are_all_described_here() -> None:
    folder = SHARED_DATA / "regionalstatistik"
    if not folder.is_dir():
        pytest.skip("../shared/data/regionalstatistik/ is absent on this machine")
    assert {p.name for p in folder.glob("*.csv")} == REGIONALSTATISTIK_FILES


@pytest.mark.shared
@pytest.mark.parametrize("real", REAL, ids=[r.name for r in REAL])
def test_hannover_rows_of_every_real_file_as_split_by_hand(real: Real) -> None:
    path = shared_path(real)
    text = path.read_bytes().decode(real.encoding)
    want = expected_rows(real, text)
    assert want, f"no Hannover row found in {real.name}"
    frame = genesis.read(path)
    lines = sorted({row[0] for row in want})
    got = frame.filter(pl.col("line").is_in(lines)).select(TUPLE).rows()
    assert sorted(got, key=str) == sorted(want, key=str)
    # … and the rows are Hannover's, by key and name: never a key in the name column.
    regions = frame.filter(pl.col("line").is_in(lines)).select("region_code", "region_name")
    if "code" in real.keys:
        assert set(regions["region_code"]) <= set(real.regions)
    assert not frame["region_name"].str.contains(genesis.KEY).any()
    assert frame["region_code"].null_count() == 0
    assert frame["region_code"].str.contains(genesis.KEY).all()


@pytest.mark.shared
def test_hannover_figures_data_readme_names() -> None:
    # ../shared/data/README.md: naturalisations in Stadt Hannover 2015: 1,202, 2016: 1,300.
    real = next(r for r in REAL if r.name == "12511-01-01-4.csv")
    frame = genesis.read(shared_path(real)).filter(
        pl.col("region_code") == "03241001", pl.col("measure") == NATURALISATIONS[0][0]
    )
    assert (
        dict(frame.select("period", "value").rows()).items() >= {2015: 1202.0, 2016: 1300.0}.items()
    )


@pytest.mark.shared
@pytest.mark.parametrize(
    "path",
    [
        *(SHARED_DATA / "regionalstatistik" / name for name in sorted(REGIONALSTATISTIK_FILES)),
        SHARED_DATA / "genesis" / "regionalstatistik_74111-04-04-4_00.csv",
        SHARED_DATA / "genesis" / "genesis_52311-0001_Gewerbeanzeigen_Bundeslaender_latin1.csv",
    ],
    ids=lambda p: p.name,
)
def test_inspect_reads_every_classic_file(path: Path) -> None:
    if not path.is_file():
        pytest.skip(f"{path.name} not here: ../shared/data is absent on this machine")
    result = subprocess.run(
        [sys.executable, "-m", "etl", "inspect", str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert '"rows"' in result.stdout
