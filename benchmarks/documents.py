"""Document benchmark (issue #5 targets): run with `.venv/bin/python benchmarks/documents.py`.

* LKjIP .docx for one seed office, in process (report model built from the scorecard, then
  rendered onto the default template) — target ≤ 0.5 s. Measured with the figures (matplotlib,
  `sakip.reports.charts`) and without them, and the rendering alone.
* PDF — target ≤ 1.3 × the time LibreOffice itself takes to convert the same .docx, measured
  side by side in one run: ``soffice --convert-to pdf`` on the file with an already initialised
  profile, against `sakip.reports.pdf.render_pdf` (bytes in, bytes out, fresh copy of the
  profile per call). Runs alternate between the two so machine load hits both alike.

* Laporan Kinerja Triwulan .docx (issue #11, target ≤ 0.5 s per document): for N generated offices
  (default 50 × 20 indicators, `sakip.core.generate.office_document`), the report as of TW N built from
  the office (both scorecards, the per-indicator charts) and rendered, in process, once per office:
  mean, p95 and max per document (``--triwulan-offices 0`` skips it).

* LKjIP .docx with the profile, the narratives and photos (issue #13, target ≤ 0.5 s per office): each seed
  office (whose dataset carries its profile and narrative texts) given both logos and ``--photos`` achievement
  photos (default 4; camera-like 1600 × 1200 JPEGs, as an upload is stored by `sakip.profiles.images`), the
  LKjIP built with its charts and rendered (``--photos 0`` skips it); wall and processor time (the processor
  time is the figure on a shared machine).

Each figure is the best of several runs (the usual way to take out scheduler noise); the
median is printed too. ``--json`` prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sakip.dataset.loader import load_seeds
from sakip.domain.office import Office
from sakip.domain.scorecard import build_scorecard
from sakip.reports.documents import build_lkjip
from sakip.reports.docx import render_docx
from sakip.reports.model import Document
from sakip.reports.pdf import _base_profile, _command, render_pdf, soffice_path


def _times(fn: Callable[[], Any], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _summary(times: list[float]) -> dict[str, float]:
    return {"best": round(min(times), 4), "median": round(statistics.median(times), 4)}


def bench_docx(runs: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for office in load_seeds():
        sc = build_scorecard(office)
        model = build_lkjip(office, scorecard=sc, charts=False)

        def with_charts(o: Office = office) -> bytes:
            return render_docx(build_lkjip(o))

        def without_charts(o: Office = office) -> bytes:
            return render_docx(build_lkjip(o, charts=False))

        def render_only(m: Document = model) -> bytes:
            return render_docx(m)

        results[office.code] = {
            "docx_with_charts": _summary(_times(with_charts, runs)),
            "docx_without_charts": _summary(_times(without_charts, runs)),
            "render_only": _summary(_times(render_only, runs)),
        }
    return results


def _camera_photo(seed: int) -> bytes:
    """A photo as an upload is stored: noise-like detail (so JPEG has work to do), 1600 × 1200, quality 88."""
    import io

    from PIL import Image, ImageFilter

    im = Image.effect_noise((500, 375), 60 + seed).convert("RGB").resize((1600, 1200)).filter(ImageFilter.DETAIL)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=88, optimize=True)
    return out.getvalue()


def _with_photos(office: Office, photos: int) -> Office:
    """The seed office with both logos and ``photos`` captioned photos in its latest year (a copy)."""
    import copy
    import io

    from PIL import Image

    from sakip.domain.profile import Photo, Profile, YearProfile

    o = copy.deepcopy(office)
    logo = io.BytesIO()
    Image.new("RGB", (400, 480), (0, 90, 200)).save(logo, "PNG")
    o.profile = o.profile or Profile()
    o.profile.logo, o.profile.regency_logo = "profile/logo.png", "profile/pemda.png"
    o.files.update({"profile/logo.png": logo.getvalue(), "profile/pemda.png": logo.getvalue()})
    year = max(o.years)
    yd = o.years[year]
    yd.profile = yd.profile or YearProfile()
    for i in range(photos):
        ref = f"profile/foto-{i}.jpg"
        o.files[ref] = _camera_photo(i)
        yd.profile.photos.append(Photo(ref, f"Kegiatan prestasi {i + 1} tahun {year}"))
    return o


def bench_profile(runs: int, photos: int) -> dict[str, Any]:
    """The LKjIP .docx (charts included) of each seed office with its profile, narratives and photos."""
    results: dict[str, Any] = {}
    for office in load_seeds():
        o = _with_photos(office, photos)
        year = max(o.years)
        narratives = len(o.years[year].narratives.get("lkjip", {}))

        def run(o: Office = o) -> bytes:
            return render_docx(build_lkjip(o))

        size = len(run())
        cpu = []
        for _ in range(runs):
            start = time.process_time()
            run()
            cpu.append(time.process_time() - start)
        results[office.code] = {
            "docx": _summary(_times(run, runs)),
            "cpu": _summary(cpu),
            "photos": photos,
            "narrative_sections": narratives,
            "bytes": size,
        }
    return results


def bench_pdf(runs: int, code: str) -> dict[str, Any]:
    soffice = soffice_path()
    if soffice is None:
        return {"skipped": "LibreOffice not installed"}
    office = next(o for o in load_seeds() if o.code == code)
    data = render_docx(build_lkjip(office))
    profile = _base_profile(soffice, 120)
    work = Path(tempfile.mkdtemp(prefix="sakip-bench-pdf-"))
    try:
        source = work / "lkjip.docx"
        source.write_bytes(data)
        own_profile = work / "profile"
        shutil.copytree(profile, own_profile)

        def libreoffice_alone() -> None:
            out = work / "out"
            out.mkdir(exist_ok=True)
            subprocess.run(_command(soffice, own_profile, out, source), check=True, capture_output=True, timeout=300)

        libreoffice_alone()  # warm the file cache
        render_pdf(data)
        alone: list[float] = []
        ours: list[float] = []
        for _ in range(runs):
            alone += _times(libreoffice_alone, 1)
            ours += _times(lambda: render_pdf(data), 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    a, o = _summary(alone), _summary(ours)
    return {
        "office": code,
        "libreoffice_alone": a,
        "render_pdf": o,
        "ratio_best": round(o["best"] / a["best"], 3),
        "ratio_median": round(o["median"] / a["median"], 3),
        "runs": {"libreoffice_alone": [round(t, 3) for t in alone], "render_pdf": [round(t, 3) for t in ours]},
    }


def bench_triwulan(offices: int, indicators: int, quarter: int) -> dict[str, Any]:
    """The Laporan Triwulan .docx of each generated office, with its charts: seconds per document."""
    import os

    os.environ.setdefault("SAKIP_DATA_DIR", tempfile.mkdtemp(prefix="sakip-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")
    import django

    django.setup()
    from sakip.core.generate import Size, office_document
    from sakip.dataset import load_document
    from sakip.reports.documents import build_triwulan

    size = Size(offices=offices, indicators=indicators)
    docs = [load_document(office_document(i, size)) for i in range(1, offices + 1)]
    render_docx(build_triwulan(docs[0], quarter=quarter))  # warm: imports, fonts, template
    times, cpu = [], []
    for office in docs:
        start, start_cpu = time.perf_counter(), time.process_time()
        render_docx(build_triwulan(office, quarter=quarter))
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)

    def figures(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        p95 = ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]
        return {"mean": round(statistics.mean(values), 4), "p95": round(p95, 4), "max": round(ordered[-1], 4)}

    # the processor time is the figure on a shared machine: the wall time counts the other load too
    return {
        "offices": offices,
        "indicators_per_office": indicators,
        "quarter": quarter,
        **figures(times),
        "cpu": figures(cpu),
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="runs per .docx figure (default 5)")
    parser.add_argument("--pdf-runs", type=int, default=3, help="alternating PDF runs (default 3)")
    parser.add_argument("--pdf-office", default="kaloran", help="seed office for the PDF comparison")
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice comparison")
    parser.add_argument("--triwulan-offices", type=int, default=50, help="generated offices (0: skip)")
    parser.add_argument("--triwulan-indicators", type=int, default=20, help="indicators per generated office")
    parser.add_argument("--triwulan-quarter", type=int, default=2, help="the quarter of the Laporan Triwulan")
    parser.add_argument("--photos", type=int, default=4, help="photos per office for the profile figure (0: skip)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    triwulan = (
        bench_triwulan(args.triwulan_offices, args.triwulan_indicators, args.triwulan_quarter)
        if args.triwulan_offices
        else None
    )
    docx_results = bench_docx(args.runs)
    profile_results = bench_profile(args.runs, args.photos) if args.photos else None
    pdf_results = None if args.no_pdf else bench_pdf(args.pdf_runs, args.pdf_office)
    if args.json:
        print(json.dumps({"docx": docx_results, "profile": profile_results, "pdf": pdf_results,
                          "triwulan": triwulan}, indent=2))
        return
    if triwulan is not None:
        t = triwulan
        print(
            f"Laporan Triwulan TW {t['quarter']} .docx with charts, {t['offices']} generated offices × "
            f"{t['indicators_per_office']} indicators (seconds per document; target ≤ 0,5 s): "
            f"mean {t['mean']:.3f}  p95 {t['p95']:.3f}  max {t['max']:.3f}; processor time mean "
            f"{t['cpu']['mean']:.3f}  p95 {t['cpu']['p95']:.3f}  max {t['cpu']['max']:.3f} "
            f"(load average {t['load_average']:.1f})"
        )
    print("LKjIP .docx in process (seconds, best / median of", args.runs, "runs; target ≤ 0,5 s)")
    for code, r in docx_results.items():
        print(
            f"  {code:14} with charts {r['docx_with_charts']['best']:.3f} / {r['docx_with_charts']['median']:.3f}"
            f"   without charts {r['docx_without_charts']['best']:.3f} / {r['docx_without_charts']['median']:.3f}"
            f"   rendering only {r['render_only']['best']:.3f} / {r['render_only']['median']:.3f}"
        )
    if profile_results is not None:
        print(f"LKjIP .docx with profile, narratives, logos and {args.photos} photos, charts included "
              f"(seconds, best / median of {args.runs} runs; target ≤ 0,5 s)")
        for code, r in profile_results.items():
            print(f"  {code:14} wall {r['docx']['best']:.3f} / {r['docx']['median']:.3f}   "
                  f"processor {r['cpu']['best']:.3f} / {r['cpu']['median']:.3f}   "
                  f"{r['narrative_sections']} narrative sections, {r['bytes'] / 1e6:.1f} MB")
    if pdf_results is not None:
        if "skipped" in pdf_results:
            print("PDF:", pdf_results["skipped"])
        else:
            p = pdf_results
            print(
                f"PDF of the {p['office']} LKjIP (seconds, best / median of {args.pdf_runs} alternating runs; "
                "target ≤ 1,3 × LibreOffice alone)"
            )
            print(f"  LibreOffice alone  {p['libreoffice_alone']['best']:.3f} / {p['libreoffice_alone']['median']:.3f}")
            print(f"  render_pdf         {p['render_pdf']['best']:.3f} / {p['render_pdf']['median']:.3f}")
            print(f"  ratio              {p['ratio_best']:.3f} (best) / {p['ratio_median']:.3f} (median)")
            print(f"  all runs           {p['runs']}")


if __name__ == "__main__":
    main()
