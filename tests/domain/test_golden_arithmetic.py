"""Every ``arithmetic_checks`` entry of the golden files, recomputed by the domain engine.

Each check is its own test (id = the check's id, prefixed by the seed number).
The engine's exact result, rounded half up to two decimals, must equal the
golden ``computed`` value, and the golden ``match`` flag must follow from
comparing the printed figure with the engine's result at the printed precision.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.golden import (
    all_checks,
    printed_matches,
    recompute,
    same_at_golden_precision,
)

CHECKS = list(all_checks())
IDS = [f"{seed}-{check['id']}" for seed, check in CHECKS]


def test_every_golden_file_has_checks() -> None:
    seeds = {seed for seed, _ in CHECKS}
    assert seeds == {"000", "002", "003"}
    assert len(IDS) == len(set(IDS)), "check ids must be unique within a seed"


@pytest.mark.parametrize(("seed", "check"), CHECKS, ids=IDS)
def test_engine_reproduces_computed(seed: str, check: dict[str, Any]) -> None:
    computed = recompute(seed, check)
    assert same_at_golden_precision(computed, check["computed"]), (
        f"{check['where']}: engine {computed}, golden computed {check['computed']}"
    )


@pytest.mark.parametrize(("seed", "check"), CHECKS, ids=IDS)
def test_match_flag(seed: str, check: dict[str, Any]) -> None:
    computed = recompute(seed, check)
    assert printed_matches(check["printed"], computed) == check["match"], (
        f"{check['where']}: printed {check['printed']!r}, engine {computed}, golden match {check['match']}"
    )
