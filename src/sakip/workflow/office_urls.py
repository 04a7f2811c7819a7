"""URLs under /opd/<office_code>/ (every view wrapped by accounts.access.office_view).

The workflow buttons: POST with ``step`` (pk, quarter, annual), ``quarter`` (1–4 for a
quarter), ``comment`` and ``next`` (the page to return to).
"""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("alur/<year:year>/ajukan/", views.submit, name="workflow-submit"),
    path("alur/<year:year>/verifikasi/", views.verify, name="workflow-verify"),
    path("alur/<year:year>/kembalikan/", views.send_back, name="workflow-return"),
    path("alur/<year:year>/setujui/", views.approve, name="workflow-approve"),
    path("alur/<year:year>/buka-kunci/", views.unlock, name="workflow-unlock"),
    path("alur/<year:year>/tarik-kembali/", views.withdraw, name="workflow-withdraw"),
    path("alur/<year:year>/tw/<int:quarter>/catatan/", views.row_comment, name="quarter-comment"),
]
