"""Generating documents: one office's files, or a batch over many offices in a process pool.

The one entry point for the CLI (`sakip report …`), the web downloads and the regency batch job,
so every channel produces the same files:

* `generate(office, kind, year, formats, quarter=…, draft=…)` → `GeneratedFile`s (name + bytes) for
  one document kind of one domain office. Kinds and their formats: ``lkjip``, ``triwulan``, ``pk``,
  ``iku`` as .docx and .pdf (LibreOffice converts the same .docx); ``rkt`` and ``matrik`` as .xlsx;
  ``rencana-aksi`` (the quarter targets) as .docx, .pdf and .xlsx.
* `run_batch(jobs, kinds, formats, out_dir, workers=…, on_progress=…)` → generates every job (an
  `OfficeJob`: a domain office, its year, and which kinds are drafts) in a pool of worker processes
  sized to the cores, writes ``out_dir/<office>/<file>`` and reports progress after each office.
  In a batch a kind is produced in the requested formats it supports (``-f docx,xlsx`` gives the
  Word documents and the two spreadsheets).

Nothing here touches the database: adapters (the CLI, `sakip.documents`) build the domain office
(`sakip.core.interchange.domain_office` with `sakip.core.services.settings_for`) and decide the
draft flags from the workflow before calling in.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from sakip.domain.office import Office
from sakip.domain.scorecard import Scorecard, build_scorecard

KINDS: tuple[str, ...] = ("lkjip", "triwulan", "pk", "rencana-aksi", "iku", "rkt", "matrik")
FORMATS: tuple[str, ...] = ("docx", "pdf", "xlsx")
SUPPORTED: dict[str, tuple[str, ...]] = {
    "lkjip": ("docx", "pdf"),
    "triwulan": ("docx", "pdf"),
    "pk": ("docx", "pdf"),
    "rencana-aksi": ("docx", "pdf", "xlsx"),
    "iku": ("docx", "pdf"),
    "rkt": ("xlsx",),
    "matrik": ("xlsx",),
}
TITLES: dict[str, str] = {
    "lkjip": "Laporan Kinerja Instansi Pemerintah (LKjIP)",
    "triwulan": "Laporan Kinerja Triwulan",
    "pk": "Perjanjian Kinerja",
    "rencana-aksi": "Rencana Aksi (target triwulan)",
    "iku": "Keputusan Indikator Kinerja Utama (IKU)",
    "rkt": "Rencana Kinerja Tahunan (RKT)",
    "matrik": "Matrik Capaian Kinerja",
}
MEDIA_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class RequestError(ValueError):
    """A request the generator cannot serve (unknown kind or format, a format the kind lacks, no data)."""


@dataclass(frozen=True)
class GeneratedFile:
    name: str
    data: bytes

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.name.rsplit(".", 1)[-1]]


def parse_formats(text: str) -> tuple[str, ...]:
    """``"docx,pdf"`` → ``("docx", "pdf")``; unknown or empty → `RequestError`."""
    items = tuple(dict.fromkeys(p.strip().lower().lstrip(".") for p in text.split(",") if p.strip()))
    if not items:
        raise RequestError("format belum diberikan (docx, pdf, xlsx)")
    unknown = [f for f in items if f not in FORMATS]
    if unknown:
        raise RequestError(f"format {', '.join(unknown)} tidak dikenal (pilih dari {', '.join(FORMATS)})")
    return items


def parse_kinds(text: str) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(p.strip().lower() for p in text.split(",") if p.strip()))
    if not items:
        raise RequestError(f"jenis dokumen belum diberikan ({', '.join(KINDS)})")
    unknown = [k for k in items if k not in KINDS]
    if unknown:
        raise RequestError(f"dokumen {', '.join(unknown)} tidak dikenal (pilih dari {', '.join(KINDS)})")
    return items


def check_formats(kind: str, formats: Sequence[str]) -> None:
    """A single document request must ask only for formats the kind has."""
    wrong = [f for f in formats if f not in SUPPORTED[kind]]
    if wrong:
        raise RequestError(f"{kind} dibuat dalam format {', '.join(SUPPORTED[kind])}, bukan {', '.join(wrong)}")


def file_name(
    office_code: str, kind: str, year: int, ext: str, quarter: int | None = None, amendment: bool = False
) -> str:
    parts = [kind + ("-perubahan" if amendment else ""), office_code, str(year)]
    if kind == "triwulan" and quarter is not None:
        parts.append(f"tw{quarter}")
    return "-".join(parts) + f".{ext}"


def _year(office: Office, year: int | None) -> int:
    y = year if year is not None else office.latest_year
    if y is None:
        raise RequestError(f"{office.code}: belum ada tahun yang berisi data")
    if y not in office.years:
        years = ", ".join(str(v) for v in sorted(office.years)) or "none"
        raise RequestError(f"{office.code}: tidak ada data untuk tahun {y} (tahun yang berisi data: {years})")
    return y


def generate(
    office: Office,
    kind: str,
    year: int | None,
    formats: Sequence[str],
    *,
    quarter: int | None = None,
    draft: bool = False,
    amendment: bool = False,
    scorecard: Scorecard | None = None,
    strict: bool = True,
) -> list[GeneratedFile]:
    """The files of one document of one office (``strict``: every format must suit the kind)."""
    if kind not in KINDS:
        raise RequestError(f"dokumen {kind} tidak dikenal (pilih dari {', '.join(KINDS)})")
    if strict:
        check_formats(kind, formats)
    wanted = [f for f in formats if f in SUPPORTED[kind]]
    if not wanted:
        return []
    y = _year(office, year)
    if kind == "triwulan":
        quarter = 4 if quarter is None else quarter
        if quarter not in (1, 2, 3, 4):
            raise RequestError(f"triwulan harus 1–4, bukan {quarter}")
    if kind in ("lkjip", "triwulan", "rkt", "matrik", "rencana-aksi") and scorecard is None:
        scorecard = build_scorecard(office, y)
    out: list[GeneratedFile] = []
    if kind in ("rkt", "matrik"):
        from . import xlsx

        assert scorecard is not None
        data = (xlsx.rkt_xlsx if kind == "rkt" else xlsx.matrik_xlsx)(scorecard, draft=draft)
        return [GeneratedFile(file_name(office.code, kind, y, "xlsx"), data)]
    if kind == "rencana-aksi" and "xlsx" in wanted:
        from .xlsx_rencana_aksi import rencana_aksi_xlsx

        assert scorecard is not None
        out.append(GeneratedFile(file_name(office.code, kind, y, "xlsx"), rencana_aksi_xlsx(scorecard, draft=draft)))
        if not any(f in wanted for f in ("docx", "pdf")):
            return out
    from .documents import build_iku, build_lkjip, build_pk, build_rencana_aksi, build_triwulan
    from .documents.profile_sections import narrative_for
    from .docx import render_docx

    if kind == "rencana-aksi":
        document = build_rencana_aksi(office, y, draft=draft, scorecard=scorecard)
    elif kind == "lkjip":
        document = build_lkjip(office, y, draft=draft, scorecard=scorecard, narrative=narrative_for(office, y, "lkjip"))
    elif kind == "triwulan":
        # every figure as of the quarter: the quarter's scorecard, the year's beside it (targets of later quarters)
        q = quarter if quarter is not None else 4
        document = build_triwulan(
            office, y, q, draft=draft, scorecard=build_scorecard(office, y, quarter=q), year_scorecard=scorecard,
            narrative=narrative_for(office, y, f"triwulan-{q}"),
        )
    elif kind == "pk":
        yd = office.years[y]
        if not yd.agreements:
            raise RequestError(f"{office.code}: tidak ada Perjanjian Kinerja untuk tahun {y}")
        if amendment and not any(pk.kind == "amendment" for pk in yd.agreements):
            raise RequestError(f"{office.code}: tidak ada Perjanjian Kinerja Perubahan untuk tahun {y}")
        document = build_pk(office, y, amendment=amendment, draft=draft)
    else:
        document = build_iku(office, draft=draft)
    docx_bytes = render_docx(document)
    if "docx" in wanted:
        out.append(GeneratedFile(file_name(office.code, kind, y, "docx", quarter, amendment), docx_bytes))
    if "pdf" in wanted:
        from .pdf import render_pdf

        out.append(GeneratedFile(file_name(office.code, kind, y, "pdf", quarter, amendment), render_pdf(docx_bytes)))
    return out


# --------------------------------------------------------------------------- batch


@dataclass(frozen=True)
class OfficeJob:
    """One office of a batch: its domain model (settings applied), the year, and the kinds that are drafts."""

    office: Office
    year: int | None
    drafts: frozenset[str] = frozenset()
    quarter: int | None = None


@dataclass(frozen=True)
class OfficeResult:
    code: str
    files: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    cpu_s: float = 0.0  # processor time the worker spent on the office (the benchmark reports it)


@dataclass
class BatchResult:
    out_dir: Path
    offices: list[OfficeResult] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        return [self.out_dir / r.code / name for r in self.offices for name in r.files]

    @property
    def errors(self) -> list[str]:
        return [f"{r.code}: {e}" for r in self.offices for e in r.errors]


def _office_task(job: OfficeJob, kinds: tuple[str, ...], formats: tuple[str, ...], out_dir: str) -> OfficeResult:
    """Generate one office's documents into ``out_dir/<code>/`` (runs in a worker process)."""
    started = time.process_time()
    code = job.office.code
    target = Path(out_dir) / code
    target.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    errors: list[str] = []
    try:
        y = _year(job.office, job.year)
        sc = build_scorecard(job.office, y)
    except Exception as exc:  # one broken office must not stop the batch: reported with its code
        return OfficeResult(code, (), (str(exc),))
    for kind in kinds:
        try:
            files = generate(
                job.office, kind, y, formats, quarter=job.quarter, draft=kind in job.drafts, scorecard=sc, strict=False
            )
        except RequestError as exc:
            errors.append(str(exc))
            continue
        except Exception as exc:  # reported per office and kind, never silently dropped
            errors.append(f"{kind}: {type(exc).__name__}: {exc}")
            continue
        for f in files:
            (target / f.name).write_bytes(f.data)
            names.append(f.name)
    return OfficeResult(code, tuple(names), tuple(errors), time.process_time() - started)


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run_batch(
    jobs: Iterable[OfficeJob],
    kinds: Sequence[str],
    formats: Sequence[str],
    out_dir: Path,
    *,
    workers: int | None = None,
    on_progress: Callable[[int, int, OfficeResult], None] | None = None,
) -> BatchResult:
    """Generate every job's documents; ``on_progress(done, total, result)`` after each office."""
    kinds_t, formats_t = tuple(kinds), tuple(formats)
    for k in kinds_t:
        if k not in KINDS:
            raise RequestError(f"dokumen {k} tidak dikenal")
    if not any(f in SUPPORTED[k] for k in kinds_t for f in formats_t):
        raise RequestError(f"tidak ada dokumen {', '.join(kinds_t)} yang dibuat dalam format {', '.join(formats_t)}")
    job_list = list(jobs)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = BatchResult(out_dir)
    total = len(job_list)
    n = min(workers or default_workers(), max(total, 1))
    if n <= 1:
        for i, job in enumerate(job_list, start=1):
            r = _office_task(job, kinds_t, formats_t, str(out_dir))
            result.offices.append(r)
            if on_progress:
                on_progress(i, total, r)
        return result
    # forkserver: safe from a threaded parent (the web job), the children import the renderers once
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        ["sakip.reports.batch", "sakip.reports.xlsx", "sakip.reports.docx", "sakip.reports.documents",
         "sakip.reports.xlsx_rencana_aksi"]
    )
    with ProcessPoolExecutor(max_workers=n, mp_context=context) as pool:
        futures: dict[Future[OfficeResult], OfficeJob] = {
            pool.submit(_office_task, job, kinds_t, formats_t, str(out_dir)): job for job in job_list
        }
        for done, fut in enumerate(as_completed(futures), start=1):
            try:
                r = fut.result()
            except Exception as exc:  # a worker that died: the office is reported, the batch goes on
                r = OfficeResult(futures[fut].office.code, (), (f"{type(exc).__name__}: {exc}",))
            result.offices.append(r)
            if on_progress:
                on_progress(done, total, r)
    result.offices.sort(key=lambda r: r.code)
    return result


def zip_dir(source: Path, target: Path) -> Path:
    """Zip a batch's output directory (paths inside relative to it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(source).as_posix())
    return target
