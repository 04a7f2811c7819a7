"""Manual entry of a survey: per-element values (NRR 1–4 or scores 25–100), or an index computed elsewhere.

The form is read into a `Survey` row the same way the dataset would hold it (``input`` ``nrr``, ``score``
or ``index``); the domain (`domain.survey.from_element_values` / `from_index`) checks the values before
anything is stored, so a value the page accepts is one the IKM is computed from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from sakip.core.i18n import error_text
from sakip.core.web import input_text
from sakip.domain.errors import NumberParseError, SurveyError
from sakip.domain.numbers import NumberFormat, parse_number
from sakip.domain.survey import INSTRUMENTS, Instrument, from_element_values, from_index

from .models import Survey

MODES = (Survey.Input.NRR, Survey.Input.SCORE, Survey.Input.INDEX)
MAX_COUNT = 2**31 - 1


@dataclass
class Entry:
    """The manual-entry form as typed, and what it reads to."""

    instrument: Instrument
    mode: str = Survey.Input.NRR
    typed: dict[str, str] = field(default_factory=dict)  # field name → text as typed
    errors: list[dict[str, str]] = field(default_factory=list)
    values: dict[str, Decimal | None] = field(default_factory=dict)
    index: Decimal | None = None
    respondents: int | None = None
    population: int | None = None

    def element_fields(self) -> list[tuple[str, str, str]]:
        """(input name, element name, text) of each element, for the form."""
        return [(f"e{k}", name, self.typed.get(f"e{k}", "")) for k, name in enumerate(self.instrument.elements, 1)]


def instrument_for(code: str | None, survey: Survey | None) -> Instrument:
    """The instrument the form shows: the one asked for, else the stored survey's preset, else PermenPAN 14/2017."""
    if code in INSTRUMENTS:
        return INSTRUMENTS[code]
    if survey is not None and survey.instrument in INSTRUMENTS:
        return INSTRUMENTS[survey.instrument]
    return INSTRUMENTS["permenpan-14-2017"]


def prefilled(survey: Survey | None, instrument: Instrument) -> Entry:
    """The form filled with the stored survey when it was entered by hand with this instrument."""
    entry = Entry(instrument)
    if survey is not None:
        entry.typed["period"] = survey.period
        entry.typed["indicator"] = str(survey.indicator_id or "")
    if survey is None or survey.instrument != instrument.code or survey.input not in MODES:
        return entry
    entry.mode = survey.input
    for k, name in enumerate(instrument.elements, 1):
        v = (survey.values or {}).get(name)
        entry.typed[f"e{k}"] = input_text(Decimal(v)) if isinstance(v, str | int | float) else ""
    entry.typed["index"] = input_text(survey.index)
    entry.typed["respondents"] = input_text(Decimal(survey.respondents)) if survey.respondents else ""
    entry.typed["population"] = input_text(Decimal(survey.population)) if survey.population else ""
    return entry


def _decimal(entry: Entry, name: str, where: str) -> Decimal | None:
    text = entry.typed.get(name, "")
    if not text:
        return None
    try:
        return parse_number(text, NumberFormat.INDONESIAN, field=where)
    except NumberParseError as exc:
        entry.errors.append({"where": where, "message": error_text(exc)})
        return None


def parse_count(text: str) -> int | None:
    """A whole number ≥ 1 typed plainly or grouped the Indonesian way (``12500``, ``12.500``); None otherwise."""
    try:
        value = parse_number(text, NumberFormat.INDONESIAN)
    except NumberParseError:
        return None
    if value != value.to_integral_value() or not 1 <= value <= MAX_COUNT:
        return None
    return int(value)


def _count(entry: Entry, name: str, where: str) -> int | None:
    """`parse_count` of a field; anything else is an error on it (never rounded or truncated)."""
    text = entry.typed.get(name, "")
    if not text:
        return None
    value = parse_count(text)
    if value is None:
        entry.errors.append({"where": where, "message": _("Isi bilangan bulat positif, misalnya 12.500.")})
    return value


def read(post: QueryDict) -> Entry:
    """The posted form, checked: ``errors`` empty means the values score (the domain agreed)."""
    code = post.get("instrument", "")
    entry = Entry(INSTRUMENTS.get(code) or INSTRUMENTS["permenpan-14-2017"])
    if code not in INSTRUMENTS:
        entry.errors.append({"where": _("instrumen"), "message": _("Pilih instrumen survei.")})
    entry.mode = post.get("mode", "")
    if entry.mode not in MODES:
        entry.errors.append({"where": _("bentuk data"), "message": _("Pilih bentuk data yang diisi.")})
    names = ["index", "respondents", "population", "period", "indicator"]
    names += [f"e{k}" for k in range(1, len(entry.instrument.elements) + 1)]
    for name in names:
        entry.typed[name] = post.get(name, "").strip()
    entry.respondents = _count(entry, "respondents", _("responden"))
    entry.population = _count(entry, "population", _("populasi"))
    if entry.errors and entry.mode not in MODES:
        return entry
    if entry.mode == Survey.Input.INDEX:
        entry.index = _decimal(entry, "index", _("indeks"))
        if entry.index is not None and entry.index != entry.index.quantize(Decimal("0.0001")):
            entry.errors.append({"where": _("indeks"), "message": _("Indeks paling banyak empat desimal.")})
            entry.index = None
        if entry.index is None and not entry.typed["index"]:
            entry.errors.append({"where": _("indeks"), "message": _("Isi indeks (konversi 25–100).")})
        if entry.respondents is None and not entry.typed["respondents"]:
            entry.errors.append({"where": _("responden"),
                                 "message": _("Indeks yang diisi memerlukan jumlah responden.")})
        if entry.index is not None and entry.respondents is not None:
            _scores(entry, lambda: from_index(entry.instrument, entry.index or Decimal(0), entry.respondents or 0))
        return entry
    for k, name in enumerate(entry.instrument.elements, 1):
        entry.values[name] = _decimal(entry, f"e{k}", name)
    if all(v is None for v in entry.values.values()) and not entry.errors:
        entry.errors.append({"where": _("nilai per unsur"), "message": _("Isi nilai paling sedikit satu unsur.")})
    if not entry.errors:
        _scores(entry, lambda: from_element_values(
            entry.instrument, entry.values, converted=entry.mode == Survey.Input.SCORE,
            respondents=entry.respondents))
    return entry


def _scores(entry: Entry, score: Any) -> None:
    try:
        score()
    except SurveyError as exc:
        entry.errors.append({"where": _("survei"), "message": error_text(exc)})


def stored_fields(entry: Entry) -> dict[str, Any]:
    """The `Survey` fields the entry sets (the rest: office, year, indicator, period, who)."""
    index_mode = entry.mode == Survey.Input.INDEX
    return {
        "instrument": entry.instrument.code, "instrument_name": "", "elements": [], "grade_table": "",
        "input": entry.mode, "responses": [], "respondents": entry.respondents, "population": entry.population,
        "values": {} if index_mode else {k: format(v, "f") for k, v in entry.values.items() if v is not None},
        "index": entry.index if index_mode else None,
    }
