"""Write the shipped data files in data/raw/ in the formats the offices publish.

Run `python scripts/make_data.py` to write them again; the output is byte-for-byte the same
every time (fixed seed). Two kinds of file come out of it, and they are never mixed:

* official files hold only figures that were published (data/README.md lists each with its
  source), in the table's own classic or flat format;
* sample files hold made-up figures where no official figure exists at city level. They say
  "BEISPIELDATEN" in their title and are marked `is_sample = true` in data/sources.toml. Where a
  real total is known (staff 2019, registrations 2015, population 2024) the sample agrees with it.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from etl.readers import ffcsv

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
YEARS = list(range(2015, 2025))
HANNOVER = ("03241001", "Hannover, Landeshauptstadt")
REGION = ("03241", "Region Hannover, Landkreis")
NDS = ("03", "Niedersachsen")
SAMPLE_NOTE = (
    '"BEISPIELDATEN: Diese Zahlen sind für den WIR-Monitor erfunden und keine amtliche\n'
    'Statistik. Sie ergänzen die veröffentlichten Werte, wo es für die Stadt keine gibt."'
)
DL_DE = (
    '"© Statistische Ämter des Bundes und der Länder, Deutschland, {year}.\n'
    "Dieses Werk ist lizensiert unter der Datenlizenz Deutschland\n"
    '- Namensnennung - Version 2.0."'
)


def write(name: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> None:
    (RAW / name).write_bytes(text.replace("\n", newline).encode(encoding))


def de(number: float, decimals: int = 0) -> str:
    """A German number as the offices write it: no thousands separator, decimal comma."""
    return f"{number:.{decimals}f}".replace(".", ",")


def classic(
    code: str,
    titles: list[str],
    header: list[list[str]],
    n_keys: int,
    rows: list[list[str]],
    footer: list[str],
    stand: str,
) -> str:
    width = n_keys + len(header[0])
    lines = [f"GENESIS-Tabelle: {code}"]
    lines += [t + ";" * (width - 1) for t in titles]
    lines += [";" * n_keys + ";".join(h) for h in header]
    lines += [";".join(r) for r in rows]
    lines += ["__________", *footer, f"Stand: {stand}"]
    return "\n".join(lines) + "\n"


# --- 52311-01-04-4: business registrations, Kreise — official figures only --------------------
REGISTRATIONS_HANNOVER = {
    2009: 5147,
    2010: 5386,
    2011: 5641,
    2012: 4937,
    2013: 4789,
    2014: 4967,
    2015: 4686,
}


def gewerbe_kreise() -> None:
    rows = [
        ["2006", *HANNOVER[:1], "      " + HANNOVER[1], "-"],
        ["2007", *HANNOVER[:1], "      " + HANNOVER[1], "-"],
        ["2008", *HANNOVER[:1], "      " + HANNOVER[1], "-"],
    ]
    rows += [
        [str(y), HANNOVER[0], "      " + HANNOVER[1], str(v)]
        for y, v in REGISTRATIONS_HANNOVER.items()
    ]
    rows += [["2015", NDS[0], NDS[1], "59793"], ["2015", REGION[0], "    " + REGION[1], "9583"]]
    text = classic(
        "52311-01-04-4",
        [
            "Gewerbeanmeldungen",
            "regionale Tiefe: Kreise und krfr. Städte",
            "Gewerbeanzeigenstatistik",
            "Gewerbeanmeldungen (Anzahl)",
        ],
        [["Gewerbeanmeldungen"], ["Anzahl"]],
        3,
        rows,
        [
            '"Hannover, Landeshauptstadt: bis 2008 nicht gesondert nachgewiesen."',
            '"Auszug: nur die für den WIR-Monitor belegten Werte (data/README.md)."',
            DL_DE.format(year=2017),
        ],
        "10.10.2017 / 15:22:39",
    )
    write("52311-01-04-4_gewerbeanmeldungen_kreise.csv", text)


# --- 52311-0001: business registrations, Länder — official, ISO-8859-1 as published ----------
def gewerbe_laender() -> None:
    text = classic(
        "52311-0001",
        ["Gewerbeanzeigen: Bundesländer, Jahre", "Gewerbeanzeigenstatistik"],
        [["Gewerbeanmeldungen", "Gewerbeabmeldungen"], ["Anzahl", "Anzahl"]],
        2,
        [["2022", "Niedersachsen", "63132", "47708"]],
        [
            "Gewerbeanzeigen: ohne Automatenaufsteller und Reisegewerbe",
            "© Statistisches Bundesamt (Destatis), 2023",
        ],
        "22.12.2023 / 13:18:13",
    )
    write("52311-0001_gewerbeanzeigen_laender.csv", text, encoding="iso-8859-1", newline="\r\n")


# --- sample registrations where no official figure is at hand --------------------------------
SAMPLE_REGISTRATIONS = {
    HANNOVER: {
        2016: 4590,
        2017: 4520,
        2018: 4480,
        2019: 4550,
        2020: 4310,
        2021: 4720,
        2022: 4640,
        2023: 4700,
        2024: 4760,
    },
    REGION: {
        2009: 10410,
        2010: 10760,
        2011: 11020,
        2012: 10090,
        2013: 9840,
        2014: 9950,
        2016: 9420,
        2017: 9310,
        2018: 9240,
        2019: 9380,
        2020: 8950,
        2021: 9760,
        2022: 9610,
        2023: 9700,
        2024: 9820,
    },
    NDS: {
        2009: 66200,
        2010: 67950,
        2011: 68400,
        2012: 63100,
        2013: 61000,
        2014: 60500,
        2016: 58900,
        2017: 58100,
        2018: 58400,
        2019: 59200,
        2020: 58300,
        2021: 62100,
        2023: 62800,
        2024: 63500,
    },
}


def registrations(region: tuple[str, str], year: int) -> int:
    if region == HANNOVER and year in REGISTRATIONS_HANNOVER:
        return REGISTRATIONS_HANNOVER[year]
    return SAMPLE_REGISTRATIONS[region][year]


def gewerbe_beispiel() -> None:
    rows = [
        [str(y), code, name, str(v)]
        for (code, name), series in SAMPLE_REGISTRATIONS.items()
        for y, v in sorted(series.items())
    ]
    rows.sort(key=lambda r: (r[0], len(r[1])))
    text = classic(
        "52311-01-04-4",
        [
            "BEISPIELDATEN – Gewerbeanmeldungen (keine amtlichen Zahlen)",
            "regionale Tiefe: Kreise und krfr. Städte",
            "Gewerbeanmeldungen (Anzahl)",
        ],
        [["Gewerbeanmeldungen"], ["Anzahl"]],
        3,
        rows,
        [SAMPLE_NOTE],
        "01.11.2026 / 09:00:00",
    )
    write("beispiel_52311-01-04-4_gewerbeanmeldungen.csv", text)


# --- 74111-04-04-4: municipal staff, Hannover and Region — official rows, cp1252 + CRLF -------
PERSONAL_ROWS = Path(__file__).with_name("personal_rows.txt")


def personal() -> None:
    rows = [line.strip().split(";") for line in PERSONAL_ROWS.read_text("utf-8").splitlines()]
    for row in rows:
        row[2] = ("      " if row[1] == HANNOVER[0] else "    ") + row[2].strip()
    rows.sort(key=lambda r: (r[0][-4:], len(r[1])), reverse=False)
    header = [
        ["Vollzeitäquivalent"] + ["Beschäftigungsumfang"] * 6,
        [""] + ["Vollzeitbeschäftigte"] * 3 + ["Teilzeitbeschäftigte"] * 3,
        [""] + ["Dienstverhältnis (öffentlicher Dienst)"] * 6,
        [""] + ["Insgesamt", "Beamte", "Arbeitnehmer"] * 2,
    ]
    text = classic(
        "74111-04-04-4",
        [
            "Beschäftigte der Gemeinden und Gemeindeverbände",
            "- Stichtag: 30.06. -",
            "regionale Tiefe: Kreise u. krfr. Städte (ab 2006)",
            "Personalstandstatistik des öffentlichen Dienstes",
            "Beschäftigte der Gemeinden/Gemeindeverbände (Anzahl)",
        ],
        header,
        4,
        rows,
        [
            '"zu ""gesamte Tabelle"":\nAus Gründen der Geheimhaltung wurden ab 2014 alle\n'
            'Einzelzahlen einem statistischen Rundungsverfahren unterzogen."',
            '"Auszug: Region Hannover und Landeshauptstadt Hannover."',
            DL_DE.format(year=2017),
        ],
        "10.10.2017 / 15:22:39",
    )
    write("74111-04-04-4_personal_hannover.csv", text, encoding="cp1252", newline="\r\n")


# --- population: flat files -----------------------------------------------------------------
SEXES = [("", "Insgesamt"), ("GESM", "männlich"), ("GESW", "weiblich")]
REGION_LEVEL = {
    HANNOVER: ("KREISE", "Kreise und kreisfreie Städte"),
    REGION: ("KREISE", "Kreise und kreisfreie Städte"),
    NDS: ("DLAND", "Bundesländer"),
}
POPULATION_2024 = {  # Regionalstatistik 12411-01-01-4, 31.12.2024
    HANNOVER: (522131, 256255, 265876),
    REGION: (1140888, 559435, 581453),
}


def population_official() -> None:
    lines = [ffcsv.header(2)]
    for region, values in POPULATION_2024.items():
        level, label = REGION_LEVEL[region]
        for (code, sex), value in zip(SEXES, values, strict=True):
            lines.append(
                f"12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;2024-12-31;"
                f"{level};{label};{region[0]};{region[1]};GES;Geschlecht;{code};{sex};"
                f"{value};Anzahl;BEVSTD;Bevölkerungsstand"
            )
    payload = ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("12411-01-01-4_de_flat.csv", date_time=(2026, 3, 10, 0, 0, 0))
        archive.writestr(info, payload, compress_type=zipfile.ZIP_DEFLATED)
    (RAW / "12411-01-01-4_bevoelkerung_2024.zip").write_bytes(buffer.getvalue())


# --- the city's own exports (sample) ---------------------------------------------------------
DEPARTMENTS = {
    "Personal und Organisation": 0.07,
    "Soziales": 0.14,
    "Schule": 0.12,
    "Jugend und Familie": 0.18,
    "Kultur": 0.06,
    "Öffentliche Ordnung": 0.10,
    "Planen und Stadtentwicklung": 0.09,
    "Tiefbau und Sonstige": 0.24,
}
GRADES = {
    "bis E8/A8": (0.55, 1.28),
    "E9–E12/A9–A12": (0.33, 0.86),
    "E13/A13 und höher": (0.12, 0.38),
}
STAFF = [10900, 11050, 11230, 11420, 11601, 11720, 11850, 11990, 12140, 12300]
STAFF_MH_SHARE = [12.0, 12.6, 13.3, 14.1, None, 15.6, 16.3, 17.1, 17.8, 18.5]
STAFF_MH_2019 = 1725  # staff and organisation report, council paper 2337/2020
HIRES = [640, 680, 720, 760, 800, 690, 760, 830, 870, 900]
HIRES_MH_SHARE = [17.0, 17.8, 18.9, 19.6, 20.4, 21.0, 22.3, 23.6, 25.0, 26.4]


def spread(total: int, weights: list[float]) -> list[int]:
    """Integers in proportion to `weights` that add up to `total` exactly."""
    raw = [total * w / sum(weights) for w in weights]
    out = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[
        : total - sum(out)
    ]:
        out[i] += 1
    return out


def staff_report(rng: random.Random) -> None:
    lines = [
        "Jahr;AGS;Gemeinde;Fachbereich;Entgeltgruppe;Geschlecht;Beschaeftigte;"
        "mit_Migrationshintergrund;Antworten_Befragung;Neueinstellungen;"
        "Neueinstellungen_mit_Migrationshintergrund"
    ]
    cells = [(d, g, s) for d in DEPARTMENTS for g in GRADES for s in ("weiblich", "männlich")]
    for i, year in enumerate(YEARS):
        share = STAFF_MH_SHARE[i]
        mh_total = STAFF_MH_2019 if share is None else round(STAFF[i] * share / 100)
        grade_weight = [
            GRADES[g][0]
            * (0.58 if s == "weiblich" else 0.42)
            * DEPARTMENTS[d]
            * rng.uniform(0.9, 1.1)
            for d, g, s in cells
        ]
        staff = spread(STAFF[i], grade_weight)
        mh = spread(mh_total, [n * GRADES[g][1] for n, (_, g, _) in zip(staff, cells, strict=True)])
        answers = [round(n * rng.uniform(0.70, 0.82)) for n in staff]
        hires = spread(
            HIRES[i],
            [
                n * (1.4 if g == "bis E8/A8" else 0.8)
                for n, (_, g, _) in zip(staff, cells, strict=True)
            ],
        )
        hires_mh = spread(
            round(HIRES[i] * HIRES_MH_SHARE[i] / 100),
            [h * GRADES[g][1] for h, (_, g, _) in zip(hires, cells, strict=True)],
        )
        for (dept, grade, sex), n, m, a, h, hm in zip(
            cells, staff, mh, answers, hires, hires_mh, strict=True
        ):
            lines.append(f"{year};{HANNOVER[0]};Hannover;{dept};{grade};{sex};{n};{m};{a};{h};{hm}")
    write("beispiel_personalbericht.csv", "\n".join(lines) + "\n")


FOREIGN_SHARE_SOLE = [29.5, 30.2, 30.8, 31.5, 32.0, 31.2, 32.9, 34.0, 34.8, 35.6]
WOMEN_AMONG_FOREIGN = [18.0, 18.6, 19.5, 20.1, 20.8, 21.0, 21.9, 22.8, 23.5, 24.2]
WOMEN_AMONG_GERMAN = [30.5, 30.8, 31.0, 31.4, 31.6, 31.2, 32.0, 32.3, 32.6, 33.0]


def trade_register(rng: random.Random) -> None:
    lines = ["Jahr;AGS;Gemeinde;Rechtsform;Geschlecht;Staatsangehoerigkeit;Anmeldungen"]
    for i, year in enumerate(YEARS):
        total = registrations(HANNOVER, year)
        sole, gmbh, gbr, other = spread(total, [0.78 * rng.uniform(0.97, 1.03), 0.12, 0.05, 0.05])
        foreign = round(sole * FOREIGN_SHARE_SOLE[i] / 100)
        german = sole - foreign
        foreign_w = round(foreign * WOMEN_AMONG_FOREIGN[i] / 100)
        german_w = round(german * WOMEN_AMONG_GERMAN[i] / 100)
        for sex, nat, n in (
            ("männlich", "deutsch", german - german_w),
            ("weiblich", "deutsch", german_w),
            ("männlich", "ausländisch", foreign - foreign_w),
            ("weiblich", "ausländisch", foreign_w),
        ):
            lines.append(f"{year};{HANNOVER[0]};Hannover;Einzelunternehmen;{sex};{nat};{n}")
        for form, n in (("GmbH (einschl. UG)", gmbh), ("GbR", gbr), ("Sonstige", other)):
            lines.append(f"{year};{HANNOVER[0]};Hannover;{form};Insgesamt;Insgesamt;{n}")
    write("beispiel_gewerberegister.csv", "\n".join(lines) + "\n")


TRAINEES = {
    "IHK": [9100, 9050, 8980, 8900, 8850, 8600, 8450, 8500, 8600, 8700],
    "HWK": [2650, 2620, 2600, 2610, 2640, 2580, 2560, 2600, 2650, 2700],
}
FOREIGN_TRAINEES = [8.4, 9.3, 10.6, 11.4, 11.9, 12.1, 12.5, 13.3, 13.9, 14.4]
PASS_GERMAN = [91.0, 91.2, 90.8, 91.1, 91.4, 90.9, 91.0, 91.3, 91.5, 91.6]
PASS_FOREIGN = [76.0, 76.5, 77.4, 78.0, 78.3, 78.0, 79.1, 80.2, 81.0, 81.9]


def training(rng: random.Random) -> None:
    lines = [
        "Jahr;AGS;Gemeinde;Kammer;Geschlecht;Staatsangehoerigkeit;Auszubildende;"
        "Pruefungsteilnahmen;bestandene_Pruefungen"
    ]
    for i, year in enumerate(YEARS):
        for chamber, series in TRAINEES.items():
            total = series[i]
            foreign = round(total * FOREIGN_TRAINEES[i] / 100 * (1.1 if chamber == "HWK" else 1))
            for nat, n, rate in (
                ("deutsch", total - foreign, PASS_GERMAN[i]),
                ("ausländisch", foreign, PASS_FOREIGN[i]),
            ):
                women = round(n * (0.42 if chamber == "IHK" else 0.2))
                for sex, k in (("männlich", n - women), ("weiblich", women)):
                    exams = round(k * rng.uniform(0.31, 0.35))
                    passed = round(exams * min(rate * rng.uniform(0.985, 1.015), 100) / 100)
                    lines.append(
                        f"{year};{HANNOVER[0]};Hannover;{chamber};{sex};{nat};{k};{exams};{passed}"
                    )
    write("beispiel_ausbildung_kammern.csv", "\n".join(lines) + "\n")


COMMITTEES = {
    "Lenkungsgruppe": (23, [8, 8, 9, 9, 10], [10, 10, 11, 11, 11]),
    "Expert*innengruppe Bildung": (10, [4, 4, 5, 5, 5], [5, 5, 5, 6, 5]),
    "Expert*innengruppe Soziales": (10, [4, 5, 5, 5, 5], [6, 6, 5, 5, 5]),
    "Expert*innengruppe Demokratie": (9, [4, 4, 4, 5, 5], [5, 5, 5, 4, 5]),
    "Expert*innengruppe Stadtleben und Kultur": (10, [3, 4, 4, 4, 5], [4, 5, 5, 5, 5]),
    "Expert*innengruppe Wirtschaft": (9, [3, 3, 4, 4, 4], [3, 3, 4, 4, 4]),
    "Expert*innengruppe Stadtverwaltung und Diversität": (8, [2, 3, 3, 3, 4], [4, 4, 4, 4, 4]),
}


def committees() -> None:
    lines = ["Jahr;AGS;Gemeinde;Gremienart;Gremium;Migrationshintergrund;Geschlecht;Mitglieder"]
    for i, year in enumerate(range(2020, 2025)):
        for name, (size, with_mh, women) in COMMITTEES.items():
            # Women spread over both groups in proportion, the rounding to the larger group.
            women_mh = round(women[i] * with_mh[i] / size)
            for mh, n_group, w in (
                ("ja", with_mh[i], women_mh),
                ("nein", size - with_mh[i], women[i] - women_mh),
            ):
                kind = "Lenkungsgruppe" if name == "Lenkungsgruppe" else "Expert*innengruppe"
                prefix = f"{year};{HANNOVER[0]};Hannover;{kind};{name};{mh}"
                lines.append(f"{prefix};weiblich;{w}")
                lines.append(f"{prefix};männlich;{n_group - w}")
    write("beispiel_gremien.csv", "\n".join(lines) + "\n")


POPULATION_MH_SHARE = [36.1, 36.9, 37.6, 38.2, 38.7, 39.2, 39.6, 40.6, 41.1, 41.5]
# Melderegister totals differ a little from the official Fortschreibung; that is expected.
REGISTER_TOTAL = [535400, 537900, 539100, 540300, 541600, 540800, 540100, 544200, 543000, 542300]


def population_register() -> None:
    lines = ["Jahr;AGS;Gemeinde;Geschlecht;Einwohner;mit_Migrationshintergrund"]
    for i, year in enumerate(YEARS):
        total = REGISTER_TOTAL[i]
        with_mh = round(total * POPULATION_MH_SHARE[i] / 100)
        women = round(total * 0.508)
        women_mh = round(with_mh * 0.497)
        men, men_mh = total - women, with_mh - women_mh
        for sex, n, m in (("weiblich", women, women_mh), ("männlich", men, men_mh)):
            lines.append(f"31.12.{year};{HANNOVER[0]};Hannover;{sex};{n};{m}")
    write("beispiel_melderegister_migrationshintergrund.csv", "\n".join(lines) + "\n")


def main() -> None:
    RAW.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2472)  # the council paper's number, a seed like any other
    gewerbe_kreise()
    gewerbe_laender()
    gewerbe_beispiel()
    personal()
    population_official()
    # population by nationality is no longer made up: the official LSN series replace it
    # (scripts/make_extracts.py)
    staff_report(rng)
    trade_register(rng)
    training(rng)
    committees()
    population_register()


if __name__ == "__main__":
    main()
