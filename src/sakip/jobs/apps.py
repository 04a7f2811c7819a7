from django.apps import AppConfig


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sakip.jobs"
    verbose_name = "Tugas latar belakang"
