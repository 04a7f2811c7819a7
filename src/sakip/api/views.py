"""The user's own API tokens: make one (its secret shown once), or revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sakip.accounts.access import membership_of
from sakip.core.params import int_param

from .models import ApiToken

MAX_TOKENS = 20


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user_id = int(request.user.pk or 0)  # signed in (login_required)
    secret = None
    error = None
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op == "create":
            name = (request.POST.get("name") or "").strip()
            if not name or len(name) > 100:
                error = _("Beri nama token (1–100 karakter), misalnya nama aplikasi yang memakainya.")
            elif ApiToken.objects.filter(user_id=user_id).count() >= MAX_TOKENS:
                error = _("Paling banyak %(n)d token per pengguna; cabut token yang tidak dipakai.") % {"n": MAX_TOKENS}
            else:
                _token, secret = ApiToken.issue(request.user, name)
        elif op == "revoke":
            token_id = int_param(request.POST.get("id"), 1)
            deleted = ApiToken.objects.filter(user_id=user_id, pk=token_id).delete()[0] if token_id else 0
            if deleted:
                messages.success(request, _("Token dicabut."))
            return redirect("api-tokens")
        else:
            error = _("Permintaan tidak dikenal; tidak ada yang diubah.")
    context = {
        "membership": membership_of(request),
        "tokens": ApiToken.objects.filter(user_id=user_id),
        "secret": secret,
        "error": error,
    }
    return render(request, "api/tokens.html", context)
