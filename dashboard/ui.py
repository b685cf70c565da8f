"""Small pieces every page shows the same way: a status, the sample badge, German numbers."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import streamlit as st

# Status is never shown by colour alone: every level has an icon and the status word beside it.
# Blue and orange are the pair colour-blind readers tell apart best (Okabe–Ito).
LEVELS = {
    "gut": (":material/check_circle:", "blue", "gut"),
    "langsam": (":material/hourglass_top:", "orange", "langsam"),
    "falsch": (":material/trending_down:", "red", "falsche Richtung"),
    "offen": (":material/help:", "gray", "offen"),
}
SAMPLE = "Beispieldaten"
SAMPLE_HELP = (
    "Erfundene Zahlen, wo es für die Stadt keine amtlichen gibt; sie zeigen, wie der Monitor "
    "arbeitet, und sind keine Aussage über Hannover."
)
SYMBOLS = {
    "-": "nichts vorhanden",
    ".": "unbekannt oder geheim",
    "x": "Aussage nicht sinnvoll",
    "...": "Angabe fällt später an",
    "/": "nicht sicher genug",
}
BERLIN = ZoneInfo("Europe/Berlin")


SAMPLE_MARK = f":violet-badge[:material/science: {SAMPLE}]"


def status_badge(
    status: str | None,
    level: str | None,
    *,
    sample: bool = False,
    data_until: int | None = None,
) -> None:
    """A status with its marks on one line: rests on sample data, data end years ago."""
    st.markdown(status_markdown(status, level, sample=sample, data_until=data_until))


def status_markdown(
    status: str | None,
    level: str | None,
    *,
    sample: bool = False,
    data_until: int | None = None,
) -> str:
    """The status as an inline markdown badge, with the sample and staleness marks beside it.

    >>> status_markdown("auf Kurs", "gut", sample=True, data_until=2016)
    ':blue-badge[:material/check_circle: auf Kurs] :violet-badge[:material/science: \
Beispieldaten] :gray-badge[:material/history: Daten bis 2016]'
    """
    icon, colour, _ = LEVELS.get(level or "offen", LEVELS["offen"])
    text = f":{colour}-badge[{icon} {status or 'nicht bewertbar'}]"
    if sample:
        text += f" {SAMPLE_MARK}"
    if data_until is not None:
        text += f" :gray-badge[:material/history: Daten bis {data_until}]"
    return text


def status_text(status: str | None, *, sample: bool = False, data_until: int | None = None) -> str:
    """The status as plain text for a table cell, marks in words (a table cell has no badge).

    >>> status_text("mäßiger Fortschritt", sample=True)
    'mäßiger Fortschritt (Beispieldaten)'
    """
    marks = [SAMPLE] if sample else []
    if data_until is not None:
        marks.append(f"Daten bis {data_until}")
    text = status or "nicht bewertbar"
    return f"{text} ({', '.join(marks)})" if marks else text


def sample_badge() -> None:
    st.badge(SAMPLE, icon=":material/science:", color="violet", help=SAMPLE_HELP)


def number(value: float | None, decimals: int = 1) -> str:
    """A number in German notation; a missing value is a dash, never zero.

    >>> number(12445.0, 0), number(33.333, 1), number(None)
    ('12.445', '33,3', '–')
    """
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def with_unit(value: float | None, unit: str, decimals: int | None = None) -> str:
    """A value in German notation with its unit; a missing value is a dash.

    >>> with_unit(26.4, "%"), with_unit(None, "%"), with_unit(12445.0, "Personen")
    ('26,4 %', '–', '12.445 Personen')
    """
    if value is None:
        return "–"
    return f"{number(value, decimals_for(unit) if decimals is None else decimals)} {unit}"


def decimals_for(unit: str) -> int:
    return (
        2
        if unit in {"Verhältnis", "Frauen je Mann"}
        else 0
        if unit in {"Personen", "Anmeldungen", "Vollzeitäquivalente"}
        else 1
    )


# The two concepts of origin a reader must never confuse.
ORIGIN = ("Staatsangehörigkeit", "Migrationshintergrund")

TARGET_KINDS = {
    "adopted": "beschlossen",
    "derived": "abgeleitet aus einem Beschluss",
    "assumed": "angenommen, kein beschlossener Zielwert",
}


def date(value: dt.date | None) -> str:
    """A date the German way.

    >>> date(dt.date(2017, 10, 10)), date(None)
    ('10.10.2017', '–')
    """
    return value.strftime("%d.%m.%Y") if value else "–"


def local_time(value: dt.datetime | None) -> str:
    if value is None:
        return "–"
    return value.replace(tzinfo=dt.UTC).astimezone(BERLIN).strftime("%d.%m.%Y, %H:%M Uhr")


def explain_flag(flag: str | None) -> str:
    """A value's flag in words: the published symbol explained, or the missing input named.

    >>> explain_flag("einwohner fehlt; anmeldungen: -")
    'einwohner fehlt; anmeldungen: „-“ (nichts vorhanden)'
    """
    if not flag:
        return ""
    parts = []
    for part in flag.split("; "):
        name, _, symbol = part.rpartition(": ")
        if name and symbol in SYMBOLS:
            parts.append(f"{name}: „{symbol}“ ({SYMBOLS[symbol]})")
        else:
            parts.append(part)
    return "; ".join(parts)


# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all of them
# keeps catalogue and URL text from becoming emphasis, headings, links, images, Streamlit's
# ":material/…:" icons or ":red[…]" colours, and breaks GFM's bare "https://…" and "www.…" links.
_MARKDOWN = re.compile(r"([!-/:-@\[-`{-~])")
_BREAKS = re.compile(r"[\s\u2028\u2029\x85]+")


def md(text: str | None, *, one_line: bool = False) -> str:
    r"""Catalogue, source or URL text made safe for Markdown: shown as written, never formatted,
    never a link. `one_line` folds line breaks (for text that came in through a URL).

    Gender asterisks ("Expert*innen") would otherwise turn into italics.

    >>> print(md("Expert*innen und Gründer*innen"))
    Expert\*innen und Gründer\*innen
    >>> print(md("[Bitte anmelden](https://x.example) www.x.example"))
    \[Bitte anmelden\]\(https\:\/\/x\.example\) www\.x\.example
    >>> print(md("a\n\n# Warnung", one_line=True))
    a \# Warnung
    """
    text = text or ""
    if one_line:
        text = _BREAKS.sub(" ", text).strip()
    return _MARKDOWN.sub(r"\\\1", text)


def quoted(value: str, limit: int = 80) -> str:
    """A value from outside (a URL parameter) quoted for a message: one line, cut, escaped.

    >>> quoted("x" * 100)[-3:], len(quoted("x" * 100))
    ('xx…', 81)
    """
    value = _BREAKS.sub(" ", value).strip()
    if len(value) > limit:
        value = value[:limit] + "…"
    return md(value)


def count(n: int, one: str, many: str) -> str:
    """A count with the right grammatical number.

    >>> count(1, "Ziel", "Ziele"), count(3, "Ziel", "Ziele")
    ('1 Ziel', '3 Ziele')
    """
    return f"{n} {one if n == 1 else many}"


def status_counts(statuses: list[str], one: str, many: str) -> str:
    """How many parts stand at each status, most frequent first.

    >>> status_counts(["auf Kurs", "kein Indikator hinterlegt", "auf Kurs"], "Ziel", "Ziele")
    '3 Ziele: 2 auf Kurs · 1 kein Indikator hinterlegt'
    """
    tally: dict[str, int] = {}
    for status in statuses:
        tally[status] = tally.get(status, 0) + 1
    parts = " · ".join(f"{n} {s}" for s, n in sorted(tally.items(), key=lambda kv: -kv[1]))
    return f"{count(len(statuses), one, many)}: {parts}"


def reason_caption(status: str | None, reason: str | None) -> None:
    """The reason under a status, unless it only repeats the status."""
    if reason and reason != status:
        st.caption(md(reason))


def count_or_decimal(value: float | None) -> str:
    """An input figure: whole numbers without decimals (109, 11.601), others with two.

    >>> [count_or_decimal(v) for v in (109.0, 11601.0, 0.5, None)]
    ['109', '11.601', '0,50', '–']
    """
    if value is None:
        return "–"
    return number(value, 0 if float(value).is_integer() else 2)


def gap_note(inputs: list[dict] | None, flag: str | None, labels: dict[str, str]) -> str:
    """Why a value is missing, in words: each missing series under its label with the published
    symbol explained; a division by zero as such.

    >>> gap_note([{"series": "neu", "value": None, "flag": "."}], "neu: .", {"neu": "Neue"})
    'Neue: „.“ (unbekannt oder geheim)'
    >>> gap_note([{"series": "neu", "value": None, "flag": None}], "neu fehlt", {})
    'neu: kein Wert geliefert'
    """
    notes = []
    for item in inputs or []:
        if item["value"] is not None:
            continue
        label = labels.get(item["series"], item["series"])
        symbol = item["flag"]
        if symbol in SYMBOLS:
            notes.append(f"{label}: „{symbol}“ ({SYMBOLS[symbol]})")
        else:
            notes.append(f"{label}: kein Wert geliefert")
    if notes:
        return "; ".join(notes)
    return explain_flag(flag)


def yes_no(flag: bool | None) -> str:
    return "ja" if flag else "nein"


def values_tables(
    rows: list[dict], labels: dict[str, str], unit: str
) -> tuple[list[dict], list[dict]]:
    """An indicator's values as the screen shows them (German text) and as the download holds
    them (numbers rounded as shown), each series under its label beside the value.

    >>> rows = [{"period": 2015, "region": "Hannover", "sex": "insgesamt", "value": 17.03125,
    ...          "flag": None, "is_sample": True,
    ...          "inputs": [{"series": "neu_mh", "value": 109.0, "flag": None},
    ...                     {"series": "neu", "value": 640.0, "flag": None}]}]
    >>> screen, download = values_tables(rows, {"neu_mh": "Neue mit MH", "neu": "Neue"}, "%")
    >>> screen[0]
    {'Jahr': '2015', 'Region': 'Hannover', 'Geschlecht': 'insgesamt', 'Wert': '17,0 %', \
'Neue mit MH': '109', 'Neue': '640', 'Hinweis': '', 'Beispieldaten': 'ja'}
    >>> download[0]["Wert"], download[0]["Neue mit MH"], download[0]["Einheit"]
    (17.0, 109.0, '%')
    """
    digits = decimals_for(unit)
    screen, download = [], []
    for row in rows:
        given = {i["series"]: i["value"] for i in row["inputs"] or []}
        note = gap_note(row["inputs"], row["flag"], labels) if row["value"] is None else ""
        common = {"Region": row["region"], "Geschlecht": row["sex"]}
        screen.append(
            {
                "Jahr": str(row["period"]),
                **common,
                "Wert": with_unit(row["value"], unit),
                **{label: count_or_decimal(given.get(name)) for name, label in labels.items()},
                "Hinweis": note,
                "Beispieldaten": yes_no(row["is_sample"]),
            }
        )
        download.append(
            {
                "Jahr": row["period"],
                **common,
                "Wert": None if row["value"] is None else round(row["value"], digits),
                "Einheit": unit,
                **{label: given.get(name) for name, label in labels.items()},
                "Hinweis": note,
                "Beispieldaten": yes_no(row["is_sample"]),
            }
        )
    return screen, download


def sample_share(assessed: int, on_sample: int, only_sample: int) -> str:
    """The Übersicht's first line: how many of the assessed goals rest on sample data.

    >>> sample_share(4, 4, 3)
    '**4 von 4 bewerteten Zielen beruhen auf Beispieldaten** (3 ganz, 1 teilweise): ihr Status \
zeigt, wie der Monitor arbeitet, nicht den tatsächlichen Stand.'
    >>> sample_share(5, 0, 0)
    'Alle 5 bewerteten Ziele beruhen auf amtlichen oder städtischen Daten.'
    >>> sample_share(0, 0, 0)
    'Noch ist kein Ziel bewertbar.'
    """
    if not assessed:
        return "Noch ist kein Ziel bewertbar."
    if not on_sample:
        return f"Alle {assessed} bewerteten Ziele beruhen auf amtlichen oder städtischen Daten."
    verb = "beruht" if on_sample == 1 else "beruhen"
    partly = on_sample - only_sample
    return (
        f"**{on_sample} von {assessed} bewerteten Zielen {verb} auf Beispieldaten** "
        f"({only_sample} ganz, {partly} teilweise): ihr Status zeigt, wie der Monitor arbeitet, "
        "nicht den tatsächlichen Stand."
    )


def data_years(newest: int | None, stale: int, oldest: int | None) -> str:
    """The newest data year, and plainly that it does not hold for every indicator.

    >>> data_years(2024, 0, None)
    'neuestes Datenjahr 2024'
    >>> data_years(2024, 2, 2015)
    'neuestes Datenjahr 2024, aber 2 Indikatoren mit älteren Daten (bis 2015)'
    """
    text = f"neuestes Datenjahr {newest or '–'}"
    if stale:
        text += (
            f", aber {count(stale, 'Indikator', 'Indikatoren')} mit älteren Daten (bis {oldest})"
        )
    return text


SYMBOL = {"gut": "✓", "langsam": "◐", "falsch": "✗", "offen": "○"}


def overview_by_level(indicators: list[dict]) -> list[tuple[str, list[dict]]]:
    """A goal's indicators as the field page lists them, grouped by status level (best first),
    each group with its status colour for the sparklines. The column "Daten" says whether the
    status rests on sample data ("Beispieldaten"), only some shown years do ("teils Beispiel"),
    or none ("amtlich").

    >>> rows = overview_by_level([{"title": "Anteil", "series": [None, 20.4, 26.4],
    ...     "latest_value": 26.4, "latest_period": 2024, "target_value": 30.0,
    ...     "target_year": 2026, "target_kind": "assumed", "unit": "%", "status": "auf Kurs",
    ...     "level": "gut", "uses_sample": True, "status_on_sample": True, "data_until": None}])
    >>> colour, [row] = rows[0]
    >>> colour, row["Verlauf"], row["Status"], row["Ziel"], row["Daten"]
    ('blue', [20.4, 26.4], '✓ auf Kurs', '30,0 % bis 2026 (angenommen)', 'Beispieldaten')
    """
    groups: dict[str, list[dict]] = {}
    for ind in indicators:
        level = ind["level"] or "offen"
        target = "kein Zielwert"
        if ind["target_value"] is not None:
            target = f"{with_unit(ind['target_value'], ind['unit'])} bis {ind['target_year']}"
            if ind["target_kind"] == "assumed":
                target += " (angenommen)"
        latest = with_unit(ind["latest_value"], ind["unit"])
        if ind["latest_period"] is not None:
            latest += f" ({ind['latest_period']})"
        status = status_text(ind["status"], data_until=ind["data_until"])
        data = "amtlich"
        if ind["status_on_sample"]:
            data = SAMPLE
        elif ind["uses_sample"]:
            data = "teils Beispiel"
        groups.setdefault(level, []).append(
            {
                "Indikator": ind["title"],
                # A sparkline cannot draw a gap; it shows the years with a value.
                "Verlauf": [v for v in ind["series"] or [] if v is not None],
                "Aktuell": latest,
                "Ziel": target,
                "Status": f"{SYMBOL[level]} {status}",
                "Daten": data,
            }
        )
    return [(LEVELS[level][1], groups[level]) for level in LEVELS if level in groups]
