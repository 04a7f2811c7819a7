"""The office profile and the narrative sections: the pages an office's operator or head edits them on.

Every view is wrapped by `office_view` (the office within the user's regency, the role's action);
a POST needs ``enter``. The narratives and the year's tables are period data (the write guard
freezes them with the annual report); the identity and organisation are not. Each row carries
its version: a save of a page loaded before someone else's save is refused with the conflict
(409), unless what was typed equals what is stored now. Writes are audited by `sakip.audit`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
from sakip.core.concurrency import Conflict, conflict_context, last_changes, lock_office, token
from sakip.core.web import default_year, page_context, require, valid_year
from sakip.domain.profile import DOCUMENTS, keys_of, quarter_of
from sakip.workflow.web import lock_message, refuse_if_locked

from . import images, services
from .forms import PhotoForm, ProfileForm, YearProfileForm
from .models import Narrative, OfficeProfile, YearProfile


def _year_or_404(year: int) -> None:
    if not valid_year(year):
        raise Http404(_("Tahun tidak dikenal"))


def _document_or_404(document: str) -> None:
    if document not in DOCUMENTS:
        raise Http404(_("Dokumen tidak dikenal"))


@office_view("view")
def narrative_edit(
    request: HttpRequest, year: int, document: str, office: Office, membership: Membership | None
) -> HttpResponse:
    """Every narrative section of one document of one year: a textarea each (blank line: new paragraph; "- ": list)."""
    _year_or_404(year)
    _document_or_404(document)
    locked = lock_message(office, year, "annual")
    editable = can(membership, office, "enter") and not locked
    found: list[Conflict] = []
    typed: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        require(membership, office, "enter")
        refused = refuse_if_locked(request, office, year, "annual")
        if refused is not None:
            return refused
        if request.POST.get("op") == "carry":
            with transaction.atomic():
                lock_office(office)
                n = services.carry_over(office, year)
            messages.success(
                request, _("%(n)d bagian disalin dari tahun %(y)d sebagai draf.") % {"n": n, "y": year - 1}
            )
            return redirect(reverse("narrative-edit", args=[office.code, year, document]))
        # only the sections the form sent: a section left out is left as it is
        typed = {
            k: services.clean_text(request.POST[f"text-{k}"]) for k in keys_of(document) if f"text-{k}" in request.POST
        }
        if _save_sections(request, office, year, document, typed, found):
            messages.success(request, _("Narasi tersimpan."))
            return redirect(reverse("narrative-edit", args=[office.code, year, document]))
        status = 409
    rows = services.sections(office, year, document)
    done = services.completeness(office, year, document)
    items = []
    for key in keys_of(document):
        row = rows.get(key)
        items.append({
            "key": key,
            "label": services.LABELS.get(key, key),
            "text": typed.get(key, row.text if row else "") if found else (row.text if row else ""),
            "draft": bool(row and row.is_draft),
            "missing": key in done.missing,
            "ver": request.POST.get(f"ver-{key}", token(row)) if found else token(row),
        })
    context: dict[str, Any] = page_context(
        office, membership, "profile", year,
        document=document, title=services.document_title(document, year), items=items, editable=editable,
        locked=locked, completeness=done, quarter=quarter_of(document),
        documents=[(d, services.document_title(d, year)) for d in DOCUMENTS],
        can_carry=editable and not rows and services.previous_exists(office, year, document),
        **conflict_context(found),
    )
    return render(request, "profiles/narratives.html", context, status=status)


def _save_sections(
    request: HttpRequest, office: Office, year: int, document: str, typed: dict[str, str], found: list[Conflict]
) -> bool:
    """Store the changed sections; False (nothing stored) when another save changed one meanwhile."""
    with transaction.atomic():
        lock_office(office)
        rows = {n.key: n for n in Narrative.objects.filter(office=office, year=year, document=document)}
        changed: list[tuple[str, Narrative | None]] = []
        for key, text in typed.items():
            row = rows.get(key)
            stored = row.text if row else ""
            accept = request.POST.get(f"done-{key}") == "on"
            if text == stored and not (row and row.is_draft and accept):
                continue
            if request.POST.get(f"ver-{key}", token(row)) != token(row) and text != stored:
                by, at = last_changes(Narrative, [row.pk]).get(str(row.pk), ("", None)) if row else ("", None)
                found.append(Conflict(str(services.LABELS.get(key, key)), _("Teks"), stored, text, by, at,
                                      name=f"text-{key}"))
                continue
            changed.append((key, row))
        if found:
            return False
        for key, row in changed:
            if row is None:
                Narrative.objects.create(office=office, year=year, document=document, key=key, text=typed[key])
            else:
                row.text, row.is_draft = typed[key], False
                row.save()
    return True


@office_view("view")
def profile_edit(request: HttpRequest, office: Office, membership: Membership | None) -> HttpResponse:
    """The office's identity and organisation (not period data: no lock; versioned)."""
    row = OfficeProfile.objects.filter(office=office).first()
    editable = can(membership, office, "enter")
    found: list[Conflict] = []
    status = 200
    if request.method == "POST":
        require(membership, office, "enter")
        form = ProfileForm(request.POST, request.FILES, instance=row or OfficeProfile(office=office))
        if form.is_valid():
            with transaction.atomic():
                lock_office(office)
                current = OfficeProfile.objects.filter(office=office).first()
                if request.POST.get("ver", token(current)) != token(current):
                    by, at = last_changes(OfficeProfile, [current.pk]).get(str(current.pk), ("", None)) \
                        if current else ("", None)
                    found.append(Conflict(_("Profil"), _("Isian"), _("diubah orang lain"), _("isian Anda"), by, at))
                else:
                    _save_profile(form, office)
            if not found:
                messages.success(request, _("Profil tersimpan."))
                return redirect(reverse("profile-edit", args=[office.code]))
            status = 409
        else:
            status = 400
    else:
        form = ProfileForm(instance=row)
    context = page_context(
        office, membership, "profile", default_year(office), form=form, editable=editable, version=token(row), row=row,
        logos=[(label, getattr(row, k).name.rsplit("/", 1)[1]) for k, label in
               (("logo", _("Logo perangkat daerah")), ("regency_logo", _("Logo pemerintah daerah")))
               if row is not None and getattr(row, k)],
        **conflict_context(found),
    )
    return render(request, "profiles/profile.html", context, status=status)


def _save_profile(form: ProfileForm, office: Office) -> None:
    """Save the form; a new logo is stored under a random name, a replaced or removed one deleted after commit."""
    row: OfficeProfile = form.save(commit=False)
    gone: list[str] = []
    for key in ("logo", "regency_logo"):
        old = getattr(row, key).name if getattr(row, key) else ""
        upload = form.cleaned_data.get(key)
        if upload:
            data, ext = upload
            setattr(row, key, images.store(office.pk, data, ext))
        elif form.cleaned_data.get(f"remove_{key}"):
            setattr(row, key, "")
        else:
            continue
        if old:
            gone.append(old)
    row.save()
    for name in gone:
        transaction.on_commit(lambda name=name: services.delete_unused(office, name))  # type: ignore[misc]


@office_view("view")
def profile_file(request: HttpRequest, name: str, office: Office, membership: Membership | None) -> HttpResponse:
    """A logo or achievement photo of the office, to users who may see the office (MEDIA is not served publicly)."""
    stored = f"{images.PREFIX}/{office.pk}/{name}"
    if not images.owned(office.pk, stored) or stored not in services.files_of(office):
        raise Http404(_("Berkas tidak ditemukan"))
    try:
        with default_storage.open(stored, "rb") as f:
            data = f.read()
    except OSError:
        raise Http404(_("Berkas tidak ditemukan")) from None
    response = HttpResponse(data, content_type=images.media_type(stored))
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@office_view("view")
def photos_edit(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """The year's achievement photos with their captions (period data of the annual report, like the tables)."""
    _year_or_404(year)
    row = YearProfile.objects.filter(office=office, year=year).first()
    locked = lock_message(office, year, "annual")
    editable = can(membership, office, "enter") and not locked
    found: list[Conflict] = []
    status = 200
    form = PhotoForm()
    if request.method == "POST":
        require(membership, office, "enter")
        refused = refuse_if_locked(request, office, year, "annual")
        if refused is not None:
            return refused
        op = request.POST.get("op", "add")
        form = PhotoForm(request.POST, request.FILES) if op == "add" else PhotoForm()
        if op != "add" or form.is_valid():
            result = _change_photos(request, office, year, op, form, found)
            if result is not None:
                messages.success(request, result)
                return redirect(reverse("profile-photos", args=[office.code, year]))
            status = 409 if found else 400
        # an invalid upload: the form with its errors (200, as a form shown again)
        row = YearProfile.objects.filter(office=office, year=year).first()
    photos = [
        {"i": i, "name": p["file"].rsplit("/", 1)[-1], "caption": p.get("caption", "")}
        for i, p in enumerate(row.photos if row is not None else [])
    ]
    context = page_context(
        office, membership, "profile", year, form=form, photos=photos, editable=editable, locked=locked,
        version=token(row), **conflict_context(found),
    )
    return render(request, "profiles/photos.html", context, status=status)


def _change_photos(
    request: HttpRequest, office: Office, year: int, op: str, form: PhotoForm, found: list[Conflict]
) -> str | None:
    """Add, re-caption, move or remove a photo; the success message, or None (refused: stale page, unknown photo)."""
    with transaction.atomic():
        lock_office(office)
        current = YearProfile.objects.filter(office=office, year=year).first()
        if request.POST.get("ver", token(current)) != token(current):
            by, at = last_changes(YearProfile, [current.pk]).get(str(current.pk), ("", None)) \
                if current else ("", None)
            found.append(Conflict(_("Foto prestasi"), _("Foto"), _("diubah orang lain"), _("perubahan Anda"), by, at))
            return None
        row = current or YearProfile(office=office, year=year)
        photos: list[dict[str, Any]] = [dict(p) for p in row.photos]
        gone = ""
        if op == "add":
            data, ext = form.cleaned_data["image"]
            photos.append({"file": images.store(office.pk, data, ext), "caption": form.cleaned_data["caption"]})
            message = _("Foto ditambahkan.")
        else:
            try:
                i = int(request.POST.get("i", ""))
                photos[i]
            except (ValueError, IndexError):
                return None
            if op == "caption":
                caption = " ".join(strip_tags(request.POST.get("caption", "")).split())[:500]
                if not caption:
                    return None
                photos[i]["caption"] = caption
                message = _("Keterangan foto tersimpan.")
            elif op == "up" and i > 0:
                photos[i - 1], photos[i] = photos[i], photos[i - 1]
                message = _("Urutan foto tersimpan.")
            elif op == "delete":
                gone = photos.pop(i)["file"]
                message = _("Foto dihapus.")
            else:
                return None
        row.photos = photos
        row.save()
        if gone:
            transaction.on_commit(lambda: services.delete_unused(office, gone))
    return str(message)


@office_view("view")
def year_profile_edit(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """The year's staff, facilities and villages (period data of the annual report)."""
    _year_or_404(year)
    row = YearProfile.objects.filter(office=office, year=year).first()
    locked = lock_message(office, year, "annual")
    editable = can(membership, office, "enter") and not locked
    found: list[Conflict] = []
    status = 200
    if request.method == "POST":
        require(membership, office, "enter")
        refused = refuse_if_locked(request, office, year, "annual")
        if refused is not None:
            return refused
        form = YearProfileForm(request.POST, instance=row or YearProfile(office=office, year=year))
        if form.is_valid():
            with transaction.atomic():
                lock_office(office)
                current = YearProfile.objects.filter(office=office, year=year).first()
                if request.POST.get("ver", token(current)) != token(current):
                    by, at = last_changes(YearProfile, [current.pk]).get(str(current.pk), ("", None)) \
                        if current else ("", None)
                    found.append(Conflict(_("Profil tahunan"), _("Isian"), _("diubah orang lain"), _("isian Anda"),
                                          by, at))
                else:
                    form.save()
            if not found:
                messages.success(request, _("Profil tahun %(y)d tersimpan.") % {"y": year})
                return redirect(reverse("profile-year", args=[office.code, year]))
            status = 409
        else:
            status = 400
    else:
        form = YearProfileForm(instance=row)
    context = page_context(
        office, membership, "profile", year, form=form, editable=editable, locked=locked, version=token(row),
        **conflict_context(found),
    )
    return render(request, "profiles/year_profile.html", context, status=status)
