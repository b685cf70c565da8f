"""The project's own errors: each one failure, each saying where it is and what was expected.

Every error carries one or more `Problem`s. The CLI prints one line per problem and exits 1;
nothing else in the project formats error messages.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

# How much of a user's text (a cell, a name, a key) a message quotes: enough to find it in the
# file, never the whole of a 200 MB cell.
QUOTE_LIMIT = 80


def quoted(text: object, limit: int = QUOTE_LIMIT) -> str:
    """`text` in double quotes as a message shows it: control characters escaped (they would
    garble or even drive the terminal), cut to `limit` characters with its full length said.

    >>> quoted("k.A.")
    '"k.A."'
    >>> print(quoted("12" + chr(0x1C) + "3" + chr(0x2028)))
    "12\\x1c3\\u2028"
    >>> quoted("9" * 400, limit=10)
    '"999999999…" (400 characters)'
    """
    if not isinstance(text, str):
        text = _text_of(text)
    shown = "".join(c if c.isprintable() else _escape(c) for c in text[:limit])
    if len(text) <= limit and len(shown) <= limit:
        return f'"{shown}"'
    return f'"{shown[: limit - 1]}…" ({len(text):,} characters)'


def named(name: str) -> str:
    """A name (a column, a TOML key, a ZIP member) bare where it is short and printable, as
    most are; else quoted like a cell.

    >>> print(named("Jahr"), named("Ja" + chr(0x1C) + "hr"))
    Jahr "Ja\\x1chr"
    """
    return name if name.isprintable() and len(name) <= QUOTE_LIMIT else quoted(name)


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name a misspelt one most likely meant: the same but for case, else the nearest
    by difflib (ratio 0.6 or more); None where none is near.

    >>> closest("bildung.sprachbildug", ["bildung.sprachbildung", "soziales.wohnen"])
    'bildung.sprachbildung'
    >>> closest("Insgesamt", ["insgesamt", "männlich"]), closest("auslaendisch", ["ausländisch"])
    ('insgesamt', 'ausländisch')
    >>> closest("bevoelkerung", ["gremien", "melderegister"]) is None
    True
    """
    by_fold: dict[str, str] = {}
    for candidate in known:
        if candidate != name:
            by_fold.setdefault(candidate.casefold(), candidate)
    folded = name.casefold()
    if folded in by_fold:
        return by_fold[folded]
    match = difflib.get_close_matches(folded, list(by_fold), n=1)
    return by_fold[match[0]] if match else None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """The suggestion an "unknown …" message puts right after the name, or nothing.

    It comes before any list of known names, so that a list cut short never hides it.

    >>> 'unknown goal "bildung.sprachbildug"' + did_you_mean(
    ...     "bildung.sprachbildug", ["bildung.sprachbildung"]
    ... )
    'unknown goal "bildung.sprachbildug" — did you mean "bildung.sprachbildung"?'
    >>> did_you_mean("x", ["bildung"])
    ''
    """
    match = closest(name, known)
    return "" if match is None else f" — did you mean {quoted(match, limit=SUGGEST_LIMIT)}?"


# A suggestion is meant to be copied: a measure name of 150 characters is shown whole.
SUGGEST_LIMIT = 300


def _escape(char: str) -> str:
    return char.encode("unicode_escape").decode("ascii")


def _text_of(value: object) -> str:
    try:
        return str(value)
    except ValueError:  # an int beyond Python's 4,300-digit limit for str()
        return f"<a {type(value).__name__} too long to show>"


@dataclass(frozen=True)
class Problem:
    """One mistake in one input: the file, where in it, and what is wrong.

    >>> str(Problem("indicators.toml", 'unknown field "bildng"', entry='goal "b.x"', field="field"))
    'indicators.toml: goal "b.x".field: unknown field "bildng"'
    >>> str(Problem("raw/a.csv", "not a number", line=7, column='3 ("Anzahl")'))
    'raw/a.csv, line 7, column 3 ("Anzahl"): not a number'
    """

    file: str
    message: str
    entry: str | None = None
    field: str | None = None
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column {self.column}"
        if self.entry is not None:
            where += f": {self.entry}"
            if self.field:
                where += f".{self.field}"
        elif self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


class EtlError(Exception):
    """Base of every error a user can cause; carries all problems found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class CatalogError(EtlError):
    """indicators.toml is not valid: syntax, unknown keys, bad values or broken references."""


class ManifestError(EtlError):
    """data/sources.toml is not valid, or names a file that is not there."""


class SourceFileError(EtlError):
    """A data file is not what it claims to be: encoding, header, row width, a value."""

    @classmethod
    def one(
        cls,
        file: str,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
    ) -> SourceFileError:
        return cls([Problem(file, message, line=line, column=column)])


class BuildError(EtlError):
    """The warehouse could not be written; the last good one stays in place."""


class RoundFileError(EtlError):
    """A round's report file (data/massnahmen/<round>.csv or .xlsx) is not valid, a round's file
    is missing before a later one, or a template was asked for an unknown round or owner."""
