from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Support payments and budgets")

    def ready(self):
        from funding import domain, hooks, rules  # noqa: F401 - registers rules, audit labels and the decision hook
