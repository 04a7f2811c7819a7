from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "sakip.planning"
    label = "planning"
    verbose_name = _("Perencanaan kinerja")
