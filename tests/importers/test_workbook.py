"""Reading uploaded workbooks: limits, malformed files, exact numbers (no database)."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from decimal import Decimal

import pytest

from sakip.importers.kinds import ANGGARAN, REALISASI, read_sipd, write_template
from sakip.importers.workbook import Limits, Problem, WorkbookRefused, open_workbook, read_sheet

from .xlsx_support import big_sheet_xml, replace_member, sheet_path, workbook

HEADER = [c.header for c in REALISASI.columns]
BUDGET_HEADER = [c.header for c in ANGGARAN.columns]
LIMITS = Limits()


def read(data: bytes, spec=REALISASI, limits: Limits = LIMITS) -> tuple[list, list[Problem]]:
    problems: list[Problem] = []
    wb = open_workbook(data, limits, "uji.xlsx")
    try:
        return read_sheet(wb, spec, limits, problems), problems
    finally:
        wb.close()


def refused(data: bytes, spec=REALISASI, limits: Limits = LIMITS) -> list[Problem]:
    with pytest.raises(WorkbookRefused) as exc:
        read(data, spec, limits)
    return exc.value.problems


def test_numbers_are_exact_decimals_and_text_stays_text() -> None:
    data = workbook({"Realisasi": [HEADER, ["1.1", None, None, None, 79.95, 0.1, 1816490281, "79,95"]]})
    records, problems = read(data)
    assert problems == []
    (rec,) = records
    assert rec.values["tw1"] == Decimal("79.95")  # the float 79.95 read through its repr, not Decimal(79.95)
    assert rec.values["tw2"] == Decimal("0.1")
    assert rec.values["tw3"] == Decimal(1816490281)
    assert rec.values["tw4"] == "79,95"  # text: parsed later with the Indonesian rule
    assert rec.values["code"] == "1.1"
    assert rec.letters["tw1"] == "E"


def test_a_code_typed_as_a_number_is_its_text() -> None:
    data = workbook({"Realisasi": [HEADER, [7, None, None, None, 1]]})
    records, problems = read(data)
    assert problems == [] and records[0].values["code"] == "7"


def test_formula_cells_are_refused_with_their_place() -> None:
    data = workbook({"Realisasi": [HEADER, ["1.1", None, None, None, "=1+1", 5]]})
    _records, problems = read(data)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("Realisasi", 2, "E")]
    assert "rumus" in problems[0].message and "=1+1" in problems[0].message


def test_merged_cells_in_the_data_area_are_refused() -> None:
    data = workbook({"Realisasi": [HEADER, ["1.1", "a", None, None, 5, 6]]}, merge={"Realisasi": "E2:F2"})
    _records, problems = read(data)
    assert any("digabung" in p.message and p.row == 2 and p.column == "E" for p in problems)


def test_booleans_and_dates_in_number_columns_are_refused() -> None:
    data = workbook({"Realisasi": [HEADER, ["1.1", None, None, None, True, dt.date(2020, 3, 31)]]})
    _records, problems = read(data)
    assert [(p.row, p.column) for p in problems] == [(2, "E"), (2, "F")]
    assert "benar/salah" in problems[0].message and "tanggal" in problems[1].message


def test_wrong_sheet_names_the_sheets_present() -> None:
    data = workbook({"Sheet1": [HEADER]})
    _records, problems = read(data)
    (p,) = problems
    assert p.sheet == "Realisasi" and "«Sheet1»" in p.message


def test_changed_headers_are_refused_column_by_column() -> None:
    header = list(HEADER)
    header[4] = "TW 1"
    data = workbook({"Realisasi": [header, ["1.1", None, None, None, 5]]})
    records, problems = read(data)
    assert records == []
    assert [(p.row, p.column) for p in problems] == [(1, "E")]
    assert "Realisasi TW I" in problems[0].message


def test_empty_rows_are_skipped_wherever_they_are() -> None:
    rows = [HEADER, ["1.1", None, None, None, 1], [None] * 5, ["   "], ["1.2", None, None, None, 2], [], []]
    records, problems = read(workbook({"Realisasi": rows}))
    assert problems == []
    assert [(r.row, r.values["code"]) for r in records] == [(2, "1.1"), (5, "1.2")]


def test_a_row_without_its_code_is_an_error() -> None:
    _records, problems = read(workbook({"Realisasi": [HEADER, [None, "nama", None, None, 5]]}))
    assert [(p.row, p.column) for p in problems] == [(2, "A")]
    assert "wajib" in problems[0].message


def test_not_an_xlsx() -> None:
    (p,) = refused(b"Kode;Realisasi\n1.1;79,95\n")
    assert ".xlsx" in p.message
    (p,) = refused(b"PK\x03\x04 not really a zip")
    assert "rusak" in p.message


def test_file_size_cap() -> None:
    data = workbook({"Realisasi": [HEADER]})
    (p,) = refused(data, limits=Limits(max_bytes=len(data) - 1))
    assert "terlalu besar" in p.message


def test_row_cap_refuses_a_100000_row_file_quickly() -> None:
    template = workbook({"Petunjuk": [["x"]], "Realisasi": [HEADER]})
    data = replace_member(template, sheet_path(template, "Realisasi"), big_sheet_xml(HEADER, 100_000))
    started = time.perf_counter()
    (p,) = refused(data)
    assert time.perf_counter() - started < 2
    assert "100.000" in p.message and "20.000" in p.message


def test_row_cap_holds_when_the_dimension_is_missing() -> None:
    template = workbook({"Realisasi": [HEADER]})
    data = replace_member(template, sheet_path(template, "Realisasi"), big_sheet_xml(HEADER, 600, dimension=False))
    (p,) = refused(data, limits=Limits(max_rows=500))
    assert "500" in p.message


def test_zip_bomb_is_refused_without_inflating_it() -> None:
    # a sheet of 200 MB of the same bytes compresses to about 200 kB (ratio ~1000:1)
    template = workbook({"Realisasi": [HEADER]})
    chunk = b"<row/>" * (1 << 20)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        src = zipfile.ZipFile(io.BytesIO(template))
        for info in src.infolist():
            if info.filename == sheet_path(template, "Realisasi"):
                with dst.open(info.filename, "w", force_zip64=True) as member:
                    for _ in range(32):
                        member.write(chunk)
            else:
                dst.writestr(info.filename, src.read(info.filename))
    data = raw.getvalue()
    assert len(data) < 2 * 1024 * 1024
    started = time.perf_counter()
    (p,) = refused(data)
    assert time.perf_counter() - started < 0.5
    assert "zip bomb" in p.message


def test_total_uncompressed_size_cap() -> None:
    template = workbook({"Realisasi": [HEADER]})
    data = replace_member(template, sheet_path(template, "Realisasi"), big_sheet_xml(HEADER, 2000), level=0)
    (p,) = refused(data, limits=Limits(max_uncompressed=100_000))
    assert "setelah dibuka" in p.message


def test_template_reads_back_without_problems() -> None:
    rows = [{"code": "1.01", "name": "Program", "allocation": Decimal("1500000.50"), "tw1": Decimal("250000")}]
    data = write_template("anggaran", [(ANGGARAN, rows)], title="uji")
    records, problems = read(data, ANGGARAN)
    assert problems == []
    assert records[0].values["allocation"] == Decimal("1500000.5")
    assert records[0].values["tw1"] == Decimal(250000)


def test_template_has_instructions_locked_header_and_validation() -> None:
    from openpyxl import load_workbook

    data = write_template("anggaran", [(ANGGARAN, [])], title="uji")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Petunjuk", "Anggaran"]
    ws = wb["Anggaran"]
    assert ws.protection.sheet is True
    assert ws["A1"].protection.locked is True  # the header
    assert ws["A2"].protection.locked is False  # data cells
    assert [c.value for c in ws[1]] == BUDGET_HEADER
    assert any("D2" in str(dv.sqref) for dv in ws.data_validations.dataValidation)
    assert "79,95" in " ".join(str(c.value) for c in wb["Petunjuk"]["A"] if c.value)


def test_sipd_layout_found_below_a_title_block() -> None:
    data = workbook(
        {
            "Laporan": [
                ["LAPORAN REALISASI ANGGARAN"],
                ["Tahun Anggaran 2020"],
                [],
                ["Kode", "Uraian", "Pagu", "Realisasi", "%"],
                ["1.01.01", "Program A", 1000000, 950000.5, 95],
                [None, "JUMLAH", 1000000, 950000.5],
            ]
        }
    )
    problems: list[Problem] = []
    wb = open_workbook(data, LIMITS)
    records = read_sipd(wb, LIMITS, problems)
    assert problems == []
    assert [(r.row, r.values["code"], r.values["allocation"], r.values["realisation"]) for r in records] == [
        (5, "1.01.01", Decimal(1000000), Decimal("950000.5"))
    ]


def test_sipd_without_the_columns_is_refused() -> None:
    data = workbook({"Laporan": [["Kode", "Uraian", "Anggaran murni"]]})
    wb = open_workbook(data, LIMITS)
    with pytest.raises(WorkbookRefused) as exc:
        read_sipd(wb, LIMITS, [])
    assert "Realisasi" in exc.value.problems[0].message


def test_a_dimension_covering_formatted_empty_rows_is_not_a_row_count() -> None:
    template = workbook({"Realisasi": [HEADER]})
    xml = big_sheet_xml(HEADER, 3).replace(b'<dimension ref="A1:J4"/>', b'<dimension ref="A1:J1048576"/>')
    assert b"1048576" in xml
    data = replace_member(template, sheet_path(template, "Realisasi"), xml)
    records, problems = read(data)
    assert problems == [] and [r.values["code"] for r in records] == ["X2", "X3", "X4"]
