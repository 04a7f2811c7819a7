"""Indicator formulas over named inputs, evaluated safely (SPEC §3).

``Formula("S1.1", "pelanggaran / perangkat_desa * 100", {"pelanggaran", "perangkat_desa"})``
is checked when it is made (syntax, only arithmetic, every name a declared
input, every input used) and evaluated with `simpleeval` on `Decimal` values —
never with Python's ``eval``. Every error names the indicator and, where there
is one, the input: a division by zero is an error on that entry, not a crash and
not a zero.
"""

from __future__ import annotations

import ast
import decimal
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from simpleeval import FeatureNotAvailable, InvalidExpression, NameNotDefined, SimpleEval

from .errors import N_, FormulaError
from .numbers import ENGINE_CONTEXT

MAX_EXPRESSION_LENGTH = 500

_ALLOWED_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.Constant, ast.Call,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd,
)
_FUNCTIONS: dict[str, Callable[..., Any]] = {"min": min, "max": max, "abs": abs}


def _div(a: Decimal, b: Decimal) -> Decimal:
    return ENGINE_CONTEXT.divide(Decimal(a), Decimal(b))


_OPERATORS: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: _div,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


class _DecimalEval(SimpleEval):  # type: ignore[misc]
    """simpleeval with numeric literals read as exact decimals."""

    def _eval_constant(self, node: ast.Constant) -> Any:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FeatureNotAvailable(f"hanya angka yang boleh dipakai, bukan {value!r}")
        return Decimal(str(value))


@dataclass(frozen=True)
class Formula:
    indicator: str
    expression: str
    inputs: frozenset[str]
    _tree: ast.Expression = field(init=False, repr=False, compare=False)

    def __init__(self, indicator: str, expression: str, inputs: set[str] | frozenset[str]) -> None:
        object.__setattr__(self, "indicator", indicator)
        object.__setattr__(self, "expression", expression)
        object.__setattr__(self, "inputs", frozenset(inputs))
        object.__setattr__(self, "_tree", self._compile())

    def _compile(self) -> ast.Expression:
        if not self.expression.strip():
            raise FormulaError(self.indicator, N_("rumus kosong"))
        if len(self.expression) > MAX_EXPRESSION_LENGTH:
            raise FormulaError(
                self.indicator,
                N_("rumus lebih panjang dari %(limit)s karakter"),
                limit=MAX_EXPRESSION_LENGTH,
            )
        try:
            tree = ast.parse(self.expression.strip(), mode="eval")
        except SyntaxError as exc:
            raise FormulaError(
                self.indicator,
                N_("penulisan rumus '%(expression)s' salah: %(reason)s"),
                expression=self.expression,
                reason=exc.msg,
            ) from None
        used: set[str] = set()
        called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        for node in ast.walk(tree):
            if not isinstance(node, _ALLOWED_NODES):
                raise FormulaError(
                    self.indicator,
                    N_(
                        "%(element)s tidak diperbolehkan; gunakan angka, nama komponen, + - * / "
                        "dan min/max/abs"
                    ),
                    element=type(node).__name__,
                )
            if isinstance(node, ast.Call):
                if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS or node.keywords:
                    raise FormulaError(self.indicator, N_("hanya min(), max() dan abs() yang boleh dipanggil"))
                name, n_args = node.func.id, len(node.args)
                if (name == "abs" and n_args != 1) or (name != "abs" and n_args < 2):
                    raise FormulaError(
                        self.indicator,
                        N_("abs() memerlukan tepat satu nilai")
                        if name == "abs"
                        else N_("%(function)s() memerlukan dua nilai atau lebih"),
                        function=name,
                    )
            elif isinstance(node, ast.Name):
                if node.id in _FUNCTIONS:
                    if id(node) not in called:
                        raise FormulaError(
                            self.indicator,
                            N_("%(function)s adalah fungsi: panggil dengan nilai, mis. %(function)s(a, b)"),
                            function=node.id,
                        )
                    continue
                if node.id not in self.inputs:
                    raise FormulaError(
                        self.indicator,
                        N_("nama tidak dikenal; komponen yang dinyatakan: %(inputs)s"),
                        node.id,
                        inputs=", ".join(sorted(self.inputs)) or "-",
                    )
                used.add(node.id)
            elif isinstance(node, ast.Constant) and (
                isinstance(node.value, bool) or not isinstance(node.value, int | float)
            ):
                raise FormulaError(
                    self.indicator, N_("hanya angka yang boleh dipakai, bukan %(value)s"), value=repr(node.value)
                )
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, float)
                and not math.isfinite(node.value)
            ):
                raise FormulaError(self.indicator, N_("sebuah angka dalam rumus terlalu besar"))
        unused = self.inputs - used
        if unused:
            raise FormulaError(self.indicator, N_("dinyatakan tetapi tidak dipakai dalam rumus"), sorted(unused)[0])
        return tree

    def evaluate(self, values: Mapping[str, Decimal | None]) -> Decimal | None:
        """The formula's value; ``None`` when an input is not measured yet."""
        for name in sorted(self.inputs):
            if name not in values:
                raise FormulaError(self.indicator, N_("nilainya tidak diberikan"), name)
            v = values[name]
            if v is None:
                return None
            if not isinstance(v, Decimal):
                raise FormulaError(
                    self.indicator, N_("nilai harus Decimal, bukan %(type)s"), name, type=type(v).__name__
                )
        evaluator = _DecimalEval(operators=_OPERATORS, functions=_FUNCTIONS, names=dict(values))
        try:
            result = evaluator.eval(self.expression.strip(), previously_parsed=self._tree.body)
        except (decimal.DivisionByZero, decimal.InvalidOperation, ZeroDivisionError):
            zeros = sorted(n for n in self.inputs if values.get(n) == 0)
            raise FormulaError(
                self.indicator,
                N_("pembagian dengan nol (nilai komponen ini 0)") if zeros else N_("pembagian dengan nol"),
                zeros[0] if zeros else None,
            ) from None
        except (NameNotDefined, InvalidExpression, FeatureNotAvailable) as exc:
            raise FormulaError(
                self.indicator, N_("rumus tidak dapat dihitung: %(reason)s"), reason=str(exc)
            ) from None
        if not isinstance(result, Decimal):
            result = Decimal(result)
        return result
