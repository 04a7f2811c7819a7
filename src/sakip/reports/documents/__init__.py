"""Document builders: domain office → report `sakip.reports.model.Document`.

Each builder takes a `sakip.domain.office.Office` and returns a `Document` that
`sakip.reports.docx.render_docx` renders to Word and `sakip.reports.pdf.render_pdf`
converts to PDF. All accept ``draft=True`` (every page marked "DRAFT") and an
optional prebuilt ``scorecard`` where they use one.

* ``build_lkjip(office, year=None, *, narrative=None, charts=True, draft=False, scorecard=None,
  place_date=None)`` — annual LKjIP (`lkjip`).
* ``build_triwulan(office, year=None, quarter=4, *, draft=False, scorecard=None, place_date=None)`` —
  Laporan Kinerja Triwulan (`triwulan`).
* ``build_pk(office, year=None, *, amendment=False, draft=False, place_date=None)`` — Perjanjian
  Kinerja or its amendment (`pk`).
* ``build_iku(office, *, decree_number=None, date=None, draft=False)`` — Keputusan IKU (`iku`).
"""

from .iku import build_iku
from .lkjip import build_lkjip
from .pk import build_pk
from .triwulan import build_triwulan

__all__ = ["build_iku", "build_lkjip", "build_pk", "build_triwulan"]
