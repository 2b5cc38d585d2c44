from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluation rounds and results")

    def ready(self):
        from evaluations import domain, ministry, rules  # noqa: F401 - registers rules, hooks and audit labels
        from evaluations.self_scores import score_self_assessment
        from ocop import delivery, demo
        from products import hooks as product_hooks

        demo.register_step("scoring", "evaluations.demo.seed_scoring", order=30)
        demo.register_step("results_2026", "evaluations.demo_2026.seed_2026", order=97)
        demo.register_step("notifications", "evaluations.demo.seed_reminders", order=90)
        delivery.register_deadline_scanner("evaluations.reminders.scan")
        product_hooks.on_self_score(score_self_assessment)
