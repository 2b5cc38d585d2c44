from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Support payments and budgets")

    def ready(self):
        from funding import domain, hooks, rules  # noqa: F401 - registers rules, audit labels and the decision hook
        from ocop import demo

        # The programme's budget lines once the years exist (products.demo makes this year's), then the Resolution 67
        # entitlements and payments once the 2024 decision is recorded (evaluations.demo) and reminders are sent.
        demo.register_step("budgets", "funding.demo.seed_budgets", order=25)
        demo.register_step("funding", "funding.demo.seed_funding", order=95)
