"""The safe arithmetic of an indicator: numbers, series names, + - * / and parentheses.

A formula is parsed by Python's own parser into a syntax tree and every node is checked against
a whitelist; it is never evaluated as Python and never pasted into SQL. The checked tree is then
turned into a polars expression over one column per series.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass

import polars as pl

from etl.errors import did_you_mean

MAX_LENGTH = 2000
MAX_DEPTH = 40

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class FormulaError(ValueError):
    """The formula is not plain arithmetic over the indicator's series."""


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.expr
    names: frozenset[str]

    def expression(self) -> pl.Expr:
        """The formula as a polars expression over columns named like the series."""
        return _to_polars(self.tree)

    def parts(self) -> tuple[str, str] | None:
        """The series counted and the series counted against, where the formula is a ratio of
        two series, `a / b`, scaled or not (`100 * a / b`, `10000 * a / b`).

        A scale factor is not part of the count: "100 * neu_mh / neu" has the numerator neu_mh
        (109 hires), never 100 × neu_mh. Other formulas have no numerator and denominator.

        >>> parse("100 * neu_mh / neu", {"neu_mh", "neu"}).parts()
        ('neu_mh', 'neu')
        >>> parse("(a / b) / (c / d)", {"a", "b", "c", "d"}).parts() is None
        True
        """
        tree = self.tree
        if not (isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.Div)):
            return None
        top, bottom = _unscaled(tree.left), _unscaled(tree.right)
        if isinstance(top, ast.Name) and isinstance(bottom, ast.Name):
            return top.id, bottom.id
        return None


def _unscaled(node: ast.expr) -> ast.expr:
    """`k * x` or `x * k` with a number k is x; anything else stays as it is."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        if isinstance(node.left, ast.Constant):
            return node.right
        if isinstance(node.right, ast.Constant):
            return node.left
    return node


def parse(text: str, names: set[str] | frozenset[str]) -> Formula:
    """Check `text` and return it as a Formula; raise FormulaError saying what is not allowed.

    >>> sorted(parse("100 * auslaendisch / insgesamt", {"auslaendisch", "insgesamt"}).names)
    ['auslaendisch', 'insgesamt']
    >>> try:
    ...     parse("__import__('os').system('x')", {"a"})
    ... except FormulaError as exc:
    ...     print(exc)
    a function call is not allowed; a formula is arithmetic over series names and numbers
    """
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"the formula is {len(text):,} characters long; at most {MAX_LENGTH} allowed"
        )
    if not text.strip():
        raise FormulaError("the formula is empty")
    if text.count("(") > MAX_DEPTH:
        raise FormulaError(f"more than {MAX_DEPTH} parentheses; write the formula more simply")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        message = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
        raise FormulaError(f"not a valid formula ({message})") from None
    used: set[str] = set()
    _check(tree.body, names, used, depth=0)
    return Formula(text=text, tree=tree.body, names=frozenset(used))


_NOT_ALLOWED = {
    ast.Call: "a function call",
    ast.Attribute: "an attribute access ('.')",
    ast.Subscript: "a subscript ('[...]')",
    ast.Lambda: "a lambda",
    ast.Compare: "a comparison",
    ast.BoolOp: "'and' / 'or'",
    ast.IfExp: "'if ... else'",
    ast.NamedExpr: "an assignment (':=')",
    ast.List: "a list",
    ast.Tuple: "a tuple (',')",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.JoinedStr: "an f-string",
    ast.Starred: "'*' unpacking",
}


def _check(node: ast.AST, names: set[str] | frozenset[str], used: set[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise FormulaError(f"the formula is nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            op = type(node.op).__name__
            raise FormulaError(f"the operator {op} is not allowed; use + - * / and parentheses")
        _check(node.left, names, used, depth + 1)
        _check(node.right, names, used, depth + 1)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise FormulaError(f"the operator {type(node.op).__name__} is not allowed")
        _check(node.operand, names, used, depth + 1)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError(f"{node.value!r} is not allowed; only numbers and series names")
        _check_number(node.value)
    elif isinstance(node, ast.Name):
        if node.id not in names:
            known = ", ".join(sorted(names)) or "none"
            hint = did_you_mean(node.id, sorted(names))
            raise FormulaError(
                f'unknown series "{node.id}"{hint} (series of this indicator: {known})'
            )
        used.add(node.id)
    else:
        what = next((text for kind, text in _NOT_ALLOWED.items() if isinstance(node, kind)), None)
        what = what or f"'{type(node).__name__}'"
        raise FormulaError(
            f"{what} is not allowed; a formula is arithmetic over series names and numbers"
        )


def _check_number(value: int | float) -> None:
    """Every number is computed as a float: one too large for it (a 400-digit literal, 1e400)
    would fail or turn into infinity when the indicator is computed, so refuse it here.

    >>> _check_number(10_000)
    >>> try:
    ...     _check_number(10**400)
    ... except FormulaError as exc:
    ...     print(exc)
    a number in the formula is too large (at most about 1.8e308)
    """
    try:
        finite = math.isfinite(float(value))
    except OverflowError:
        finite = False
    if not finite:
        raise FormulaError("a number in the formula is too large (at most about 1.8e308)")


def _to_polars(node: ast.expr) -> pl.Expr:
    if isinstance(node, ast.BinOp):
        left, right = _to_polars(node.left), _to_polars(node.right)
        match node.op:
            case ast.Add():
                return left + right
            case ast.Sub():
                return left - right
            case ast.Mult():
                return left * right
            case _:
                return left / right
    if isinstance(node, ast.UnaryOp):
        operand = _to_polars(node.operand)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Constant):
        return pl.lit(float(node.value))
    if isinstance(node, ast.Name):
        return pl.col(node.id)
    raise FormulaError(f"unexpected node {type(node).__name__}")  # parse() rules this out


def in_words(formula: Formula, labels: dict[str, str]) -> str:
    """The formula with each series name replaced by its label, for the dashboard.

    >>> f = parse("100 * a / b", {"a", "b"})
    >>> in_words(f, {"a": "Ausländer", "b": "Insgesamt"})
    '100 × Ausländer ÷ Insgesamt'
    """
    return _words(formula.tree, labels, parent=None)


_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}
_SYMBOL = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷"}


def _words(node: ast.expr, labels: dict[str, str], parent: ast.BinOp | None) -> str:
    if isinstance(node, ast.BinOp):
        text = (
            f"{_words(node.left, labels, node)} {_SYMBOL[type(node.op)]} "
            f"{_words(node.right, labels, node)}"
        )
        if parent is not None and _PRECEDENCE[type(parent.op)] > _PRECEDENCE[type(node.op)]:
            return f"({text})"
        if parent is not None and node is parent.right and type(parent.op) in (ast.Sub, ast.Div):
            return f"({text})"
        return text
    if isinstance(node, ast.UnaryOp):
        return f"−{_words(node.operand, labels, None)}"
    if isinstance(node, ast.Constant):
        return f"{node.value:g}".replace(".", ",")
    if isinstance(node, ast.Name):
        return labels.get(node.id, node.id)
    return "?"
