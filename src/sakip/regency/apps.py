from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegencyConfig(AppConfig):
    name = "sakip.regency"
    label = "regency"
    verbose_name = _("Dasbor pemda")

    def ready(self) -> None:
        from .figures import connect_signals

        connect_signals()
