"""Exceptions raised by the domain core. Each names what is wrong and where."""

from __future__ import annotations


class DomainError(ValueError):
    """Base class: invalid input to a domain rule (a clear message, never a crash)."""


class NumberParseError(DomainError):
    def __init__(self, text: str, reason: str, field: str | None = None) -> None:
        self.text = text
        self.reason = reason
        self.field = field
        where = f"{field}: " if field else ""
        super().__init__(f"{where}cannot read {text!r} as a number: {reason}")


class ScaleError(DomainError):
    """A predicate scale that does not partition the number line."""


class FormulaError(DomainError):
    def __init__(self, indicator: str, message: str, input_name: str | None = None) -> None:
        self.indicator = indicator
        self.input_name = input_name
        self.message = message
        where = f"indicator {indicator}"
        if input_name:
            where += f", input {input_name!r}"
        super().__init__(f"{where}: {message}")


class SurveyError(DomainError):
    """Survey data that cannot be scored (out-of-range answer, empty element...)."""


class BudgetError(DomainError):
    """Budget data that cannot be computed (negative allocation...)."""
