"""URLs under /opd/<office_code>/ (every view wrapped by accounts.access.office_view)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("reviu/<year:year>/", views.office_page, name="review-office"),
    path("reviu/<year:year>/reviu.docx", views.office_docx, name="review-office-docx"),
    path("reviu/<year:year>/reviu.xlsx", views.office_xlsx, name="review-office-xlsx"),
    path("reviu-laporan/", views.printed_page, name="review-printed"),
    path("reviu-laporan/templat.xlsx", views.printed_template, name="review-printed-template"),
]
