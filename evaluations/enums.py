from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretariat")


# Council roles that score products.
SCORING_ROLES = frozenset({CouncilRole.CHAIR, CouncilRole.VICE_CHAIR, CouncilRole.MEMBER})


class SheetStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("sheet", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("sheet", "Submitted")


class Flag(models.TextChoices):
    """What stops a result's approval (decisions 9 and 10). The one place that names each flag: ``label`` in a
    sentence or a printout, ``short`` on a badge; ``Flag.words`` for a stored value, whatever it holds."""

    SPREAD = "spread", _("Needs discussion: scores far apart")
    QUORUM = "quorum", _("Quorum not reached")
    CHAIR = "chair", _("The chair's own sheet is missing")

    @property
    def short(self) -> str:
        return FLAG_SHORT_LABELS[self.value]

    @classmethod
    def words(cls, value, *, short: bool = False) -> str:
        """The label of a stored flag; a value no longer known (an old or hand-edited row) is shown as stored."""
        if value not in cls.values:
            return str(value)
        flag = cls(value)
        return str(flag.short if short else flag.label)


FLAG_SHORT_LABELS = {
    Flag.SPREAD.value: _("spread"),
    Flag.QUORUM.value: _("quorum"),
    Flag.CHAIR.value: _("chair's sheet missing"),
}


# ---------------------------------------------------------------------------- certificates (decisions 13-16)
class CertificateKind(models.TextChoices):
    """Issued here (generated, numbered from the authority's sequence) or recorded from a higher level (decision 14)."""

    ISSUED = "issued", _("Issued by this authority")
    RECORDED = "recorded", _("Recorded (issued by another level)")


class CertificateStatus(models.TextChoices):
    """Derived from dates and events, never stored (decision 16)."""

    VALID = "valid", pgettext_lazy("certificate", "Valid")
    EXPIRING = "expiring", pgettext_lazy("certificate", "Expiring soon")
    EXPIRED = "expired", pgettext_lazy("certificate", "Expired")
    REVOKED = "revoked", pgettext_lazy("certificate", "Revoked")
    SUPERSEDED = "superseded", pgettext_lazy("certificate", "Superseded")


# A certificate with this many days left or fewer is "expiring"; the expiry list's buckets and reminders (decision 22).
EXPIRING_DAYS = 120
EXPIRY_BUCKETS = (30, 60, 120)
# The statuses under which a product counts as OCOP-certified (public catalogue, product page).
CURRENT_STATUSES = frozenset({CertificateStatus.VALID, CertificateStatus.EXPIRING})


class RevocationGround(models.TextChoices):
    """Grounds for revoking a certificate (decision 16)."""

    FALSE_DOSSIER = "false_dossier", _("False or forged dossier")
    CRITERIA_NOT_MET = "criteria_not_met", _("No longer meets the criteria after inspection")
    LEGAL_VIOLATION = (
        "legal_violation",
        _("Violation of the law on quality, food safety, environment, intellectual property or labelling"),
    )
    MARK_MISUSE = "mark_misuse", _("Misuse of the OCOP mark")
    PRODUCTION_STOPPED = "production_stopped", _("Production stopped")
    OTHER_DECISION = "other_decision", _("Other decision of the competent authority")


class InspectionResult(models.TextChoices):
    COMPLIANT = "compliant", _("Still meets the criteria")
    REMEDY = "remedy", _("Meets the criteria with corrections required")
    NOT_COMPLIANT = "not_compliant", _("No longer meets the criteria")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("batch", "Queued")
    RUNNING = "running", pgettext_lazy("batch", "Running")
    DONE = "done", pgettext_lazy("batch", "Done")
    FAILED = "failed", pgettext_lazy("batch", "Failed")


BATCH_ACTIVE = frozenset({BatchStatus.QUEUED, BatchStatus.RUNNING})
