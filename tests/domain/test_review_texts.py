"""The review findings' sentences are translatable messages (issue #14): every one a `Text` that renders.

Over every finding of the seed offices' reviews (the office rules for every year, with and without
the adapter's facts, and the printed seed reports with and without the office's data): each sentence
of a finding (place words, figure, message, a value that is a sentence) keeps its msgid and
parameters, renders to exactly its Indonesian text, sends every part (nested too) through the
translation function, and has a parameter for every placeholder and a placeholder for every parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest

from sakip.dataset.loader import SEEDS, load, seed_path
from sakip.dataset.printed_report import load as load_printed
from sakip.dataset.printed_report import printed_seed_path
from sakip.domain.errors import Message
from sakip.domain.review import Finding, Text, render_text, tx
from sakip.domain.review_rules import OfficeFacts, all_rules, review_office, review_printed

PRINTED = ("kaloran-2020", "kaliwates-2020", "kandangserang-2021", "karangsari-2024-tw2")
FACTS = (
    OfficeFacts(),
    OfficeFacts(evidence={}, report_generated=False, report_approved=False),
    OfficeFacts(evidence={}, report_generated=True, report_approved=True),
)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _seed_findings() -> Iterator[Finding]:
    for name in SEEDS:
        office = load(seed_path(name))
        for year in sorted(office.years):
            for facts in FACTS:
                yield from review_office(office, year, facts).findings
    for name in PRINTED:
        report = load_printed(printed_seed_path(name))
        yield from review_printed(report).findings
        office = load(seed_path(name.removesuffix("-tw2")))
        yield from review_printed(report, office=office).findings


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    found = list(_seed_findings())
    assert len(found) > 300
    return found


def _texts(f: Finding) -> list[object]:
    return [f.where, f.what, f.printed, f.correct, f.explanation]


def _messages(message: Message) -> Iterator[Message]:
    yield message
    for value in message.params.values():
        parts = value if isinstance(value, list | tuple) else [value]
        for part in parts:
            if isinstance(part, Message):
                yield from _messages(part)


def test_every_sentence_of_a_finding_is_a_translatable_text(findings: list[Finding]) -> None:
    rules = {f.rule for f in findings}
    assert len(rules) >= 15, sorted(rules)
    assert "OPD-CETAK" in rules  # the scorecard's own checks (`scorecard_findings`, `scorecard_budget`)
    for f in findings:
        assert isinstance(f.what, Text), f
        if str(f.what) != "perhitungan":  # OPD-POL-01 passes the scorecard's computation error as it is
            assert isinstance(f.explanation, Text) or (f.rule == "OPD-CETAK" and f.explanation == ""), f
        if f.rule.startswith("OPD-") and f.rule != "OPD-CETAK":
            assert isinstance(f.where, Text), f  # a place in the office's data, in Sakip's words


def test_every_text_renders_its_indonesian_and_goes_through_the_translation(findings: list[Finding]) -> None:
    texts = [t for f in findings for t in _texts(f) if isinstance(t, Text)]
    assert len(texts) > 1000
    for t in texts:
        assert t.render(lambda s: s) == str(t)
        marked = t.render(lambda s: f"⟦{s}⟧")  # every template, nested ones too, is translated
        assert marked.replace("⟦", "").replace("⟧", "") == str(t)
        assert marked.startswith("⟦") and marked.endswith("⟧")
        assert "%(" not in str(t) and "%%" not in str(t), str(t)
        for m in _messages(t.msg):
            assert set(PLACEHOLDER.findall(m.template)) == set(m.params), m.template


def test_text_is_the_indonesian_string_and_keeps_its_message() -> None:
    name = tx("Indikator %(id)s", id="S1.1")  # not N_: a message made up for the test
    t = tx("%(name)s: capaian %(value)s %% di bawah target", name=name, value="84,50")
    assert t == "Indikator S1.1: capaian 84,50 % di bawah target" and isinstance(t, str)
    assert t.msg.params["name"] == Message("Indikator %(id)s", {"id": "S1.1"})  # nested as a message
    english = {"%(name)s: capaian %(value)s %% di bawah target": "%(name)s: achievement %(value)s %% below target",
               "Indikator %(id)s": "Indicator %(id)s"}
    assert render_text(t, lambda s: english.get(s, s)) == "Indicator S1.1: achievement 84,50 % below target"
    assert render_text("teks biasa", lambda s: "x") == "teks biasa"  # a plain string is data, shown as it is
    assert render_text(Decimal("1.5"), lambda s: s) == "1.5"
    import pickle

    assert pickle.loads(pickle.dumps(t)).msg == t.msg


def test_every_rule_title_is_a_msgid_marked_for_the_catalogue() -> None:
    import ast
    from pathlib import Path

    import sakip.domain

    marked: set[str] = set()
    for path in Path(sakip.domain.__file__).parent.glob("review*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_":
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    marked.add(arg.value)
    assert {r.title for r in all_rules()} <= marked
