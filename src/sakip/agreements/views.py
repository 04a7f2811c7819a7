"""Perjanjian Kinerja: the agreement in force and its versions, the original, amendments (SPEC §1, §8)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
from sakip.core.concurrency import (
    MINE,
    Changed,
    Conflict,
    conflict_context,
    last_changes,
    locked,
    reapplied,
    retrying,
    token,
    verify,
)
from sakip.core.params import int_param
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
PROGRAM_FIELDS = ("code", "name", "allocation", "source")


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
    number = int_param(requested)
    if number is not None:
        shown = next((v for v in versions if v.number == number), shown)
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


def _read(post: QueryDict, form: PkForm, amendment: bool) -> None:
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
    n = int_param(post.get("program_rows", "0")) or 0
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
    if request.method == "POST":
        require(membership, office, "plan")
        refused = refuse_if_locked(request, office, year, "pk")
        if refused is not None:
            return refused
    post = reapplied(request.POST) if request.method == "POST" else None
    frozen = qt.frozen_quarters(office, year)
    if post is not None and post.get(pk_quarters.ACTION, "") and post.get(pk_quarters.FLAG) == "1":
        return _filled(request, office, membership, year, amendment, post, frozen)
    try:
        out = retrying(lambda: _pk_attempt(post, office, year, amendment))
    except Changed:
        out = _pk_attempt(None, office, year, amendment)
        out.problems.append(_("Perjanjian Kinerja ini sedang diubah orang lain; tidak ada yang disimpan. Coba lagi."))
        out.status = 409
    if out.blocked is not None and request.method == "POST":
        messages.error(request, out.blocked)
        return redirect(detail)
    if out.saved:
        messages.success(request, _("Perjanjian Kinerja %(year)s tersimpan.") % {"year": year})
        return redirect(detail)
    if post is not None and not out.conflicts and not out.form.valid:
        messages.error(request, _("Tidak ada yang disimpan: perbaiki isian yang ditandai."))
    editable = can(membership, office, "plan") and out.blocked is None and not lock_message(office, year, "pk")
    context = page_context(
        office, membership, "pk", year,
        form=out.form, amendment=amendment, editable=editable, blocked=out.blocked, problems=out.problems,
        source=out.source, program_rows=len(out.form.programs), detail_url=detail,
        program_codes=list(ProgramNode.objects.filter(plan=current_plan(office)).values_list("code", "name")),
        version=out.loaded if out.loaded is not None else token(out.source),
        conflict_form=True, **conflict_context(out.conflicts),
        extra_mine=out.extra_mine, **_quarter_context(out.form, frozen),
    )
    return render(request, "agreements/pk_form.html", context, status=out.status)


def _quarter_context(form: PkForm, frozen: dict[int, str]) -> dict[str, Any]:
    """The quarter-target fields of the PK form (`pk_quarters`): labels, frozen quarters, the pattern button."""
    pk_quarters.cells(form.targets, frozen)
    return {
        "quarters": [QUARTER_LABELS[q] for q in QUARTERS],
        "frozen": frozen,
        "frozen_text": next(iter(frozen.values()), ""),
        "any_pattern": any(r.get("has_pattern") for r in form.targets),
    }


def _filled(
    request: HttpRequest, office: Office, membership: Membership | None, year: int, amendment: bool,
    post: QueryDict, frozen: dict[int, str],
) -> HttpResponse:
    """«Bagi rata» / «Pola tahun lalu»: the quarter fields filled on the page, nothing stored (the user saves)."""
    out = _pk_attempt(None, office, year, amendment)
    form = out.form
    _read(post, form, amendment)
    pk_quarters.read(post, form.targets, frozen)
    form.errors = {}  # only the quarter fields are filled: the rest of the form is checked when it is saved
    for row in form.programs:
        row["errors"] = []
    action = post.get(pk_quarters.ACTION, "")
    filled, reasons = pk_quarters.fill(action, form.targets, frozen, year)
    if filled:
        messages.info(request, pk_quarters.filled_message(action.partition("-")[0], filled))
    for reason in reasons:
        messages.error(request, reason)
    editable = can(membership, office, "plan") and out.blocked is None and not lock_message(office, year, "pk")
    context = page_context(
        office, membership, "pk", year,
        form=form, amendment=amendment, editable=editable, blocked=out.blocked, problems=[],
        source=out.source, program_rows=len(form.programs), detail_url=reverse("pk-detail", args=[office.code, year]),
        program_codes=list(ProgramNode.objects.filter(plan=current_plan(office)).values_list("code", "name")),
        version=post.get("ver") or token(out.source), conflict_form=True, **conflict_context([]),
        extra_mine=[], **_quarter_context(form, frozen),
    )
    return render(request, "agreements/pk_form.html", context)


@dataclass
class _PkOutcome:
    form: PkForm
    source: PkVersion | None
    blocked: str | None = None
    loaded: str | None = None  # the version the form was loaded with (kept while the user fixes errors)
    problems: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    extra_mine: list[tuple[str, str]] = field(default_factory=list)
    saved: bool = False
    status: int = 200


def _pk_attempt(post: QueryDict | None, office: Office, year: int, amendment: bool) -> _PkOutcome:
    """Read the year's PK versions (and what was typed), check the version the form was loaded with, store."""
    versions = list(PkVersion.objects.filter(office=office, year=year).order_by("number"))
    blocked = None
    if amendment and not versions:
        blocked = _("Belum ada Perjanjian Kinerja tahun ini; buat PK awal terlebih dahulu.")
    if not amendment and len(versions) > 1:
        blocked = _("PK tahun ini sudah diubah; PK awal tidak dapat diedit lagi. Buat PK Perubahan baru.")
    source = versions[-1] if versions else None
    out = _PkOutcome(_initial(office, year, source), source, blocked)
    if post is None or blocked is not None:
        return out
    form = out.form
    _read(post, form, amendment)
    quarters = pk_quarters.read(post, form.targets, qt.frozen_quarters(office, year))
    if quarters:
        pk_quarters.check(form.targets)
    if "ver" in post:
        out.loaded = post.get("ver") or ""
    if not form.valid:
        return out
    if out.loaded is not None and out.loaded != token(source):  # changed (or made) by someone since
        stored = _initial(office, year, source)
        out.conflicts, out.extra_mine = _conflicts(form, stored, source, amendment, year)
        if out.conflicts:
            out.form, out.loaded, out.status = _shown(form, stored, out.conflicts), None, 409
            return out
        out.saved = True  # typed exactly what is stored now: nothing to add
        return out
    try:
        with atomic_checked(office):
            latest = locked(PkVersion.objects.filter(office=office, year=year)).order_by("-number").first()
            verify({"pk": token(source)}, {"pk": token(latest)})
            if amendment:
                assert source is not None
                version = PkVersion(office=office, year=year, number=source.number + 1,
                                    kind=PkVersion.Kind.AMENDMENT, reason=form.reason)
            else:
                version = source or PkVersion(office=office, year=year, number=1, kind=PkVersion.Kind.ORIGINAL)
            try:
                _store(version, form, quarters)
            except IntegrityError as exc:  # the same version made by a save that does not take the office's lock
                raise Changed("pk") from exc
    except Rollback as exc:
        out.problems.extend(exc.issues)
        return out
    out.saved = True
    return out


def _person_label(key: str) -> str:
    party, _sep, part = key.partition("_party_")
    who = _("Pihak pertama") if party == "first" else _("Pihak kedua")
    what = {"name": _("nama"), "rank": _("pangkat"), "nip": "NIP", "position": _("jabatan")}.get(part, part)
    return f"{who}: {what}"


def _program_key(row: dict[str, Any]) -> tuple[str, str, Decimal | str | None, str]:
    try:
        amount: Decimal | str | None = parse_amount(row["allocation"], "anggaran")
    except ValidationError:
        amount = row["allocation"]
    return (row["code"][:40], row["name"][:500], amount, row["source"][:50])


def _program_text(row: dict[str, Any]) -> str:
    return " · ".join(t for t in (row["code"], row["name"], row["allocation"], row["source"]) if t)


def _conflicts(
    typed: PkForm, stored: PkForm, source: PkVersion | None, amendment: bool, year: int
) -> tuple[list[Conflict], list[tuple[str, str]]]:
    """The fields typed differently from the PK stored now; and the hidden fields that keep the typed programs."""
    where = _("PK %(year)s") % {"year": year} + (f" (v{source.number})" if source is not None else "")
    by, at = "", None
    if source is not None:
        pks = [(PkVersion, [source.pk]), (PkTarget, [t.pk for t in source.targets.all()]),
               (PkProgram, [p.pk for p in source.programs.all()])]
        for model, ids in pks:
            for who, when in last_changes(model, ids).values():
                if at is None or when > at:
                    by, at = who, when
    out: list[Conflict] = []

    def differ(label: str, stored_text: str, typed_text: str, name: str) -> None:
        if stored_text != typed_text:
            out.append(Conflict(where, label, stored_text, typed_text, by, at, name=name))

    if amendment and source is not None and source.kind == PkVersion.Kind.AMENDMENT:
        differ(_("Alasan perubahan"), source.reason, typed.reason, "reason")
    differ(_("Tanggal"), stored.date, typed.date, "date")
    differ(_("Judul"), stored.title, typed.title, "title")
    for key, value in typed.people.items():
        differ(_person_label(key), stored.people.get(key, ""), value, key)
    stored_targets = {r["ind"].pk: r["text"] for r in stored.targets}
    for row in typed.targets:
        ind = row["ind"]
        before = stored_targets.get(ind.pk, "")
        same = _target_fields_of(before, ind) == row.get("parsed")
        if not same:
            out.append(Conflict(where, _("Target %(code)s") % {"code": ind.code}, before, row["text"], by, at,
                                name=f"t-{ind.pk}"))
    typed_programs = [r for r in typed.programs if r.get("parsed") is not None]
    stored_programs = [r for r in stored.programs if r["name"]]
    extra: list[tuple[str, str]] = []
    if [_program_key(r) for r in typed_programs] != [_program_key(r) for r in stored_programs]:
        out.append(Conflict(where, _("Program dan anggaran"), "\n".join(_program_text(r) for r in stored_programs),
                            "\n".join(_program_text(r) for r in typed_programs), by, at, name="programs", raw=()))
        rows = max(len(typed_programs), len(stored_programs)) + EXTRA_PROGRAM_ROWS
        for i in range(rows):
            r = typed_programs[i] if i < len(typed_programs) else {}
            extra.extend((f"{MINE}programs:p-{i}-{k}", str(r.get(k, ""))) for k in PROGRAM_FIELDS)
        extra.append((f"{MINE}programs:program_rows", str(rows)))
    return out, extra


def _target_fields_of(text: str, ind: Indicator) -> dict[str, Any] | None:
    try:
        return parse_target(text, ind.polarity, ind.ordinal_scale, ind.code)
    except ValidationError:
        return None


def _shown(typed: PkForm, stored: PkForm, found: list[Conflict]) -> PkForm:
    """The form of a 409 page: what is stored now in the conflicting fields, what was typed elsewhere."""
    names = {c.name for c in found}
    shown = PkForm(date=typed.date, title=typed.title, reason=typed.reason, people=dict(typed.people))
    if "date" in names:
        shown.date = stored.date
    if "title" in names:
        shown.title = stored.title
    for key in shown.people:
        if key in names:
            shown.people[key] = stored.people.get(key, "")
    stored_targets = {r["ind"].pk: r["text"] for r in stored.targets}
    shown.targets = [  # the row as typed (its quarter fields too), the stored target where that conflicts
        {**r, "text": stored_targets.get(r["ind"].pk, "") if f"t-{r['ind'].pk}" in names else r["text"],
         "errors": []}
        for r in typed.targets
    ]
    programs_differ = "programs" in names
    shown.programs = stored.programs if programs_differ else typed.programs
    return shown


@office_view("view")
def pk_edit(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """Create or edit the original PK of a year (targets prefilled from the plan)."""
    return _pk_form(request, year, office, membership, amendment=False)


@office_view("view")
def pk_amend(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """A PK Perubahan: the current version's targets copied to edit, with a required reason."""
    return _pk_form(request, year, office, membership, amendment=True)
