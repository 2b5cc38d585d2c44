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

    # One decision of the round itself (``Round.decision``); under 26/2026 the province may later recognise a product
    # the ministry did not confirm at 90, on the central council's evaluation, by a decision of its own on the round
    # that scored it (``on_central_evaluation``).
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="decisions", related_query_name="decision")
    number = models.CharField(_("decision number"), max_length=100)
    date = models.DateField(_("decision date"))
    signed_by = models.CharField(_("signed by"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    on_central_evaluation = models.BooleanField(
        _("on the central council's evaluation"),
        default=False,
        help_text=_("The province recognises 3 or 4 stars after the ministry did not confirm 90 points."),
    )

    class Meta:
        verbose_name = _("recognition decision")
        verbose_name_plural = _("recognition decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["round"],
                condition=models.Q(on_central_evaluation=False),
                name="recognition_decision_one_per_round",
            ),
        ]

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


class ProductNumber(models.Model):
    """The product's sequence number in its commune (STT of ``T-X-STT-Năm``, Decision 26/2026: "STT do xã quản
    lý"): allocated once, at the product's first recognition with official codes, without gaps per commune across
    the years; the product keeps it on later recognitions (the year part of the code is the evaluation year)."""

    product = models.OneToOneField("products.Product", on_delete=models.PROTECT, related_name="ocop_number")
    commune = models.ForeignKey("ocop.Commune", on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField(_("sequence in the commune"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("product sequence number")
        verbose_name_plural = _("product sequence numbers")
        constraints = [models.UniqueConstraint(fields=["commune", "seq"], name="product_number_unique_per_commune")]

    def __str__(self):
        return f"{self.commune_id}-{self.seq:03d}"


class MinistryReferral(models.Model):
    """Decision 26/2026 Điều 7.3đ-e and 7.4: a product at 90 or more is not recognised by the province; the
    province approves the council's result and sends the product to the ministry. The ministry's outcome is kept on
    the result (``Result.province_result_star``: 5, or 0 when it did not confirm 90); after a 0 the province may
    recognise 3★ or 4★ on the central council's evaluation (``central_score``, ``RecognitionDecision`` with
    ``on_central_evaluation``)."""

    result = models.OneToOneField("evaluations.Result", on_delete=models.PROTECT, related_name="referral")
    approval_number = models.CharField(_("number of the decision approving the result"), max_length=100)
    approval_date = models.DateField(_("date of that decision"))
    sent_on = models.DateField(_("sent to the ministry on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    central_score = models.DecimalField(
        _("central council's score"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("referral to the ministry")
        verbose_name_plural = _("referrals to the ministry")

    def __str__(self):
        return self.approval_number
