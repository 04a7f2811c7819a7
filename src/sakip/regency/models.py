"""The regency app's tables: the data generations per scope (see `sakip.regency.generations`)."""

from __future__ import annotations

from django.db import models


class DataGeneration(models.Model):
    """One row per scope (an office, a regency's settings, a regency's aggregate, a user, ``*``, ``all``)
    whose token changes with every write to that scope.

    The token is random (not a counter) so that a rolled-back write leaves the old
    token — whose cached figures are still right — and the next write never reuses
    a token whose figures were computed from data that was rolled back.
    """

    scope = models.CharField(max_length=24, unique=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.scope}: {self.token}"
