"""Perjanjian Kinerja: the agreement in force and its versions, the original, amendments (SPEC §1, §8)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
from sakip.core.web import (
    Rollback,
    atomic_checked,
    compute,
    current_plan,
    default_year,
    input_text,
    page_context,
    parse_amount,
    parse_target,
    require,
    stored_target_text,
    valid_year,
    year_choices,
    year_switch,
)
from sakip.domain.periods import QUARTER_LABELS, QUARTERS
from sakip.domain.quarter_targets import shown as shown_target
from sakip.planning.models import Indicator, ProgramNode, Target
from sakip.reports.scorecard import show_number
from sakip.workflow.services import is_locked
from sakip.workflow.web import lock_message, refuse_if_locked

from . import pk_quarters
from . import quarter_targets as qt
from .models import PkProgram, PkTarget, PkVersion

PEOPLE = ("first_party", "second_party")
PERSON_FIELDS = ("name", "rank", "nip", "position")
EXTRA_PROGRAM_ROWS = 3


def _year_guard(request: HttpRequest, office: Office, year: int, name: str) -> HttpResponse | None:
    if request.method == "GET" and (year == 0 or year_switch(request, year)):
        return redirect(reverse(name, args=[office.code, year_switch(request, year) or default_year(office)]))
    if not valid_year(year):
        raise Http404(_("Tahun tidak dikenal"))
    return None


def _target_display(t: Any) -> str:
    if t.grade:
        return str(t.grade)
    if t.low is not None or t.high is not None:
        return f"{show_number(t.low)} – {show_number(t.high)}"
    return show_number(t.value)


@require_safe
@office_view("view")
def pk_detail(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """The PK in force for a year, its earlier versions, signatories, targets, programs and budget."""
    guard = _year_guard(request, office, year, "pk-detail")
    if guard is not None:
        return guard
    versions = list(PkVersion.objects.filter(office=office, year=year).order_by("number"))
    shown = versions[-1] if versions else None
    requested = request.GET.get("versi", "")
    if requested.isdigit():
        shown = next((v for v in versions if v.number == int(requested)), shown)
    targets = []
    programs: list[PkProgram] = []
    total = None
    quarter_targets = False
    if shown is not None:
        targets = [
            {"t": t, "ind": t.indicator, "text": _target_display(t)}
            for t in shown.targets.select_related("indicator").order_by("order", "id")
        ]
        # quarter targets belong to the year: shown with the version in force
        quarter_targets = shown == versions[-1]
        if quarter_targets:
            _quarter_cells(targets, year)
        programs = list(shown.programs.all())
        total = sum((p.allocation for p in programs), Decimal(0)) if programs else None
    computed = compute(office, year) if versions else None
    sc = computed.scorecard if computed else None
    findings = [f for f in sc.findings if f.where.startswith("PK ")] if sc else []
    context = page_context(
        office, membership, "pk", year,
        versions=versions, shown=shown, in_force=versions[-1] if versions else None,
        targets=targets, programs=[{"p": p, "allocation": show_number(p.allocation, 2)} for p in programs],
        total=show_number(total, 2) if total is not None else None,
        printed_total=show_number(shown.printed_total, 2) if shown and shown.printed_total is not None else None,
        quarter_targets=quarter_targets, quarters=[QUARTER_LABELS[q] for q in QUARTERS],
        findings=findings, years=year_choices(office, year), has_plan=current_plan(office) is not None,
        can_plan=can(membership, office, "plan"),
        # the workflow panel says why: a submitted, verified or approved PK is not edited
        pk_frozen=is_locked(office, year, "pk"),
    )
    return render(request, "agreements/pk_detail.html", context)


def _quarter_cells(targets: list[dict[str, Any]], year: int) -> None:
    """Each PK row's quarter targets as shown (``-`` not set), its kind, and the domain's warnings."""
    stored = qt.stored(year, [r["ind"] for r in targets])
    for r in targets:
        s = stored.get(r["ind"].pk, qt.Stored())
        r["quarters"] = [
            "-" if v is None else shown_target(v) for v in (s.targets.get(q) for q in QUARTERS)
        ]
        r["has_quarters"] = bool(s.targets)
        r["cumulative"] = s.cumulative
        checked = qt.check(r["ind"], s.targets, s.cumulative, qt.domain_target(r["t"])) if s.targets else None
        r["q_warnings"] = checked.warnings + checked.all_errors() if checked else []


@dataclass
class PkForm:
    """The fields of a PK version as typed, with an error list per field."""

    date: str = ""
    title: str = ""
    reason: str = ""
    people: dict[str, str] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)
    programs: list[dict[str, Any]] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def valid(self) -> bool:
        return (
            not any(self.errors.values())
            and not any(r["errors"] for r in self.targets + self.programs)
            and not any(r.get("q_errors") for r in self.targets)
        )


def _initial(office: Office, year: int, source: PkVersion | None) -> PkForm:
    plan = current_plan(office)
    form = PkForm()
    indicators = list(Indicator.objects.filter(plan=plan).order_by("order", "id")) if plan else []
    if source is not None:
        form.date = source.date.isoformat() if source.date else ""
        form.title = source.title
        for p in PEOPLE:
            for f in PERSON_FIELDS:
                form.people[f"{p}_{f}"] = getattr(source, f"{p}_{f}")
        stored = {t.indicator_id: stored_target_text(t) for t in source.targets.all()}
        programs = [
            {"code": p.program_code, "name": p.name, "allocation": input_text(p.allocation), "source": p.source}
            for p in source.programs.all()
        ]
    else:
        form.people = {
            "first_party_name": office.head_name, "first_party_rank": office.head_rank,
            "first_party_nip": office.head_nip, "first_party_position": office.head_position,
            "second_party_name": office.superior_name, "second_party_rank": "",
            "second_party_nip": "", "second_party_position": office.superior_position,
        }
        plan_targets = Target.objects.filter(indicator__in=indicators, year=year)
        stored = {t.indicator_id: stored_target_text(t) for t in plan_targets}
        programs = [
            {"code": n.code, "name": n.name, "allocation": "", "source": "APBD"}
            for n in (ProgramNode.objects.filter(plan=plan, parent__isnull=True) if plan else [])
        ]
    form.targets = [{"ind": i, "text": stored.get(i.pk, ""), "errors": []} for i in indicators]
    pk_quarters.prepare(form.targets, year)
    form.programs = [{**p, "errors": []} for p in programs] + [
        {"code": "", "name": "", "allocation": "", "source": "", "errors": []} for _i in range(EXTRA_PROGRAM_ROWS)
    ]
    return form


def _read(request: HttpRequest, form: PkForm, amendment: bool) -> None:
    post = request.POST
    form.date = post.get("date", "").strip()
    form.title = post.get("title", "").strip()
    form.reason = post.get("reason", "").strip()
    if form.date:
        try:
            datetime.date.fromisoformat(form.date)
        except ValueError:
            form.error("date", _("Tanggal tidak sah (TTTT-BB-HH)"))
    if amendment and not form.reason:
        form.error("reason", _("Alasan perubahan wajib diisi untuk PK Perubahan."))
    for p in PEOPLE:
        for f in PERSON_FIELDS:
            form.people[f"{p}_{f}"] = post.get(f"{p}_{f}", "").strip()
    if not form.people["first_party_name"]:
        form.error("first_party_name", _("Nama pihak pertama wajib diisi."))
    any_target = False
    for row in form.targets:
        ind: Indicator = row["ind"]
        row["text"] = post.get(f"t-{ind.pk}", "").strip()
        try:
            row["parsed"] = parse_target(row["text"], ind.polarity, ind.ordinal_scale, ind.code)
        except ValidationError as exc:
            row["errors"] = exc.messages
            row["parsed"] = None
        any_target = any_target or row["parsed"] is not None
    if not any_target and not any(r["errors"] for r in form.targets):
        form.error("targets", _("Isi target sekurang-kurangnya satu indikator."))
    n = int(post.get("program_rows", "0") or 0) if post.get("program_rows", "0").isdigit() else 0
    rows = []
    for i in range(min(n, 200)):
        row = {k: post.get(f"p-{i}-{k}", "").strip() for k in ("code", "name", "allocation", "source")}
        row["errors"] = []
        if not any(row[k] for k in ("code", "name", "allocation")):
            continue
        if not row["name"]:
            row["errors"].append(_("Nama program wajib diisi."))
        try:
            row["parsed"] = parse_amount(row["allocation"], "anggaran")
        except ValidationError as exc:
            row["errors"].extend(exc.messages)
            row["parsed"] = None
        else:
            if row["parsed"] is None:
                row["errors"].append(_("Anggaran program wajib diisi."))
            elif row["parsed"] < 0:
                row["errors"].append(_("Anggaran tidak boleh negatif."))
        rows.append(row)
    form.programs = rows + [
        {"code": "", "name": "", "allocation": "", "source": "", "errors": []} for _i in range(EXTRA_PROGRAM_ROWS)
    ]


def _store(version: PkVersion, form: PkForm, quarters: bool) -> None:
    version.date = datetime.date.fromisoformat(form.date) if form.date else None
    version.title = form.title
    for k, v in form.people.items():
        setattr(version, k, v)
    version.save()
    version.targets.all().delete()
    version.programs.all().delete()
    order = 0
    for row in form.targets:
        if row.get("parsed") is None:
            continue
        PkTarget.objects.create(version=version, indicator=row["ind"], order=order, **row["parsed"])
        order += 1
    for i, row in enumerate(r for r in form.programs if r.get("parsed") is not None):
        PkProgram.objects.create(version=version, program_code=row["code"][:40], name=row["name"][:500],
                                 allocation=row["parsed"], source=row["source"][:50], order=i)
    if quarters:
        pk_quarters.store(form.targets, version.year)


def _pk_form(
    request: HttpRequest, year: int, office: Office, membership: Membership | None, amendment: bool
) -> HttpResponse:
    name = "pk-amend" if amendment else "pk-edit"
    guard = _year_guard(request, office, year, name)
    if guard is not None:
        return guard
    detail = reverse("pk-detail", args=[office.code, year])
    if current_plan(office) is None:
        messages.error(request, _("Buat rencana strategis terlebih dahulu."))
        return redirect(detail)
    versions = list(PkVersion.objects.filter(office=office, year=year).order_by("number"))
    blocked = None
    if amendment and not versions:
        blocked = _("Belum ada Perjanjian Kinerja tahun ini; buat PK awal terlebih dahulu.")
    if not amendment and len(versions) > 1:
        blocked = _("PK tahun ini sudah diubah; PK awal tidak dapat diedit lagi. Buat PK Perubahan baru.")
    editable = can(membership, office, "plan") and blocked is None and not lock_message(office, year, "pk")
    if request.method == "POST":
        require(membership, office, "plan")
        refused = refuse_if_locked(request, office, year, "pk")
        if refused is not None:
            return refused
        if blocked is not None:
            messages.error(request, blocked)
            return redirect(detail)
    source = versions[-1] if versions else None
    form = _initial(office, year, source)
    problems: list[str] = []
    frozen = qt.frozen_quarters(office, year)
    if request.method == "POST":
        _read(request, form, amendment)
        quarters = pk_quarters.read(request.POST, form.targets, frozen)
        action = request.POST.get(pk_quarters.ACTION, "")
        if quarters and action:
            # only filling the quarter fields: the rest of the form is checked when it is saved
            form.errors = {}
            for row in form.programs:
                row["errors"] = []
            filled, reasons = pk_quarters.fill(action, form.targets, frozen, year)
            if filled:
                messages.info(request, pk_quarters.filled_message(action.partition("-")[0], filled))
            for reason in reasons:
                messages.error(request, reason)
            return render(request, "agreements/pk_form.html", _form_context(
                office, membership, year, form, amendment, editable, blocked, problems, source, detail, frozen))
        if quarters:
            pk_quarters.check(form.targets)
        if form.valid:
            try:
                with atomic_checked(office):
                    if amendment:
                        version = PkVersion(office=office, year=year, number=versions[-1].number + 1,
                                            kind=PkVersion.Kind.AMENDMENT, reason=form.reason)
                    else:
                        version = versions[0] if versions else PkVersion(
                            office=office, year=year, number=1, kind=PkVersion.Kind.ORIGINAL)
                    _store(version, form, quarters)
            except Rollback as exc:
                problems.extend(exc.issues)
            else:
                messages.success(request, _("Perjanjian Kinerja %(year)s tersimpan.") % {"year": year})
                return redirect(detail)
        else:
            messages.error(request, _("Tidak ada yang disimpan: perbaiki isian yang ditandai."))
    context = _form_context(office, membership, year, form, amendment, editable, blocked, problems, source, detail,
                            frozen)
    return render(request, "agreements/pk_form.html", context)


def _form_context(
    office: Office, membership: Membership | None, year: int, form: PkForm, amendment: bool, editable: bool,
    blocked: str | None, problems: list[str], source: PkVersion | None, detail: str, frozen: dict[int, str],
) -> dict[str, Any]:
    pk_quarters.cells(form.targets, frozen)
    return page_context(
        office, membership, "pk", year,
        form=form, amendment=amendment, editable=editable, blocked=blocked, problems=problems,
        source=source, program_rows=len(form.programs), detail_url=detail,
        program_codes=list(ProgramNode.objects.filter(plan=current_plan(office)).values_list("code", "name")),
        quarters=[QUARTER_LABELS[q] for q in QUARTERS], frozen=frozen,
        frozen_text=next(iter(frozen.values()), ""),
        any_pattern=any(r.get("has_pattern") for r in form.targets),
    )


@office_view("view")
def pk_edit(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """Create or edit the original PK of a year (targets prefilled from the plan)."""
    return _pk_form(request, year, office, membership, amendment=False)


@office_view("view")
def pk_amend(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """A PK Perubahan: the current version's targets copied to edit, with a required reason."""
    return _pk_form(request, year, office, membership, amendment=True)
