"""The profile and narrative pages: who may write, the lock, stale pages, drafts carried over, the documents."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document as Docx
from PIL import Image

from sakip.audit.models import AuditEntry
from sakip.core.concurrency import token
from sakip.profiles.models import Narrative, OfficeProfile, YearProfile
from tests.workflow.lock_support import freeze_year, open_year

pytestmark = pytest.mark.django_db

YEAR = 2020


@pytest.fixture(autouse=True)
def _blank_profile(demo: Any) -> None:
    """Office A without the profile and texts its seed brings: each test starts from an office that wrote nothing."""
    for model in (Narrative, YearProfile, OfficeProfile):
        model.objects.filter(office=demo.office_a).delete()


def _url(demo: Any, name: str, *args: Any) -> str:
    return reverse(name, args=[demo.office_a.code, *args])


def _docx_text(data: bytes) -> str:
    d = Docx(io.BytesIO(data))
    return "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])


def test_operator_writes_a_section_and_the_lkjip_carries_it(demo: Any, login_as: Callable[..., Client]) -> None:
    client = login_as("operator_a")
    url = _url(demo, "narrative-edit", YEAR, "lkjip")
    page = client.get(url)
    assert page.status_code == 200
    assert "LKjIP 2020: 8 bagian belum diisi" in page.content.decode()
    text = "Kecamatan Kaloran berbenah.\n\n- pelayanan cepat;\n- pelayanan ramah."
    r = client.post(url, {"text-latar_belakang": text, "ver-latar_belakang": "-"})
    assert r.status_code == 302
    row = Narrative.objects.get(office=demo.office_a, year=YEAR, document="lkjip", key="latar_belakang")
    assert row.text == text and not row.is_draft
    assert AuditEntry.objects.filter(model="profiles.Narrative", object_id=str(row.pk)).exists()
    assert "LKjIP 2020: 7 bagian belum diisi" in client.get(url).content.decode()
    doc = client.get(_url(demo, "document-download", YEAR, "lkjip", "docx"))
    text_out = _docx_text(doc.content)
    assert "Kecamatan Kaloran berbenah." in text_out and "• pelayanan ramah." in text_out


def test_html_is_not_stored(demo: Any, login_as: Callable[..., Client]) -> None:
    client = login_as("head_a")
    url = _url(demo, "narrative-edit", YEAR, "lkjip")
    client.post(url, {"text-kesimpulan": "<script>alert(1)</script>Baik <b>sekali</b>.", "ver-kesimpulan": "-"})
    assert Narrative.objects.get(office=demo.office_a, year=YEAR, key="kesimpulan").text == "alert(1)Baik sekali."


@pytest.mark.parametrize("role", ["operator_b", "public", "verifier", "planner"])
def test_wrong_users_cannot_write(demo: Any, login_as: Callable[..., Client], role: str) -> None:
    client = login_as(role)
    posts = [
        (_url(demo, "narrative-edit", YEAR, "lkjip"), {"text-kesimpulan": "Diubah", "ver-kesimpulan": "-"}),
        (_url(demo, "profile-edit"), {"official_name": "Diubah", "ver": "-"}),
        (_url(demo, "profile-year", YEAR), {"staff": "3 | III/a", "ver": "-"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404), (role, url)
    assert not Narrative.objects.filter(office=demo.office_a).exists()
    assert not OfficeProfile.objects.filter(office=demo.office_a).exists()
    assert not YearProfile.objects.filter(office=demo.office_a).exists()


def test_an_approved_year_refuses_narratives_and_tables(demo: Any, login_as: Callable[..., Client]) -> None:
    client = login_as("operator_a")
    freeze_year(demo.office_a)
    url = _url(demo, "narrative-edit", YEAR, "lkjip")
    r = client.post(url, {"text-kesimpulan": "Terlambat", "ver-kesimpulan": "-"})
    assert r.status_code == 409 and "dikunci" in r.content.decode()
    r = client.post(_url(demo, "profile-year", YEAR), {"staff": "3 | III/a", "ver": "-"})
    assert r.status_code == 409
    assert not Narrative.objects.filter(office=demo.office_a).exists()
    assert not YearProfile.objects.filter(office=demo.office_a).exists()
    page = client.get(url).content.decode()
    assert 'data-testid="narrative-locked"' in page and 'data-testid="narrative-save"' not in page
    open_year(demo.office_a)
    assert client.post(url, {"text-kesimpulan": "Tepat waktu", "ver-kesimpulan": "-"}).status_code == 302


def test_a_stale_page_is_refused_with_the_conflict(demo: Any, login_as: Callable[..., Client]) -> None:
    row = Narrative.objects.create(office=demo.office_a, year=YEAR, document="lkjip", key="langkah", text="Awal")
    old = token(row)
    row.text = "Diubah orang lain"
    row.save()
    client = login_as("operator_a")
    url = _url(demo, "narrative-edit", YEAR, "lkjip")
    r = client.post(url, {"text-langkah": "Versi saya", "ver-langkah": old})
    assert r.status_code == 409 and "Diubah orang lain" in r.content.decode()
    row.refresh_from_db()
    assert row.text == "Diubah orang lain"
    # the same text as stored now is no conflict
    assert client.post(url, {"text-langkah": "Diubah orang lain", "ver-langkah": old}).status_code == 302


def test_a_new_year_starts_from_last_years_texts_as_drafts(demo: Any, login_as: Callable[..., Client]) -> None:
    office = demo.office_a
    for key, text in (("latar_belakang", "Teks 2019"), ("kesimpulan", "Kesimpulan 2019")):
        Narrative.objects.create(office=office, year=YEAR - 1, document="lkjip", key=key, text=text)
    client = login_as("operator_a")
    url = _url(demo, "narrative-edit", YEAR, "lkjip")
    page = client.get(url).content.decode()
    assert 'data-testid="narrative-carry"' in page
    assert client.post(url, {"op": "carry"}).status_code == 302
    rows = {n.key: n for n in Narrative.objects.filter(office=office, year=YEAR)}
    assert {k: (n.text, n.is_draft) for k, n in rows.items()} == {
        "latar_belakang": ("Teks 2019", True), "kesimpulan": ("Kesimpulan 2019", True)
    }
    page = client.get(url).content.decode()
    assert "LKjIP 2020: 8 bagian belum diisi" in page  # drafts count as not done
    assert 'data-testid="draft-latar_belakang"' in page
    # the document prints the draft
    text = _docx_text(client.get(_url(demo, "document-download", YEAR, "lkjip", "docx")).content)
    assert "Teks 2019" in text
    # editing one and accepting the other as it is: both done
    data = {
        "text-latar_belakang": "Teks 2020", "ver-latar_belakang": token(rows["latar_belakang"]),
        "text-kesimpulan": "Kesimpulan 2019", "ver-kesimpulan": token(rows["kesimpulan"]), "done-kesimpulan": "on",
    }
    assert client.post(url, data).status_code == 302
    assert not Narrative.objects.filter(office=office, year=YEAR, is_draft=True).exists()
    assert "LKjIP 2020: 6 bagian belum diisi" in client.get(url).content.decode()
    assert 'data-testid="narrative-carry"' not in client.get(url).content.decode()


def test_profile_form_stores_lists_units_and_a_validated_logo(demo: Any, login_as: Callable[..., Client]) -> None:
    client = login_as("head_a")
    url = _url(demo, "profile-edit")
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 200)).save(buf, "PNG")
    data = {
        "ver": "-", "official_name": "Kecamatan Kaloran", "address": "Jl. Kaloran No. 1", "capital": "Temanggung",
        "region_head_name": "M. Al Khadziq", "region_head_title": "Bupati Temanggung",
        "units": "Sekretariat | | Sekretaris Camat | Budi\nSubbag Umum | Sekretariat | Kasubbag",
        "tasks": "Membantu Bupati", "functions": "Fungsi satu\nFungsi dua", "legal_basis": "UU 23/2014\nPP 17/2018",
        "logo": SimpleUploadedFile("logo.png", buf.getvalue(), "image/png"),
    }
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    p = OfficeProfile.objects.get(office=demo.office_a)
    assert p.units[1] == {"name": "Subbag Umum", "parent": "Sekretariat", "head_position": "Kasubbag"}
    assert p.functions == ["Fungsi satu", "Fungsi dua"] and p.logo.name.startswith(f"profile/{demo.office_a.pk}/")
    # the PK is signed at the capital, the LKjIP shows the legal basis and carries the logo
    pk = _docx_text(client.get(_url(demo, "document-download", YEAR, "pk", "docx")).content)
    assert "Temanggung, " in pk and "Jl. Kaloran No. 1" in pk
    lk = client.get(_url(demo, "document-download", YEAR, "lkjip", "docx")).content
    assert "1. UU 23/2014" in _docx_text(lk)
    assert len(Docx(io.BytesIO(lk)).inline_shapes) >= 1
    # not an image: refused; a unit under an unknown parent: refused
    bad = {**data, "ver": token(p), "logo": SimpleUploadedFile("logo.png", b"not an image", "image/png")}
    assert client.post(url, bad).status_code == 400
    bad = {**data, "ver": token(p), "logo": "", "units": "Subbag | Tidak Ada"}
    r = client.post(url, bad)
    assert r.status_code == 400 and "Tidak Ada" in r.content.decode()


def test_year_profile_tables(demo: Any, login_as: Callable[..., Client]) -> None:
    client = login_as("operator_a")
    url = _url(demo, "profile-year", YEAR)
    r = client.post(url, {"ver": "-", "staff": "3 | III/a | S1 | L | Pelaksana\n2 | IV/a | S2 | P",
                          "facilities": "Gedung | 1 | Baik", "villages": "Kaloran | desa | Pak Lurah | 4.210"})
    assert r.status_code == 302
    yp = YearProfile.objects.get(office=demo.office_a, year=YEAR)
    assert yp.villages == [{"name": "Kaloran", "kind": "desa", "head": "Pak Lurah", "population": 4210}]
    assert yp.staff[1] == {"count": 2, "rank": "IV/a", "education": "S2", "gender": "P"}
    r = client.post(url, {"ver": token(yp), "staff": "tiga | III/a"})
    assert r.status_code == 400 and "bukan bilangan bulat" in r.content.decode()
    text = _docx_text(client.get(_url(demo, "document-download", YEAR, "lkjip", "docx")).content)
    assert "Pak Lurah" in text and "Jumlah Pegawai Kecamatan Kaloran menurut Golongan Tahun 2020" in text


@pytest.mark.parametrize("route", ["profile-edit", "profile-year"])
def test_a_stale_profile_or_year_table_is_refused(demo: Any, login_as: Callable[..., Client], route: str) -> None:
    office = demo.office_a
    if route == "profile-edit":
        row: Any = OfficeProfile.objects.create(office=office, address="Alamat lama")
        url, data = _url(demo, route), {"address": "Alamat saya"}
    else:
        row = YearProfile.objects.create(office=office, year=YEAR, facilities=[{"name": "Gedung"}])
        url, data = _url(demo, route, YEAR), {"facilities": "Mobil | 1"}
    old = token(row)
    row.save()  # someone else saved meanwhile
    client = login_as("operator_a")
    r = client.post(url, {**data, "ver": old})
    assert r.status_code == 409
    fresh = type(row).objects.get(pk=row.pk)
    assert fresh.version == row.version
    assert client.post(url, {**data, "ver": token(fresh)}).status_code == 302


def test_a_section_the_form_did_not_send_is_kept(demo: Any, login_as: Callable[..., Client]) -> None:
    Narrative.objects.create(office=demo.office_a, year=YEAR, document="lkjip", key="prestasi", text="Juara I")
    client = login_as("operator_a")
    url = _url(demo, "narrative-edit", YEAR, "lkjip")
    assert client.post(url, {"text-kesimpulan": "Baik.", "ver-kesimpulan": "-"}).status_code == 302
    assert Narrative.objects.get(office=demo.office_a, year=YEAR, key="prestasi").text == "Juara I"
