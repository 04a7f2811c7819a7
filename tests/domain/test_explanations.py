"""When a quarter needs the operator's explanation (`domain.explanations`)."""

from __future__ import annotations

from decimal import Decimal

from sakip.domain.explanations import ExplanationPolicy, ExplanationRule, below, explanation_demand
from sakip.domain.measurement import NO_TARGET, NOT_MEASURED, achievement

REQUIRED = ExplanationPolicy()
WARNING = ExplanationPolicy(ExplanationRule.WARNING)


def test_below_target_without_explanation_is_refused_under_wajib() -> None:
    a = achievement(Decimal(250), Decimal(200))  # 80 %
    demand = explanation_demand(a, "", REQUIRED)
    assert demand is not None and demand.blocking
    assert str(demand.message) == (
        "Capaian di bawah target: jelaskan penyebab dan solusinya (wajib); baris ini belum disimpan."
    )


def test_peringatan_stores_with_a_warning() -> None:
    demand = explanation_demand(achievement(Decimal(250), Decimal(200)), "  ", WARNING)
    assert demand is not None and not demand.blocking
    assert str(demand.message).startswith("Capaian di bawah target dan penyebab serta solusinya belum dijelaskan.")


def test_an_explanation_or_a_met_target_asks_nothing() -> None:
    assert explanation_demand(achievement(Decimal(250), Decimal(200)), "Hujan deras", REQUIRED) is None
    assert explanation_demand(achievement(Decimal(250), Decimal(250)), "", REQUIRED) is None
    assert explanation_demand(None, "", REQUIRED) is None


def test_not_measured_and_no_target_are_never_below() -> None:
    assert not below(NOT_MEASURED, REQUIRED)
    assert not below(NO_TARGET, REQUIRED)
    assert explanation_demand(NOT_MEASURED, "", REQUIRED) is None


def test_the_regency_threshold_replaces_100_percent() -> None:
    ninety = ExplanationPolicy(threshold=Decimal(90))
    assert explanation_demand(achievement(Decimal(250), Decimal(240)), "", ninety) is None  # 96 %: above 90
    demand = explanation_demand(achievement(Decimal(250), Decimal(200)), "", ninety)  # 80 %
    assert demand is not None
    assert str(demand.message) == (
        "Capaian di bawah batas 90,00 %: jelaskan penyebab dan solusinya (wajib); baris ini belum disimpan."
    )
