from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sakip.core"
    label = "core"
    verbose_name = "Sakip"

    def ready(self) -> None:
        from django.urls import register_converter

        from .params import YearConverter

        register_converter(YearConverter, "year")  # <year:year> in every URL pattern with a year
