"""Everything a reader sees as text: a status, the sample badge, German numbers, and every table
under its German headings. The queries return the warehouse's own columns; the words are here."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import quote
from zoneinfo import ZoneInfo

import polars as pl
import streamlit as st

import vocabulary

# Status is never shown by colour alone: every level has an icon and the status word beside it.
# Blue and orange are the pair colour-blind readers tell apart best (Okabe–Ito). The icons are
# Material Symbols, drawn by `icon` so that screen readers skip them: the word says it.
LEVELS = {
    "gut": ("check_circle", "blue", "gut"),
    "langsam": ("hourglass_top", "orange", "langsam"),
    "falsch": ("trending_down", "red", "falsche Richtung"),
    "offen": ("help", "gray", "offen"),
}
SAMPLE = "Beispieldaten"
SYMBOLS = {
    "-": "nichts vorhanden",
    ".": "unbekannt oder geheim",
    "x": "Aussage nicht sinnvoll",
    "...": "Angabe fällt später an",
    "/": "nicht sicher genug",
}
BERLIN = ZoneInfo("Europe/Berlin")


# Streamlit's own ":material/…:" in Markdown is an image named "check_circle icon", which a
# screen reader reads before every status; this is the same glyph of the same font, hidden.
_ICON_STYLE = (
    "font-family: 'Material Symbols Rounded'; font-weight: 400; display: inline-block; "
    "vertical-align: bottom; user-select: none; white-space: nowrap"
)
_ICON_NAME = re.compile(r"[a-z0-9_]+")


def icon(name: str) -> str:
    """A Material icon as inline HTML that assistive technology skips (aria-hidden).

    Only our own icon names get here; anything else is refused rather than written into HTML.

    >>> icon("help")[:45]
    '<span aria-hidden="true" style="font-family: '
    >>> icon("x<y")
    Traceback (most recent call last):
    ...
    ValueError: not an icon name: 'x<y'
    """
    if not _ICON_NAME.fullmatch(name):
        raise ValueError(f"not an icon name: {name!r}")
    return f'<span aria-hidden="true" style="{_ICON_STYLE}">{name}</span>'


def badge(colour: str, icon_name: str, text: str) -> str:
    """A coloured badge with a hidden icon, for st.markdown(..., unsafe_allow_html=True): the
    text is our own vocabulary, escaped all the same (an escaped "<" is text, never HTML).

    >>> badge("gray", "history", "Daten bis 2016").endswith(">history</span> Daten bis 2016]")
    True
    """
    return f":{colour}-badge[{icon(icon_name)} {md(text)}]"


def status_badge(
    status: str | None,
    level: str | None,
    *,
    sample: bool = False,
    data_until: int | None = None,
) -> None:
    """A status with its marks on one line: rests on sample data, data end years ago. The
    Markdown holds HTML (the hidden icons) and no data: the status words are our vocabulary."""
    st.markdown(
        status_markdown(status, level, sample=sample, data_until=data_until),
        unsafe_allow_html=True,
    )


def status_markdown(
    status: str | None,
    level: str | None,
    *,
    sample: bool = False,
    data_until: int | None = None,
) -> str:
    """The status as an inline markdown badge, with the sample and staleness marks beside it;
    each icon hidden from screen readers (see `icon`), which read "auf Kurs, Beispieldaten".

    >>> text = status_markdown("auf Kurs", "gut", sample=True, data_until=2016)
    >>> text == " ".join([badge("blue", "check_circle", "auf Kurs"), SAMPLE_MARK,
    ...                   badge("gray", "history", "Daten bis 2016")])
    True
    >>> ":material/" in text
    False
    """
    name, colour, _ = LEVELS.get(level or "offen", LEVELS["offen"])
    text = badge(colour, name, status or "nicht bewertbar")
    if sample:
        text += f" {SAMPLE_MARK}"
    if data_until is not None:
        text += " " + badge("gray", "history", f"Daten bis {data_until}")
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


def sample_help(town: str) -> str:
    """What sample data are, naming the municipality the warehouse is about.

    >>> sample_help("Stadt Laatzen").endswith("und sind keine Aussage über Stadt Laatzen.")
    True
    """
    return (
        "Erfundene Zahlen, wo es für die Stadt keine amtlichen gibt; sie zeigen, wie der Monitor "
        f"arbeitet, und sind keine Aussage über {town}."
    )


def sample_badge() -> None:
    """The Beispieldaten mark, a button that opens what sample data are, naming the municipality
    of the warehouse shown: a badge's tooltip opened on mouse-over only, never by keyboard."""
    # Imported here: queries imports the report, which imports this module.
    from dashboard import queries

    town = queries.municipality(queries.current())["name"]
    with st.popover(SAMPLE, icon=":material/science:", type="tertiary"):
        st.markdown(sample_help(md(town)))


# A live region: what it says when its text changes, a screen reader announces without moving
# the focus (WCAG 4.1.3). Its text is made here from our own words and numbers, escaped all the
# same; st.html puts it into the page itself (no iframe), where the reader watches it.
_OFF_SCREEN = (
    "position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); "
    "white-space: nowrap"
)


def live_html(strong: str, rest: str = "", *, visible: bool = True) -> str:
    """A status message as HTML with role="status": `strong` in bold, then `rest`.

    >>> live_html("6 von 6 Maßnahmen", " <b>")
    '<p role="status" aria-live="polite"><strong>6 von 6 Maßnahmen</strong> &lt;b&gt;</p>'
    >>> 'style="position: absolute' in live_html("Seite Übersicht", visible=False)
    True
    """
    style = "" if visible else f' style="{_OFF_SCREEN}"'
    text = f"<strong>{html.escape(strong)}</strong>{html.escape(rest)}" if strong else ""
    return f'<p role="status" aria-live="polite"{style}>{text}</p>'


def page_status(page: str) -> None:
    """Says which page opened: a page change moves no focus, so without it a screen reader
    hears nothing. Off screen, first on every page, so that the same region changes its text."""
    st.html(live_html(f"Seite {page}", visible=False))


def page_url(page: str, **params: str) -> str:
    """A link to one of our pages with its query, each part percent-encoded, for Markdown.

    >>> page_url("indikator", indikator="a.b_c"), page_url("x", q="a b)")
    ('/indikator?indikator=a.b_c', '/x?q=a%20b%29')
    """
    query = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in params.items())
    return f"/{quote(page)}" + (f"?{query}" if query else "")


def deep_link(param: str, ids: list[str], unknown: str) -> str:
    """The id the URL asks for in `param`, else the first of `ids`. An id not among them is said
    in an error box, `unknown` with "{}" where the quoted id goes, and the first is shown."""
    wanted = st.query_params.get(param, ids[0])
    if wanted not in ids:
        st.error(unknown.format(quoted(wanted)), icon=":material/link_off:")
        return ids[0]
    return wanted


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


SAMPLE_MARK = badge("violet", "science", SAMPLE)


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


def sparkline_words(periods: list[int] | None, values: list[float | None] | None, unit: str) -> str:
    """A sparkline in words, for those who cannot see it: first and last year with a value, and
    the years without one in between.

    >>> sparkline_words([2015, 2016, 2017, 2018], [None, 29.5095, None, 31.2], "%")
    '2016: 29,5 % → 2018: 31,2 % (ohne 2017)'
    >>> sparkline_words([2023, 2024], [None, 88.598], "%"), sparkline_words([], [], "%")
    ('2024: 88,6 %', 'keine Werte')
    """
    known = [(p, v) for p, v in zip(periods or [], values or [], strict=True) if v is not None]
    if not known:
        return "keine Werte"
    (first, start), (last, end) = known[0], known[-1]
    if first == last:
        return f"{first}: {with_unit(start, unit)}"
    missing = [str(p) for p, v in zip(periods or [], values or [], strict=True) if v is None]
    missing = [p for p in missing if first < int(p) < last]
    gaps = f" (ohne {', '.join(missing)})" if missing else ""
    return f"{first}: {with_unit(start, unit)} → {last}: {with_unit(end, unit)}{gaps}"


def overview_by_level(indicators: list[dict]) -> list[tuple[str, list[dict]]]:
    """A goal's indicators as the field page lists them, grouped by status level (best first),
    each group with its status colour for the sparklines. The column "Daten" says whether the
    status rests on sample data ("Beispieldaten"), only some shown years do ("teils Beispiel"),
    or none ("amtlich").

    >>> rows = overview_by_level([{"title": "Anteil", "series": [None, 20.4, 26.4],
    ...     "periods": [2015, 2016, 2024], "latest_value": 26.4, "latest_period": 2024,
    ...     "target_value": 30.0, "target_year": 2026, "target_kind": "assumed", "unit": "%",
    ...     "status": "auf Kurs",
    ...     "level": "gut", "uses_sample": True, "status_on_sample": True, "data_until": None}])
    >>> colour, [row] = rows[0]
    >>> colour, row["Verlauf"], row["Verlauf in Worten"], row["Status"], row["Daten"]
    ('blue', [20.4, 26.4], '2016: 20,4 % → 2024: 26,4 %', '✓ auf Kurs', 'Beispieldaten')
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
                # A sparkline cannot draw a gap (a missing value breaks it): it shows the years
                # with a value, and the words beside it name first and last and what is missing.
                "Verlauf": [v for v in ind["series"] or [] if v is not None],
                "Verlauf in Worten": sparkline_words(ind["periods"], ind["series"], ind["unit"]),
                "Aktuell": latest,
                "Ziel": target,
                "Status": f"{SYMBOL[level]} {status}",
                "Daten": data,
            }
        )
    return [(LEVELS[level][1], groups[level]) for level in LEVELS if level in groups]


# --- Umsetzungsstand: the second kind of status, from the measures, never mixed with the outcome.
# Its own icons (tasks, not trends) and its own symbols, so that a reader never takes one for the
# other; the status word always says "Umsetzung".
# The symbols for table cells are the report's (dashboard/report.py): ■ in plan, ◧ partly, □ not.
IMPLEMENTATION = {
    vocabulary.UMSETZUNG_ABGESCHLOSSEN: ("task_alt", "blue", "■", "abgeschlossen"),
    vocabulary.UMSETZUNG_IM_PLAN: ("play_circle", "blue", "■", "im Plan"),
    vocabulary.UMSETZUNG_TEILWEISE: ("rule", "orange", "◧", "teilweise im Plan"),
    vocabulary.UMSETZUNG_NICHT: ("block", "red", "□", "nicht im Plan"),
    vocabulary.UMSETZUNG_KEINE_MELDUNG: ("pending", "gray", "–", "ohne Meldung"),
    vocabulary.ALLE_GESTRICHEN: ("do_not_disturb_on", "gray", "–", "alle gestrichen"),
    vocabulary.KEINE_MASSNAHME: ("remove", "gray", "–", "ohne Maßnahme"),
}
SAMPLE_SHORT = "Beispiel"
# Without icon: it stands in lines with catalogue text, which never goes into HTML (see `icon`).
EXAMPLE_MARK = f":violet-badge[{SAMPLE_SHORT}]"
# The states a measure owner reports, in their order; a measure without a report has none.
MEASURE_STATES = vocabulary.MEASURE_STATES
NO_REPORT = vocabulary.UMSETZUNG_KEINE_MELDUNG
WEDER_NOCH = vocabulary.WEDER_NOCH
SMART = {
    "S/M": "spezifisch und messbar: ein Zielwert mit Quelle (beschlossen oder abgeleitet)",
    "M": "messbar: mindestens ein Indikator oder eine Maßnahme",
    "A": "zuzuordnen: eine benannte Verantwortung (Federführung)",
    "T": "terminiert: ein Fälligkeitsjahr, das ein Beschluss setzt",
}


def implementation_markdown(status: str | None, *, sample: bool = False) -> str:
    """The Umsetzungsstand as an inline badge, marked "Beispiel" where it rests on an invented
    round; its icons differ from the outcome status' icons and are hidden like theirs.

    >>> implementation_markdown("Umsetzung im Plan", sample=True) == (
    ...     badge("blue", "play_circle", "Umsetzung im Plan") + " " + EXAMPLE_MARK)
    True
    """
    status = status or vocabulary.KEINE_MASSNAHME
    name, colour, _, _ = IMPLEMENTATION.get(status, IMPLEMENTATION[vocabulary.KEINE_MASSNAHME])
    text = badge(colour, name, status)
    return f"{text} {EXAMPLE_MARK}" if sample else text


def implementation_text(status: str | None, *, sample: bool = False) -> str:
    """The Umsetzungsstand for a table cell: its symbol and word, "(Beispiel)" where invented.

    >>> implementation_text("Umsetzung nicht im Plan"), implementation_text(None)
    ('□ Umsetzung nicht im Plan', '– keine Maßnahme erfasst')
    """
    status = status or vocabulary.KEINE_MASSNAHME
    symbol = IMPLEMENTATION.get(status, IMPLEMENTATION[vocabulary.KEINE_MASSNAHME])[2]
    return f"{symbol} {status}" + (f" ({SAMPLE_SHORT})" if sample else "")


def implementation_counts(statuses: list[str | None]) -> str:
    """A field's goals by Umsetzungsstand in one short line, goals without a measure last.

    >>> implementation_counts(["Umsetzung im Plan", "Umsetzung im Plan",
    ...     "Umsetzung teilweise im Plan", "keine Maßnahme erfasst"])
    'Umsetzung: 2 Ziele im Plan · 1 teilweise im Plan · 1 ohne Maßnahme'
    >>> implementation_counts(["keine Maßnahme erfasst"])
    'Umsetzung: keine Maßnahme erfasst'
    """
    tally = dict.fromkeys(IMPLEMENTATION, 0)
    for status in statuses:
        tally[status or vocabulary.KEINE_MASSNAHME] += 1
    if tally[vocabulary.KEINE_MASSNAHME] == len(statuses):
        return f"Umsetzung: {vocabulary.KEINE_MASSNAHME}"
    parts = [(n, word) for s, (*_, word) in IMPLEMENTATION.items() if (n := tally[s])]
    first = f"{count(parts[0][0], 'Ziel', 'Ziele')} {parts[0][1]}"
    return "Umsetzung: " + " · ".join([first, *(f"{n} {word}" for n, word in parts[1:])])


def measure_line(measure: dict) -> str:
    """A measure as the field page lists it: title, reported state and round, due year, owner,
    and "Beispiel" where it is invented or its state comes from an invented round.

    >>> print(measure_line({"title": "AG*", "state": None, "state_round": None, "due": 2026,
    ...     "owner": "Amt", "sample": False, "round_sample": False}))
    - AG\\* — *keine Meldung*, fällig 2026 (Amt)
    >>> print(measure_line({"title": "AG", "state": "verzögert", "state_round": "2024",
    ...     "due": None, "owner": "Amt", "sample": True, "round_sample": False}))
    - AG — *verzögert* (Runde 2024) (Amt) :violet-badge[Beispiel]
    """
    state = measure["state"] or NO_REPORT
    text = f"- {md(measure['title'])} — *{state}*"
    if measure["state_round"]:
        text += f" (Runde {md(measure['state_round'])})"
    if measure["due"]:
        text += f", fällig {measure['due']}"
    text += f" ({md(measure['owner'])})"
    if measure["sample"] or measure["round_sample"]:
        text += f" {EXAMPLE_MARK}"
    return text


def round_label(round_id: str, sample: bool) -> str:
    """A round as a column head.

    >>> round_label("2024", True), round_label("2021", False)
    ('Runde 2024 (Beispiel)', 'Runde 2021')
    """
    return f"Runde {round_id}" + (f" ({SAMPLE_SHORT})" if sample else "")


def measure_table(
    measures: list[dict], reports: list[dict], rounds: list[dict]
) -> tuple[list[dict], list[str]]:
    """The measures as the Maßnahmen page lists them: the newest state with its round, then one
    column per declared round with the state reported in it ("–": no report there); a state
    from an invented round says "Beispiel" (an invented measure has its own column), a goal
    status resting on sample data says "Beispieldaten".

    >>> rows, heads = measure_table(
    ...     [{"id": "m", "title": "AG", "state": "verzögert", "state_round": "2024", "due": 2026,
    ...       "owner": "Amt", "field_name": "Bildung", "goal_title": "Kita",
    ...       "goal_status": "auf Kurs", "goal_on_sample": True, "sample": False,
    ...       "source_note": "Beschluss"}],
    ...     [{"measure_id": "m", "round": "2021", "state": "geplant"},
    ...      {"measure_id": "m", "round": "2024", "state": "verzögert"}],
    ...     [{"id": "2021", "is_sample": False}, {"id": "2024", "is_sample": True}])
    >>> heads
    ['Runde 2021', 'Runde 2024 (Beispiel)']
    >>> rows[0]["Stand"], rows[0]["Runde 2021"], rows[0]["Runde 2024 (Beispiel)"]
    ('verzögert (Runde 2024, Beispiel)', 'geplant', 'verzögert')
    >>> rows[0]["Status des Ziels"], rows[0]["Beispiel"]
    ('auf Kurs (Beispieldaten)', '')
    """
    heads = {r["id"]: round_label(r["id"], r["is_sample"]) for r in rounds}
    sample_round = {r["id"] for r in rounds if r["is_sample"]}
    states: dict[tuple[str, str], str] = {
        (r["measure_id"], r["round"]): r["state"] for r in reports
    }
    table = []
    for m in measures:
        state = NO_REPORT if m["state"] is None else m["state"]
        if m["state_round"]:
            mark = f", {SAMPLE_SHORT}" if m["state_round"] in sample_round else ""
            state = f"{state} (Runde {m['state_round']}{mark})"
        goal_status = m["goal_status"]
        if goal_status is not None and m["goal_on_sample"]:
            goal_status += f" ({SAMPLE})"
        row = {
            "Maßnahme": m["title"],
            "Stand": state,
            "Fällig": m["due"],
            "Federführung": m["owner"],
            "Handlungsfeld": m["field_name"],
            "Ziel": m["goal_title"],
            "Status des Ziels": goal_status,
            "Beispiel": SAMPLE_SHORT if m["sample"] else "",
            "Quelle": m["source_note"],
        }
        for round_id, head in heads.items():
            row[head] = states.get((m["id"], round_id), "–")
        table.append(row)
    return table, list(heads.values())


def closed_round_rows(rounds: list[dict]) -> list[dict]:
    """The closed rounds as the Datenstand page lists them, in German, the warehouse version and
    the catalogue hash cut to what a person compares.

    >>> import datetime as dt
    >>> [row] = closed_round_rows([{"round": "2021", "title": "LG", "date": dt.date(2021, 11, 29),
    ...     "closed_at": None, "note": "", "warehouse_file": "warehouse-2026.duckdb",
    ...     "catalogue_sha256": "0123456789abcdef0123", "is_sample": False, "data_until": 2021}])
    >>> row["Runde"], row["Katalog (SHA-256)"], row["Daten bis"], row["Beispiel"]
    ('2021', '0123456789ab…', '2021', '')
    """
    return [
        {
            "Runde": r["round"],
            "Titel": r["title"],
            "Beispiel": SAMPLE_SHORT if r["is_sample"] else "",
            "Stichtag": date(r["date"]),
            "Daten bis": str(r["data_until"]) if r["data_until"] is not None else "",
            "Abgeschlossen": local_time(r["closed_at"]),
            "Notiz": r["note"] or "",
            "Warehouse-Version": r["warehouse_file"] or "",
            "Katalog (SHA-256)": (r["catalogue_sha256"] or "")[:12] + "…",
        }
        for r in rounds
    ]


def declared_round_rows(rounds: list[dict]) -> list[dict]:
    """The catalogue's reporting rounds: whether the owners reported and whether it is closed."""
    return [
        {
            "Runde": r["id"],
            "Titel": r["title"],
            "Beispiel": SAMPLE_SHORT if r["is_sample"] else "",
            "Stichtag": date(r["date"]),
            "Meldungen": f"{r['reports']} gemeldet" if r["reported"] else "keine Meldung",
            "abgeschlossen": yes_no(r["closed"]),
            "Quelle": r["source"] or "",
        }
        for r in rounds
    ]


# --- Tables: a query's warehouse columns under the German heads a page shows, in polars
# expressions (a Python callback inside polars could hang the server, see tests/test_threads.py).


def _headed(frame: pl.DataFrame, heads: dict[str, str]) -> pl.DataFrame:
    """The columns named in `heads`, in its order, each under its German head."""
    return frame.select(list(heads)).rename(heads)


def _marked(column: str, yes: str, no: str = "") -> pl.Expr:
    """A flag column as words: `yes` where it is true, else `no` (a missing flag too)."""
    return pl.when(pl.col(column)).then(pl.lit(yes)).otherwise(pl.lit(no)).alias(column)


SOURCE_HEADS = {
    "title": "Quelle",
    "is_sample": "Art",
    "retrieved": "Stand",
    "table_code": "Tabelle",
    "publisher": "Herausgeber",
    "licence": "Lizenz",
    "rows": "Werte",
    "file": "Datei",
}


def source_table(sources: pl.DataFrame, *, files: bool = True) -> pl.DataFrame:
    """The sources as the pages list them, sample data or official ("amtlich"); without the file
    and its number of values where `files` is false.

    >>> table = source_table(pl.DataFrame({"title": ["A", "B"], "is_sample": [False, True],
    ...     "retrieved": [None, None], "table_code": ["1", None], "publisher": ["P", "Q"],
    ...     "licence": ["L", "M"], "rows": [3, 4], "file": ["a.csv", "b.csv"]}), files=False)
    >>> table.columns, table["Art"].to_list()
    (['Quelle', 'Art', 'Stand', 'Tabelle', 'Herausgeber', 'Lizenz'], ['amtlich', 'Beispieldaten'])
    """
    table = _headed(sources.with_columns(_marked("is_sample", SAMPLE, "amtlich")), SOURCE_HEADS)
    return table if files else table.drop("Werte", "Datei")


def smart_table(goals: pl.DataFrame) -> pl.DataFrame:
    """The goals that fail a SMART criterion, an invented goal marked "Beispiel"."""
    return _headed(
        goals.with_columns(_marked("sample", SAMPLE_SHORT)),
        {
            "field_name": "Handlungsfeld",
            "goal_title": "Ziel",
            "criteria": "Kriterien",
            "messages": "Was fehlt",
            "sample": "Beispiel",
        },
    )


def build_change_table(changes: pl.DataFrame) -> pl.DataFrame:
    """What changed since the previous build, as the Übersicht lists it."""
    return _headed(changes, {"kind": "Art", "title": "Was", "before": "vorher", "after": "jetzt"})


# --- Indikator ----------------------------------------------------------------------------------

INDICATOR_KINDS = {
    "level": "Bestand oder Anzahl",
    "share": "Anteil",
    "gap": "Lücke in Prozentpunkten (Parität 0)",
    "parity": "Verhältnis (Parität 1,0)",
}


def series_alt(
    title: str,
    place: str,
    values: list[dict],
    unit: str,
    target: tuple[int, float] | None,
    *,
    assumed: bool = False,
) -> str:
    """The time series chart in words: its first and last value, and the target.

    >>> series_alt("Anteil", "Hannover", [{"period": 2015, "value": None},
    ...     {"period": 2016, "value": 20.44}, {"period": 2024, "value": 26.4}], "%",
    ...     (2030, 30.0), assumed=True)
    'Liniendiagramm Anteil, Hannover: 2016 20,4 %, 2024 26,4 %; angenommenes Ziel 30,0 % bis 2030'
    """
    digits = decimals_for(unit)
    known = [v for v in values if v["value"] is not None]
    alt = f"Liniendiagramm {title}, {place}"
    if known:
        first, last = known[0], known[-1]
        alt += (
            f": {first['period']} {number(first['value'], digits)} {unit}, "
            f"{last['period']} {number(last['value'], digits)} {unit}"
        )
    if target:
        alt += f"; {'angenommenes ' if assumed else ''}Ziel {number(target[1], digits)} {unit} "
        alt += f"bis {target[0]}"
    return alt


def gaps_caption(values: list[dict]) -> str | None:
    """The years without a value and why, under the chart; None where every year has one.

    >>> gaps_caption([{"period": 2015, "value": None, "flag": "neu: ."},
    ...     {"period": 2016, "value": 1.0, "flag": None}])
    'Lücken statt Nullen: 2015: neu: „.“ (unbekannt oder geheim)'
    """
    gaps = [v for v in values if v["value"] is None]
    if not gaps:
        return None
    return "Lücken statt Nullen: " + "; ".join(
        f"{v['period']}: {explain_flag(v['flag'])}" for v in gaps
    )


def region_rows(progress: list[dict], unit: str) -> list[dict]:
    """Each region's status and latest value, as the comparison of regions lists them."""
    return [
        {
            "Region": r["region_name"],
            "Status": status_text(r["status"], sample=r["uses_sample"], data_until=r["data_until"]),
            "Jahr": str(r["latest_period"] or "–"),
            "Wert": with_unit(r["latest_value"], unit),
        }
        for r in progress
    ]


def citation(meta: dict, sources: list[dict], built_at: dt.datetime | None) -> dict[str, str]:
    """What a download of an indicator's values says about them before the table: definition,
    every source with its publisher, table, date and licence, and whether sample data is in it."""
    return {
        "Titel": meta["title"],
        "Einheit": meta["unit"],
        "Definition": meta["description"],
        "Berechnung": meta["formula_words"],
        "Quelle": " / ".join(
            f"{s['title']} ({s['publisher']}, Tabelle {s['table_code'] or '–'}, "
            f"Stand {date(s['retrieved'])}, Lizenz: {s['licence']})"
            for s in sources
        ),
        "Beispieldaten": yes_no(meta["uses_sample"]),
        "Auswertung": local_time(built_at),
    }


def definition(meta: dict) -> str:
    """An indicator's definition as Markdown: the description, then calculation, concept, unit,
    kind, direction, baseline, target and the note on its source."""
    unit = meta["unit"]
    target = "kein Zielwert"
    if meta["target_value"] is not None:
        target = f"{number(meta['target_value'], decimals_for(unit))} {unit} "
        target += f"bis {meta['target_year']}"
        target += f" ({TARGET_KINDS[meta['target_kind']]}; Quelle: {meta['target_source']})"
    return (
        f"{md(meta['description'])}\n\n"
        f"- **Berechnung:** {md(meta['formula_words'])}\n"
        f"- **Konzept:** {md(meta['concept'] or 'nicht angegeben')}"
        + (" (nie mit der anderen Größe in einer Reihe)" if meta["concept"] in ORIGIN else "")
        + "\n"
        f"- **Einheit:** {md(unit)} · **Art:** {INDICATOR_KINDS[meta['kind']]} · "
        f"**gewünschte Richtung:** {'steigend' if meta['direction'] == 'up' else 'fallend'}\n"
        f"- **Basisjahr:** {meta['baseline_year']} · **Ziel:** {md(target)}\n"
        f"- **Hinweis zur Quelle:** {md(meta['source_note']) or '–'}"
    )


# --- Berichtsrunde ------------------------------------------------------------------------------


def no_closed_round(newest: str | None) -> str:
    """What the Berichtsrunde page says before a round is closed; its example closes the
    catalogue's newest declared round (`newest`), none where the catalogue declares none.

    >>> "`python -m etl round close 2025 --note" in no_closed_round("2025")
    True
    >>> "zum Beispiel" in no_closed_round(None)
    False
    """
    example = (
        f' (zum Beispiel `python -m etl round close {newest} --note "Lenkungsgruppe"`)'
        if newest
        else ""
    )
    return (
        "Noch ist keine Berichtsrunde abgeschlossen. Liegen die Meldungen der Federführenden für "
        "eine Runde vor, schließt die Statistikstelle sie ab: `python -m etl round close <Runde>`"
        f"{example}. Das friert Werte, Status und Maßnahmenstände der Runde ein; danach zeigt "
        "diese Seite die Runde, was sich seit der vorigen geändert hat, und den Bericht als PDF, "
        "XLSX und HTML."
    )


REPORT_FORMATS = (
    ("pdf", "PDF", "application/pdf"),
    ("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("html", "HTML", "text/html"),
)


def report_file_name(round_id: str, fmt: str) -> str:
    """The report's file name, German and safe on every system.

    >>> report_file_name("2021", "pdf")
    'Bericht_WIR-Monitor_Runde_2021.pdf'
    """
    return f"Bericht_WIR-Monitor_Runde_{round_id}.{fmt}"


def round_facts(info: dict) -> str:
    """A closed round's facts as a short Markdown list.

    >>> import datetime as dt
    >>> print(round_facts({"date": dt.date(2021, 11, 29), "closed_at": None, "note": "",
    ...     "data_until": 2021, "warehouse_file": "w.duckdb"}))
    - **Stichtag:** 29.11.2021 · **abgeschlossen:** – · **Daten bis:** 2021
    - **eingefroren aus:** w\\.duckdb
    """
    line = f"- **Stichtag:** {date(info['date'])} · **abgeschlossen:** "
    line += local_time(info["closed_at"])
    if info["data_until"] is not None:
        line += f" · **Daten bis:** {info['data_until']}"
    lines = [line]
    if info.get("committee"):
        lines.append(f"- **Bericht an:** {md(info['committee'], one_line=True)}")
    if info["note"]:
        lines.append(f"- **Notiz:** {md(info['note'], one_line=True)}")
    lines.append(f"- **eingefroren aus:** {md(info['warehouse_file'])}")
    return "\n".join(lines)


def outcome_text(status: str | None) -> str:
    """An outcome status for a table cell: its symbol and word.

    >>> outcome_text("auf Kurs"), outcome_text(None)
    ('✓ auf Kurs', '○ nicht bewertbar')
    """
    level = vocabulary.LEVEL.get(status or "", "offen")
    return f"{SYMBOL[level]} {status or vocabulary.NICHT_BEWERTBAR}"


def round_goal_rows(goals: list[dict]) -> list[dict]:
    """A field's goals in a closed round: outcome status and Umsetzungsstand side by side, each in
    its own column with its own symbols, the reason of each in words."""
    rows = []
    for g in goals:
        implementation = implementation_text(
            g["implementation_status"], sample=g["implementation_is_sample"]
        )
        rows.append(
            {
                "Ziel": g["title"] + (f" ({SAMPLE_SHORT})" if g["sample"] else ""),
                "Status": status_text(
                    outcome_text(g["status"]), sample=g["uses_sample"], data_until=g["data_until"]
                ),
                "Umsetzungsstand": implementation,
                "Umsetzung im Einzelnen": (
                    ""
                    if g["implementation_reason"] == g["implementation_status"]
                    else g["implementation_reason"]
                ),
            }
        )
    return rows


def change_rows(changes: list[dict], *, sample: bool = False) -> list[dict]:
    """The changes between two rounds in German columns, statuses with their symbols; where the
    newer round's reports are invented (`sample`), what comes from them says "Beispiel".

    >>> change_rows([{"kind": "Maßnahme", "object": "Maßnahme", "title": "AG",
    ...     "before": "geplant", "after": "verzögert"}], sample=True)[0]["jetzt"]
    'verzögert (Beispiel)'
    """
    rows = []
    for c in changes:
        before, after = c["before"], c["after"]
        if c["kind"] == "Status" or (c["kind"] == "neu" and c["object"] != "Maßnahme"):
            before = outcome_text(before) if before is not None else "–"
            after = outcome_text(after)
        elif c["kind"] == "Umsetzungsstand":
            before = implementation_text(before) if before is not None else "–"
            after = implementation_text(after, sample=sample)
        elif c["object"] == "Maßnahme" and sample and after is not None:
            after = f"{after} ({SAMPLE_SHORT})"
        rows.append(
            {
                "Art": c["kind"],
                "Was": c["object"],
                "Titel": c["title"],
                "vorher": before or "–",
                "jetzt": after or "–",
            }
        )
    return rows


def synopsis_rows(
    synopsis: list[dict], rounds: list[str], sample_rounds: set[str]
) -> tuple[list[dict], list[str]]:
    """Goals × rounds: each cell the status' symbol and word, "–" where the round did not have
    the goal; a sample round's column and an invented goal say "Beispiel".

    >>> rows, heads = synopsis_rows([{"field": "Bildung", "goal": "Kita", "sample": False,
    ...     "2021": "auf Kurs", "2024": None}], ["2021", "2024"], {"2024"})
    >>> heads, rows[0]["Runde 2021"], rows[0]["Runde 2024 (Beispiel)"]
    (['Runde 2021', 'Runde 2024 (Beispiel)'], '✓ auf Kurs', '–')
    """
    heads = {r: round_label(r, r in sample_rounds) for r in rounds}
    rows = []
    for goal in synopsis:
        row = {
            "Handlungsfeld": goal["field"],
            "Ziel": goal["goal"] + (f" ({SAMPLE_SHORT})" if goal["sample"] else ""),
        }
        for round_id, head in heads.items():
            status = goal.get(round_id)
            row[head] = outcome_text(status) if status is not None else "–"
        rows.append(row)
    return rows, list(heads.values())
