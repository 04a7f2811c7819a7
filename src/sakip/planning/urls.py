from django.urls import path

from . import views

urlpatterns = [
    path("pohon-kinerja/", views.plan_tree, name="plan-tree"),
    path("rencana/", views.plan_edit, name="plan-edit"),
    path("rencana/indikator/baru/", views.indicator_edit, name="indicator-add"),
    path("rencana/indikator/<int:pk>/", views.indicator_edit, name="indicator-edit"),
    path("rencana/program/", views.program_edit, name="program-edit"),
]
