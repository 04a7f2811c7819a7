from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvinceConfig(AppConfig):
    """The province / national oversight view over many regencies (issue #12): reads only, no tables."""

    name = "sakip.province"
    label = "province"
    verbose_name = _("Pengawasan provinsi/nasional")
