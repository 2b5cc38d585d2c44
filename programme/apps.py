from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Programme years, rounds, criteria sets and regimes")

    def ready(self):
        from ocop import demo
        from ocop.models import register_regime_defaults
        from programme import calendar_exceptions, rules  # noqa: F401 - registers rules and audit labels
        from programme.regimes import authority_defaults

        register_regime_defaults(authority_defaults)
        demo.register_step("year", "programme.demo.seed_plan_2024", order=10)
