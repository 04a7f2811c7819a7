"""What the budget page stores: amounts of the lines, a line's basis (per quarter or per year), allocation
amendments (APBD Perubahan), a line's objectives and shares, a new line.

Every write is all or nothing (`core.web.atomic_checked`: the office must still load into the domain)
and names its errors on the line's row, in words. The lock (`Locks`) is read once per request: a
field of a frozen period is shown read-only, and a POST that would change it is refused (409);
the write guard (`workflow.guard`) stands behind both.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sakip.accounts.models import Office
from sakip.core.concurrency import (
    Changed,
    Conflict,
    create_once,
    last_changes,
    locked,
    retrying,
    token,
    verify,
)
from sakip.core.i18n import error_text
from sakip.core.web import Rollback, RowIssues, atomic_checked, input_text, parse_amount
from sakip.domain import budget as rules
from sakip.domain import workflow as wf
from sakip.domain.errors import BudgetError, NumberParseError
from sakip.domain.numbers import NumberFormat, parse_number
from sakip.domain.periods import QUARTER_LABELS, QUARTERS
from sakip.workflow.services import PeriodLocked, states_of_year

from .models import AllocationAmendment, Basis, BudgetLine, BudgetYear, LineQuarter

Ordered = list[tuple[BudgetLine, int, bool]]  # line, depth, leaf


def ordered_lines(lines: list[BudgetLine]) -> Ordered:
    """The lines in tree order with depth and whether each is a leaf."""
    children: dict[int | None, list[BudgetLine]] = {}
    for line in lines:
        children.setdefault(line.parent_id, []).append(line)
    out: Ordered = []

    def walk(parent: int | None, depth: int) -> None:
        for line in children.get(parent, []):
            out.append((line, depth, line.pk not in children))
            walk(line.pk, depth + 1)

    walk(None, 0)
    return out


def stored_quarters(line: BudgetLine) -> dict[int, Decimal]:
    return {lq.quarter: lq.realisation for lq in line.quarters.all()}


def effective_basis(line: BudgetLine) -> str:
    """As `domain.budget.BudgetLine.effective_basis`: the stated basis, else what the data says."""
    if line.basis:
        return line.basis
    return Basis.YEAR if line.realisation is not None and not stored_quarters(line) else Basis.QUARTER


def amendments_of(line: BudgetLine) -> list[AllocationAmendment]:
    return sorted(line.amendments.all(), key=lambda a: a.from_quarter)


# ----------------------------------------------------------------------------- the lock, read once


@dataclass
class Locks:
    """Which of a budget year's fields are frozen, with the refusal's message (None: editable)."""

    office: Office
    year: int
    states: dict[wf.Period, wf.State]

    @classmethod
    def read(cls, office: Office, year: int) -> Locks:
        return cls(office, year, states_of_year(office, year))

    def message(self, scope: wf.Scope, quarter: int | None = None) -> str | None:
        found = wf.first_frozen(wf.scope_periods(scope, quarter), self.states)
        if found is None:
            return None
        (step, q), state = found
        return str(PeriodLocked(self.office, step, self.year, q, state).messages[0])

    @property
    def allocation(self) -> str | None:
        """Allocations, a line's objectives, new lines: the year's basis (every period)."""
        return self.message(wf.Scope.YEAR)

    def quarter(self, q: int) -> str | None:
        return self.message(wf.Scope.QUARTER, q)

    @property
    def yearly(self) -> str | None:
        """A yearly realisation: TW IV and the annual report."""
        return self.message(wf.Scope.QUARTER, 4)

    @property
    def basis(self) -> str | None:
        """Which realisation counts: every quarter's figure to date."""
        return next((m for q in QUARTERS if (m := self.quarter(q)) is not None), None)

    @property
    def first_open_quarter(self) -> int | None:
        """The earliest quarter an amendment can be in force from (None: none can)."""
        return wf.first_open_quarter(self.states)

    def amendment(self, from_quarter: int) -> str | None:
        return self.message(wf.Scope.FROM_QUARTER, from_quarter)


def same_amount(text: object, stored: Decimal | None) -> bool:
    """The typed text is the stored amount (``24.122.000`` and ``24122000`` alike; empty is none)."""
    typed = str(text).strip()
    if not typed:
        return stored is None
    try:
        return parse_number(typed, NumberFormat.INDONESIAN) == stored
    except NumberParseError:
        return False


def refused_field(post: Mapping[str, Any], ordered: Ordered, locks: Locks) -> str | None:
    """The lock's message when the form would change a frozen field (an allocation, a quarter, a yearly figure)."""
    for line, _depth, leaf in ordered:
        if not leaf:
            continue
        quarters = stored_quarters(line)
        fields: list[tuple[str, Decimal | None, str | None]] = [(f"a-{line.pk}", line.allocation, locks.allocation)]
        fields += [(f"q-{line.pk}-{q}", quarters.get(q), locks.quarter(q)) for q in QUARTERS]
        fields.append((f"r-{line.pk}", line.realisation, locks.yearly))
        for name, stored, message in fields:
            if message is not None and name in post and not same_amount(post[name], stored):
                return message
    return None


# ----------------------------------------------------------------------------- the domain's own checks


def domain_line(
    line: BudgetLine,
    *,
    allocation: Decimal | None,
    quarters: dict[int, Decimal],
    realisation: Decimal | None,
    basis: str,
) -> rules.BudgetLine:
    """The line as the domain sees it (raises `BudgetError` with the line's code and name)."""
    amendments = tuple(
        rules.Amendment(a.allocation, a.from_quarter, a.date, a.reason) for a in amendments_of(line)
    )
    return rules.BudgetLine(
        line.code,
        line.name,
        rules.Level(line.level or "sub_activity"),
        allocation=None if amendments else allocation,
        allocation_original=allocation if amendments else line.allocation_original,
        realisation=realisation,
        quarterly_realisation=quarters,
        basis=rules.Basis(basis) if basis else None,
        amendments=amendments,
    )


def place_issues(
    rollback: Rollback, year: int, ordered: Ordered, errors: dict[str, list[str]], problems: list[str]
) -> None:
    """A refused write's issues: a budget line's on its row (when the page shows it), the others listed."""
    place_rows(rollback.rows, year, ordered, errors, problems)
    problems.extend(rollback.others)


def place_rows(
    rows: RowIssues, year: int, ordered: Ordered, errors: dict[str, list[str]], problems: list[str]
) -> None:
    by_code = {line.code: line.pk for line, _d, _l in ordered}
    for (y, code), issues in rows.items():
        if y == year and code in by_code:
            errors.setdefault(f"line-{by_code[code]}", []).extend(i.text for i in issues)
        else:
            problems.extend(i.full for i in issues)


def _amount(
    post: Mapping[str, Any], name: str, what: str, errors: dict[str, list[str]], typed: dict[str, str]
) -> Decimal | None:
    typed[name] = str(post.get(name, ""))
    try:
        value = parse_amount(typed[name], what)
    except ValidationError as exc:
        errors.setdefault(name, []).extend(exc.messages)
        return None
    if value is not None and value < 0:
        errors.setdefault(name, []).append(_("Tidak boleh negatif."))
        return None
    return value


# ----------------------------------------------------------------------------- amounts, with the version check


@dataclass
class LinesSave:
    """What a save of budget lines gives back: the lines as read, the typed texts, errors, conflicts."""

    ordered: Ordered
    errors: dict[str, list[str]] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)  # line pk -> the version the form was loaded with
    saved: bool = False


Parsed = dict[int, tuple[Decimal | None, dict[int, Decimal | None], Decimal | None]]  # allocation, quarters, yearly


def read_lines(office: Office, year: int) -> Ordered:
    budget = BudgetYear.objects.filter(office=office, year=year).first()
    return ordered_lines(list(budget.lines.prefetch_related("quarters", "amendments"))) if budget else []


def save_lines(post: Mapping[str, Any], office: Office, year: int, codes: set[str] | None = None) -> LinesSave:
    """Store the allocation and the realisation (the quarters or the yearly figure, per the line's basis)
    of the leaf lines in ``post``; nothing when any field, a line's version or the office as a whole is refused.

    The page and the API (``codes``: only those lines) both come here. A field absent from
    ``post`` is left as stored. Each line's version (``ver-<id>``) is compared with the stored
    one: a line changed since whose typed fields differ from what is stored now is a conflict
    (nothing stored, `LinesSave.conflicts`). Read, checked and stored again from the start
    when another save comes in between (`core.concurrency.retrying`).
    """

    def attempt() -> LinesSave:
        ordered = read_lines(office, year)
        result = LinesSave(ordered)
        chosen: Ordered = (
            ordered if codes is None else [(ln, d, leaf) for ln, d, leaf in ordered if leaf and ln.code in codes]
        )
        result.saved = _save_lines(post, office, year, chosen, result)
        return result

    try:
        return retrying(attempt)
    except Changed:
        result = LinesSave(read_lines(office, year))
        result.problems.append(_("Anggaran ini sedang diubah orang lain; tidak ada yang disimpan. Coba simpan lagi."))
        return result


def _line_fields(pk: int) -> list[str]:
    return [f"a-{pk}", f"r-{pk}", *(f"q-{pk}-{q}" for q in QUARTERS)]


def _save_lines(post: Mapping[str, Any], office: Office, year: int, chosen: Ordered, result: LinesSave) -> bool:
    errors, typed = result.errors, result.typed
    parsed: Parsed = {}
    for line, _depth, leaf in chosen:
        if not leaf or not any(f in post for f in _line_fields(line.pk)):
            continue
        if f"ver-{line.pk}" in post:
            result.versions[str(line.pk)] = str(post.get(f"ver-{line.pk}") or "")
        parsed[line.pk] = _parse_line(post, line, errors, typed)
    if any(errors.values()):
        return False
    lines = {line.pk: line for line, _d, _l in chosen}
    result.conflicts = _conflicts(lines, parsed, result)
    if result.conflicts:
        return False
    try:
        with atomic_checked(office):
            current = {
                str(pk): f"{pk}.{version}"
                for pk, version in locked(BudgetLine.objects.filter(pk__in=parsed)).values_list("pk", "version")
            }
            verify({str(pk): token(lines[pk]) for pk in parsed}, current)
            for pk, (allocation, quarters, realisation) in parsed.items():
                _store_line(lines[pk], allocation, quarters, realisation)
    except Rollback as exc:
        place_issues(exc, year, result.ordered, errors, result.problems)
        return False
    return True


def _parse_line(
    post: Mapping[str, Any], line: BudgetLine, errors: dict[str, list[str]], typed: dict[str, str]
) -> tuple[Decimal | None, dict[int, Decimal | None], Decimal | None]:
    """One leaf line's fields as typed (a field not in ``post``: as stored), with the line's own checks."""
    basis = effective_basis(line)
    key = f"a-{line.pk}"
    if key in post:
        allocation = _amount(post, key, f"{line.code} pagu", errors, typed)
        if allocation is None and key not in errors:
            errors.setdefault(key, []).append(_("Pagu wajib diisi."))
    else:
        allocation, typed[key] = line.allocation, input_text(line.allocation)
    stored_q = stored_quarters(line)
    quarters: dict[int, Decimal | None] = dict(stored_q)
    realisation = line.realisation
    for q in QUARTERS:
        name = f"q-{line.pk}-{q}"
        if name not in post:
            typed[name] = input_text(stored_q.get(q))
            continue
        value = _amount(post, name, f"{line.code} {QUARTER_LABELS[q]}", errors, typed)
        if basis == Basis.YEAR and not same_amount(post[name], stored_q.get(q)):
            errors.setdefault(f"line-{line.pk}", []).append(
                _("Realisasi baris ini diisi setahun, bukan per triwulan. Ubah cara pengisiannya ke "
                  "“per triwulan” lebih dulu (tombol pada baris ini)."))
        quarters[q] = value
    name = f"r-{line.pk}"
    if name in post:
        value = _amount(post, name, f"{line.code} realisasi setahun", errors, typed)
        if basis == Basis.QUARTER and not same_amount(post[name], line.realisation):
            errors.setdefault(f"line-{line.pk}", []).append(
                _("Realisasi baris ini diisi per triwulan. Ubah cara pengisiannya ke “setahun” lebih dulu."))
        realisation = value
    else:
        typed[name] = input_text(line.realisation)
    own = [*_line_fields(line.pk), f"line-{line.pk}"]
    if not any(errors.get(n) for n in own) and allocation is not None:
        try:  # the domain's own checks of the line
            domain_line(line, allocation=allocation, realisation=realisation, basis=line.basis,
                        quarters={q: v for q, v in quarters.items() if v is not None})
        except BudgetError as exc:
            errors.setdefault(f"line-{line.pk}", []).append(error_text(exc))
    return allocation, quarters, realisation


def _store_line(
    line: BudgetLine, allocation: Decimal | None, quarters: dict[int, Decimal | None], realisation: Decimal | None
) -> None:
    """One line's allocation, quarters and yearly figure; the line's version goes up when any of them changed."""
    quarters_changed = False
    stored = {lq.quarter: lq for lq in line.quarters.all()}
    for q, v in quarters.items():
        lq = stored.get(q)
        if v is None:
            if lq is not None:
                lq.delete()
                quarters_changed = True
        elif lq is None:
            create_once(LineQuarter, line=line, quarter=q, realisation=v)
            quarters_changed = True
        elif lq.realisation != v:
            lq.realisation = v
            lq.save(update_fields=["realisation"])
            quarters_changed = True
    changed = [f for f, v in (("allocation", allocation), ("realisation", realisation)) if getattr(line, f) != v]
    for f in changed:
        setattr(line, f, allocation if f == "allocation" else realisation)
    if changed:
        line.save(update_fields=changed)
    elif quarters_changed:
        line.touch()


def _conflicts(lines: dict[int, BudgetLine], parsed: Parsed, result: LinesSave) -> list[Conflict]:
    """The typed fields of lines changed since the form was loaded that differ from what is stored now."""
    stale = [pk for pk in parsed if (loaded := result.versions.get(str(pk))) is not None and loaded != token(lines[pk])]
    if not stale:
        return []
    quarter_ids = {lq.pk: pk for pk in stale for lq in lines[pk].quarters.all()}
    changes = last_changes(BudgetLine, stale)
    for qid, (who, when) in last_changes(LineQuarter, quarter_ids).items():
        line_pk = str(quarter_ids[int(qid)])
        if line_pk not in changes or changes[line_pk][1] < when:
            changes[line_pk] = (who, when)
    out: list[Conflict] = []
    for pk in stale:
        line = lines[pk]
        allocation, quarters, realisation = parsed[pk]
        by, at = changes.get(str(pk), ("", None))
        where = f"{line.code} {line.name}"
        stored_q = stored_quarters(line)
        fields: list[tuple[str, str, Decimal | None, Decimal | None]] = [
            (f"a-{pk}", _("Pagu"), line.allocation, allocation),
            *((f"q-{pk}-{q}", _("Realisasi %(q)s") % {"q": QUARTER_LABELS[q]}, stored_q.get(q), quarters.get(q))
              for q in QUARTERS),
            (f"r-{pk}", _("Realisasi setahun"), line.realisation, realisation),
        ]
        for name, label, now, typed in fields:
            if typed != now:
                out.append(Conflict(where, label, input_text(now), result.typed[name], by, at, name=name))
    for c in out:  # the form shows what is stored now; what was typed is kept for "use my values"
        result.typed[c.name] = c.stored
    result.versions.clear()
    return out


# ----------------------------------------------------------------------------- per quarter or per year


@dataclass(frozen=True)
class Switch:
    """A basis switch that needs the operator's word: to yearly, with quarter figures stored."""

    line: BudgetLine
    quarters: list[tuple[str, Decimal]]  # (TW label, amount)
    summed: Decimal
    stored: Decimal | None  # a yearly figure kept from before, when it differs from the sum


def switch_basis(office: Office, line: BudgetLine, to: str, choice: str) -> Switch | str:
    """Switch a leaf line to yearly or quarterly realisation; the figures of the other basis are kept.

    To yearly with quarter figures: without ``choice`` the `Switch` to confirm (their sum, and a
    different yearly figure kept from before); ``choice`` "sum" takes the sum as the yearly figure,
    "stored" the kept one. To quarterly: the yearly figure is kept for a switch back. Returns the
    message to show.
    """
    quarters = stored_quarters(line)
    current = effective_basis(line)
    if to == Basis.YEAR:
        summed = sum(quarters.values(), Decimal(0))
        stored = line.realisation if line.realisation is not None and line.realisation != summed else None
        if quarters and (choice not in ("sum", "stored") or (choice == "stored" and stored is None)):
            return Switch(line, [(QUARTER_LABELS[q], v) for q, v in sorted(quarters.items())],
                          summed, stored)
        realisation = summed if quarters and choice == "sum" else line.realisation
        with atomic_checked(office):
            line.basis = Basis.YEAR
            line.realisation = realisation
            line.save(update_fields=["basis", "realisation"])
        if quarters:
            return _("%(code)s kini diisi setahun: realisasi %(amount)s. Angka per triwulan tetap tersimpan dan "
                     "kembali dipakai bila baris dikembalikan ke per triwulan.") % {
                "code": line.code, "amount": input_text(realisation) or "-"}
        return _("%(code)s kini diisi setahun.") % {"code": line.code}
    if current == Basis.QUARTER and line.basis == Basis.QUARTER:
        return _("%(code)s sudah diisi per triwulan.") % {"code": line.code}
    with atomic_checked(office):
        line.basis = Basis.QUARTER
        line.save(update_fields=["basis"])
    if line.realisation is not None:
        return _("%(code)s kini diisi per triwulan. Realisasi setahun %(amount)s tetap tersimpan dan kembali "
                 "dipakai bila baris dikembalikan ke setahun.") % {"code": line.code,
                                                                   "amount": input_text(line.realisation)}
    return _("%(code)s kini diisi per triwulan.") % {"code": line.code}


# ----------------------------------------------------------------------------- amendments (APBD Perubahan)


def add_amendment(
    post: Mapping[str, Any], office: Office, ordered: Ordered, locks: Locks,
    errors: dict[str, list[str]], typed: dict[str, str],
) -> AllocationAmendment | None:
    """A new allocation of a leaf line in force from a quarter on, with its date and reason."""
    for k in ("line", "allocation", "date", "reason", "from_quarter"):
        typed[k] = str(post.get(k, "")).strip()
    leaves = {str(line.pk): line for line, _d, leaf in ordered if leaf}
    line = leaves.get(typed["line"])
    if line is None:
        errors.setdefault("line", []).append(_("Pilih baris rincian (sub kegiatan) yang pagunya berubah."))
    elif line.allocation_original is not None and not amendments_of(line):
        errors.setdefault("line", []).append(
            _("Baris ini sudah memuat pagu murni dari data yang diimpor, tanpa triwulan berlakunya perubahan; "
              "perbaiki pada data sumbernya."))
    allocation = _amount(post, "allocation", "pagu perubahan", errors, typed)
    if allocation is None and "allocation" not in errors:
        errors.setdefault("allocation", []).append(_("Pagu perubahan wajib diisi."))
    when = None
    try:
        when = datetime.date.fromisoformat(typed["date"])
    except ValueError:
        errors.setdefault("date", []).append(_("Isi tanggal perubahan (misalnya tanggal Perda APBD Perubahan)."))
    if not typed["reason"]:
        errors.setdefault("reason", []).append(_("Alasan perubahan wajib diisi."))
    first = locks.first_open_quarter
    quarter = int(typed["from_quarter"]) if typed["from_quarter"] in {str(q) for q in QUARTERS} else None
    if quarter is None:
        errors.setdefault("from_quarter", []).append(_("Pilih triwulan mulai berlakunya."))
    elif first is None or quarter < first:
        errors.setdefault("from_quarter", []).append(
            _("Perubahan tidak dapat berlaku mulai %(quarter)s: periode itu sudah diajukan atau disetujui, dan "
              "angka yang sudah disetujui tidak diubah.") % {"quarter": QUARTER_LABELS[quarter]})
    elif line is not None and any(a.from_quarter == quarter for a in amendments_of(line)):
        errors.setdefault("from_quarter", []).append(
            _("Sudah ada perubahan pagu baris ini yang berlaku mulai %(quarter)s; hapus dulu bila hendak "
              "menggantinya.") % {"quarter": QUARTER_LABELS[quarter]})
    if any(errors.values()):
        return None
    assert line is not None and allocation is not None and quarter is not None
    try:
        domain_line(line, allocation=line.allocation, realisation=line.realisation, basis=line.basis,
                    quarters=stored_quarters(line))
    except BudgetError as exc:
        errors.setdefault("line", []).append(error_text(exc))
        return None
    try:
        with atomic_checked(office):
            made = AllocationAmendment.objects.create(
                line=line, from_quarter=quarter, allocation=allocation, date=when, reason=typed["reason"][:5000]
            )
            line.touch()  # the allocation in force changed: a page loaded before sees the line as changed
            return made
    except Rollback as exc:
        errors.setdefault("line", []).extend(exc.issues)
        return None


# ----------------------------------------------------------------------------- objectives and shares


def save_objectives(
    post: Mapping[str, Any], office: Office, line: BudgetLine, objective_codes: list[str],
    errors: dict[str, list[str]],
) -> bool:
    """A line's objectives, and its shares (percent, summing to 100) when it serves several."""
    chosen = [c for c in post.getlist("objectives") if c] if hasattr(post, "getlist") else []
    unknown = [c for c in chosen if c not in objective_codes]
    if unknown:
        errors.setdefault("objectives", []).append(_("Sasaran tidak dikenal: %(c)s") % {"c": ", ".join(unknown)})
    shares: dict[str, Decimal] = {}
    if len(chosen) > 1:
        texts = {c: str(post.get(f"share-{c}", "")).strip() for c in chosen}
        if any(texts.values()):
            for c, text in texts.items():
                try:
                    value = parse_amount(text, f"bagian {c}")
                except ValidationError as exc:
                    errors.setdefault("shares", []).extend(exc.messages)
                    continue
                if value is None:
                    errors.setdefault("shares", []).append(
                        _("Isi bagian setiap sasaran yang dipilih (%(code)s belum), atau kosongkan semuanya: baris "
                          "dihitung sekali pada “beberapa sasaran”.") % {"code": c})
                else:
                    shares[c] = value
    if any(errors.values()):
        return False
    try:
        rules.BudgetLine(line.code, line.name, rules.Level(line.level or "sub_activity"),
                         objectives=tuple(chosen), objective_shares=shares)
    except BudgetError as exc:
        errors.setdefault("shares", []).append(error_text(exc))
        return False
    try:
        with atomic_checked(office):
            line.objectives = chosen
            line.objective_shares = {c: format(v.normalize(), "f") for c, v in shares.items()}
            line.save(update_fields=["objectives", "objective_shares"])
    except Rollback as exc:
        errors.setdefault("objectives", []).extend(exc.issues)
        return False
    return True


def objectives_text(line: BudgetLine) -> str:
    """A line's own attachment as a row shows it."""
    if not line.objectives:
        return ""
    if len(line.objectives) > 1 and line.objective_shares:
        return ", ".join(f"{c} {input_text(Decimal(line.objective_shares.get(c, '0')))} %" for c in line.objectives)
    if len(line.objectives) > 1:
        return _("%(codes)s (beberapa sasaran)") % {"codes": ", ".join(line.objectives)}
    return str(line.objectives[0])


def objective_label(key: str, texts: dict[str, str]) -> str:
    if key == rules.UNATTACHED:
        return _("Tidak terkait sasaran (program penunjang)")
    if key == rules.SEVERAL:
        return _("Beberapa sasaran (tanpa pembagian)")
    return f"{key} {texts.get(key, '')}".strip()


__all__ = [
    "LinesSave",
    "Locks",
    "Ordered",
    "Switch",
    "add_amendment",
    "effective_basis",
    "objective_label",
    "objectives_text",
    "ordered_lines",
    "place_issues",
    "place_rows",
    "read_lines",
    "refused_field",
    "save_lines",
    "save_objectives",
    "switch_basis",
]
