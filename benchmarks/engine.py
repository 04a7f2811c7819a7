"""Engine benchmark (issue #2 targets): run with `.venv/bin/python benchmarks/engine.py`.

* 1,000,000 achievements with scale lookup — target ≤ 2 s on one core;
* survey index over 10,000 respondents × 9 elements — target ≤ 0.5 s.

Inputs are generated with a fixed seed; each figure is the best of several runs
(the usual way to take out scheduler noise), and all runs are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from decimal import Decimal

from sakip.domain.measurement import CapPolicy, Polarity, achievement
from sakip.domain.scales import KEMENPAN_5
from sakip.domain.survey import PERMENPAN_14_2017, from_responses


def bench_achievements(n: int) -> tuple[float, dict[str, int]]:
    rng = random.Random(2026)
    polarities = (Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER)
    cases = [
        (
            Decimal(rng.randint(1, 10_000)) / 100,
            Decimal(rng.randint(0, 12_000)) / 100,
            polarities[i % 2],
        )
        for i in range(n)
    ]
    counts: dict[str, int] = {}
    classify = KEMENPAN_5.classify
    start = time.perf_counter()
    for t, r, p in cases:
        a = achievement(t, r, p, cap=CapPolicy.CAP_120)
        if a.value is not None:
            label = classify(a.value)
            counts[label] = counts.get(label, 0) + 1
    return time.perf_counter() - start, counts


def bench_survey(respondents: int) -> tuple[float, str]:
    rng = random.Random(14)
    k = len(PERMENPAN_14_2017.elements)
    rows: list[list[int | None]] = [[rng.randint(1, 4) for _ in range(k)] for _ in range(respondents)]
    start = time.perf_counter()
    result = from_responses(PERMENPAN_14_2017, rows)
    return time.perf_counter() - start, f"{result.index:.4f} {result.grade}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--achievements", type=int, default=1_000_000)
    parser.add_argument("--respondents", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):  # one core, as the target says
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    ach_runs = [bench_achievements(args.achievements) for _ in range(args.repeat)]
    survey_runs = [bench_survey(args.respondents) for _ in range(args.repeat)]
    ach_best = min(t for t, _ in ach_runs)
    survey_best = min(t for t, _ in survey_runs)
    report = {
        "achievements": args.achievements,
        "achievement_runs_s": [round(t, 3) for t, _ in ach_runs],
        "achievement_best_s": round(ach_best, 3),
        "achievement_target_s": 2.0,
        "achievement_categories": ach_runs[0][1],
        "respondents": args.respondents,
        "survey_runs_s": [round(t, 4) for t, _ in survey_runs],
        "survey_best_s": round(survey_best, 4),
        "survey_target_s": 0.5,
        "survey_result": survey_runs[0][1],
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    ok1 = "OK" if ach_best <= 2.0 else "OVER TARGET"
    ok2 = "OK" if survey_best <= 0.5 else "OVER TARGET"
    print(
        f"{args.achievements:,} achievements + scale lookup: best {ach_best:.3f} s "
        f"(runs {', '.join(f'{t:.3f}' for t, _ in ach_runs)}) — target 2 s: {ok1}"
    )
    print(
        f"survey index, {args.respondents:,} respondents x 9 elements: best {survey_best:.4f} s "
        f"(runs {', '.join(f'{t:.4f}' for t, _ in survey_runs)}) — target 0.5 s: {ok2}"
    )
    print(f"categories: {ach_runs[0][1]}; survey: {survey_runs[0][1]}")


if __name__ == "__main__":
    main()
