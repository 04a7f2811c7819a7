"""The ``sakip`` command line (Typer + Rich): an adapter around the domain core.

Every command takes ``--json`` for machine-readable output. Bad input exits with
code 2 and a one-line message on standard error (a dataset with several errors
lists them, one per line, after that line).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sakip.dataset import DatasetError, load, load_seeds
from sakip.dataset.survey_file import read_survey_file
from sakip.domain.errors import DomainError
from sakip.domain.measurement import CapPolicy, LowerFormula, Method, Polarity, Range, Target, achievement, assess
from sakip.domain.numbers import NumberFormat, format_count, format_number, parse_number
from sakip.domain.office import Office
from sakip.domain.review import Severity
from sakip.domain.scales import SCALE_PRESETS, get_ordinal_scale, get_scale
from sakip.domain.scorecard import Scorecard, build_scorecard
from sakip.domain.survey import INSTRUMENTS, from_responses, get_instrument
from sakip.reports.narrative import reason_text
from sakip.reports.scorecard import (
    EFFICIENCY_TEXT,
    NO_TARGET_TEXT,
    NOT_MEASURED_TEXT,
    achievement_dict,
    as_of_text,
    scorecard_dict,
    show_achievement,
    show_number,
    show_percent,
    show_target,
)

app = typer.Typer(
    name="sakip",
    help="Sakip — akuntabilitas kinerja instansi pemerintah (SAKIP): rencana, perjanjian, pengukuran, laporan, reviu.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON untuk dibaca program.")]

_COLOURS = {"green": "green", "lime": "bright_green", "yellow": "yellow", "orange": "dark_orange", "red": "red"}


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 160)


def fail(message: str, details: list[str] | None = None) -> NoReturn:
    """Bad input: one line on stderr (details after it), exit code 2. The message is Indonesian."""
    lines = [f"sakip: error: {' '.join(message.split())}"] + [f"  {d}" for d in details or []]
    sys.stderr.write("\n".join(lines) + "\n")
    raise typer.Exit(2)


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _load(path: Path) -> Office:
    if not path.exists():
        fail(f"{path}: berkas tidak ditemukan")
    try:
        return load(path)
    except DatasetError as exc:
        n = len(exc.issues)
        fail(f"{path}: {n} kesalahan dalam dataset", [str(i) for i in exc.issues])
    except DomainError as exc:
        fail(f"{path}: {exc}")


def _styled(text: str, color: str | None) -> Text:
    return Text(text, style=_COLOURS.get(color or "", ""))


def print_scorecard(sc: Scorecard, console: Console) -> None:
    o = sc.office
    title = f"{o.name}" + (f", {o.regency}" if o.regency else "") + f" — {as_of_text(sc)}"
    console.rule(Text(title, style="bold"))
    console.print(
        f"Skala: {sc.scale.name} ({sc.scale.code}); batas capaian: "
        f"{'tanpa batas' if o.settings.cap is CapPolicy.NONE else o.settings.cap.value + ' %'}",
        markup=False,
    )
    to_date = "" if sc.quarter is None else " s.d. TW " + ("I", "II", "III", "IV")[sc.quarter - 1]
    t = Table(title="Capaian indikator kinerja" + to_date, show_lines=False, expand=False)
    for col, just in (
        ("ID", "left"),
        ("Indikator", "left"),
        ("Satuan", "left"),
        ("Target" + to_date, "right"),
        ("Realisasi" + to_date, "right"),
        ("Capaian", "right"),
        ("Kategori", "left"),
    ):
        t.add_column(col, justify=just, overflow="fold")  # type: ignore[arg-type]
    for s in sc.indicators:
        t.add_row(
            s.indicator.id,
            s.indicator.name + (" (IKU)" if s.indicator.iku else ""),
            s.indicator.unit,
            show_target(s.target) if s.target is not None else NO_TARGET_TEXT,  # never "belum diukur", never "-"
            show_number(s.realisation) if s.realisation is not None else NOT_MEASURED_TEXT,
            show_achievement(s.achievement),
            _styled(s.category or "-", s.color),
        )
    console.print(t)
    ot = Table(title="Capaian sasaran dan tujuan")
    for col in ("Tingkat", "ID", "Uraian", "Capaian", "Kategori", "Indikator diukur / belum"):
        ot.add_column(col, overflow="fold")
    for label, items in (("Sasaran", sc.objectives), ("Tujuan", sc.goals)):
        for a in items:
            ot.add_row(
                label,
                a.id,
                a.text,
                show_percent(a.aggregate.value) if a.aggregate.value is not None else NOT_MEASURED_TEXT,
                _styled(a.category or "-", a.color),
                f"{a.aggregate.measured} / {a.aggregate.not_measured + a.aggregate.undefined}",
            )
    a = sc.office_score
    ot.add_row(
        "Perangkat Daerah",
        a.id,
        "rata-rata indikator PK",
        show_percent(a.aggregate.value) if a.aggregate.value is not None else NOT_MEASURED_TEXT,
        _styled(a.category or "-", a.color),
        f"{a.aggregate.measured} / {a.aggregate.not_measured + a.aggregate.undefined}",
    )
    console.print(ot)
    if sc.budget is not None:
        b = sc.budget
        bt = Table(title="Realisasi anggaran")
        for col, just in (
            ("Kode", "left"),
            ("Uraian", "left"),
            ("Pagu (Rp)", "right"),
            ("Realisasi (Rp)", "right"),
            ("Penyerapan", "right"),
            ("Sisa (Rp)", "right"),
        ):
            bt.add_column(col, justify=just, overflow="fold")  # type: ignore[arg-type]
        for cls, am in b.classes.items():
            bt.add_row(
                cls.value.upper(),
                cls.label,
                format_number(am.allocation),
                show_number(am.realisation, 2),
                show_percent(am.absorption),
                show_number(am.remaining, 2),
            )
        if b.total is not None:
            bt.add_row(
                "",
                Text("Total", style="bold"),
                format_number(b.total.allocation),
                show_number(b.total.realisation, 2),
                show_percent(b.total.absorption),
                show_number(b.total.remaining, 2),
            )
        for ls in b.lines:
            bt.add_row(
                ls.line.code,
                "  " * ls.depth + ls.line.name,
                format_number(ls.amounts.allocation),
                show_number(ls.amounts.realisation, 2),
                show_percent(ls.amounts.absorption),
                show_number(ls.amounts.remaining, 2),
            )
        if b.lines_total is not None:
            lt = b.lines_total
            bt.add_row(
                "",
                Text("Jumlah rincian", style="bold"),
                format_number(lt.allocation),
                show_number(lt.realisation, 2),
                show_percent(lt.absorption),
                show_number(lt.remaining, 2),
            )
        console.print(bt)
        for oid, e in b.efficiency.items():
            console.print(
                f"Efisiensi sasaran {oid}: capaian {show_percent(e.achievement)}, "
                f"penyerapan {show_percent(e.absorption)} — {EFFICIENCY_TEXT[e.verdict]}",
                markup=False,
            )
    if sc.survey is not None:
        r = sc.survey.result
        console.print(
            f"SKM ({r.instrument.name}): IKM {format_number(r.index)} — {r.grade} "
            f"[PermenPAN-RB 14/2017: {r.grade_2017}; KepmenPAN 25/2004: {r.grade_2004}]"
            + (f"; {r.respondents} responden" if r.respondents else ""),
            markup=False,
        )
        if r.weakest:
            console.print(
                "Unsur di bawah rata-rata: " + "; ".join(f"{e.name} {format_number(e.score)}" for e in r.weakest),
                markup=False,
            )
    if sc.findings:
        ft = Table(title="Angka tercetak yang berbeda dari hasil perhitungan (tercetak → benar)")
        for col in ("Tingkat", "Letak", "Angka", "Tercetak", "Benar", "Keterangan"):
            ft.add_column(col, overflow="fold")
        for f in sc.findings:
            ft.add_row(
                _styled(f.severity.value, "red" if f.severity is Severity.MAJOR else "yellow"),
                f.where,
                f.what,
                _show_value(f.printed),
                _show_value(f.correct),
                f.explanation,
            )
        console.print(ft)
    elif sc.quarter is not None and sc.quarter < 4:
        console.print("Angka tercetak laporan tahunan dibandingkan hanya pada kartu kinerja tahunan.")
    else:
        console.print("Tidak ada angka tercetak yang berbeda dari hasil perhitungan.")
    for m in sc.messages:
        console.print(f"Catatan: {m}", markup=False)
    console.print()


def _show_value(v: Decimal | str | None) -> str:
    if v is None:
        return "-"
    if isinstance(v, Decimal):
        return format_number(v, max(2, -int(v.as_tuple().exponent)) if isinstance(v.as_tuple().exponent, int) else 2)
    return v


@app.command()
def demo(
    print_only: Annotated[
        bool, typer.Option("--print", help="Cetak kartu kinerja kantor contoh lalu selesai (tanpa server web).")
    ] = False,
    host: Annotated[str, typer.Option(help="Alamat server (bawaan: hanya komputer ini).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Nomor port.")] = 8000,
    data_dir: Annotated[
        Path | None, typer.Option(help="Folder basis data SQLite dan unggahan (bawaan ./var).")
    ] = None,
    reset: Annotated[
        bool,
        typer.Option(
            "--reset", help="Mulai dari awal: hapus basis data demo dan berkas unggahannya, lalu muat ulang contoh."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Jalankan aplikasi web dengan SQLite bawaan, empat kantor contoh dan satu pengguna per peran.

    Dijalankan lagi, demo memakai data yang sudah ada (pengguna dan isian tetap); --reset memulai dari awal.
    """
    if print_only or as_json:
        _print_seed_scorecards(as_json)
        return
    prepared = prepare_demo(data_dir, reset=reset)
    console = _console()
    url = f"http://{host}:{port}/"
    console.print(f"\nSakip berjalan di {url}  (hentikan dengan Ctrl+C)\n", style="bold", markup=False)
    from sakip.core.demo import DEMO_PASSWORD

    t = Table(title=f"Akun demo (kata sandi awal untuk semua: {DEMO_PASSWORD})")
    t.add_column("Nama pengguna")
    t.add_column("Peran")
    t.add_column("Perangkat daerah")
    for login in prepared.logins:
        t.add_row(login.username, login.role, login.office or "-")
    console.print(t)
    if prepared.published:
        console.print(
            f"{prepared.published}: tahun pelaporan sudah disetujui dan dikunci — tampil di portal publik {url}publik/",
            markup=False,
        )
    from django.core.management import call_command

    from sakip.jobs.worker import start_in_thread

    _thread, worker = start_in_thread()  # PDFs, batches, reviews: done while the demo runs, stopped with it
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
    finally:
        worker.stop()


@dataclass(frozen=True)
class PreparedDemo:
    logins: list[Any]
    published: str | None
    restarted: bool


def prepare_demo(data_dir: Path | None, *, reset: bool = False, console: Console | None = None) -> PreparedDemo:
    """Everything `sakip demo` does before the server starts: settings, ``--reset``, migrations, the demo
    regency (kept as it is on a restart) and the published example; says what it did on ``console``."""
    import os

    if data_dir is not None:
        os.environ["SAKIP_DATA_DIR"] = str(data_dir.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings
    from django.db import connections

    from sakip.core.demo import reset_demo_data, setup_demo_state

    console = console or _console()
    database = settings.DATABASES["default"]
    if reset:
        if not database["ENGINE"].endswith("sqlite3"):
            fail("--reset hanya untuk basis data SQLite demo; basis data ini tidak dihapus.")
        connections.close_all()
        gone = reset_demo_data(Path(database["NAME"]), Path(settings.MEDIA_ROOT))
        if gone:
            console.print("Mulai dari awal (--reset): dihapus " + ", ".join(str(p) for p in gone), markup=False)
        else:
            console.print("Mulai dari awal (--reset): belum ada data demo untuk dihapus.", markup=False)
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    console.print(f"Menyiapkan basis data di {database['NAME']} …", markup=False)
    call_command("migrate", interactive=False, verbosity=0)
    state = setup_demo_state()
    if state.restarted:
        console.print(
            "Memakai data demo yang sudah ada (perangkat daerah: "
            + ", ".join(state.kept_offices)
            + "): pengguna, kata sandi dan isian tetap seperti ditinggalkan. "
            "Untuk mulai dari awal: sakip demo --reset",
            markup=False,
        )
    from sakip.accounts.models import Regency
    from sakip.workflow.demo import publish_example

    published = publish_example(Regency.objects.get(code="demo")) if "kandangserang" in state.created_offices else None
    return PreparedDemo(state.logins, published, state.restarted)


def _print_seed_scorecards(as_json: bool) -> None:
    try:
        offices = load_seeds()
        cards = [build_scorecard(o) for o in offices]
    except (DatasetError, DomainError) as exc:  # a broken package, not user input
        fail(str(exc).splitlines()[0])
    if as_json:
        _emit_json([scorecard_dict(c) for c in cards])
        return
    console = _console()
    console.print(
        "Sakip — kantor kecamatan contoh: tiga dari laporan tahunan nyata, satu laporan triwulan", style="bold"
    )
    for c in cards:
        print_scorecard(c, console)


@app.command()
def scorecard(
    file: Annotated[Path, typer.Argument(help="Dataset perangkat daerah (.yaml, .yml atau .json).")],
    year: Annotated[int | None, typer.Option(help="Tahun (bawaan: tahun pelaporan terakhir).")] = None,
    quarter: Annotated[
        int | None,
        typer.Option("--quarter", help="Angka s.d. akhir triwulan 1–4 (4 = setahun; bawaan: tahunan)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Cetak kartu kinerja dari berkas dataset perangkat daerah."""
    if quarter is not None and quarter not in (1, 2, 3, 4):
        fail(f"--quarter harus 1, 2, 3 atau 4, bukan {quarter}")
    office = _load(file)
    try:
        sc = build_scorecard(office, year, quarter=quarter)
    except DomainError as exc:
        fail(str(exc))
    if year is not None and year not in office.years:
        fail(f"{file}: tidak ada data untuk tahun {year}")
    if as_json:
        _emit_json(scorecard_dict(sc))
    else:
        print_scorecard(sc, _console())


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="Dataset perangkat daerah (.yaml, .yml atau .json).")],
    as_json: JsonOpt = False,
) -> None:
    """Periksa dataset terhadap formatnya; tampilkan setiap kesalahan beserta letaknya."""
    office = _load(file)
    if as_json:
        _emit_json({"valid": True, "office": office.code, "years": sorted(office.years)})
    else:
        _console().print(
            f"{file}: sah ({office.name}, tahun {', '.join(map(str, sorted(office.years)))})", markup=False
        )


def _number(text: str, what: str, fmt: NumberFormat | None) -> Decimal:
    try:
        return parse_number(text, fmt, field=what)
    except DomainError as exc:
        fail(str(exc))


@app.command("achievement")
def achievement_cmd(
    target: Annotated[str, typer.Option(help="Target: angka (79,95 / 79.95), predikat (BB) atau rentang bawah..atas.")],
    realization: Annotated[str, typer.Option(help="Realisasi, dalam satuan indikator.")],
    polarity: Annotated[Polarity, typer.Option(help="Polaritas indikator.")] = Polarity.HIGHER_IS_BETTER,
    scale: Annotated[str, typer.Option(help=f"Skala predikat: {', '.join(SCALE_PRESETS)}.")] = "lkjip-4",
    cap: Annotated[CapPolicy, typer.Option(help="Batas capaian.")] = CapPolicy.NONE,
    lower_formula: Annotated[LowerFormula, typer.Option(help="Rumus indikator negatif.")] = LowerFormula.MIRROR,
    baseline: Annotated[str | None, typer.Option(help="Nilai baseline (metode kemajuan).")] = None,
    ordinal: Annotated[str, typer.Option(help="Skala predikat indikator kualitatif: akip, audit-opinion.")] = "akip",
    number_format: Annotated[
        NumberFormat | None,
        typer.Option("--number-format", help="id (79,95) atau en (79.95); bawaan: angka bermakna ganda ditolak."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Hitung satu capaian dan predikatnya."""
    try:
        sc = get_scale(scale)
        t: Target
        r: Decimal | str
        if polarity is Polarity.QUALITATIVE:
            t, r = target.strip(), realization.strip()
        elif polarity is Polarity.IN_RANGE:
            if ".." not in target:
                fail("target rentang ditulis bawah..atas, misalnya 2..4")
            lo, hi = target.split("..", 1)
            t = Range(_number(lo, "target batas bawah", number_format), _number(hi, "target batas atas", number_format))
            r = _number(realization, "realisasi", number_format)
        else:
            t = _number(target, "target", number_format)
            r = _number(realization, "realisasi", number_format)
        b = _number(baseline, "baseline", number_format) if baseline is not None else None
        a = achievement(
            t,
            r,
            polarity,
            cap=cap,
            lower_formula=lower_formula,
            method=Method.BASELINE if b is not None else Method.RATIO,
            baseline=b,
            ordinal=get_ordinal_scale(ordinal) if polarity is Polarity.QUALITATIVE else None,
        )
        assessed = assess(a, sc)
    except DomainError as exc:
        fail(str(exc))
    if as_json:
        _emit_json({**achievement_dict(a), "category": assessed.category, "scale": sc.code})
        return
    console = _console()
    console.print(f"Capaian: {show_achievement(a)}", markup=False)
    if a.reason:
        console.print(f"Keterangan: {reason_text(a.reason)}", markup=False)
    console.print(f"Kategori ({sc.code}): {assessed.category or '-'}", markup=False)
    if a.met is not None:
        console.print(f"Target {'tercapai' if a.met else 'belum tercapai'}", markup=False)


@app.command()
def survey(
    file: Annotated[Path, typer.Argument(help="Kuesioner: .csv atau .xlsx, satu baris per responden.")],
    instrument: Annotated[
        str, typer.Option(help=f"Instrumen: {', '.join(INSTRUMENTS)} atau custom (unsur dari judul kolom).")
    ] = "permenpan-14-2017",
    population: Annotated[int | None, typer.Option(help="Populasi layanan N, untuk memeriksa sampel minimum.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Hitung indeks kepuasan masyarakat (IKM) dari kuesioner SKM."""
    try:
        inst = None if instrument == "custom" else get_instrument(instrument)
        sf = read_survey_file(file, inst)
        result = from_responses(sf.instrument, sf.responses, population)
    except DatasetError as exc:
        n = len(exc.issues)
        fail(f"{file}: {n} kesalahan dalam berkas survei", [str(i) for i in exc.issues[:50]])
    except DomainError as exc:
        fail(f"{file}: {exc}")
    if as_json:
        _emit_json(
            {
                "instrument": result.instrument.code,
                "respondents": result.respondents,
                "excluded": result.excluded,
                "ikm": str(result.ikm),
                "index": str(result.index),
                "grade": result.grade,
                "grade_2017": result.grade_2017,
                "grade_2004": result.grade_2004,
                "elements": [
                    {"name": e.name, "nrr": str(e.nrr), "score": str(e.score), "grade_2017": e.grade_2017}
                    for e in result.elements
                ],
                "weakest": [e.name for e in result.weakest],
                "warnings": list(result.warnings),
            }
        )
        return
    console = _console()
    t = Table(title=f"Nilai per unsur — {result.instrument.name}")
    for col, just in (("No", "right"), ("Unsur", "left"), ("NRR", "right"), ("Nilai (×25)", "right"), ("Mutu", "left")):
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    for i, e in enumerate(result.elements, start=1):
        t.add_row(
            str(i),
            e.name,
            format_number(e.nrr, 3),
            format_number(e.score),
            e.grade_2017 if result.instrument.grade_table.value == "permenpan-14-2017" else e.grade_2004,
        )
    console.print(t)
    console.print(
        f"IKM {format_number(result.index)} — {result.grade}; {format_count(result.respondents or 0)} responden, "
        f"{format_count(result.excluded)} kuesioner tidak lengkap dikeluarkan",
        markup=False,
    )
    if result.weakest:
        console.print("Unsur di bawah rata-rata: " + ", ".join(e.name for e in result.weakest), markup=False)
    for w in result.warnings:
        console.print(f"Peringatan: {w}", markup=False)


@app.command("survey-template")
def survey_template(
    instrument: Annotated[str, typer.Argument(help=f"Instrumen: {', '.join(INSTRUMENTS)}.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Berkas tujuan (.xlsx atau .csv); bawaan: nama templat.")
    ] = None,
) -> None:
    """Tulis templat kuesioner SKM sebuah instrumen: lembar jawaban yang dibaca `sakip survey` dan unggahan."""
    from sakip.surveys import template as questionnaire

    try:
        inst = get_instrument(instrument)
    except DomainError as exc:
        fail(str(exc))
    target = output or Path(questionnaire.file_name(inst, "xlsx"))
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        fail(f"{target}: berkas templat harus .xlsx atau .csv")
    data = questionnaire.template_csv(inst) if suffix == ".csv" else questionnaire.template_xlsx(inst)
    target.write_bytes(data)
    sys.stdout.write(f"{target}: templat kuesioner {inst.name}\n")


@app.command()
def schema() -> None:
    """Cetak JSON Schema format dataset perangkat daerah."""
    from sakip.dataset import schema as get_schema

    _emit_json(get_schema())


from sakip.imports.cli import import_app  # noqa: E402 — the Excel import sub-commands (Django set up on use)

app.add_typer(import_app, name="import")

from sakip.reviews.cli import review as review_cmd  # noqa: E402 — `sakip review FILE [--json]`

app.command("review")(review_cmd)

from sakip.workflow.cli import remind as remind_cmd  # noqa: E402 — `sakip remind` (Django set up on use)

app.command("remind")(remind_cmd)

from sakip.reports.commands import report_app  # noqa: E402 — `sakip report lkjip|…|matrik|batch`

app.add_typer(report_app, name="report")

from sakip.evaluation.cli import lke_app  # noqa: E402 — `sakip lke check|score` (no database)

app.add_typer(lke_app, name="lke")

from sakip.backup.cli import backup as backup_cmd  # noqa: E402 — `sakip backup` (Django set up on use)
from sakip.backup.cli import restore as restore_cmd  # noqa: E402 — `sakip restore ARCHIVE`

app.command("backup")(backup_cmd)
app.command("restore")(restore_cmd)

from sakip.core.cli import office_app  # noqa: E402 — `sakip office export|import` (Django set up on use)

app.add_typer(office_app, name="office")

from sakip.regency.cli import figures_app  # noqa: E402 — `sakip figures rebuild` (Django set up on use)

app.add_typer(figures_app, name="figures")

from sakip.ops.cli import register as register_ops  # noqa: E402 — `sakip check|migrate|collectstatic|regency create`

register_ops(app)
from sakip.jobs.cli import scheduler as scheduler_cmd  # noqa: E402 — `sakip scheduler [--once]`
from sakip.jobs.cli import worker as worker_cmd  # noqa: E402 — `sakip worker [--burst]` (Django set up on use)

app.command("worker")(worker_cmd)
app.command("scheduler")(scheduler_cmd)


def main() -> None:  # pragma: no cover
    app()
