"""The regency's RPJMD pages (every view checks the user's regency and role: `views`)."""

from django.urls import URLPattern, path

from . import tree, views

urlpatterns: list[URLPattern] = [
    path("pemda/rpjmd/", views.rpjmd_page, name="rpjmd"),
    path("pemda/rpjmd/indikator/baru/", views.indicator_edit, name="rpjmd-indicator-add"),
    path("pemda/rpjmd/indikator/<int:pk>/", views.indicator_figures, name="rpjmd-indicator"),
    path("pemda/rpjmd/indikator/<int:pk>/ubah/", views.indicator_edit, name="rpjmd-indicator-edit"),
    path("pemda/pohon/", tree.regency_tree, name="regency-tree"),
]
