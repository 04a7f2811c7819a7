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

from .errors import FormulaError
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
            raise FeatureNotAvailable(f"only numbers are allowed, not {value!r}")
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
            raise FormulaError(self.indicator, "the formula is empty")
        if len(self.expression) > MAX_EXPRESSION_LENGTH:
            raise FormulaError(self.indicator, f"the formula is longer than {MAX_EXPRESSION_LENGTH} characters")
        try:
            tree = ast.parse(self.expression.strip(), mode="eval")
        except SyntaxError as exc:
            raise FormulaError(self.indicator, f"syntax error in {self.expression!r}: {exc.msg}") from None
        used: set[str] = set()
        called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        for node in ast.walk(tree):
            if not isinstance(node, _ALLOWED_NODES):
                raise FormulaError(
                    self.indicator,
                    f"{type(node).__name__} is not allowed; use numbers, inputs, + - * / and min/max/abs",
                )
            if isinstance(node, ast.Call):
                if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS or node.keywords:
                    raise FormulaError(self.indicator, "only min(), max() and abs() may be called")
                name, n_args = node.func.id, len(node.args)
                if (name == "abs" and n_args != 1) or (name != "abs" and n_args < 2):
                    raise FormulaError(
                        self.indicator,
                        "abs() takes one value" if name == "abs" else f"{name}() takes two or more values",
                    )
            elif isinstance(node, ast.Name):
                if node.id in _FUNCTIONS:
                    if id(node) not in called:
                        raise FormulaError(
                            self.indicator, f"{node.id} is a function: call it, e.g. {node.id}(a, b)"
                        )
                    continue
                if node.id not in self.inputs:
                    raise FormulaError(
                        self.indicator,
                        f"unknown name; declared inputs are {', '.join(sorted(self.inputs)) or 'none'}",
                        node.id,
                    )
                used.add(node.id)
            elif isinstance(node, ast.Constant) and (
                isinstance(node.value, bool) or not isinstance(node.value, int | float)
            ):
                raise FormulaError(self.indicator, f"only numbers are allowed, not {node.value!r}")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, float)
                and not math.isfinite(node.value)
            ):
                raise FormulaError(self.indicator, "a number in the formula is too large")
        unused = self.inputs - used
        if unused:
            raise FormulaError(self.indicator, "declared but not used in the formula", sorted(unused)[0])
        return tree

    def evaluate(self, values: Mapping[str, Decimal | None]) -> Decimal | None:
        """The formula's value; ``None`` when an input is not measured yet."""
        for name in sorted(self.inputs):
            if name not in values:
                raise FormulaError(self.indicator, "no value given", name)
            v = values[name]
            if v is None:
                return None
            if not isinstance(v, Decimal):
                raise FormulaError(self.indicator, f"expected a Decimal, got {type(v).__name__}", name)
        evaluator = _DecimalEval(operators=_OPERATORS, functions=_FUNCTIONS, names=dict(values))
        try:
            result = evaluator.eval(self.expression.strip(), previously_parsed=self._tree.body)
        except (decimal.DivisionByZero, decimal.InvalidOperation, ZeroDivisionError):
            zeros = sorted(n for n in self.inputs if values.get(n) == 0)
            raise FormulaError(
                self.indicator,
                "division by zero" + (" (the input is 0)" if zeros else ""),
                zeros[0] if zeros else None,
            ) from None
        except (NameNotDefined, InvalidExpression, FeatureNotAvailable) as exc:
            raise FormulaError(self.indicator, str(exc)) from None
        if not isinstance(result, Decimal):
            result = Decimal(result)
        return result
