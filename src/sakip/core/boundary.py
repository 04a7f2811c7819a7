"""The boundary: characters no file or database can hold are refused before any view runs.

`BoundaryMiddleware` (first after Django's SecurityMiddleware, so before the session,
the user and the audit trail read anything) answers **400** when the request's path, a
query-string or form key or value, an uploaded file's name, a header value or a string
(or key) of a JSON body holds a character of `sakip.domain.text.CONTROL`: NUL and the
other C0 control characters except tab, line feed and carriage return, U+FFFE/U+FFFF and
lone surrogates. PostgreSQL refuses NUL in text, and XML (every .xlsx template and .docx
document) refuses all of them: a text stored with one broke a download for everyone.

Pages get Django's 400 page (``400.html``, in the layout); the API (``/api/``) gets JSON
``{"detail": "..."}``. Nothing is cleaned silently here: a person who pasted a control
character is told, and sends the text again. Writers of files still clean what is
already stored (`sakip.domain.text.clean_text`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from sakip.domain.text import has_control

API_PREFIX = "/api/"
MAX_JSON_BYTES = 2 * 1024 * 1024  # a JSON body larger than this is the API's to refuse; not walked here


def _message() -> str:
    return _(
        "Permintaan ditolak: isian atau alamat berisi karakter kendali (misalnya NUL) yang tidak dapat "
        "disimpan. Hapus karakter itu lalu kirim lagi."
    )


def _json_strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            yield v
        elif isinstance(v, dict):
            for k, x in v.items():
                yield str(k)
                stack.append(x)
        elif isinstance(v, list):
            stack.extend(v)


def _texts(request: HttpRequest) -> Iterable[str]:
    yield request.path
    for key, values in request.GET.lists():
        yield key
        yield from values
    for key, header in request.META.items():
        if key.startswith("HTTP_") and isinstance(header, str):
            yield header
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                yield key
                yield from values
            for _key, uploads in request.FILES.lists():
                for upload in uploads:
                    yield upload.name or ""
        elif content_type == "application/json" and 0 < len(request.body) <= MAX_JSON_BYTES:
            try:
                doc = json.loads(request.body)
            except (ValueError, RecursionError):
                return  # not JSON: the API's parser answers that
            yield from _json_strings(doc)


def refused(request: HttpRequest) -> bool:
    """Does the request carry a character the boundary refuses?"""
    return any(has_control(t) for t in _texts(request))


class BoundaryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            bad = refused(request)
        except MultiPartParserError:  # Django raises it as is (a 500): a malformed upload is a bad request
            raise BadRequest(_("Unggahan tidak dapat dibaca (multipart tidak sah).")) from None
        if bad:
            if request.path.startswith(API_PREFIX):
                return JsonResponse({"detail": _message()}, status=400)
            raise BadRequest(_message())  # Django's handler: the 400 page, logged as a bad request
        return self.get_response(request)
