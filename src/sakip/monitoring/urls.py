from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="office-dashboard"),
    path("pengukuran/<year:year>/tw/<int:quarter>/", views.quarter_entry, name="quarter-entry"),
    path("pengukuran/<year:year>/tw/<int:quarter>/pratinjau/", views.quarter_preview, name="quarter-preview"),
    path("bukti/<int:pk>/", views.evidence_download, name="evidence-download"),
]
