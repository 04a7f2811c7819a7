"""The satisfaction survey of an office-year: the IKM result and the questionnaire upload (SPEC §5)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sakip.accounts.access import can, office_view
from sakip.accounts.models import Membership, Office
from sakip.core.concurrency import Conflict, conflict_context, last_changes, locked, token
from sakip.core.i18n import chart_words, error_text
from sakip.core.params import int_param
from sakip.core.web import (
    Rollback,
    atomic_checked,
    compute,
    current_plan,
    default_year,
    page_context,
    require,
    valid_year,
    year_choices,
    year_switch,
)
from sakip.dataset.loader import DatasetError
from sakip.dataset.survey_file import MAX_FILE_BYTES, read_survey_file
from sakip.domain.errors import SurveyError
from sakip.domain.numbers import format_number
from sakip.domain.survey import (
    BASIS_TEXT,
    INSTRUMENTS,
    GradeTable,
    answer_columns,
    custom_instrument,
    from_responses,
)
from sakip.planning.models import Indicator
from sakip.reports import charts
from sakip.workflow.web import lock_message, refuse_if_locked

from . import entry as manual
from . import template as questionnaire
from .models import Survey

CUSTOM = "custom"
GRADE_TABLE_LABELS = {
    GradeTable.PERMENPAN_14_2017.value: "PermenPAN-RB 14/2017",
    GradeTable.KEPMENPAN_25_2004.value: "KepmenPAN 25/2004 / PermenPAN-RB 16/2014",
}


@office_view("view")
def survey_detail(request: HttpRequest, year: int, office: Office, membership: Membership | None) -> HttpResponse:
    """The year's IKM, grades, per-element scores and warnings; an upload of raw questionnaires, or the
    manual entry of element values or of an index computed elsewhere (``op=entry``)."""
    if request.method == "GET" and (year == 0 or year_switch(request, year)):
        chosen = year_switch(request, year) or default_year(office)
        return redirect(reverse("survey-detail", args=[office.code, chosen]))
    if not valid_year(year):
        raise Http404(_("Tahun tidak dikenal"))
    plan = current_plan(office)
    editable = can(membership, office, "enter") and plan is not None and not lock_message(office, year, "annual")
    errors: list[dict[str, str]] = []
    typed: dict[str, str] = {}
    problems: list[str] = []
    found: list[Conflict] = []
    status = 200
    entry: manual.Entry | None = None
    if request.method == "POST":
        require(membership, office, "enter")
        if plan is None:
            raise Http404(_("Buat rencana strategis terlebih dahulu"))
        refused = refuse_if_locked(request, office, year, "annual")
        if refused is not None:
            return refused
        if request.POST.get("op") == "entry":
            entry = manual.read(request.POST)
            typed["ver"] = request.POST.get("ver", "")
            if not entry.errors and _save_entry(request, office, year, entry, typed, problems, found):
                messages.success(request, _("Survei %(year)s tersimpan.") % {"year": year})
                return redirect(reverse("survey-detail", args=[office.code, year]))
        elif _upload(request, office, year, errors, typed, problems, found):
            messages.success(request, _("Survei %(year)s tersimpan.") % {"year": year})
            return redirect(reverse("survey-detail", args=[office.code, year]))
        if found:
            status = 409
        else:
            messages.error(request, _("Tidak ada yang disimpan: perbaiki kesalahan di bawah."))
    survey = Survey.objects.filter(office=office, year=year).select_related("indicator").first()
    computed = compute(office, year) if survey else None
    result = computed.scorecard.survey.result if computed and computed.scorecard and computed.scorecard.survey else None
    if entry is None:
        entry = manual.prefilled(survey, manual.instrument_for(request.GET.get("instrumen"), survey))
    context: dict[str, Any] = page_context(
        office, membership, "survey", year,
        survey=survey, result=result, editable=editable, years=year_choices(office, year),
        problems=(computed.problems if computed else []) + problems, errors=errors, typed=typed,
        instruments=[(code, i.name) for code, i in INSTRUMENTS.items()],
        grade_tables=list(GRADE_TABLE_LABELS.items()),
        indicators=list(Indicator.objects.filter(plan=plan).values_list("pk", "code", "name")) if plan else [],
        # the version of the survey this page shows: an upload replaces it only if it is still the one stored
        version=typed.get("ver") if typed.get("ver") is not None and not found else token(survey),
        conflict_form=False, **conflict_context(found),
        entry=entry, entry_modes=[(m.value, m.label) for m in manual.MODES],
        templates=[(code, i.name) for code, i in INSTRUMENTS.items()],
    )
    if result is not None:
        context["basis"] = _(BASIS_TEXT[result.basis])
        context["index"] = format_number(result.index)
        context["ikm"] = format_number(result.ikm, 3)
        context["elements"] = [
            {"e": e, "nrr": format_number(e.nrr, 3), "score": format_number(e.score), "weak": e in result.weakest}
            for e in result.elements
        ]
        context["weakest"] = [{"name": e.name, "score": format_number(e.score)} for e in result.weakest]
        if survey is not None and survey.input == Survey.Input.RESPONSES and survey.responses:
            context["distribution"] = list(zip(result.instrument.elements, answer_columns(survey.responses),
                                               strict=False))
        context["chart"] = mark_safe(charts.element_scores(
            [e.name for e in result.elements], [e.score for e in result.elements], result.index,
            _("Nilai unsur SKM terhadap rata-rata"), chart_words()))
    return render(request, "surveys/survey.html", context, status=status)


def _upload(
    request: HttpRequest, office: Office, year: int, errors: list[dict[str, str]], typed: dict[str, str],
    problems: list[str], found: list[Conflict],
) -> bool:
    post = request.POST
    for k in ("instrument", "grade_table", "population", "indicator", "period"):
        typed[k] = post.get(k, "").strip()
    if "ver" in post:
        typed["ver"] = post.get("ver", "")
    upload = request.FILES.get("file")
    code = typed["instrument"]
    if code != CUSTOM and code not in INSTRUMENTS:
        errors.append({"where": _("instrumen"), "message": _("Pilih instrumen survei.")})
    population = None
    if typed["population"]:
        population = manual.parse_count(typed["population"])
        if population is None:
            errors.append({"where": _("populasi"), "message": _("Isi bilangan bulat positif, misalnya 12.500.")})
    plan = current_plan(office)
    indicator = None
    if typed["indicator"]:
        indicator_id = int_param(typed["indicator"])
        if indicator_id is not None:
            indicator = Indicator.objects.filter(plan=plan, pk=indicator_id).first()
        if indicator is None:
            errors.append({"where": _("indikator"), "message": _("Indikator tidak dikenal.")})
    grade_table = typed["grade_table"] or GradeTable.PERMENPAN_14_2017.value
    if grade_table not in GRADE_TABLE_LABELS:
        errors.append({"where": _("tabel mutu"), "message": _("Tabel mutu tidak dikenal.")})
    suffix = Path(upload.name or "").suffix.lower() if upload else ""
    if upload is None:
        errors.append({"where": _("berkas"), "message": _("Pilih berkas CSV atau XLSX kuesioner.")})
    elif suffix not in (".csv", ".xlsx"):
        errors.append({"where": _("berkas"), "message": _("Berkas harus .csv atau .xlsx.")})
    elif (upload.size or 0) > MAX_FILE_BYTES:
        errors.append({"where": _("berkas"), "message": _("Berkas lebih besar dari %(n)d MB.")
                       % {"n": MAX_FILE_BYTES // (1024 * 1024)}})
    if errors or upload is None:
        return False
    instrument = INSTRUMENTS.get(code)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"kuesioner{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            sf = read_survey_file(path, instrument)
        except DatasetError as exc:
            errors.extend({"where": i.path, "message": i.message} for i in exc.issues)
            return False
    inst = sf.instrument
    if instrument is None:
        inst = custom_instrument(sf.columns, GradeTable(grade_table), _("Kustom"))
    try:
        from_responses(inst, sf.responses, population)
    except SurveyError as exc:
        errors.append({"where": _("kuesioner"), "message": error_text(exc)})
        return False
    upload.seek(0)
    try:
        with atomic_checked(office):  # the office locked: the survey read here is the one replaced
            current = locked(Survey.objects.filter(office=office, year=year)).first()
            loaded = typed.get("ver")
            if loaded is not None and loaded != token(current):
                found.extend(_conflicts(current, code, sf.responses, population, indicator, typed))
                return not found  # no conflict: the same questionnaires, uploaded meanwhile; nothing to change
            Survey.objects.filter(office=office, year=year).delete()
            Survey.objects.create(
                office=office, year=year, instrument=code,
                instrument_name=inst.name if code == CUSTOM else "",
                elements=list(inst.elements) if code == CUSTOM else [],
                grade_table=grade_table if code == CUSTOM else "",
                indicator=indicator, period=typed["period"][:100], population=population,
                input=Survey.Input.RESPONSES, responses=sf.responses, source_file=upload,
                uploaded_by=request.user if request.user.is_authenticated else None,
            )
    except Rollback as exc:
        problems.extend(exc.issues)
        return False
    return True


def _conflicts(
    current: Survey | None, code: str, responses: list[Any], population: int | None, indicator: Indicator | None,
    typed: dict[str, str],
) -> list[Conflict]:
    """An upload over a survey that changed since the page was loaded: a conflict unless it is the same data."""
    if (
        current is not None
        and current.instrument == code
        and current.responses == responses
        and current.population == population
        and current.indicator_id == (indicator.pk if indicator else None)
        and current.period == typed["period"][:100]
    ):
        return []
    by, at = ("", None)
    if current is not None:
        by, at = last_changes(Survey, [current.pk]).get(str(current.pk), ("", None))

    def describe(instrument: str, n: int, file: str) -> str:
        return _("instrumen %(i)s, %(n)d responden%(file)s") % {
            "i": instrument, "n": n, "file": f" ({file})" if file else ""}

    stored = ""
    if current is not None:
        stored = describe(current.instrument, len(current.responses or []), current.source_file.name or "")
    return [Conflict(_("Survei kepuasan"), _("Kuesioner"), stored, describe(code, len(responses), ""), by, at)]


def _save_entry(
    request: HttpRequest, office: Office, year: int, entry: manual.Entry, typed: dict[str, str],
    problems: list[str], found: list[Conflict],
) -> bool:
    """Replace the year's survey by the values entered (checked by `manual.read`); a conflict if it changed."""
    plan = current_plan(office)
    indicator = None
    if entry.typed.get("indicator"):
        indicator_id = int_param(entry.typed["indicator"])
        if indicator_id is not None:
            indicator = Indicator.objects.filter(plan=plan, pk=indicator_id).first()
        if indicator is None:
            entry.errors.append({"where": _("indikator"), "message": _("Indikator tidak dikenal.")})
            return False
    fields = manual.stored_fields(entry)
    try:
        with atomic_checked(office):
            current = locked(Survey.objects.filter(office=office, year=year)).first()
            loaded = typed.get("ver")
            if loaded and loaded != token(current):
                same = current is not None and all(getattr(current, k) == v for k, v in fields.items())
                if same:
                    return True
                by, at = ("", None)
                if current is not None:
                    by, at = last_changes(Survey, [current.pk]).get(str(current.pk), ("", None))
                yours = f"{entry.instrument.name} · {Survey.Input(entry.mode).label}"
                found.append(Conflict(_("Survei kepuasan"), _("Nilai survei"), _describe(current), yours, by, at))
                return False
            Survey.objects.filter(office=office, year=year).delete()
            Survey.objects.create(
                office=office, year=year, indicator=indicator, period=entry.typed.get("period", "")[:100],
                uploaded_by=request.user if request.user.is_authenticated else None, **fields,
            )
    except Rollback as exc:
        problems.extend(exc.issues)
        return False
    return True


def _describe(current: Survey | None) -> str:
    if current is None:
        return ""
    return f"{current.instrument} · {current.get_input_display()}"


@require_GET
@office_view("view")
def survey_template(
    request: HttpRequest, office: Office, membership: Membership | None, instrument: str, fmt: str
) -> HttpResponse:
    """The questionnaire template of a preset instrument, as .xlsx (with answer validation) or .csv."""
    inst = INSTRUMENTS.get(instrument)
    if inst is None or fmt not in ("xlsx", "csv"):
        raise Http404(_("Instrumen tidak dikenal"))
    if fmt == "csv":
        response = HttpResponse(questionnaire.template_csv(inst), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            questionnaire.template_xlsx(inst, _),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{questionnaire.file_name(inst, fmt)}"'
    return response
