from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "sakip.workflow"
    label = "workflow"
    verbose_name = _("Alur persetujuan dan jadwal")

    def ready(self) -> None:
        from . import guard

        guard.connect()
