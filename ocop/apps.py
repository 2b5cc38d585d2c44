from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OcopConfig(AppConfig):
    name = "ocop"
    verbose_name = _("OCOP core")

    def ready(self):
        from ocop import (
            notifications_rules,  # noqa: F401 - registers the notification rules
            security,  # noqa: F401 - a login counts as session activity (idle timeout)
        )
        from ocop.forms import install_empty_choice_label
        from ocop.lib import search  # noqa: F401 - registers unaccent() on SQLite connections

        install_empty_choice_label()
