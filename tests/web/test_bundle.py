"""The office dataset bundle (a zip: ``dataset.yaml`` and the evidence files) and who entered what.

A round trip between two regencies of one database (no user of the first is known to
the second): every evidence file byte-identical, the provenance equal, and none of it
turned into a user of this instance. Hostile bundles — a path out of the folder, an
absolute path, a link, a zip bomb, a file over the evidence limit, a changed byte, a
missing file, a file whose content is not its type — are refused with the place and
an Indonesian reason, and nothing is stored: no row changes, no file is left behind.
The import page and the provenance page; the plain YAML export and import as before.
"""

from __future__ import annotations

import hashlib
import io
import stat
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sakip.accounts.models import Office, Regency, Role
from sakip.audit.models import AuditEntry
from sakip.core.bundle import Bundle, write_bundle
from sakip.core.interchange import canonical, export_office, import_office
from sakip.core.provenance import CLAIM
from sakip.core.web import evidence_content_type
from sakip.dataset.loader import DatasetError, parse_text
from sakip.dataset.writer import dump_yaml
from sakip.monitoring.models import Evidence, IndicatorYear, Quarter

from . import pages_support
from .pages_support import PASSWORD, example_doc, make_user

media = pages_support.media
regency = pages_support.regency
office = pages_support.office

PDF = b"%PDF-1.4\n% laporan pembinaan\n" + bytes(range(256)) * 20
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(255, -1, -1)) * 9
YEAR = 2025


def with_files(office: Office) -> dict[str, bytes]:
    """Two users of the regency entered realisations and uploaded three evidence files (one twice the same
    content, one a reference without a file); returns each uploaded file's name -> its bytes."""
    operator = make_user("operator-uji", Role.OPERATOR, office.regency, office)
    head = make_user("kepala-uji", Role.HEAD, office.regency, office)
    at = timezone.make_aware(datetime(2025, 4, 10, 9, 15, 30))
    years = {iy.indicator.code: iy for iy in IndicatorYear.objects.filter(
        indicator__plan__office=office, year=YEAR).select_related("indicator")}
    for n, q in enumerate(Quarter.objects.filter(indicator_year=years["S1.2"]).order_by("quarter")):
        q.entered_by, q.entered_at = (operator if n % 2 == 0 else head), at + timedelta(days=90 * n)
        q.save()
    files = {"laporan pembinaan TW1.pdf": PDF, "foto kegiatan.png": PNG, "salinan laporan.pdf": PDF}
    for (name, data), (code, quarter, who) in zip(
        files.items(), [("S1.2", 1, operator), ("S1.2", 2, head), ("S1.1", 1, operator)], strict=True
    ):
        Evidence.objects.create(indicator_year=years[code], quarter=quarter, name=name,
                                file=ContentFile(data, name=name), content_type=evidence_content_type(name),
                                size=len(data), uploaded_by=who)
    return files


def bundle_bytes(office: Office) -> bytes:
    out = io.BytesIO()
    write_bundle(office, out)
    return out.getvalue()


def evidence_files(office: Office) -> list[tuple[str, int | None, bytes]]:
    return sorted((ev.name, ev.quarter, ev.file.read() if ev.file else b"")
                  for ev in Evidence.objects.filter(indicator_year__indicator__plan__office=office))


def provenance_of(doc: dict[str, Any]) -> dict[str, Any]:
    """Who entered what, from a dataset: the ``entered`` blocks and each evidence item without its bundle path."""
    out: dict[str, Any] = {}
    for y in doc["years"]:
        for code, m in (y.get("indicators") or {}).items():
            items = [{k: v for k, v in e.items() if k != "path"} if isinstance(e, dict) else e
                     for e in m.get("evidence", [])]
            out[f"{y['year']}/{code}"] = canonical({"entered": m.get("entered"), "evidence": items})
    return out


def without_paths(doc: Any) -> Any:
    """The document in its normal form without the evidence files' places in a bundle."""
    if isinstance(doc, dict):
        return canonical({k: without_paths(v) for k, v in doc.items() if k != "path"})
    if isinstance(doc, list):
        return [without_paths(v) for v in doc]
    return canonical(doc)


def media_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture()
def source(office: Office) -> Office:
    with_files(office)
    return office


@pytest.fixture()
def elsewhere(db: None, media: Path) -> Regency:
    """Another regency: none of the source's users belongs to it."""
    return Regency.objects.create(code="lain", name="Kabupaten Lain", province="Jawa Timur")


# ----------------------------------------------------------------------------- the round trip


def test_bundle_round_trip_keeps_every_file_and_who_entered_what(source: Office, elsewhere: Regency) -> None:
    data = bundle_bytes(source)
    first = export_office(source, provenance=True)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = sorted(z.namelist())
        assert names[0] == "dataset.yaml" and all(n.startswith("evidence/2025/S1.") for n in names[1:])
        assert len(names) == 4  # the dataset and three files (the reference without a file has none)
        shipped = parse_text(z.read("dataset.yaml").decode())
    for item in (e for m in shipped["years"][1]["indicators"].values() for e in m.get("evidence", [])
                 if isinstance(e, dict)):
        assert item["sha256"] == hashlib.sha256({"laporan pembinaan TW1.pdf": PDF, "foto kegiatan.png": PNG,
                                                 "salinan laporan.pdf": PDF}[item["name"]]).hexdigest()
        assert item["uploaded_by"] in ("operator-uji", "kepala-uji") and item["uploaded_at"]
    assert shipped["years"][1]["indicators"]["S1.2"]["entered"]["1"] == {
        "entered_by": "operator-uji", "entered_at": "2025-04-10T09:15:30+07:00"}

    notes: list[Any] = []
    bundle = Bundle(io.BytesIO(data), "contoh.zip")
    copy = import_office(bundle.document(), elsewhere, source="contoh.zip", files=bundle, notes=notes)
    assert notes == []
    assert copy.pk != source.pk and copy.regency == elsewhere
    assert evidence_files(copy) == evidence_files(source)  # every file byte-identical
    second = export_office(copy, provenance=True)
    assert provenance_of(second) == provenance_of(first)  # who entered what, unchanged
    assert without_paths(second) == without_paths(first)  # and everything else
    # nobody of this instance became the author: the rows have none, the file's words are claims
    assert not Quarter.objects.filter(indicator_year__indicator__plan__office=copy, entered_by__isnull=False).exists()
    assert not Evidence.objects.filter(indicator_year__indicator__plan__office=copy, uploaded_by__isnull=False).exists()
    claims = AuditEntry.objects.filter(office=copy, changes__has_key=CLAIM)
    assert claims.count() == 4 + 3  # the four quarters of S1.2 and the three uploaded files
    assert {e.user_name for e in claims} == {"sistem"}  # the one who imported (here: the command line)
    assert all("per berkas «contoh.zip»" in e.comment for e in claims)
    # and a second round keeps it all again (a chain of instances)
    again = import_office(export_office(copy, provenance=True), elsewhere, files=Bundle(
        io.BytesIO(bundle_bytes(copy)), "lagi.zip"))
    assert provenance_of(export_office(again, provenance=True)) == provenance_of(first)


def test_the_same_content_is_stored_once_per_bundle_path_and_a_reimport_keeps_its_files(
    source: Office, media: Path
) -> None:
    before = media_files(media)
    # the YAML export names the files by SHA-256; imported again into the same office they are linked, not copied
    import_office(parse_text(dump_yaml(export_office(source, provenance=True))), source.regency)
    assert media_files(media) == before
    assert sum(1 for _n, _q, data in evidence_files(source) if data) == 3


def test_a_file_cannot_make_a_user_the_author(source: Office, client: Client) -> None:
    """A dataset that names a user of this regency as author: stored as the file's claim, the importer audited."""
    planner = make_user("perencana-uji", Role.PLANNER, source.regency, None)
    doc = export_office(source, provenance=True)
    s12 = doc["years"][1]["indicators"]["S1.2"]
    s12["entered"] = {"1": {"entered_by": "kepala-uji", "entered_at": "2024-01-01T08:00:00+07:00"}}
    s12["evidence"] = [{"name": "surat.pdf", "uploaded_by": "kepala-uji", "uploaded_at": "2024-01-02T08:00:00Z"}]
    assert client.login(username="perencana-uji", password=PASSWORD)
    upload = SimpleUploadedFile("palsu.yaml", dump_yaml(doc).encode())
    response = client.post(reverse("office-data", args=[source.code]), {"file": upload})
    assert response.status_code == 302
    q1 = Quarter.objects.get(indicator_year__indicator__plan__office=source, indicator_year__indicator__code="S1.2",
                             indicator_year__year=YEAR, quarter=1)
    assert q1.entered_by is None and q1.entered_at is None
    entry = AuditEntry.objects.get(model="monitoring.Quarter", object_id=str(q1.pk), action="create")
    assert entry.user_id == planner.pk and entry.user_name == "perencana-uji"  # type: ignore[attr-defined]
    assert entry.changes[CLAIM][1]["entered_by"] == "kepala-uji"
    page = client.get(reverse("office-provenance", args=[source.code]) + f"?tahun={YEAR}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "per berkas" in text and "kepala-uji" in text and "diimpor oleh perencana-uji" in text
    # the claim travels on: the next export says what the file said, not that the importer entered it
    again = export_office(source, provenance=True)["years"][1]["indicators"]["S1.2"]
    assert again["entered"] == {"1": {"entered_by": "kepala-uji", "entered_at": "2024-01-01T08:00:00+07:00"}}
    assert again["evidence"][0]["uploaded_by"] == "kepala-uji"
    # once someone enters the quarter here, the row's own author is the provenance again
    q1.entered_by, q1.entered_at = planner, timezone.now()
    q1.save()
    assert export_office(source, provenance=True)["years"][1]["indicators"]["S1.2"]["entered"]["1"][
        "entered_by"] == "perencana-uji"


# ----------------------------------------------------------------------------- hostile bundles


def rezip(data: bytes, change: Callable[[dict[str, bytes], dict[str, Any]], None],
          extra: Callable[[zipfile.ZipFile], None] | None = None) -> bytes:
    """The bundle with its members (and its dataset, parsed) changed by ``change``."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    doc = yaml.safe_load(members.pop("dataset.yaml"))
    change(members, doc)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("dataset.yaml", dump_yaml(doc))
        for name, content in members.items():
            z.writestr(name, content)
        if extra is not None:
            extra(z)
    return out.getvalue()


def first_file(doc: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in doc["years"][1]["indicators"]["S1.2"]["evidence"] if isinstance(e, dict) and "path" in e)


def _flip_byte(members: dict[str, bytes], doc: dict[str, Any]) -> None:
    path = first_file(doc)["path"]
    content = bytearray(members[path])
    content[-1] ^= 0xFF
    members[path] = bytes(content)


def _drop_file(members: dict[str, bytes], doc: dict[str, Any]) -> None:
    del members[first_file(doc)["path"]]


def _not_a_pdf(members: dict[str, bytes], doc: dict[str, Any]) -> None:
    item = first_file(doc)
    members[item["path"]] = b"MZ\x90\x00 program, not a report"
    item["sha256"] = hashlib.sha256(members[item["path"]]).hexdigest()
    item["size"] = len(members[item["path"]])


def _html_named_pdf(members: dict[str, bytes], doc: dict[str, Any]) -> None:
    item = first_file(doc)
    item["name"] = "laporan.html"


def _traversal_in_document(members: dict[str, bytes], doc: dict[str, Any]) -> None:
    first_file(doc)["path"] = "evidence/../../settings.py"


def _member(name: str, data: bytes = b"x", mode: int | None = None) -> Callable[[zipfile.ZipFile], None]:
    def add(z: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo(name)
        if mode is not None:
            info.external_attr = mode << 16
        z.writestr(info, data)

    return add


def _bomb(z: zipfile.ZipFile) -> None:
    """A member that unpacks to 64 MB of zeros (a few kilobytes packed)."""
    with z.open(zipfile.ZipInfo("evidence/2025/S1.2/bom.pdf"), "w") as f:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(64):
            f.write(chunk)


def _nothing(members: dict[str, bytes], doc: dict[str, Any]) -> None:
    pass


HOSTILE: list[tuple[str, Callable[..., None], Callable[[zipfile.ZipFile], None] | None, str]] = [
    ("changed byte", _flip_byte, None, "tidak cocok dengan ukuran dan SHA-256"),
    ("missing file", _drop_file, None, "tidak ada di paket"),
    ("content not its type", _not_a_pdf, None, "tidak sesuai dengan jenisnya"),
    ("a type not allowed", _html_named_pdf, None, "tidak diizinkan"),
    ("path out of the folder (dataset)", _traversal_in_document, None, "«..»"),
    ("path out of the folder (zip)", _nothing, _member("evidence/../../luar.pdf"), "jalur tidak aman"),
    ("absolute path", _nothing, _member("/etc/cron.d/sakip"), "jalur tidak aman"),
    ("backslash path", _nothing, _member("evidence\\..\\luar.pdf"), "jalur tidak aman"),
    ("symbolic link", _nothing, _member("evidence/2025/S1.2/tautan.pdf", b"/etc/passwd", stat.S_IFLNK | 0o777),
     "tautan simbolik"),
    ("a member outside evidence/", _nothing, _member("skrip.sh", b"rm -rf /"), "hanya dataset.yaml"),
    ("zip bomb", _nothing, _bomb, "lebih besar dari batas bukti dukung"),
]


@pytest.mark.parametrize(("change", "extra", "message"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_a_hostile_bundle_is_refused_and_nothing_is_stored(
    source: Office, elsewhere: Regency, media: Path, change: Callable[..., None],
    extra: Callable[[zipfile.ZipFile], None] | None, message: str,
) -> None:
    data = rezip(bundle_bytes(source), change, extra)
    files_before, offices_before = media_files(media), Office.objects.count()
    with pytest.raises(DatasetError) as info:
        bundle = Bundle(io.BytesIO(data), "jahat.zip")
        import_office(bundle.document(), elsewhere, source="jahat.zip", files=bundle)
    assert message in str(info.value), str(info.value)
    assert Office.objects.count() == offices_before and not Office.objects.filter(regency=elsewhere).exists()
    assert media_files(media) == files_before


def test_a_header_that_understates_the_size_is_caught_while_reading(source: Office, elsewhere: Regency,
                                                                     media: Path) -> None:
    """The zip's headers say 10 bytes; the member unpacks to 64 MB: read no further than said, and refused."""
    def lie(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        members[first_file(doc)["path"]] = b"%PDF-1.4\n" + b"\0" * (64 * 1024 * 1024)

    data = bytearray(rezip(bundle_bytes(source), lie))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = next(i for i in z.infolist() if i.file_size > 1024 * 1024)
    central = data.rfind(info.filename.encode()) - 46  # the member's entry in the central directory
    for offset in (info.header_offset + 22, central + 24):  # the uncompressed size, in both headers
        data[offset:offset + 4] = (10).to_bytes(4, "little")
    files_before = media_files(media)
    with pytest.raises(DatasetError) as refused:
        bundle = Bundle(io.BytesIO(bytes(data)), "bohong.zip")
        import_office(bundle.document(), elsewhere, files=bundle)
    assert f"{info.filename}: berkas rusak" in str(refused.value), str(refused.value)  # the CRC of 10 bytes
    assert not Office.objects.filter(regency=elsewhere).exists() and media_files(media) == files_before


def test_every_bad_file_is_listed_at_once(source: Office, elsewhere: Regency) -> None:
    def two(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        items = [e for m in doc["years"][1]["indicators"].values() for e in m.get("evidence", [])
                 if isinstance(e, dict) and "path" in e]
        for item in items[:2]:
            del members[item["path"]]

    with pytest.raises(DatasetError) as info:
        bundle = Bundle(io.BytesIO(rezip(bundle_bytes(source), two)), "dua.zip")
        import_office(bundle.document(), elsewhere, files=bundle)
    assert sum("tidak ada di paket" in str(i) for i in info.value.issues) == 2


def test_not_a_zip_and_no_dataset_are_refused(media: Path, db: None) -> None:
    with pytest.raises(DatasetError, match="bukan berkas zip yang sah"):
        Bundle(io.BytesIO(b"PK\x03\x04 bukan zip"), "rusak.zip")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("evidence/a.pdf", PDF)
    with pytest.raises(DatasetError, match=r"tidak memuat dataset\.yaml"):
        Bundle(io.BytesIO(out.getvalue()), "kosong.zip")


def test_a_failed_import_removes_the_files_it_wrote(source: Office, media: Path) -> None:
    """The files are stored, then the import fails (a frozen year would change): rows and files both go."""
    from tests.workflow.lock_support import freeze_year

    data = bundle_bytes(source)
    # the same office, its evidence files gone from this instance: the import must store them from the bundle
    for ev in Evidence.objects.filter(indicator_year__indicator__plan__office=source).exclude(file=""):
        ev.file.delete(save=False)
    Evidence.objects.filter(indicator_year__indicator__plan__office=source).update(file="")
    freeze_year(source, YEAR)

    def change_2025(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        doc["years"][1]["indicators"]["S1.2"]["quarters"]["1"] = 241

    before = media_files(media)
    with pytest.raises(DatasetError) as info:
        bundle = Bundle(io.BytesIO(rezip(data, change_2025)), "beku.zip")
        import_office(bundle.document(), source.regency, files=bundle)
    assert str(YEAR) in str(info.value)
    assert media_files(media) == before
    assert not Evidence.objects.filter(indicator_year__indicator__plan__office=source).exclude(file="").exists()


# ----------------------------------------------------------------------------- the pages


@pytest.fixture()
def planner_client(client: Client, source: Office) -> Client:
    make_user("perencana", Role.PLANNER, source.regency, None)
    assert client.login(username="perencana", password=PASSWORD)
    return client


def test_the_data_page_exports_and_imports_a_bundle(planner_client: Client, source: Office, media: Path) -> None:
    page = planner_client.get(reverse("office-data", args=[source.code])).content.decode()
    assert reverse("office-export-bundle", args=[source.code]) in page
    assert reverse("office-provenance", args=[source.code]) in page
    response = planner_client.get(reverse("office-export-bundle", args=[source.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="contoh.zip"'
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    before = evidence_files(source)
    # the files leave this instance's disk; the bundle brings them back
    for ev in Evidence.objects.filter(indicator_year__indicator__plan__office=source).exclude(file=""):
        ev.file.delete(save=False)

    def extra_file(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        members["evidence/2025/S1.2/lebih.pdf"] = PDF

    upload = SimpleUploadedFile("contoh.zip", rezip(data, extra_file), content_type="application/zip")
    response = planner_client.post(reverse("office-data", args=[source.code]), {"file": upload}, follow=True)
    text = response.content.decode()
    assert "Data perangkat daerah diimpor." in text
    assert "tidak dirujuk dataset" in text  # the unreferenced file: a note, not imported
    assert evidence_files(source) == before
    provenance = planner_client.get(reverse("office-provenance", args=[source.code]) + f"?tahun={YEAR}")
    assert provenance.content.decode().count('data-testid="per-berkas"') == 4 + 3


def test_the_data_page_lists_a_bundles_errors_and_stores_nothing(planner_client: Client, source: Office) -> None:
    before = canonical(export_office(source, provenance=True))
    upload = SimpleUploadedFile("contoh.zip", rezip(bundle_bytes(source), _flip_byte), content_type="application/zip")
    response = planner_client.post(reverse("office-data", args=[source.code]), {"file": upload})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="import-errors"' in text and "tidak cocok dengan ukuran dan SHA-256" in text
    assert "Tidak ada yang diimpor: 1 kesalahan." in text
    assert canonical(export_office(source, provenance=True)) == before


def test_a_bundle_over_the_upload_limit_is_refused_unread(planner_client: Client, source: Office,
                                                          settings: Any) -> None:
    settings.SAKIP_BUNDLE_MAX_BYTES = 1024
    upload = SimpleUploadedFile("contoh.zip", bundle_bytes(source), content_type="application/zip")
    response = planner_client.post(reverse("office-data", args=[source.code]), {"file": upload})
    assert "Berkas lebih besar dari 0 MB" in response.content.decode()


# ----------------------------------------------------------------------------- backwards compatible


def test_an_old_dataset_without_the_new_keys_still_imports_and_exports_as_before(regency: Regency) -> None:
    doc = example_doc()
    office = import_office(doc, regency)
    assert canonical(export_office(office)) == canonical(doc)
    assert canonical(export_office(office, provenance=True)) == canonical(doc)  # bare references stay names
    assert not AuditEntry.objects.filter(changes__has_key=CLAIM).exists()


def test_a_file_reference_without_its_file_is_kept_and_reported(regency: Regency, media: Path) -> None:
    doc = example_doc()
    digest = hashlib.sha256(PDF).hexdigest()
    doc["years"][1]["indicators"]["S1.1"]["evidence"] = [{
        "name": "laporan.pdf", "quarter": 2, "size": len(PDF), "sha256": digest,
        "path": "evidence/2025/S1.1/laporan.pdf", "uploaded_by": "orang-lain",
        "uploaded_at": "2025-07-01T10:00:00+07:00",
    }]
    notes: list[Any] = []
    office = import_office(doc, regency, notes=notes)
    assert [n.path for n in notes] == ["years[1].indicators.S1.1.evidence[0]"]
    ev = Evidence.objects.get(indicator_year__indicator__plan__office=office)
    assert not ev.file and ev.size == len(PDF) and ev.uploaded_by is None
    item = export_office(office, provenance=True)["years"][1]["indicators"]["S1.1"]["evidence"][0]
    assert item["sha256"] == digest and "path" not in item and item["uploaded_by"] == "orang-lain"
    assert media_files(media) == set()


def test_the_provenance_times_must_carry_their_zone(regency: Regency) -> None:
    doc = example_doc()
    doc["years"][1]["indicators"]["S1.2"]["entered"] = {"1": {"entered_by": "x", "entered_at": "2025-04-10 09:15"}}
    with pytest.raises(DatasetError, match="zona waktu"):
        import_office(doc, regency)


def test_get_user_model_is_untouched_by_an_import(source: Office, elsewhere: Regency) -> None:
    users = get_user_model().objects.count()
    bundle = Bundle(io.BytesIO(bundle_bytes(source)), "contoh.zip")
    import_office(bundle.document(), elsewhere, files=bundle)
    assert get_user_model().objects.count() == users


def test_a_frozen_years_evidence_files_cannot_be_swapped_or_dropped_by_a_reimport(source: Office, media: Path) -> None:
    """While 2025 is approved, the same bundle again passes; another content under a file's name, or a dataset
    that names the files without them (an older export), is refused and changes nothing."""
    from tests.workflow.lock_support import freeze_year

    data = bundle_bytes(source)
    freeze_year(source, YEAR)
    bundle = Bundle(io.BytesIO(data), "sama.zip")
    import_office(bundle.document(), source.regency, files=bundle)  # nothing of 2025 changes
    before, files_before = evidence_files(source), media_files(media)

    def swap(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        item = first_file(doc)
        members[item["path"]] = PDF + b"\n% diganti"
        item["sha256"] = hashlib.sha256(members[item["path"]]).hexdigest()
        item["size"] = len(members[item["path"]])

    for attempt in (lambda: Bundle(io.BytesIO(rezip(data, swap)), "tukar.zip"), None):
        with pytest.raises(DatasetError) as info:
            if attempt is not None:
                swapped = attempt()
                import_office(swapped.document(), source.regency, files=swapped)
            else:  # names only: the files would be left behind
                import_office(export_office(source), source.regency)
        assert f"{YEAR}" in str(info.value) and "disetujui" in str(info.value), str(info.value)
        assert evidence_files(source) == before and media_files(media) == files_before


def test_a_dataset_cannot_link_a_stored_file_under_a_name_of_another_type(source: Office) -> None:
    doc = export_office(source, provenance=True)
    first_file(doc)["name"] = "laporan.html"  # its SHA-256 is a stored PDF's: it would be linked under this name
    with pytest.raises(DatasetError, match=r"«laporan\.html» tidak diizinkan"):
        import_office(doc, source.regency)
