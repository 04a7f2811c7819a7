from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "sakip.reviews"
    label = "reviews"
    verbose_name = _("Reviu otomatis")
