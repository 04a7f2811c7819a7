"""Sessions end after inactivity, and the two-factor step is enforced — from the session alone.

:class:`SessionGuardMiddleware` (after authentication and messages in ``MIDDLEWARE``):

* **Inactivity.** The session holds the time of the last request (``sakip_seen``), renewed
  at most every :func:`refresh_seconds` (five minutes, or a sixth of the idle time if
  shorter). A renewal saves the session, which also moves its expiry in the database
  (``SESSION_COOKIE_AGE`` = ``SAKIP_SESSION_IDLE_MINUTES``): so a busy user's session is
  written once every few minutes, not on every page. A session whose stamp is older than
  the idle time is ended here; one the database already let expire is simply not found. The
  user is therefore signed out between ``idle − refresh`` and ``idle`` after the last
  request, and the sign-in page says why.
* **Two-factor.** A signed-in user whose second step is due (``sakip.accounts.twofactor``:
  ``verify`` or ``enrol``) reaches only the two-factor pages, the sign-out and the
  language switch; every other address redirects there.

Neither check reads the database: the session is read by the page anyway (one query) and
the step is noted in it at sign-in. The API (``/api/``) authenticates with tokens, not
sessions, and is not touched.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import twofactor

SEEN_KEY = "sakip_seen"
#: the pages a signed-in user whose second step is due may open
OPEN_DURING_SECOND_STEP = ("twofactor-verify", "twofactor-enrol", "logout", "set_language")


def idle_seconds() -> int:
    return int(settings.SAKIP_SESSION_IDLE_MINUTES) * 60


def refresh_seconds() -> int:
    return max(1, min(300, idle_seconds() // 6))


def stamp(request: HttpRequest) -> None:
    """``user_logged_in``: the new session starts active (no write on the next page)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SEEN_KEY] = int(time.time())


def on_sign_in(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None:
        stamp(request)


def ended_text() -> str:
    return _("Sesi Anda telah berakhir karena tidak ada aktivitas selama %(minutes)d menit. Silakan masuk lagi.") % {
        "minutes": settings.SAKIP_SESSION_IDLE_MINUTES
    }


class SessionGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.skip = ("/api/", str(settings.STATIC_URL if str(settings.STATIC_URL).startswith("/") else
                                  "/" + str(settings.STATIC_URL)))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(self.skip):
            return self.get_response(request)
        session = request.session
        ended = False
        if SESSION_KEY in session:
            now = int(time.time())
            seen = session.get(SEEN_KEY)
            if not isinstance(seen, int) or now - seen >= idle_seconds():
                if isinstance(seen, int):
                    session.flush()  # idle too long: signed out (the database row is deleted)
                    request.user = AnonymousUser()
                    ended = True
                else:  # a session signed in before the stamp existed: starts now
                    session[SEEN_KEY] = now
            elif now - seen >= refresh_seconds():
                session[SEEN_KEY] = now
            if not ended:
                step = twofactor.due(request)
                if step is not None and not self._open_during_second_step(path):
                    target = reverse("twofactor-verify" if step == twofactor.VERIFY else "twofactor-enrol")
                    return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        elif request.COOKIES.get(settings.SESSION_COOKIE_NAME) and session.session_key is None:
            ended = True  # the browser's session is no longer known: expired in the database
        if ended and path == resolve_url(settings.LOGIN_URL):
            messages.info(request, ended_text())
        response = self.get_response(request)
        if ended and response.status_code in (301, 302) and response.get("Location", "").startswith(
            resolve_url(settings.LOGIN_URL)
        ):
            messages.info(request, ended_text())  # kept in the messages cookie until the sign-in page
        return response

    @staticmethod
    def _open_during_second_step(path: str) -> bool:
        return path in {reverse(name) for name in OPEN_DURING_SECOND_STEP}
