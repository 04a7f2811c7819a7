from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sakip.core"
    label = "core"
    verbose_name = "Sakip"
