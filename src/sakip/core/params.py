"""Integer parameters of a request (``?tahun=``, ``?triwulan=``, ids in a form, the year in a URL): one reading.

``str.isdigit()`` is true for ``"²"`` and ``"١٢"`` (and ``int("²")`` raises), and an id of
twenty digits overflows the database's integer: a view asks `int_param` instead, which
reads ASCII digits only, at most `MAX_DIGITS` of them, within ``low``–``high``, and
answers ``None`` for anything else (``abc``, ``1e5``, ``-1``, empty, too large). The view
then does what it does for a missing parameter (the default year, 404 for an id).

A year in a URL (``/opd/<office>/alur/<year:year>/ajukan/``) is read by `YearConverter`: a
year within `FIRST_YEAR`–`LAST_YEAR` (`valid_year`), or ``0`` — "the office's year", which the
office tabs link to before an office has data and the year pages redirect — else the URL
matches nothing and the answer is Django's 404 before any view runs. (Django's ``int``
converter took any number of digits: a year of 2**63 reached a view that stored it, an
overflow and a 500.) Ids in URLs keep ``int``: they are only looked up, and Django answers an
out-of-range lookup with no row (404).

`next_path` is the one reading of a ``next`` parameter (where to go after a form).
"""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

MAX_DIGITS = 18  # below 2**63: every id and year fits the database's BIGINT
MAX_ID = 2**63 - 1
_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")
FIRST_YEAR = 2000
LAST_YEAR = 2100


def valid_year(year: int) -> bool:
    """Is ``year`` a year Sakip keeps data for?"""
    return FIRST_YEAR <= year <= LAST_YEAR


def int_param(text: object, low: int = 0, high: int = MAX_ID) -> int | None:
    """The integer in ``text`` (ASCII digits, no sign) when ``low <= n <= high``; ``None`` otherwise."""
    if not isinstance(text, str):
        return None
    t = text.strip()
    if not _DIGITS.fullmatch(t):
        return None
    n = int(t)
    return n if low <= n <= high else None


def id_or_404(text: object) -> int:
    """An object id from a form or the query string; 404 (the normal page) when it is not one."""
    n = int_param(text, low=1)
    if n is None:
        raise Http404(_("Data tidak ditemukan"))
    return n


class YearConverter:
    """``<year:year>`` in a URL pattern: a year `valid_year` accepts, or 0 ("the office's year"); else no
    match (404)."""

    regex = "[0-9]{1,4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if year != 0 and not valid_year(year):
            raise ValueError(f"year {year} outside {FIRST_YEAR}-{LAST_YEAR}")  # Django: this pattern does not match
        return year

    def to_url(self, value: int | str) -> str:
        return str(value)


def next_path(request: HttpRequest, text: object) -> str | None:
    """``text`` when it is a path on this site to go back to (``/opd/...``), else ``None``.

    Only an absolute path is followed: another host, a scheme (``javascript:``), ``//host``, and a
    bare word are not — a bare word such as ``NaN`` is what Django's ``redirect()`` would try to
    reverse as a view name (a 500).
    """
    if not isinstance(text, str) or not text.startswith("/"):
        return None
    safe = url_has_allowed_host_and_scheme(text, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return text if safe else None
