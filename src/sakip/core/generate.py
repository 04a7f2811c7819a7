"""A generated regency for load tests and the query-count tests: N offices of synthetic data.

Each office is a ``sakip-office/1`` document stored with `interchange.import_office`
(the one construction path), so the generated offices are as valid as an imported
one. Values come from a seeded random generator: the same arguments give the same
regency. Every indicator has quarter targets (the year target in every quarter, rolled
up as the latest value), so the figures as of a quarter are computed for all of them.
Default size: 50 offices × 10 indicators × 5 years × 4 quarters.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from sakip.accounts.models import Membership, Office, Regency, Role

from .interchange import import_office


@dataclass(frozen=True)
class Size:
    offices: int = 50
    indicators: int = 10  # per office (two objectives)
    years: int = 5
    start: int = 2021


def _dec(rng: random.Random, low: int, high: int, places: int = 2) -> Decimal:
    scale = 10**places
    return Decimal(rng.randint(low * scale, high * scale)) / Decimal(scale)


def office_document(index: int, size: Size, seed: int = 2026) -> dict[str, Any]:
    """The dataset of generated office ``index`` (1-based)."""
    rng = random.Random(seed * 1000 + index)
    code = f"opd-{index:03d}"
    years = list(range(size.start, size.start + size.years))
    half = max(size.indicators // 2, 1)
    objectives: list[dict[str, Any]] = []
    indicators: list[tuple[str, str]] = []  # (id, polarity)
    for o in range(2):
        inds = []
        count = half if o == 0 else size.indicators - half
        for i in range(count):
            iid = f"S{o + 1}.{i + 1}"
            polarity = "lower_is_better" if (i % 5 == 4) else "higher_is_better"
            indicators.append((iid, polarity))
            inds.append(
                {
                    "id": iid,
                    "name": f"Indikator {iid} perangkat daerah {index}",
                    "unit": "%",
                    "polarity": polarity,
                    "iku": i == 0,
                    "targets": {str(y): _dec(rng, 60, 95) for y in years},
                }
            )
        if inds:
            objectives.append(
                {"id": f"S{o + 1}", "goal": "T1", "text": f"Sasaran {o + 1} OPD {index}", "indicators": inds}
            )
    programs = [{"code": f"{p}", "name": f"Program {p} OPD {index}", "objectives": ["S1"]} for p in (1, 2, 3)]
    year_docs = []
    for y in years:
        measurements: dict[str, Any] = {}
        for iid, _polarity in indicators:
            measurements[iid] = {"quarters": {str(q): _dec(rng, 40, 110) for q in (1, 2, 3, 4)}}
        lines: list[dict[str, Any]] = []
        for p in (1, 2, 3):
            alloc = Decimal(rng.randint(50, 500)) * 1_000_000
            spent = [alloc * Decimal(rng.randint(10, 26)) / 100 for _ in range(4)]
            lines.append(
                {
                    "code": str(p),
                    "name": f"Program {p} OPD {index}",
                    "level": "program",
                    "class": "bl",
                    "objectives": ["S1"],
                    "allocation": alloc,
                    "quarters": {str(q + 1): v.quantize(Decimal(1)) for q, v in enumerate(spent)},
                }
            )
        pk_targets = {iid: _dec(rng, 60, 95) for iid, _ in indicators}
        for iid, target in pk_targets.items():  # the action plan: the year target in every quarter (an index)
            measurements[iid]["quarterly_targets"] = dict.fromkeys(("1", "2", "3", "4"), target)
        bl = sum((line["allocation"] for line in lines), Decimal(0))
        spent_total = sum((v for line in lines for v in line["quarters"].values()), Decimal(0))
        year_docs.append(
            {
                "year": y,
                "performance_agreement": [
                    {
                        "kind": "original",
                        "title": f"Perjanjian Kinerja OPD {index} Tahun {y}",
                        "targets": pk_targets,
                    }
                ],
                "indicators": measurements,
                "budget": {"classes": {"bl": {"allocation": bl, "realisation": spent_total}}, "lines": lines},
            }
        )
    return {
        "format": "sakip-office/1",
        "office": {"code": code, "name": f"Dinas Uji {index:03d}", "kind": "dinas", "regency": "Kabupaten Uji"},
        "settings": {"scale": "lkjip-4"},
        "plan": {
            "kind": "renstra",
            "period": {"start": years[0], "end": years[-1]},
            "vision": "Visi uji",
            "goals": [{"id": "T1", "text": f"Tujuan OPD {index}"}],
            "objectives": objectives,
            "programs": programs,
        },
        "years": year_docs,
    }


@transaction.atomic
def generate_regency(code: str = "uji", size: Size | None = None, password: str | None = None) -> Regency:
    """Create (or replace the offices of) a generated regency, with an admin user ``<code>-admin``."""
    size = size or Size()
    regency, _ = Regency.objects.get_or_create(code=code, defaults={"name": "Kabupaten Uji", "province": "Uji"})
    for i in range(1, size.offices + 1):
        import_office(office_document(i, size), regency, source=f"generated {i}")
    if password is not None:
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=f"{code}-admin")
        user.set_password(password)
        user.save()
        Membership.objects.update_or_create(
            user=user, defaults={"regency": regency, "office": None, "role": Role.ADMIN}
        )
    return regency


def first_office(regency: Regency) -> Office:
    return Office.objects.filter(regency=regency).order_by("code")[0]
