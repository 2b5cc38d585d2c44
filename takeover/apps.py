from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TakeoverConfig(AppConfig):
    """Taking over a former district's data (issue 21): folding a district deployment's backup into the province.

    It sits above funding (core ← programme ← products ← evaluations ← funding ← takeover ← insights): it reads and
    writes every app's rows, and no app imports it."""

    name = "takeover"
    verbose_name = _("Taking over a former district's data")
    default_auto_field = "django.db.models.BigAutoField"
