"""The office bundle carries the profile's images: logos and achievement photos travel as ``profile/<name>``
members, the import checks each as an image and stores it under a new random name, byte for byte; a re-import
refers to the files already stored (a frozen year's photos stay as they were); a member that is no image is
refused with its place and nothing is stored. An unpacked bundle is a dataset folder the command line reads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.storage import default_storage

from sakip.accounts.models import Office, Regency
from sakip.core.bundle import Bundle, write_bundle
from sakip.core.interchange import canonical, export_office, import_office
from sakip.dataset.loader import DatasetError, load
from sakip.dataset.writer import dump_yaml
from sakip.profiles import images
from sakip.profiles.models import OfficeProfile, YearProfile
from sakip.reports.documents import build_lkjip
from sakip.reports.docx import render_docx
from tests.profiles.support import jpeg_with_exif, png
from tests.web import pages_support
from tests.workflow.lock_support import freeze_year

media = pages_support.media
regency = pages_support.regency
office = pages_support.office

YEAR = 2025


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as f:
        return f.read()


def media_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture()
def source(office: Office) -> Office:
    """The example office with both logos and two photos of 2025 (the dataset's own unstored photo kept too)."""
    p = OfficeProfile.objects.get(office=office)
    p.logo = images.store_upload(office.pk, png(40, 40, (0, 90, 200)))
    p.regency_logo = images.store_upload(office.pk, jpeg_with_exif())
    p.save()
    yp = YearProfile.objects.get(office=office, year=YEAR)
    yp.photos = [
        *yp.photos,
        {"file": images.store_upload(office.pk, png(300, 200, (10, 120, 60))), "caption": "Penghargaan pelayanan"},
        {"file": images.store_upload(office.pk, jpeg_with_exif(120, 80)), "caption": "Musrenbang kecamatan"},
    ]
    yp.save()
    return office


@pytest.fixture()
def elsewhere(db: None, media: Path) -> Regency:
    return Regency.objects.create(code="lain", name="Kabupaten Lain", province="Jawa Timur")


def bundle_bytes(office: Office) -> bytes:
    out = io.BytesIO()
    write_bundle(office, out)
    return out.getvalue()


def images_of(office: Office) -> dict[str, Any]:
    """The office's images as bytes, where the profile places them (the captions with the photos)."""
    p = OfficeProfile.objects.get(office=office)
    photos = [
        (y.year, ph["caption"], _read(ph["file"]) if images.owned(office.pk, ph["file"]) else ph["file"])
        for y in YearProfile.objects.filter(office=office).order_by("year") for ph in y.photos
    ]
    return {"logo": _read(p.logo.name), "regency_logo": _read(p.regency_logo.name), "photos": photos}


def without_files(doc: Any) -> Any:
    """The document without the images' names (stored names differ between instances; the bytes are compared)."""
    doc = canonical(doc)
    p = doc["office"].get("profile", {})
    for k in ("logo", "regency_logo"):
        p.pop(k, None)
    for y in doc["years"]:
        for ph in (y.get("profile") or {}).get("photos", []):
            if ph["file"].startswith("profile/"):
                ph["file"] = "*"
    return doc


def test_the_bundle_carries_the_images_and_the_round_trip_keeps_them_byte_exact(
    source: Office, elsewhere: Regency
) -> None:
    data = bundle_bytes(source)
    before = images_of(source)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    shipped = yaml.safe_load(members["dataset.yaml"])
    profile = shipped["office"]["profile"]
    assert profile["logo"].startswith("profile/") and members[profile["logo"]] == before["logo"]
    assert members[profile["regency_logo"]] == before["regency_logo"]
    photos = shipped["years"][1]["profile"]["photos"]
    assert photos[0] == {"file": "foto/prestasi-1.jpg", "caption": "Penghargaan pelayanan publik terbaik 2025"}
    assert [members[ph["file"]] for ph in photos[1:]] == [b for _y, _c, b in before["photos"][1:]]
    assert len([n for n in members if n.startswith("profile/")]) == 4

    bundle = Bundle(io.BytesIO(data), "kaloran.zip")
    copy = import_office(bundle.document(), elsewhere, source="kaloran.zip", files=bundle)
    assert copy.pk != source.pk
    assert images_of(copy) == before  # every image byte for byte, in its place, with its caption
    for ph in YearProfile.objects.get(office=copy, year=YEAR).photos[1:]:
        assert images.owned(copy.pk, ph["file"])  # stored under the new office's folder
    assert without_files(export_office(copy)) == without_files(export_office(source))
    # a second round (a chain of instances) keeps them again
    again = Bundle(io.BytesIO(bundle_bytes(copy)), "lagi.zip")
    third = import_office(again.document(), Regency.objects.create(code="ketiga", name="Kab. Ketiga"), files=again)
    assert images_of(third) == before


def test_a_reimport_refers_to_the_stored_files_also_in_a_frozen_year(source: Office, elsewhere: Regency,
                                                                     media: Path) -> None:
    data = bundle_bytes(source)
    bundle = Bundle(io.BytesIO(data), "kaloran.zip")
    copy = import_office(bundle.document(), elsewhere, files=bundle)
    names = sorted(ph["file"] for ph in YearProfile.objects.get(office=copy, year=YEAR).photos)
    stored = media_files(media)
    freeze_year(copy, YEAR)
    bundle = Bundle(io.BytesIO(data), "kaloran.zip")
    import_office(bundle.document(), elsewhere, files=bundle)  # the same bundle: nothing of 2025 changes
    assert sorted(ph["file"] for ph in YearProfile.objects.get(office=copy, year=YEAR).photos) == names
    assert media_files(media) == stored  # no second copy of any file


def _rezip(data: bytes, change: Any) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    doc = yaml.safe_load(members.pop("dataset.yaml"))
    change(members, doc)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("dataset.yaml", dump_yaml(doc))
        for name, content in members.items():
            z.writestr(name, content)
    return out.getvalue()


def _not_an_image(members: dict[str, bytes], doc: dict[str, Any]) -> None:
    members[doc["years"][1]["profile"]["photos"][1]["file"]] = b"<script>alert(1)</script>"


def _too_wide(members: dict[str, bytes], doc: dict[str, Any]) -> None:
    members[doc["office"]["profile"]["logo"]] = png(7000, 20)


def _nested(members: dict[str, bytes], doc: dict[str, Any]) -> None:
    members["profile/sub/x.png"] = png()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_not_an_image, "years[1].profile.photos[1].file: profile/"),
        (_too_wide, "office.profile.logo: profile/"),
        (_nested, "hanya dataset.yaml, evidence/… dan profile/…"),
    ],
    ids=["not-an-image", "too-wide", "nested"],
)
def test_a_bad_image_in_a_bundle_is_refused_and_nothing_is_stored(
    source: Office, elsewhere: Regency, media: Path, change: Any, message: str
) -> None:
    data = _rezip(bundle_bytes(source), change)
    before = media_files(media)
    with pytest.raises(DatasetError) as info:
        bundle = Bundle(io.BytesIO(data), "jahat.zip")
        import_office(bundle.document(), elsewhere, source="jahat.zip", files=bundle)
    assert message in str(info.value), str(info.value)
    assert not Office.objects.filter(regency=elsewhere).exists()
    assert media_files(media) == before


def test_an_unpacked_bundle_is_a_dataset_folder_with_its_photos(source: Office, tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(bundle_bytes(source))) as z:
        z.extractall(tmp_path / "paket")  # our own bundle, in a test: safe to unpack
    office = load(tmp_path / "paket" / "dataset.yaml")
    assert len(office.files) == 4  # both logos and the two stored photos (the unstored one has no file)
    from docx import Document as Docx

    d = Docx(io.BytesIO(render_docx(build_lkjip(office, YEAR, charts=False))))
    blobs = [rel.target_part.blob for rel in d.part.rels.values() if "image" in rel.reltype]
    assert all(b in blobs for b in office.files.values() if b != office.files[office.profile.regency_logo])
