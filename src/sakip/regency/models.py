"""The regency app's one table: the generation of the stored figures (see `sakip.regency.figures`)."""

from __future__ import annotations

from django.db import models


class DataGeneration(models.Model):
    """A single row whose token changes with every write to an office's data.

    The token is random (not a counter) so that a rolled-back write leaves the old
    token — whose cached figures are still right — and the next write never reuses
    a token whose figures were computed from data that was rolled back.
    """

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
