"""Document builders: domain office → report `sakip.reports.model.Document`.

Each builder takes a `sakip.domain.office.Office` (from `sakip.dataset.load` or
`sakip.core.interchange.domain_office`; set ``office.settings`` with
`sakip.core.services.settings_for` for a stored office) and returns a `Document` that
`sakip.reports.docx.render_docx(document, template=None) -> bytes` renders to Word and
`sakip.reports.pdf.render_pdf(docx_bytes) -> bytes` converts to PDF. All accept
``draft=True`` (every page marked "DRAFT — belum disahkan" in the header).

* ``build_lkjip(office, year=None, *, narrative=None, charts=True, draft=False, scorecard=None,
  place_date=None)`` — annual LKjIP (`lkjip`); ``charts`` may be a prebuilt
  `sakip.reports.charts.ScorecardCharts` (plotting is most of the build time).
* ``build_triwulan(office, year=None, quarter=4, *, draft=False, scorecard=None, year_scorecard=None,
  place_date=None, narrative=None, charts=True)`` — Laporan Kinerja Triwulan (`triwulan`): Bab I–IV with
  every figure as of TW N; ``scorecard`` must be the scorecard as of that quarter
  (``build_scorecard(office, year, quarter=N)``), ``year_scorecard`` the year's (both built when absent).
* ``build_pk(office, year=None, *, amendment=False, draft=False, place_date=None)`` — Perjanjian
  Kinerja or its amendment (`pk`).
* ``build_iku(office, *, decree_number=None, date=None, draft=False)`` — Keputusan IKU (`iku`).
* ``build_rencana_aksi(office, year=None, *, draft=False, scorecard=None, place_date=None)`` — Rencana
  Aksi: the quarter targets of the PK's indicators and the programs that carry them (`rencana_aksi`).

Errors, all with an Indonesian message for the user: `DocumentError` (the data cannot make
the document, e.g. no PK amendment that year, quarter outside 1–4),
`sakip.reports.docx.TemplateError` (unusable template), `sakip.reports.pdf.PdfError`
(LibreOffice missing, failed or timed out).
"""

from .iku import build_iku
from .lkjip import build_lkjip
from .pk import DocumentError, build_pk
from .rencana_aksi import build_rencana_aksi
from .triwulan import build_triwulan

__all__ = ["DocumentError", "build_iku", "build_lkjip", "build_pk", "build_rencana_aksi", "build_triwulan"]
