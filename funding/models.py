"""Budgets and (later) Resolution 67 entitlements and payments."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluations.models import ProgrammeYear


class BudgetLine(models.Model):
    """Money set aside for a programme year, e.g. the province's 200,000,000 VND for 2024 (decision 20)."""

    year = models.ForeignKey(ProgrammeYear, on_delete=models.PROTECT, related_name="budget_lines")
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (VND)"), max_digits=15, decimal_places=0, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="budget_line_unique_name_per_year"),
        ]

    def __str__(self):
        return self.name
