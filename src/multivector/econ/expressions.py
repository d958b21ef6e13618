"""Small, safe column expressions for gravity data: ``log(DIST)``, ``exporter != importer``, ``lag(RTA, 4)``.

Scenario and example files derive new columns and select samples with these expressions. They
are parsed with :mod:`ast` and evaluated over a pandas frame; only column names, numbers,
strings, arithmetic (``+ - * / **``), comparisons, ``and``/``or``/``not`` (also ``& | ~``),
``x if c else y`` and the functions below are allowed — nothing else runs.

Functions: ``log``, ``exp``, ``sqrt``, ``abs``, ``lag(col, n)`` / ``lead(col, n)`` (the value of
``col`` for the same exporter–importer pair ``n`` years earlier/later, 0 where that year is not in
the data), ``isin(col, "A", "B", …)``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import numpy as np
import pandas as pd

from multivector.errors import ScenarioError

_FUNCS = {"log", "exp", "sqrt", "abs", "lag", "lead", "isin"}
_BINOPS: dict[type, Callable] = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide, ast.Pow: np.power,
    ast.BitAnd: np.logical_and, ast.BitOr: np.logical_or,
}
_CMPOPS: dict[type, Callable] = {
    ast.Eq: np.equal, ast.NotEq: np.not_equal, ast.Lt: np.less, ast.LtE: np.less_equal,
    ast.Gt: np.greater, ast.GtE: np.greater_equal,
}


def names_in(expression: str) -> set[str]:
    """The column names an expression reads (for checking them before evaluation)."""
    tree = _parse(expression, "")
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id not in _FUNCS}


def evaluate(expression: str, frame: pd.DataFrame, *, where: str = "", pair: tuple[str, str] = ("exporter", "importer"),
             year: str = "year") -> pd.Series:
    """Evaluate ``expression`` over ``frame`` and return a Series aligned with it.

    ``where`` names the place the expression came from (for error messages, e.g. "[derive] ln_DIST").
    """
    tree = _parse(expression, where)
    missing = sorted(names_in(expression) - set(frame.columns))
    if missing:
        import difflib

        near = {m: difflib.get_close_matches(m, [str(c) for c in frame.columns], n=1) for m in missing}
        sugg = "; ".join(f"{m} → did you mean {near[m][0]}?" for m in missing if near[m])
        raise ScenarioError(
            f"{where}: `{expression}` names column(s) not in the data: {', '.join(missing)}"
            + (f" ({sugg})" if sugg else "")
            + f"\n  What to do: use one of the data's columns ({', '.join(map(str, frame.columns[:30]))}"
            + (" …" if len(frame.columns) > 30 else "") + ")"
        )
    out = _Evaluator(frame, where, pair, year).visit(tree.body)
    if np.isscalar(out):
        out = np.full(len(frame), out)
    return pd.Series(np.asarray(out), index=frame.index)


def _parse(expression: str, where: str) -> ast.Expression:
    try:
        return ast.parse(str(expression).strip(), mode="eval")
    except SyntaxError as exc:
        raise ScenarioError(f"{where}: cannot read the expression `{expression}` ({exc.msg})"
                            "\n  What to do: write e.g. log(DIST), exporter != importer or lag(RTA, 4)") from None


class _Evaluator(ast.NodeVisitor):
    def __init__(self, frame: pd.DataFrame, where: str, pair: tuple[str, str], year: str) -> None:
        self.frame, self.where, self.pair, self.year = frame, where, pair, year

    def fail(self, what: str) -> None:
        raise ScenarioError(f"{self.where}: {what} is not allowed in an expression"
                            "\n  What to do: use column names, numbers, + - * / **, comparisons, and/or/not, "
                            "log, exp, sqrt, abs, lag(col, n), lead(col, n), isin(col, ...)")

    def generic_visit(self, node: ast.AST) -> None:
        self.fail(type(node).__name__)

    def visit_Name(self, node: ast.Name):
        col = self.frame[node.id]
        return col.to_numpy()

    def visit_Constant(self, node: ast.Constant):
        if isinstance(node.value, (int, float, str, bool)):
            return node.value
        self.fail(repr(node.value))

    def visit_BinOp(self, node: ast.BinOp):
        op = _BINOPS.get(type(node.op))
        if op is None:
            self.fail(type(node.op).__name__)
        left, right = self.visit(node.left), self.visit(node.right)
        if op in (np.logical_and, np.logical_or):
            return op(np.asarray(left, bool), np.asarray(right, bool)).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return op(_num(left), _num(right))

    def visit_UnaryOp(self, node: ast.UnaryOp):
        v = self.visit(node.operand)
        if isinstance(node.op, ast.USub):
            return -_num(v)
        if isinstance(node.op, ast.UAdd):
            return _num(v)
        if isinstance(node.op, (ast.Not, ast.Invert)):
            return np.logical_not(np.asarray(v, bool)).astype(float)
        self.fail(type(node.op).__name__)

    def visit_BoolOp(self, node: ast.BoolOp):
        vals = [np.asarray(self.visit(v), bool) for v in node.values]
        f = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        out = vals[0]
        for v in vals[1:]:
            out = f(out, v)
        return out.astype(float)

    def visit_Compare(self, node: ast.Compare):
        left = self.visit(node.left)
        out = None
        for op, comp in zip(node.ops, node.comparators):
            f = _CMPOPS.get(type(op))
            if f is None:
                self.fail(type(op).__name__)
            right = self.visit(comp)
            res = f(_cmpable(left), _cmpable(right))
            out = res if out is None else np.logical_and(out, res)
            left = right
        return np.asarray(out, bool).astype(float)

    def visit_IfExp(self, node: ast.IfExp):
        cond = np.asarray(self.visit(node.test), bool)
        return np.where(cond, self.visit(node.body), self.visit(node.orelse))

    def visit_Call(self, node: ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCS or node.keywords:
            self.fail("this function call")
        name = node.func.id
        if name in ("lag", "lead"):
            return self._lag(node, 1 if name == "lag" else -1)
        if name == "isin":
            if len(node.args) < 2:
                self.fail("isin() without values")
            col = self.visit(node.args[0])
            vals = [self.visit(a) for a in node.args[1:]]
            return np.isin(np.asarray(col), vals).astype(float)
        if len(node.args) != 1:
            self.fail(f"{name}() with {len(node.args)} arguments")
        v = _num(self.visit(node.args[0]))
        with np.errstate(divide="ignore", invalid="ignore"):
            return {"log": np.log, "exp": np.exp, "sqrt": np.sqrt, "abs": np.abs}[name](v)

    def _lag(self, node: ast.Call, sign: int):
        if len(node.args) != 2 or not isinstance(node.args[0], ast.Name) or not isinstance(node.args[1], ast.Constant) \
                or not isinstance(node.args[1].value, int):
            self.fail("lag/lead other than lag(column, whole number of years)")
        col, n = node.args[0].id, int(node.args[1].value) * sign
        f = self.frame
        exp, imp = self.pair
        for c in (exp, imp, self.year):
            if c not in f.columns:
                raise ScenarioError(f"{self.where}: lag()/lead() need the columns {exp}, {imp} and {self.year}")
        key = pd.DataFrame({"e": f[exp].to_numpy(), "i": f[imp].to_numpy(), "y": f[self.year].to_numpy() - n,
                            "v": f[col].to_numpy()})
        src = key[["e", "i", "v"]].assign(y=f[self.year].to_numpy())
        if src.duplicated(["e", "i", "y"]).any():
            raise ScenarioError(f"{self.where}: lag()/lead() need one row per {exp}, {imp} and {self.year}")
        merged = key[["e", "i", "y"]].merge(src, on=["e", "i", "y"], how="left")
        return merged["v"].fillna(0).to_numpy(dtype=float)


def _num(v):
    a = np.asarray(v)
    if a.dtype.kind in "OUS":
        raise ScenarioError(f"arithmetic on text values ({a.flat[0]!r}) in an expression"
                            "\n  What to do: compare text with == or != instead")
    return a.astype(float)


def _cmpable(v):
    a = np.asarray(v)
    return a.astype(str) if a.dtype.kind == "O" else a
