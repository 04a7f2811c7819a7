"""Every operation of the REST API, fuzzed by schemathesis from its own OpenAPI document: no 5xx.

The schema is the one django-ninja serves (``/api/openapi.json``), fetched through Django's
WSGI application in this process; every case is sent to that application (schemathesis's WSGI
transport), on the test database. The operations are read from the same document, so a new
endpoint is fuzzed the day it is added (`test_every_operation_is_fuzzed`).

For each operation schemathesis draws cases in both generation modes — *positive* (what the
schema allows) and *negative* (what it forbids: wrong types, missing fields, out-of-range
numbers, odd strings) — `API_EXAMPLES` of each, derandomized (the same requests on every run).
On top of schemathesis's case hypothesis draws:

* a role: office A's operator (who may write), the regency's admin (who may read), or no token;
* half of the time office A's real code, year and quarter in the path, so that the endpoints'
  own reading is reached and not only the 404;
* half of the time office A's real indicator codes (realisations) and leaf budget line codes
  (budget) in the body's rows, and a hostile number text (NaN, 400 digits, full-width digits,
  1_000, 85%, …) or a schema-drawn one as their value, so that the one number rule is reached.

Each case runs in a savepoint that is rolled back. Django's ``DEBUG_PROPAGATE_EXCEPTIONS`` is on:
a view's exception reaches the test with its traceback instead of becoming a 500 page. Checks on
every response: ``not_a_server_error`` and, for the documented answers,
``response_schema_conformance`` (a 422 is the ``Problems`` shape like every other refusal).
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from sakip.api.api import api
from sakip.api.models import ApiToken
from sakip.budgeting.models import BudgetYear
from sakip.budgeting.views import _ordered
from sakip.domain.text import clean_text
from sakip.monitoring import entry
from tests.web.demo_support import Demo

from .conftest import API_EXAMPLES, SENT, STATUSES
from .hostile import hostile_text

YEAR = 2020
ROLES = ["operator_a", "operator_a", "admin", "anonymous"]  # the operator twice: the writes are what is deep
FUZZ_SETTINGS = hypothesis_settings(
    max_examples=API_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
OPERATIONS = [
    (method.upper(), path) for path, item in api.get_openapi_schema()["paths"].items() for method in item
]


@dataclass(frozen=True)
class Real:
    """Office A's real values, and a token per role."""

    tokens: dict[str, str]
    path: dict[str, Any]
    indicators: list[str]
    budget_lines: list[str]


@pytest.fixture(scope="module")
def wsgi_app() -> Iterator[Any]:
    """Django's WSGI application without the per-request connection check, as Django's test client does:
    the test's transaction stays open across requests (the check closes a connection that is not in
    autocommit, i.e. in a test)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_schema(wsgi_app: Any) -> Any:
    return schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)


@pytest.fixture(scope="module")
def real(demo_once: Demo, django_db_blocker: Any) -> Real:
    with django_db_blocker.unblock():
        office = demo_once.office_a
        tokens = {role: ApiToken.issue(demo_once.user(role), "fuzz")[1] for role in set(ROLES) - {"anonymous"}}
        indicators = sorted({r.indicator.code for r in entry.build_rows(office, YEAR, 4, entry.load_domain(office))})
        by = BudgetYear.objects.get(office=office, year=YEAR)
        lines = [line.code for line, _depth, leaf in _ordered(list(by.lines.all())) if leaf]
    return Real(tokens, {"office_code": office.code, "year": YEAR}, indicators, lines)


def test_every_operation_is_fuzzed(real: Real) -> None:
    """Every operation of the served document is in `OPERATIONS`, the writes too; office A has real rows to aim at."""
    assert ("POST", "/api/v1/offices/{office_code}/years/{year}/quarters/{quarter}/realisations") in OPERATIONS
    assert ("POST", "/api/v1/offices/{office_code}/years/{year}/quarters/{quarter}/budget") in OPERATIONS
    assert len(OPERATIONS) >= 9
    assert real.indicators and real.budget_lines


def _clean(value: Any) -> Any:
    """``value`` with the characters the boundary refuses taken out of every string (and key)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _aim(draw: Any, case: Any, real: Real) -> None:
    """Aim the case past the first refusals most of the time, so the endpoint's own reading is reached:
    control characters taken out (the boundary's 400 is reached by the rest), office A's real path,
    office A's real indicator or budget line codes in the body's rows, hostile number text as their value."""
    if draw(st.integers(0, 3), label="clean") > 0:
        case.path_parameters = _clean(case.path_parameters)
        case.query = _clean(case.query)
        case.body = _clean(case.body)
    if case.path_parameters and draw(st.integers(0, 2), label="real path") > 0:
        quarter = draw(st.integers(1, 4), label="quarter")
        case.path_parameters = {k: {**real.path, "quarter": quarter}.get(k, v) for k, v in case.path_parameters.items()}
    body = case.body
    if case.method != "POST" or not isinstance(body, dict) or not draw(st.booleans(), label="real rows"):
        return
    rows, key, codes, number = (
        ("rows", "indicator", real.indicators, "value")
        if case.path.endswith("/realisations")
        else ("lines", "code", real.budget_lines, "realisation")
    )
    items = body.get(rows)
    if not isinstance(items, list) or not items:
        items = body[rows] = [{}]
    for item in items:
        if isinstance(item, dict):
            item[key] = draw(st.sampled_from(codes), label=key)
            if draw(st.booleans(), label="hostile number"):
                item[number] = draw(hostile_text, label=number)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_operation_survives_hostile_input(
    method: str, path: str, mode: GenerationMode, api_schema: Any, real: Real, db: None, settings: Any
) -> None:
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True  # a view's exception reaches this test with its traceback
    operation = api_schema[path][method]
    before = SENT["api"]

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case: Any, data: Any) -> None:
        role = data.draw(st.sampled_from(ROLES), label="role")
        _aim(data.draw, case, real)
        headers = {"Authorization": f"Bearer {real.tokens[role]}"} if role in real.tokens else {}
        SENT["api"] += 1
        with transaction.atomic():
            try:
                response = case.call(headers=headers)
            except Exception:
                pytest.fail(f"{method} {path} as {role} raised:\n{traceback.format_exc()}\n{case!r}")
            finally:
                transaction.set_rollback(True)
        STATUSES[response.status_code] += 1
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    run()
    assert SENT["api"] - before >= min(API_EXAMPLES, 2), "hypothesis sent (almost) nothing"

