"""Domain errors: an Indonesian message from a template and its parameters, kept whole through pickling."""

from __future__ import annotations

import pickle

import pytest

from sakip.domain.errors import N_, DomainError, FormulaError, Message, NumberParseError
from sakip.domain.evaluation import EvaluationError, framework_from_dict
from sakip.domain.formulas import Formula
from sakip.domain.numbers import parse_number


def test_the_message_fills_the_template_and_nested_messages() -> None:
    inner = Message(N_("nilai %(value)s"), {"value": 70})
    exc = DomainError(N_("ada celah: %(gap)s tidak masuk rentang mana pun"), gap=inner)
    assert str(exc) == "ada celah: nilai 70 tidak masuk rentang mana pun"
    assert exc.template == "ada celah: %(gap)s tidak masuk rentang mana pun" and exc.params["gap"] is inner
    # a translation function is applied to every template, never to the parameters
    english = {
        "ada celah: %(gap)s tidak masuk rentang mana pun": "gap: %(gap)s fall in no band",
        "nilai %(value)s": "the value %(value)s",
    }
    assert exc.msg.render(english.__getitem__) == "gap: the value 70 fall in no band"
    assert DomainError("tanpa parameter, 100 %").args == ("tanpa parameter, 100 %",)


def test_structured_attributes_of_a_number_and_a_formula_error() -> None:
    with pytest.raises(NumberParseError) as number:
        parse_number("1.234", field="Tabel 3.2")
    assert (number.value.text, number.value.field) == ("1.234", "Tabel 3.2")
    assert number.value.reason.startswith("bermakna ganda: 1234 dalam format Indonesia")
    with pytest.raises(FormulaError) as formula:
        Formula("S1.1", "a / b", {"a", "b"}).evaluate({"a": parse_number("3"), "b": parse_number("0")})
    exc = formula.value
    assert (exc.indicator, exc.input_name) == ("S1.1", "b")
    assert exc.message == "pembagian dengan nol (nilai komponen ini 0)"
    assert str(exc) == "indikator S1.1, komponen 'b': pembagian dengan nol (nilai komponen ini 0)"


def test_errors_survive_pickling_with_their_attributes() -> None:
    with pytest.raises(NumberParseError) as number:
        parse_number("8O", field="IKM")
    with pytest.raises(FormulaError) as formula:
        Formula("X", "", set())
    with pytest.raises(EvaluationError) as evaluation:
        framework_from_dict([])
    for exc in (number.value, formula.value, evaluation.value):
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc) and str(back) == str(exc) and back.msg == exc.msg
    assert pickle.loads(pickle.dumps(number.value)).field == "IKM"
    assert pickle.loads(pickle.dumps(evaluation.value)).errors == ["lke: harus berupa pemetaan"]
