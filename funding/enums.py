"""Choices of the funding app: who pays, the case of a recognition, the states of an entitlement."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

STARS = (3, 4, 5)


class Payer(models.TextChoices):
    DISTRICT = "district", _("District budget")
    PROVINCE = "province", _("Province budget")


class SupportCase(models.TextChoices):
    NEW = "new", _("New (first evaluation)")
    KEPT = "kept", _("Re-evaluated, star kept")
    UPGRADED = "upgraded", _("Upgraded to this star")


class EntitlementSource(models.TextChoices):
    """What recognised the product: this authority's decision, or a higher level's result recorded on the council's
    result (the province's 4★ or the ministry's 5★ after the district forwarded the product)."""

    DECISION = "decision", _("This authority's decision")
    HIGHER_LEVEL = "higher_level", _("Higher level's recognition")


class BudgetKind(models.TextChoices):
    SUPPORT = "support", _("OCOP support payments")
    PROGRAMME = "programme", _("Programme activities")


class EntitlementStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("entitlement", "Proposed")
    APPROVED = "approved", pgettext_lazy("entitlement", "Approved")
    PAYMENT_FAILED = "payment_failed", pgettext_lazy("entitlement", "Payment failed")
    PAID = "paid", pgettext_lazy("entitlement", "Paid")
    REJECTED = "rejected", pgettext_lazy("entitlement", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("entitlement", "Withdrawn (no longer covered)")


class PaymentOutcome(models.TextChoices):
    PAID = "paid", pgettext_lazy("payment", "Paid")
    FAILED = "failed", pgettext_lazy("payment", "Failed")


# Approved money not yet paid: it is committed against the budget line.
COMMITTED_STATES = frozenset({EntitlementStatus.APPROVED, EntitlementStatus.PAYMENT_FAILED})
# The states in which a correction of the decision may still change the entitlement.
OPEN_STATES = frozenset({EntitlementStatus.PROPOSED, EntitlementStatus.WITHDRAWN})
# States from which a payment may be recorded (a failed payment is retried from PAYMENT_FAILED).
PAYABLE_STATES = frozenset({EntitlementStatus.APPROVED, EntitlementStatus.PAYMENT_FAILED})
# States from which finance may reject.
REJECTABLE_STATES = frozenset(
    {EntitlementStatus.PROPOSED, EntitlementStatus.APPROVED, EntitlementStatus.PAYMENT_FAILED}
)

# Allowed transitions: (from, to) -> domain function that makes it. Views never assign a status.
TRANSITIONS = {
    (EntitlementStatus.PROPOSED, EntitlementStatus.APPROVED): "approve_entitlement",
    (EntitlementStatus.PROPOSED, EntitlementStatus.REJECTED): "reject_entitlement",
    (EntitlementStatus.APPROVED, EntitlementStatus.REJECTED): "reject_entitlement",
    (EntitlementStatus.PAYMENT_FAILED, EntitlementStatus.REJECTED): "reject_entitlement",
    (EntitlementStatus.APPROVED, EntitlementStatus.PAID): "record_payment",
    (EntitlementStatus.PAYMENT_FAILED, EntitlementStatus.PAID): "record_payment",
    (EntitlementStatus.APPROVED, EntitlementStatus.PAYMENT_FAILED): "record_failed_payment",
    (EntitlementStatus.PAYMENT_FAILED, EntitlementStatus.PAYMENT_FAILED): "record_failed_payment",
    (EntitlementStatus.PROPOSED, EntitlementStatus.WITHDRAWN): "sync_decision (decision corrected)",
    (EntitlementStatus.WITHDRAWN, EntitlementStatus.PROPOSED): "sync_decision (decision corrected)",
}
