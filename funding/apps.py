from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Support payments and budgets")

    def ready(self):
        from ocop import demo

        demo.register_step("budgets", "funding.demo.seed_budgets", order=40)
