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


def status_badge(status: str | None, level: str | None) -> None:
    icon, colour, _ = LEVELS.get(level or "offen", LEVELS["offen"])
    st.badge(status or "nicht bewertbar", icon=icon, color=colour)


def status_markdown(status: str | None, level: str | None) -> str:
    """The status as an inline markdown badge, for use inside a line of text."""
    icon, colour, _ = LEVELS.get(level or "offen", LEVELS["offen"])
    return f":{colour}-badge[{icon} {status or 'nicht bewertbar'}]"


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


def decimals_for(unit: str) -> int:
    return (
        2
        if unit in {"Verhältnis", "Frauen je Mann"}
        else 0
        if unit in {"Personen", "Anmeldungen", "Vollzeitäquivalente"}
        else 1
    )


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


_MARKDOWN = re.compile(r"([\\`*_\[\]#~$:<>|])")


def md(text: str | None) -> str:
    r"""Catalogue and source text made safe for Markdown: shown as written, never formatted.

    Gender asterisks ("Expert*innen") would otherwise turn into italics.

    >>> md("Expert*innen und Gründer*innen")
    'Expert\\*innen und Gründer\\*innen'
    """
    return _MARKDOWN.sub(r"\\\1", text or "")


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
