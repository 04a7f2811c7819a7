"""URLs under /opd/<office_code>/ (every view wrapped by accounts.access.office_view)."""

from django.urls import URLPattern, URLResolver, path

from . import answer_views, recommendation_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("lke/<year:year>/", answer_views.evaluation_office, name="evaluation-office"),
    path("lke/<year:year>/kirim/", views.evaluation_submit, name="evaluation-submit"),
    path("lke/<year:year>/nilai/", answer_views.evaluation_score, name="evaluation-score"),
    path("lke/<year:year>/selesai/", views.evaluation_finish, name="evaluation-finish"),
    path("lke/<year:year>/buka/", views.evaluation_reopen, name="evaluation-reopen"),
    path("lke/<year:year>/ringkasan/", views.evaluation_summary, name="evaluation-summary"),
    path("lke/<year:year>/ambil-akip/", views.evaluation_akip, name="evaluation-akip"),
    path(
        "lke/<year:year>/rekomendasi/",
        recommendation_views.evaluation_recommendations,
        name="evaluation-recommendations",
    ),
    path(
        "lke/<year:year>/rekomendasi/tambah/",
        recommendation_views.evaluation_recommendation_add,
        name="evaluation-recommendation-add",
    ),
    path(
        "lke/<year:year>/rekomendasi/<int:pk>/konfirmasi/",
        recommendation_views.evaluation_recommendation_confirm,
        name="evaluation-recommendation-confirm",
    ),
    path("lke/<year:year>/laporan.docx", views.evaluation_report, name="evaluation-report"),
    path("lke/<year:year>/bukti/<int:pk>/", views.evaluation_evidence, name="evaluation-evidence"),
    path(
        "lke/<year:year>/tindak-lanjut/<int:pk>/",
        views.evaluation_followup_evidence,
        name="evaluation-followup-evidence",
    ),
]
