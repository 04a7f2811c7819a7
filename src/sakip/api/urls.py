"""The API (/api/v1/…, documentation at /api/docs) and the token page."""

from django.urls import URLPattern, URLResolver, path

from . import views
from .api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("akun/token/", views.tokens, name="api-tokens"),
    path("api/", api.urls),
]
