"""Entry-by-entry validation of TOML lists, shared by the catalogue and the source manifest.

Each entry is validated on its own with its pydantic model, and every error becomes one
`Problem` naming the entry by its id and the field by its path.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from etl.errors import Problem, did_you_mean, named, quoted
from etl.readers._common import REGION_CODE

ID_PATTERN = r"^[a-z0-9_]+(?:\.[a-z0-9_]+)*$"
AGS_PATTERN = REGION_CODE

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
RegionCode = Annotated[str, StringConstraints(pattern=AGS_PATTERN)]
Year = Annotated[int, Field(ge=1950, le=2100)]


class Strict(BaseModel):
    """Unknown keys are errors, and a loaded entry cannot be changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def one(
    raw: dict[str, Any], kind: str, model: type[BaseModel], file: str, problems: list[Problem]
) -> Any:
    value = raw.get(kind)
    if value is None:
        problems.append(Problem(file, f"missing table [{kind}]"))
        return None
    if not isinstance(value, dict):
        problems.append(Problem(file, f"[{kind}] must be a table, written [{kind}]"))
        return None
    return _validate(model, value, f"[{kind}]", file, problems)


def many(
    raw: dict[str, Any], kind: str, model: type[BaseModel], file: str, problems: list[Problem]
) -> list[Any]:
    value = raw.get(kind, [])
    if not isinstance(value, list):
        # A table, or a scalar such as `measure = 5`: neither is a list of entries.
        problems.append(Problem(file, f"[{kind}] must be a list of entries, written [[{kind}]]"))
        return []
    valid = []
    for index, item in enumerate(value):
        name = item.get("id") if isinstance(item, dict) else None
        label = f"{kind} {quoted(name)}" if isinstance(name, str) else f"{kind} #{index + 1}"
        entry = _validate(model, item, label, file, problems)
        if entry is not None:
            valid.append(entry)
    return valid


def _validate(
    model: type[BaseModel], item: Any, label: str, file: str, problems: list[Problem]
) -> Any:
    try:
        return model.model_validate(item)
    except ValidationError as exc:
        for error in exc.errors():
            # An unknown key is named by the user: it may be 10,000 characters long.
            field = ".".join(named(str(part)) for part in error["loc"]) or None
            problems.append(Problem(file, _message(error, model), entry=label, field=field))
        return None


def toml_limit_problem(file: str, exc: ValueError | RecursionError) -> Problem:
    """What tomllib raises beyond its syntax errors: an integer of more than 4,300 digits
    (ValueError) or lists nested hundreds deep (RecursionError)."""
    if isinstance(exc, RecursionError):
        return Problem(file, "TOML: lists or tables nested too deeply to read")
    return Problem(file, f"TOML: a number too long to read ({quoted(str(exc), limit=60)})")


# What an analyst should write where a key is missing that a reader of the screen relies on.
_MISSING_HINTS = {
    ("target", "source"): "name the decision, paper or report that sets this target, with its "
    'section, e.g. source = "Drucksache 2472/2019, Abschnitt 2.2"',
    ("target", "kind"): "adopted (set by a decision), derived (computed from an adopted rule) or "
    "assumed (set by the analyst)",
}


def _message(error: Any, model: type[BaseModel]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        # The key may sit in a nested table (target, a series): name that table's keys.
        fields = list(_model_at(model, error["loc"][:-1]).model_fields)
        key = str(error["loc"][-1])
        return f"unknown key{did_you_mean(key, fields)} (allowed: {', '.join(fields)})"
    if kind == "missing":
        hint = _MISSING_HINTS.get(tuple(str(part) for part in error["loc"][-2:]))
        return f"required, but missing{f' ({hint})' if hint else ''}"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern")
        if pattern == ID_PATTERN:
            return (
                f"{quoted(error['input'])} is not a valid id: use lowercase ASCII letters, "
                "digits, '_' and '.' (e.g. bildung.sprachbildung)"
            )
        if pattern == AGS_PATTERN:
            return (
                f"{quoted(error['input'])} is not an official region key (AGS): DG, 2, 3, 5, 8, "
                "9 or 12 digits, e.g. 03241001"
            )
    if kind == "literal_error":
        allowed = typing.get_args(_annotation_at(model, error["loc"]))
        hint = did_you_mean(error["input"], allowed) if isinstance(error["input"], str) else ""
        expected = error["ctx"]["expected"]
        if hint:
            return f"{quoted(error['input'])} is not allowed{hint} (expected one of: {expected})"
        return f"{quoted(error['input'])} is not allowed; expected one of: {expected}"
    if kind in {"greater_than_equal", "less_than_equal"}:
        return f"{_repr(error['input'], limit=20)} is out of range: {error['msg'].lower()}"
    return f"{error['msg']} (got {_repr(error['input'])})"


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel]:
    """The model of the table at `loc` inside `model`: ("target",) is the Target of an
    Indicator, ("series", "x") a Series. List indices, dict keys and union tags are passed by.
    """
    current = model
    for part in loc:
        info = current.model_fields.get(part) if isinstance(part, str) else None
        if info is None:
            continue
        nested = _models_in(info.annotation)
        if len(nested) == 1:
            current = nested[0]
    return current


def _annotation_at(model: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The declared type of the field at `loc` (for a Literal: its allowed values)."""
    if not loc:
        return None
    info = _model_at(model, loc[:-1]).model_fields.get(str(loc[-1]))
    return None if info is None else info.annotation


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _repr(value: Any, limit: int = 60) -> str:
    """A short repr of a wrong TOML value; an int beyond 4,300 digits has no repr at all."""
    try:
        shown = repr(value)
    except ValueError:
        return f"a number with more than {4300:,} digits"
    return shown if len(shown) <= limit else shown[: limit - 3] + "…"


def check_unique(entries: dict[str, list[Any]], file: str, problems: list[Problem]) -> None:
    for kind, items in entries.items():
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                problems.append(
                    Problem(
                        file,
                        "duplicate id: each id may be used once",
                        entry=f'{kind} "{item.id}"',
                        field="id",
                    )
                )
            seen.add(item.id)


def check_reference(
    items: list[Any],
    kind: str,
    attr: str,
    targets: list[Any],
    file: str,
    problems: list[Problem],
) -> None:
    """Every `item.<attr>` must name an entry of `targets` (whose kind is named like `attr`).

    The nearest known id comes first (a case-only difference included); the list after it may
    be cut, the suggestion never is.
    """
    known = [t.id for t in targets]
    shown = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
    for item in items:
        ref = getattr(item, attr)
        if ref not in known:
            problems.append(
                Problem(
                    file,
                    f'unknown {attr} "{ref}"{did_you_mean(ref, known)} (known: {shown})',
                    entry=f'{kind} "{item.id}"',
                    field=attr,
                )
            )
