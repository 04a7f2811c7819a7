"""``sakip review FILE [--json]``: the automatic review from the command line.

FILE is either a printed-report file (``format: sakip-printed-report/1``, YAML/JSON,
or the .xlsx template) — every printed figure that is wrong and what it should be;
with ``--dataset OFFICE`` a quarterly report is also compared with the office's
figures as of its quarter — or an office dataset (``format: sakip-office/1``) — the
review rules over one of its years. The kind is told by the file's ``format`` field. Exit code 0 when the review
ran (whatever it found), 2 when the file cannot be read.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sakip.dataset.loader import FORMAT as OFFICE_FORMAT
from sakip.dataset.loader import DatasetError
from sakip.dataset.loader import load as load_office
from sakip.dataset.printed_report import FORMAT as PRINTED_FORMAT
from sakip.dataset.printed_report import document_format
from sakip.dataset.printed_report import load as load_printed
from sakip.domain.errors import DomainError
from sakip.domain.review_rules import (
    DEFAULT_ABSORPTION_LAG,
    ReviewResult,
    ReviewSettings,
    review_office,
    review_printed,
)

from .output import as_json, rows, summary

_STYLES = {"major": "red", "minor": "yellow", "warning": "cyan"}


def _fail(message: str, details: list[str] | None = None) -> None:
    lines = [f"sakip: error: {message}"] + [f"  {d}" for d in details or []]
    sys.stderr.write("\n".join(lines) + "\n")
    raise typer.Exit(2)


def run_review(
    path: Path, year: int | None = None, dataset: Path | None = None, lag: Decimal = DEFAULT_ABSORPTION_LAG
) -> tuple[ReviewResult, str]:
    """The review of ``path`` and its title; raises `DatasetError` / `DomainError` on bad input."""
    fmt = document_format(path)
    if fmt == PRINTED_FORMAT:
        report = load_printed(path)
        office = load_office(dataset) if dataset is not None else None
        result = review_printed(report, office=office, settings=ReviewSettings(lag))
        return result, f"Reviu angka tercetak: {report.title or report.office}"
    if fmt == OFFICE_FORMAT:
        office = load_office(path)
        y = year if year is not None else office.latest_year
        if y is None or y not in office.years:
            raise DomainError(f"{office.name}: tidak ada data tahun {y}" if y else f"{office.name}: tidak ada data")
        return review_office(office, y), f"Reviu data kinerja {office.name} tahun {y}"
    found = f"format {fmt!r} tidak dikenal" if fmt else "berkas tidak mempunyai kolom format"
    raise DomainError(f"{found}: diharapkan {PRINTED_FORMAT} (laporan tercetak) atau {OFFICE_FORMAT} (data OPD)")


def review(
    file: Annotated[Path, typer.Argument(help="Laporan tercetak (YAML/JSON/.xlsx) atau dataset OPD.")],
    year: Annotated[int | None, typer.Option(help="Dataset OPD: tahun yang direviu (bawaan: terakhir).")] = None,
    dataset: Annotated[
        Path | None,
        typer.Option(help="Laporan tercetak: dataset OPD pembanding (angka s.d. triwulan laporan)."),
    ] = None,
    ambang_serapan: Annotated[
        float,
        typer.Option(
            "--ambang-serapan",
            help="Laporan triwulan: peringatan bila penyerapan tertinggal lebih dari sekian poin dari porsi waktu.",
        ),
    ] = float(DEFAULT_ABSORPTION_LAG),
    json_output: Annotated[bool, typer.Option("--json", help="Keluaran JSON untuk dibaca program.")] = False,
) -> None:
    """Reviu angka laporan tercetak, atau data satu tahun perangkat daerah, dan tampilkan setiap temuan."""
    if not file.is_file():
        _fail(f"{file}: berkas tidak ditemukan")
    if dataset is not None and not dataset.is_file():
        _fail(f"{dataset}: berkas tidak ditemukan")
    lag = Decimal(str(ambang_serapan))
    if not Decimal(0) <= lag <= Decimal(100):
        _fail(f"--ambang-serapan {ambang_serapan}: harus 0–100 poin")
    try:
        result, title = run_review(file, year, dataset, lag)
    except DatasetError as exc:
        n = len(exc.issues)
        _fail(f"{file}: {n} kesalahan", [str(i) for i in exc.issues[:50]])
        return
    except DomainError as exc:
        _fail(f"{file}: {exc}")
        return
    if json_output:
        sys.stdout.write(json.dumps({"title": title, **as_json(result)}, ensure_ascii=False, indent=2) + "\n")
        return
    console = Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 200)
    console.print(title, markup=False)
    table = Table(title=summary(result))
    for col, just in (
        ("No", "right"),
        ("Tingkat", "left"),
        ("Aturan", "left"),
        ("Tempat", "left"),
        ("Angka", "left"),
        ("Tercetak", "right"),
        ("Seharusnya", "right"),
        ("Keterangan", "left"),
    ):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for r in rows(result):
        style = _STYLES[r.severity.value]
        table.add_row(
            str(r.number),
            f"[{style}]{r.severity_label}[/]",
            r.rule,
            _esc(r.place),
            _esc(r.figure),
            _esc(r.found),
            _esc(r.expected),
            _esc(r.message),
        )
    console.print(table)


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)
