"""The recognition decision of a round and the products it recognises (decision 13: the authority's decision)."""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programme.models import Round


class RecognitionDecision(models.Model):
    """The district People's Committee's decision recognising a round's products at the stars it may award."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="decision")
    number = models.CharField(_("decision number"), max_length=100)
    date = models.DateField(_("decision date"))
    signed_by = models.CharField(_("signed by"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("recognition decision")
        verbose_name_plural = _("recognition decisions")

    def __str__(self):
        return self.number

    @property
    def valid_until(self) -> datetime.date:
        months = self.round.year.authority.certificate_validity_months
        year = self.date.year + (self.date.month - 1 + months) // 12
        month = (self.date.month - 1 + months) % 12 + 1
        day = min(self.date.day, calendar.monthrange(year, month)[1])
        return datetime.date(year, month, day)


class Recognition(models.Model):
    """A product recognised by a decision, with its star."""

    decision = models.ForeignKey(RecognitionDecision, on_delete=models.PROTECT, related_name="recognitions")
    dossier = models.OneToOneField("products.Dossier", on_delete=models.PROTECT, related_name="recognition")
    star = models.PositiveSmallIntegerField(_("star"))
    product_code = models.CharField(
        _("product code"), max_length=60, blank=True, help_text=_("In the authority's product code format.")
    )

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")

    def __str__(self):
        return f"{self.dossier.product} {self.star}★"

    @property
    def commune(self):
        return self.dossier.commune
