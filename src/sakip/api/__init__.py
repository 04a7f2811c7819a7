"""The REST API (django-ninja) under /api/v1/, with per-user bearer tokens."""
