"""``sakip lke check|score|regency-summary``: an LKE structure and its score from the command line (no
database); the regency summary .xlsx from the database.

* ``sakip lke check FILE|PRESET`` — validate an LKE file (YAML/JSON, the preset format):
  weights that add up, codes, answer sets; prints the components and sub-components.
* ``sakip lke score FILE|PRESET ANSWERS`` — ANSWERS is a YAML/JSON mapping of criterion
  code → answer code (``1.a.1: Y``); prints the points per component, the total and the
  predicate (``--json`` for exact decimals as strings).
* ``sakip lke regency-summary --year Y --out F.xlsx [--regency KODE]`` — the regency's LKE
  summary workbook (`regency_xlsx`), the same figures as the page ``/pemda/lke/<year>/``.

Exit code 0 when the file is valid (``check``) or scored (``score``), 2 on bad input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from sakip.dataset.reading import DocumentError, load_yaml
from sakip.domain.evaluation import EvaluationError, Framework, NodeScore, Score, score
from sakip.domain.numbers import format_number

from .preset_files import PRESETS, load_framework

lke_app = typer.Typer(help="Evaluasi SAKIP (LKE): periksa struktur dan hitung nilai.", no_args_is_help=True)


def _fail(message: str, details: list[str] | None = None) -> None:
    lines = [f"sakip: error: {message}"] + [f"  {d}" for d in details or []]
    sys.stderr.write("\n".join(lines) + "\n")
    raise typer.Exit(2)


def _load(name: str) -> Framework:
    try:
        return load_framework(name)
    except EvaluationError as exc:
        _fail(f"{name}: LKE tidak valid", exc.errors)
        raise  # unreachable: _fail exits


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 160)


def _num(value: Any) -> str:
    return "—" if value is None else format_number(value, 2)


@lke_app.command("check")
def check(
    lke: Annotated[str, typer.Argument(help=f"Berkas LKE (YAML/JSON) atau preset: {', '.join(PRESETS)}.")],
) -> None:
    """Periksa struktur LKE dan tampilkan komponen serta bobotnya."""
    fw = _load(lke)
    method = "nilai per subkomponen AA–E (88/2021)" if fw.graded else "rata-rata kriteria (12/2015, metode lama)"
    table = Table(title=f"{fw.name} — {sum(1 for _ in fw.criteria())} kriteria — metode: {method}")
    for col in ("Kode", "Komponen / subkomponen", "Jenis", "Bobot", "Kriteria"):
        table.add_column(col, justify="right" if col in ("Bobot", "Kriteria") else "left")
    for comp in fw.components:
        n = sum(len(s.criteria) for s in comp.subcomponents)
        table.add_row(comp.code, comp.name, "", _num(comp.weight), str(n), style="bold")
        for sub in comp.subcomponents:
            table.add_row(sub.code, f"  {sub.name}", sub.kind.value, _num(sub.weight), str(len(sub.criteria)))
    table.add_row("", "Jumlah", "", _num(fw.total), "", style="bold")
    _console().print(table)


def _node_json(node: NodeScore) -> dict[str, Any]:
    return {
        "code": node.code,
        "name": node.name,
        "weight": str(node.weight),
        "value": None if node.value is None else str(node.value),
        "provisional": str(node.provisional),
        "answered": node.answered,
        "criteria": node.criteria_count,
        **(
            {
                "grade": node.grade,
                "computed_grade": node.computed_grade,
                "fulfilled": str(node.fulfilled),
                "share": None if node.share is None else str(node.share),
            }
            if node.computed_grade is not None
            else {}
        ),
    }


def _as_json(s: Score) -> dict[str, Any]:
    return {
        "framework": s.framework.code,
        "method": s.framework.method.value,
        "total": _node_json(s.total),
        "predicate": s.predicate,
        "components": [
            {**_node_json(c), "subcomponents": [_node_json(sub) for sub in c.children]} for c in s.components
        ],
    }


@lke_app.command("score")
def score_cmd(
    lke: Annotated[str, typer.Argument(help=f"Berkas LKE (YAML/JSON) atau preset: {', '.join(PRESETS)}.")],
    answers: Annotated[Path, typer.Argument(help="Pemetaan YAML/JSON kode kriteria → kode jawaban.")],
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON untuk dibaca program.")] = False,
) -> None:
    """Hitung nilai jawaban LKE: nilai per komponen, nilai akhir 0–100 dan predikatnya."""
    fw = _load(lke)
    try:
        data = load_yaml(answers.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, DocumentError) as exc:
        _fail(f"{answers}: jawaban tidak dapat dibaca ({exc})")
    if not isinstance(data, dict):
        _fail(f"{answers}: harus berupa pemetaan kode kriteria → kode jawaban")
    try:
        s = score(fw, {str(k): None if v is None else str(v) for k, v in data.items()})
    except EvaluationError as exc:
        _fail(f"{answers}: jawaban ditolak", exc.errors)
    if as_json:
        sys.stdout.write(json.dumps(_as_json(s), ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=fw.name)
    for col in ("Kode", "Komponen", "Bobot", "Nilai", "Terjawab"):
        table.add_column(col, justify="right" if col in ("Bobot", "Nilai", "Terjawab") else "left")
    for comp in s.components:
        table.add_row(
            comp.code, comp.name, _num(comp.weight), _num(comp.value), f"{comp.answered}/{comp.criteria_count}"
        )
        if fw.graded:  # the 88/2021 method: each sub-component's grade from the share fulfilled
            for sub in comp.children:
                grade = sub.grade or (f"{sub.computed_grade}*" if sub.computed_grade else "—")
                table.add_row(
                    sub.code,
                    f"  nilai {grade}, terpenuhi {_num(sub.share)} %",
                    _num(sub.weight),
                    _num(sub.value),
                    f"{sub.answered}/{sub.criteria_count}",
                )
    table.add_row(
        "",
        "Nilai akhir",
        _num(fw.total),
        _num(s.total.value),
        f"{s.total.answered}/{s.total.criteria_count}",
        style="bold",
    )
    console = _console()
    console.print(table)
    if s.total.value is None:
        console.print(
            f"Belum lengkap: {s.total.criteria_count - s.total.answered} kriteria belum dijawab "
            f"(nilai sementara {_num(s.total.provisional)}, kriteria kosong dihitung 0)."
        )
    else:
        console.print(f"Predikat: {s.predicate}")


@lke_app.command("regency-summary")
def regency_summary_cmd(
    year: Annotated[int, typer.Option("--year", help="Tahun yang dievaluasi.")],
    out: Annotated[Path, typer.Option("--out", help="Berkas .xlsx yang ditulis.")],
    regency: Annotated[
        str | None, typer.Option("--regency", help="Kode pemda (wajib bila basis data memuat lebih dari satu pemda).")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Folder basis data SQLite dan berkas unggahan (bawaan ./var).")
    ] = None,
) -> None:
    """Ringkasan LKE pemda (.xlsx): nilai per subkomponen setiap perangkat daerah, subkomponen terlemah,
    rekomendasi dan tindak lanjutnya — angka yang sama dengan halaman /pemda/lke/<tahun>/."""
    import os

    if data_dir is not None:
        os.environ["SAKIP_DATA_DIR"] = str(data_dir.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")
    import django
    from django.apps import apps

    if not apps.ready:  # (already set up inside the tests' process: logging is not configured twice)
        django.setup()
    from sakip.accounts.models import Regency
    from sakip.core.params import valid_year

    from . import regency_lke, regency_xlsx

    if not valid_year(year):
        _fail(f"tahun {year} di luar rentang yang dikenal")
    regencies = list(Regency.objects.order_by("code"))
    if regency is not None:
        regencies = [r for r in regencies if r.code == regency]
        if not regencies:
            _fail(f"pemda {regency!r} tidak ditemukan")
    if len(regencies) != 1:
        codes = ", ".join(r.code for r in regencies) or "—"
        _fail(f"pilih pemda dengan --regency (tersedia: {codes})")
    chosen = regencies[0]
    s = regency_lke.summary(chosen, year)
    try:
        out.write_bytes(regency_xlsx.workbook_bytes(s, chosen.name))
    except OSError as exc:
        _fail(f"{out}: tidak dapat ditulis ({exc})")
    typer.echo(
        f"{out}: {len(s.rows)} perangkat daerah, {s.scored} dengan nilai evaluator, "
        f"{sum(len(r.items) for r in s.rows)} rekomendasi ({chosen.code}, {year})."
    )
