"""Every page route, hostile input, several roles: never a 500, never an unhandled exception.

The routes are read from Django's URL resolver exactly as the authorisation matrix reads them
(`tests.web.test_authorisation_matrix.walk`), so a new page is fuzzed the day it is added. For
each route (the REST API is `test_api.py`'s) hypothesis draws, per example:

* a role: admin, operator and head of office A, verifier, public, anonymous;
* the URL keywords: the real value of office A (the matrix's `url_for`), or a hostile one typed
  into the pattern by hand (year 0, 2**63, 10**40, ``٢٠٢٠``, ``-1``, an unknown slug, …), so the
  URL converters' answer is fuzzed as well as the views';
* GET: a query string of hostile values under the keys the views read (``tahun``, ``triwulan``,
  ``versi``, ``opd``, ``next``, …) and random ones;
* POST (every route that answers GET with a form, and the POST-only routes): one of the page's
  ``<form method="post">`` — its fields read from the page's HTML, each kept as the page filled it
  or replaced by hostile text (NaN, 400 digits, NUL, full-width digits, formulas, HTML, SQL, very
  long text), a select by one of its options or hostile text, plus random extra fields; file
  inputs get a hostile file (empty, not a zip, a zip bomb, a wrong extension, a YAML alias bomb,
  deep JSON, real import templates full of hostile cells).

Django's test client re-raises a view's exception: it is caught and reported as the failure,
with the request. Every request runs in a savepoint that is rolled back (as in the matrix), so
what one example stores cannot change the next. The test client does not enforce CSRF: every
POST is as if it carried a valid token.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sakip.documents.views as document_views
from sakip.documents.models import BatchJob
from tests.web.test_authorisation_matrix import (
    ADMIN_ROUTES,
    OFFICE_PAGES,
    OFFICE_ROUTES,
    SITE_PAGES,
    SITE_ROUTES,
    Objects,
    Route,
    objects,  # noqa: F401 - the matrix's module fixture: office A's real objects
    url_for,
)

from .conftest import EXAMPLES, SENT
from .hostile import INT_KWARG, RAW_KWARG, TEXT_KWARG, hostile_text, query_params, upload

ROLES = ["admin", "operator_a", "head_a", "verifier", "public", "anonymous"]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ----------------------------------------------------------------------------- forms read from a page


@dataclass
class Form:
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> the values the page offers
    files: list[str] = field(default_factory=list)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form() if a.get("method", "get").lower() == "post" else None
            if self._form is not None:
                self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if form is None or not name:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.files.append(name)
            elif kind not in ("submit", "button", "image", "reset"):
                form.fields.setdefault(name, []).append(a.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "select":
            self._select = name
            form.fields.setdefault(name, [])
        elif tag == "option" and self._select:
            form.fields[self._select].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            form.fields.setdefault(name, [""])
        elif tag == "button" and a.get("value") is not None:
            form.fields.setdefault(name, []).append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    return [f for f in parser.forms if f.fields or f.files]


# ----------------------------------------------------------------------------- one request


def _client(o: Objects, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(o.demo.user(role))
    return client


def send(o: Objects, role: str, method: str, url: str, data: Any, kind: str) -> HttpResponse:
    """One request in a rolled-back savepoint; an exception or a 5xx fails with the request that made it."""
    SENT[kind] += 1
    with transaction.atomic():
        try:
            client = _client(o, role)
            response = client.post(url, data) if method == "POST" else client.get(url, data)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
        except Exception:
            pytest.fail(f"{method} {url} as {role} raised:\n{traceback.format_exc()}\ndata={data!r}")
        finally:
            transaction.set_rollback(True)
    assert response.status_code < 500, f"{method} {url} as {role}: {response.status_code}\ndata={data!r}"
    return response  # type: ignore[no-any-return]


_page_forms: dict[tuple[str, str], list[Form]] = {}


def page_forms(o: Objects, role: str, url: str) -> list[Form]:
    """The POST forms of the page at ``url`` as ``role`` sees it (read once)."""
    key = (role, url)
    if key not in _page_forms:
        response = send(o, role, "GET", url, {}, "pages GET")
        html = response.content.decode(errors="replace") if response.status_code == 200 else ""
        _page_forms[key] = forms_of(html)
    return _page_forms[key]


_KEYWORD = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
#: converters whose value is a number: a hostile value is drawn from the numbers, else from the words
NUMBER_CONVERTERS = {"int", "year"}


def hostile_url(draw: Any, route: Route, o: Objects) -> str:
    """Office A's URL of the route, a quarter of the time with a keyword replaced by a hostile value.

    A hostile URL is built from the route's pattern as a person would type it (``reverse()`` refuses a
    value its converter does not take, which is the point): the resolver's answer to it is tested too."""
    real = url_for(route, o)
    hostile: dict[str, str] = {}
    for m in _KEYWORD.finditer(route.route):
        if draw(st.integers(0, 3)) == 0:
            number = (m["converter"] or "str") in NUMBER_CONVERTERS
            hostile[m["name"]] = str(draw(st.one_of(INT_KWARG if number else TEXT_KWARG, RAW_KWARG)))
    if not hostile:
        return real
    path, _sep, query = real.partition("?")
    values = {k: str(v) for k, v in resolve(path).kwargs.items()} | hostile
    built = "/" + _KEYWORD.sub(lambda m: quote(values[m["name"]], safe=""), route.route)
    return built + ("?" + query if query else "")


def hostile_form(draw: Any, forms: list[Form]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if forms:
        form = forms[draw(st.integers(0, len(forms) - 1))]
        for name, offered in form.fields.items():
            if name == "csrfmiddlewaretoken":
                continue
            keep = draw(st.integers(0, 2))  # keep the page's own value a third of the time (op=, ids, …)
            if keep == 0 and offered:
                data[name] = offered[draw(st.integers(0, len(offered) - 1))]
            else:
                data[name] = draw(hostile_text)
        for name in form.files:
            file_name, content = draw(upload)
            data[name] = SimpleUploadedFile(file_name, content)
    for extra, value in draw(st.dictionaries(st.text(min_size=1, max_size=10), hostile_text, max_size=3)).items():
        data.setdefault(extra, value)
    return data


# ----------------------------------------------------------------------------- the routes


def _methods(route: Route) -> list[str]:
    if route.admin:
        return ["GET"]
    declared = OFFICE_PAGES.get(route.name or "") if route.office else None
    if declared is not None:
        return [m for m, action in (("GET", declared[0]), ("POST", declared[1])) if action is not None]
    methods = SITE_PAGES.get(route.name or "", {})
    return [m for m in ("GET", "POST") if m in methods]


FUZZED = [
    pytest.param(route, method, id=f"{route.name or route.route}-{method}")
    for route in [*OFFICE_ROUTES, *SITE_ROUTES, *(r for r in ADMIN_ROUTES if not r.kwargs)]
    for method in _methods(route)
]


@pytest.fixture
def no_background_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The regency's document batch is queued but not run: its form and checks are what is fuzzed."""

    def queue_only(regency: Any, user: Any, year: Any, kinds: Any, formats: Any) -> BatchJob:
        return BatchJob.objects.create(
            regency=regency, created_by=user, year=year, kinds=",".join(kinds), formats=",".join(formats)
        )

    monkeypatch.setattr(document_views, "start_job", queue_only)


def test_every_route_is_fuzzed() -> None:
    names = {p.values[0].name for p in FUZZED}  # type: ignore[union-attr]
    assert {"quarter-entry", "budget-entry", "plan-edit", "import-excel", "api-tokens", "login"} <= names


@pytest.mark.parametrize(("route", "method"), FUZZED)
def test_route_survives_hostile_input(
    route: Route, method: str, objects: Objects, db: None, no_background_batch: None  # noqa: F811
) -> None:
    before = SENT.total()

    @FUZZ_SETTINGS
    @given(data=st.data())
    def run(data: Any) -> None:
        role = data.draw(st.sampled_from(["admin"] if route.admin else ROLES), label="role")
        url = hostile_url(data.draw, route, objects)
        if method == "GET":
            send(objects, role, "GET", url, data.draw(query_params, label="query"), "pages GET")
            return
        forms = page_forms(objects, role, url_for(route, objects)) if "GET" in _methods(route) else []
        if not forms and route.name:  # a POST-only route: the form that posts to it lives on another page
            forms = [Form(fields={"op": ["create", "revoke", "delete"], "step": ["pk", "quarter", "annual"],
                                  "quarter": ["1", "4"], "year": ["2020"], "next": ["/"]})]
        send(objects, role, "POST", url, hostile_form(data.draw, forms), "pages POST")

    run()
    assert SENT.total() - before >= min(EXAMPLES, 2), "hypothesis sent (almost) nothing"
