from django.apps import AppConfig


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sakip.jobs"
    verbose_name = "Tugas latar belakang"

    def ready(self) -> None:
        # The queue's own admin (django_tasks_db) shows every regency's tasks and their arguments to any staff
        # user, without the regency scope every admin of Sakip declares (sakip.accounts.admin_scope): not
        # offered. A job's state is on its page (/tugas/<id>/), the queue's length in `health.queue_length`.
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
