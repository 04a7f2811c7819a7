"""Generated documents: reopened with python-docx, structure and figures checked against the golden files."""

from __future__ import annotations

import copy
import io
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from PIL import Image

from sakip.dataset.loader import load_seeds
from sakip.domain.measurement import Polarity
from sakip.domain.numbers import round_half_up
from sakip.domain.office import Indicator, Measurement, Office
from sakip.domain.one_figure import distinct
from sakip.domain.periods import Rollup
from sakip.domain.scorecard import build_scorecard
from sakip.reports.documents import build_iku, build_lkjip, build_pk, build_triwulan
from sakip.reports.documents.pk import DocumentError
from sakip.reports.docx import DEFAULT_TEMPLATE, DRAFT_TEXT, TemplateError, render_docx
from sakip.reports.model import Document, Heading, ParagraphStyle, Table

from .doc_support import NUMBER, body_text, golden, id_text, open_docx, table_texts, walk

SEEDS = ("kaloran", "kaliwates", "kandangserang")


@pytest.fixture(scope="session")
def seeds() -> dict[str, Office]:
    return {o.code: o for o in load_seeds()}


@pytest.fixture(scope="session")
def lkjip(seeds: dict[str, Office]) -> dict[str, tuple[Document, bytes]]:
    out = {}
    for code, office in seeds.items():
        d = build_lkjip(office, charts=(code == "kaliwates"))
        out[code] = (d, render_docx(d))
    return out


def _rows_with(tables: list[list[list[str]]], needle: str) -> list[list[str]]:
    return [row for t in tables for row in t if any(needle in cell for cell in row)]


def _achievement_row(tables: list[list[list[str]]], name: str) -> list[str]:
    """The indicator's row in the achievement table (No, name, unit, target, realisation, achievement, category)."""
    return next(row for t in tables for row in t if len(row) == 7 and row[1] == name and t[0][5] == "Capaian (%)")


# --------------------------------------------------------------------------- LKjIP structure


@pytest.mark.parametrize("code", SEEDS)
def test_lkjip_has_the_permenpan_outline(
    lkjip: dict[str, tuple[Document, bytes]], seeds: dict[str, Office], code: str
) -> None:
    model, data = lkjip[code]
    d = open_docx(data)
    level1 = [p.text for p in d.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert level1 == [
        "KATA PENGANTAR",
        "IKHTISAR EKSEKUTIF",
        "BAB I  PENDAHULUAN",
        "BAB II  PERENCANAAN KINERJA",
        "BAB III  AKUNTABILITAS KINERJA",
        "BAB IV  PENUTUP",
        "LAMPIRAN",
    ]
    text = body_text(d)
    for title in (
        "DAFTAR ISI",
        "DAFTAR TABEL",
        "DAFTAR GAMBAR",
        "A. Capaian Kinerja Organisasi",
        "B. Akuntabilitas Keuangan",
        "Lampiran 1. Perjanjian Kinerja",
        "Lampiran 2. Indikator Kinerja Utama",
        "Lampiran 3. Rencana Kinerja Tahunan",
        "Lampiran 4. Matriks Capaian Kinerja",
    ):
        assert title in text, title
    # the analyses of every indicator: a–d, the office's causes and solutions where it wrote any (the year's or
    # the quarters' explanations; else the item is left out and the next ones lettered on), efficiency, programs
    shown = [g.score for g in distinct(build_scorecard(seeds[code]).indicators)]  # a goal's and objective's: once
    yd = seeds[code].years[model.year]
    explained = sum(
        bool((s.explanation or "").strip())
        or any(t.strip() for t in getattr(yd.measurements.get(s.indicator.id), "quarter_explanations", {}).values())
        for s in shown
    )
    indicators = len(shown)
    for label in (
        "a. Perbandingan target dan realisasi",
        "b. Perbandingan dengan tahun-tahun sebelumnya",
        "c. Perbandingan dengan target akhir Renstra",
        "d. Perbandingan dengan standar nasional",
    ):
        assert text.count(label) == indicators > 0, label
    assert text.count(". Penyebab keberhasilan/kegagalan dan alternatif solusi") == explained
    assert text.count("e. Penyebab keberhasilan/kegagalan dan alternatif solusi") == explained
    assert text.count("f. Efisiensi penggunaan sumber daya") == explained
    assert text.count("e. Efisiensi penggunaan sumber daya") == indicators - explained
    assert text.count(". Program dan kegiatan pendukung") == indicators
    # tables numbered per chapter, listed in the table of tables with a page reference each
    labels = [t.label for t in model.tables() if not t.plain]  # (plain: layout only, e.g. the PK parties)
    # (Bab I has tables when the office's profile gives staff, facilities or villages: Tabel 1.x)
    assert [x for x in labels if not x.startswith("Tabel 1.")][:2] == ["Tabel 2.1", "Tabel 2.2"]
    assert "Tabel 3.1" in labels and "Tabel L.1" in labels
    assert len(set(labels)) == len(labels)
    xml = d.element.xml
    assert xml.count("PAGEREF _Sakip") == len(model.headings()) - sum(not h.in_toc for h in model.headings()) + len(
        labels
    ) + len(model.figures())


def test_lkjip_figures_are_embedded(lkjip: dict[str, tuple[Document, bytes]]) -> None:
    model, data = lkjip["kaliwates"]
    d = open_docx(data)
    assert len(d.inline_shapes) == len(model.figures()) >= 3
    captions = [p.text for p in d.paragraphs if p.style is not None and p.style.name == "Sakip Figure Caption"]
    assert len(captions) == len(model.figures())
    assert all(f.png.startswith(b"\x89PNG") for f in model.figures())


# --------------------------------------------------------------------------- golden figures


def test_kaloran_figures_match_the_golden_file(lkjip: dict[str, tuple[Document, bytes]]) -> None:
    g = golden("kaloran")
    ikm = next(
        n
        for n in walk(g)
        if isinstance(n, dict)
        and (n.get("indicator") or "").startswith("Indeks Kepuasan")
        and "computed_achievement" in n
    )
    tables = table_texts(open_docx(lkjip["kaloran"][1]))
    row = _achievement_row(tables, "Indeks Kepuasan Masyarakat (IKM) di Kecamatan")
    assert id_text(ikm["computed_achievement"]) in row  # 96,47
    assert id_text(ikm["target"], 0) in row and id_text(ikm["realization"], 0) in row
    budget = next(
        n
        for n in walk(g)
        if isinstance(n, dict)
        and isinstance(n.get("correct"), dict)
        and "allocation" in n["correct"]
        and "realization" in n["correct"]
    )
    absorption = next(
        n
        for n in walk(g)
        if isinstance(n, dict) and isinstance(n.get("correct"), dict) and "absorption_pct" in n["correct"]
    )
    total = [
        r
        for r in _rows_with(tables, "Jumlah")
        if id_text(budget["correct"]["allocation"]) in r and id_text(budget["correct"]["realization"]) in r
    ]
    assert total, "budget table total row"
    assert id_text(absorption["correct"]["absorption_pct"]) in total[0]  # 94,80, not the printed −52,75
    assert id_text(287274500) not in " ".join(c for t in tables for r in t for c in r)  # the double count


def test_kaliwates_figures_match_the_golden_file(lkjip: dict[str, tuple[Document, bytes]]) -> None:
    g = golden("kaliwates")
    ikm = next(
        n
        for n in walk(g)
        if isinstance(n, dict) and n.get("computed_achievement") is not None and n.get("previous_years")
    )
    d = open_docx(lkjip["kaliwates"][1])
    tables = table_texts(d)
    assert ikm["indicator"] == "Nilai SKM"  # named "Nilai Survey Kepuasan Masyarakat (SKM)" in the dataset
    rows = _rows_with(tables, "Nilai Survey Kepuasan Masyarakat (SKM)")
    assert any(id_text(ikm["computed_achievement"]) in r for r in rows)  # 84,50 (printed 83,5)
    prev = id_text(next(iter(ikm["previous_years"].values())))
    assert any(prev in r for r in rows)  # 78,20 in the comparison table
    assert f"capaian kinerjanya sebesar {id_text(ikm['computed_achievement'])} %" in body_text(d)


def test_kandangserang_pk_total_matches_the_golden_file(seeds: dict[str, Office]) -> None:
    g = golden("kandangserang")
    total = next(n["computed"] for n in walk(g) if isinstance(n, dict) and n.get("computed") == 2060693340)
    d = open_docx(render_docx(build_pk(seeds["kandangserang"], 2021, amendment=True)))
    jumlah = _rows_with(table_texts(d), "Jumlah")
    assert any(id_text(total) in r for r in jumlah)
    assert "PERJANJIAN KINERJA PERUBAHAN TAHUN 2021" in body_text(d)


@pytest.mark.parametrize("code", SEEDS)
def test_budget_totals_add_up(lkjip: dict[str, tuple[Document, bytes]], code: str) -> None:
    model, _ = lkjip[code]
    budget = [t for t in model.tables() if t.caption.startswith("Realisasi Anggaran per Program")]
    if not budget:
        pytest.skip("no itemised budget in this seed")
    (t,) = budget
    programs = [r for r in t.rows if r[0].bold and r[0].text != "Jumlah"]
    total = next(r for r in t.rows if r[0].text == "Jumlah")
    for col in (1, 2):  # allocation, realisation (cells after the merged label)
        values = [r[col + 1].value for r in programs]
        assert sum((v for v in values if v is not None), Decimal(0)) == total[col].value
        assert None not in values


# --------------------------------------------------------------------------- generated numbers


def _cells(model: Document) -> dict[str, set[Decimal]]:
    out: dict[str, set[Decimal]] = {}
    for t in model.tables():
        for cell in t.cells():
            if cell.value is not None:
                out.setdefault(cell.text.lstrip("−-"), set()).add(abs(cell.value))
    return out


@pytest.mark.parametrize("code", SEEDS)
def test_every_generated_number_is_in_a_table(lkjip: dict[str, tuple[Document, bytes]], code: str) -> None:
    model, data = lkjip[code]
    cells = _cells(model)
    runs = [r for p in model.paragraphs() for r in p.numbers()]
    assert len(runs) > 10
    for r in runs:
        assert r.value is not None
        assert r.text in cells, f"{r.text} (generated) is in no table"
        places = len(r.text.partition(",")[2])
        assert any(round_half_up(abs(r.value), places) == round_half_up(v, places) for v in cells[r.text])
    # and in the rendered file: every decimal number outside tables and operator texts appears in a table
    d = open_docx(data)
    table_numbers = {m.lstrip("−-") for t in table_texts(d) for row in t for cell in row for m in NUMBER.findall(cell)}
    operator = {"Sakip Operator"}
    for p in d.paragraphs:
        if p.style is not None and p.style.name in operator:
            continue
        for token in NUMBER.findall(p.text):
            assert token.lstrip("−-") in table_numbers, f"{token!r} in {p.text!r}"


@pytest.mark.parametrize("builder", ["triwulan", "pk"])
def test_other_documents_numbers_are_in_tables(seeds: dict[str, Office], builder: str) -> None:
    for office in seeds.values():
        model = build_triwulan(office, quarter=4) if builder == "triwulan" else build_pk(office)
        cells = _cells(model)
        for p in model.paragraphs():
            for r in p.numbers():
                assert r.text in cells, f"{office.code}: {r.text}"


# --------------------------------------------------------------------------- not measured is not zero


def _without_realisation(office: Office, indicator_id: str) -> Office:
    o = copy.deepcopy(office)
    for yd in o.years.values():
        yd.measurements.pop(indicator_id, None)
    return o


def test_missing_realisation_is_belum_diukur_never_zero(seeds: dict[str, Office]) -> None:
    office = _without_realisation(seeds["kaloran"], "T1.1")
    model = build_lkjip(office, charts=False)
    d = open_docx(render_docx(model))
    achievement_row = _achievement_row(table_texts(d), "Indeks Kepuasan Masyarakat (IKM) di Kecamatan")
    assert achievement_row.count("belum diukur") >= 2  # realisation and achievement
    assert "0" not in achievement_row and "0,00" not in achievement_row
    text = body_text(d)
    assert "realisasinya belum diukur, sehingga capaiannya belum dapat dihitung" in text
    # the quarterly report: no quarter measured anywhere in this seed
    tw = open_docx(render_docx(build_triwulan(office, quarter=2)))
    recap = [r for r in _rows_with(table_texts(tw), "Persentase penanganan laporan kejadian") if len(r) == 9]
    assert recap[0][4:6] == ["belum diukur", "belum diukur"] and "0,00" not in recap[0]


# --------------------------------------------------------------------------- a large office, long texts


def _large_office(base: Office, n: int = 60) -> Office:
    o = copy.deepcopy(base)
    year = 2020
    objective = o.plan.objectives[0]
    pk = o.years[year].agreements[0]
    for i in range(1, n + 1):
        ind = Indicator(
            f"X{i}",
            f"Indikator uji nomor {i} dengan nama yang sangat panjang tentang persentase "
            f"penyelesaian layanan administrasi kependudukan tepat waktu di seluruh desa ({i})",
            "%",
            polarity=Polarity.HIGHER_IS_BETTER,
            rollup=Rollup.LAST,
            iku=(i % 2 == 0),
            targets={year: Decimal(90)},
            end_target=Decimal(95),
        )
        objective.indicators.append(ind)
        pk.targets[ind.id] = Decimal(90)
        if i % 7 != 0:  # every seventh indicator not measured
            o.years[year].measurements[ind.id] = Measurement(
                annual=Decimal(80) + Decimal(i) / 4,
                explanation=("Uraian penyebab dan solusi yang panjang. " * 120) if i == 1 else None,
            )
    return o


def test_sixty_indicators_and_long_narrative(seeds: dict[str, Office]) -> None:
    office = _large_office(seeds["kaloran"])
    model = build_lkjip(office, charts=False, narrative={"kesimpulan": "Kesimpulan panjang. " * 400})
    d = open_docx(render_docx(model))
    table = next(t for t in model.tables() if t.caption.startswith("Capaian Indikator Kinerja"))
    assert sum(1 for r in table.rows if r[0].text.isdigit()) == 65
    texts = table_texts(d)
    name = (
        "Indikator uji nomor {0} dengan nama yang sangat panjang tentang persentase penyelesaian layanan "
        "administrasi kependudukan tepat waktu di seluruh desa ({0})"
    )
    measured = _achievement_row(texts, name.format(8))
    assert id_text(82, 0) in measured  # 80 + 8/4 = 82 against target 90 → 91,11
    assert id_text(Decimal(82) / Decimal(90) * 100) in measured
    unmeasured = _achievement_row(texts, name.format(7))
    assert "belum diukur" in unmeasured
    assert body_text(d).count("Uraian penyebab dan solusi yang panjang.") == 120
    cells = _cells(model)  # capped achievements: the raw value is in the matrix table too
    for p in model.paragraphs():
        for r in p.numbers():
            assert r.text in cells, r.text


# --------------------------------------------------------------------------- templates, draft, escaping


def _custom_template(path: Path) -> Path:
    d = docx.Document(str(DEFAULT_TEMPLATE))
    d.styles["Normal"].font.name = "Times New Roman"
    kop = next(p for p in d.paragraphs if p.text == "[[kop]]")
    logo = io.BytesIO()
    Image.new("RGB", (40, 40), "#0b6e4f").save(logo, format="PNG")
    kop.insert_paragraph_before().add_run().add_picture(logo)  # a logo on the cover
    end = next(p for p in d.paragraphs if p.text == "[[akhir]]")
    marker = end.insert_paragraph_before("[[kata_pengantar]]")
    _ = marker
    end.insert_paragraph_before("Kata pengantar khusus {instansi} tahun {tahun} ({pemda}).", style="Sakip Body")
    d.save(str(path))
    return path


def test_regency_template_changes_styles_and_fixed_texts(seeds: dict[str, Office], tmp_path: Path) -> None:
    template = _custom_template(tmp_path / "pemda.docx")
    data = render_docx(build_lkjip(seeds["kaloran"], charts=False), template=template)
    d = open_docx(data)
    text = body_text(d)
    assert "Kata pengantar khusus Kecamatan Kaloran tahun 2020 (Kabupaten Temanggung)." in text
    assert "Puji syukur ke hadirat Tuhan" not in text  # the default wording replaced
    assert "[[" not in text and "{instansi}" not in text
    assert d.styles["Normal"].font.name == "Times New Roman"
    assert len(d.inline_shapes) == 1  # the cover's logo (no charts in this document)
    assert d.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed in d.part.rels
    default = body_text(open_docx(render_docx(build_lkjip(seeds["kaloran"], charts=False))))
    assert "Puji syukur ke hadirat Tuhan" in default


def test_bad_template_is_refused_with_a_clear_message(seeds: dict[str, Office], tmp_path: Path) -> None:
    bad = tmp_path / "bukan.docx"
    bad.write_text("bukan dokumen", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"bukan berkas \.docx"):
        render_docx(build_iku(seeds["kaloran"]), template=bad)
    with pytest.raises(TemplateError, match="tidak dapat dibaca"):
        render_docx(build_iku(seeds["kaloran"]), template=tmp_path / "tidak-ada.docx")


def test_draft_marks_every_page(seeds: dict[str, Office]) -> None:
    draft = open_docx(render_docx(build_pk(seeds["kaliwates"], draft=True)))
    final = open_docx(render_docx(build_pk(seeds["kaliwates"])))
    assert all(
        DRAFT_TEXT in s.header.paragraphs[0].text and DRAFT_TEXT in s.first_page_header.paragraphs[0].text
        for s in draft.sections
    )
    assert not any(DRAFT_TEXT in p.text for s in final.sections for p in s.header.paragraphs)
    model = build_lkjip(seeds["kaloran"], charts=False)
    model.header = "LKjIP Kecamatan Kaloran 2020"
    headed = open_docx(render_docx(model))
    assert headed.sections[0].header.paragraphs[0].text == "LKjIP Kecamatan Kaloran 2020"


def test_user_text_is_written_literally(seeds: dict[str, Office]) -> None:
    office = copy.deepcopy(seeds["kaloran"])
    evil = '<w:p>{instansi} =SUM(A1) [[kop]] PAGEREF "x" & \u00a0 </w:t>'
    office.years[2020].measurements["T1.1"].explanation = evil
    d = open_docx(render_docx(build_lkjip(office, charts=False)))
    assert evil in [p.text for p in d.paragraphs]
    # characters XML cannot carry (pasted from elsewhere) do not break the file
    office.years[2020].measurements["T1.1"].explanation = "Baris satu\x0bbaris dua\x00 selesai\x1f."
    office.head = None
    d = open_docx(render_docx(build_lkjip(office, charts=False)))
    assert "Baris satu\nbaris dua selesai." in [p.text for p in d.paragraphs]


# --------------------------------------------------------------------------- PK, IKU, quarterly


def test_pk_statement_and_annex(seeds: dict[str, Office]) -> None:
    office = seeds["kaliwates"]
    d = open_docx(render_docx(build_pk(office)))
    text = body_text(d)
    assert "PERJANJIAN KINERJA TAHUN 2020" in text and "selanjutnya disebut pihak pertama." in text
    signatures = " ".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    pk = office.years[2020].agreement
    assert pk is not None and pk.first_party is not None and pk.second_party is not None
    for expected in (
        "PIHAK PERTAMA",
        "PIHAK KEDUA",
        pk.first_party.name,
        pk.second_party.name,
        f"NIP. {pk.first_party.nip}",
    ):
        assert expected in signatures
    rows = [r for t in table_texts(d) for r in t if r[0].isdigit()]
    assert len([r for r in rows if len(r) == 4 and r[2] != "APBD"]) >= len(pk.targets)


def test_pk_amendment_requires_one(seeds: dict[str, Office]) -> None:
    with pytest.raises(DocumentError, match="Perubahan"):
        build_pk(seeds["kaloran"], 2020, amendment=True)


def test_pk_without_a_recorded_agreement_is_a_draft_from_the_plan(seeds: dict[str, Office]) -> None:
    office = seeds["kandangserang"]
    model = build_pk(office, 2022)
    text = "\n".join(p.text for p in model.paragraphs())
    assert "target diambil dari Rencana Strategis" in text
    (targets,) = [t for t in model.tables() if "Target" in t.caption or "Indikator" in t.caption]
    assert any(c.value == Decimal("80.31") for c in targets.cells())


def test_iku_decree(seeds: dict[str, Office]) -> None:
    office = seeds["kaloran"]
    d = open_docx(render_docx(build_iku(office, decree_number="800/12/2019", date="2 Januari 2019")))
    text = body_text(d) + " ".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    for expected in (
        "KEPUTUSAN CAMAT KALORAN",
        "NOMOR 800/12/2019",
        "MEMUTUSKAN:",
        "KESATU",
        "KELIMA",
        "pada tanggal 2 Januari 2019",
    ):
        assert expected in text
    ikus = [i for i in office.plan.indicators() if i.iku]
    annex = next(t for t in table_texts(d) if t[0][0] == "No")
    numbered = [row for row in annex if row[0].isdigit()]
    assert len(numbered) == len(ikus)
    for ind in ikus:
        assert any(ind.name in row[1] and (ind.definition or "") in row[2] for row in numbered)


def test_quarterly_report_columns(seeds: dict[str, Office]) -> None:
    office = seeds["kandangserang"]
    q2 = build_triwulan(office, quarter=2, charts=False)
    recap = next(t for t in q2.tables() if t.caption.startswith("Capaian Kinerja s.d. Triwulan II"))
    header = " ".join(c.text for row in recap.header for c in row)
    assert "s.d. Triwulan II" in header and "Kondisi akhir" in header and "Triwulan III" not in header
    q4 = build_triwulan(office, quarter=4, charts=False)
    assert any(t.caption.startswith("Capaian Kinerja s.d. Triwulan IV") for t in q4.tables())
    d = open_docx(render_docx(q4))
    portrait = d.sections[0].page_width < d.sections[0].page_height
    assert portrait and any(s.page_width > s.page_height for s in d.sections)  # Bab III in landscape
    with pytest.raises(DocumentError, match="Triwulan"):
        build_triwulan(office, quarter=5)


def test_model_numbering_restarts_per_chapter() -> None:
    doc = Document("x", "x", "Kantor", 2020)
    t1, t2, t3 = (Table("a", [], []), Table("b", [], []), Table("c", [], []))
    doc.add(t1, Heading("BAB I", 1, chapter="1"), t2, Heading("BAB II", 1, chapter="2"), t3)
    doc.number_items()
    assert [t1.number, t2.number, t3.number] == ["1", "1.1", "2.1"]
    assert ParagraphStyle.OPERATOR.value == "operator"


def test_undefined_achievement_is_explained_in_indonesian(seeds: dict[str, Office]) -> None:
    office = copy.deepcopy(seeds["kaloran"])
    office.years[2020].measurements["T1.1"].target = Decimal(0)  # R / T with T = 0
    d = open_docx(render_docx(build_lkjip(office, charts=False)))
    row = _achievement_row(table_texts(d), "Indeks Kepuasan Masyarakat (IKM) di Kecamatan")
    assert row[3:6] == ["0", "82", "tidak terdefinisi"]
    assert any(
        "capaiannya tidak terdefinisi (target bernilai 0 sehingga rasio realisasi terhadap target tidak terdefinisi)"
        in p.text
        for p in d.paragraphs
    )
