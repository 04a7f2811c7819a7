"""Present a review (`sakip.domain.review_rules.ReviewResult`): rows, JSON, .docx and .xlsx.

No Django here: the command line and the web pages both use these functions.
Numbers are shown in the Indonesian format at the precision they carry
(``96,47``, ``143.637.250``); JSON keeps exact decimals as strings.

A finding's sentences are `sakip.domain.review.Text` (Indonesian that keeps its msgid):
`rows` takes the ``translate`` function of the reader's language (a page passes
``gettext``); the documents, the JSON of the command line and the CSV stay Indonesian.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sakip.domain.errors import N_, Message, msg
from sakip.domain.numbers import format_count, format_number
from sakip.domain.review import Finding, Severity, render_text
from sakip.domain.review_rules import ReviewResult, all_rules

SEVERITY_LABELS = {  # marked for the catalogue: a page shows them translated
    Severity.MAJOR: N_("Mayor"),
    Severity.MINOR: N_("Minor"),
    Severity.WARNING: N_("Perlu diperiksa"),
}
SEVERITY_HEADINGS = {
    Severity.MAJOR: "Temuan mayor (mengubah hasil, kategori atau jumlah yang dilaporkan)",
    Severity.MINOR: "Temuan minor (pembulatan, pemotongan angka atau selisih kecil)",
    Severity.WARNING: "Perlu diperiksa (belum tentu salah)",
}
_RULE_TITLES: dict[str, str] = {}


def _same(text: str) -> str:
    return text


def rule_title(rule_id: str, translate: Callable[[str], str] = _same) -> str:
    """The rule's title (a msgid marked ``N_`` where the rule is registered) in ``translate``'s language."""
    if not _RULE_TITLES:
        _RULE_TITLES.update({r.id: r.title for r in all_rules()})
    return translate(_RULE_TITLES.get(rule_id, N_("Pemeriksaan angka tercetak")))


def show(value: Decimal | str | None, translate: Callable[[str], str] = _same) -> str:
    """A found or expected value as displayed: Indonesian format, at the precision it carries.

    ``83.5`` → ``83,5``; ``84.50`` → ``84,50``; a whole amount of money → ``143.637.250``.
    """
    if value is None:
        return "—"
    if isinstance(value, str):
        return render_text(value, translate)
    exponent = value.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    if value == value.to_integral_value() and (abs(value) >= 1000 or places == 0):
        places = 0
    return format_number(value, min(places, 6))


@dataclass(frozen=True)
class Row:
    number: int
    rule: str
    rule_title: str
    severity: Severity
    severity_label: str
    place: str
    figure: str
    found: str
    expected: str
    message: str


def rows(result: ReviewResult, translate: Callable[[str], str] = _same) -> list[Row]:
    """Findings in report order: major first, then minor, then warnings; numbered from 1.

    The texts in the language of ``translate`` (a page passes ``gettext``; the default keeps the Indonesian).
    """
    ordered = sorted(result.findings, key=lambda f: list(Severity).index(f.severity))
    return [_row(i, f, translate) for i, f in enumerate(ordered, start=1)]


def _row(i: int, f: Finding, translate: Callable[[str], str]) -> Row:
    return Row(
        i,
        f.rule or "OPD-CETAK",
        rule_title(f.rule, translate),
        f.severity,
        translate(SEVERITY_LABELS[f.severity]),
        render_text(f.place, translate),
        render_text(f.what, translate),
        show(f.found, translate),
        show(f.expected, translate),
        render_text(f.message, translate),
    )


def _exact(value: Decimal | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return None if value is None else str(value)
    return format(value, "f")


def as_json(result: ReviewResult, translate: Callable[[str], str] = _same) -> dict[str, Any]:
    wrong = sum(1 for f in result.findings if f.severity is not Severity.WARNING)
    return {
        "subject": result.subject,
        "year": result.year,
        "checked": result.checked,
        "right": result.right,
        "wrong": wrong,
        "warnings": len(result.findings) - wrong,
        "rules": list(result.rules_run),
        "findings": [
            {
                "rule": r.rule,
                "severity": r.severity.value,
                "place": r.place,
                "figure": r.figure,
                "found": _exact(f.found),
                "expected": _exact(f.expected),
                "found_display": r.found,
                "expected_display": r.expected,
                "message": r.message,
            }
            for r, f in zip(rows(result, translate), _ordered(result), strict=True)
        ],
    }


def _ordered(result: ReviewResult) -> list[Finding]:
    return sorted(result.findings, key=lambda f: list(Severity).index(f.severity))


def summary_message(result: ReviewResult) -> Message:
    """The review's one-line count, translatable (a page renders it with `sakip.core.i18n.translate`)."""
    wrong = sum(1 for f in result.findings if f.severity is not Severity.WARNING)
    warn = len(result.findings) - wrong
    counts = {"checked": format_count(result.checked), "right": format_count(result.right),
              "wrong": format_count(wrong), "warn": format_count(warn)}
    if warn:
        return msg(N_("%(checked)s angka/butir diperiksa: %(right)s benar, %(wrong)s salah, %(warn)s perlu diperiksa"),
                   **counts)
    return msg(N_("%(checked)s angka/butir diperiksa: %(right)s benar, %(wrong)s salah"), **counts)


def summary(result: ReviewResult) -> str:
    """The review's one-line count in Indonesian (documents, command line)."""
    return str(summary_message(result))


# ----------------------------------------------------------------------------- documents


def review_document(result: ReviewResult, title: str, kind: str = "reviu") -> Any:
    """The reviu report in the renderer-independent model (`sakip.reports.model.Document`)."""
    from sakip.reports.model import Align, Cell, Document, Heading, ParagraphStyle, Table, para

    doc = Document(kind=kind, title=title, office=result.subject, year=result.year, landscape=True)
    doc.add(
        Heading(title, level=1, chapter=None, new_page=False),
        para(f"Objek reviu: {result.subject}, tahun {result.year}."),
        para(summary(result) + "."),
        para(
            "Angka dibandingkan pada ketelitian cetaknya: angka tercetak 96,47 untuk hasil hitung 96,4651 "
            "dinyatakan benar.",
            style=ParagraphStyle.NOTE,
        ),
    )
    all_rows = rows(result)
    if not all_rows:
        doc.add(para("Tidak ada temuan."))
    header = [
        [
            Cell(h, bold=True, align=Align.CENTER)
            for h in ("No", "Aturan", "Tempat", "Angka", "Tercetak / ditemukan", "Seharusnya", "Keterangan")
        ]
    ]
    for severity in Severity:
        group = [r for r in all_rows if r.severity is severity]
        if not group:
            continue
        doc.add(Heading(SEVERITY_HEADINGS[severity], level=2))
        doc.add(
            Table(
                caption=f"{SEVERITY_LABELS[severity]}: {len(group)} temuan",
                header=header,
                rows=[
                    [
                        Cell(str(r.number), align=Align.RIGHT),
                        Cell(r.rule),
                        Cell(r.place),
                        Cell(r.figure),
                        Cell(r.found, align=Align.RIGHT),
                        Cell(r.expected, align=Align.RIGHT),
                        Cell(r.message),
                    ]
                    for r in group
                ],
                widths=(0.45, 1.1, 3.2, 1.1, 1.9, 1.9, 4.6),
                small=True,
            )
        )
    doc.number_items()
    return doc


def review_docx(result: ReviewResult, title: str) -> bytes:
    from sakip.reports.docx import render_docx

    return render_docx(review_document(result, title))


def review_xlsx(result: ReviewResult, title: str) -> bytes:
    """One sheet of findings; every text cell is stored as text (never read as a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from sakip.reports.cells import put_value

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Reviu"

    def put(r: int, c: int, value: Any, bold: bool = False) -> None:
        cell = put_value(ws.cell(row=r, column=c), value)  # text never a formula (quote prefix when risky)
        if bold:
            cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    put(1, 1, title, bold=True)
    put(2, 1, f"{result.subject} — tahun {result.year}")
    put(3, 1, summary(result))
    headers = ("No", "Tingkat", "Aturan", "Tempat", "Angka", "Tercetak / ditemukan", "Seharusnya", "Keterangan")
    for c, h in enumerate(headers, start=1):
        put(5, c, h, bold=True)
    for i, r in enumerate(rows(result), start=6):
        for c, v in enumerate(
            (r.number, r.severity_label, r.rule, r.place, r.figure, r.found, r.expected, r.message), start=1
        ):
            put(i, c, v)
    for col, width in zip("ABCDEFGH", (5, 14, 12, 50, 16, 20, 20, 70), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A6"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
