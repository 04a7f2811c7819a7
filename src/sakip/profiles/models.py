"""The office profile (identity, organisation, per-year tables) and the narrative sections of its documents.

What these rows mean is `sakip.domain.profile`; the dataset mapping is `profiles.interchange`.
Lists and tables are JSON lists of plain strings and objects (the shapes of the dataset format);
narratives are plain text (paragraphs split on blank lines, ``- `` list items), never HTML.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from sakip.accounts.models import Office
from sakip.core.concurrency import Versioned
from sakip.core.guarded import GuardedManager
from sakip.domain.profile import DOCUMENTS


def logo_path(instance: OfficeProfile, filename: str) -> str:
    """Never the uploaded name: a random one (`images.new_name`); uploads go through `images.store`."""
    from .images import new_name

    return new_name(instance.office_id, filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin")


class OfficeProfile(Versioned):
    """Identity and organisation of an office (one row per office)."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="profile")
    official_name = models.CharField(_("nama resmi"), max_length=500, blank=True)
    address = models.CharField(_("alamat"), max_length=500, blank=True)
    telephone = models.CharField(_("telepon"), max_length=100, blank=True)
    email = models.CharField(_("surel"), max_length=200, blank=True)
    website = models.CharField(_("laman"), max_length=200, blank=True)
    capital = models.CharField(_("ibu kota kabupaten (tempat penandatanganan)"), max_length=200, blank=True)
    region_head_name = models.CharField(_("nama kepala daerah"), max_length=200, blank=True)
    region_head_title = models.CharField(_("jabatan kepala daerah"), max_length=200, blank=True)
    logo = models.ImageField(_("logo perangkat daerah"), upload_to=logo_path, blank=True)
    regency_logo = models.ImageField(_("logo pemerintah daerah"), upload_to=logo_path, blank=True)
    #: ``[{"name", "parent", "head_position", "head_name"}]`` in order
    units: models.JSONField[Any, Any] = models.JSONField(_("unit organisasi"), default=list, blank=True)
    tasks: models.JSONField[Any, Any] = models.JSONField(_("tugas"), default=list, blank=True)
    functions: models.JSONField[Any, Any] = models.JSONField(_("fungsi"), default=list, blank=True)
    legal_basis: models.JSONField[Any, Any] = models.JSONField(_("dasar hukum"), default=list, blank=True)

    class Meta:
        verbose_name = _("profil perangkat daerah")
        verbose_name_plural = _("profil perangkat daerah")

    def __str__(self) -> str:
        return str(self.office)


class YearProfile(Versioned):
    """An office's staff, facilities and villages in one year (JSON rows in the dataset's shapes)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="year_profiles")
    year = models.PositiveSmallIntegerField(_("tahun"))
    staff: models.JSONField[Any, Any] = models.JSONField(_("pegawai"), default=list, blank=True)
    facilities: models.JSONField[Any, Any] = models.JSONField(_("sarana dan prasarana"), default=list, blank=True)
    villages: models.JSONField[Any, Any] = models.JSONField(_("desa/kelurahan"), default=list, blank=True)
    photos: models.JSONField[Any, Any] = models.JSONField(_("foto prestasi"), default=list, blank=True)

    objects = GuardedManager["YearProfile"]()

    class Meta:
        verbose_name = _("profil tahunan")
        verbose_name_plural = _("profil tahunan")
        ordering = ["office", "year"]
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="one_year_profile")]

    def __str__(self) -> str:
        return f"{self.office} {self.year}"


class Narrative(Versioned):
    """One narrative section of one document of an office-year."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="narratives")
    year = models.PositiveSmallIntegerField(_("tahun"))
    document = models.CharField(_("dokumen"), max_length=20, choices=[(d, d) for d in DOCUMENTS])
    key = models.CharField(_("bagian"), max_length=40)
    text = models.TextField(_("teks"), blank=True, max_length=20000)
    is_draft = models.BooleanField(_("draf dari tahun sebelumnya"), default=False)

    objects = GuardedManager["Narrative"]()

    class Meta:
        verbose_name = _("narasi")
        verbose_name_plural = _("narasi")
        ordering = ["office", "year", "document", "key"]
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "document", "key"], name="one_narrative_per_section")
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.year} {self.document}.{self.key}"
