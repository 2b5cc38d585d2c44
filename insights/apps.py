from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Read-only views across the apps: the homes, the district dashboard, official reports and exports.

    It sits above every app (core ← products ← evaluations ← funding ← insights): it may import any of them, and
    none of them imports it. It changes no state."""

    name = "insights"
    verbose_name = _("Dashboards and reports")

    def ready(self):
        from insights import rules  # noqa: F401 - registers the dashboard and report rules
