"""One number rule in every channel: the same text gives the same value or the same refusal everywhere.

Channels, each called through its own adapter code:

* Indonesian text: a page's number field (`core.web.NumberField`, every form), an Excel
  import's text cell (`imports.services._Ctx.amount`), the CLI with ``--number-format id``;
* international text: the API's strings (`api.api._exact`), the CLI with ``--number-format en``;
* numbers (not text): an Excel number cell (`importers.workbook._cell_value`), an API JSON
  number (`api.api._exact` of the parser's Decimal), a YAML/JSON dataset number
  (`dataset.reading`).

For every text, hypothesis checks that each channel of a format answers the domain's
`parse_number` in that format: the same Decimal, or a refusal carrying the domain's reason.
"""

from __future__ import annotations

import json
import string
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sakip.api.api import _exact
from sakip.cli import app
from sakip.core.web import NumberField
from sakip.dataset.reading import DocumentError, load_json, load_yaml
from sakip.domain.errors import NumberParseError
from sakip.domain.numbers import NumberFormat, check_number, parse_number
from sakip.importers.workbook import Column, Limits, Problem, Record, _cell_value
from sakip.imports.services import _Ctx

ID, EN = NumberFormat.INDONESIAN, NumberFormat.INTERNATIONAL

HOSTILE = [
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "1e309",
    "1E5",
    "9" * 400,
    "9" * 16,
    "-0",
    "-0,0",
    "-0.0",
    "１２３",
    "١٢٣",
    "۱۲۳",
    "1_000",
    "85%",
    "Rp 5.000",
    "1.234",
    "1,234",
    "1,5",
    "1.5",
    "0.234",
    "+-1",
    "--1",
    "12²",
    "0,1234567",
    "0.1234567",
    "1.234.567,89",
    "1,234,567.89",
    " 7 ",
    "",
    "   ",
    "1 000",
    "=1+1",
]
number_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet=string.digits + ".,-+ e%", min_size=1, max_size=24),
    st.builds(
        lambda sign, whole, frac, sep: f"{sign}{whole}{sep}{frac}" if frac else f"{sign}{whole}",
        st.sampled_from(["", "-", "+"]),
        st.integers(0, 10**16).map(str),
        st.one_of(st.none(), st.integers(0, 10**8).map(str)),
        st.sampled_from([",", "."]),
    ),
)

# -------------------------------------------------------------------------- the channels


def _page(text: str) -> Decimal | str:
    try:
        value = NumberField(label="Nilai").clean(text)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return value if value is not None else "(kosong)"


def _import_text_cell(text: str) -> Decimal | str:
    ctx = _Ctx(None, 2024, None)  # type: ignore[arg-type]
    value = ctx.amount(Record("Realisasi", 2, {"v": text}, {"v": "C"}), "v", "Nilai")
    if ctx.problems:
        return " ".join(p.message for p in ctx.problems)
    return value if value is not None else "(kosong)"


def _api(value: Any) -> Decimal | str:
    try:
        got = _exact(value, "rows[0].value")
    except ValidationError as exc:
        return " ".join(exc.messages)
    return got if got is not None else "(kosong)"


def _cli(text: str, fmt: NumberFormat) -> Decimal | str:
    result = CliRunner().invoke(
        app, ["achievement", "--target", "100", "--realization", text, "--number-format", fmt.value, "--json"]
    )
    if result.exit_code != 0:
        return result.output + (result.stderr if result.stderr_bytes is not None else "")
    return Decimal(json.loads(result.stdout)["raw"])  # target 100: the achievement R/T·100 is R


def _expected(text: str, fmt: NumberFormat) -> Decimal | NumberParseError | None:
    if not text.strip():
        return None  # a page's and an import's empty field is "not measured", not an error
    try:
        return parse_number(text, fmt, field="x")
    except NumberParseError as exc:
        return exc


def _agrees(got: Decimal | str, expected: Decimal | NumberParseError | None, channel: str, text: str) -> None:
    if expected is None:
        assert got == "(kosong)" or isinstance(got, str), (channel, text, got)
    elif isinstance(expected, NumberParseError):
        assert isinstance(got, str), f"{channel} accepted {text!r} as {got}; the rule refuses it: {expected}"
        assert expected.reason in got, f"{channel} refused {text!r} with {got!r}, not the rule's reason"
    else:
        assert isinstance(got, Decimal), f"{channel} refused {text!r}: {got}; the rule reads {expected}"
        assert got == expected and str(got) == str(expected), (channel, text, got, expected)


# -------------------------------------------------------------------------- the properties


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=number_text)
def test_indonesian_text_is_read_alike_by_the_page_and_the_import(text: str) -> None:
    expected = _expected(text, ID)
    _agrees(_page(text), expected, "page", text)
    _agrees(_import_text_cell(text), expected, "import", text)


@settings(max_examples=150, deadline=None)
@given(text=number_text)
def test_international_text_is_read_by_the_api_as_the_rule_reads_it(text: str) -> None:
    expected = _expected(text, EN)
    if expected is None:
        assert isinstance(_api(text), str)  # the API has no empty field: "" is refused
        return
    _agrees(_api(text), expected, "api", text)


@settings(max_examples=25, deadline=None)
@given(text=number_text.filter(lambda t: t.strip() and not t.strip().startswith("-")))
def test_the_cli_reads_text_as_the_rule_reads_it(text: str) -> None:
    for fmt in (ID, EN):
        expected = _expected(text, fmt)
        got = _cli(text, fmt)
        if isinstance(expected, NumberParseError):
            assert isinstance(got, str) and expected.reason in got, (fmt, text, got)
        elif isinstance(expected, Decimal):
            assert got == expected, (fmt, text, got)


numbers = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20).map(Decimal),
    st.sampled_from([Decimal("-0"), Decimal("-0.00"), Decimal("1E+309"), Decimal("1E-7"), Decimal("999999999999999")]),
)


@settings(max_examples=200, deadline=None)
@given(value=numbers)
def test_numbers_from_files_and_json_are_checked_alike(value: Decimal) -> None:
    try:
        expected: Decimal | NumberParseError = check_number(value)
    except NumberParseError as exc:
        expected = exc
    # the API's JSON number
    _agrees(_api(value), expected, "api number", str(value))
    # an Excel number cell (the file holds a double: only values a double carries exactly are compared)
    if value.is_finite() and Decimal(repr(float(value))) == value:
        got = _cell_value("n", float(value), Column("v", "Nilai", "number"), Limits())
        if isinstance(expected, NumberParseError):
            assert isinstance(got, Problem) and expected.reason in got.message, (value, got)
        else:
            assert got == expected, (value, got)
    # a dataset number (JSON text of the Decimal; YAML of plain decimal text)
    if value.is_finite():
        text = format(value, "f")
        for load in (load_json, load_yaml):
            try:
                doc = load('{"v": ' + text + "}")
            except DocumentError as exc:
                assert isinstance(expected, NumberParseError), (load.__name__, value, exc)
                assert expected.reason in str(exc)
            else:
                assert not isinstance(expected, NumberParseError), (load.__name__, value, doc)
                assert doc["v"] == expected


@pytest.mark.parametrize("text", ["NaN", "1e309", "9" * 400, "１２３", "1_000", "85%"])
def test_the_message_is_one_line_and_the_same_reason_everywhere(text: str) -> None:
    reason = _expected(text, ID)
    assert isinstance(reason, NumberParseError)
    for channel, got in (("page", _page(text)), ("import", _import_text_cell(text)), ("api", _api(text))):
        assert isinstance(got, str) and "\n" not in got and reason.reason in got, (channel, got)
