from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "sakip.audit"
    label = "audit"
    verbose_name = _("Jejak audit")

    def ready(self) -> None:
        from . import recorder, users

        recorder.connect()
        users.connect()
