"""A refused save keeps every valid uploaded file for the retry (issue #11)."""

from __future__ import annotations

import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sakip.accounts.models import Office
from sakip.monitoring import pending
from sakip.monitoring.models import Evidence

from . import pages_support
from .concurrency_support import YEAR, ind, quarter_value
from .forms_support import form_fields

media = pages_support.media
regency = pages_support.regency
office = pages_support.office
operator = pages_support.operator

PDF = b"%PDF-1.4\n% bukti dukung TW I\n"


def url(office: Office, quarter: int = 1) -> str:
    return reverse("quarter-entry", args=[office.code, YEAR, quarter])


def pending_files(media: Path) -> list[Path]:
    root = media / "pending"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def pdf(name: str = "laporan tw1.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.mark.django_db
def test_a_refused_save_keeps_the_file_and_the_retry_stores_it(operator: Client, office: Office, media: Path) -> None:
    t11, s12 = ind("T1.1"), ind("S1.2")
    r = operator.post(url(office), {f"v-{t11.pk}": "90", f"f-{t11.pk}": pdf(), f"v-{s12.pk}": "8O"})
    assert r.status_code == 200  # S1.2 is wrong: nothing stored
    assert not Evidence.objects.filter(indicator_year__indicator=t11).exists()
    html = r.content.decode()
    assert "berkas sudah diunggah: laporan tw1.pdf (akan disimpan)" in html
    assert f'name="fx-{t11.pk}"' in html  # the remove box
    kept = pending_files(media)
    assert len(kept) == 1 and kept[0].read_bytes() == PDF
    # the retry: S1.2 corrected, no file attached again
    form = form_fields(html, "entry-form")
    form[f"v-{s12.pk}"] = "250"
    again = operator.post(url(office), form)
    assert again.status_code == 302
    ev = Evidence.objects.get(indicator_year__indicator=t11, quarter=1)
    assert ev.name == "laporan tw1.pdf" and ev.size == len(PDF)
    with ev.file.open("rb") as f:
        assert f.read() == PDF
    assert pending_files(media) == []  # cleared after the success
    assert quarter_value("T1.1", 1) == Decimal(90)
    assert "berkas sudah diunggah" not in operator.get(url(office)).content.decode()


@pytest.mark.django_db
def test_the_operator_can_remove_a_kept_file(operator: Client, office: Office, media: Path) -> None:
    t11, s12 = ind("T1.1"), ind("S1.2")
    operator.post(url(office), {f"v-{t11.pk}": "90", f"f-{t11.pk}": pdf(), f"v-{s12.pk}": "8O"})
    assert len(pending_files(media)) == 1
    r = operator.post(url(office), {f"v-{t11.pk}": "90", f"fx-{t11.pk}": "1"})
    assert r.status_code == 302
    assert not Evidence.objects.filter(indicator_year__indicator=t11).exists()
    assert pending_files(media) == []


@pytest.mark.django_db
def test_an_invalid_file_is_not_kept_a_valid_one_is(operator: Client, office: Office, media: Path) -> None:
    t11, s12 = ind("T1.1"), ind("S1.2")
    bad = SimpleUploadedFile("bukti.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    r = operator.post(url(office), {f"v-{t11.pk}": "90", f"f-{t11.pk}": pdf(), f"f-{s12.pk}": bad})
    assert r.status_code == 200
    html = r.content.decode()
    assert "berkas sudah diunggah: laporan tw1.pdf (akan disimpan)" in html
    assert "bukti.exe" in html and "tidak diizinkan" in html
    assert [p.name for p in pending_files(media)] == ["laporan_tw1.pdf"]


@pytest.mark.django_db
def test_kept_files_are_for_their_session_only(operator: Client, office: Office, media: Path) -> None:
    t11, s12 = ind("T1.1"), ind("S1.2")
    operator.post(url(office), {f"v-{t11.pk}": "90", f"f-{t11.pk}": pdf(), f"v-{s12.pk}": "8O"})
    other = Client()  # the same operator in another browser: another session
    other.force_login(get_user_model().objects.get(username="operator-contoh"))
    assert "berkas sudah diunggah" not in other.get(url(office)).content.decode()
    assert other.post(url(office), {f"v-{t11.pk}": "90"}).status_code == 302
    assert not Evidence.objects.filter(indicator_year__indicator=t11).exists()


@pytest.mark.django_db
def test_kept_files_older_than_a_day_are_deleted(operator: Client, office: Office, media: Path) -> None:
    t11, s12 = ind("T1.1"), ind("S1.2")
    operator.post(url(office), {f"v-{t11.pk}": "90", f"f-{t11.pk}": pdf(), f"v-{s12.pk}": "8O"})
    (old,) = pending_files(media)
    day_ago = time.time() - 24 * 3600 - 60
    os.utime(old, (day_ago, day_ago))
    assert pending.purge_stale() == 1
    assert pending_files(media) == []
    assert "berkas sudah diunggah" not in operator.get(url(office)).content.decode()
