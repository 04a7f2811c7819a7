"""Exceptions raised by the domain core. Each names what is wrong and where.

Messages are Indonesian and translatable without Django in the domain: an error
carries a `Message` — an Indonesian msgid (the *template*, marked with `N_` so
``xgettext --keyword=N_`` extracts it) and its parameters. ``str(exc)`` renders
the Indonesian text, so a process without Django (the CLI, the reports layer)
shows Indonesian; an adapter with Django translates through
`sakip.core.i18n.error_text`, which runs the template (and every nested
template) through ``gettext`` before filling in the parameters.

Templates use ``%(name)s`` placeholders; a literal percent sign in a template
that has parameters is written ``%%``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Mark an Indonesian msgid for extraction (``xgettext --keyword=N_``); returns it unchanged."""
    return message


def _same(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class Message:
    """A translatable message: an Indonesian msgid and its parameters.

    A parameter may itself be a `Message` (translated too) or a sequence of
    messages (translated and joined with ``"; "``).
    """

    template: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str] = _same) -> str:
        text = translate(self.template)
        if not self.params:
            return text
        return text % {k: _render(v, translate) for k, v in self.params.items()}

    def __str__(self) -> str:
        return self.render()


def _render(value: object, translate: Callable[[str], str]) -> object:
    if isinstance(value, Message):
        return value.render(translate)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Message) for v in value):
        return "; ".join(v.render(translate) for v in value)
    return value


def msg(template: str, /, **params: object) -> Message:
    """A `Message` (the template must be marked with `N_` at the call site for extraction)."""
    return Message(template, params)


class DomainError(ValueError):
    """Base class: invalid input to a domain rule (a clear message, never a crash).

    ``DomainError(N_("… %(x)s …"), x=value)``; ``exc.msg`` is the `Message`,
    ``exc.template`` / ``exc.params`` its parts, ``str(exc)`` the Indonesian text.
    """

    def __init__(self, template: str | Message, /, **params: object) -> None:
        self.msg: Message = template if isinstance(template, Message) else Message(template, params)
        super().__init__(self.msg.render())

    def __reduce__(self) -> tuple[object, ...]:
        # pickled whole (a process pool sends errors back): the subclasses' __init__ take other arguments
        return (_restore, (type(self), self.msg, dict(self.__dict__)))

    @property
    def template(self) -> str:
        return self.msg.template

    @property
    def params(self) -> Mapping[str, object]:
        return self.msg.params


def _restore(cls: type[DomainError], message: Message, state: dict[str, object]) -> DomainError:
    exc = cls.__new__(cls)
    ValueError.__init__(exc, message.render())
    exc.__dict__.update(state)
    return exc


class NumberParseError(DomainError):
    """Text that cannot be read as a number. ``reason`` is the Indonesian reason (a `Message`)."""

    def __init__(self, text: str, reason: str | Message, field: str | None = None, **params: object) -> None:
        self.text = text
        self.reason_message = reason if isinstance(reason, Message) else Message(reason, params)
        self.reason = self.reason_message.render()
        self.field = field
        if field:
            super().__init__(
                N_("%(field)s: tidak dapat membaca '%(text)s' sebagai angka: %(reason)s"),
                field=field,
                text=text,
                reason=self.reason_message,
            )
        else:
            super().__init__(
                N_("tidak dapat membaca '%(text)s' sebagai angka: %(reason)s"),
                text=text,
                reason=self.reason_message,
            )


class ScaleError(DomainError):
    """A predicate scale that does not partition the number line."""


class FormulaError(DomainError):
    """A formula that cannot be compiled or evaluated.

    ``detail`` is the part after the place (a `Message`); ``message`` its
    Indonesian text (``str(exc)`` adds the indicator and input).
    """

    def __init__(
        self, indicator: str, detail: str | Message, input_name: str | None = None, **params: object
    ) -> None:
        self.indicator = indicator
        self.input_name = input_name
        self.detail = detail if isinstance(detail, Message) else Message(detail, params)
        self.message = self.detail.render()
        if input_name:
            super().__init__(
                N_("indikator %(indicator)s, komponen '%(input)s': %(detail)s"),
                indicator=indicator,
                input=input_name,
                detail=self.detail,
            )
        else:
            super().__init__(N_("indikator %(indicator)s: %(detail)s"), indicator=indicator, detail=self.detail)


class SurveyError(DomainError):
    """Survey data that cannot be scored (out-of-range answer, empty element...)."""


class BudgetError(DomainError):
    """Budget data that cannot be computed (negative allocation...)."""


__all__ = [
    "N_",
    "BudgetError",
    "DomainError",
    "FormulaError",
    "Message",
    "NumberParseError",
    "ScaleError",
    "SurveyError",
    "msg",
]
