"""Programme years and (later) criteria sets, rounds, council, scoring, results, certificates."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.models import Authority


class ProgrammeYear(models.Model):
    """A year's OCOP plan: what the district set out to achieve (e.g. Lục Nam 2024)."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2018)])
    plan_reference = models.CharField(
        _("plan reference"), max_length=200, blank=True, help_text=_("Number and date of the year's plan.")
    )
    target_new_products = models.PositiveSmallIntegerField(_("target: new products at 3★ or more"), default=0)
    target_reevaluations = models.PositiveSmallIntegerField(_("target: re-evaluations"), default=0)
    ceremony_by = models.DateField(_("ceremony by"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme year")
        verbose_name_plural = _("programme years")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "year"], name="programme_year_unique_per_authority"),
        ]

    def __str__(self):
        return _("OCOP programme %(year)s") % {"year": self.year}
