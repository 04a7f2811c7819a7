"""The admin site is scoped to its regency, and edits no workflow-governed data (issue #10).

Two regencies (tests/web/admin_scope_support.py), each with its administrator (staff, not a
superuser). The registry of ``admin.site`` is enumerated, so a new ModelAdmin is walked the
day it is registered — or fails `test_every_admin_declares_its_regency_scope`. As each
regency's administrator, for every registered model: the changelist, the change, history
and delete pages of an own row (200, or 403 where the role may not) and of the other
regency's row (404), the add page, a search for the other regency's name, "view on site"
for the other's row, every autocomplete a foreign key offers, the index and every app's
page. No response may contain a text of the other regency's rows (`markers`).

Then the writes: a user made in one form with its membership, no self-promotion or
self-lockout, no row moved into (or pointed at) the other regency, no token minted in the
admin, no workflow-governed row edited (superusers included), and the regency's audit
trail (page and CSV) with only its own rows, those without an office included.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from sakip.accounts import scope
from sakip.accounts.admin_scope import VIEW_ONLY, GovernedAdmin, RegencyScoped, ScopedInline
from sakip.accounts.models import Membership, Office, Regency, Unit, YearSetting
from sakip.api.models import ApiToken
from sakip.audit.models import AuditEntry
from sakip.evaluation.models import Component, Template
from sakip.planning.models import Indicator
from sakip.workflow.models import DueRuleSetting

from .admin_scope_support import (
    PASSWORD,
    UNKNOWN_USERNAME,
    Side,
    TwoRegencies,
    build,
    markers,
    registered,
    rows_of,
)

#: requests made by the walk, per administrator (reported by `test_matrix_size`)
REQUESTS: dict[str, int] = {}

#: models whose rows feed a figure or a document: view-only in the admin, for superusers too
GOVERNED = {
    "planning.PlanPeriod",
    "planning.Goal",
    "planning.Objective",
    "planning.Indicator",
    "planning.ProgramNode",
    "planning.OutputIndicator",
    "agreements.PkVersion",
    "monitoring.IndicatorYear",
    "monitoring.InputValue",
    "monitoring.Evidence",
    "monitoring.ObjectivePrinted",
    "budgeting.BudgetYear",
    "budgeting.BudgetLine",
    "surveys.Survey",
    "workflow.PeriodState",
    "workflow.TransitionLog",
    "evaluation.Evaluation",
}


@pytest.fixture(scope="module")
def two(django_db_setup: None, django_db_blocker: Any) -> Iterator[TwoRegencies]:
    """The two regencies, made once for the module and rolled back after it (each test: a savepoint)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            data = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def client_of(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def body(response: HttpResponse) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return response.content.decode("utf-8", "replace")


def leaks(text: str, forbidden: list[str]) -> list[str]:
    return [m for m in forbidden if m in text or escape(m) in text]


def admin_url(model: type[models.Model], view: str, *args: Any) -> str | None:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def rights(model_admin: Any) -> frozenset[str]:
    """What a regency's administrator may do on the model (as declared)."""
    if model_admin.regency_path is None:
        return frozenset()
    return frozenset(model_admin.may_regency_admin & model_admin.may_superuser)


def own_row(model: type[models.Model], side: Side) -> Any:
    """A row of the side's regency to open; for users and memberships not the administrator's own."""
    qs = rows_of(model, side.regency)
    if model._meta.label == "auth.User":
        qs = qs.exclude(pk=side.admin.pk)
    if model is Membership:
        qs = qs.exclude(user=side.admin)
    return qs.order_by("pk").first()


# ----------------------------------------------------------------------------- the registry


def test_every_admin_declares_its_regency_scope() -> None:
    """A ModelAdmin without a declared scope fails here: it would show every regency's rows."""
    problems = []
    for model, model_admin in registered():
        label = model._meta.label
        if not isinstance(model_admin, RegencyScoped) or "regency_path" not in _declared(type(model_admin)):
            problems.append(f"{label}: {type(model_admin).__name__} declares no regency_path (accounts.admin_scope)")
            continue
        path = model_admin.regency_path
        if path is None:
            if model_admin.may_regency_admin:
                problems.append(f"{label}: no regency, yet its administrator may {model_admin.may_regency_admin}")
            continue
        try:
            model._default_manager.filter(**{path or "pk": 0})  # resolved here, not run
        except Exception as exc:  # reported with the model
            problems.append(f"{label}: regency_path {path!r} is not a lookup: {exc}")
            continue
        if path and not _ends_at_regency(model, path):
            problems.append(f"{label}: regency_path {path!r} does not end at accounts.Regency")
        governed = isinstance(model_admin, GovernedAdmin) or model_admin.may_superuser == VIEW_ONLY
        if label in GOVERNED and not governed:
            problems.append(f"{label}: a workflow-governed model must be view-only in the admin (GovernedAdmin)")
        for inline in model_admin.inlines:
            if not issubclass(inline, ScopedInline):
                problems.append(f"{label}: inline {inline.__name__} is not an admin_scope inline")
    assert not problems, "\n".join(problems)
    assert {m._meta.label for m, _a in registered()} >= GOVERNED


def _declared(cls: type) -> set[str]:
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass in (RegencyScoped,) or not issubclass(klass, RegencyScoped):
            continue
        names |= set(vars(klass))
    return names


def _ends_at_regency(model: type[models.Model], path: str) -> bool:
    from django.contrib.admin.utils import get_fields_from_path

    last = get_fields_from_path(model, path)[-1]
    return bool(last.is_relation and last.related_model is Regency)


def test_every_registered_model_has_rows_in_both_regencies(two: TwoRegencies, db: None) -> None:
    """The walk below opens a real row of each side for every model (Group: global, no regency)."""
    missing = [
        f"{model._meta.label} in {side.regency.code}"
        for model, model_admin in registered()
        if model_admin.regency_path is not None
        for side in (two.a, two.b)
        if own_row(model, side) is None
    ]
    assert not missing, missing


# ----------------------------------------------------------------------------- the walk


class Walk:
    def __init__(self, client: Client, forbidden: list[str], key: str) -> None:
        self.client, self.forbidden, self.key = client, forbidden, key
        self.failures: list[str] = []

    def get(self, url: str, expect: int | tuple[int, ...], **params: Any) -> HttpResponse:
        response = self.client.get(url, params)
        REQUESTS[self.key] = REQUESTS.get(self.key, 0) + 1
        allowed = expect if isinstance(expect, tuple) else (expect,)
        if response.status_code not in allowed:
            self.failures.append(f"GET {url} {params or ''}: expected {expect}, got {response.status_code}")
        text = body(response)
        for value in params.values():  # the request's own words come back (a search box): not a leak
            if isinstance(value, str) and value:
                text = text.replace(value, "").replace(escape(value), "")
        leaked = leaks(text, self.forbidden)
        if leaked:
            self.failures.append(f"GET {url} {params or ''} shows the other regency's {leaked[:3]}")
        return response


@pytest.mark.parametrize("key", ["a", "b"])
def test_every_admin_page_as_each_regency_admin(two: TwoRegencies, key: str, db: None) -> None:
    me, other = two.side(key), two.other(key)
    forbidden = markers(me, other)
    assert len(forbidden) > 50  # names, codes, usernames, texts of the other regency's rows
    walk = Walk(client_of(me.admin), forbidden, key)
    walk.get(reverse("admin:index"), 200)
    for app_label in sorted({m._meta.app_label for m, _a in registered()}):
        visible = any(rights(a) for m, a in registered() if m._meta.app_label == app_label)
        walk.get(reverse("admin:app_list", args=[app_label]), 200 if visible else 404)
    for model, model_admin in registered():
        may = rights(model_admin)
        view = 200 if "view" in may else 403
        changelist = admin_url(model, "changelist")
        assert changelist is not None
        walk.get(changelist, view)
        walk.get(changelist, view, q=other.regency.name.split()[-1])  # a search for the other's name
        walk.get(changelist, view, q=other.office.code)
        add = admin_url(model, "add")
        if add is None:  # no add page for anyone: "add/" is taken for an object's id, and there is none
            walk.get(changelist + "add/", 302)
            walk.get(changelist + "add/change/", 404)
        else:
            walk.get(add, 200 if "add" in may else 403)
        mine = own_row(model, me)
        if mine is not None:
            walk.get(admin_url(model, "change", mine.pk) or "", view)
            walk.get(admin_url(model, "history", mine.pk) or "", view)
            walk.get(admin_url(model, "delete", mine.pk) or "", 200 if "delete" in may else 403)
        theirs = own_row(model, other) if model_admin.regency_path is not None else model._default_manager.first()
        if theirs is not None:
            for page in ("change", "history", "delete"):
                walk.get(admin_url(model, page, theirs.pk) or "", 404)
            ct = ContentType.objects.get_for_model(model)
            walk.get(reverse("admin:view_on_site", args=[ct.pk, theirs.pk]), 404)
        if model._meta.label == "auth.User":
            walk.get(reverse("admin:auth_user_password_change", args=[mine.pk]), 200)
            walk.get(reverse("admin:auth_user_password_change", args=[theirs.pk]), 404)
            walk.get(reverse("admin:auth_user_password_change", args=[two.superuser.pk]), 404)
            walk.get(admin_url(model, "change", two.superuser.pk) or "", 404)
    _autocomplete(walk, me, other)
    assert not walk.failures, f"{len(walk.failures)} failures:\n" + "\n".join(walk.failures)


def _autocomplete(walk: Walk, me: Side, other: Side) -> None:
    """Every foreign key of a registered model to a registered, searchable model: only own rows come back."""
    registry = admin.site._registry
    for model, _model_admin in registered():
        for f in model._meta.get_fields():
            if not (f.is_relation and f.concrete and (f.many_to_one or f.many_to_many or f.one_to_one)):
                continue
            target = f.related_model
            target_admin = registry.get(target)  # type: ignore[arg-type]
            if target_admin is None or not target_admin.get_search_fields(None):  # type: ignore[arg-type]
                continue
            params = {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": f.name}
            expect = 200 if "view" in rights(target_admin) else 403
            for term in ("", other.regency.name.split()[-1], other.office.name):
                response = walk.get(reverse("admin:autocomplete"), expect, term=term, **params)
                if response.status_code != 200:
                    continue
                ids = {int(r["id"]) for r in response.json()["results"]}
                allowed = set(rows_of(target, me.regency).values_list("pk", flat=True))  # type: ignore[arg-type]
                if not ids <= allowed:
                    walk.failures.append(f"autocomplete {params} {term!r}: rows of another regency {ids - allowed}")


def test_matrix_size(two: TwoRegencies, db: None) -> None:
    """Runs after the walk (file order): the number of requests each administrator made."""
    if not REQUESTS:
        pytest.skip("the walk did not run in this session")
    print(f"\nadmin scope walk: {REQUESTS} requests ({sum(REQUESTS.values())} in all)")
    assert all(n > 300 for n in REQUESTS.values())


def test_a_superuser_sees_every_regency(two: TwoRegencies, db: None) -> None:
    client = client_of(two.superuser)
    for model, model_admin in registered():
        changelist = admin_url(model, "changelist") or ""
        assert client.get(changelist).status_code == 200, model
        request = RequestFactory().get(changelist)
        request.user = two.superuser
        assert model_admin.get_queryset(request).count() == model._default_manager.count(), model
        for side in (two.a, two.b):
            row = own_row(model, side) if model_admin.regency_path is not None else model._default_manager.first()
            if row is not None:
                assert client.get(admin_url(model, "change", row.pk) or "").status_code == 200, (model, side.key)
    page = body(client.get(reverse("admin:accounts_office_changelist")))
    assert two.a.office.name in page and two.b.office.name in page
    assert "Grup Pusat Nasional" in body(client.get(reverse("admin:auth_group_changelist")))


# ----------------------------------------------------------------------------- writes


def _user_form(username: str, role: str, office: Office | None, **extra: Any) -> dict[str, Any]:
    return {
        "username": username,
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "first_name": "Pengguna",
        "last_name": "Baru",
        "email": "",
        "membership-TOTAL_FORMS": "1",
        "membership-INITIAL_FORMS": "0",
        "membership-MIN_NUM_FORMS": "1",
        "membership-MAX_NUM_FORMS": "1",
        "membership-0-role": role,
        "membership-0-office": str(office.pk) if office else "",
        "_save": "Simpan",
        **extra,
    }


def test_a_regency_admin_makes_an_operator_in_one_form(two: TwoRegencies, db: None) -> None:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    a, b = two.a, two.b
    client = client_of(a.admin)
    add = reverse("admin:auth_user_add")
    page = body(client.get(add))
    assert 'name="membership-0-role"' in page and 'name="membership-0-office"' in page
    assert a.office.name in page and b.office.name not in page
    # one form: the user, its role and its office; the regency is the administrator's own, whatever is posted
    posted = _user_form("operator-baru-alfa", "operator", a.office, **{"membership-0-regency": b.regency.pk})
    r = client.post(add, posted)
    assert r.status_code == 302, body(r)[:3000]
    user = User.objects.get(username="operator-baru-alfa")
    m = Membership.objects.get(user=user)
    assert (m.regency_id, m.office_id, m.role) == (a.regency.pk, a.office.pk, "operator")
    assert not user.is_staff and not user.is_superuser and user.check_password(PASSWORD)
    created = AuditEntry.objects.get(model="auth.User", object_id=str(user.pk), action="create")
    assert created.regency_id == a.regency.pk  # in the regency's trail although the membership came second
    # an administrator of the regency: admin access (is_staff) follows the role
    r = client.post(add, _user_form("admin-kedua-alfa", "admin", None))
    assert r.status_code == 302, body(r)[:3000]
    assert User.objects.get(username="admin-kedua-alfa").is_staff
    # refused: the other regency's office, no membership at all, an office role without an office
    for data in (
        _user_form("operator-lain", "operator", b.office),
        {k: v for k, v in _user_form("tanpa-peran", "operator", a.office).items() if not k.startswith("membership")},
        _user_form("operator-tanpa-opd", "operator", None),
    ):
        r = client.post(add, data)
        assert r.status_code == 200 and not User.objects.filter(username=data["username"]).exists(), data


def test_no_self_promotion_and_no_self_lockout(two: TwoRegencies, db: None) -> None:
    a = two.a
    me = a.admin
    client = client_of(me)
    group = Group.objects.get(name="Grup Pusat Nasional")
    perm = Permission.objects.get(codename="change_regency")
    own = Membership.objects.get(user=me)
    change = reverse("admin:auth_user_change", args=[me.pk])
    r = client.post(
        change,
        {
            "username": me.username,
            "first_name": "Admin",
            "last_name": "Alfa",
            "email": "admin@alfa.invalid",
            "is_superuser": "on",
            "is_staff": "on",
            "groups": [group.pk],
            "user_permissions": [perm.pk],
            # is_active left out (unticked): would lock the administrator out
            "membership-TOTAL_FORMS": "1",
            "membership-INITIAL_FORMS": "1",
            "membership-MIN_NUM_FORMS": "1",
            "membership-MAX_NUM_FORMS": "1",
            "membership-0-id": str(own.pk),
            "membership-0-user": str(me.pk),
            "membership-0-role": "operator",
            "membership-0-office": str(a.office.pk),
            "_save": "Simpan",
        },
    )
    assert r.status_code == 302, body(r)[:3000]
    me.refresh_from_db()
    assert me.email == "admin@alfa.invalid"  # the own name and address: editable
    assert not me.is_superuser and me.is_staff and me.is_active
    assert not me.groups.exists() and not me.user_permissions.exists()
    own.refresh_from_db()
    assert (own.role, own.office_id, own.regency_id) == ("admin", None, a.regency.pk)
    # the membership's own page: view only; no deleting oneself
    m_change = reverse("admin:accounts_membership_change", args=[own.pk])
    assert client.get(m_change).status_code == 200
    assert client.post(m_change, {"role": "planner", "regency": a.regency.pk}).status_code == 403
    assert client.post(reverse("admin:accounts_membership_delete", args=[own.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:auth_user_delete", args=[me.pk]), {"post": "yes"}).status_code == 403
    own.refresh_from_db()
    assert own.role == "admin"
    # another user of the regency: its role changes, and admin access follows
    planner = Membership.objects.get(user=a.users["planner"])
    r = client.post(
        reverse("admin:accounts_membership_change", args=[planner.pk]), {"role": "admin", "regency": a.regency.pk}
    )
    assert r.status_code == 302, body(r)[:2000]
    a.users["planner"].refresh_from_db()
    assert a.users["planner"].is_staff and not a.users["planner"].is_superuser


def test_nothing_moves_into_or_points_at_the_other_regency(two: TwoRegencies, db: None) -> None:
    a, b = two.a, two.b
    client = client_of(a.admin)
    # the regency key is fixed to the administrator's own (disabled): a posted one is ignored
    office_form = {
        "regency": b.regency.pk,
        "code": a.office.code,
        "name": a.office.name,
        "kind": a.office.kind,
        "units-TOTAL_FORMS": "0",
        "units-INITIAL_FORMS": "0",
        "units-MIN_NUM_FORMS": "0",
        "units-MAX_NUM_FORMS": "1000",
        "_save": "Simpan",
    }
    r = client.post(reverse("admin:accounts_office_change", args=[a.office.pk]), office_form)
    assert r.status_code == 302, body(r)[:3000]
    assert Office.objects.get(pk=a.office.pk).regency_id == a.regency.pk
    r = client.post(reverse("admin:accounts_office_add"), {**office_form, "code": "baru", "name": "Kecamatan Baru"})
    assert r.status_code == 302, body(r)[:3000]
    assert Office.objects.get(code="baru").regency_id == a.regency.pk
    # a key to the other regency's row is not a choice
    before = Unit.objects.count()
    r = client.post(reverse("admin:accounts_unit_add"), {"office": b.office.pk, "name": "Unit Titipan", "order": 0})
    assert r.status_code == 200 and Unit.objects.count() == before
    r = client.post(
        reverse("admin:accounts_yearsetting_add"),
        {
            "office": b.office.pk,
            "year": 2030,
            "scale": "lkjip-4",
            "cap": "none",
            "lower_formula": "mirror",
            "custom_bands": "[]",
        },
    )
    assert r.status_code == 200 and not YearSetting.objects.filter(year=2030).exists()
    operator = Membership.objects.get(user=a.users["operator"])
    r = client.post(
        reverse("admin:accounts_membership_change", args=[operator.pk]), {"role": "operator", "office": b.office.pk}
    )
    assert r.status_code == 200
    operator.refresh_from_db()
    assert operator.office_id == a.office.pk
    template_b = Template.objects.get(regency=b.regency)
    r = client.post(
        reverse("admin:evaluation_component_add"),
        {
            "template": template_b.pk,
            "code": "9",
            "name": "Komponen Titipan",
            "weight": "1",
            "order": 9,
            "subcomponents-TOTAL_FORMS": "0",
            "subcomponents-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 200 and not Component.objects.filter(name="Komponen Titipan").exists()
    rule = DueRuleSetting.objects.get(regency=a.regency)
    r = client.post(
        reverse("admin:workflow_duerulesetting_change", args=[rule.pk]),
        {"regency": b.regency.pk, "step": rule.step, "month": 4, "day": 30, "year_offset": 1},
    )
    assert r.status_code == 302, body(r)[:3000]
    rule.refresh_from_db()
    assert rule.regency_id == a.regency.pk and rule.month == 4


def test_save_model_refuses_a_row_of_another_regency(two: TwoRegencies, db: None) -> None:
    """Behind the form's choices: the save itself refuses (and the admin's transaction rolls back)."""
    a, b = two.a, two.b
    request = RequestFactory().post("/admin/")
    request.user = a.admin
    unit_admin = admin.site._registry[Unit]
    with pytest.raises(PermissionDenied), transaction.atomic():
        unit_admin.save_model(request, Unit(office=b.office, name="Unit Lewat Belakang"), None, False)
    assert not Unit.objects.filter(name="Unit Lewat Belakang").exists()
    setting_admin = admin.site._registry[YearSetting]
    with pytest.raises(PermissionDenied), transaction.atomic():  # own regency, the other's office
        setting_admin.save_model(request, YearSetting(regency=a.regency, office=b.office, year=2031), None, False)
    assert not YearSetting.objects.filter(year=2031).exists()


def test_tokens_are_listed_and_revoked_never_minted_in_the_admin(two: TwoRegencies, db: None) -> None:
    a, b = two.a, two.b
    for user in (a.admin, two.superuser):
        client = client_of(user)
        before = ApiToken.objects.count()
        assert admin_url(ApiToken, "add") is None  # no add page: "add/" is taken for an id, and redirects
        for url in ("add/", "add/change/"):
            r = client.post(
                reverse("admin:api_apitoken_changelist") + url, {"user": b.users["operator"].pk, "name": "Titipan"}
            )
            assert r.status_code in (302, 404) and ApiToken.objects.count() == before
        token = a.token
        assert token is not None
        page = body(client.get(reverse("admin:api_apitoken_change", args=[token.pk])))
        assert token.hint in page and token.key_hash not in page
        r = client.post(reverse("admin:api_apitoken_change", args=[token.pk]), {"name": "Ganti", "user": user.pk})
        assert r.status_code == 403
    client = client_of(a.admin)
    assert b.token is not None
    assert client.post(reverse("admin:api_apitoken_delete", args=[b.token.pk]), {"post": "yes"}).status_code == 404
    assert ApiToken.objects.filter(pk=b.token.pk).exists()
    r = client.post(reverse("admin:api_apitoken_delete", args=[a.token.pk]), {"post": "yes"})  # type: ignore[union-attr]
    assert r.status_code == 302 and not ApiToken.objects.filter(pk=a.token.pk).exists()  # type: ignore[union-attr]


@pytest.mark.parametrize("who", ["regency-admin", "superuser"])
def test_workflow_governed_rows_are_view_only(two: TwoRegencies, who: str, db: None) -> None:
    user = two.a.admin if who == "regency-admin" else two.superuser
    client = client_of(user)
    for model, _model_admin in registered():
        if model._meta.label not in GOVERNED:
            continue
        row = own_row(model, two.a)
        change = admin_url(model, "change", row.pk) or ""
        page = body(client.get(change))
        assert 'name="_save"' not in page, model  # no save button: a read-only page
        assert client.post(change, {}).status_code == 403, model
        assert client.post(admin_url(model, "delete", row.pk) or "", {"post": "yes"}).status_code == 403, model
        assert admin_url(model, "add") is None, model
        assert model._default_manager.filter(pk=row.pk).exists()
    indicator = Indicator.objects.filter(plan__office=two.a.office).first()
    assert indicator is not None
    r = client.post(reverse("admin:planning_indicator_change", args=[indicator.pk]), {"name": "Diubah di admin"})
    assert r.status_code == 403 and Indicator.objects.get(pk=indicator.pk).name == indicator.name
    # an office with data is not deleted from the admin either (its plan would go with it): the page
    # names what is in the way (rows kept by a protecting key, or rows nobody may delete here)
    r = client.post(reverse("admin:accounts_office_delete", args=[two.a.office.pk]), {"post": "yes"})
    assert r.status_code in (200, 403) and Office.objects.filter(pk=two.a.office.pk).exists()


# ----------------------------------------------------------------------------- the audit trail


def test_office_less_rows_have_their_regency(two: TwoRegencies, db: None) -> None:
    """Due-date rules, templates, memberships, tokens, settings, users and sign-ins: each in its regency."""
    for side in (two.a, two.b):
        rid = side.regency.pk
        for label, object_id in (
            ("workflow.DueRuleSetting", DueRuleSetting.objects.get(regency=side.regency).pk),
            ("evaluation.Template", Template.objects.get(regency=side.regency).pk),
            ("accounts.Membership", Membership.objects.get(user=side.users["planner"]).pk),
            ("api.ApiToken", side.token.pk),  # type: ignore[union-attr]
            ("accounts.YearSetting", YearSetting.objects.get(regency=side.regency, office=None).pk),
            ("accounts.Regency", side.regency.pk),
        ):
            entries = AuditEntry.objects.filter(model=label, object_id=str(object_id))
            assert entries.exists() and {e.regency_id for e in entries} == {rid}, (label, side.key)
            assert all(e.office_id is None for e in entries if label != "accounts.Membership")
        signed = AuditEntry.objects.filter(model="auth.User", object_id=str(side.admin.pk), action="login")
        assert signed.exists() and {e.regency_id for e in signed} == {rid}
        failed = AuditEntry.objects.filter(action="login_failed", object_repr=side.users["head"].username)
        assert failed.exists() and {e.regency_id for e in failed} == {rid}
    unknown = AuditEntry.objects.get(action="login_failed", object_repr=UNKNOWN_USERNAME)
    assert unknown.regency_id is None


def _trail(client: Client) -> str:
    """Every page of the regency's audit trail, and its CSV."""
    first = client.get(reverse("audit-regency"))
    assert first.status_code == 200
    pages = [body(first)]
    count = first.context["page"].paginator.num_pages
    for n in range(2, count + 1):
        pages.append(body(client.get(reverse("audit-regency"), {"hal": n})))
    export = client.get(reverse("audit-regency-export"))
    assert export.status_code == 200
    return "\n".join([*pages, body(export)])


@pytest.mark.parametrize("key", ["a", "b"])
def test_the_regency_trail_and_export_show_only_own_rows(two: TwoRegencies, key: str, db: None) -> None:
    me, other = two.side(key), two.other(key)
    forbidden = [*markers(me, other), UNKNOWN_USERNAME, two.superuser.username]
    for role in ("admin", "planner"):
        text = _trail(client_of(me.users[role]))
        assert not leaks(text, forbidden), leaks(text, forbidden)[:5]
        for own in (
            me.regency.name,  # the regency row, its due-date rule, its settings
            me.token.name,  # type: ignore[union-attr]
            me.users["planner"].username,  # a membership without an office, a user
            me.users["head"].username,  # a failed sign-in
            "evaluation.Template",
            "workflow.DueRuleSetting",
        ):
            assert own in text or escape(own) in text, (role, own)
    export = client_of(me.admin).get(reverse("audit-regency-export"))
    rows = body(export).splitlines()[1:]
    assert len(rows) >= AuditEntry.objects.filter(regency=me.regency).count()


def test_the_admin_trail_is_scoped_too(two: TwoRegencies, db: None) -> None:
    a = two.a
    request = RequestFactory().get("/admin/audit/auditentry/")
    request.user = a.admin
    qs = admin.site._registry[AuditEntry].get_queryset(request)
    assert set(qs.values_list("pk", flat=True)) == set(
        AuditEntry.objects.filter(regency=a.regency).values_list("pk", flat=True)
    )
    failed = {"action__exact": "login_failed"}
    page = body(client_of(a.admin).get(reverse("admin:audit_auditentry_changelist"), failed))
    assert a.users["head"].username in page
    assert UNKNOWN_USERNAME not in page and two.b.users["head"].username not in page
    page = body(client_of(two.superuser).get(reverse("admin:audit_auditentry_changelist"), failed))
    assert UNKNOWN_USERNAME in page and a.users["head"].username in page and two.b.users["head"].username in page


def test_scope_paths_of_the_recorder_and_the_admin_agree(two: TwoRegencies, db: None) -> None:
    """The recorder's chain of keys (accounts.scope) and each admin's declared path find the same rows."""
    for model, model_admin in registered():
        if model_admin.regency_path is None or model is AuditEntry:
            continue
        for side in (two.a, two.b):
            declared = set(
                model._default_manager.filter(**{model_admin.regency_path or "pk": side.regency.pk}).values_list(
                    "pk", flat=True
                )
            )
            found = set(rows_of(model, side.regency).values_list("pk", flat=True))
            assert declared == found, model
        assert scope.regency_lookup(model) is not None


def test_a_superuser_in_the_regency_is_out_of_its_administrators_reach(two: TwoRegencies, db: None) -> None:
    """A superuser with a membership in the regency (the demo's admin): its account, role and tokens are
    not the regency administrator's to change, revoke or even list."""
    a = two.a
    membership = Membership.objects.create(user=two.superuser, regency=a.regency, role="admin")
    token, _secret = ApiToken.issue(two.superuser, "Token pusat")
    client = client_of(a.admin)
    for model, obj in ((Membership, membership), (ApiToken, token), (type(two.superuser), two.superuser)):
        assert client.get(admin_url(model, "change", obj.pk) or "").status_code == 404, model
        assert client.post(admin_url(model, "delete", obj.pk) or "", {"post": "yes"}).status_code == 404, model
        page = body(client.get(admin_url(model, "changelist") or ""))
        assert two.superuser.username not in page and "Token pusat" not in page, model
    assert Membership.objects.filter(pk=membership.pk).exists() and ApiToken.objects.filter(pk=token.pk).exists()
