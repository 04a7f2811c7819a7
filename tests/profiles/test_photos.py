"""Logos and achievement photos: checked and re-encoded uploads, random names, served only to the office's users,
audited, refused in a frozen year, stale pages refused; the LKjIP prints the photos with their captions and the
cover carries the logo."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document as Docx
from PIL import Image

from sakip.audit.models import AuditEntry
from sakip.core.concurrency import token
from sakip.profiles import images
from sakip.profiles.models import OfficeProfile, YearProfile
from tests.profiles.support import jpeg_with_exif, png
from tests.workflow.lock_support import freeze_year, open_year

pytestmark = pytest.mark.django_db

YEAR = 2020


@pytest.fixture(autouse=True)
def _blank_profile(demo: Any) -> None:
    for model in (YearProfile, OfficeProfile):
        model.objects.filter(office=demo.office_a).delete()


def _url(demo: Any, name: str, *args: Any) -> str:
    return reverse(name, args=[demo.office_a.code, *args])


def _add(client: Client, demo: Any, data: bytes, caption: str, name: str = "foto.png", ver: str = "-") -> Any:
    return client.post(_url(demo, "profile-photos", YEAR), {
        "op": "add", "ver": ver, "caption": caption, "image": SimpleUploadedFile(name, data, "image/png"),
    })


def _stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as f:
        return f.read()


# ----------------------------------------------------------------------------- the checks of an image


def test_an_image_is_re_encoded_without_its_metadata_and_turned_upright() -> None:
    data = jpeg_with_exif(64, 48)
    assert b"KameraRahasia" in data and b"lokasi rahasia" in data
    out, ext = images.reencode(data)
    assert ext == "jpg" and b"KameraRahasia" not in out and b"lokasi rahasia" not in out
    with Image.open(io.BytesIO(out)) as im:
        assert im.format == "JPEG" and im.size == (48, 64)  # orientation 6 applied: portrait now
        assert not im.getexif()
    # a PNG stays a PNG (transparency kept), its text chunks dropped
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "rahasia")
    buf = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(buf, "PNG", pnginfo=info)
    out, ext = images.reencode(buf.getvalue())
    assert ext == "png" and b"rahasia" not in out
    with Image.open(io.BytesIO(out)) as im:
        assert im.mode == "RGBA"


def test_a_large_photo_is_scaled_down_to_the_stored_size() -> None:
    out, _ext = images.reencode(png(4000, 1000))
    with Image.open(io.BytesIO(out)) as im:
        assert im.size == (images.STORED_SIDE, images.STORED_SIDE // 4)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<?php echo 1; ?>", "type"),
        (b"GIF89a" + b"\x00" * 40, "type"),  # a header and nothing behind it
        (png(7000, 20), "dimensions"),
        (png(10, 10), "dimensions"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (6 * 1024 * 1024), "size"),
    ],
    ids=["script", "truncated", "too-wide", "too-small", "too-large"],
)
def test_what_is_not_an_acceptable_image_is_refused(data: bytes, code: str) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        images.check(data)
    assert exc.value.code == code


def test_a_bmp_or_a_tiff_is_refused_whatever_its_name() -> None:
    from django.core.exceptions import ValidationError

    for fmt in ("BMP", "TIFF"):
        buf = io.BytesIO()
        Image.new("RGB", (20, 20)).save(buf, fmt)
        with pytest.raises(ValidationError):
            images.check(buf.getvalue())


# ----------------------------------------------------------------------------- the photos page


def test_operator_adds_captions_orders_and_deletes_photos(
    demo: Any, login_as: Callable[..., Client], django_capture_on_commit_callbacks: Any
) -> None:
    client = login_as("operator_a")
    url = _url(demo, "profile-photos", YEAR)
    assert 'data-testid="no-photos"' in client.get(url).content.decode()
    r = _add(client, demo, jpeg_with_exif(), "Penghargaan <b>Pelayanan</b> Terbaik", name="../../etc/passwd.php")
    assert r.status_code == 302, r.content.decode()[-1500:]
    row = YearProfile.objects.get(office=demo.office_a, year=YEAR)
    first = row.photos[0]
    assert first["caption"] == "Penghargaan Pelayanan Terbaik"
    # stored under the office's folder, a random name of the real type; never the uploaded name
    assert images.owned(demo.office_a.pk, first["file"]) and first["file"].endswith(".jpg")
    assert "passwd" not in first["file"] and len(first["file"].rsplit("/", 1)[1]) >= 24
    assert b"KameraRahasia" not in _stored(first["file"])
    assert AuditEntry.objects.filter(model="profiles.YearProfile", object_id=str(row.pk)).exists()
    r = _add(client, demo, png(), "Juara lomba desa", ver=token(row))
    assert r.status_code == 302
    row.refresh_from_db()
    assert [p["caption"] for p in row.photos] == ["Penghargaan Pelayanan Terbaik", "Juara lomba desa"]
    page = client.get(url).content.decode()
    assert page.count(reverse("profile-file", args=[demo.office_a.code, "x"])[:-1]) == 2
    # the second one moves up, gets a new caption; the first (now second) is deleted with its file
    assert client.post(url, {"op": "up", "i": "1", "ver": token(row)}).status_code == 302
    row.refresh_from_db()
    assert client.post(url, {"op": "caption", "i": "0", "caption": "Juara I lomba desa", "ver": token(row)}
                       ).status_code == 302
    row.refresh_from_db()
    gone = row.photos[1]["file"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"op": "delete", "i": "1", "ver": token(row)}).status_code == 302
    row.refresh_from_db()
    assert [p["caption"] for p in row.photos] == ["Juara I lomba desa"]
    assert not default_storage.exists(gone)
    # an unknown photo or an empty caption changes nothing
    before = token(row)
    assert client.post(url, {"op": "delete", "i": "5", "ver": before}).status_code == 400
    assert client.post(url, {"op": "caption", "i": "0", "caption": " ", "ver": before}).status_code == 400
    row.refresh_from_db()
    assert token(row) == before


def test_a_file_that_is_not_an_image_is_refused_with_the_reason(demo: Any, login_as: Callable[..., Client]) -> None:
    client = login_as("operator_a")
    r = _add(client, demo, b"%PDF-1.4 not an image", "Foto", name="foto.png")
    assert r.status_code == 200 and 'data-testid="error-image"' in r.content.decode()
    assert "bukan gambar" in r.content.decode()
    assert not YearProfile.objects.filter(office=demo.office_a, year=YEAR).exists()


@pytest.mark.parametrize("role", ["verifier", "operator_b", "planner", "public"])
def test_who_may_not_enter_cannot_add_a_photo(demo: Any, login_as: Callable[..., Client], role: str) -> None:
    r = _add(login_as(role), demo, png(), "Foto")
    assert r.status_code in (403, 404)
    assert not YearProfile.objects.filter(office=demo.office_a, year=YEAR).exists()


def test_an_approved_year_refuses_photos(demo: Any, login_as: Callable[..., Client]) -> None:
    client = login_as("operator_a")
    assert _add(client, demo, png(), "Foto").status_code == 302
    freeze_year(demo.office_a)
    row = YearProfile.objects.get(office=demo.office_a, year=YEAR)
    page = client.get(_url(demo, "profile-photos", YEAR)).content.decode()
    assert 'data-testid="photo-form"' not in page and "photo-delete-0" not in page
    r = _add(client, demo, png(), "Foto lain", ver=token(row))
    assert r.status_code == 409
    r = client.post(_url(demo, "profile-photos", YEAR), {"op": "delete", "i": "0", "ver": token(row)})
    assert r.status_code == 409
    row.refresh_from_db()
    assert len(row.photos) == 1 and default_storage.exists(row.photos[0]["file"])
    open_year(demo.office_a)


def test_a_stale_photos_page_is_refused(demo: Any, login_as: Callable[..., Client]) -> None:
    client = login_as("operator_a")
    assert _add(client, demo, png(), "Foto pertama").status_code == 302
    row = YearProfile.objects.get(office=demo.office_a, year=YEAR)
    stale = token(row)
    # someone else adds a photo; the page loaded before deletes "photo 0": refused with the conflict
    assert _add(login_as("head_a"), demo, png(color=(9, 9, 9)), "Foto kedua", ver=stale).status_code == 302
    r = client.post(_url(demo, "profile-photos", YEAR), {"op": "delete", "i": "0", "ver": stale})
    assert r.status_code == 409 and "Foto prestasi" in r.content.decode()
    r = _add(client, demo, png(), "Foto ketiga", ver=stale)
    assert r.status_code == 409
    row.refresh_from_db()
    assert [p["caption"] for p in row.photos] == ["Foto pertama", "Foto kedua"]


# ----------------------------------------------------------------------------- serving


def test_images_are_served_only_to_the_offices_users(demo: Any, login_as: Callable[..., Client]) -> None:
    client = login_as("operator_a")
    assert _add(client, demo, png(), "Foto").status_code == 302
    name = YearProfile.objects.get(office=demo.office_a, year=YEAR).photos[0]["file"].rsplit("/", 1)[1]
    url = reverse("profile-file", args=[demo.office_a.code, name])
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and r["X-Content-Type-Options"] == "nosniff"
    assert r.content == _stored(f"profile/{demo.office_a.pk}/{name}")
    assert login_as("verifier").get(url).status_code == 200  # the regency's verifier sees every office
    assert login_as("operator_b").get(url).status_code in (403, 404)
    assert Client().get(url).status_code == 302  # to the login
    # office B's URL cannot reach office A's file; nor a stored file the profile does not refer to
    assert login_as("operator_b").get(reverse("profile-file", args=[demo.office_b.code, name])).status_code == 404
    stray = images.store(demo.office_a.pk, png(), "png").rsplit("/", 1)[1]
    assert client.get(reverse("profile-file", args=[demo.office_a.code, stray])).status_code == 404
    assert client.get(reverse("profile-file", args=[demo.office_a.code, "..%2F..%2Fsettings.py"])).status_code == 404
    # MEDIA is not a public URL
    assert Client().get(f"/media/profile/{demo.office_a.pk}/{name}").status_code == 404


# ----------------------------------------------------------------------------- logos and the documents


def test_logos_upload_replace_and_remove(
    demo: Any, login_as: Callable[..., Client], django_capture_on_commit_callbacks: Any
) -> None:
    client = login_as("head_a")
    url = _url(demo, "profile-edit")
    r = client.post(url, {"ver": "-", "official_name": "Kecamatan Kaloran",
                          "logo": SimpleUploadedFile("logo.gif", png(), "image/gif"),
                          "regency_logo": SimpleUploadedFile("pemda.jpg", jpeg_with_exif(), "image/jpeg")})
    assert r.status_code == 302, r.content.decode()[-1500:]
    p = OfficeProfile.objects.get(office=demo.office_a)
    first = p.logo.name
    assert first.endswith(".png") and "logo" not in first.rsplit("/", 1)[1] and p.regency_logo.name.endswith(".jpg")
    page = client.get(url).content.decode()
    assert page.count(reverse("profile-file", args=[demo.office_a.code, "x"])[:-1]) == 2
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {"ver": token(p), "official_name": "Kecamatan Kaloran",
                              "logo": SimpleUploadedFile("logo.png", png(color=(1, 2, 3)), "image/png")})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.logo.name != first and not default_storage.exists(first) and p.regency_logo
    r = client.post(url, {"ver": token(p), "official_name": "Kecamatan Kaloran", "remove_regency_logo": "on"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert not p.regency_logo and p.logo
    assert AuditEntry.objects.filter(model="profiles.OfficeProfile", object_id=str(p.pk)).count() >= 3


def test_the_lkjip_prints_the_photos_with_captions_and_the_logo(demo: Any, login_as: Callable[..., Client]) -> None:
    client = login_as("operator_a")
    photo = png(300, 200, (10, 120, 60))
    assert _add(client, demo, photo, "Penyerahan penghargaan pelayanan publik").status_code == 302
    r = client.post(_url(demo, "profile-edit"), {"ver": "-", "regency_logo": SimpleUploadedFile(
        "pemda.png", png(50, 60, (200, 10, 10)), "image/png")})
    assert r.status_code in (302, 403)
    if r.status_code == 403:  # the operator may not: the head uploads it
        r = login_as("head_a").post(_url(demo, "profile-edit"), {"ver": "-", "regency_logo": SimpleUploadedFile(
            "pemda.png", png(50, 60, (200, 10, 10)), "image/png")})
        assert r.status_code == 302
    doc = client.get(_url(demo, "document-download", YEAR, "lkjip", "docx"))
    assert doc.status_code == 200
    d = Docx(io.BytesIO(doc.content))
    texts = [p.text for p in d.paragraphs]
    assert any("Penyerahan penghargaan pelayanan publik" in t for t in texts)
    blobs = [rel.target_part.blob for rel in d.part.rels.values() if "image" in rel.reltype]
    stored_photo = _stored(YearProfile.objects.get(office=demo.office_a, year=YEAR).photos[0]["file"])
    stored_logo = _stored(OfficeProfile.objects.get(office=demo.office_a).regency_logo.name)
    assert stored_photo in blobs  # the photo as stored, byte for byte
    assert stored_logo in blobs  # no office logo: the regency's on the cover


def test_a_dataset_cannot_point_a_document_at_another_offices_image(demo: Any, login_as: Callable[..., Client]) -> None:
    from sakip.core.interchange import domain_office

    other = images.store_upload(demo.office_b.pk, png(60, 60, (250, 0, 0)))
    YearProfile.objects.create(office=demo.office_a, year=YEAR, photos=[{"file": other, "caption": "Bukan milik A"}])
    assert other not in domain_office(demo.office_a).files
    name = other.rsplit("/", 1)[1]
    assert login_as("operator_a").get(reverse("profile-file", args=[demo.office_a.code, name])).status_code == 404
