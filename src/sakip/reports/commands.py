"""``sakip report …``: generate the documents from the command line (a Typer sub-app of `sakip.cli`).

    sakip report lkjip    --office kaloran --year 2020 --format docx,pdf -o out/
    sakip report triwulan --office kaloran --year 2020 --quarter 3
    sakip report pk|iku|rkt|matrik --dataset my-office.yaml -f xlsx -o out/
    sakip report rencana-aksi --office kaloran --year 2020 -f docx,xlsx
    sakip report batch    --regency demo -f docx,xlsx -o out/

``--office CODE`` is looked up in the local database (the demo's SQLite under ``./var``, or
``--data-dir``/``SAKIP_DATA_DIR``/``DATABASE_URL``), then among the seed datasets (``kaloran``,
``kaliwates``, ``kandangserang``); ``--dataset FILE`` reads any office dataset. A stored office's
documents are marked DRAFT unless the workflow approved the period; for a dataset file ``--draft``
marks them. Bad input exits with code 2 and a one-line message, like the other commands.

(No ``from __future__ import annotations`` here: Typer reads the options of the commands made in
`_register` from their evaluated annotations, which name per-kind help texts.)
"""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from .batch import (
    KINDS,
    SUPPORTED,
    TITLES,
    GeneratedFile,
    OfficeJob,
    OfficeResult,
    RequestError,
    check_formats,
    generate,
    parse_formats,
    parse_kinds,
    run_batch,
)

if TYPE_CHECKING:
    from sakip.accounts.models import Office as StoredOffice
    from sakip.domain.office import Office

report_app = typer.Typer(
    name="report",
    help="Dokumen: LKjIP, Laporan Triwulan, PK, Keputusan IKU (.docx/.pdf), Rencana Aksi (.docx/.pdf/.xlsx), RKT dan "
    "Matrik Capaian Kinerja (.xlsx).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

OfficeOpt = Annotated[
    str | None,
    typer.Option("--office", help="Kode perangkat daerah: di basis data lokal, atau data contoh (kaloran, …)."),
]
DatasetOpt = Annotated[
    Path | None, typer.Option("--dataset", help="Berkas dataset perangkat daerah, sebagai ganti --office.")
]
YearOpt = Annotated[int | None, typer.Option("--year", help="Tahun (bawaan: tahun pelaporan terakhir).")]
OutOpt = Annotated[Path, typer.Option("--output", "-o", help="Folder tujuan berkas (dibuat bila belum ada).")]
RegencyOpt = Annotated[
    str | None, typer.Option("--regency", help="Kode pemda, bila kode perangkat daerah ada di beberapa pemda.")
]
DataDirOpt = Annotated[
    Path | None, typer.Option("--data-dir", help="Folder basis data lokal (bawaan ./var, seperti `sakip demo`).")
]
DraftOpt = Annotated[
    bool, typer.Option("--draft", help="Tandai setiap halaman DRAFT (berkas dataset dan data contoh).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON untuk dibaca program (berkas yang ditulis).")]


def _fail(message: str, details: list[str] | None = None) -> NoReturn:
    from sakip.cli import fail

    fail(message, details)


# --------------------------------------------------------------------------- finding the office


def _django(data_dir: Path | None) -> bool:
    """Set Django up as `sakip demo` does; ``False`` when there is no local database to read."""
    if data_dir is not None:
        os.environ["SAKIP_DATA_DIR"] = str(data_dir.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")
    import django

    django.setup()
    from django.db import DatabaseError, connection

    name = str(connection.settings_dict["NAME"])
    in_memory = name == ":memory:" or "mode=memory" in name
    if str(connection.settings_dict["ENGINE"]).endswith("sqlite3") and not in_memory and not Path(name).exists():
        return False  # never create an empty database file by looking

    try:
        return "accounts_office" in connection.introspection.table_names()
    except DatabaseError:
        return False


def _stored_office(code: str, regency: str | None, data_dir: Path | None) -> "StoredOffice | None":
    if not _django(data_dir):
        if regency is not None:
            _fail("--regency memerlukan basis data lokal, dan belum ada (jalankan `sakip demo` atau beri --data-dir)")
        return None
    from sakip.accounts.models import Office as StoredOffice

    rows = StoredOffice.objects.filter(code=code).select_related("regency")
    if regency is not None:
        rows = rows.filter(regency__code=regency)
    found = list(rows[:2])
    if len(found) > 1:
        _fail(f"perangkat daerah {code} ada di beberapa pemda: beri --regency")
    return found[0] if found else None


def _seed_office(code: str) -> "Office | None":
    from sakip.dataset import SEEDS, load, seed_path

    for name in SEEDS:
        if code in (name, name.rsplit("-", 1)[0]):
            return load(seed_path(name))
    return None


class _Source:
    """The office a command works on: a stored office (workflow drafts) or a domain office (file, seed)."""

    def __init__(self, office: "Office", stored: "StoredOffice | None", label: str) -> None:
        self.office = office
        self.stored = stored
        self.label = label


def _source(code: str | None, dataset: Path | None, regency: str | None, data_dir: Path | None) -> _Source:
    if dataset is not None:
        from sakip.cli import _load

        office = _load(dataset)
        if code is not None and code != office.code:
            _fail(f"{dataset}: dataset ini untuk perangkat daerah {office.code}, bukan {code}")
        return _Source(office, None, str(dataset))
    if code is None:
        _fail("beri --office KODE atau --dataset BERKAS")
    stored = _stored_office(code, regency, data_dir)
    if stored is not None:
        from sakip.core.interchange import domain_office

        return _Source(domain_office(stored), stored, f"{stored.name} ({stored.regency.code})")
    seed = _seed_office(code)
    if seed is not None:
        return _Source(seed, None, f"seed {code}")
    from sakip.dataset import SEEDS

    _fail(
        f"perangkat daerah {code} tidak ada di basis data lokal dan bukan data contoh "
        f"({', '.join(s.rsplit('-', 1)[0] for s in SEEDS)}); beri --dataset BERKAS untuk perangkat daerah lain"
    )


# --------------------------------------------------------------------------- one document


def _write(files: list[GeneratedFile], output: Path) -> list[Path]:
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"{output}: folder tidak dapat dibuat ({exc.strerror})")
    paths = []
    for f in files:
        path = output / f.name
        try:
            path.write_bytes(f.data)
        except OSError as exc:
            _fail(f"{path}: tidak dapat ditulis ({exc.strerror})")
        paths.append(path)
    return paths


def _document(
    kind: str,
    office: str | None,
    dataset: Path | None,
    year: int | None,
    quarter: int | None,
    formats_text: str | None,
    output: Path,
    draft: bool,
    amendment: bool,
    regency: str | None,
    data_dir: Path | None,
    as_json: bool,
) -> None:
    try:
        formats = parse_formats(formats_text) if formats_text is not None else SUPPORTED[kind][:1]
        check_formats(kind, formats)
    except RequestError as exc:
        _fail(str(exc))
    if quarter is not None and kind != "triwulan":
        _fail("--quarter hanya berlaku untuk laporan triwulan")
    if quarter is not None and quarter not in (1, 2, 3, 4):
        _fail(f"--quarter harus 1, 2, 3 atau 4, bukan {quarter}")
    src = _source(office, dataset, regency, data_dir)
    dom = src.office
    y = year if year is not None else dom.latest_year
    if y is None or y not in dom.years:
        years = ", ".join(str(v) for v in sorted(dom.years)) or "tidak ada"
        _fail(f"{src.label}: tidak ada data untuk tahun {y} (tahun yang berisi data: {years})")
    is_draft = draft
    if src.stored is not None:
        from sakip.documents.services import domain_for
        from sakip.documents.services import is_draft as workflow_draft

        dom = domain_for(src.stored, y)
        is_draft = draft or workflow_draft(src.stored, kind, y, quarter)
    try:
        files = generate(dom, kind, y, formats, quarter=quarter, draft=is_draft, amendment=amendment)
    except RequestError as exc:
        _fail(str(exc))
    except Exception as exc:  # e.g. LibreOffice missing for a PDF: one line, exit 2
        _fail(f"{src.label}: {kind} tidak dapat dibuat: {str(exc).splitlines()[0] if str(exc) else exc!r}")
    paths = _write(files, output)
    if as_json:
        from sakip.cli import _emit_json

        _emit_json(
            {
                "office": dom.code,
                "year": y,
                "document": kind,
                "draft": is_draft,
                "files": [{"path": str(p), "bytes": p.stat().st_size} for p in paths],
            }
        )
        return
    from sakip.cli import _console

    console = _console()
    console.print(
        f"{TITLES[kind]} {dom.name} {y}" + (f" TW {quarter}" if quarter else "") + (" — DRAFT" if is_draft else ""),
        markup=False,
    )
    for p in paths:
        console.print(f"  {p}  ({p.stat().st_size:,} bita)".replace(",", "."), markup=False)


def _register(kind: str) -> None:
    def command(
        office: OfficeOpt = None,
        dataset: DatasetOpt = None,
        year: YearOpt = None,
        quarter: Annotated[
            int | None, typer.Option("--quarter", help="Triwulan 1–4 (laporan triwulan; bawaan 4).")
        ] = None,
        formats: Annotated[
            str | None,
            typer.Option("--format", "-f", help=f"Dipisah koma: {', '.join(SUPPORTED[kind])}."),
        ] = None,
        output: OutOpt = Path("."),
        draft: DraftOpt = False,
        amendment: Annotated[bool, typer.Option("--amendment", help="PK Perubahan (hanya pk).")] = False,
        regency: RegencyOpt = None,
        data_dir: DataDirOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        if amendment and kind != "pk":
            _fail("--amendment hanya berlaku untuk dokumen pk")
        _document(kind, office, dataset, year, quarter, formats, output, draft, amendment, regency, data_dir, as_json)

    command.__doc__ = f"{TITLES[kind]} ({', '.join(SUPPORTED[kind])})."
    report_app.command(kind)(command)


for _kind in KINDS:
    _register(_kind)


# --------------------------------------------------------------------------- batch


@report_app.command("batch")
def batch(
    regency: Annotated[str | None, typer.Option("--regency", help="Kode pemda di basis data lokal.")] = None,
    datasets: Annotated[
        list[Path] | None, typer.Option("--dataset", help="Berkas dataset sebagai ganti pemda (boleh berulang).")
    ] = None,
    year: YearOpt = None,
    quarter: Annotated[
        int | None, typer.Option("--quarter", help="Triwulan untuk laporan triwulan (bawaan 4).")
    ] = None,
    documents: Annotated[str, typer.Option("--documents", "-d", help=f"Dipisah koma: {', '.join(KINDS)}.")] = ",".join(
        KINDS
    ),
    formats: Annotated[str, typer.Option("--format", "-f", help="Dipisah koma: docx, pdf, xlsx.")] = "docx,xlsx",
    output: OutOpt = Path("."),
    workers: Annotated[
        int | None, typer.Option("--workers", help="Jumlah proses kerja (bawaan: jumlah inti CPU).")
    ] = None,
    draft: DraftOpt = False,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Dokumen setiap perangkat daerah satu pemda (atau berkas dataset): tiap dokumen dalam formatnya.

    Kode keluar 1 bila ada dokumen yang gagal dibuat (masing-masing ditampilkan), 2 bila masukan salah."""
    try:
        kinds = parse_kinds(documents)
        fmts = parse_formats(formats)
    except RequestError as exc:
        _fail(str(exc))
    if not any(f in SUPPORTED[k] for k in kinds for f in fmts):
        _fail(f"tidak ada dari {', '.join(kinds)} yang dibuat dalam format {', '.join(fmts)}")
    if workers is not None and workers < 1:
        _fail("--workers paling sedikit 1")
    if quarter is not None and quarter not in (1, 2, 3, 4):
        _fail(f"--quarter harus 1, 2, 3 atau 4, bukan {quarter}")
    if (regency is None) == (not datasets):
        _fail("beri --regency KODE atau --dataset BERKAS (tidak keduanya)")
    jobs: list[OfficeJob] = []
    if datasets:
        from sakip.cli import _load

        jobs = [OfficeJob(_load(p), year, frozenset(kinds) if draft else frozenset(), quarter) for p in datasets]
    else:
        assert regency is not None
        jobs = _regency_jobs(regency, year, kinds, draft, data_dir, quarter)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from sakip.cli import _console

    console = _console()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_console_err(),  # standard error: standard output stays the result
        disable=as_json,
    ) as progress:
        task = progress.add_task("Membuat dokumen", total=len(jobs))

        def on_progress(done: int, total: int, result: OfficeResult) -> None:
            progress.update(task, completed=done, description=f"Membuat dokumen ({result.code})")

        try:
            result = run_batch(jobs, kinds, fmts, output, workers=workers, on_progress=on_progress)
        except RequestError as exc:
            _fail(str(exc))
        except OSError as exc:
            _fail(f"{output}: {exc.strerror or exc}")
    if as_json:
        from sakip.cli import _emit_json

        _emit_json(
            {
                "offices": len(result.offices),
                "files": [str(p) for p in result.files],
                "errors": result.errors,
            }
        )
    else:
        console.print(
            f"{len(result.files)} berkas untuk {len(result.offices)} perangkat daerah di {output}", markup=False
        )
        for e in result.errors:
            console.print(f"Gagal: {e}", markup=False)
    if result.errors:
        raise typer.Exit(1)


def _console_err() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _regency_jobs(
    regency: str,
    year: int | None,
    kinds: tuple[str, ...],
    draft: bool,
    data_dir: Path | None,
    quarter: int | None = None,
) -> list[OfficeJob]:
    if not _django(data_dir):
        _fail("--regency memerlukan basis data lokal, dan belum ada (jalankan `sakip demo` atau beri --data-dir)")
    from sakip.accounts.models import Office as StoredOffice
    from sakip.accounts.models import Regency
    from sakip.documents.services import office_job

    reg = Regency.objects.filter(code=regency).first()
    if reg is None:
        codes = ", ".join(Regency.objects.values_list("code", flat=True)) or "none"
        _fail(f"pemda {regency} tidak ada di basis data lokal (pemda yang ada: {codes})")
    jobs = []
    for office in StoredOffice.objects.filter(regency=reg).order_by("code"):
        job = office_job(office, year, kinds, quarter)
        if draft:
            job = OfficeJob(job.office, job.year, frozenset(kinds), job.quarter)
        jobs.append(job)
    if not jobs:
        _fail(f"pemda {regency} belum memiliki perangkat daerah")
    return jobs
