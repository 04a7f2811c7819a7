"""Integer parameters of a request (``?tahun=``, ``?triwulan=``, ids in a form): one reading for every view.

``str.isdigit()`` is true for ``"²"`` and ``"١٢"`` (and ``int("²")`` raises), and an id of
twenty digits overflows the database's integer: a view asks `int_param` instead, which
reads ASCII digits only, at most `MAX_DIGITS` of them, within ``low``–``high``, and
answers ``None`` for anything else (``abc``, ``1e5``, ``-1``, empty, too large). The view
then does what it does for a missing parameter (the default year, 404 for an id).
"""

from __future__ import annotations

import re

from django.http import Http404
from django.utils.translation import gettext as _

MAX_DIGITS = 18  # below 2**63: every id and year fits the database's BIGINT
MAX_ID = 2**63 - 1
_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


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
