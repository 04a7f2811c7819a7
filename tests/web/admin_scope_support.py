"""Two regencies with everything the admin site lists, for tests/web/test_admin_scope.py.

Each regency has one office imported from a seed (plan, PK, realisations, budget, survey), a
unit, a year setting, a due-date rule, an LKE template with an evaluation, workflow states,
evidence and a formula input, users of four roles (its administrator is staff, not a
superuser), memberships, an API token and sign-ins. Regency A holds Kecamatan Kaloran, B
Kecamatan Kaliwates. A superuser without a regency, and a failed sign-in with an unknown
username, belong to no regency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import models
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sakip.accounts import scope
from sakip.accounts.models import Membership, Office, Regency, Role, Unit, YearSetting
from sakip.api.models import ApiToken
from sakip.core.interchange import import_office
from sakip.dataset.loader import parse_text, seed_path
from sakip.monitoring.models import Evidence, IndicatorYear, InputValue, ObjectivePrinted, Quarter
from sakip.planning.models import FormulaInput, OutputIndicator, ProgramNode
from sakip.surveys.models import Survey
from sakip.workflow.demo import seed as seed_workflow
from sakip.workflow.models import ApprovalSetting, DueRuleSetting
from tests.evaluation.support import make_evaluation

PASSWORD = "Sandi-Uji-Lingkup-2026"
UNKNOWN_USERNAME = "pengguna-tak-dikenal-xyz"


@dataclass
class Side:
    """One regency and its people."""

    key: str  # "a" or "b"
    regency: Regency
    office: Office
    users: dict[str, Any] = field(default_factory=dict)  # role key -> User
    token: ApiToken | None = None

    @property
    def admin(self) -> Any:
        return self.users["admin"]


@dataclass
class TwoRegencies:
    a: Side
    b: Side
    superuser: Any

    def side(self, key: str) -> Side:
        return self.a if key == "a" else self.b

    def other(self, key: str) -> Side:
        return self.b if key == "a" else self.a


def _user(username: str, role: Role, regency: Regency, office: Office | None, full_name: str) -> Any:
    first, _, last = full_name.partition(" ")
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=first, last_name=last, is_staff=role == Role.ADMIN
    )
    Membership.objects.create(user=user, regency=regency, office=office, role=role)
    return user


def _side(key: str, code: str, name: str, seed: str, year: int) -> Side:
    regency = Regency.objects.create(code=code, name=name, province=f"Provinsi {name}")
    office = import_office(parse_text(seed_path(seed).read_text("utf-8")), regency)
    side = Side(key=key, regency=regency, office=office)
    Unit.objects.create(office=office, name=f"Subbagian Umum {name}")
    YearSetting.objects.create(regency=regency, year=year, scale="lkjip-4")
    YearSetting.objects.create(regency=regency, office=office, year=year + 1, scale="kemenpan-5")
    DueRuleSetting.objects.create(regency=regency, step="annual", day=31, month=3, year_offset=1)
    ApprovalSetting.objects.create(regency=regency, step="annual", approver="verifier")
    tag = name.split()[-1]
    side.users = {
        "admin": _user(f"admin-{code}", Role.ADMIN, regency, None, f"Admin {tag}"),
        "planner": _user(f"perencana-{code}", Role.PLANNER, regency, None, f"Perencana {tag}"),
        "operator": _user(f"operator-{code}", Role.OPERATOR, regency, office, f"Operator {tag}"),
        "head": _user(f"kepala-{code}", Role.HEAD, regency, office, f"Kepala {tag}"),
    }
    side.token, _secret = ApiToken.issue(side.users["operator"], f"Token aplikasi {tag}")
    TOTPDevice.objects.create(user=side.users["head"], name=f"Ponsel {tag}", confirmed=True)
    seed_workflow(regency, [office])
    make_evaluation(office, year)
    _data_rows(office, side.users["operator"], tag, year)
    return side


def _data_rows(office: Office, operator: Any, tag: str, year: int) -> None:
    """Rows the seeds may not have: evidence, a formula input's value, printed figures of an objective."""
    iy = IndicatorYear.objects.filter(indicator__plan__office=office).order_by("id").first()
    assert iy is not None, f"the seed of {office} has no indicator year"
    evidence = Evidence(indicator_year=iy, quarter=1, name=f"bukti-{tag}.pdf", size=9, uploaded_by=operator)
    evidence.file.save(f"bukti-{tag}.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    from sakip.profiles.models import YearProfile

    if not YearProfile.objects.filter(office=office).exists():  # the seed of side b has no staff tables
        YearProfile.objects.create(office=office, year=iy.year, facilities=[{"name": f"Gedung {tag}"}])
    if not InputValue.objects.filter(quarter__indicator_year__indicator__plan__office=office).exists():
        indicator = iy.indicator
        fi = FormulaInput.objects.create(indicator=indicator, name=f"masukan_{tag.lower()}", label=f"Masukan {tag}")
        quarter, _ = Quarter.objects.get_or_create(indicator_year=iy, quarter=1)
        InputValue.objects.create(quarter=quarter, input=fi, value=Decimal("1.5"))
    objective = iy.indicator.objective or office.plans.first().objectives.first()  # type: ignore[union-attr]
    ObjectivePrinted.objects.get_or_create(objective=objective, year=year, defaults={"printed": {"nilai": "1"}})
    program = ProgramNode.objects.filter(plan__office=office).order_by("id").first()
    assert program is not None, f"the seed of {office} has no program"
    if not OutputIndicator.objects.filter(program__plan__office=office).exists():
        OutputIndicator.objects.create(program=program, name=f"Jumlah dokumen {tag}", unit="dokumen")
    if not Survey.objects.filter(office=office).exists():
        Survey.objects.create(office=office, year=year, instrument="permenpan-14-2017", input="score", period=tag)


def build() -> TwoRegencies:
    a = _side("a", "alfa", "Kabupaten Alfa", "kaloran-2020", 2020)
    b = _side("b", "beta", "Kabupaten Beta", "kaliwates-2020", 2020)
    superuser = get_user_model().objects.create_superuser("akar-pusat", "akar@contoh.invalid", PASSWORD)
    Group.objects.create(name="Grup Pusat Nasional")  # global: a superuser's matter
    for side in (a, b):  # sign-ins and a wrong password: rows of the users' regency, without an office
        for role in ("admin", "operator"):
            Client().post(reverse("login"), {"username": side.users[role].username, "password": PASSWORD})
        Client().post(reverse("login"), {"username": side.users["head"].username, "password": "salah"})
    Client().post(reverse("login"), {"username": UNKNOWN_USERNAME, "password": "salah"})
    return TwoRegencies(a=a, b=b, superuser=superuser)


# ----------------------------------------------------------------------------- what a regency's rows look like


def registered() -> list[tuple[type[models.Model], Any]]:
    return sorted(admin.site._registry.items(), key=lambda kv: kv[0]._meta.label)


def rows_of(model: type[models.Model], regency: Regency) -> models.QuerySet[Any]:
    """The model's rows in the regency, by the model's own chain of keys (not the admin's declaration)."""
    return scope.in_regency(model._default_manager.all(), regency.pk)


_GENERIC = re.compile(r"object \(\d+\)|^[\W\d_]*$")


def texts_of(obj: models.Model) -> set[str]:
    """What a page could show of a row: its text and its text fields."""
    out = {str(obj)}
    for f in obj._meta.concrete_fields:
        if isinstance(f, (models.CharField, models.TextField)) and not f.choices:
            value = getattr(obj, f.attname)
            if isinstance(value, str):
                out.add(value)
        elif isinstance(f, models.JSONField):  # the texts inside (a profile's units, tasks, staff rows …)
            out |= _json_texts(getattr(obj, f.attname))
    return {t.strip() for t in out if t and t.strip()}


def _json_texts(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {t for v in value.values() for t in _json_texts(v)}
    if isinstance(value, list):
        return {t for v in value for t in _json_texts(v)}
    return set()


def identifiers(side: Side) -> set[str]:
    """The side's names and codes that are a single word: its regency's and office's codes, usernames, token."""
    out = {side.regency.code, side.office.code, *(u.username for u in side.users.values())}
    if side.token is not None:
        out |= {side.token.hint, side.token.name}
    return out


def markers(mine: Side, theirs: Side) -> list[str]:
    """Texts of ``theirs`` rows (every registered model) that no row of ``mine`` contains: none may show
    on a page of ``mine``'s administrator. Texts of rows count when they have more than one word (a
    single word such as "custom" may be a form's option); single-word names are `identifiers`."""
    own: set[str] = set()
    other: set[str] = set()
    for model, _model_admin in registered():
        if scope.regency_lookup(model) is None:
            continue
        for obj in rows_of(model, mine.regency):
            own |= texts_of(obj)
        for obj in rows_of(model, theirs.regency):
            other |= texts_of(obj)
    own_text = "\n".join(own)
    found = []
    other = {t for t in other if " " in t and len(t) >= 8} | identifiers(theirs)
    for text in other:
        if len(text) < 6 or _GENERIC.search(text) or text in own_text or text.isdigit():
            continue
        if any(text in o for o in own):
            continue
        found.append(text)
    return sorted(found, key=len, reverse=True)
