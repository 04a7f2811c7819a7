"""Hostile YAML and JSON are refused fast with a clear message: alias bombs, deep nesting, odd numbers.

Timing is not asserted: each case asserts that the document is *refused* (a `DatasetError` with the
reason), which the limits make happen before the expensive part (before any value is constructed for
YAML). Without the limits the 1 KB billion-laughs file took about 100 s of CPU and the deep nesting
raised RecursionError.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from sakip.dataset import printed_report
from sakip.dataset.loader import DatasetError, loads, parse_text
from sakip.dataset.reading import MAX_ALIASES, MAX_DEPTH, DocumentError, load_json, load_yaml

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _messages(exc: DatasetError) -> str:
    return "\n".join(str(i) for i in exc.issues)


def test_the_billion_laughs_file_is_under_1_kb() -> None:
    assert len(BILLION_LAUGHS.encode()) <= 1024  # 9 levels of 9 aliases: 9**9 (387 million) "lol" expanded


@pytest.mark.parametrize("reader", ["dataset", "printed"])
def test_billion_laughs_is_refused(reader: str) -> None:
    with pytest.raises(DatasetError) as info:
        if reader == "dataset":
            loads(BILLION_LAUGHS, source="bom.yaml")
        else:
            printed_report.loads(BILLION_LAUGHS, source="bom.yaml")
    assert "alias diuraikan" in _messages(info.value)


def test_many_aliases_are_refused_even_when_small() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(DocumentError, match="alias"):
        load_yaml(text)


def test_a_few_aliases_are_fine() -> None:
    assert load_yaml("a: &x {k: 1}\nb: *x\n") == {"a": {"k": 1}, "b": {"k": 1}}


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(DocumentError, match="merujuk dirinya sendiri"):
        load_yaml("a: &a [1, *a]\n")


@pytest.mark.parametrize(("depth", "refused"), [(MAX_DEPTH - 1, False), (MAX_DEPTH + 1, True), (10_000, True)])
def test_deep_yaml(depth: int, refused: bool) -> None:
    flow = "[" * depth + "]" * depth
    block = "- " * depth + "1\n"  # compact nested block sequences: "- - - 1"
    for text in (flow, block):
        if refused:
            with pytest.raises(DatasetError) as info:
                parse_text(text, source="dalam.yaml")
            assert "bersarang" in _messages(info.value)
        else:
            parse_text(text, source="dalam.yaml")


@pytest.mark.parametrize(("depth", "refused"), [(MAX_DEPTH - 1, False), (MAX_DEPTH + 1, True), (10_000, True)])
def test_deep_json(depth: int, refused: bool) -> None:
    for text in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        if refused:
            with pytest.raises(DatasetError) as info:
                parse_text(text, json_format=True, source="dalam.json")
            assert "bersarang" in _messages(info.value)
        else:
            parse_text(text, json_format=True, source="dalam.json")


@pytest.mark.parametrize(
    ("literal", "reason"),
    [
        ("1_000", "garis bawah"),
        ("1_000.5", "garis bawah"),
        ("0x1F", "angka"),
        ("0b101", "angka"),
        ("012", "angka"),
        ("1:30", "angka"),
        (".inf", "terhingga"),
        ("-.inf", "terhingga"),
        (".nan", "terhingga"),
        ("1.5e+3", "eksponen"),
        ("1" * 400, "terlalu"),
        ("1" * 16, "terlalu banyak digit"),
        ("0.1234567", "desimal"),
    ],
)
def test_yaml_number_literals_that_are_not_plain_decimals_are_refused(literal: str, reason: str) -> None:
    with pytest.raises(DocumentError, match=reason):
        load_yaml(f"weight: {literal}\n")


def test_yaml_numbers_are_exact_and_minus_zero_is_zero() -> None:
    doc = load_yaml("a: 79.95\nb: -0.0\nc: 2020\nd: -0\n'2021': .5\n")
    assert doc == {"a": Decimal("79.95"), "b": Decimal("0.0"), "c": 2020, "d": 0, "2021": Decimal("0.5")}
    assert not doc["b"].is_signed()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"a": NaN}', "terhingga"),
        ('{"a": Infinity}', "terhingga"),
        ('{"a": -Infinity}', "terhingga"),
        ('{"a": 1e309}', "terlalu banyak digit"),
        ('{"a": 1e-7}', "desimal"),
        ('{"a": ' + "9" * 400 + "}", "terlalu banyak digit"),
        ('{"a": ' + "9" * 5000 + "}", "JSON"),  # over Python's digit limit for int()
    ],
)
def test_json_numbers_are_checked(text: str, reason: str) -> None:
    with pytest.raises(DocumentError, match=reason):
        load_json(text)


def test_a_dataset_with_a_huge_number_names_its_path() -> None:
    with pytest.raises(DatasetError) as info:
        parse_text("plan:\n  goals:\n    - weight: 12345678901234567\n", source="x.yaml")
    assert "plan.goals[0].weight" in _messages(info.value)
