"""The profile and the narratives through the dataset format and the database: the round trip keeps them exactly."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from sakip.accounts.models import Regency
from sakip.core.interchange import canonical, domain_office, export_office, import_office
from sakip.dataset.loader import DatasetError, load, parse_text
from sakip.domain.profile import Narrative, missing_sections, text_blocks, unit_tree
from sakip.profiles.models import Narrative as NarrativeRow
from sakip.profiles.models import OfficeProfile, YearProfile

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contoh-kecamatan.yaml"


@pytest.fixture()
def regency(db: None) -> Regency:
    return Regency.objects.create(code="demo", name="Kabupaten Contoh", province="Jawa Tengah")


def test_the_dataset_reads_into_the_domain() -> None:
    office = load(EXAMPLE)
    p = office.profile
    assert p is not None and p.capital == "Contoh Kota"
    assert p.region_head is not None and p.region_head.position == "Bupati Contoh"
    tree = [(d, u.name) for d, u in unit_tree(p.units)]
    assert tree[:2] == [(0, "Sekretariat"), (1, "Subbagian Umum dan Kepegawaian")]
    assert len(p.legal_basis) == 3 and p.legal_basis[0].startswith("Undang-Undang Nomor 23")
    y = office.years[2025]
    assert y.profile is not None and sum(r.count for r in y.profile.staff) == 7
    assert y.profile.villages[1].kind == "kelurahan" and y.profile.villages[1].population == 6120
    assert y.narratives["lkjip"]["isu_strategis"] == Narrative("Kualitas pelayanan administrasi belum merata.", True)
    blocks = text_blocks(y.narratives["lkjip"]["latar_belakang"].text)
    assert [b.is_list for b in blocks] == [False, False, True]
    assert blocks[2].items == ("kepada Bupati;", "kepada masyarakat.")
    # the draft counts as missing; latar_belakang is done
    missing = missing_sections("lkjip", y.narratives["lkjip"])
    assert "isu_strategis" in missing and "latar_belakang" not in missing


def test_round_trip_through_the_database_keeps_profile_and_narratives_exactly(regency: Regency) -> None:
    doc = parse_text(EXAMPLE.read_text("utf-8"))
    office = import_office(doc, regency)
    assert OfficeProfile.objects.get(office=office).tasks == doc["office"]["profile"]["tasks"]
    assert YearProfile.objects.filter(office=office).count() == 1
    assert NarrativeRow.objects.filter(office=office).count() == 4
    assert NarrativeRow.objects.get(office=office, key="isu_strategis").is_draft
    exported = export_office(office)
    assert canonical(exported["office"]["profile"]) == canonical(doc["office"]["profile"])
    for a, b in zip(exported["years"], doc["years"], strict=True):
        assert a.get("narratives") == b.get("narratives") and a.get("profile") == b.get("profile")
    assert canonical(exported) == canonical(doc)
    # and the stored office's domain model carries them (the documents' DB path)
    d = domain_office(office)
    assert d.years[2025].narratives["triwulan-2"]["permasalahan"].text.startswith("Realisasi anggaran")
    assert d.profile is not None and d.profile.official_name == "Pemerintah Kabupaten Contoh Kecamatan Contoh"


def test_a_reimport_replaces_the_texts(regency: Regency) -> None:
    doc = parse_text(EXAMPLE.read_text("utf-8"))
    office = import_office(doc, regency)
    changed = copy.deepcopy(doc)
    changed["years"][1]["narratives"] = {"lkjip": {"kesimpulan": "Baru."}}
    del changed["office"]["profile"]
    import_office(changed, regency)
    assert list(NarrativeRow.objects.filter(office=office, year=2025).values_list("key", "text")) == [
        ("kesimpulan", "Baru.")
    ]
    assert not OfficeProfile.objects.filter(office=office).exists()


@pytest.mark.parametrize(
    ("where", "value", "path"),
    [
        (("years", 1, "narratives", "lkjip"), {"pengantar": "x"}, "years[1].narratives.lkjip.pengantar"),
        (("office", "profile", "units"), [{"name": "A", "parent": "B"}], "office.profile.units[0].parent"),
        (("years", 1, "narratives"), {"renstra": {"x": "y"}}, "years[1].narratives"),
        (("years", 1, "profile", "staff"), [{"count": -1}], "years[1].profile.staff[0].count"),
    ],
)
def test_wrong_profile_or_narratives_are_refused_with_their_path(
    regency: Regency, where: tuple[object, ...], value: object, path: str
) -> None:
    doc = parse_text(EXAMPLE.read_text("utf-8"))
    node = doc
    for k in where[:-1]:
        node = node[k]  # type: ignore[index]
    node[where[-1]] = value  # type: ignore[index]
    with pytest.raises(DatasetError) as info:
        import_office(doc, regency)
    assert path in str(info.value)
