from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CascadeConfig(AppConfig):
    name = "sakip.cascade"
    label = "cascade"
    verbose_name = _("RPJMD dan penjenjangan kinerja")

    def ready(self) -> None:
        from . import locks

        locks.connect()
