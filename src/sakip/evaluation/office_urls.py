"""URLs under /opd/<office_code>/ (every view wrapped by accounts.access.office_view)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("lke/<int:year>/", views.evaluation_office, name="evaluation-office"),
    path("lke/<int:year>/kirim/", views.evaluation_submit, name="evaluation-submit"),
    path("lke/<int:year>/nilai/", views.evaluation_score, name="evaluation-score"),
    path("lke/<int:year>/selesai/", views.evaluation_finish, name="evaluation-finish"),
    path("lke/<int:year>/buka/", views.evaluation_reopen, name="evaluation-reopen"),
    path("lke/<int:year>/ringkasan/", views.evaluation_summary, name="evaluation-summary"),
    path("lke/<int:year>/ambil-akip/", views.evaluation_akip, name="evaluation-akip"),
    path("lke/<int:year>/rekomendasi/", views.evaluation_recommendations, name="evaluation-recommendations"),
    path(
        "lke/<int:year>/rekomendasi/tambah/", views.evaluation_recommendation_add, name="evaluation-recommendation-add"
    ),
    path("lke/<int:year>/laporan.docx", views.evaluation_report, name="evaluation-report"),
    path("lke/<int:year>/bukti/<int:pk>/", views.evaluation_evidence, name="evaluation-evidence"),
    path(
        "lke/<int:year>/tindak-lanjut/<int:pk>/",
        views.evaluation_followup_evidence,
        name="evaluation-followup-evidence",
    ),
]
