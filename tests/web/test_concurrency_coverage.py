"""Every write route has a stale-save case — or says why it needs none.

The write routes are read from the same sources the authorisation matrices check against the
URL configuration (so a new route cannot be missed): the office pages and site pages that take
a POST (``tests/web/test_authorisation_matrix.py``), every non-GET operation of the REST API,
and Django's admin. Each must be listed in ``WRITE_ROUTES`` with either the tests that submit a
stale page, a stale version or parallel saves to it (each named test must exist), or the
reason it needs none. A listed route that no longer exists fails too.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from django.urls import get_resolver

from sakip.api.api import api

from .test_authorisation_matrix import OFFICE_PAGES, SITE_PAGES, walk

WEB = "tests/web/test_concurrency.py::"
PAGES = "tests/web/test_concurrency_pages.py::"
PARALLEL = "tests/web/test_parallel_saves.py::"
API = "tests/api/test_concurrency.py::"
IMPORTS = "tests/imports/test_concurrency.py::"
PROFILES = "tests/profiles/test_pages.py::"
PHOTOS = "tests/profiles/test_photos.py::"

#: The admin site: every route under ``admin:``.
ADMIN = "admin:*"

#: Route name -> the tests of its stale saves (tuple), or why it needs none (str).
WRITE_ROUTES: dict[str, tuple[str, ...] | str] = {
    # ---- data people of an office (or the regency's evaluators) edit from pages loaded earlier
    "quarter-entry": (
        WEB + "test_entry_second_save_of_a_stale_page_is_refused_then_reapplied",
        WEB + "test_entry_saving_the_409_page_as_shown_keeps_the_other_persons_value",
        WEB + "test_entry_two_first_saves_of_the_same_row",
        WEB + "test_entry_reapply_only_the_ticked_values",
        PAGES + "test_evidence_from_two_stale_pages_is_all_kept",
        PAGES + "test_evidence_of_a_refused_stale_page_is_not_stored",
        PARALLEL + "test_parallel_first_saves_of_the_same_quarter",
        PARALLEL + "test_parallel_saves_of_different_quarters_and_offices_are_all_kept",
    ),
    "budget-entry": (
        PAGES + "test_budget_page_stale_save_is_refused_then_reapplied",
        PAGES + "test_budget_page_other_line_changed_is_no_conflict",
    ),
    "pk-edit": (WEB + "test_pk_two_first_saves_second_is_refused",),
    "pk-amend": (WEB + "test_pk_two_amendments_from_the_same_version",),
    "plan-edit": (
        PAGES + "test_plan_period_vision_of_a_stale_page_is_refused",
        WEB + "test_goal_edit_of_a_stale_page_is_refused",
        WEB + "test_two_new_goals_with_the_same_code",
        PAGES + "test_objective_edit_of_a_stale_page_is_refused",
        PAGES + "test_delete_from_a_stale_page_is_refused[goal]",
        PAGES + "test_delete_from_a_stale_page_is_refused[objective]",
        PARALLEL + "test_parallel_new_goals_with_the_same_code",
    ),
    "indicator-edit": (
        WEB + "test_indicator_editor_stale_page",
        PAGES + "test_delete_from_a_stale_page_is_refused[indicator]",
    ),
    "indicator-add": (PAGES + "test_two_new_indicators_with_the_same_code",),
    "program-edit": (
        PAGES + "test_program_edit_of_a_stale_page_is_refused",
        PAGES + "test_delete_from_a_stale_page_is_refused[program]",
    ),
    "survey-detail": (WEB + "test_survey_upload_over_a_newer_survey_is_refused",),
    "narrative-edit": (PROFILES + "test_a_stale_page_is_refused_with_the_conflict",),
    "profile-edit": (PROFILES + "test_a_stale_profile_or_year_table_is_refused[profile-edit]",),
    "profile-year": (PROFILES + "test_a_stale_profile_or_year_table_is_refused[profile-year]",),
    "profile-photos": (PHOTOS + "test_a_stale_photos_page_is_refused",),
    "office-data": (
        PAGES + "test_dataset_upload_over_changes_made_since_the_page_was_loaded_is_refused",
        PAGES + "test_dataset_upload_without_the_page_version_is_not_refused",
    ),
    "import-excel-confirm": (
        IMPORTS + "test_a_row_saved_on_the_entry_page_after_the_preview_refuses_the_confirmation",
        IMPORTS + "test_a_row_the_file_does_not_name_changing_is_no_reason_to_refuse",
        IMPORTS + "test_a_row_made_after_the_preview_refuses_it",
        IMPORTS + "test_pk_and_renstra_imports_check_their_rows",
    ),
    "evaluation-office": (WEB + "test_lke_answer_of_a_stale_page_is_refused",),
    "evaluation-score": (
        PAGES + "test_lke_evaluator_score_of_a_stale_page_is_refused",
        PAGES + "test_lke_summary_of_a_stale_page_is_refused",
    ),
    "evaluation-recommendations": (PAGES + "test_lke_follow_up_of_a_stale_page_is_refused",),
    "api-realisations-write": (
        API + "test_a_write_without_the_version_is_refused_with_428",
        API + "test_the_second_write_of_a_stale_version_is_refused_with_the_current_values",
        API + "test_writing_what_is_stored_already_is_no_conflict",
        PARALLEL + "test_parallel_api_writes_with_the_same_version",
    ),
    "api-budget-write": (API + "test_a_stale_budget_line_is_refused",),
    "api-quarter-targets-write": (
        "tests/api/test_quarter_targets.py::test_write_then_read_back",
        "tests/api/test_quarter_targets.py::test_no_version_is_428_and_a_json_number_is_refused",
    ),
    # ---- steps and settings: parallel saves tested, no version needed
    "workflow-submit": (PARALLEL + "test_parallel_submissions_of_the_same_period",),
    "workflow-due-rules": (PARALLEL + "test_parallel_first_saves_of_the_due_rules",),
    "workflow-approvers": "a whole-table setting of three choices: each save stores the whole table in one "
    "transaction (get_or_create_once per step, as the due rules), so the last save wins entirely; nothing of "
    "another save is mixed in or lost silently",
    # ---- the regency's RPJMD (issue #17): a page opened before another person's save stores nothing (409)
    "rpjmd": ("tests/cascade/test_pages.py::test_a_stale_page_stores_nothing",),
    "rpjmd-indicator-edit": ("tests/cascade/test_pages.py::test_a_stale_page_stores_nothing",),
    "rpjmd-indicator-add": "adds a new IKU Pemda: two additions are two rows (a code used twice is refused by the "
    "form and the unique constraint), nothing is overwritten",
    "office-rpjmd-links": "the office's whole selection of RPJMD links is stored in one transaction from the form "
    "as submitted, so the last save wins entirely; the links carry no typed figures of a period and every save "
    "is in the audit trail",
    # ---- no stale-save case needed, and why
    "workflow-verify": "a workflow step: the period's row is locked (SELECT … FOR UPDATE) and the step checked "
    "against its current state, so a second identical step is refused (as the parallel submit test shows)",
    "workflow-return": "a workflow step (see workflow-verify)",
    "workflow-approve": "a workflow step (see workflow-verify)",
    "workflow-unlock": "a workflow step (see workflow-verify)",
    "workflow-withdraw": "a workflow step (see workflow-verify)",
    "evaluation-submit": "an LKE step: nothing typed; run under the office's lock against the status read there, "
    "so a second submit is refused as already submitted",
    "evaluation-finish": "an LKE step (see evaluation-submit)",
    "evaluation-reopen": "an LKE step (see evaluation-submit)",
    "evaluation-akip": "stores the finished evaluation's result, a computed value, not one typed on a page; the "
    "year's row gets a new version, so an entry page opened before it is refused",
    "evaluation-recommendation-add": "adds a recommendation: two additions are two rows, nothing is overwritten",
    "evaluation-recommendation-confirm": (
        "tests/evaluation/test_recommendations.py::test_a_confirmation_from_a_stale_page_is_refused",
    ),
    "quarter-comment": "adds a verifier's note on an indicator's quarter: append-only, two notes are two rows, "
    "nothing is overwritten",
    "quarter-preview": "computes the preview of one typed row; stores nothing",
    "import-excel": "the Excel preview: reads the file and records the versions of the rows it names, which the "
    "confirmation checks (import-excel-confirm); stores nothing",
    "review-printed": "reviews an uploaded printed report against the stored figures; stores nothing",
    "documents-batch": "starts a document job: a new row each time, nothing overwritten",
    "documents-batch-retry": "starts a failed batch again as a new job with the same choices (the failed one stays "
    "listed); a finished or running batch is only shown: nothing is overwritten",
    "jobs-retry": "queues a failed job again by a conditional update (status still failed): two clicks queue it once; "
    "a job the same key made active meanwhile is shown instead (jobs.services.retry)",
    "api-tokens": "the user's own API tokens: one person",
    "password_change": "the user's own password: one person, and Django ends the other sessions",
    "twofactor": "the user's own two-factor devices and recovery codes: one person",
    "twofactor-enrol": "the user's own authenticator being enrolled: one person, one session",
    "twofactor-verify": "the second step of the user's own sign-in: one session",
    "login": "the user's own session",
    "logout": "the user's own session",
    "set_language": "the user's own session",
    ADMIN: "the regency administrator's tool for reference data (users, memberships, LKE templates); the data "
    "people enter is view-only there (GovernedAdmin) and edited on the pages above",
}


def write_routes() -> set[str]:
    """Every route that writes: POST pages of the matrix, non-GET API operations, the admin."""
    out = {name for name, (_get, post) in OFFICE_PAGES.items() if post is not None}
    out |= {name for name, methods in SITE_PAGES.items() if set(methods) - {"GET"}}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                if set(op.methods) - {"GET", "HEAD", "OPTIONS"}:
                    assert op.url_name, f"API operation {op.methods} without url_name"
                    out.add(op.url_name)
    if any(r.admin for r in walk(get_resolver().url_patterns)):
        out.add(ADMIN)
    return out


def _test_function(test_id: str) -> tuple[Callable[..., Any] | None, str | None]:
    path, _sep, name = test_id.partition("::")
    name, _bracket, param = name.partition("[")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    return getattr(module, name, None), (param.rstrip("]") or None)


def _has_param(func: Callable[..., Any], param: str) -> bool:
    for mark in getattr(func, "pytestmark", []):
        if mark.name == "parametrize" and param in [str(v) for v in mark.args[1]]:
            return True
    return False


def test_every_write_route_is_listed() -> None:
    missing = sorted(write_routes() - set(WRITE_ROUTES))
    assert not missing, f"write routes without a stale-save case or a reason in WRITE_ROUTES: {missing}"


def test_no_listed_route_is_gone() -> None:
    gone = sorted(set(WRITE_ROUTES) - write_routes())
    assert not gone, f"WRITE_ROUTES lists routes that do not write (or no longer exist): {gone}"


def test_every_case_names_an_existing_test_or_a_reason() -> None:
    problems = []
    for route, case in WRITE_ROUTES.items():
        if isinstance(case, str):
            if len(case.split()) < 4:
                problems.append(f"{route}: the reason is too short to explain anything")
            continue
        if not case:
            problems.append(f"{route}: no test")
        for test_id in case:
            func, param = _test_function(test_id)
            if func is None or not func.__name__.startswith("test_"):
                problems.append(f"{route}: {test_id} does not exist")
            elif param is not None and not _has_param(func, param):
                problems.append(f"{route}: {test_id} has no parameter {param!r}")
    assert not problems, "\n".join(problems)


def test_the_data_routes_of_the_issue_have_tests_not_reasons() -> None:
    """The pages, imports and API writes the issue names (#10, "no lost update") each have real cases."""
    named = {
        "quarter-entry", "budget-entry", "pk-edit", "pk-amend", "plan-edit", "indicator-edit", "indicator-add",
        "program-edit", "survey-detail", "office-data", "import-excel-confirm", "evaluation-office",
        "evaluation-score", "evaluation-recommendations", "api-realisations-write", "api-budget-write",
    }
    assert all(isinstance(WRITE_ROUTES[name], tuple) for name in named)
