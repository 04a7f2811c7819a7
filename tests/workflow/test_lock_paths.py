"""The lock holds on every write path a person or a program can take (issue #10).

Each case below is one way office A's data of 2020 can be written: a form of a page
(plan editor, indicator editor, "new indicator", programs, PK and amendment, quarterly
entry and evidence, budget, survey), the dataset upload, every kind of Excel import, the
API, the command line, the admin site and the LKE's "take the AKIP predicate". For each:

1. the page (or file) is prepared while the year is open, as a person would have it;
2. every period of 2020 is approved and locked;
3. the write is sent: it is refused with the lock's message, and nothing of the office
   changed (its whole dataset, settings, evidence and printed figures compared);
4. the year is reopened and the same write is sent again: now it is stored (so the
   write would have changed data, and the refusal in 3 was the lock's).

``test_every_write_route_has_a_case`` reads the office routes that take a POST from the
authorisation matrix's table, so a new page with a form cannot be forgotten.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from sakip.agreements.models import PkVersion
from sakip.budgeting.models import BudgetLine
from sakip.planning.models import Goal, Indicator, Objective, ProgramNode
from tests.web.test_authorisation_matrix import OFFICE_PAGES

from .forms_support import Form, forms_of
from .lock_support import YEAR, freeze_year, open_year, snapshot

pytestmark = pytest.mark.django_db

LOCKED = "sudah disetujui dan dikunci"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Ctx:
    demo: Any
    client: Client

    @property
    def office(self) -> Any:
        return self.demo.office_a

    def url(self, name: str, *args: Any) -> str:
        return reverse(name, args=[self.office.code, *args])


def page_form(ctx: Ctx, url: str, pick: Callable[[Form], bool]) -> Form:
    response = ctx.client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    found = [f for f in forms_of(response.content.decode()) if f.method == "post" and pick(f)]
    assert found, f"no such form on {url}"
    return found[0]


def has(form: Form, **fields: str) -> bool:
    values = dict(form.fields)
    return all(values.get(k) == v for k, v in fields.items())


@dataclass
class Sent:
    status: int
    text: str


def post(ctx: Ctx, url: str, data: dict[str, Any]) -> Sent:
    r = ctx.client.post(url, data)
    return Sent(r.status_code, r.content.decode(errors="replace"))


# ----------------------------------------------------------------------------- the cases


@dataclass
class Case:
    name: str
    prepare: Callable[[Ctx], Any]  # while the year is open: the form as shown, a file, ids
    send: Callable[[Ctx, Any], Sent]
    route: str = ""  # the office route it writes through (for the completeness check)


def _plan_form(ctx: Ctx, **fields: str) -> Form:
    return page_form(ctx, ctx.url("plan-edit"), lambda f: has(f, **fields))


def _first(model: Any, ctx: Ctx, **lookups: Any) -> Any:
    found = model.objects.filter(plan__office=ctx.office, **lookups).order_by("pk").first()
    assert found is not None
    return found


def plan_field(op: str, field: str, value: str) -> Case:
    """Change one field of the plan, of an existing goal or objective (op ``plan``/``goal``/``objective``)."""

    def prepare(ctx: Ctx) -> tuple[str, dict[str, Any]]:
        if op == "plan":
            form = _plan_form(ctx, op="plan")
            name = f"plan-{field}"
        else:
            obj = _first(Goal if op == "goal" else Objective, ctx)
            form = _plan_form(ctx, op=op, id=str(obj.pk))
            name = f"{op[0]}{obj.pk}-{field}"
        assert name in form.names(), (name, form.names())
        return ctx.url("plan-edit"), form.data(**{name: value})

    return Case(f"plan-edit {op} {field}", prepare, lambda ctx, p: post(ctx, *p), "plan-edit")


def plan_new(op: str) -> Case:
    def prepare(ctx: Ctx) -> tuple[str, dict[str, Any]]:
        form = page_form(ctx, ctx.url("plan-edit"), lambda f: has(f, op=op) and "id" not in f.names())
        p = "g-new" if op == "goal" else "o-new"
        extra = {f"{p}-code": "X9", f"{p}-text": "Baru setelah dikunci", f"{p}-weight": "1"}
        if op == "objective":
            extra[f"{p}-goal"] = str(_first(Goal, ctx).pk)
        return ctx.url("plan-edit"), form.data(**extra)

    return Case(f"plan-edit new {op}", prepare, lambda ctx, p: post(ctx, *p), "plan-edit")


def plan_delete(op: str) -> Case:
    def prepare(ctx: Ctx) -> tuple[str, dict[str, Any]]:
        goal = _first(Goal, ctx)
        spare: Any = (
            Goal.objects.create(plan=goal.plan, code="T-CADANG", text="Tujuan cadangan", order=99)
            if op == "goal"
            else Objective.objects.create(plan=goal.plan, goal=goal, code="S-CADANG", text="Sasaran cadangan")
        )
        return ctx.url("plan-edit"), {"op": f"{op}-delete", "id": str(spare.pk)}

    return Case(f"plan-edit delete {op}", prepare, lambda ctx, p: post(ctx, *p), "plan-edit")


def indicator_field(field: str, value: str, **more: str) -> Case:
    def prepare(ctx: Ctx) -> tuple[str, dict[str, Any]]:
        ind = _first(Indicator, ctx, code="S1.2")
        url = ctx.url("indicator-edit", ind.pk)
        form = page_form(ctx, url, lambda f: f.testid == "indicator-form")
        assert field in form.names() or field == "iku", (field, form.names())
        changes: dict[str, Any] = {field: value, **more}
        if field == "iku":
            changes = {"iku": None} if "iku" in form.names() else {"iku": "on"}
        return url, form.data(**changes)

    return Case(f"indicator-edit {field}", prepare, lambda ctx, p: post(ctx, *p), "indicator-edit")


def _indicator_new(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    objective = _first(Objective, ctx)
    url = ctx.url("indicator-add") + f"?sasaran={objective.pk}"
    form = page_form(ctx, url, lambda f: f.testid == "indicator-form")
    data = form.data(code="S9.9", name="Indikator baru tanpa target", unit="%", owner=f"objective-{objective.pk}")
    return url, data  # no target of any year: it would still appear in the approved year's documents


def _indicator_delete(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    objective = _first(Objective, ctx)
    spare = Indicator.objects.create(
        plan=objective.plan, objective=objective, code="S-CADANG", name="Indikator cadangan", unit="%"
    )
    return ctx.url("indicator-edit", spare.pk), {"op": "delete"}


def _program(kind: str) -> Case:
    def prepare(ctx: Ctx) -> tuple[str, dict[str, Any]]:
        url = ctx.url("program-edit")
        if kind == "new":
            form = page_form(ctx, url, lambda f: "p-new-code" in f.names())
            return url, form.data(**{"p-new-code": "7.01.99", "p-new-name": "Program baru", "p-new-level": "program"})
        node = _first(ProgramNode, ctx)
        if kind == "delete":
            spare = ProgramNode.objects.create(plan=node.plan, level="program", code="9.99.99", name="Cadangan")
            return url, {"op": "delete", "id": str(spare.pk)}
        form = page_form(ctx, url, lambda f: has(f, id=str(node.pk)) and f"p{node.pk}-name" in f.names())
        return url, form.data(**{f"p{node.pk}-name": node.name + " (diubah)"})

    return Case(f"program-edit {kind}", prepare, lambda ctx, p: post(ctx, *p), "program-edit")


def _pk_edit(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    url = ctx.url("pk-edit", YEAR)
    form = page_form(ctx, url, lambda f: any(n.startswith("t-") for n in f.names()))
    target = sorted(n for n in form.names() if n.startswith("t-"))[0]
    return url, form.data(**{target: "12,5", "first_party_name": "Nama baru"})


def _pk_quarter_target(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    """Only a quarter target (Rencana Aksi) of the PK form changes."""
    PkVersion.objects.filter(office=ctx.office, year=YEAR).update(first_party_name="Camat Kaloran")  # required
    url = ctx.url("pk-edit", YEAR)
    form = page_form(ctx, url, lambda f: any(n.startswith("qt-") for n in f.names()))
    target = sorted(n for n in form.names() if n.startswith("t-"))[0]
    return url, form.data(**{f"qt-{target.removeprefix('t-')}-2": "55"})


def _pk_amend(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    url = ctx.url("pk-amend", YEAR)
    form = page_form(ctx, url, lambda f: "reason" in f.names())
    return url, form.data(reason="Perubahan anggaran", first_party_name="Camat Kaloran")


def entry(quarter: int, evidence_only: bool = False) -> Case:
    def prepare(ctx: Ctx) -> tuple[str, dict[str, Any]]:
        url = ctx.url("quarter-entry", YEAR, quarter)
        form = page_form(ctx, url, lambda f: f.testid == "entry-form")
        values = sorted(n for n in form.names() if n.startswith("v-"))
        assert values, "a numeric row"
        key = values[0].removeprefix("v-")
        if evidence_only:
            return url, form.data(**{f"e-{key}": "Ada bukti."})
        return url, form.data(**{values[0]: "77,7", f"e-{key}": "Penjelasan penyebab dan solusi."})

    def send(ctx: Ctx, p: tuple[str, dict[str, Any]]) -> Sent:
        url, data = p
        if evidence_only:
            key = next(n for n in data if n.startswith("e-")).removeprefix("e-")
            data = {**data, f"f-{key}": SimpleUploadedFile("bukti.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}
        return post(ctx, url, data)

    return Case(f"quarter-entry TW {quarter}{' evidence' if evidence_only else ''}", prepare, send, "quarter-entry")


def budget(kind: str) -> Case:
    def prepare(ctx: Ctx) -> tuple[str, dict[str, Any]]:
        url = ctx.url("budget-entry", YEAR)
        if kind == "add":
            form = page_form(ctx, url, lambda f: f.testid == "budget-add")
            parent = BudgetLine.objects.filter(budget__office=ctx.office, budget__year=YEAR, level="activity").first()
            return url, form.data(code=(parent.code + ".9999") if parent else "7.01.99", name="Sub kegiatan baru",
                                  level="sub_activity" if parent else "program",
                                  parent=str(parent.pk) if parent else "", allocation="1.000.000")
        form = page_form(ctx, url, lambda f: f.testid == "budget-form")
        if kind == "allocation":
            name = sorted(n for n in form.names() if n.startswith("a-"))[0]
            return url, form.data(**{name: "123.456"})
        # a realisation of TW I on a line entered per quarter (a line with a yearly figure shows no quarters)
        line = sorted(n.split("-")[1] for n in form.names() if n.startswith("a-"))[0]
        stored = BudgetLine.objects.get(pk=line)
        if f"q-{line}-1" not in form.names():  # Kaloran 2020 gives yearly figures: this line is entered per quarter
            stored.realisation = None
            stored.save()
            form = page_form(ctx, url, lambda f: f.testid == "budget-form")
        return url, form.data(**{f"q-{line}-1": "123.456"})

    return Case(f"budget-entry {kind}", prepare, lambda ctx, p: post(ctx, *p), "budget-entry")


def budget_more(kind: str) -> Case:
    """The budget page's other forms: a line's basis (quarterly/yearly), an APBD Perubahan, a line's objectives."""

    def prepare(ctx: Ctx) -> tuple[str, dict[str, Any]]:
        url = ctx.url("budget-entry", YEAR)
        if kind == "basis":  # Kaloran 2020 gives yearly figures: switched to per quarter (the yearly one is kept)
            return url, page_form(ctx, url, lambda f: has(f, op="basis")).data()
        if kind == "amendment":
            form = page_form(ctx, url, lambda f: f.testid == "budget-amend")
            leaf = BudgetLine.objects.filter(budget__office=ctx.office, budget__year=YEAR, children=None,
                                             allocation_original=None).order_by("pk").first()
            assert leaf is not None
            return url, form.data(line=str(leaf.pk), allocation="7.000.000", date=f"{YEAR}-09-30",
                                  reason="APBD Perubahan")
        form = page_form(ctx, url, lambda f: f.testid == "budget-objectives")
        return url, form.data(objectives=None)  # the first line loses its objectives

    return Case(f"budget-entry {kind}", prepare, lambda ctx, p: post(ctx, *p), "budget-entry")


def _survey_send(ctx: Ctx, url: str) -> Sent:
    header = "No," + ",".join(f"U{i}" for i in range(1, 10))
    rows = [header] + [f"{n}," + ",".join(["3"] * 9) for n in range(1, 6)]
    upload = SimpleUploadedFile("skm.csv", "\n".join(rows).encode(), content_type="text/csv")
    return post(ctx, url, {"file": upload, "instrument": "permenpan-14-2017"})


def _survey_entry_send(ctx: Ctx, url: str) -> Sent:
    """The survey page's manual entry: an index computed elsewhere, with its respondents."""
    return post(ctx, url, {"op": "entry", "instrument": "permenpan-14-2017", "mode": "index", "index": "81,5",
                           "respondents": "120"})


def _dataset_send(ctx: Ctx, _p: Any) -> Sent:
    """Download the office's dataset from its page, change a target of 2020, upload it."""
    exported = ctx.client.get(ctx.url("office-export"))
    assert exported.status_code == 200
    doc = yaml.safe_load(b"".join(exported.streaming_content) if exported.streaming else exported.content)
    for ind in doc["plan"]["objectives"][0]["indicators"]:
        ind.setdefault("targets", {})[str(YEAR)] = 12.25
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    upload = SimpleUploadedFile("kaloran.yaml", text.encode(), content_type="application/x-yaml")
    return post(ctx, ctx.url("office-data"), {"file": upload})


def excel(kind: str, column: str | None = None) -> Case:
    def send(ctx: Ctx, _p: Any) -> Sent:
        import openpyxl

        template = ctx.client.get(ctx.url("import-excel-template", YEAR) + f"?jenis={kind}")
        assert template.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(b"".join(template.streaming_content)
                                                 if template.streaming else template.content))
        _change_first_number(book, kind, column)
        out = io.BytesIO()
        book.save(out)
        upload = SimpleUploadedFile("isian.xlsx", out.getvalue(), content_type=XLSX)
        preview = ctx.client.post(ctx.url("import-excel", YEAR), {"kind": kind, "file": upload})
        text = preview.content.decode()
        if 'name="batch"' not in text:  # refused at the check (the lock is one of the file's problems)
            return Sent(preview.status_code, text)
        batch = forms_of(text)
        data = next(f for f in batch if "batch" in f.names()).data()
        r = ctx.client.post(ctx.url("import-excel-confirm", YEAR), data, follow=True)
        return Sent(r.status_code, r.content.decode())

    return Case(f"import-excel {kind}{f' {column}' if column else ''}", lambda ctx: None, send, "import-excel")


# the column of each template whose first value row is changed (a number the year's data is made of)
EXCEL_COLUMNS = {
    "realisasi": "Realisasi TW I",
    "anggaran": "Pagu",
    "sipd": "Pagu",
    "pk": "Target",
    "renstra": f"Target {YEAR}",
}


def _change_first_number(book: Any, kind: str, column: str | None = None) -> None:
    """Write a new number into the template's column for ``kind`` (or ``column``), on the last row of stored data
    (a leaf line of the budget, an indicator of the PK …)."""
    wanted = column or EXCEL_COLUMNS[kind]
    for sheet in book.worksheets:
        header = [str(c.value or "") for c in next(sheet.iter_rows(min_row=1, max_row=1))]
        if wanted not in header:
            continue
        col = header.index(wanted)
        rows = [row for row in sheet.iter_rows(min_row=2) if row[0].value not in (None, "")]
        assert rows, f"the {kind} template has no stored row"
        rows[-1][col].value = 4321
        return
    raise AssertionError(f"no {wanted!r} column in the {kind} template")


def _api_send(path: str, body: dict[str, Any]) -> Callable[[Ctx, Any], Sent]:
    def send(ctx: Ctx, token: str) -> Sent:
        r = ctx.client.post(
            f"/api/v1/offices/{ctx.office.code}/years/{YEAR}/{path}",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        return Sent(r.status_code, r.content.decode())

    return send


def _api_token(ctx: Ctx) -> str:
    from sakip.api.models import ApiToken

    return ApiToken.issue(ctx.demo.user("operator_a"), "uji kunci")[1]


def _api_realisation(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    token = _api_token(ctx)
    ind = _first(Indicator, ctx, code="S1.2")
    # the row's version as the API gives it (a write without one is 428: tests/api/test_concurrency.py)
    read = ctx.client.get(
        f"/api/v1/offices/{ctx.office.code}/years/{YEAR}/realisations", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    version = next(i for i in read["items"] if i["indicator"] == ind.code)["versions"]["1"]
    row = {"indicator": ind.code, "value": "66.5", "explanation": "Uji API.", "version": version}
    return token, {"rows": [row]}


def _api_quarter_targets(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    token = _api_token(ctx)
    read = ctx.client.get(f"/api/v1/offices/{ctx.office.code}/years/{YEAR}/quarter-targets",
                          HTTP_AUTHORIZATION=f"Bearer {token}")
    assert read.status_code == 200, read.content
    item = next(i for i in read.json()["items"] if i["indicator"] == "S1.2")
    return token, {"rows": [{"indicator": "S1.2", "version": item["version"], "quarters": {"2": "55"}}]}


def _api_quarter_targets_send(ctx: Ctx, p: tuple[str, dict[str, Any]]) -> Sent:
    token, body = p
    return _api_send("pk/quarter-targets", body)(ctx, token)


def _cli_send(ctx: Ctx, _p: Any) -> Sent:
    """`sakip import realisasi` from the command line (the same services as the page)."""
    from typer.testing import CliRunner

    from sakip.cli import app
    from sakip.importers.kinds import REALISASI
    from tests.importers.xlsx_support import workbook

    header = [c.header for c in REALISASI.columns]
    data = workbook({"Realisasi": [header, ["S1.2", None, None, None, 55.5, None, None, None, None, "Uji"]]})
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "isian.xlsx"
        path.write_bytes(data)
        result = CliRunner().invoke(
            app, ["import", "realisasi", str(path), "--office", ctx.office.code, "--year", str(YEAR)]
        )
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    return Sent(200 if result.exit_code == 0 else 409 if result.exit_code == 2 else 500, text)


CASES: list[Case] = [
    plan_field("plan", "vision", "Visi baru"),
    plan_field("goal", "text", "Tujuan diubah"),
    plan_field("goal", "weight", "2"),
    plan_field("objective", "text", "Sasaran diubah"),
    plan_field("objective", "weight", "3"),
    plan_new("goal"),
    plan_new("objective"),
    plan_delete("goal"),
    plan_delete("objective"),
    indicator_field("method", "baseline", baseline="10"),
    indicator_field("baseline", "10"),
    indicator_field("weight", "2"),
    indicator_field("end_target", "99"),
    indicator_field("name", "Nama indikator diubah"),
    indicator_field("unit", "orang"),
    indicator_field("iku", ""),
    indicator_field("definition", "Definisi operasional baru"),
    Case("indicator-add without a target", _indicator_new, lambda ctx, p: post(ctx, *p), "indicator-add"),
    Case("indicator-edit delete", _indicator_delete, lambda ctx, p: post(ctx, *p), "indicator-edit"),
    _program("new"),
    _program("edit"),
    _program("delete"),
    Case("pk-edit target", _pk_edit, lambda ctx, p: post(ctx, *p), "pk-edit"),
    Case("pk-amend", _pk_amend, lambda ctx, p: post(ctx, *p), "pk-amend"),
    Case("pk-edit quarter target", _pk_quarter_target, lambda ctx, p: post(ctx, *p), "pk-edit"),
    *(entry(q) for q in (1, 2, 3, 4)),
    entry(2, evidence_only=True),
    budget("allocation"),
    budget("realisation"),
    budget("add"),
    budget_more("basis"),
    budget_more("amendment"),
    budget_more("objectives"),
    Case("survey upload", lambda ctx: ctx.url("survey-detail", YEAR), _survey_send, "survey-detail"),
    Case("survey entry", lambda ctx: ctx.url("survey-detail", YEAR), _survey_entry_send, "survey-detail"),
    Case("dataset upload", lambda ctx: None, _dataset_send, "office-data"),
    *(excel(k) for k in EXCEL_COLUMNS),
    Case("api realisations", _api_realisation, _api_send("quarters/1/realisations", {}), ""),
    Case("api quarter targets", _api_quarter_targets, _api_quarter_targets_send, ""),
    excel("pk", "Target TW II"),
    Case("cli import realisasi", lambda ctx: None, _cli_send, ""),
    Case("narrative-edit", lambda ctx: _narrative(ctx), lambda ctx, p: post(ctx, *p), "narrative-edit"),
    Case("narrative-edit carry over", lambda ctx: _narrative_carry(ctx), lambda ctx, p: post(ctx, *p),
         "narrative-edit"),
    Case("profile-year", lambda ctx: _year_profile(ctx), lambda ctx, p: post(ctx, *p), "profile-year"),
    Case("profile-photos add", lambda ctx: _photo_add(ctx), lambda ctx, p: _post_files(ctx, *p), "profile-photos"),
    Case("profile-photos delete", lambda ctx: _photo_change(ctx, "delete"), lambda ctx, p: post(ctx, *p),
         "profile-photos"),
    Case("profile-photos caption", lambda ctx: _photo_change(ctx, "caption"), lambda ctx, p: post(ctx, *p),
         "profile-photos"),
    Case("office-rpjmd-links", lambda ctx: _rpjmd_links(ctx), lambda ctx, p: post(ctx, *p), "office-rpjmd-links"),
]


def _rpjmd_links(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    """The office's links to the RPJMD as stored, and one more: its first objective also supports every RPJMD
    objective (issue #17)."""
    from sakip.cascade.models import IndicatorContribution, OfficeObjectiveLink, RpjmdObjective
    from sakip.cascade.services import current_rpjmd

    url = ctx.url("office-rpjmd-links")
    page_form(ctx, url, lambda f: f.testid == "rpjmd-links-form")
    data: dict[str, Any] = {}
    for link in OfficeObjectiveLink.objects.filter(office_objective__plan__office=ctx.office):
        data.setdefault(f"o-{link.office_objective_id}", []).append(str(link.rpjmd_objective_id))
    for link in OfficeObjectiveLink.objects.filter(office_goal__plan__office=ctx.office):
        data.setdefault(f"g-{link.office_goal_id}", []).append(str(link.rpjmd_objective_id))
    for c in IndicatorContribution.objects.filter(indicator__plan__office=ctx.office):
        data[f"i-{c.indicator_id}"] = str(c.regency_indicator_id)
    objective = _first(Objective, ctx)
    data[f"o-{objective.pk}"] = [
        str(pk) for pk in RpjmdObjective.objects.filter(rpjmd=current_rpjmd(ctx.office.regency_id))
        .values_list("pk", flat=True)
    ]
    return url, data


def _narrative(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    url = ctx.url("narrative-edit", YEAR, "lkjip")
    form = page_form(ctx, url, lambda f: f.testid == "narrative-form")
    return url, form.data(**{"text-kesimpulan": "Kesimpulan setelah dikunci"})


def _narrative_carry(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    from sakip.profiles.models import Narrative

    Narrative.objects.filter(office=ctx.office, year=YEAR, document="lkjip", key="langkah").delete()  # the seed's
    Narrative.objects.create(office=ctx.office, year=YEAR - 1, document="lkjip", key="langkah", text="Tahun lalu")
    return ctx.url("narrative-edit", YEAR, "lkjip"), {"op": "carry"}


def _year_profile(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    url = ctx.url("profile-year", YEAR)
    form = page_form(ctx, url, lambda f: f.testid == "year-profile-form")
    return url, form.data(staff="4 | III/a | S1 | L | Pelaksana")


def _photo_add(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.profiles.support import png

    url = ctx.url("profile-photos", YEAR)
    form = page_form(ctx, url, lambda f: f.testid == "photo-form")
    return url, {**form.data(caption="Foto setelah dikunci"),
                 "image": SimpleUploadedFile("foto.png", png(), "image/png")}


def _post_files(ctx: Ctx, url: str, data: dict[str, Any]) -> Sent:
    """Post ``data`` again and again: each file from its start (the test client reads it to its end)."""
    for value in data.values():
        if hasattr(value, "seek"):
            value.seek(0)
    return post(ctx, url, data)


def _photo_change(ctx: Ctx, op: str) -> tuple[str, dict[str, Any]]:
    """A photo uploaded while the year is open; the form that deletes it or changes its caption."""
    url, data = _photo_add(ctx)
    assert post(ctx, url, data).status == 302
    form = page_form(ctx, url, lambda f: has(f, op=op))
    return url, form.data(caption="Keterangan setelah dikunci") if op == "caption" else form.data()


def _api_case_fix() -> None:
    """The API case's body comes from its prepare step (the indicator code)."""
    for i, case in enumerate(CASES):
        if case.name == "api realisations":

            def send(ctx: Ctx, p: tuple[str, dict[str, Any]]) -> Sent:
                token, body = p
                return _api_send("quarters/1/realisations", body)(ctx, token)

            CASES[i] = Case(case.name, case.prepare, send, "")


_api_case_fix()


def _problems(text: str) -> list[str]:
    import re

    return [re.sub(r"<[^>]+>", " ", m).strip()[:300] for m in re.findall(
        r'class="(?:errorlist|problems|messages)[^"]*"[^>]*>(.*?)</(?:ul|div)>', text, re.S)]


def refused(sent: Sent) -> None:
    assert sent.status in (409, 200, 400, 422), sent.status
    assert LOCKED in sent.text or "dikunci" in sent.text, (sent.status, _problems(sent.text) or sent.text[-1500:])
    if sent.status == 200:  # a page that lists the problems (imports): the lock is named
        assert LOCKED in sent.text


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_write_path_is_refused_in_an_approved_year_and_accepted_when_open(demo: Any, case: Case) -> None:
    client = Client()
    client.force_login(demo.user("admin") if case.route in ("pk-amend",) else demo.user("operator_a"))
    ctx = Ctx(demo, client)
    open_year(ctx.office)
    prepared = case.prepare(ctx)
    freeze_year(ctx.office)
    before = snapshot(ctx.office)
    refused(case.send(ctx, prepared))
    assert snapshot(ctx.office) == before, "a refused write changed the office's data"
    open_year(ctx.office)
    accepted = case.send(ctx, prepared)
    assert accepted.status in (200, 302), (accepted.status, _problems(accepted.text) or accepted.text[-2000:])
    assert LOCKED not in accepted.text
    assert snapshot(ctx.office) != before, (case.name, "changes nothing when open", _problems(accepted.text))


# ----------------------------------------------------------------------------- completeness


#: office routes with a POST that writes no office data of a period: workflow buttons, LKE scoring
#: (its own states), the printed-report review (nothing stored), the import's confirm (a case of import-excel)
NOT_PERIOD_DATA = {
    "workflow-submit",
    "workflow-verify",
    "workflow-return",
    "workflow-approve",
    "workflow-unlock",
    "workflow-withdraw",
    # a verifier's note on an indicator's quarter: not period data, written while the period is submitted or
    # approved (tests/workflow/test_row_comments.py::test_a_note_is_accepted_in_a_locked_period_and_changes_no_data)
    "quarter-comment",
    "quarter-preview",
    "review-printed",
    "import-excel-confirm",
    "evaluation-office",
    "evaluation-submit",
    "evaluation-score",
    "evaluation-finish",
    "evaluation-reopen",
    "evaluation-recommendations",
    "evaluation-recommendation-add",
    "evaluation-recommendation-confirm",
    # the office's identity and organisation: not data of a period (the year's tables and texts are: profile-year,
    # narrative-edit)
    "profile-edit",
}


def test_every_write_route_has_a_case() -> None:
    writes = {name for name, (_get, post_action) in OFFICE_PAGES.items() if post_action is not None}
    covered = {c.route for c in CASES if c.route}
    # evaluation-akip: tests/evaluation/test_pages.py::test_the_akip_link_refuses_a_locked_period
    missing = writes - covered - NOT_PERIOD_DATA - {"evaluation-akip"}
    assert not missing, f"write routes without a lock case: {sorted(missing)}"
    assert covered <= writes


def test_the_admin_cannot_change_governed_rows_of_an_approved_year(demo: Any) -> None:
    """Every governed model registered in the admin: its change form, sent with one field changed, stores nothing."""
    from django.contrib import admin

    from sakip.workflow import guard

    from .lock_support import rows_of

    client = Client()
    client.force_login(demo.user("admin"))
    freeze_year(demo.office_a)
    before = snapshot(demo.office_a)
    tried = 0
    for model in list(admin.site._registry):
        if model._meta.label not in guard.RULES:
            continue
        row = rows_of(model, demo.office_a).first()
        if row is None:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[row.pk])
        page = client.get(url)
        assert page.status_code in (200, 403), (model, page.status_code)
        forms = [f for f in forms_of(page.content.decode()) if f.method == "post"]
        data = forms[0].data() if forms else {}
        text_fields = [n for n in data if n not in ("csrfmiddlewaretoken",) and "-" not in n and "__" not in n]
        for name in text_fields[:3]:
            r = client.post(url, {**data, name: f"{data[name]}9"})
            assert r.status_code in (403, 409) or (r.status_code == 200 and "errornote" in r.content.decode()), (
                model,
                name,
                r.status_code,
            )
            tried += 1
        r = client.post(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[row.pk]),
                        {"post": "yes"})
        # refused (403/409), or the admin's own page saying protected rows keep it (200)
        assert r.status_code in (200, 403, 409), (model, "delete", r.status_code)
        assert model._default_manager.filter(pk=row.pk).exists(), (model, "deleted")
        tried += 1
    assert tried > 0
    assert snapshot(demo.office_a) == before


def test_pk_versions_keep_their_number_after_refusals(demo: Any) -> None:
    """Sanity: the amendment refused above leaves the versions as they were (numbers are not consumed)."""
    freeze_year(demo.office_a)
    numbers = list(PkVersion.objects.filter(office=demo.office_a, year=YEAR).values_list("number", flat=True))
    client = Client()
    client.force_login(demo.user("admin"))
    r = client.post(reverse("pk-amend", args=[demo.office_a.code, YEAR]), {"reason": "x"})
    assert r.status_code == 409
    assert list(PkVersion.objects.filter(office=demo.office_a, year=YEAR).values_list("number", flat=True)) == numbers
    assert Decimal(1) == Decimal(1)
    _ = call_command  # the command line is covered by the «cli import realisasi» case
