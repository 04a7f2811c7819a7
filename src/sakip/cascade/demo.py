"""The demo regency's RPJMD and the seed offices' links to it — an ILLUSTRATION written for the demo.

The seed offices are real kecamatan of different regencies; the demo regency groups them, so its
RPJMD is invented: goals, objectives, IKU Pemda and targets written to show the cascade (a mean of
the kecamatan's IKM, ratios of sums over the kecamatan's inputs, a sum, an indicator entered directly
that no office supports yet, an office objective that supports nothing). Every text says
«ilustrasi»; nothing here is any regency's adopted plan.

`seed(regency)` is idempotent: the RPJMD is made once (a restart keeps it and what the planner
changed), and an office's links are made only while the office has none (a restart keeps the links
its users changed; an office whose plan is frozen is left as it is).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from sakip.accounts.models import Office, Regency
from sakip.planning.models import Goal as OfficeGoal
from sakip.planning.models import Indicator as OfficeIndicator
from sakip.planning.models import Objective as OfficeObjective
from sakip.workflow.services import PeriodLocked

from .models import IndicatorContribution, OfficeObjectiveLink, RegencyIndicator, Rpjmd, RpjmdGoal, RpjmdObjective
from .services import office_links_filter

NOTE = (
    "Ilustrasi untuk demo: RPJMD ini disusun untuk memperlihatkan penjenjangan kinerja dari kecamatan-kecamatan "
    "contoh (yang aslinya berasal dari kabupaten berbeda), bukan RPJMD yang ditetapkan suatu pemda."
)

YEARS = range(2019, 2025)

#: code, objective, name, unit, polarity, rollup, computation, aggregation, formula, inputs, targets by year
INDICATORS: list[dict[str, object]] = [
    {
        "code": "IKU-P1", "objective": "S1", "name": "Indeks Kepuasan Masyarakat (IKM) rata-rata kecamatan (ilustrasi)",
        "unit": "indeks", "computation": "aggregate", "aggregation": "mean",
        "targets": {2019: "80", 2020: "80", 2021: "81", 2022: "81", 2023: "82", 2024: "82"}, "baseline": "79",
        "offices": ["kaloran", "kaliwates", "kandangserang", "karangsari"],
    },
    {
        "code": "IKU-P2", "objective": "S1",
        "name": "Persentase layanan administrasi kecamatan yang selesai tepat waktu (ilustrasi)",
        "unit": "%", "computation": "formula", "formula": "selesai_tepat / layanan * 100", "rollup": "sum",
        "inputs": [{"name": "selesai_tepat", "label": "Layanan selesai tepat waktu di seluruh kecamatan"},
                   {"name": "layanan", "label": "Layanan yang diterima di seluruh kecamatan"}],
        "targets": {2023: "88", 2024: "90"}, "offices": ["karangsari"],
    },
    {
        "code": "IKU-P3", "objective": "S2",
        "name": "Persentase desa dengan administrasi pemerintahan desa yang tertib (ilustrasi)",
        "unit": "%", "computation": "formula", "formula": "desa_tertib / desa * 100",
        "inputs": [{"name": "desa_tertib", "label": "Desa yang lulus pembinaan administrasi"},
                   {"name": "desa", "label": "Jumlah desa"}],
        "targets": {2023: "75", 2024: "85"}, "offices": ["karangsari"],
    },
    {
        "code": "IKU-P4", "objective": "S2", "name": "Persentase laporan kejadian yang ditangani (ilustrasi)",
        "unit": "%", "computation": "aggregate", "aggregation": "mean",
        "targets": {2019: "100", 2020: "100", 2021: "100", 2022: "100", 2023: "100", 2024: "100"},
        "offices": ["kaloran"],
    },
    {
        "code": "IKU-P5", "objective": "S2",
        "name": "Jumlah pelanggaran ketenteraman dan ketertiban umum (ilustrasi)", "unit": "kasus",
        "polarity": "lower_is_better", "rollup": "sum", "computation": "aggregate", "aggregation": "sum",
        "targets": {2023: "60", 2024: "55"}, "offices": ["karangsari"],
    },
    {
        "code": "IKU-P6", "objective": "S1", "name": "Indeks Reformasi Birokrasi (ilustrasi)", "unit": "indeks",
        "computation": "direct", "targets": {2023: "65", 2024: "70"}, "offices": [],
    },
]

#: office code → (the office goal or objective code, kind, the RPJMD objectives it supports)
LINKS: dict[str, list[tuple[str, str, list[str]]]] = {
    "kaloran": [("T1", "goal", ["S1"]), ("S1", "objective", ["S2"])],
    "kaliwates": [("T1", "goal", ["S1"]), ("S1", "objective", ["S1"])],  # S2 left unlinked: the review shows it
    "kandangserang": [("S1", "objective", ["S1"])],
    "karangsari": [("T1", "goal", ["S1"]), ("S1", "objective", ["S1"]), ("S2", "objective", ["S2"])],
}

#: office code → (office indicator code, regency indicator code, input map, the office's targets)
CONTRIBUTIONS: dict[str, list[tuple[str, str, dict[str, str], dict[str, str]]]] = {
    "kaloran": [("T1.1", "IKU-P1", {}, {}), ("S1.2", "IKU-P4", {}, {})],
    "kaliwates": [("S1.1", "IKU-P1", {}, {})],
    "kandangserang": [("S1.1", "IKU-P1", {}, {})],
    "karangsari": [
        ("S1.1", "IKU-P1", {}, {}),
        ("S1.2", "IKU-P2", {"selesai_tepat": "tepat_waktu", "layanan": "jumlah_layanan"}, {}),
        ("S2.1", "IKU-P3", {"desa_tertib": "desa_tertib", "desa": "jumlah_desa"}, {}),
        ("S2.2", "IKU-P5", {}, {"2024": "24"}),
    ],
}


def _rpjmd(regency: Regency) -> Rpjmd:
    rpjmd = Rpjmd.objects.filter(regency=regency).order_by("start_year", "revision").first()
    if rpjmd is not None:
        return rpjmd
    rpjmd = Rpjmd.objects.create(
        regency=regency, start_year=YEARS[0], end_year=YEARS[-1],
        legal_basis="Perda RPJMD 2019–2024 (ilustrasi)",
        vision="Terwujudnya pemerintahan yang akuntabel dan pelayanan publik yang prima (ilustrasi)",
        missions=[
            "Meningkatkan kualitas pelayanan publik di kecamatan dan desa (ilustrasi)",
            "Memperkuat tata kelola pemerintahan desa serta ketenteraman dan ketertiban umum (ilustrasi)",
        ],
        note=NOTE,
    )
    goal = RpjmdGoal.objects.create(
        rpjmd=rpjmd, code="T1", order=1,
        text="Meningkatnya tata kelola pemerintahan yang akuntabel dan pelayanan publik yang prima (ilustrasi)",
    )
    objectives = {
        "S1": RpjmdObjective.objects.create(
            rpjmd=rpjmd, goal=goal, code="S1", order=1, text="Meningkatnya kualitas pelayanan publik (ilustrasi)"
        ),
        "S2": RpjmdObjective.objects.create(
            rpjmd=rpjmd, goal=goal, code="S2", order=2,
            text="Meningkatnya kapasitas pemerintahan desa serta ketenteraman dan ketertiban umum (ilustrasi)",
        ),
    }
    offices = {o.code: o for o in Office.objects.filter(regency=regency)}
    for order, spec in enumerate(INDICATORS, 1):
        ri = RegencyIndicator.objects.create(
            rpjmd=rpjmd, objective=objectives[str(spec["objective"])], code=str(spec["code"]),
            name=str(spec["name"]), unit=str(spec["unit"]), polarity=str(spec.get("polarity", "higher_is_better")),
            rollup=str(spec.get("rollup", "last")), computation=str(spec["computation"]),
            aggregation=str(spec.get("aggregation", "")), formula=str(spec.get("formula", "")),
            inputs=spec.get("inputs", []),
            targets={str(y): v for y, v in spec["targets"].items()},  # type: ignore[attr-defined]
            baseline=Decimal(str(spec["baseline"])) if "baseline" in spec else None,
            definition="Ilustrasi untuk demo.", order=order,
        )
        ri.responsible_offices.set([offices[c] for c in spec["offices"] if c in offices])  # type: ignore[attr-defined]
    return rpjmd


def _link_office(office: Office, rpjmd: Rpjmd) -> None:
    if OfficeObjectiveLink.objects.filter(office_links_filter(office)).exists():
        return
    if IndicatorContribution.objects.filter(indicator__plan__office=office).exists():
        return
    objectives = {o.code: o for o in RpjmdObjective.objects.filter(rpjmd=rpjmd)}
    indicators = {i.code: i for i in RegencyIndicator.objects.filter(rpjmd=rpjmd)}
    plan = office.plans.order_by("-start_year").first()
    if plan is None:
        return
    for code, kind, targets in LINKS.get(office.code, []):
        part_model = OfficeGoal if kind == "goal" else OfficeObjective
        part = part_model.objects.filter(plan=plan, code=code).first()
        if part is None:
            continue
        for t in targets:
            if t in objectives:
                field = "office_goal" if kind == "goal" else "office_objective"
                OfficeObjectiveLink.objects.create(**{field: part}, rpjmd_objective=objectives[t])
    for ind_code, ri_code, input_map, office_targets in CONTRIBUTIONS.get(office.code, []):
        ind = OfficeIndicator.objects.filter(plan=plan, code=ind_code).first()
        if ind is None or ri_code not in indicators:
            continue
        IndicatorContribution.objects.create(
            indicator=ind, regency_indicator=indicators[ri_code], input_map=input_map, targets=office_targets
        )


def seed(regency: Regency) -> Rpjmd:
    rpjmd = _rpjmd(regency)
    for office in Office.objects.filter(regency=regency, code__in=list(LINKS)):
        try:
            with transaction.atomic():
                _link_office(office, rpjmd)
        except PeriodLocked:  # the office's plan is frozen (a restart after its year was approved)
            continue
    return rpjmd
