"""Input at the boundary: control characters, integer parameters, redirects, stored text in files.

* NUL and the other C0 control characters (but tab, CR, LF) in a path, query string, form field,
  file name, header or JSON string: 400 before any view runs (the 400 page; JSON for the API),
  nothing stored;
* integer parameters (``?tahun=``, ``?triwulan=``, ``?versi=``, ids in forms) that are not
  integers — ``abc``, ``1e5``, twenty digits, negative, empty, ``²``, Arabic-Indic digits — are
  ignored (the default) or 404, never 500;
* an external or unknown ``next`` falls back to a page of the site;
* a year in a URL outside 2000–2100 (but 0, "the office's year") is a 404 before any view runs;
* a text stored with a control character (before the boundary existed) does not break the
  realisation template nor a document.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sakip.api.models import ApiToken
from sakip.audit.models import AuditEntry
from sakip.planning.models import Indicator

from .demo_support import Demo

YEAR = 2020
NUL_VALUES = ["\x00", "a\x00b", "\x01", "x\x08y", "\x1b[31m", "\x0b", "\x0c", "\x1f", "\ufffe"]


@pytest.fixture
def operator(login_as: Callable[[str], Client]) -> Client:
    return login_as("operator_a")


def _is_400_page(response: Any) -> bool:
    return response.status_code == 400 and b'data-testid="error-400"' in response.content


@pytest.mark.parametrize("bad", NUL_VALUES)
def test_control_characters_in_a_query_string_are_a_400_page(bad: str, operator: Client, demo: Demo) -> None:
    response = operator.get(reverse("office-dashboard", args=[demo.office_a.code]), {"tahun": bad})
    assert _is_400_page(response), response.status_code


@pytest.mark.parametrize("bad", NUL_VALUES)
def test_control_characters_in_a_form_store_nothing(bad: str, operator: Client, demo: Demo) -> None:
    before = AuditEntry.objects.count()
    url = reverse("plan-edit", args=[demo.office_a.code])
    response = operator.post(url, {"op": "plan", "name": f"Renstra {bad}", "start_year": "2019", "end_year": "2023"})
    assert _is_400_page(response)
    assert AuditEntry.objects.count() == before


def test_tab_newline_and_carriage_return_pass(operator: Client, demo: Demo) -> None:
    response = operator.get(reverse("office-dashboard", args=[demo.office_a.code]), {"q": "a\tb\r\nc"})
    assert response.status_code == 200


def test_a_control_character_in_a_key_path_header_or_file_name_is_refused(operator: Client, demo: Demo) -> None:
    dashboard = reverse("office-dashboard", args=[demo.office_a.code])
    assert _is_400_page(operator.get(dashboard, {"a\x00": "1"}))
    assert _is_400_page(operator.get(dashboard + "%00"))
    assert _is_400_page(operator.get(dashboard, headers={"User-Agent": "Mozilla\x00"}))
    # an uploaded file's name: Django's multipart parser already drops non-printable characters
    upload = io.BytesIO(b"PK\x03\x04")
    upload.name = "realisasi\x00.xlsx"
    url = reverse("import-excel", args=[demo.office_a.code, YEAR])
    response = operator.post(url, {"kind": "realisasi", "file": upload})
    assert response.status_code == 200 and b"realisasi\x00" not in response.content


def test_a_malformed_multipart_body_is_a_400(operator: Client, demo: Demo) -> None:
    url = reverse("import-excel", args=[demo.office_a.code, YEAR])
    response = operator.generic("POST", url, b"--x\r\nrubbish", content_type="multipart/form-data; boundary=\x01")
    assert response.status_code == 400


def test_the_api_answers_json_400(demo: Demo) -> None:
    token = ApiToken.issue(demo.user("operator_a"), "uji")[1]
    headers = {"Authorization": f"Bearer {token}"}
    client = Client()
    url = f"/api/v1/offices/{demo.office_a.code}/years/{YEAR}/quarters/4/realisations"
    body = '{"rows": [{"indicator": "IK1", "value": "1", "explanation": "a\\u0000b"}]}'
    response = client.post(url, body, content_type="application/json", headers=headers)
    assert response.status_code == 400 and "karakter kendali" in response.json()["detail"]
    response = client.get("/api/v1/offices/%00", headers=headers)
    assert response.status_code == 400 and "karakter kendali" in response.json()["detail"]
    response = client.get("/api/v1/offices", {"limit": "1\x00"}, headers=headers)
    assert response.status_code == 400


HOSTILE_INTEGERS = ["abc", "1e5", "99999999999999999999", "-1", "", "²", "١٢", "２０２０", "2020.0", " 2020x"]


@pytest.mark.parametrize("value", HOSTILE_INTEGERS)
def test_hostile_integer_query_parameters_are_ignored(
    value: str, login_as: Callable[[str], Client], demo: Demo
) -> None:
    code = demo.office_a.code
    admin = login_as("admin")
    pages = [
        (reverse("office-dashboard", args=[code]), {"tahun": value}),
        (reverse("plan-tree", args=[code]), {"tahun": value}),
        (reverse("pk-detail", args=[code, YEAR]), {"versi": value, "tahun": value}),
        (reverse("regency-dashboard"), {"tahun": value, "triwulan": value}),
        (reverse("review-regency"), {"tahun": value}),
        (reverse("evaluation-regency"), {"tahun": value}),
        (reverse("audit-regency"), {"opd": value, "id": value, "hal": value}),
        (reverse("indicator-add", args=[code]), {"tujuan": value, "sasaran": value}),
        (reverse("portal-index"), {"tahun": value}),
    ]
    for url, params in pages:
        response = admin.get(url, params)
        assert response.status_code == 200, (url, params, response.status_code)


@pytest.mark.parametrize("value", HOSTILE_INTEGERS)
def test_hostile_ids_in_forms_are_404_or_the_form(value: str, login_as: Callable[[str], Client], demo: Demo) -> None:
    code = demo.office_a.code
    admin = login_as("admin")
    for op in ("goal", "objective", "goal-delete", "objective-delete"):
        response = admin.post(reverse("plan-edit", args=[code]), {"op": op, "id": value, "code": "T9", "text": "x"})
        assert response.status_code in (200, 302, 404), (op, value, response.status_code)
    response = admin.post(reverse("program-edit", args=[code]), {"id": value, "op": "delete"})
    assert response.status_code in (200, 302, 404)
    response = admin.post(reverse("api-tokens"), {"op": "revoke", "id": value})
    assert response.status_code == 302
    response = admin.post(reverse("import-excel-confirm", args=[code, YEAR]), {"batch": value})
    assert response.status_code in (302, 404)
    response = admin.post(reverse("workflow-submit", args=[code, YEAR]), {"step": "quarter", "quarter": value})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil.example"]
)
def test_an_external_next_falls_back_to_the_site(target: str, demo: Demo) -> None:
    client = Client()
    response = client.post(
        reverse("login") + "?next=" + target, {"username": "admin", "password": demo.password, "next": target}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home"), response.get("Location")
    response = client.post(reverse("set_language"), {"language": "id", "next": target})
    assert (
        response.status_code == 302 and "evil" not in response["Location"] and "javascript" not in response["Location"]
    )
    url = reverse("workflow-submit", args=[demo.office_a.code, YEAR])
    response = client.post(url, {"step": "pk", "next": target})  # the confirmation page: its way back is ours
    assert response.status_code == 200 and "evil" not in response.content.decode()
    response = client.post(url, {"step": "pk", "next": target, "confirm": "1"})
    assert response.status_code == 302 and "evil" not in response["Location"]


@pytest.mark.parametrize("target", ["NaN", "office-dashboard", "kembali", "", "?x=1", "../admin/"])
def test_an_unknown_next_falls_back_to_the_office(target: str, login_as: Callable[[str], Client], demo: Demo) -> None:
    """A bare word is not a path: Django's ``redirect()`` would have reversed it as a view name (a 500)."""
    response = login_as("admin").post(
        reverse("workflow-submit", args=[demo.office_a.code, YEAR]), {"step": "pk", "next": target, "confirm": "1"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("office-dashboard", args=["kaloran"])


@pytest.mark.parametrize(
    ("year", "status"),
    [("2020", 200), ("0", 302), ("1999", 404), ("2101", 404), ("99999", 404), (str(2**63), 404), ("-1", 404)],
)
def test_a_year_in_a_url_is_a_year_sakip_keeps_or_0(
    year: str, status: int, login_as: Callable[[str], Client], demo: Demo
) -> None:
    """``<year:year>``: 2000–2100, or 0 for "the office's year" (the year pages redirect); else the 404 page
    before any view runs — a write of year 2**63 was an overflow (a 500)."""
    from sakip.workflow.models import PeriodState

    admin = login_as("admin")
    assert admin.get(f"/opd/kaloran/reviu/{year}/").status_code == status
    before = PeriodState.objects.count()
    response = admin.post(f"/opd/kaloran/alur/{year}/ajukan/", {"step": "pk", "confirm": "1"})
    assert response.status_code == (302 if status == 200 else 404)
    if status != 200:
        assert PeriodState.objects.count() == before


def test_a_stored_control_character_does_not_break_the_template_or_a_document(
    login_as: Callable[[str], Client], demo: Demo
) -> None:
    ind = Indicator.objects.filter(plan__office=demo.office_a).order_by("id").first()
    assert ind is not None
    nul = "\x00" if connection.vendor != "postgresql" else ""  # PostgreSQL never stored a NUL in text
    Indicator.objects.filter(pk=ind.pk).update(name=f"Persentase{nul} capaian\x01 \x0b(tempel)")  # as if stored before
    admin = login_as("admin")
    response = admin.get(reverse("import-excel-template", args=[demo.office_a.code, YEAR]), {"jenis": "realisasi"})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    names = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(n.startswith("Persentase capaian") for n in names), names[:20]
    response = admin.get(reverse("document-download", args=[demo.office_a.code, YEAR, "matrik", "xlsx"]))
    assert response.status_code == 200
    b"".join(response.streaming_content) if response.streaming else response.content
