"""The recommendations page: the evaluator adds recommendations per sub-component, the office records
the follow-up (status, note, date, evidence), the evaluator confirms it or returns it (issue #15).

Carried recommendations show (and change) their original's follow-up: `recommendations.py`.
The follow-up form keeps the no-lost-update rule of `concurrency.py` (tokens of the originals).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
from sakip.core.concurrency import Changed, Conflict, conflict_context, lock_office, reapplied, retrying
from sakip.core.web import evidence_errors, require

from . import concurrency, recommendations
from .grading_views import context as grading_context
from .models import Evaluation, Recommendation, SubComponent
from .views import MAX_NOTE, _context, _evaluation, _page, _switched


@office_view("view")
def evaluation_recommendations(
    request: HttpRequest, year: int, office: Office, membership: Membership | None
) -> HttpResponse:
    """The evaluation's recommendations (carried ones first); the office records the follow-up."""
    if (switched := _switched(request, "evaluation-recommendations", office, year)) is not None:
        return switched
    ev = _evaluation(office, year)
    errors: list[str] = []
    found: list[Conflict] = []
    post = None
    if request.method == "POST":
        require(membership, office, "enter")
        if ev is None:
            messages.error(request, _("Belum ada evaluasi untuk tahun ini."))
            return _page(request, "evaluation-recommendations", office, year)
        post = reapplied(request.POST)
        try:
            errors, found = retrying(lambda: _follow_up(request, office, ev, post))
        except Changed:
            errors = [_("Tindak lanjut sedang diubah orang lain; coba simpan lagi.")]
        if not errors and not found:
            messages.success(request, _("Tindak lanjut tersimpan."))
            return _page(request, "evaluation-recommendations", office, year)
        if errors:
            messages.error(request, _("Tidak ada yang disimpan: perbaiki kesalahan di bawah."))
    shown = recommendations.items(ev) if ev else []
    concurrency.follow_up_form([i.rec for i in shown], post, found)
    subs = (
        list(
            SubComponent.objects.filter(component__template_id=ev.template_id)
            .order_by("component__order", "order")
            .values_list("code", "name")
        )
        if ev
        else []
    )
    return render(
        request,
        "evaluation/recommendations.html",
        _context(
            request,
            office,
            membership,
            year,
            ev,
            items=shown,
            carried=[i for i in shown if i.carried],
            own_items=[i for i in shown if not i.carried],
            errors=errors,
            follow_up_choices=Recommendation.FollowUp.choices,
            done=Recommendation.FollowUp.DONE,
            subcomponents=subs,
            can_add=ev is not None and ev.status != Evaluation.Status.SELF and can(membership, office, "evaluate"),
            conflict_form=True,
            **conflict_context(found),
            **grading_context(),
        ),
        status=409 if found else 200,
    )


def _follow_up(
    request: HttpRequest, office: Office, ev: Evaluation, post: QueryDict
) -> tuple[list[str], list[Conflict]]:
    """Check and store the follow-ups (on the originals): the errors, or the conflicts with follow-ups changed
    since the page was loaded (nothing stored for either)."""
    errors: list[str] = []
    url_ok = URLValidator(schemes=["http", "https"])
    valid_status = set(Recommendation.FollowUp.values)
    pending: list[tuple[Recommendation, dict[str, Any]]] = []
    for i, item in enumerate(recommendations.items(ev), start=1):
        r = item.rec
        prefix = f"r{r.pk}"
        if f"{prefix}-status" not in post:
            continue
        status = post.get(f"{prefix}-status", "")
        note = post.get(f"{prefix}-note", "").strip()
        link = post.get(f"{prefix}-link", "").strip()
        upload = request.FILES.get(f"{prefix}-file")
        where = _("Rekomendasi %(n)d") % {"n": i}
        date = None
        if status not in valid_status:
            errors.append(f"{where}: " + _("status tindak lanjut tidak dikenal"))
        if len(note) > MAX_NOTE:
            errors.append(f"{where}: " + _("uraian lebih dari %(n)d karakter") % {"n": MAX_NOTE})
        try:
            date = recommendations.parse_date(post.get(f"{prefix}-date", ""))
        except ValueError:
            errors.append(f"{where}: " + _("tanggal tindak lanjut tidak valid (tttt-bb-hh)"))
        if link:
            try:
                url_ok(link)
            except ValidationError:
                errors.append(f"{where}: " + _("tautan bukti harus alamat http(s) yang lengkap"))
        if upload is not None:
            errors.extend(f"{where}: {e}" for e in evidence_errors(upload))
        pending.append((r, {"status": status, "note": note, "link": link, "date": date, "upload": upload}))
    if errors:
        return errors, []
    found = concurrency.follow_up_conflicts([r for r, _change in pending], post)
    if found:
        return [], found
    with transaction.atomic():
        lock_office(office)
        concurrency.verify_follow_ups(ev, post, [r.pk for r, _change in pending])
        for r, change in pending:
            recommendations.record_follow_up(r, user=request.user, **change)
    return [], []


@office_view("evaluate")
def evaluation_recommendation_add(
    request: HttpRequest, year: int, office: Office, membership: Membership | None
) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    ev = _evaluation(office, year)
    text = request.POST.get("text", "").strip()
    if ev is None:
        messages.error(request, _("Belum ada evaluasi untuk tahun ini."))
    elif len(text) > MAX_NOTE:
        messages.error(request, _("Rekomendasi lebih dari %(n)d karakter; tidak ada yang disimpan.") % {"n": MAX_NOTE})
    else:
        try:
            recommendations.add(
                ev,
                text,
                request.POST.get("subcomponent", "").strip(),
                request.POST.get("component", "").strip(),
                request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Rekomendasi ditambahkan."))
    return _page(request, "evaluation-recommendations", office, year)


@office_view("evaluate")
def evaluation_recommendation_confirm(
    request: HttpRequest, year: int, pk: int, office: Office, membership: Membership | None
) -> HttpResponse:
    """The evaluator confirms a finished follow-up (``confirm=1``) or returns it with a reason (``confirm=0``)."""
    if request.method != "POST":
        return HttpResponse(status=405)
    ev = _evaluation(office, year)
    if ev is None:
        messages.error(request, _("Belum ada evaluasi untuk tahun ini."))
        return _page(request, "evaluation-recommendations", office, year)
    # the original shown in this year's evaluation: its own, or carried into it
    row = get_object_or_404(
        Recommendation.objects.filter(evaluation=ev).select_related("carried_from"),
        **({"carried_from_id": pk} if not ev.recommendations.filter(pk=pk).exists() else {"pk": pk}),
    )
    note = request.POST.get("note", "")
    if len(note) > MAX_NOTE:
        messages.error(request, _("Catatan lebih dari %(n)d karakter; tidak ada yang disimpan.") % {"n": MAX_NOTE})
        return _page(request, "evaluation-recommendations", office, year)
    accept = request.POST.get("confirm") == "1"
    loaded = request.POST.get("ver", "")
    try:
        with transaction.atomic():
            lock_office(office)
            origin = Recommendation.objects.select_for_update().get(pk=row.origin.pk)
            if loaded and loaded != concurrency.row_token(origin):  # changed by the office since the page was read
                raise ValidationError(
                    _("Tindak lanjut ini diubah sejak halaman dibuka; periksa lagi, tidak ada yang disimpan.")
                )
            recommendations.confirm(origin, request.user, accept=accept, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Tindak lanjut dikonfirmasi.") if accept else _("Tindak lanjut dikembalikan ke perangkat daerah."),
        )
    return _page(request, "evaluation-recommendations", office, year)
