"""Regency-level URLs."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("kotak-masuk/", views.inbox, name="inbox"),
    path("pemda/terlambat/", views.overdue_list, name="workflow-overdue"),
    path("pemda/tenggat/", views.due_rules, name="workflow-due-rules"),
    path("pemda/persetujuan/", views.approvers, name="workflow-approvers"),
]
