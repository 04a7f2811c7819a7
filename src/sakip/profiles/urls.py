"""URLs under /opd/<office_code>/ (every view wrapped by accounts.access.office_view)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("profil/", views.profile_edit, name="profile-edit"),
    path("profil/<year:year>/", views.year_profile_edit, name="profile-year"),
    path("profil/<year:year>/foto/", views.photos_edit, name="profile-photos"),
    path("profil/berkas/<str:name>", views.profile_file, name="profile-file"),
    path("narasi/<year:year>/<slug:document>/", views.narrative_edit, name="narrative-edit"),
]
