"""The user's own API tokens: make one (its secret shown once), or revoke one.

A new token's scope (read only, or read and write), reach (one office the user's role may
see, or all of them) and lifetime (30–365 days) are chosen here; the list shows each
token's limits, expiry and last use.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sakip.accounts.access import membership_of, offices_for
from sakip.core.params import int_param

from .models import DEFAULT_DAYS, LIFETIME_CHOICES, ApiToken, Scope

MAX_TOKENS = 20


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user_id = int(request.user.pk or 0)  # signed in (login_required)
    membership = membership_of(request)
    reach = offices_for(membership)
    secret = None
    error = None
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op == "create":
            name = (request.POST.get("name") or "").strip()
            scope = request.POST.get("scope") or Scope.READ  # absent: the least
            office_code = request.POST.get("office", "")
            office = next((o for o in reach if o.code == office_code), None)
            try:
                days = int(request.POST.get("days") or DEFAULT_DAYS)
            except ValueError:
                days = 0
            if not name or len(name) > 100:
                error = _("Beri nama token (1–100 karakter), misalnya nama aplikasi yang memakainya.")
            elif scope not in Scope.values:
                error = _("Pilih hak token: hanya baca, atau baca dan tulis.")
            elif office_code and office is None:
                error = _("Perangkat daerah itu tidak termasuk yang boleh Anda lihat.")
            elif days not in LIFETIME_CHOICES:
                error = _("Pilih masa berlaku token.")
            elif ApiToken.objects.filter(user_id=user_id).count() >= MAX_TOKENS:
                error = _("Paling banyak %(n)d token per pengguna; cabut token yang tidak dipakai.") % {"n": MAX_TOKENS}
            else:
                _token, secret = ApiToken.issue(request.user, name, scope=scope, office=office, days=days)
        elif op == "revoke":
            token_id = int_param(request.POST.get("id"), 1)
            deleted = ApiToken.objects.filter(user_id=user_id, pk=token_id).delete()[0] if token_id else 0
            if deleted:
                messages.success(request, _("Token dicabut."))
            return redirect("api-tokens")
        else:
            error = _("Permintaan tidak dikenal; tidak ada yang diubah.")
    context = {
        "membership": membership,
        "tokens": ApiToken.objects.filter(user_id=user_id).select_related("office"),
        "secret": secret,
        "error": error,
        "offices": reach,
        "scopes": Scope.choices,
        "lifetimes": LIFETIME_CHOICES,
        "default_days": DEFAULT_DAYS,
    }
    return render(request, "api/tokens.html", context)
