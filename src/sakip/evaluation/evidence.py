"""Answers Sakip proposes from its own data: the facts read from the database (the adapter of
`sakip.domain.lke_evidence`, which decides), the proposals stored on the answers, and what the pages
and the report show of them (issue #15).

* `mapping_for(template)` — criterion code → rule, from ``presets/<preset>.evidence.yaml`` (a template
  installed from or copied from the preset); empty for other templates;
* `collect(office, year)` — the `Facts`: the Renstra, the PK and its signing date, the workflow periods
  with their due dates (the regency's rules) and the days they were delivered, verified and approved
  (`TransitionLog`), the quarters measured, the IKU, the review (its findings), last year's
  recommendations; every cited thing with the page that shows it to a user of the office;
* `propose(ev)` — the proposals stored on the answers (value, evidence JSON, time), the answers
  themselves untouched;
* `confirmed_post(post, ev, role)` — the one-click confirm: the posted form with the proposal as the
  answer of the confirmed criteria (saved by the form's own path, with its checks and conflicts);
* `view(answer)` / `status_text(answer, role)` — what the pages and the report say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from sakip.accounts.models import Office
from sakip.dataset.reading import load_yaml
from sakip.domain import lke_evidence as le
from sakip.domain import workflow as wf
from sakip.domain.errors import N_, Message, msg
from sakip.domain.review import Severity

from .models import Answer, Criterion, Evaluation, Recommendation

MAPPING_FILES = {"permenpanrb-88-2021": "permenpanrb-88-2021.evidence.yaml"}
TARGET_RULE = "OPD-TARGET-01"


@cache
def preset_mapping(preset: str) -> dict[str, str]:
    """The preset's criterion → rule mapping (checked: every rule known)."""
    name = MAPPING_FILES.get(preset)
    if name is None:
        return {}
    text = resources.files("sakip.evaluation").joinpath("presets", name).read_text(encoding="utf-8")
    data = load_yaml(text)
    mapping = {str(k): str(v) for k, v in (data.get("criteria") or {}).items()}
    errors = le.mapping_errors(mapping)
    if errors:
        raise ValueError(f"{name}: " + "; ".join(errors))
    return mapping


def mapping_for(ev: Evaluation) -> dict[str, str]:
    """The mapping of the evaluation's template, limited to the criteria it has."""
    mapping = preset_mapping(ev.template.preset)
    if not mapping:
        return {}
    codes = set(Criterion.objects.filter(subcomponent__component__template=ev.template).values_list("code", flat=True))
    return {code: rule for code, rule in mapping.items() if code in codes}


# ----------------------------------------------------------------------------- facts from the database


def _local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()


def audit_url(office: Office, model: str, pk: int) -> str:
    return reverse("audit-office", args=[office.code]) + f"?jenis={model}&id={pk}"


PERIOD_WORDS = {
    wf.Step.PK: N_("Perjanjian Kinerja %(year)s"),
    wf.Step.QUARTER: N_("TW %(q)s %(year)s"),  # q: the quarter in roman numerals
    wf.Step.ANNUAL: N_("Laporan Kinerja (LKjIP) %(year)s"),
}


def _periods(office: Office, year: int, rules: dict[wf.Step, wf.DueRule]) -> dict[wf.Period, le.Period]:
    from sakip.workflow.models import PeriodState, TransitionLog

    rows = {(wf.Step(p.step), p.quarter): p for p in PeriodState.objects.filter(office=office, year=year)}
    logs: dict[int, list[TransitionLog]] = {}
    for log in TransitionLog.objects.filter(period__in=[p.pk for p in rows.values()]).order_by("at", "id"):
        logs.setdefault(log.period_id, []).append(log)
    delivered = {s.value for s in wf.DELIVERED_STATES}
    out: dict[wf.Period, le.Period] = {}
    for step, quarter in wf.YEAR_PERIODS:
        row = rows.get((step, quarter))
        what = msg(PERIOD_WORDS[step], year=year, q=le.ROMAN.get(quarter or 0, ""))
        page: le.Cited | None = None
        if step is wf.Step.PK:
            page = le.Cited(msg(N_("Halaman %(what)s"), what=what), reverse("pk-detail", args=[office.code, year]))
        elif step is wf.Step.QUARTER:
            page = le.Cited(
                msg(N_("Pengisian realisasi %(what)s"), what=what),
                reverse("quarter-entry", args=[office.code, year, quarter]),
            )
        if row is None:
            out[(step, quarter)] = le.Period(step, year, quarter, wf.State.DRAFT, rules[step], page=page)
            continue
        mine = logs.get(row.pk, [])
        first = next((lg for lg in mine if lg.to_state in delivered), None)
        verified = [lg for lg in mine if lg.transition == wf.Transition.VERIFY.value]
        approved = [lg for lg in mine if lg.to_state == wf.State.APPROVED.value]
        out[(step, quarter)] = le.Period(
            step,
            year,
            quarter,
            wf.State(row.state),
            rules[step],
            delivered=_local_day(first.at) if first else None,
            verified=_local_day(verified[-1].at) if verified else None,
            approved=_local_day(approved[-1].at) if approved else None,
            history=le.Cited(
                msg(N_("Riwayat alur %(what)s (jejak audit)"), what=what),
                audit_url(office, "workflow.PeriodState", row.pk),
                _local_day(first.at) if first else None,
                f"workflow.PeriodState:{row.pk}",
            ),
            page=page,
        )
    return out


def _review(office: Office, year: int) -> tuple[le.Cited | None, tuple[str, ...], tuple[str, ...]]:
    from sakip.reviews.services import office_review

    outcome = office_review(office, year)
    if outcome.result is None:
        return None, (), ()
    findings = outcome.result.findings
    errors = tuple(f"{f.where}: {f.what}" for f in findings if f.severity is not Severity.WARNING)
    targets = tuple(f"{f.where}: {f.what}" for f in findings if f.rule == TARGET_RULE)
    cited = le.Cited(
        msg(N_("Reviu data kinerja %(year)s (%(n)s temuan)"), year=year, n=len(findings)),
        reverse("review-office", args=[office.code, year]),
    )
    return cited, errors, targets


FOLLOW_UP_WORDS = {  # the msgids of `Recommendation.FollowUp`, kept as messages in the stored proposal
    Recommendation.FollowUp.OPEN: N_("Belum ditindaklanjuti"),
    Recommendation.FollowUp.IN_PROGRESS: N_("Dalam proses"),
    Recommendation.FollowUp.DONE: N_("Selesai ditindaklanjuti"),
}


def _recommendations(office: Office, year: int) -> tuple[le.Cited | None, tuple[le.Recommendation, ...]]:
    previous = Evaluation.objects.filter(office=office, year__lt=year).order_by("-year").first()
    if previous is None:
        return None, ()
    done = Recommendation.FollowUp.DONE
    recs = []
    for r in previous.recommendations.all():
        later = list(r.carried_to.values_list("follow_up_status", flat=True))
        status = later[-1] if later else r.follow_up_status
        recs.append(
            le.Recommendation(
                r.text, done in (r.follow_up_status, *later), msg(FOLLOW_UP_WORDS[Recommendation.FollowUp(status)])
            )
        )
    cited = le.Cited(
        msg(N_("Rekomendasi evaluasi %(year)s dan tindak lanjutnya"), year=previous.year),
        reverse("evaluation-recommendations", args=[office.code, previous.year]),
        ref=f"evaluation.Evaluation:{previous.pk}",
    )
    return cited, tuple(recs)


def collect(office: Office, year: int, today: dt.date | None = None) -> le.Facts:
    """Everything the rules read about the office-year, each cited thing with its page."""
    from sakip.agreements.models import PkTarget, PkVersion
    from sakip.monitoring.models import IndicatorYear, Quarter
    from sakip.planning.models import Indicator, PlanPeriod
    from sakip.workflow.services import rules_for

    code = office.code
    plan = (
        PlanPeriod.objects.filter(office=office, start_year__lte=year, end_year__gte=year)
        .order_by("-start_year")
        .first()
    )
    plan_cited = (
        le.Cited(
            msg(N_("Renstra %(start)s–%(end)s (pohon kinerja)"), start=plan.start_year, end=plan.end_year),
            reverse("plan-tree", args=[code]),
            ref=f"planning.PlanPeriod:{plan.pk}",
        )
        if plan
        else None
    )
    indicators = list(Indicator.objects.filter(plan=plan)) if plan else []
    versions = list(PkVersion.objects.filter(office=office, year=year).order_by("number"))
    pk_cited = None
    pk_targets = 0
    if versions:
        first, current = versions[0], versions[-1]
        pk_targets = PkTarget.objects.filter(version=current).count()
        pk_cited = le.Cited(
            msg(N_("Perjanjian Kinerja %(year)s ditandatangani (riwayat perubahan)"), year=year),
            audit_url(office, "agreements.PkVersion", first.pk),
            first.date,
            f"agreements.PkVersion:{first.pk}",
        )
    periods = _periods(office, year, rules_for(office.regency))
    # indicators with a realisation entered per quarter (the year's realisation counts for TW IV)
    entered: dict[int, set[int]] = {q: set() for q in (1, 2, 3, 4)}
    years = IndicatorYear.objects.filter(indicator__plan__office=office, year=year)
    rows = Quarter.objects.filter(indicator_year__in=years).filter(Q(value__isnull=False) | ~Q(grade=""))
    for q, iy in rows.values_list("quarter", "indicator_year_id"):
        entered[q].add(iy)
    entered[4] |= set(years.filter(Q(annual_value__isnull=False) | ~Q(annual_grade="")).values_list("pk", flat=True))
    measured = {q: len(ids) for q, ids in entered.items()}
    review, review_errors, target_findings = _review(office, year)
    previous, recs = _recommendations(office, year)
    annual = periods[(wf.Step.ANNUAL, None)]
    return le.Facts(
        year=year,
        today=today or timezone.localdate(),
        plan=plan_cited,
        plan_indicators=len(indicators),
        pk=pk_cited,
        pk_targets=pk_targets,
        pk_period=periods[(wf.Step.PK, None)],
        quarters=tuple(periods[(wf.Step.QUARTER, q)] for q in (1, 2, 3, 4)),
        quarters_measured=measured,
        indicators=years.count(),
        iku=tuple(
            le.Indicator(
                i.code,
                i.name,
                bool(i.definition.strip() or i.formula.strip()),
                bool(i.data_source.strip()),
                le.Cited(
                    msg(N_("IKU %(code)s %(name)s"), code=i.code, name=i.name[:80]),
                    reverse("indicator-edit", args=[code, i.pk]),
                    ref=f"planning.Indicator:{i.pk}",
                ),
            )
            for i in indicators
            if i.iku
        ),
        annual=annual,
        published=le.Cited(
            msg(N_("Portal publik %(office)s"), office=office.name),
            reverse("portal-office", args=[office.regency.code, code]),
        ),
        annual_document=le.Cited(
            msg(N_("Dokumen Laporan Kinerja (LKjIP) %(year)s"), year=year),
            reverse("document-download", args=[code, year, "lkjip", "docx"]),
        ),
        review=review,
        review_errors=review_errors,
        target_findings=target_findings,
        previous_evaluation=previous,
        recommendations=recs,
    )


# ----------------------------------------------------------------------------- stored proposals


def _data(value: Any) -> Any:
    """A message (and its nested messages) as JSON: {"t": template, "p": params}."""
    if isinstance(value, Message):
        return {"t": value.template, "p": {k: _data(v) for k, v in value.params.items()}}
    if isinstance(value, list | tuple):
        return [_data(v) for v in value]
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


class _Day:
    """A stored date shown in the reader's language ("8 Desember 2026")."""

    def __init__(self, iso: str) -> None:
        self.day = dt.date.fromisoformat(iso)

    def __str__(self) -> str:
        return formats.date_format(self.day, "j F Y")


def _message(data: Any) -> Any:
    if isinstance(data, dict) and "d" in data:
        return _Day(str(data["d"]))
    if isinstance(data, dict) and "t" in data:
        return Message(str(data["t"]), {k: _message(v) for k, v in (data.get("p") or {}).items()})
    if isinstance(data, list):
        return [_message(v) for v in data]
    return data


def stored(p: le.Proposal) -> dict[str, Any]:
    return {
        "rule": p.rule.value,
        "reasons": [_data(r) for r in p.reasons],
        "items": [
            {"label": _data(c.label), "url": c.url, "date": c.date.isoformat() if c.date else "", "ref": c.ref}
            for c in p.evidence
        ],
    }


def propose(ev: Evaluation, today: dt.date | None = None) -> int:
    """Store the proposals of the evaluation's mapped criteria; the number of answers whose proposal changed.

    A finished evaluation keeps its proposals. The answers' own values are never touched.
    """
    if ev.status == Evaluation.Status.FINISHED:
        return 0
    mapping = mapping_for(ev)
    if not mapping:
        return 0
    proposals = le.propose(mapping, collect(ev.office, ev.year, today))
    now = timezone.now()
    n = 0
    missing = Criterion.objects.filter(subcomponent__component__template=ev.template, code__in=list(mapping)).exclude(
        answers__evaluation=ev
    )
    Answer.objects.bulk_create([Answer(evaluation=ev, criterion=c) for c in missing], ignore_conflicts=True)
    for a in ev.answers.select_related("criterion").filter(criterion__code__in=list(mapping)):
        p = proposals[a.criterion.code]
        data = stored(p)
        if a.proposed_value == p.value and a.proposed_evidence == data:
            continue
        a.proposed_value, a.proposed_evidence, a.proposed_at = p.value, data, now
        a.save(update_fields=["proposed_value", "proposed_evidence", "proposed_at"])
        n += 1
    return n


def has_proposals(ev: Evaluation) -> bool:
    return ev.answers.exclude(proposed_value="").exists()


#: The posted field of the one-click confirm (the answer's id) and of "confirm every open proposal".
CONFIRM = "usulan-terima"
CONFIRM_ALL = "usulan-terima-semua"
REFRESH = "usulan-segarkan"


def confirmed_post(post: QueryDict, ev: Evaluation, role: str) -> QueryDict:
    """The posted form with the proposal as the answer of the confirmed criteria: one (``usulan-terima=<id>``)
    or every proposal the role has not answered (``usulan-terima-semua``). Stored by the form's own save."""
    one = post.get(CONFIRM, "")
    every = CONFIRM_ALL in post
    if not one and not every:
        return post
    field = "self_value" if role == "self" else "evaluator_value"
    out = post.copy()
    for a in ev.answers.exclude(proposed_value=""):
        key = f"c{a.pk}-value"
        if str(a.pk) == one or (every and not getattr(a, field) and not post.get(key)):
            out[key] = a.proposed_value
    return out


# ----------------------------------------------------------------------------- what the pages and report show


@dataclass(frozen=True)
class Item:
    label: str
    url: str
    date: dt.date | None
    ref: str


@dataclass(frozen=True)
class Shown:
    value: str
    rule: str
    reasons: list[str]
    items: list[Item]
    proposed_at: dt.datetime | None


def items_of(answer: Answer) -> list[Item]:
    out = []
    for i in (answer.proposed_evidence or {}).get("items", []):
        label = _message(i.get("label"))
        out.append(
            Item(
                label.render(gettext) if isinstance(label, Message) else str(label),
                str(i.get("url") or ""),
                dt.date.fromisoformat(i["date"]) if i.get("date") else None,
                str(i.get("ref") or ""),
            )
        )
    return out


def view(answer: Answer) -> Shown | None:
    if not answer.proposed_value:
        return None
    data = answer.proposed_evidence or {}
    reasons = []
    for r in data.get("reasons", []):
        m = _message(r)
        reasons.append(m.render(gettext) if isinstance(m, Message) else str(m))
    return Shown(answer.proposed_value, str(data.get("rule", "")), reasons, items_of(answer), answer.proposed_at)


def _who(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def status_text(answer: Answer, role: str, labels: dict[str, str] | None = None) -> str:
    """ "dikonfirmasi (Budi)", "diubah menjadi Tidak ada (Budi)", "belum dijawab" — one side's answer beside
    the proposal; "" without a proposal."""
    if not answer.proposed_value:
        return ""
    value = answer.self_value if role == "self" else answer.evaluator_value
    who = _who(answer.self_by if role == "self" else answer.evaluator_by)
    by = f" ({who})" if who else ""
    if not value:
        return gettext("belum dijawab")
    if value == answer.proposed_value:
        return gettext("dikonfirmasi") + by
    shown = (labels or {}).get(value, value)
    return gettext("diubah menjadi %(v)s") % {"v": shown} + by
