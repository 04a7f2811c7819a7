"""Printed versus computed: the comparison every review finding rests on (SPEC §8).

A printed figure is compared with the computed one *at the printed precision*:
``83,5`` against 84.5 is wrong, ``96,47`` against 96.470588… is right, ``67,6``
against 67.678… is wrong (67,68 rounded to one decimal is 67,7). Categories are
compared without regard to case. Each difference becomes a `Finding` naming the
place, the printed value and the correct one.

The rule engine of the review (`review_rules`: completeness, PK against Renstra,
evidence, and every printed figure of a report written elsewhere) builds on this
module.

Every sentence of a finding (its place words, figure name, message, and a value that is a
sentence such as "belum diukur") is a `Text`: the Indonesian string it has always been (stored,
compared, exported and printed as before) that also keeps its `Message` — the Indonesian msgid
marked ``N_`` and its parameters — so a page renders it in the reader's language
(`Text.render` with ``gettext``; `sakip.reviews.output.rows` does it for the adapters).
Numbers inside a sentence are formatted here in the one Indonesian format, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .errors import N_, Message
from .numbers import round_half_up

MINOR_TOLERANCE = Decimal("0.1")


class Text(str):
    """Indonesian text that keeps its translatable `Message` (``str(text)`` is the Indonesian).

    A `str`, so what compares, stores or joins a finding's text sees the same Indonesian as
    before; ``text.msg`` is the message an adapter translates. Text made by joining two texts
    with ``+`` or an f-string is a plain `str` again (shown in Indonesian): build sentences
    with `tx`, passing the parts as parameters.
    """

    msg: Message

    def __new__(cls, message: Message) -> Text:
        self = super().__new__(cls, message.render())
        self.msg = message
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (self.msg,))

    def render(self, translate: Callable[[str], str]) -> str:
        return self.msg.render(translate)


def tx(template: str, /, **params: object) -> Text:
    """A finding's sentence: ``tx(N_("capaian %(value)s di bawah target"), value=...)``.

    A parameter that is itself a `Text` is translated with the sentence (nested).
    """
    return Text(Message(template, {k: v.msg if isinstance(v, Text) else v for k, v in params.items()}))


def render_text(value: object, translate: Callable[[str], str]) -> str:
    """A finding's text (or any value shown as text) in the language of ``translate``."""
    return value.render(translate) if isinstance(value, Text) else str(value)


# the figures a finding names most often (the "Angka" column)
TARGET = tx(N_("target"))
REALISASI = tx(N_("realisasi"))
CAPAIAN = tx(N_("capaian %"))
KATEGORI = tx(N_("kategori"))
PAGU = tx(N_("pagu"))
PENYERAPAN = tx(N_("penyerapan %"))
DEVIASI = tx(N_("deviasi %"))


class Severity(StrEnum):
    MAJOR = "major"  # changes a reported result, category or total
    MINOR = "minor"  # rounding, truncation or a local arithmetic slip
    WARNING = "warning"  # data that needs a look (not provably wrong)


@dataclass(frozen=True, slots=True)
class Finding:
    # where, what, explanation (and printed/correct when a sentence) are `Text` where Sakip writes them,
    # plain `str` where they are data (a place printed in an uploaded report)
    where: str
    what: str
    printed: Decimal | str | None
    correct: Decimal | str | None
    severity: Severity
    explanation: str = ""
    rule: str = ""  # the id of the review rule that found it (``review_rules``); "" for scorecard checks

    # the names the review report uses: place, value found, value expected, message
    @property
    def place(self) -> str:
        return self.where

    @property
    def found(self) -> Decimal | str | None:
        return self.printed

    @property
    def expected(self) -> Decimal | str | None:
        return self.correct

    @property
    def message(self) -> str:
        return self.explanation


def printed_places(printed: Decimal) -> int:
    exponent = printed.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def agrees(printed: Decimal, computed: Decimal) -> bool:
    """Does ``printed`` equal ``computed`` rounded half up to the printed precision?"""
    return round_half_up(computed, printed_places(printed)) == printed


def compare_number(
    where: str,
    what: str,
    printed: Decimal | None,
    computed: Decimal | None,
    explanation: str = "",
    *,
    major_if_different: bool = False,
) -> Finding | None:
    if printed is None or computed is None or agrees(printed, computed):
        return None
    shown = round_half_up(computed, max(2, printed_places(printed)))
    minor = abs(printed - computed) < MINOR_TOLERANCE and not major_if_different
    return Finding(where, what, printed, shown, Severity.MINOR if minor else Severity.MAJOR, explanation)


def same_category(printed: str, computed: str) -> bool:
    """Case-insensitive; a survey grade ``B (Baik)`` also matches ``B`` and ``Baik``."""

    def norm(s: str) -> str:
        return " ".join(s.split()).casefold()

    p, c = norm(printed), norm(computed)
    if p == c:
        return True
    if "(" in c and c.endswith(")"):
        code, label = c[:-1].split("(", 1)
        return p in (code.strip(), label.strip())
    return False


def compare_category(
    where: str, printed: str | None, computed: str | None, explanation: str = ""
) -> Finding | None:
    if printed is None or computed is None or same_category(printed, computed):
        return None
    return Finding(where, KATEGORI, printed, computed, Severity.MAJOR, explanation)
