"""Review benchmark (issue #6 target): run with `.venv/bin/python benchmarks/review.py`.

Target: the review of a regency (50 offices) ≤ 5 s.

Two figures, both over a generated regency (`sakip.core.generate`: 50 offices, 10
indicators, 5 years of quarterly data and budget each):

* ``regency_stored`` — what the «Reviu» page does for each office of the regency, one
  after the other, from cold: export the stored office from the database (SQLite,
  migrated in a scratch directory), build the domain office through the dataset loader
  and its scorecard (`sakip.regency.figures.scorecard`, whose cache is cleared before
  each run), read the evidence facts, and run every office rule for the latest year;
* ``regency_warm`` — the same with the scorecards already cached for the data
  generation (as after the regency dashboard was shown);
* ``regency_domain`` — the rules alone over the 50 domain offices already loaded;
* ``printed_seeds`` — the three seed printed reports, read from file and reviewed.

Each figure is the best of ``--repeat`` runs (all runs are printed), in wall-clock time and
in this process's CPU time (what the wall time would be on a core of its own: on a shared,
busy machine the wall time is much longer).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any


def setup_django(tmp: Path) -> None:
    os.environ["SAKIP_DATA_DIR"] = str(tmp)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offices", type=int, default=50)
    parser.add_argument("--indicators", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    setup_django(Path(tempfile.mkdtemp(prefix="sakip-bench-review-")))
    from sakip.accounts.models import Office
    from sakip.core.generate import Size, generate_regency
    from sakip.core.interchange import domain_office
    from sakip.dataset.printed_report import PRINTED_SEEDS, printed_seed_path
    from sakip.dataset.printed_report import load as load_printed
    from sakip.domain.review_rules import review_office, review_printed
    from sakip.regency import figures
    from sakip.reviews.services import office_review

    size = Size(offices=args.offices, indicators=args.indicators)
    t0 = time.perf_counter()
    regency = generate_regency("bench", size)
    offices = list(Office.objects.filter(regency=regency).order_by("code"))
    setup_s = time.perf_counter() - t0
    years = {o.code: max(domain_office(o).years) for o in offices}

    def stored(cold: bool = True) -> tuple[float, int]:
        if cold:
            figures.clear()
        start = time.perf_counter()
        findings = 0
        for o in offices:
            outcome = office_review(o, years[o.code])
            assert outcome.result is not None, outcome.problems
            findings += len(outcome.result.findings)
        return time.perf_counter() - start, findings

    domain_offices = [domain_office(o) for o in offices]

    def domain() -> tuple[float, int]:
        start = time.perf_counter()
        findings = sum(len(review_office(d, years[d.code]).findings) for d in domain_offices)
        return time.perf_counter() - start, findings

    def printed() -> tuple[float, int]:
        start = time.perf_counter()
        findings = sum(len(review_printed(load_printed(printed_seed_path(n))).findings) for n in PRINTED_SEEDS)
        return time.perf_counter() - start, findings

    results: dict[str, Any] = {
        "offices": len(offices),
        "indicators_per_office": args.indicators,
        "setup_s": round(setup_s, 2),
        "target_s": 5.0,
    }

    def warm() -> tuple[float, int]:
        return stored(cold=False)

    benches = (
        ("regency_stored", stored),
        ("regency_warm", warm),
        ("regency_domain", domain),
        ("printed_seeds", printed),
    )
    for name, fn in benches:
        runs = []
        cpu = []
        for _ in range(args.repeat):
            c0 = time.process_time()
            runs.append(fn())
            cpu.append(time.process_time() - c0)
        results[name] = {
            "best_s": round(min(t for t, _ in runs), 3),
            "runs_s": [round(t, 3) for t, _ in runs],
            "best_cpu_s": round(min(cpu), 3),  # this process's CPU time: the wall time on an idle core
            "findings": runs[0][1],
        }
    best = results["regency_stored"]["best_s"]
    results["within_target"] = best <= 5.0
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"regency of {len(offices)} offices × {args.indicators} indicators (set-up {setup_s:.1f} s)")
    for name, _ in benches:
        r = results[name]
        print(
            f"  {name:15} best {r['best_s']:.3f} s (CPU {r['best_cpu_s']:.3f} s)  runs {r['runs_s']}  "
            f"findings {r['findings']}"
        )
    print(f"target ≤ 5 s for the regency: {'met' if results['within_target'] else 'NOT met'}")


if __name__ == "__main__":
    main()
