"""The navigation of the pages, by step of the SAKIP cycle (issue #14).

An office page shows five steps — Perencanaan (Renstra and IKU, pohon kinerja, PK and Rencana Aksi),
Pengukuran (quarters, budget, survey, import/export), Pelaporan (documents and narratives, review),
Evaluasi (LKE) and Jejak audit — after the office's summary. The step holding the current page is open:
its pages are the second row. Regency pages get the same shape (`regency_nav`), with the links each
role may open. Plain links: no script needed, every item reachable by keyboard.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class NavGroup:
    """One step of the cycle: its label, where its own link goes (its first page) and its pages."""

    key: str
    label: str
    url: str
    active: bool
    items: tuple[NavItem, ...]

    @property
    def current(self) -> NavItem | None:
        return next((i for i in self.items if i.active), None)


def _group(key: str, label: str, items: list[tuple[str, str, str]], active: str) -> NavGroup:
    pages = tuple(NavItem(lab, url, k == active) for k, lab, url in items)
    return NavGroup(key, label, pages[0].url, any(p.active for p in pages), pages if len(pages) > 1 else ())


def entry_quarter(year: int, today: datetime.date | None = None) -> int:
    """The quarter the measurement link opens: TW IV of a past year, the quarter under way in the current
    year (its realisation is being gathered or reported), TW I of a later year."""
    today = today or datetime.date.today()
    if year < today.year:
        return 4
    if year > today.year:
        return 1
    return (today.month + 2) // 3


@functools.lru_cache(maxsize=2048)
def office_groups(code: str, y: int, active: str, _language: str, _prefix: str, q: int = 1) -> tuple[NavGroup, ...]:
    """The steps of an office page: a function of the office code, year, page key, language, URL prefix and
    the quarter the measurement link opens only (the URLs are reversed a dozen times per page otherwise).
    ``active`` is the page's key (``"entry"``, ``"budget"`` …)."""
    office = SimpleNamespace(code=code)
    return (
        _group("summary", str(_("Ringkasan")), [
            ("dashboard", str(_("Ringkasan")), reverse("office-dashboard", args=[office.code])),
        ], active),
        _group("planning", str(_("Perencanaan")), [
            ("plan", str(_("Renstra dan IKU")), reverse("plan-edit", args=[office.code])),
            ("tree", str(_("Pohon kinerja")), reverse("plan-tree", args=[office.code])),
            ("pk", str(_("PK dan Rencana Aksi")), reverse("pk-detail", args=[office.code, y])),
            ("rpjmd", str(_("Dukungan RPJMD")), reverse("office-rpjmd-links", args=[office.code])),
        ], active),
        _group("measuring", str(_("Pengukuran")), [
            ("entry", str(_("Pengukuran triwulan")), reverse("quarter-entry", args=[office.code, y, q])),
            ("budget", str(_("Anggaran")), reverse("budget-entry", args=[office.code, y])),
            ("survey", str(_("Survei kepuasan")), reverse("survey-detail", args=[office.code, y])),
            ("data", str(_("Impor/ekspor")), reverse("office-data", args=[office.code])),
        ], active),
        _group("reporting", str(_("Pelaporan")), [
            ("profile", str(_("Dokumen dan narasi")), reverse("profile-edit", args=[office.code])),
            ("review", str(_("Reviu")), reverse("review-office", args=[office.code, y])),
        ], active),
        _group("evaluation", str(_("Evaluasi")), [
            ("lke", str(_("Evaluasi SAKIP (LKE)")), reverse("evaluation-office", args=[office.code, y])),
        ], active),
        _group("audit", str(_("Jejak audit")), [
            ("audit", str(_("Jejak audit")), reverse("audit-office", args=[office.code])),
        ], active),
    )


#: regency pages: (group key, group label, [(url name, label, roles that may open it)])
_REGENCY: tuple[tuple[str, object, tuple[tuple[str, object, frozenset[str]], ...]], ...] = (
    ("summary", _("Ringkasan"), (
        ("regency-dashboard", _("Ringkasan pemda"), frozenset({"admin", "planner", "verifier"})),
    )),
    ("planning", _("Perencanaan"), (
        ("rpjmd", _("RPJMD"), frozenset({"admin", "planner", "verifier"})),
        ("regency-tree", _("Pohon kinerja pemda"), frozenset({"admin", "planner", "verifier"})),
    )),
    ("measuring", _("Pengukuran"), (
        ("regency-progress", _("Kemajuan pengisian"), frozenset({"admin", "planner", "verifier"})),
        ("regency-matrix", _("Matriks pemantauan"), frozenset({"admin", "planner", "verifier"})),
        ("workflow-overdue", _("Terlambat"), frozenset({"admin", "planner", "verifier"})),
        ("workflow-due-rules", _("Tenggat"), frozenset({"admin"})),
        ("workflow-approvers", _("Pihak yang menyetujui"), frozenset({"admin"})),
    )),
    ("reporting", _("Pelaporan"), (
        ("documents-batch", _("Dokumen massal"), frozenset({"admin", "planner"})),
        ("review-regency", _("Reviu semua OPD"), frozenset({"admin", "planner", "verifier"})),
    )),
    ("evaluation", _("Evaluasi"), (
        ("evaluation-regency", _("Evaluasi SAKIP (LKE)"), frozenset({"admin", "verifier"})),
        ("regency-lke-latest", _("Nilai LKE per subkomponen"), frozenset({"admin", "planner", "verifier"})),
    )),
    ("audit", _("Jejak audit"), (
        ("audit-regency", _("Jejak audit"), frozenset({"admin", "planner", "verifier"})),
    )),
)


def regency_groups(role: str, path: str) -> tuple[NavGroup, ...]:
    """The steps of the regency pages that ``role`` may open; the page at ``path`` is the active one."""
    groups = []
    for key, label, pages in _REGENCY:
        items = [(name, str(lab), reverse(name)) for name, lab, roles in pages if role in roles]
        if not items:
            continue
        active = next((name for name, _lab, url in items if path == url), "")
        groups.append(_group(key, str(label), items, active))
    return tuple(groups)
