"""Answers Sakip proposes from its own data for the LKE 88/2021 worksheet (issue #15).

Many criteria of the worksheet are facts Sakip already holds: a Renstra with indicators, the
PK signed on time and published, the quarters delivered by their due dates, the LKjIP
approved and published by its due date, IKU with an operational definition and a data
source, targets that agree between Renstra and PK, the review's findings followed up, last
year's recommendations acted on. Each fact is a *rule* here: it decides from `Facts` — plain
data an adapter collected (`sakip.evaluation.evidence`) — whether the criterion is met
("Y", *Ada*) or not ("T", *Tidak ada*), with the reasons and the evidence it cites (a label,
where to see it, its date). Which criterion a rule answers is data next to the preset
(`evaluation/presets/evidence.yaml`), not code.

Rules that already exist elsewhere are asked, never written again: the due date of a period is
`workflow.due_date` with the regency's rule, a period counts as delivered in the states the
overdue rule counts as done (`workflow.DELIVERED_STATES`), the consistency of targets is the
review rule ``OPD-TARGET-01`` (the adapter runs the review and passes its findings).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from . import workflow as wf
from .errors import N_, Message, msg

YES = "Y"
NO = "T"


class Rule(StrEnum):
    RENSTRA = "renstra"
    PK_EXISTS = "pk-exists"
    PK_APPROVED = "pk-approved"
    PK_ON_TIME = "pk-on-time"
    TARGETS_CONSISTENT = "targets-consistent"
    QUARTERS_ON_TIME = "quarters-on-time"
    MEASURED_IN_APP = "measured-in-app"
    IKU_DEFINED = "iku-defined"
    LKJIP_SUBMITTED = "lkjip-submitted"
    LKJIP_REVIEWED = "lkjip-reviewed"
    LKJIP_APPROVED = "lkjip-approved"
    LKJIP_ON_TIME = "lkjip-on-time"
    REVIEW_CLEAN = "review-clean"
    RECOMMENDATIONS_DONE = "recommendations-done"


@dataclass(frozen=True)
class Cited:
    """Something in Sakip's data a proposal cites: what it is, where to see it, its date, the row it is."""

    label: Message
    url: str = ""
    date: dt.date | None = None
    ref: str = ""  # "app.Model:id" of the row, "" for a page that is not one row


@dataclass(frozen=True)
class Period:
    """One workflow period (the PK, a quarter, the LKjIP) as stored: its state and when it moved."""

    step: wf.Step
    year: int
    quarter: int | None
    state: wf.State
    rule: wf.DueRule
    delivered: dt.date | None = None  # the first day it reached a delivered state (submitted or further)
    verified: dt.date | None = None  # the last verification
    approved: dt.date | None = None  # the last approval
    history: Cited | None = None  # the period's workflow history (the audit entries of the period)
    page: Cited | None = None  # the page of the period's data

    @property
    def due(self) -> dt.date:
        return wf.due_date(self.rule, self.year, self.quarter)

    @property
    def is_delivered(self) -> bool:
        return self.state in wf.DELIVERED_STATES

    @property
    def is_approved(self) -> bool:
        return wf.is_approved(self.state)

    def on_time(self) -> bool:
        return self.delivered is not None and self.delivered <= self.due


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    definition: bool  # an operational definition or a formula
    data_source: bool
    page: Cited | None = None


@dataclass(frozen=True)
class Recommendation:
    text: str
    done: bool
    status: Message


@dataclass(frozen=True)
class Facts:
    """What an adapter read about one office-year (and the day it read it)."""

    year: int
    today: dt.date
    plan: Cited | None = None  # the Renstra covering the year
    plan_indicators: int = 0
    pk: Cited | None = None  # the PK of the year in force (its date: the day it was signed)
    pk_targets: int = 0
    pk_period: Period | None = None
    quarters: tuple[Period, ...] = ()
    quarters_measured: Mapping[int, int] = field(default_factory=dict)  # quarter → indicators with a value
    indicators: int = 0  # indicators measured in the year
    iku: tuple[Indicator, ...] = ()
    annual: Period | None = None
    published: Cited | None = None  # the public portal's page of the office
    annual_document: Cited | None = None  # the LKjIP as Sakip writes it
    review: Cited | None = None  # the review page of the year (None: it could not be computed)
    review_errors: tuple[str, ...] = ()  # the review's findings still wrong (major or minor), as text
    target_findings: tuple[str, ...] = ()  # the findings of OPD-TARGET-01, as text
    previous_evaluation: Cited | None = None  # last year's recommendations page
    recommendations: tuple[Recommendation, ...] = ()


@dataclass(frozen=True)
class Proposal:
    rule: Rule
    value: str  # YES or NO
    reasons: tuple[Message, ...]
    evidence: tuple[Cited, ...]


def _p(rule: Rule, ok: bool, reasons: list[Message], evidence: list[Cited | None]) -> Proposal:
    return Proposal(rule, YES if ok else NO, tuple(reasons), tuple(e for e in evidence if e is not None))


def _day(d: dt.date | None) -> dt.date | str:
    """A date as a message parameter (the adapter shows it in the reader's format), "—" when unknown."""
    return d if d else "—"


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


# ----------------------------------------------------------------------------- the rules

RULES: dict[Rule, Callable[[Facts], Proposal]] = {}


def _rule(key: Rule) -> Callable[[Callable[[Facts], Proposal]], Callable[[Facts], Proposal]]:
    def register(fn: Callable[[Facts], Proposal]) -> Callable[[Facts], Proposal]:
        RULES[key] = fn
        return fn

    return register


@_rule(Rule.RENSTRA)
def _renstra(f: Facts) -> Proposal:
    ok = f.plan is not None and f.plan_indicators > 0
    if f.plan is None:
        why = msg(N_("Tidak ada Renstra yang mencakup tahun %(year)s."), year=f.year)
    elif not f.plan_indicators:
        why = msg(N_("Renstra tahun %(year)s belum memuat indikator tujuan/sasaran."), year=f.year)
    else:
        why = msg(N_("Renstra mencakup tahun %(year)s dengan %(n)s indikator."), year=f.year, n=f.plan_indicators)
    return _p(Rule.RENSTRA, ok, [why], [f.plan])


@_rule(Rule.PK_EXISTS)
def _pk_exists(f: Facts) -> Proposal:
    ok = f.pk is not None and f.pk_targets > 0
    if f.pk is None:
        why = msg(N_("Perjanjian Kinerja tahun %(year)s belum ada."), year=f.year)
    elif not f.pk_targets:
        why = msg(N_("Perjanjian Kinerja tahun %(year)s belum memuat target."), year=f.year)
    else:
        why = msg(N_("Perjanjian Kinerja tahun %(year)s memuat %(n)s target."), year=f.year, n=f.pk_targets)
    return _p(Rule.PK_EXISTS, ok, [why], [f.pk])


def _approval(period: Period | None, what: Message) -> tuple[bool, Message]:
    if period is None or not period.is_approved:
        return False, msg(N_("%(what)s belum disetujui (status: %(state)s)."), what=what, state=_state(period))
    return True, msg(N_("%(what)s disetujui pada %(day)s."), what=what, day=_day(period.approved))


def _state(period: Period | None) -> Message:
    return STATE_WORDS[period.state if period else wf.State.DRAFT]


STATE_WORDS = {
    wf.State.DRAFT: msg(N_("draf")),
    wf.State.SUBMITTED: msg(N_("diajukan")),
    wf.State.RETURNED: msg(N_("dikembalikan")),
    wf.State.VERIFIED: msg(N_("diverifikasi")),
    wf.State.APPROVED: msg(N_("disetujui")),
    wf.State.REOPENED: msg(N_("dibuka kembali")),
}

PK_WORD = msg(N_("Perjanjian Kinerja"))
LKJIP_WORD = msg(N_("Laporan Kinerja (LKjIP)"))


def _period_items(period: Period | None) -> list[Cited | None]:
    return [period.page, period.history] if period else []


@_rule(Rule.PK_APPROVED)
def _pk_approved(f: Facts) -> Proposal:
    ok, why = _approval(f.pk_period, PK_WORD)
    reasons = [why]
    if f.pk is None:
        ok = False
        reasons.append(msg(N_("Perjanjian Kinerja tahun %(year)s belum ada."), year=f.year))
    elif f.pk.date is None:
        ok = False
        reasons.append(msg(N_("Tanggal penandatanganan Perjanjian Kinerja belum diisi.")))
    else:
        reasons.append(msg(N_("Perjanjian Kinerja ditandatangani pada %(day)s."), day=_day(f.pk.date)))
    return _p(Rule.PK_APPROVED, ok, reasons, [f.pk, *_period_items(f.pk_period)])


def _on_time(period: Period | None, what: Message) -> tuple[bool, list[Message]]:
    if period is None or period.delivered is None:
        return False, [msg(N_("%(what)s belum diajukan."), what=what)]
    due = period.due
    if period.delivered <= due:
        return True, [
            msg(
                N_("%(what)s diajukan pada %(day)s, tenggat %(due)s."),
                what=what,
                day=_day(period.delivered),
                due=_day(due),
            )
        ]
    return False, [
        msg(
            N_("%(what)s diajukan pada %(day)s, melewati tenggat %(due)s."),
            what=what,
            day=_day(period.delivered),
            due=_day(due),
        )
    ]


@_rule(Rule.PK_ON_TIME)
def _pk_on_time(f: Facts) -> Proposal:
    """Signed by the PK's due date (the workflow's rule), delivered by it, and published (approved)."""
    period = f.pk_period
    ok, reasons = _on_time(period, PK_WORD)
    if f.pk is not None and f.pk.date is not None and period is not None:
        signed_ok = f.pk.date <= period.due
        ok = ok and signed_ok
        template = (
            N_("Perjanjian Kinerja ditandatangani pada %(day)s, tenggat %(due)s.")
            if signed_ok
            else N_("Perjanjian Kinerja ditandatangani pada %(day)s, melewati tenggat %(due)s.")
        )
        reasons.append(msg(template, day=_day(f.pk.date), due=_day(period.due)))
    else:
        ok = False
        reasons.append(msg(N_("Tanggal penandatanganan Perjanjian Kinerja belum diisi.")))
    approved, why = _approval(period, PK_WORD)
    reasons.append(why)
    if approved:
        reasons.append(msg(N_("Perjanjian Kinerja yang disetujui tampil di portal publik.")))
    return _p(
        Rule.PK_ON_TIME, ok and approved, reasons, [f.pk, *_period_items(period), f.published if approved else None]
    )


@_rule(Rule.TARGETS_CONSISTENT)
def _targets(f: Facts) -> Proposal:
    if f.review is None:
        return _p(
            Rule.TARGETS_CONSISTENT,
            False,
            [msg(N_("Reviu data tahun %(year)s tidak dapat dihitung."), year=f.year)],
            [],
        )
    if f.pk is None or not f.pk_targets:
        return _p(
            Rule.TARGETS_CONSISTENT,
            False,
            [msg(N_("Perjanjian Kinerja tahun %(year)s belum memuat target."), year=f.year)],
            [f.review],
        )
    if f.target_findings:
        reasons = [
            msg(
                N_("Reviu menemukan %(n)s indikator yang targetnya berbeda dari Perjanjian Kinerja."),
                n=len(f.target_findings),
            ),
            *(Message("%(t)s", {"t": t}) for t in f.target_findings[:5]),
        ]
        return _p(Rule.TARGETS_CONSISTENT, False, reasons, [f.review, f.pk, f.plan])
    why = msg(
        N_("Reviu (aturan OPD-TARGET-01) tidak menemukan target yang berbeda antara Renstra dan Perjanjian Kinerja.")
    )
    return _p(Rule.TARGETS_CONSISTENT, True, [why], [f.review, f.pk, f.plan])


def _due_quarters(f: Facts) -> list[Period]:
    return [q for q in f.quarters if q.due <= f.today]


@_rule(Rule.QUARTERS_ON_TIME)
def _quarters_on_time(f: Facts) -> Proposal:
    due = _due_quarters(f)
    reasons: list[Message] = []
    ok = bool(due)
    if not due:
        reasons.append(msg(N_("Belum ada triwulan tahun %(year)s yang jatuh tenggat."), year=f.year))
    for q in due:
        good, why = _on_time(q, msg(N_("Data TW %(q)s"), q=ROMAN.get(q.quarter or 0, "")))
        ok = ok and good
        reasons.extend(why)
    items: list[Cited | None] = []
    for q in due:
        items.extend(_period_items(q))
    return _p(Rule.QUARTERS_ON_TIME, ok, reasons, items)


@_rule(Rule.MEASURED_IN_APP)
def _measured(f: Facts) -> Proposal:
    due = _due_quarters(f)
    reasons: list[Message] = []
    ok = bool(due) and f.indicators > 0
    if not due or not f.indicators:
        reasons.append(msg(N_("Belum ada realisasi tahun %(year)s yang diisi di Sakip."), year=f.year))
    for q in due:
        n = f.quarters_measured.get(q.quarter or 0, 0)
        ok = ok and n > 0
        reasons.append(
            msg(
                N_("TW %(q)s: realisasi %(n)s dari %(total)s indikator diisi di Sakip."),
                q=ROMAN.get(q.quarter or 0, ""),
                n=n,
                total=f.indicators,
            )
        )
    return _p(Rule.MEASURED_IN_APP, ok, reasons, [q.page for q in due])


@_rule(Rule.IKU_DEFINED)
def _iku(f: Facts) -> Proposal:
    if not f.iku:
        return _p(Rule.IKU_DEFINED, False, [msg(N_("Belum ada indikator yang ditandai IKU."))], [f.plan])
    missing = [i for i in f.iku if not (i.definition and i.data_source)]
    if missing:
        reasons = [
            msg(
                N_("%(n)s dari %(total)s IKU belum lengkap definisi/rumus dan sumber datanya."),
                n=len(missing),
                total=len(f.iku),
            )
        ]
        reasons += [
            msg(
                N_("%(code)s: %(what)s belum diisi."),
                code=i.code,
                what=msg(N_("definisi operasional/rumus"))
                if not i.definition and i.data_source
                else msg(N_("sumber data"))
                if i.definition
                else msg(N_("definisi operasional/rumus dan sumber data")),
            )
            for i in missing[:5]
        ]
        return _p(Rule.IKU_DEFINED, False, reasons, [i.page for i in missing[:5]])
    why = msg(N_("Seluruh %(n)s IKU memiliki definisi operasional/rumus dan sumber data."), n=len(f.iku))
    return _p(Rule.IKU_DEFINED, True, [why], [i.page for i in f.iku])


@_rule(Rule.LKJIP_SUBMITTED)
def _lkjip_submitted(f: Facts) -> Proposal:
    a = f.annual
    if a is None or not a.is_delivered:
        why = msg(N_("%(what)s belum diajukan (status: %(state)s)."), what=LKJIP_WORD, state=_state(a))
        return _p(Rule.LKJIP_SUBMITTED, False, [why], _period_items(a))
    why = msg(N_("%(what)s disusun di Sakip dan diajukan pada %(day)s."), what=LKJIP_WORD, day=_day(a.delivered))
    return _p(Rule.LKJIP_SUBMITTED, True, [why], [f.annual_document, *_period_items(a)])


@_rule(Rule.LKJIP_REVIEWED)
def _lkjip_reviewed(f: Facts) -> Proposal:
    a = f.annual
    if a is None or a.verified is None or a.state not in (wf.State.VERIFIED, wf.State.APPROVED):
        why = msg(N_("%(what)s belum diverifikasi (status: %(state)s)."), what=LKJIP_WORD, state=_state(a))
        return _p(Rule.LKJIP_REVIEWED, False, [why], _period_items(a))
    why = msg(N_("%(what)s diverifikasi pada %(day)s."), what=LKJIP_WORD, day=_day(a.verified))
    return _p(Rule.LKJIP_REVIEWED, True, [why], [*_period_items(a), f.review])


@_rule(Rule.LKJIP_APPROVED)
def _lkjip_approved(f: Facts) -> Proposal:
    ok, why = _approval(f.annual, LKJIP_WORD)
    reasons = [why]
    if ok:
        reasons.append(msg(N_("Laporan Kinerja yang disetujui tampil di portal publik.")))
    return _p(
        Rule.LKJIP_APPROVED,
        ok,
        reasons,
        [f.annual_document if ok else None, *_period_items(f.annual), f.published if ok else None],
    )


@_rule(Rule.LKJIP_ON_TIME)
def _lkjip_on_time(f: Facts) -> Proposal:
    ok, reasons = _on_time(f.annual, LKJIP_WORD)
    approved, why = _approval(f.annual, LKJIP_WORD)
    reasons.append(why)
    return _p(
        Rule.LKJIP_ON_TIME,
        ok and approved,
        reasons,
        [*_period_items(f.annual), f.published if approved else None],
    )


@_rule(Rule.REVIEW_CLEAN)
def _review_clean(f: Facts) -> Proposal:
    if f.review is None:
        return _p(
            Rule.REVIEW_CLEAN, False, [msg(N_("Reviu data tahun %(year)s tidak dapat dihitung."), year=f.year)], []
        )
    if f.review_errors:
        reasons = [msg(N_("Reviu masih menemukan %(n)s kesalahan yang belum ditindaklanjuti."), n=len(f.review_errors))]
        reasons += [Message("%(t)s", {"t": t}) for t in f.review_errors[:5]]
        return _p(Rule.REVIEW_CLEAN, False, reasons, [f.review])
    return _p(
        Rule.REVIEW_CLEAN, True, [msg(N_("Reviu tidak menemukan kesalahan yang belum ditindaklanjuti."))], [f.review]
    )


@_rule(Rule.RECOMMENDATIONS_DONE)
def _recommendations(f: Facts) -> Proposal:
    if f.previous_evaluation is None:
        why = msg(N_("Tidak ada evaluasi tahun sebelumnya di Sakip."))
        return _p(Rule.RECOMMENDATIONS_DONE, False, [why], [])
    if not f.recommendations:
        why = msg(N_("Evaluasi tahun sebelumnya tidak memuat rekomendasi."))
        return _p(Rule.RECOMMENDATIONS_DONE, False, [why], [f.previous_evaluation])
    open_ = [r for r in f.recommendations if not r.done]
    if open_:
        reasons = [
            msg(
                N_("%(n)s dari %(total)s rekomendasi belum selesai ditindaklanjuti."),
                n=len(open_),
                total=len(f.recommendations),
            )
        ]
        reasons += [msg(N_("%(text)s (%(status)s)"), text=r.text[:120], status=r.status) for r in open_[:5]]
        return _p(Rule.RECOMMENDATIONS_DONE, False, reasons, [f.previous_evaluation])
    why = msg(N_("Seluruh %(n)s rekomendasi tahun sebelumnya selesai ditindaklanjuti."), n=len(f.recommendations))
    return _p(Rule.RECOMMENDATIONS_DONE, True, [why], [f.previous_evaluation])


def mapping_errors(mapping: Mapping[str, str], criteria: set[str] | None = None) -> list[str]:
    """What is wrong with a criterion → rule mapping (unknown rules; criteria not in the preset)."""
    known = {r.value for r in Rule}
    errors = [f"{code}: aturan {key!r} tidak dikenal" for code, key in mapping.items() if key not in known]
    if criteria is not None:
        errors += [f"{code}: kriteria tidak ada dalam preset" for code in mapping if code not in criteria]
    return errors


def propose(mapping: Mapping[str, str], facts: Facts) -> dict[str, Proposal]:
    """The proposal for each mapped criterion code (each rule decided once)."""
    decided: dict[Rule, Proposal] = {}
    out: dict[str, Proposal] = {}
    for code, key in mapping.items():
        r = Rule(key)
        if r not in decided:
            decided[r] = RULES[r](facts)
        out[code] = decided[r]
    return out
