from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluation rounds and results")

    def ready(self):
        from evaluations import domain, rules  # noqa: F401 - registers rules and audit labels
