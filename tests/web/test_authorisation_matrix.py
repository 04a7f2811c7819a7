"""Who gets what, for every URL of the site: generated from the URL configuration.

The routes are read from ``django.urls.get_resolver()`` recursively, so a new view is
tested the day it is added — or the test fails and says what it needs to be taught:

* every route under ``/opd/<office_code>/`` must be wrapped by
  ``sakip.accounts.access.office_view`` and be listed in ``OFFICE_PAGES`` with the
  action (``view``/``enter``/``plan``/``approve``) its GET and its POST need;
* every URL keyword must be fillable from the demo data (``KWARGS``; object ids
  also in ``OTHER_OFFICE_OBJECTS``, to check that another office's object is not
  reachable through office A's URL);
* every route outside ``/opd/`` must be listed in ``SITE_PAGES`` (or be one of
  Django admin's own views, checked on the index, changelists and add forms).

Each office route is requested with office A's code (Kecamatan Kaloran, 2020, TW IV)
and real object ids, by every role: anonymous, admin, planner, verifier, public,
operator and head of office A, operator of office B. The expected status follows
the rules documented in ``sakip/accounts/access.py``, written out again in
``RIGHTS_ON_OFFICE_A`` (and checked against ``access.RULES``):

* anonymous → 302 to the login page;
* a role without the action → 403 (another office's operator, the public role, a
  verifier's POST, a planner's POST of realisations, …);
* a role with it → 200 for a GET; for a POST (sent empty) anything but a refusal:
  200 (the form again, with its errors) or a redirect that is not to the login page.

Every request runs in its own savepoint that is rolled back, so what one role's POST
stores cannot change what the next role sees.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sakip.accounts.access import ACTIONS, can, membership_of
from sakip.agreements.models import PkTarget
from sakip.core.services import reporting_year
from sakip.monitoring.models import Evidence, IndicatorYear
from sakip.planning.models import Indicator
from tests.documents.support import finished_job
from tests.evaluation.support import answer_with_evidence, make_evaluation, recommendation_with_file
from tests.jobs.support import finished_pdf_job
from tests.profiles.support import stored_logo

from .demo_support import ROLE_USERS, Demo

# ----------------------------------------------------------------------------- the rules

ROLES = ["anonymous", "admin", "planner", "verifier", "public", "operator_a", "head_a", "operator_b"]

#: What each role may do on office A, as sakip/accounts/access.py documents it.
RIGHTS_ON_OFFICE_A: dict[str, set[str]] = {
    "anonymous": set(),
    "admin": {"view", "enter", "plan", "approve", "verify", "lock", "unlock", "evaluate"},  # everything
    "planner": {"view", "plan", "verify"},  # reads every office, edits plans, verifies (Bappeda)
    "verifier": {"view", "verify", "evaluate"},  # reads every office, verifies, evaluates (Inspektorat)
    "public": set(),  # the public portal only
    "operator_a": {"view", "enter", "plan"},  # the own office
    "head_a": {"view", "enter", "plan", "approve"},  # the own office, and approves
    "operator_b": set(),  # never another office
}

#: URL name -> (action its GET needs, action its POST needs).
#: GET None: the view takes no GET (405). POST None: the page has no form; POST is not tested.
OFFICE_PAGES: dict[str, tuple[str | None, str | None]] = {
    "office-dashboard": ("view", None),
    # the office profile, the year's staff/facilities/villages and the narrative sections of a document
    "profile-edit": ("view", "enter"),
    "profile-year": ("view", "enter"),
    "narrative-edit": ("view", "enter"),
    # the year's achievement photos (upload, caption, order, delete) and the profile's images (logos, photos)
    "profile-photos": ("view", "enter"),
    "profile-file": ("view", None),
    # workflow buttons (POST only: step, quarter, comment in the form) and the office's audit trail
    # submit and withdraw: anyone who enters the office's data reaches the view; which of them may press the button
    # is the regency's approver setting (the head by default), decided by services.transition (403 otherwise)
    "workflow-submit": (None, "enter"),
    "workflow-verify": (None, "verify"),
    "workflow-return": (None, "verify"),
    "workflow-approve": (None, "lock"),
    "workflow-unlock": (None, "unlock"),
    "workflow-withdraw": (None, "enter"),
    "quarter-comment": (None, "verify"),
    "audit-office": ("view", None),
    "audit-office-export": ("view", None),
    "plan-tree": ("view", None),
    "plan-edit": ("view", "plan"),
    "indicator-add": ("view", "plan"),
    "indicator-edit": ("view", "plan"),
    "program-edit": ("view", "plan"),
    "pk-detail": ("view", None),
    "pk-edit": ("view", "plan"),
    "pk-amend": ("view", "plan"),
    "quarter-entry": ("view", "enter"),
    "quarter-preview": (None, "enter"),
    "evidence-download": ("view", None),
    "budget-entry": ("view", "enter"),
    "survey-detail": ("view", "enter"),
    "survey-template": ("view", None),
    "office-data": ("view", "plan"),
    "office-export": ("view", None),
    "office-export-bundle": ("view", None),
    "office-provenance": ("view", None),
    "import-excel": ("view", "plan"),
    "import-excel-confirm": (None, "plan"),
    "import-excel-template": ("view", None),
    # automatic review: a stored year (page, .docx, .xlsx) and an uploaded printed report (POST: form errors)
    "review-office": ("view", None),
    "review-office-docx": ("view", None),
    "review-office-xlsx": ("view", None),
    "review-printed": ("view", "view"),
    "review-printed-template": ("view", None),
    # LKE evaluation (tests/evaluation/support.make_evaluation gives office A and B one for the year)
    "evaluation-office": ("view", "enter"),
    "evaluation-submit": (None, "enter"),
    "evaluation-score": ("evaluate", "evaluate"),
    "evaluation-finish": (None, "evaluate"),
    "evaluation-reopen": (None, "unlock"),
    "evaluation-summary": ("view", None),
    "evaluation-akip": (None, "enter"),
    "evaluation-recommendations": ("view", "enter"),
    "evaluation-recommendation-add": (None, "evaluate"),
    "evaluation-recommendation-confirm": (None, "evaluate"),
    "evaluation-report": ("view", None),
    "evaluation-evidence": ("view", None),
    "evaluation-followup-evidence": ("view", None),
    # generated documents (.docx/.pdf/.xlsx; DRAFT unless the period is approved): reading rights
    "document-download": ("view", None),
    # the office's links to the regency's RPJMD (issue #17): read with the office, saved with its plan
    "office-rpjmd-links": ("view", "plan"),
}

YEAR, QUARTER = 2020, 4  # Kaloran's data: the PK and the measurements of 2020


@dataclass
class Objects:
    """Real ids of office A (and the same kind of object of office B) from the demo."""

    demo: Demo
    year: int
    indicator_a: Indicator
    indicator_b: Indicator
    evidence_a: Evidence
    evidence_b: Evidence


#: URL keyword -> its value for office A, for any route.
KWARGS: dict[str, Callable[[Objects], Any]] = {
    "office_code": lambda o: o.demo.office_a.code,
    "year": lambda o: o.year,
    "quarter": lambda o: QUARTER,
    # a generated document: the Matrik Capaian Kinerja as .xlsx (quick to generate for every role)
    "kind": lambda o: "matrik",
    "fmt": lambda o: "xlsx",
    "instrument": lambda o: "permenpan-14-2017",  # a survey instrument (the same for every office)
    "document": lambda o: "lkjip",
}
#: (URL name, keyword) -> its value for office A, where the keyword names an object.
KWARGS_BY_ROUTE: dict[tuple[str, str], Callable[[Objects], Any]] = {
    ("evidence-download", "pk"): lambda o: o.evidence_a.pk,
    ("indicator-edit", "pk"): lambda o: o.indicator_a.pk,
    ("profile-file", "name"): lambda o: stored_logo(o.demo.office_a),
    # the public portal: office A by its regency's code and its own (not office_code: no login there)
    ("portal-office", "pemda"): lambda o: o.demo.office_a.regency.code,
    ("portal-office", "opd"): lambda o: o.demo.office_a.code,
    ("oversight-office", "pemda"): lambda o: o.demo.office_a.regency.code,
    ("oversight-office", "opd"): lambda o: o.demo.office_a.code,
    ("regency-trends", "opd"): lambda o: o.demo.office_a.code,
    ("portal-document", "pemda"): lambda o: o.demo.office_a.regency.code,
    ("portal-document", "opd"): lambda o: o.demo.office_a.code,
    ("portal-data-json", "dataset"): lambda o: "kinerja",
    ("portal-data-csv", "dataset"): lambda o: "kinerja",
    ("evaluation-evidence", "pk"): lambda o: answer_with_evidence(o.demo.office_a).pk,
    ("evaluation-followup-evidence", "pk"): lambda o: recommendation_with_file(o.demo.office_a).pk,
    ("evaluation-recommendation-confirm", "pk"): lambda o: recommendation_with_file(o.demo.office_a).pk,
    # a finished batch job of the demo regency, with its zip on disk
    ("documents-batch-job", "pk"): lambda o: finished_job(o.demo.office_a.regency).pk,
    ("documents-batch-status", "pk"): lambda o: finished_job(o.demo.office_a.regency).pk,
    ("documents-batch-download", "pk"): lambda o: finished_job(o.demo.office_a.regency).pk,
    # an IKU Pemda of the demo regency's RPJMD
    ("rpjmd-indicator", "pk"): lambda o: _regency_indicator(o).pk,
    ("rpjmd-indicator-edit", "pk"): lambda o: _regency_indicator(o).pk,
    ("documents-batch-retry", "pk"): lambda o: finished_job(o.demo.office_a.regency).pk,
    ("jobs-detail", "pk"): lambda o: finished_pdf_job(o.demo.office_a).pk,
    ("jobs-status", "pk"): lambda o: finished_pdf_job(o.demo.office_a).pk,
    ("jobs-download", "pk"): lambda o: finished_pdf_job(o.demo.office_a).pk,
    ("jobs-retry", "pk"): lambda o: finished_pdf_job(o.demo.office_a).pk,
}
#: (URL name, keyword) -> the same kind of object, of office B (must answer 404 under office A's URL).
OTHER_OFFICE_OBJECTS: dict[tuple[str, str], Callable[[Objects], Any]] = {
    ("evidence-download", "pk"): lambda o: o.evidence_b.pk,
    ("indicator-edit", "pk"): lambda o: o.indicator_b.pk,
    ("profile-file", "name"): lambda o: stored_logo(o.demo.office_b),
    ("evaluation-evidence", "pk"): lambda o: answer_with_evidence(o.demo.office_b).pk,
    ("evaluation-followup-evidence", "pk"): lambda o: recommendation_with_file(o.demo.office_b).pk,
    ("evaluation-recommendation-confirm", "pk"): lambda o: recommendation_with_file(o.demo.office_b).pk,
}
#: URL name -> query string parameters the view needs to do its work.
QUERY: dict[str, Callable[[Objects], dict[str, str]]] = {
    "quarter-preview": lambda o: {"row": str(o.indicator_a.pk)},
}

# Pages outside /opd/: URL name -> method -> role -> expected status, or a function of the objects
# giving (status, where a redirect must go). A role not listed has the "*" entry.
Expect = int | tuple[int, str]
LOGIN_REDIRECT = (302, "/login/")
SITE_PAGES: dict[str, dict[str, dict[str, Expect | Callable[[Objects], Expect]]]] = {
    "home": {
        "GET": {
            "anonymous": LOGIN_REDIRECT,
            "operator_a": lambda o: (302, reverse("office-dashboard", args=[o.demo.office_a.code])),
            "head_a": lambda o: (302, reverse("office-dashboard", args=[o.demo.office_a.code])),
            "operator_b": lambda o: (302, reverse("office-dashboard", args=[o.demo.office_b.code])),
            "*": 200,  # admin, planner, verifier: the offices they may open; public: none
        },
    },
    "login": {"GET": {"*": 200}, "POST": {"*": 200}},  # an empty login form comes back with its errors
    "logout": {"GET": {"*": 405}, "POST": {"*": (302, "/login/")}},
    # the inbox: every signed-in user (the public role's is empty)
    "inbox": {"GET": {"anonymous": LOGIN_REDIRECT, "*": 200}},
    # the overdue list and the audit trail of every office: the regency roles; the due-date rules: the admin
    "workflow-overdue": {"GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "verifier": 200, "*": 403}},
    # who approves each step: the admin
    "workflow-approvers": {
        "GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "*": 403},
        "POST": {"anonymous": LOGIN_REDIRECT, "admin": 200, "*": 403},  # an empty form comes back with its error
    },
    # the monitoring matrix (and its downloads) and an office's trends: the regency roles
    "regency-matrix": {"GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "verifier": 200, "*": 403}},
    "regency-trends": {"GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "verifier": 200, "*": 403}},
    "workflow-due-rules": {
        "GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "*": 403},
        "POST": {"anonymous": LOGIN_REDIRECT, "admin": 200, "*": 403},  # an empty form comes back with its errors
    },
    "audit-regency": {"GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "verifier": 200, "*": 403}},
    "audit-regency-export": {
        "GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "verifier": 200, "*": 403}
    },
    "set_language": {"POST": {"*": (302, "/")}},
    # the regency's list of LKE evaluations: administrator and Inspektorat
    "evaluation-regency": {"GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "verifier": 200, "*": 403}},
    # the regency's LKE grades per sub-component (and its .xlsx): the regency roles; without a year, the latest
    "regency-lke": {"GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "verifier": 200, "*": 403}},
    "regency-lke-latest": {
        "GET": {
            "anonymous": LOGIN_REDIRECT,
            "admin": lambda o: (302, reverse("regency-lke", args=[o.year])),
            "planner": lambda o: (302, reverse("regency-lke", args=[o.year])),
            "verifier": lambda o: (302, reverse("regency-lke", args=[o.year])),
            "*": 403,
        }
    },
    # the regency dashboard: the regency roles only
    "regency-dashboard": {
        "GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "verifier": 200, "*": 403}
    },
    # the province / national oversight view: only an `Oversight` role (none of the demo's roles; see
    # tests/province for those) — every regency role is refused
    "oversight-overview": {"GET": {"anonymous": LOGIN_REDIRECT, "*": 403}},
    "oversight-office": {"GET": {"anonymous": LOGIN_REDIRECT, "*": 403}},
    "regency-chart": {"GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "verifier": 200, "*": 403}},
    # how far the recomputation of the regency's kept figures is (the dashboard polls it)
    "regency-progress": {"GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "verifier": 200, "*": 403}},
    # the review of every office of the regency: the regency roles only
    "review-regency": {"GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "verifier": 200, "*": 403}},
    # the user's own password and two-factor pages: every signed-in user (an empty POST comes back with its
    # errors); the verification step is due for nobody here (no device), so it sends the user on
    "password_change": {
        "GET": {"anonymous": LOGIN_REDIRECT, "*": 200}, "POST": {"anonymous": LOGIN_REDIRECT, "*": 200},
    },
    "password_change_done": {"GET": {"anonymous": LOGIN_REDIRECT, "*": 200}},
    "twofactor": {"GET": {"anonymous": LOGIN_REDIRECT, "*": 200}, "POST": {"anonymous": LOGIN_REDIRECT, "*": 200}},
    "twofactor-enrol": {
        "GET": {"anonymous": LOGIN_REDIRECT, "*": 200}, "POST": {"anonymous": LOGIN_REDIRECT, "*": 200},
    },
    "twofactor-verify": {
        "GET": {"anonymous": LOGIN_REDIRECT, "*": (302, "/")}, "POST": {"anonymous": LOGIN_REDIRECT, "*": (302, "/")},
    },
    # the user's own API tokens: every signed-in user (an empty POST comes back with its error)
    "api-tokens": {"GET": {"anonymous": LOGIN_REDIRECT, "*": 200}, "POST": {"anonymous": LOGIN_REDIRECT, "*": 200}},
    # the public portal and its open data: everyone, signed in or not (tests/portal: only what is approved)
    "portal-index": {"GET": {"*": 200}},
    "portal-office": {"GET": {"*": 200}},
    "portal-schema": {"GET": {"*": 200}},
    "portal-data-json": {"GET": {"*": 200}},
    "portal-data-csv": {"GET": {"*": 200}},
    # an approved document as PDF: the matrix asks for the Matrik (kind "matrik"), which the portal never offers
    "portal-document": {"GET": {"*": 404}},
    # documents of every office of the regency, generated in the background: administrator and planner
    "documents-batch": {
        "GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "*": 403},
        "POST": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "*": 403},  # empty form: its errors
    },
    "documents-batch-job": {"GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "*": 403}},
    "documents-batch-status": {"GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "*": 403}},
    "documents-batch-download": {"GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "*": 403}},
    # the regency's RPJMD (issue #17): every role of the regency reads it; the planner and the administrator
    # edit it (an empty POST is refused with 400: no such operation / the form's errors)
    "rpjmd": {
        "GET": {"anonymous": LOGIN_REDIRECT, "public": 403, "*": 200},
        "POST": {"anonymous": LOGIN_REDIRECT, "admin": 400, "planner": 400, "*": 403},
    },
    "rpjmd-indicator": {"GET": {"anonymous": LOGIN_REDIRECT, "public": 403, "*": 200}},
    # the regency's performance tree from the RPJMD down to the offices: every role of the regency
    "regency-tree": {"GET": {"anonymous": LOGIN_REDIRECT, "public": 403, "*": 200}},
    "rpjmd-indicator-add": {
        "GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "*": 403},
        "POST": {"anonymous": LOGIN_REDIRECT, "admin": 400, "planner": 400, "*": 403},
    },
    "rpjmd-indicator-edit": {
        "GET": {"anonymous": LOGIN_REDIRECT, "admin": 200, "planner": 200, "*": 403},
        "POST": {"anonymous": LOGIN_REDIRECT, "admin": 400, "planner": 400, "*": 403},
    },
    # a finished job is not started again: back to its page
    "documents-batch-retry": {"POST": {"anonymous": LOGIN_REDIRECT, "admin": 302, "planner": 302, "*": 403}},
    # a background job of office A (sakip.jobs): who may view the office sees it; anyone else gets 404
    "jobs-detail": {"GET": {"anonymous": LOGIN_REDIRECT, "public": 404, "operator_b": 404, "*": 200}},
    "jobs-status": {"GET": {"anonymous": LOGIN_REDIRECT, "public": 404, "operator_b": 404, "*": 200}},
    "jobs-download": {"GET": {"anonymous": LOGIN_REDIRECT, "public": 404, "operator_b": 404, "*": 200}},
    "jobs-retry": {"POST": {"anonymous": LOGIN_REDIRECT, "public": 404, "operator_b": 404, "*": 302}},
}
# Django admin's own views that are open (login, logout, i18n) or need query parameters (autocomplete).
ADMIN_NOT_CHECKED = {
    "admin:login", "admin:logout", "admin:password_change", "admin:password_change_done", "admin:jsi18n",
    "admin:autocomplete",
}



def _regency_indicator(o: Objects) -> Any:
    from sakip.cascade.models import RegencyIndicator

    found = RegencyIndicator.objects.filter(rpjmd__regency=o.demo.office_a.regency).order_by("pk").first()
    assert found is not None, "the demo regency has an RPJMD with IKU Pemda (sakip.cascade.demo)"
    return found


# ----------------------------------------------------------------------------- the routes


@dataclass(frozen=True)
class Route:
    name: str | None  # with its namespace ("admin:index")
    route: str  # the whole pattern, e.g. "opd/<slug:office_code>/pk/<int:year>/"
    kwargs: tuple[str, ...]
    callback: Callable[..., HttpResponse]

    @property
    def office(self) -> bool:
        return "<slug:office_code>" in self.route or "office_code" in self.kwargs

    @property
    def admin(self) -> bool:
        return bool(self.name and self.name.split(":")[0] == "admin") or self.route.startswith("admin/")

    def __str__(self) -> str:
        return f"{self.name or '(no name)'} /{self.route}"


def _kwarg_names(pattern: Any) -> tuple[str, ...]:
    return tuple(pattern.regex.groupindex)


def walk(patterns: list[Any], prefix: str = "", namespace: str = "", kwargs: tuple[str, ...] = ()) -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns, kwargs + _kwarg_names(p.pattern))
        elif isinstance(p, URLPattern):
            name = f"{namespace}{p.name}" if p.name else None
            yield Route(name, prefix + str(p.pattern), kwargs + _kwarg_names(p.pattern), p.callback)


#: The REST API (/api/…) answers tokens, not sessions: tests/api/test_api_matrix.py checks each of its
#: endpoints for every role (and fails on an endpoint it has no expectation for).
API_PREFIX = "api/"
ROUTES = [r for r in walk(get_resolver().url_patterns) if not r.route.startswith(API_PREFIX)]
OFFICE_ROUTES = [r for r in ROUTES if r.office]
SITE_ROUTES = [r for r in ROUTES if not r.office and not r.admin]
ADMIN_ROUTES = [r for r in ROUTES if r.admin]


def _id(r: Route) -> str:
    return r.name or r.route


# ----------------------------------------------------------------------------- the demo, once per module


@pytest.fixture(scope="module")
def objects(demo_once: Demo, django_db_blocker: Any) -> Objects:
    with django_db_blocker.unblock():
        a, b = demo_once.office_a, demo_once.office_b
        year = reporting_year(a) or YEAR
        assert year == YEAR, f"the demo's reporting year for {a.code} is {year}, expected {YEAR}"
        pk_indicator = PkTarget.objects.filter(version__office=a, version__year=year).order_by("order", "id")[0]

        def evidence(office: Any, name: str) -> Evidence:
            iy = IndicatorYear.objects.filter(indicator__plan__office=office).order_by("year", "id")[0]
            ev = Evidence(indicator_year=iy, quarter=QUARTER, name=name, content_type="application/pdf")
            ev.file.save(name, ContentFile(b"%PDF-1.4\n% sakip test evidence\n"), save=False)
            ev.size = ev.file.size
            ev.save()
            return ev

        make_evaluation(a, year)
        make_evaluation(b, year)
        return Objects(
            demo=demo_once,
            year=year,
            indicator_a=pk_indicator.indicator,
            indicator_b=Indicator.objects.filter(plan__office=b).order_by("id")[0],
            evidence_a=evidence(a, "bukti-kaloran.pdf"),
            evidence_b=evidence(b, "bukti-kaliwates.pdf"),
        )


def url_for(route: Route, o: Objects, overrides: dict[str, Any] | None = None) -> str:
    """The route's URL with office A's values; fails (never skips) when it cannot fill a keyword."""
    values: dict[str, Any] = {}
    for kw in route.kwargs:
        if overrides and kw in overrides:
            values[kw] = overrides[kw]
        elif route.name and (route.name, kw) in KWARGS_BY_ROUTE:
            values[kw] = KWARGS_BY_ROUTE[(route.name, kw)](o)
        elif kw in KWARGS:
            values[kw] = KWARGS[kw](o)
        else:
            pytest.fail(
                f"The authorisation matrix cannot fill the URL keyword {kw!r} of {route}. Teach it: add "
                f"('{route.name}', '{kw}') to KWARGS_BY_ROUTE (a real object of office A) and to "
                f"OTHER_OFFICE_OBJECTS (the same kind of object of office B) in {__file__}, or {kw!r} to KWARGS "
                "if the keyword means the same on every route."
            )
    assert route.name, f"{route} has no name: give every URL pattern a name"
    url = reverse(route.name, kwargs=values)
    query = QUERY[route.name](o) if route.name in QUERY else {}
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def request(o: Objects, role: str, method: str, url: str) -> HttpResponse:
    """One request as ``role``, in a savepoint that is rolled back afterwards."""
    with transaction.atomic():
        client = Client()
        if role != "anonymous":
            client.force_login(o.demo.user(role))
        response = client.post(url, {}) if method == "POST" else client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)  # close a FileResponse's file
        transaction.set_rollback(True)
    return response  # type: ignore[no-any-return]


def where(response: HttpResponse) -> str:
    return urlsplit(response.get("Location", "")).path


def describe(response: HttpResponse) -> str:
    text = f"{response.status_code}"
    if response.get("Location"):
        text += f" → {response['Location']}"
    return text


# ----------------------------------------------------------------------------- the tests


def test_the_rules_written_here_are_the_rules_in_access_py(objects: Objects, db: None) -> None:
    """RIGHTS_ON_OFFICE_A is what access.can answers for each demo user on office A."""
    from django.test import RequestFactory

    for role in ROLES:
        if role == "anonymous":
            continue
        req = RequestFactory().get("/")
        req.user = objects.demo.user(role)
        m = membership_of(req)
        actual = {a for a in ACTIONS if can(m, objects.demo.office_a, a)}
        assert actual == RIGHTS_ON_OFFICE_A[role], f"{role} ({ROLE_USERS[role]})"


def test_there_are_office_pages_to_test() -> None:
    names = {r.name for r in OFFICE_ROUTES}
    assert "office-dashboard" in names and len(OFFICE_ROUTES) >= 2


@pytest.mark.parametrize("route", OFFICE_ROUTES, ids=_id)
def test_office_route_is_guarded_and_declared(route: Route) -> None:
    action = getattr(route.callback, "sakip_office_action", None)
    assert action is not None, (
        f"{route} is under /opd/<office_code>/ but its view is not wrapped by sakip.accounts.access.office_view: "
        "every office page must check the user's office and role"
    )
    assert route.name is not None, f"{route} has no name"
    assert route.name in OFFICE_PAGES, (
        f"New office page {route} (office_view({action!r})). Teach the authorisation matrix about it: add "
        f"'{route.name}': (<action its GET needs, or None if it takes no GET>, <action its POST needs, or None if it "
        f"has no form>) to OFFICE_PAGES in {__file__}."
    )
    get_action, post_action = OFFICE_PAGES[route.name]
    assert action == (get_action or post_action), (
        f"{route}: office_view checks {action!r}, OFFICE_PAGES says {get_action or post_action!r}"
    )
    for kw in route.kwargs:
        if kw not in KWARGS:
            assert (route.name, kw) in KWARGS_BY_ROUTE and (route.name, kw) in OTHER_OFFICE_OBJECTS, (
                f"{route}: teach the matrix how to fill {kw!r} — add ('{route.name}', '{kw}') to KWARGS_BY_ROUTE "
                f"and OTHER_OFFICE_OBJECTS in {__file__}"
            )


def _office_cases() -> Iterator[Any]:
    for route in OFFICE_ROUTES:
        declared = OFFICE_PAGES.get(route.name or "")
        methods = ["GET", "POST"] if declared is None or declared[1] is not None else ["GET"]
        for method in methods:
            for role in ROLES:
                yield pytest.param(route, role, method, id=f"{_id(route)}-{method}-{role}")


@pytest.mark.parametrize(("route", "role", "method"), list(_office_cases()))
def test_office_page(route: Route, role: str, method: str, objects: Objects, db: None) -> None:
    if route.name not in OFFICE_PAGES:
        pytest.fail(f"{route} is not in OFFICE_PAGES: see test_office_route_is_guarded_and_declared")
    get_action, post_action = OFFICE_PAGES[route.name]  # type: ignore[index]
    needed = get_action if method == "GET" else post_action
    url = url_for(route, objects)
    response = request(objects, role, method, url)
    got = describe(response)
    if needed is None:  # a POST-only view: nobody gets anything from a GET
        assert response.status_code in (405, 403) or (role == "anonymous" and where(response) == "/login/"), got
        return
    if role == "anonymous":
        assert response.status_code == 302 and where(response) == reverse("login"), f"expected 302 → login, got {got}"
        assert "next=" in response["Location"], got
        return
    if needed not in RIGHTS_ON_OFFICE_A[role]:
        assert response.status_code == 403, f"{role} lacks {needed!r} on office A: expected 403, got {got}"
        return
    if method == "GET":
        assert response.status_code == 200, f"{role} may {needed!r} office A: expected 200, got {got}"
    else:
        ok = response.status_code == 200 or (
            response.status_code in (302, 303) and where(response) not in (reverse("login"), "")
        )
        assert ok, f"{role} may {needed!r} office A: expected the form (200) or a redirect, got {got}"


def _object_cases() -> Iterator[Any]:
    for route in OFFICE_ROUTES:
        for kw in route.kwargs:
            if kw not in KWARGS:
                for role in ("admin", "operator_a"):
                    yield pytest.param(route, kw, role, id=f"{_id(route)}-{kw}-{role}")


@pytest.mark.parametrize(("route", "kw", "role"), list(_object_cases()))
def test_another_offices_object_is_not_found_under_office_a(
    route: Route, kw: str, role: str, objects: Objects, db: None
) -> None:
    key = (route.name, kw)
    if key not in OTHER_OFFICE_OBJECTS:
        pytest.fail(f"{route}: add {key!r} to OTHER_OFFICE_OBJECTS in {__file__} (an object of office B)")
    url = url_for(route, objects, {kw: OTHER_OFFICE_OBJECTS[key](objects)})  # type: ignore[index]
    get_action, post_action = OFFICE_PAGES.get(route.name or "", ("view", None))
    for method, action in (("GET", get_action), ("POST", post_action)):
        if action is None or action not in RIGHTS_ON_OFFICE_A[role]:
            continue  # a role without the action is refused first (403: test_office_page)
        response = request(objects, role, method, url)
        assert response.status_code == 404, f"{method} {url} as {role}: expected 404, got {describe(response)}"


@pytest.mark.parametrize("route", SITE_ROUTES, ids=_id)
def test_site_page(route: Route, objects: Objects, db: None) -> None:
    assert route.name in SITE_PAGES, (
        f"New page outside /opd/: {route}. Teach the authorisation matrix about it: add '{route.name}' to "
        f"SITE_PAGES in {__file__} with the status each role must get."
    )
    url = url_for(route, objects)
    failures = []
    for method, by_role in SITE_PAGES[route.name].items():  # type: ignore[index]
        for role in ROLES:
            expect = by_role.get(role, by_role.get("*"))
            assert expect is not None, f"SITE_PAGES[{route.name!r}][{method!r}] has no entry for {role} nor '*'"
            if callable(expect):
                expect = expect(objects)
            status, target = (expect, None) if isinstance(expect, int) else expect
            response = request(objects, role, method, url)
            if response.status_code != status or (target is not None and where(response) != target):
                failures.append(f"{method} {url} as {role}: expected {expect}, got {describe(response)}")
    assert not failures, "\n".join(failures)


def _admin_cases() -> Iterator[Any]:
    for route in ADMIN_ROUTES:
        if route.kwargs or route.name in ADMIN_NOT_CHECKED:
            continue  # object pages of Django's admin: the same AdminSite.admin_view guard as below
        for role in ROLES:
            yield pytest.param(route, role, id=f"{_id(route)}-{role}")


@pytest.mark.parametrize(("route", "role"), list(_admin_cases()))
def test_admin_page(route: Route, role: str, objects: Objects, db: None) -> None:
    """The admin site is for the regency's administrator only: everyone else is sent to its login."""
    url = url_for(route, objects)
    response = request(objects, role, "GET", url)
    if role == "admin":
        assert response.status_code == 200, describe(response)
    else:
        assert response.status_code == 302 and where(response) == reverse("admin:login"), describe(response)


def test_every_route_is_covered() -> None:
    """Each route is in exactly one of the three groups above, and names are unique."""
    assert len(OFFICE_ROUTES) + len(SITE_ROUTES) + len(ADMIN_ROUTES) == len(ROUTES)
    names = [r.name for r in ROUTES if r.name]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, f"URL names used twice: {duplicates}"
    unnamed = [str(r) for r in ROUTES if not r.name and not re.fullmatch(r"admin/.*", r.route)]
    assert not unnamed, f"URL patterns without a name: {unnamed}"
    assert settings.LOGIN_URL == "login"
