"""The pure rules of `domain.lke_evidence`: each rule's Ada and Tidak ada, on facts written out by hand.

The same rules on real database rows (the demo's seed offices) are in test_evidence.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from sakip.domain import lke_evidence as le
from sakip.domain import workflow as wf
from sakip.domain.errors import msg

RULES = wf.DEFAULT_RULES
YEAR = 2024


def cited(label: str, day: dt.date | None = None) -> le.Cited:
    return le.Cited(msg(label), f"/{label}/", day, f"app.Model:{len(label)}")


def period(step: wf.Step, quarter: int | None, state: wf.State, delivered: dt.date | None, **kw: object) -> le.Period:
    return le.Period(
        step,
        YEAR,
        quarter,
        state,
        RULES[step],
        delivered=delivered,
        history=cited(f"history-{step}-{quarter}", delivered),
        page=cited(f"page-{step}-{quarter}"),
        **kw,  # type: ignore[arg-type]
    )


def good() -> le.Facts:
    """Every fact in order: every rule proposes Ada."""
    approved = wf.State.APPROVED
    return le.Facts(
        year=YEAR,
        today=dt.date(2025, 3, 1),
        plan=cited("renstra"),
        plan_indicators=5,
        pk=cited("pk", dt.date(2024, 1, 20)),
        pk_targets=5,
        pk_period=period(wf.Step.PK, None, approved, dt.date(2024, 2, 1), approved=dt.date(2024, 2, 5)),
        quarters=tuple(
            period(wf.Step.QUARTER, q, approved, wf.quarter_end(YEAR, q) + dt.timedelta(days=3)) for q in (1, 2, 3, 4)
        ),
        quarters_measured={1: 5, 2: 5, 3: 5, 4: 5},
        indicators=5,
        iku=(le.Indicator("S1.1", "x", True, True, cited("iku")),),
        annual=period(
            wf.Step.ANNUAL,
            None,
            approved,
            dt.date(2025, 1, 20),
            verified=dt.date(2025, 1, 25),
            approved=dt.date(2025, 1, 28),
        ),
        published=cited("portal"),
        annual_document=cited("lkjip"),
        review=cited("review"),
        previous_evaluation=cited("rekomendasi"),
        recommendations=(le.Recommendation("r", True, msg("Selesai ditindaklanjuti")),),
    )


def decide(rule: le.Rule, facts: le.Facts) -> le.Proposal:
    return le.RULES[rule](facts)


def test_every_rule_proposes_ada_when_every_fact_is_in_order() -> None:
    facts = good()
    for rule in le.Rule:
        p = decide(rule, facts)
        assert p.value == le.YES, (rule, [str(r) for r in p.reasons])
        assert p.evidence, rule  # an Ada always cites something
        assert p.reasons


BREAKS: dict[le.Rule, list[dict[str, object]]] = {
    le.Rule.RENSTRA: [{"plan": None}, {"plan_indicators": 0}],
    le.Rule.PK_EXISTS: [{"pk": None}, {"pk_targets": 0}],
    le.Rule.PK_APPROVED: [{"pk": le.Cited(msg("pk"))}],  # not signed (no date)
    le.Rule.PK_ON_TIME: [{"pk": cited("pk", dt.date(2024, 3, 15))}],  # signed after the end of February
    le.Rule.TARGETS_CONSISTENT: [{"target_findings": ("S1.1: target",)}, {"review": None}],
    le.Rule.QUARTERS_ON_TIME: [{"today": dt.date(2024, 4, 1)}],  # no quarter due yet
    le.Rule.MEASURED_IN_APP: [{"quarters_measured": {1: 5, 2: 0, 3: 5, 4: 5}}, {"indicators": 0}],
    le.Rule.IKU_DEFINED: [{"iku": ()}, {"iku": (le.Indicator("S1.1", "x", True, False),)}],
    le.Rule.REVIEW_CLEAN: [{"review_errors": ("S1.1: realisasi",)}, {"review": None}],
    le.Rule.RECOMMENDATIONS_DONE: [
        {"previous_evaluation": None},
        {"recommendations": ()},
        {"recommendations": (le.Recommendation("r", False, msg("Dalam proses")),)},
    ],
}


@pytest.mark.parametrize(
    ("rule", "change"), [(r, c) for r, changes in BREAKS.items() for c in changes], ids=lambda v: str(v)[:40]
)
def test_a_missing_fact_makes_tidak_ada(rule: le.Rule, change: dict[str, object]) -> None:
    p = decide(rule, replace(good(), **change))  # type: ignore[arg-type]
    assert p.value == le.NO
    assert p.reasons


def _late(p: le.Period, days: int) -> le.Period:
    return replace(p, delivered=p.due + dt.timedelta(days=days))


def test_on_time_is_the_workflow_due_date_inclusive() -> None:
    """Delivered on the due day is on time; a day later is late (the workflow's own due rule)."""
    f = good()
    assert f.pk_period is not None and f.annual is not None
    assert f.pk_period.due == dt.date(2024, 2, 29)  # "31 February" clamped, a leap year
    for days, value in ((0, le.YES), (1, le.NO)):
        assert decide(le.Rule.PK_ON_TIME, replace(f, pk_period=_late(f.pk_period, days))).value == value
        assert decide(le.Rule.LKJIP_ON_TIME, replace(f, annual=_late(f.annual, days))).value == value
        quarters = (f.quarters[0], _late(f.quarters[1], days), *f.quarters[2:])
        assert decide(le.Rule.QUARTERS_ON_TIME, replace(f, quarters=quarters)).value == value


def test_a_regency_rule_moves_the_due_date() -> None:
    f = good()
    assert f.pk_period is not None
    late = replace(f.pk_period, delivered=dt.date(2024, 3, 10))
    assert decide(le.Rule.PK_ON_TIME, replace(f, pk_period=late)).value == le.NO
    lenient = replace(late, rule=wf.DueRule(wf.Step.PK, month=3, day=31))
    assert decide(le.Rule.PK_ON_TIME, replace(f, pk_period=lenient)).value == le.YES


@pytest.mark.parametrize("state", [wf.State.DRAFT, wf.State.SUBMITTED, wf.State.RETURNED, wf.State.VERIFIED])
def test_only_an_approved_pk_and_lkjip_count_as_formalised_and_published(state: wf.State) -> None:
    f = good()
    assert f.pk_period is not None and f.annual is not None
    pk = replace(f.pk_period, state=state)
    annual = replace(f.annual, state=state)
    for rule in (le.Rule.PK_APPROVED, le.Rule.PK_ON_TIME):
        assert decide(rule, replace(f, pk_period=pk)).value == le.NO
    for rule in (le.Rule.LKJIP_APPROVED, le.Rule.LKJIP_ON_TIME):
        assert decide(rule, replace(f, annual=annual)).value == le.NO
    submitted = decide(le.Rule.LKJIP_SUBMITTED, replace(f, annual=annual)).value
    assert submitted == (le.YES if state in wf.DELIVERED_STATES else le.NO)
    reviewed = decide(le.Rule.LKJIP_REVIEWED, replace(f, annual=annual)).value
    assert reviewed == (le.YES if state is wf.State.VERIFIED else le.NO)


def test_the_overdue_list_and_the_proposals_share_the_delivered_states() -> None:
    """A delivered period is never overdue, and a period in any other state is not delivered."""
    for state in wf.State:
        items = wf.due_items(YEAR, RULES, {(wf.Step.PK, None): state}, dt.date(2025, 1, 1))
        pk_overdue = any(i.step is wf.Step.PK for i in items)
        assert pk_overdue == (state not in wf.DELIVERED_STATES)


def test_propose_decides_each_rule_once_for_every_mapped_criterion() -> None:
    mapping = {"1.c.4": "quarters-on-time", "2.b.4": "quarters-on-time", "1.a.3": "renstra"}
    out = le.propose(mapping, good())
    assert set(out) == set(mapping)
    assert out["1.c.4"] is out["2.b.4"]


def test_a_mapping_with_an_unknown_rule_or_criterion_is_refused() -> None:
    assert le.mapping_errors({"1.a.3": "renstra"}, {"1.a.3"}) == []
    errors = le.mapping_errors({"1.a.3": "no-such-rule", "9.z.9": "renstra"}, {"1.a.3"})
    assert len(errors) == 2
