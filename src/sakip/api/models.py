"""API tokens: created by the user (or the admin), shown once, stored as a SHA-256 hash.

A token carries, besides its user (whose role's rights always apply):

* an **expiry** (``expires``): chosen at creation, :data:`DEFAULT_DAYS` days unless said
  otherwise, at most :data:`MAX_DAYS`; an expired token is refused (401);
* a **scope**: read only, or read and write (a read-only token is refused on every write, 403);
* a **reach**: one office, or (empty) everything the user's role may see; a token limited to
  one office is refused on every other office (403) and lists only that office;
* its **last use** (``last_used``), written at most once a minute (:data:`LAST_USED_EVERY`).

Tokens made before these fields existed were given read-write, the user's whole reach and an
expiry :data:`DEFAULT_DAYS` days after the upgrade (migration 0002).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX = "sakip_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
LIFETIME_CHOICES = (30, 90, 180, 365)
LAST_USED_EVERY = dt.timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_secret() -> tuple[str, str, str]:
    """A new secret: the text (shown once), its hash (stored) and its hint (its first characters)."""
    secret = PREFIX + secrets.token_urlsafe(32)
    return secret, hash_token(secret), secret[: len(PREFIX) + 4]


def expiry_after(days: int, now: dt.datetime | None = None) -> dt.datetime:
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a token lives 1–{MAX_DAYS} days, not {days}")
    return (now or timezone.now()) + dt.timedelta(days=days)


def default_expiry() -> dt.datetime:
    return expiry_after(DEFAULT_DAYS)


class Scope(models.TextChoices):
    READ = "read", _("hanya baca")
    WRITE = "write", _("baca dan tulis")


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("awal token"), max_length=16, editable=False)
    created = models.DateTimeField(_("dibuat"), auto_now_add=True)
    scope = models.CharField(_("hak"), max_length=5, choices=Scope.choices, default=Scope.READ)
    office = models.ForeignKey(
        "accounts.Office",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("perangkat daerah"),
        help_text=_("Kosong: semua perangkat daerah yang boleh dilihat peran pengguna."),
    )
    expires = models.DateTimeField(_("berlaku sampai"), default=default_expiry)
    last_used = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["user", "-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def expired(self) -> bool:
        return self.expires <= timezone.now()

    @property
    def writes(self) -> bool:
        return self.scope == Scope.WRITE

    def clean(self) -> None:
        """The expiry at most :data:`MAX_DAYS` days after creation; the office one the user's role may see."""
        errors: dict[str, Any] = {}
        start = self.created or timezone.now()
        if self.expires is not None and self.expires > start + dt.timedelta(days=MAX_DAYS, minutes=5):
            errors["expires"] = _("Token berlaku paling lama %(days)d hari.") % {"days": MAX_DAYS}
        if self.office_id is not None and self.user_id is not None and not self._office_in_reach():
            errors["office"] = _("Peran pengguna ini tidak boleh melihat perangkat daerah tersebut.")
        if errors:
            raise ValidationError(errors)

    def _office_in_reach(self) -> bool:
        from sakip.accounts.access import can
        from sakip.accounts.models import Membership

        m = Membership.objects.filter(user_id=self.user_id).select_related("office").first()
        return self.office is not None and can(m, self.office, "view")

    @classmethod
    def issue(
        cls,
        user: Any,
        name: str,
        *,
        scope: str = Scope.WRITE,
        office: Any = None,
        days: int = DEFAULT_DAYS,
    ) -> tuple[ApiToken, str]:
        """A new token for ``user``: the object, and the secret text (shown once, never stored).

        The defaults are those of the tokens made before scopes existed (read-write, the user's whole
        reach); the token page asks the user and offers read only first."""
        secret, key_hash, hint = new_secret()
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=key_hash,
            hint=hint,
            scope=scope,
            office=office,
            expires=expiry_after(days),
        )
        return token, secret
