"""One figure, one value (issue #13): `domain.one_figure`, the efficiency rule and the review rules built on it.

Read on the seed datasets, whose reports show each case: Kaliwates measures its two indicators at goal and
objective level under the same names and enters an SKM realisation (67,6) that its own survey data do not give
(66,02); Kaloran measures its IKM against 85 while its PK says 100; Karangsari reaches its first objective's
targets with half its budget and no budget notes.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from sakip.dataset import load, seed_path
from sakip.domain.aggregation import aggregate
from sakip.domain.budget import EfficiencyVerdict, efficiency, low_absorption
from sakip.domain.measurement import NOT_MEASURED, Achievement, Status
from sakip.domain.office import Measurement, Office
from sakip.domain.one_figure import SurveyLink, distinct, resolve_target, target_text
from sakip.domain.profile import Narrative
from sakip.domain.review_engine import all_rules
from sakip.domain.review_rules import review_office
from sakip.domain.scorecard import build_scorecard
from sakip.domain.scorecard_budget import budget_explained

D = Decimal


@pytest.fixture(scope="module")
def seeds() -> dict[str, Office]:
    return {n: load(seed_path(n)) for n in ("kaliwates-2020", "kaloran-2020", "karangsari-2024", "kandangserang-2021")}


# --------------------------------------------------------------------------- one indicator, two levels


def test_a_goal_indicator_repeated_at_objective_level_is_one_indicator(seeds: dict[str, Office]) -> None:
    sc = build_scorecard(seeds["kaliwates-2020"])
    assert len(sc.indicators) == 4  # the plan measures each at two levels
    groups = distinct(sc.indicators)
    assert [g.score.indicator.id for g in groups] == ["S1.1", "S2.1"]  # the PK's rows, under their objectives
    for g in groups:
        assert g.merged and {s.level for s in g.levels} == {"goal", "objective"}
        assert g.label.endswith("(indikator tujuan dan sasaran)")
    # the office mean counts each once (the golden figure: (84,50 + 100) / 2)
    assert sc.office_score.aggregate.measured == 2
    assert sc.office_score.aggregate.value == D("92.25")


def test_same_name_other_figures_stay_apart_with_their_level(seeds: dict[str, Office]) -> None:
    office = copy.deepcopy(seeds["kaliwates-2020"])
    office.years[2020].measurements["T1.1"].annual = D("70")  # the goal's SKM now differs from the objective's
    sc = build_scorecard(office)
    groups = distinct(sc.indicators)
    assert len(groups) == 3
    skm = [g for g in groups if g.score.indicator.name.startswith("Nilai Survey")]
    assert sorted(g.label.rsplit("(", 1)[1] for g in skm) == ["indikator sasaran)", "indikator tujuan)"]
    assert all(not g.merged for g in skm)


def test_seeds_without_repeated_names_are_unchanged(seeds: dict[str, Office]) -> None:
    for name in ("kaloran-2020", "karangsari-2024", "kandangserang-2021"):
        sc = build_scorecard(seeds[name])
        assert [g.score for g in distinct(sc.indicators)] == list(sc.indicators)


# --------------------------------------------------------------------------- which target


def test_a_target_entered_with_the_realisation_is_used_and_said_apart_from_the_pk(seeds: dict[str, Office]) -> None:
    office = seeds["kaloran-2020"]
    s = next(s for s in build_scorecard(office).indicators if s.indicator.id == "T1.1")
    b = s.target_basis
    assert b is not None
    assert (b.used, b.source, b.pk, b.differs) == (D(85), "measurement", D(100), True)
    assert s.target == b.used and s.achievement.value is not None
    note = str(b.note())
    assert "target 85" in note and "Perjanjian Kinerja 100" in note
    # the PK's own targets are not noted
    others = [x for x in build_scorecard(office).indicators if x.indicator.id != "T1.1"]
    assert all(x.target_basis is not None and not x.target_basis.differs and x.target_basis.note() is None
               for x in others)


def test_the_target_order_and_no_target(seeds: dict[str, Office]) -> None:
    office = copy.deepcopy(seeds["kaloran-2020"])
    yd = office.years[2020]
    ind = office.plan.indicator("S1.2")
    assert ind is not None
    assert resolve_target(ind, yd, 2020).source == "pk"
    pk = yd.agreement
    assert pk is not None
    del pk.targets["S1.2"]
    ind.targets[2020] = D(90)
    plan = resolve_target(ind, yd, 2020)
    assert (plan.used, plan.source, plan.in_pk, plan.differs, plan.note()) == (D(90), "plan", False, False, None)
    del ind.targets[2020]
    none = resolve_target(ind, yd, 2020)
    assert (none.used, none.source, none.note()) == (None, None, None)
    assert target_text(none.used) == "belum ditetapkan"


# --------------------------------------------------------------------------- the survey


def test_a_survey_sets_an_empty_realisation_and_proposes_against_an_entered_one(seeds: dict[str, Office]) -> None:
    office = seeds["kaliwates-2020"]
    sc = build_scorecard(office)
    s = next(s for s in sc.indicators if s.indicator.id == "S1.1")
    link = s.survey
    assert link is not None and sc.survey is not None
    assert link.index == sc.survey.result.index
    assert (link.status, link.entered, s.realisation) == ("differs", D("67.6"), D("67.6"))  # the golden 84,50 stays
    assert link.difference == D("-1.58")
    assert "66,02" in str(link.note(s.indicator.name)) and "\u22121,58" in str(link.note(s.indicator.name))

    emptied = copy.deepcopy(office)
    emptied.years[2020].measurements["S1.1"].annual = None
    s2 = next(s for s in build_scorecard(emptied).indicators if s.indicator.id == "S1.1")
    assert s2.survey is not None and s2.survey.status == "sets" and s2.survey.note("x") is None
    assert (s2.realisation, s2.realisation_source) == (sc.survey.result.index, "survey")


def test_an_entered_realisation_equal_at_its_precision_agrees() -> None:
    index = D("66.0185185")
    assert SurveyLink("S1.1", index, D("66.02")).status == "agrees"
    assert SurveyLink("S1.1", index, D("66")).status == "agrees"
    assert SurveyLink("S1.1", index, D("66.1")).status == "differs"
    assert SurveyLink("S1.1", index, "B").status == "differs"
    assert SurveyLink("S1.1", index, None).realisation == index


# --------------------------------------------------------------------------- efficiency


def test_efficiency_never_efficient_with_a_missed_target_or_an_unexplained_low_absorption() -> None:
    assert efficiency(D(100), D(90)).verdict is EfficiencyVerdict.EFFICIENT
    assert efficiency(D(120), D(90), missed=True).verdict is EfficiencyVerdict.TARGET_MISSED_UNDERSPENT
    assert efficiency(D(120), D(50), explained=False).verdict is EfficiencyVerdict.LOW_ABSORPTION
    assert efficiency(D(120), D(50), explained=True).verdict is EfficiencyVerdict.EFFICIENT
    assert efficiency(D(120), D(80), explained=False).verdict is EfficiencyVerdict.EFFICIENT  # 80 % is not low
    assert efficiency(D(120), D(35), explained=False, through=2).verdict is EfficiencyVerdict.EFFICIENT  # TW II
    assert low_absorption(D("29.99"), 2) and not low_absorption(D(30), 2)


def test_seed_objectives_called_efficient_meet_the_rule(seeds: dict[str, Office]) -> None:
    seen = set()
    for name, office in seeds.items():
        sc = build_scorecard(office)
        assert sc.budget is not None
        yd = office.years[sc.year]
        for oid, e in sc.budget.efficiency.items():
            seen.add(e.verdict)
            if e.verdict is EfficiencyVerdict.EFFICIENT:
                scores = [s for s in sc.indicators if s.level == "objective" and s.parent_id == oid]
                assert all(s.achievement.met is not False for s in scores), (name, oid)
                assert e.absorption is not None
                assert budget_explained(yd) or not low_absorption(e.absorption), (name, oid)
    assert EfficiencyVerdict.LOW_ABSORPTION in seen  # Karangsari S1: 102,59 % with 50,82 % absorbed, no notes


def test_budget_notes_explain_a_low_absorption(seeds: dict[str, Office]) -> None:
    office = copy.deepcopy(seeds["karangsari-2024"])

    def verdict() -> EfficiencyVerdict:
        budget = build_scorecard(office).budget
        assert budget is not None
        return budget.efficiency["S1"].verdict

    assert verdict() is EfficiencyVerdict.LOW_ABSORPTION
    text = "Sisa anggaran berasal dari efisiensi belanja."
    office.years[2024].narratives["lkjip"] = {"anggaran": Narrative(text, draft=True)}  # last year's, not checked
    assert verdict() is EfficiencyVerdict.LOW_ABSORPTION
    office.years[2024].narratives["lkjip"] = {"anggaran": Narrative(text)}
    assert verdict() is EfficiencyVerdict.EFFICIENT


# --------------------------------------------------------------------------- no target is not "not measured"


def test_aggregates_count_no_target_apart() -> None:
    agg = aggregate([
        NOT_MEASURED,
        Achievement(Status.NO_TARGET, reason="no target"),
        Achievement(Status.MEASURED, raw=D(90), value=D(90), met=False),
    ])
    assert (agg.measured, agg.not_measured, agg.undefined, agg.no_target) == (1, 1, 1, 1)


# --------------------------------------------------------------------------- the review


def _found(office: Office, rule: str) -> list[str]:
    return [f.where for f in review_office(office, build_scorecard(office).year).findings if f.rule == rule]


def test_review_flags_a_target_other_than_the_pk(seeds: dict[str, Office]) -> None:
    assert {"OPD-TARGET-01", "OPD-SURVEI-01"} <= {r.id for r in all_rules()}
    assert _found(seeds["kaloran-2020"], "OPD-TARGET-01") == [
        "Tujuan T1 › Indikator T1.1 Indeks Kepuasan Masyarakat (IKM) di Kecamatan › Target 2020"
    ]
    for name in ("kaliwates-2020", "karangsari-2024", "kandangserang-2021"):
        assert _found(seeds[name], "OPD-TARGET-01") == [], name
    fixed = copy.deepcopy(seeds["kaloran-2020"])
    fixed.years[2020].measurements["T1.1"] = Measurement(annual=D(82))
    assert _found(fixed, "OPD-TARGET-01") == []


def test_review_flags_a_survey_index_apart_from_the_realisation(seeds: dict[str, Office]) -> None:
    [where] = _found(seeds["kaliwates-2020"], "OPD-SURVEI-01")
    assert where.startswith("Sasaran S1 › Indikator S1.1")
    assert len(_found(seeds["kandangserang-2021"], "OPD-SURVEI-01")) == 1  # 80,31 entered, 83,89 from the survey
    assert _found(seeds["kaloran-2020"], "OPD-SURVEI-01") == []  # no survey data
