"""The import kinds: their sheets and columns, the template writer, and the SIPD layout reader.

A template is a real workbook: a «Petunjuk» (instructions) sheet first, then the
data sheets with a bold, locked header row (the sheet is protected without a
password, data cells unlocked), column widths, and data validation that warns on
a negative or non-numeric amount. A template can carry the office's current data
(the export), so that importing an untouched export changes nothing.

Nothing here imports Django.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from sakip.domain.text import clean_text
from sakip.reports.cells import put_value, text_cell

from .workbook import Column, Limits, Problem, Record, SheetSpec, WorkbookRefused, read_rows

QUARTER_COLUMNS = tuple(
    Column(f"tw{q}", f"Realisasi TW {r}", "number", width=16) for q, r in ((1, "I"), (2, "II"), (3, "III"), (4, "IV"))
)

REALISASI = SheetSpec(
    "Realisasi",
    (
        Column("code", "Kode indikator", "code", required=True, width=14),
        Column("name", "Indikator", width=50, help="hanya keterangan; tidak diimpor"),
        Column("unit", "Satuan", width=12, help="hanya keterangan; tidak diimpor"),
        Column("target", "Target tahunan", width=14, help="hanya keterangan; tidak diimpor"),
        *QUARTER_COLUMNS,
        Column("grade", "Realisasi (predikat)", width=14, help="untuk indikator kualitatif (AA … D, WTP …)"),
        Column("explanation", "Penjelasan", width=50, help="wajib bila realisasi di bawah target"),
    ),
    "realisasi triwulan indikator kinerja",
)

KOMPONEN = SheetSpec(
    "Komponen",
    (
        Column("code", "Kode indikator", "code", required=True),
        Column("input", "Komponen rumus", "code", required=True, width=16),
        Column("label", "Keterangan", width=40, help="hanya keterangan; tidak diimpor"),
        *(Column(c.key, c.header.replace("Realisasi", "Nilai"), "number", width=16) for c in QUARTER_COLUMNS),
    ),
    "komponen rumus indikator",
)

ANGGARAN = SheetSpec(
    "Anggaran",
    (
        Column(
            "code",
            "Kode",
            "code",
            required=True,
            width=22,
            help="kode Permendagri 90/2019; kode baru menambah program/kegiatan/sub kegiatan",
        ),
        Column("name", "Uraian", width=50, help="wajib untuk baris baru; untuk baris yang sudah ada hanya keterangan"),
        Column("level", "Tingkat", width=14, help="hanya keterangan; tingkat baris baru mengikuti bentuk kodenya"),
        Column("allocation", "Pagu", "number", width=18),
        *QUARTER_COLUMNS,
    ),
    "pagu dan realisasi anggaran per program/kegiatan/sub kegiatan",
)

YES_NO = ("ya", "tidak")

PK_TARGET_COLUMNS = (
    Column("code", "Kode indikator", "code", required=True),
    Column("name", "Indikator", width=50, help="hanya keterangan; tidak diimpor"),
    Column("unit", "Satuan", width=12, help="hanya keterangan; tidak diimpor"),
    Column(
        "target",
        "Target",
        width=16,
        help="angka, rentang «2 – 4», atau predikat; wajib untuk indikator yang baru masuk PK",
    ),
)

# the quarter targets (Rencana Aksi) after «Target»; files written before they existed import without them
PK_QUARTER_COLUMNS = (
    *(
        Column(
            f"q{q}",
            f"Target TW {r}",
            width=13,
            help="angka; predikat untuk indikator kualitatif; rentang «80 – 90» untuk indikator rentang",
        )
        for q, r in ((1, "I"), (2, "II"), (3, "III"), (4, "IV"))
    ),
    Column(
        "cumulative",
        "Target triwulan kumulatif",
        width=14,
        choices=YES_NO,
        help="ya: setiap triwulan adalah target s.d. triwulan itu; tidak: target triwulan itu sendiri",
    ),
)

PK = SheetSpec("PK", (*PK_TARGET_COLUMNS, *PK_QUARTER_COLUMNS), "target Perjanjian Kinerja dan target triwulan")
PK_WITHOUT_QUARTERS = SheetSpec("PK", PK_TARGET_COLUMNS, "target Perjanjian Kinerja")

TUJUAN = SheetSpec(
    "Tujuan",
    (
        Column("code", "Kode tujuan", "code", required=True),
        Column("text", "Tujuan", width=70, help="wajib untuk tujuan baru"),
    ),
    "tujuan Renstra",
)

SASARAN = SheetSpec(
    "Sasaran",
    (
        Column("code", "Kode sasaran", "code", required=True),
        Column("goal", "Kode tujuan", "code", width=14, help="tujuan induk; wajib untuk sasaran baru"),
        Column("text", "Sasaran", width=70, help="wajib untuk sasaran baru"),
    ),
    "sasaran Renstra",
)


# the definition of a new indicator, as written in the «Indikator» sheet (polarity and its grade scale in one column)
POLARITY_TEXT: dict[tuple[str, str], str] = {
    ("higher_is_better", ""): "semakin tinggi",
    ("lower_is_better", ""): "semakin rendah",
    ("in_range", ""): "rentang",
    ("qualitative", "akip"): "predikat AKIP",
    ("qualitative", "audit-opinion"): "opini BPK",
}
ROLLUP_TEXT: dict[str, str] = {
    "sum": "jumlah",
    "last": "nilai terakhir",
    "average": "rata-rata",
    "max": "tertinggi",
    "min": "terendah",
}

# the «Indikator» columns after «Target akhir periode» (files written before they existed import without them)
INDICATOR_DEFINITION = (
    Column(
        "polarity",
        "Polaritas",
        width=16,
        choices=tuple(POLARITY_TEXT.values()),
        help="indikator baru; kosong = semakin tinggi",
    ),
    Column(
        "rollup",
        "Rekap triwulan",
        width=14,
        choices=tuple(ROLLUP_TEXT.values()),
        help="indikator baru; kosong = nilai terakhir",
    ),
    Column("iku", "IKU", width=8, choices=YES_NO, help="indikator baru; kosong = tidak"),
    Column("formula", "Rumus", width=30, help="indikator baru; misalnya pelanggaran / perangkat_desa * 100"),
    Column(
        "inputs",
        "Komponen rumus",
        width=40,
        help="satu komponen per baris atau dipisah «;»: nama | keterangan | rekap",
    ),
)


INDIKATOR = "Indikator"


def renstra_indicators(years: Sequence[int], *, definition: bool = True) -> SheetSpec:
    """The «Indikator» sheet of the Renstra matrix: one target column per plan year, then the definition."""
    return SheetSpec(
        INDIKATOR,
        (
            Column("code", "Kode indikator", "code", required=True),
            Column("owner", "Kode tujuan/sasaran", "code", width=14, help="induk; wajib untuk indikator baru"),
            Column("name", "Indikator", width=50, help="wajib untuk indikator baru"),
            Column("unit", "Satuan", width=12, help="wajib untuk indikator baru"),
            *(Column(f"y{y}", f"Target {y}", width=14) for y in years),
            Column("end", "Target akhir periode", width=14),
            *(INDICATOR_DEFINITION if definition else ()),
        ),
        "indikator dan target tahunan Renstra",
    )


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    action: str  # the access action an import of this kind needs
    intro: str


KINDS: dict[str, Kind] = {
    "realisasi": Kind(
        "realisasi",
        "Realisasi triwulan",
        "enter",
        "Realisasi triwulan per indikator. Indikator dengan rumus diisi di lembar «Komponen».",
    ),
    "anggaran": Kind(
        "anggaran",
        "Anggaran (pagu dan realisasi)",
        "enter",
        "Pagu dan realisasi triwulan per baris anggaran, dicocokkan menurut kode; kode baru (Permendagri 90/2019) "
        "menambah program/kegiatan/sub kegiatan.",
    ),
    "sipd": Kind(
        "sipd",
        "Realisasi anggaran ekspor SIPD",
        "enter",
        "Laporan realisasi ekspor SIPD: kolom «Kode», «Pagu», «Realisasi»; baris dicocokkan menurut kode.",
    ),
    "pk": Kind(
        "pk",
        "Perjanjian Kinerja (target)",
        "plan",
        "Target indikator pada versi Perjanjian Kinerja yang berlaku untuk tahun itu; indikator Renstra yang belum "
        "ada ditambahkan ke PK.",
    ),
    "renstra": Kind(
        "renstra",
        "Matriks Renstra",
        "plan",
        "Tujuan, sasaran, indikator dan target tahunan rencana strategis; dicocokkan menurut kode, kode baru "
        "menambah tujuan/sasaran/indikator.",
    ),
}

GENERAL_INSTRUCTIONS = [
    "Isi hanya sel di bawah baris judul; jangan mengubah, menyisipkan atau menghapus kolom.",
    "Angka: ketik sebagai angka, atau sebagai teks dalam format Indonesia (79,95 atau 1.234.567,89). "
    "Teks «79.95» ditolak karena titik adalah pemisah ribuan dalam format Indonesia.",
    "Sel kosong berarti «tidak diubah»: nilai yang tersimpan tetap. Baris kosong dilewati.",
    "Rumus, sel digabung, dan nilai benar/salah atau tanggal di kolom angka ditolak.",
    "Impor bersifat semua-atau-tidak-sama-sekali: jika ada satu kesalahan, tidak ada yang disimpan, "
    "dan daftar semua kesalahan ditampilkan (lembar, baris, kolom, alasan).",
    "Sebelum disimpan, pratinjau perubahan (baru/berubah/tetap, nilai lama → baru) ditampilkan untuk dikonfirmasi.",
    "Data yang tersimpan tetapi tidak ada di berkas tidak diubah dan tidak dihapus; pratinjau menyebutnya "
    "«tidak ada di berkas, tidak diubah». Menghapus dilakukan di halaman masing-masing.",
]

# how to add new rows, per kind (the «Petunjuk» sheet)
KIND_NOTES: dict[str, list[str]] = {
    "anggaran": [
        "Menambah baris: tulis kode baru berbentuk Permendagri 90/2019 — program U.BB.PP (misalnya 7.01.01), "
        "kegiatan U.BB.PP.K.KK (7.01.01.2.01), sub kegiatan U.BB.PP.K.KK.SSSS (7.01.01.2.01.0001) — dengan "
        "«Uraian» dan «Pagu». Tingkatnya mengikuti bentuk kode; induknya (kode tanpa bagian terakhir) harus ada "
        "di berkas atau sudah tersimpan. Jika anggaran tahun itu belum ada, anggaran dibuat.",
        "Laporan realisasi ekspor SIPD dapat diimpor langsung (jenis «sipd»): kolom «Kode», «Pagu», «Realisasi». "
        "SIPD hanya mengisi baris yang sudah direncanakan: kode yang belum ada adalah kesalahan.",
    ],
    "pk": [
        "Menambah indikator ke PK: tambahkan baris dengan kode indikator Renstra dan targetnya. Jika PK tahun itu "
        "belum ada, templat berisi indikator Renstra dengan target tahun itu (hapus baris yang tidak masuk PK) "
        "dan impor membuat PK versi 1; penandatangan diisi di halaman Perjanjian kinerja.",
        "Target triwulan (Rencana Aksi): «Target TW I» … «Target TW IV» dan «Target triwulan kumulatif» (ya/tidak). "
        "Kumulatif: setiap triwulan adalah target s.d. triwulan itu dan tidak boleh turun (indikator «semakin "
        "rendah» yang bukan jumlah: tidak boleh naik). Indikator rentang: target triwulan berupa rentang «80 – 90» "
        "untuk realisasi s.d. triwulan itu (triwulan kosong memakai rentang tahunan). Sel kosong: target triwulan "
        "yang tersimpan tetap. Target triwulan yang periodenya sudah dikirim atau disetujui tidak dapat diubah.",
    ],
    "renstra": [
        "Menambah tujuan/sasaran/indikator: tulis baris dengan kode baru (huruf, angka dan titik, misalnya S1.2). "
        "Sasaran baru memerlukan «Kode tujuan»; indikator baru memerlukan «Kode tujuan/sasaran» (induk yang ada "
        "di berkas atau sudah tersimpan), nama, satuan, dan boleh diberi polaritas, rekap triwulan, IKU, rumus "
        "dan komponennya.",
        "Baris dengan kode yang sudah ada mengubah teks, nama, satuan dan target. Polaritas, rekap, rumus dan "
        "induk indikator yang sudah ada diubah di halaman indikator (impor menolak nilai yang berbeda).",
        "Periode rencana (tahun awal–akhir, visi, misi) dibuat di halaman Rencana strategis sebelum impor.",
    ],
}

_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def write_template(
    kind: str,
    sheets: Sequence[tuple[SheetSpec, Iterable[Mapping[str, Any]]]],
    *,
    title: str,
    notes: Sequence[str] = (),
    spare_rows: int = 200,
) -> bytes:
    """A template workbook: instructions, then each sheet with its header and the given rows."""
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "Petunjuk"
    text_cell(info["A1"], title).font = Font(bold=True, size=14)
    text_cell(info["A2"], KINDS[kind].intro)
    line = 4
    for text in [*GENERAL_INSTRUCTIONS, *KIND_NOTES.get(kind, []), *notes]:
        text_cell(info.cell(line, 1), f"• {text}")
        line += 1
    line += 1
    for spec, _rows in sheets:
        text_cell(info.cell(line, 1), f"Lembar «{spec.name}» — {spec.title}").font = Font(bold=True)
        line += 1
        for i, col in enumerate(spec.columns, start=1):
            kind_text = {"number": "angka", "int": "bilangan bulat", "code": "kode", "text": "teks"}[col.kind]
            extra = f"; {col.help}" if col.help else ""
            need = "wajib" if col.required else "boleh kosong"
            text_cell(info.cell(line, 1), f"  {get_column_letter(i)} «{col.header}»: {kind_text}, {need}{extra}")
            line += 1
        line += 1
    info.column_dimensions["A"].width = 120
    info.protection.sheet = True
    for spec, rows in sheets:
        ws = wb.create_sheet(spec.name)
        for i, col in enumerate(spec.columns, start=1):
            c = text_cell(ws.cell(1, i), col.header)
            c.font = Font(bold=True)
            c.fill = _HEADER_FILL
            c.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(i)].width = col.width
        ws.freeze_panes = "A2"
        n = 1
        for n, row in enumerate(rows, start=2):
            for i, col in enumerate(spec.columns, start=1):
                v = row.get(col.key)
                if isinstance(v, str):
                    v = clean_text(v)  # stored text with a control character must not break the file
                if v is not None and v != "":
                    put_value(ws.cell(n, i), v)  # stored text is never written (or read) as a formula
        last = max(n, 1) + spare_rows
        unlocked = Protection(locked=False)
        for r in range(2, last + 1):
            for i in range(1, len(spec.columns) + 1):
                ws.cell(r, i).protection = unlocked
        for i, col in enumerate(spec.columns, start=1):
            if col.kind == "number":
                letter = get_column_letter(i)
                dv = DataValidation(
                    type="decimal",
                    operator="greaterThanOrEqual",
                    formula1="0",
                    allow_blank=True,
                    errorStyle="warning",
                    errorTitle="Angka",
                    error="Isi dengan angka (format Indonesia, misalnya 79,95); tidak boleh negatif.",
                )
                dv.add(f"{letter}2:{letter}{last}")
                ws.add_data_validation(dv)
            elif col.choices:
                letter = get_column_letter(i)
                dv = DataValidation(
                    type="list",
                    formula1='"' + ",".join(col.choices) + '"',
                    allow_blank=True,
                    errorStyle="warning",
                    errorTitle=col.header,
                    error="Pilihan: " + ", ".join(col.choices),
                )
                dv.add(f"{letter}2:{letter}{last}")
                ws.add_data_validation(dv)
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.protection.insertRows = False
        ws.protection.deleteRows = False
        ws.protection.sort = False
        ws.protection.autoFilter = False
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------- SIPD layout

SIPD = SheetSpec(
    "SIPD",
    (
        Column("code", "Kode", "code"),
        Column("name", "Uraian", width=50),
        Column("allocation", "Pagu", "number"),
        Column("realisation", "Realisasi", "number"),
    ),
    "ekspor realisasi anggaran SIPD",
)

_SIPD_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("kode", "kode rekening", "kode sub kegiatan", "kode program/kegiatan/sub kegiatan"),
    "name": ("uraian", "nama", "nama sub kegiatan", "program/kegiatan/sub kegiatan", "uraian program/kegiatan"),
    "allocation": ("pagu", "anggaran", "pagu anggaran", "anggaran setelah perubahan", "pagu (rp)"),
    "realisation": ("realisasi", "realisasi (rp)", "realisasi anggaran", "jumlah realisasi"),
}

SIPD_HEADER_SEARCH = 30


def _norm(v: Any) -> str:
    return " ".join(str(v).split()).casefold() if v is not None else ""


def _match_header(text: str, key: str) -> bool:
    return text in _SIPD_HEADERS[key] or (key != "name" and text.startswith(_SIPD_HEADERS[key][0]))


def read_sipd(wb: Any, limits: Limits, problems: list[Problem]) -> list[Record]:
    """Rows of a SIPD-style realisation report: the first sheet with «Kode», «Pagu» and «Realisasi» headers.

    The header row is searched in the first 30 rows of each sheet (reports carry a
    title block above it). Rows without a code (titles, «JUMLAH» totals) are skipped.
    """
    for ws in wb.worksheets:
        header_row = None
        mapping: dict[str, int] = {}
        for r, values in enumerate(
            ws.iter_rows(min_row=1, max_row=SIPD_HEADER_SEARCH, max_col=40, values_only=True), start=1
        ):
            texts = [_norm(v) for v in values]
            found: dict[str, int] = {}
            for key in ("code", "name", "allocation", "realisation"):
                for i, t in enumerate(texts, start=1):
                    if t and _match_header(t, key) and i not in found.values():
                        found[key] = i
                        break
            if {"code", "allocation", "realisation"} <= found.keys():
                header_row, mapping = r, found
                break
        if header_row is None:
            continue
        spec = SheetSpec(ws.title, SIPD.columns, SIPD.title)
        records = read_rows(ws, spec, limits, problems, header_row=header_row, column_map=mapping)
        return [r for r in records if r.values.get("code") not in (None, "")]
    raise WorkbookRefused(
        [
            Problem(
                "Tidak ditemukan baris judul dengan kolom «Kode», «Pagu» dan «Realisasi» (dicari di 30 baris pertama "
                "setiap lembar). Gunakan ekspor laporan realisasi SIPD atau templat anggaran Sakip."
            )
        ]
    )
