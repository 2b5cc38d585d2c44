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


class CriteriaSet(models.Model):
    """One of the 26 criteria sheets of Decision 148 ("bộ sản phẩm"), versioned by legal basis.

    The dossier issue only needs the catalogue (code, name, group); the scoring issue adds the criteria.
    """

    code = models.CharField(_("code"), max_length=4)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=200)
    group = models.CharField(_("product group"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    verified = models.BooleanField(_("checked against the official text"), default=True)

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteria_set_unique_code_version"),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Round(models.Model):
    """An evaluation round of a programme year, with the commune and district deadlines (decision 21)."""

    year = models.ForeignKey(ProgrammeYear, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("number"))
    commune_deadline = models.DateField(
        _("commune deadline"), help_text=_("Dossiers must be submitted by 23:59 of this day.")
    )
    district_deadline = models.DateField(_("district deadline"))

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year__year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="round_unique_number_per_year"),
        ]

    def __str__(self):
        return _("Round %(number)s/%(year)s") % {"number": self.number, "year": self.year.year}
