"""Support policies (Resolution 67/2023 and its successors), entitlements and payments, budget lines and expenses.

Money is ``Decimal`` VND with no decimal places (``MoneyField``), never float.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import Recognition, RecognitionDecision
from funding.enums import STARS, BudgetKind, EntitlementSource, EntitlementStatus, Payer, PaymentOutcome, SupportCase
from ocop.models import Authority, Commune, CommuneScopedQuerySet
from programme.models import ProgrammeYear


def money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=15, decimal_places=0, validators=[MinValueValidator(0)], **kwargs
    )


# ---------------------------------------------------------------------------------------------------- policies
class SupportPolicy(models.Model):
    """A support policy as data (decision 18): its legal basis, the window of decision dates it covers, rates by
    case × star (``SupportRate``) and who pays per star. A recognition is covered when its decision date falls in
    [valid_from, valid_to]; under the province regime the province pays everything whatever the payer per star."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="support_policies")
    legal_basis = models.CharField(
        _("legal basis"), max_length=200, help_text=_("e.g. Nghị quyết số 67/2023/NQ-HĐND ngày 13/12/2023")
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty: no end date yet."))
    payer_3 = models.CharField(_("payer for 3★"), max_length=20, choices=Payer.choices, default=Payer.DISTRICT)
    payer_4 = models.CharField(_("payer for 4★"), max_length=20, choices=Payer.choices, default=Payer.PROVINCE)
    payer_5 = models.CharField(_("payer for 5★"), max_length=20, choices=Payer.choices, default=Payer.PROVINCE)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("support policy")
        verbose_name_plural = _("support policies")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="support_policy_window_in_order",
            ),
        ]

    def __str__(self):
        return self.legal_basis

    def covers(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def payer_for(self, star: int) -> str:
        return getattr(self, f"payer_{star}", "") if star in STARS else ""

    def rate_table(self) -> list[dict]:
        """Rows per case, with the amount per star (None for no support), from prefetched rates."""
        amounts = {(r.case, r.star): r.amount for r in self.rates.all()}
        return [{"case": case, "amounts": [amounts.get((case.value, star)) for star in STARS]} for case in SupportCase]


class SupportRate(models.Model):
    """One cell of a policy's table: the one-off amount for a case at a star. A missing cell means no support."""

    policy = models.ForeignKey(SupportPolicy, on_delete=models.CASCADE, related_name="rates")
    case = models.CharField(_("case"), max_length=20, choices=SupportCase.choices)
    star = models.PositiveSmallIntegerField(_("star"))
    amount = money_field(_("amount (VND)"))

    class Meta:
        verbose_name = _("support rate")
        verbose_name_plural = _("support rates")
        ordering = ["policy", "case", "star"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "case", "star"], name="support_rate_once_per_case_star"),
            models.CheckConstraint(condition=Q(star__gte=3, star__lte=5), name="support_rate_star_3_to_5"),
        ]

    def __str__(self):
        return f"{self.policy} {self.get_case_display()} {self.star}★: {self.amount}"


# ---------------------------------------------------------------------------------------------------- budgets
class BudgetLine(models.Model):
    """Money set aside for a programme year and a payer: the district's OCOP support line (entitlements are paid
    from it) or a programme line such as the province's 200,000,000 VND for 2024 (decision 20)."""

    year = models.ForeignKey(ProgrammeYear, on_delete=models.PROTECT, related_name="budget_lines")
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (VND)"), max_digits=15, decimal_places=0, validators=[MinValueValidator(0)])
    payer = models.CharField(_("payer"), max_length=20, choices=Payer.choices, default=Payer.DISTRICT)
    kind = models.CharField(_("kind"), max_length=20, choices=BudgetKind.choices, default=BudgetKind.PROGRAMME)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="budget_line_unique_name_per_year"),
            # Entitlements are paid from the one support line of their year and payer.
            models.UniqueConstraint(
                fields=["year", "payer"], condition=Q(kind="support"), name="budget_line_one_support_line"
            ),
        ]

    def __str__(self):
        return self.name


class Expense(models.Model):
    """Money spent from a budget line for something other than an entitlement (propaganda, study tours, council
    work). ``override_reason`` is set when the expense took the line beyond its amount."""

    line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="expenses"
    )
    date = models.DateField(_("date"))
    purpose = models.CharField(_("purpose"), max_length=300)
    amount = money_field(_("amount (VND)"))
    document = models.CharField(
        _("document"), max_length=200, help_text=_("Number and date of the voucher or decision, e.g. PC 12/2024.")
    )
    override_reason = models.TextField(_("reason for spending beyond the line"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive")]

    def __str__(self):
        return f"{self.purpose} ({self.date:%d/%m/%Y})"


# ---------------------------------------------------------------------------------------------------- entitlements
class EntitlementQuerySet(CommuneScopedQuerySet):
    def committed(self):
        from funding.enums import COMMITTED_STATES

        return self.filter(status__in=sorted(COMMITTED_STATES))


class Entitlement(models.Model):
    """What a producer is owed for a product's recognition under a policy (decision 18): created by the
    decision-recorded hook, approved by finance, then paid once (or rejected with a reason).

    ``source`` says whose recognition it pays: this authority's decision (``decision``), or a higher level's result
    recorded on the council's result (``higher_level``: under the district regime the province's 4★ or the ministry's
    5★, paid by the province), whose decision number and date are ``higher_decision``/``higher_decision_date``. At
    most one of each per recognition."""

    recognition = models.ForeignKey(Recognition, on_delete=models.PROTECT, related_name="entitlements")
    source = models.CharField(
        _("recognised by"), max_length=20, choices=EntitlementSource.choices, default=EntitlementSource.DECISION
    )
    higher_decision = models.CharField(_("decision of the higher level"), max_length=100, blank=True)
    higher_decision_date = models.DateField(_("date of that decision"), null=True, blank=True)
    decision = models.ForeignKey(RecognitionDecision, on_delete=models.PROTECT, related_name="entitlements")
    year = models.ForeignKey(
        ProgrammeYear, verbose_name=_("programme year"), on_delete=models.PROTECT, related_name="entitlements"
    )
    product = models.ForeignKey(
        "products.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="entitlements"
    )
    producer = models.ForeignKey(
        "products.Producer", verbose_name=_("producer"), on_delete=models.PROTECT, related_name="entitlements"
    )
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(SupportPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="+")
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    case = models.CharField(_("case"), max_length=20, choices=SupportCase.choices)
    star = models.PositiveSmallIntegerField(_("star"))
    previous_star = models.PositiveSmallIntegerField(_("previous star"), null=True, blank=True)
    amount = money_field(_("amount (VND)"))
    payer = models.CharField(_("payer"), max_length=20, choices=Payer.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=EntitlementStatus.choices, default=EntitlementStatus.PROPOSED, db_index=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(_("amount paid (VND)"), max_digits=15, decimal_places=0, null=True, blank=True)

    objects = EntitlementQuerySet.as_manager()

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        ordering = ["-decision__date", "product__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "product", "source"], name="entitlement_once_per_product_decision"
            ),
            models.UniqueConstraint(fields=["recognition", "source"], name="entitlement_once_per_recognition_source"),
            models.CheckConstraint(condition=Q(star__gte=3, star__lte=5), name="entitlement_star_3_to_5"),
        ]

    def __str__(self):
        return f"{self.product} – {self.decision_number}"

    @property
    def is_higher_level(self) -> bool:
        return self.source == EntitlementSource.HIGHER_LEVEL

    @property
    def decision_number(self) -> str:
        """The number of the decision this entitlement pays for (the higher level's, for its recognition)."""
        return self.higher_decision if self.is_higher_level else self.decision.number

    @property
    def decision_date(self):
        return self.higher_decision_date if self.is_higher_level else self.decision.date


class Payment(models.Model):
    """One attempt to pay an entitlement: paid (date, voucher, amount) or failed (reason); a failed attempt stays on
    record and the payment can be tried again. At most one paid attempt per entitlement (database constraint)."""

    entitlement = models.ForeignKey(Entitlement, on_delete=models.PROTECT, related_name="payments")
    outcome = models.CharField(_("outcome"), max_length=10, choices=PaymentOutcome.choices)
    date = models.DateField(_("payment date"))
    voucher_number = models.CharField(_("voucher number"), max_length=100, blank=True)
    amount = money_field(_("amount (VND)"))
    difference_reason = models.TextField(_("reason the amount differs from the entitlement"), blank=True)
    failure_reason = models.TextField(_("why the payment failed"), blank=True)
    line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    override_reason = models.TextField(_("reason for spending beyond the line"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["entitlement", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entitlement"], condition=Q(outcome="paid"), name="payment_paid_once_per_entitlement"
            ),
            models.CheckConstraint(
                condition=Q(outcome="failed") | Q(line__isnull=False, amount__gt=0), name="payment_paid_has_line"
            ),
        ]

    def __str__(self):
        return f"{self.entitlement} {self.get_outcome_display()} {self.date:%d/%m/%Y}"

    @property
    def commune(self):
        return self.entitlement.commune
