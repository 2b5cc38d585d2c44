"""Certificates (decisions 13-17): the numbering sequence, the issuing batches, the certificates with their derived
status, and inspections."""

import calendar
import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.enums import (
    BATCH_ACTIVE,
    EXPIRING_DAYS,
    BatchStatus,
    CertificateKind,
    CertificateStatus,
    InspectionResult,
    RevocationGround,
)
from evaluations.models.decisions import Recognition
from ocop.models import Authority, CommuneScopedQuerySet
from programme.models import CriteriaSet, Round


# ---------------------------------------------------------------------------------------------------- certificates
def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the last day of the month when that day does not exist: 31/01 + 1 → 28/02)."""
    year = day.year + (day.month - 1 + months) // 12
    month = (day.month - 1 + months) % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# The verification code printed on a certificate and in its QR: 20 characters from 31 unambiguous capitals and
# digits (no 0/O, 1/I/L), about 99 bits: not guessable, and readable aloud or typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 20
CODE_REGEX = f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}"


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def certificate_file_path(instance, filename):
    # Random names under a private folder (served only by the permission-checked download view).
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in {".pdf", ".jpg", ".jpeg", ".png"}:
        suffix = ""  # callers name the file after its detected type; nothing else reaches the disk
    return f"certificates/{uuid.uuid4().hex}{suffix}"


class CertificateSequence(models.Model):
    """The last certificate number used by an authority in a year. Locked (SELECT … FOR UPDATE) while a number is
    allocated, in the transaction that creates the certificate: a rollback returns the number, so there are no gaps
    and no duplicates however many people issue at once."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["authority", "year"], name="certificate_sequence_once_per_year"),
        ]

    def __str__(self):
        return f"{self.authority.code} {self.year}: {self.last}"


class IssuingBatch(models.Model):
    """The issuing of every certificate of a round's decision in one action, run by a Celery task."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="issuing_batches")
    status = models.CharField(_("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    total = models.PositiveIntegerField(_("certificates to issue"), default=0)
    done = models.PositiveIntegerField(_("certificates issued"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)

    class Meta:
        verbose_name = _("issuing batch")
        verbose_name_plural = _("issuing batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One batch at a time per round: a second click while the first runs is a no-op.
            models.UniqueConstraint(
                fields=["round"], condition=models.Q(status__in=sorted(BATCH_ACTIVE)), name="issuing_batch_one_active"
            ),
        ]

    def __str__(self):
        return f"{self.round}: {self.done}/{self.total}"

    @property
    def active(self) -> bool:
        return self.status in BATCH_ACTIVE

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)


class CertificateQuerySet(CommuneScopedQuerySet):
    commune_lookup = "product__commune_id"  # a certificate belongs to its product's commune

    def live(self):
        """Neither revoked nor replaced by a newer version (may be expired)."""
        return self.filter(revoked_at__isnull=True, superseded_at__isnull=True)

    def current(self, today=None):
        """Valid or expiring today: the certificates that make a product OCOP-certified."""
        return self.live().filter(valid_until__gte=today or timezone.localdate())

    def with_status(self, status: str, today=None):
        today = today or timezone.localdate()
        soon = today + datetime.timedelta(days=EXPIRING_DAYS)
        if status == CertificateStatus.REVOKED:
            return self.filter(revoked_at__isnull=False)
        if status == CertificateStatus.SUPERSEDED:
            return self.filter(revoked_at__isnull=True, superseded_at__isnull=False)
        if status == CertificateStatus.EXPIRED:
            return self.live().filter(valid_until__lt=today)
        if status == CertificateStatus.EXPIRING:
            return self.live().filter(valid_until__gte=today, valid_until__lte=soon)
        if status == CertificateStatus.VALID:
            return self.live().filter(valid_until__gt=soon)
        raise ValueError(status)


class Certificate(models.Model):
    """An OCOP certificate (decisions 13-16).

    ``issued``: generated by this authority for a recognition of its decision, numbered from the authority's
    sequence, rendered to PDF once and stored with its SHA-256. ``recorded``: a certificate issued by a higher level
    (province 4★, ministry 5★), entered with its number, date, issuer and scanned file.

    A certificate is immutable once issued (decision 15): the printed facts are copied onto the row; re-issuing
    makes a new version and marks this one superseded; revoking records the decision. The status is derived from
    dates and these events (``status()``), never stored.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=CertificateKind.choices, default=CertificateKind.ISSUED)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="certificates")
    recognition = models.ForeignKey(
        Recognition, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    product = models.ForeignKey(
        "products.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="certificates"
    )
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
    )
    number = models.CharField(_("certificate number"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year of the number"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    code = models.CharField(_("verification code"), max_length=32, unique=True, default=new_verification_code)
    # The facts printed on the certificate, as they stood when it was issued.
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"))
    product_name = models.CharField(_("product"), max_length=200)
    producer_name = models.CharField(_("producer"), max_length=200)
    producer_address = models.CharField(_("producer's address"), max_length=400)
    product_group = models.CharField(_("criteria set"), max_length=300, blank=True)
    product_code = models.CharField(_("product code"), max_length=60, blank=True)
    star = models.PositiveSmallIntegerField(_("star"))
    issued_on = models.DateField(_("issue date"))
    valid_until = models.DateField(_("valid until"))
    issuer = models.CharField(_("issued by"), max_length=200)
    signatory = models.CharField(_("signatory"), max_length=200, blank=True)
    # The file: the generated PDF (issued) or the scan (recorded), stored once.
    file = models.FileField(_("file"), upload_to=certificate_file_path, max_length=255, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    batch = models.ForeignKey(IssuingBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    issued_at = models.DateTimeField(_("recorded"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reissue_reason = models.TextField(_("reason for re-issuing"), blank=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    # Revocation (decision 16): effective as soon as it is recorded.
    revoked_at = models.DateTimeField(_("revocation recorded"), null=True, blank=True)
    revoked_on = models.DateField(_("revocation decision date"), null=True, blank=True)
    revocation_decision = models.CharField(_("revocation decision number"), max_length=100, blank=True)
    revocation_ground = models.CharField(
        _("ground for revocation"), max_length=30, choices=RevocationGround.choices, blank=True
    )
    revocation_note = models.TextField(_("revocation note"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "year", "sequence"],
                condition=models.Q(kind="issued"),
                name="certificate_unique_sequence",
            ),
            models.UniqueConstraint(
                fields=["authority", "number"], condition=models.Q(kind="issued"), name="certificate_unique_number"
            ),
            # One live version per recognition: re-issuing supersedes the old one in the same transaction.
            models.UniqueConstraint(
                fields=["recognition"],
                condition=models.Q(superseded_at__isnull=True),
                name="certificate_one_current_per_recognition",
            ),
            models.UniqueConstraint(fields=["recognition", "version"], name="certificate_unique_version"),
            models.CheckConstraint(
                condition=models.Q(kind="recorded") | models.Q(recognition__isnull=False, sequence__isnull=False),
                name="certificate_issued_has_recognition",
            ),
            models.CheckConstraint(condition=models.Q(star__gte=1, star__lte=5), name="certificate_star_1_to_5"),
        ]
        indexes = [
            # The register (certificate list): newest first.
            models.Index(fields=["-issued_on", "-id"], name="certificate_register"),
            # Serves the public catalogue and the expiry list: live certificates by expiry.
            models.Index(
                fields=["valid_until"],
                condition=models.Q(revoked_at__isnull=True, superseded_at__isnull=True),
                name="certificate_live_by_expiry",
            ),
        ]

    def __str__(self):
        return f"{self.number} – {self.product_name}"

    @property
    def commune(self):
        return self.product.commune

    @property
    def is_recorded(self) -> bool:
        return self.kind == CertificateKind.RECORDED

    def status(self, today=None) -> CertificateStatus:
        today = today or timezone.localdate()
        if self.revoked_at:
            return CertificateStatus.REVOKED
        if self.superseded_at:
            return CertificateStatus.SUPERSEDED
        if today > self.valid_until:
            return CertificateStatus.EXPIRED
        if (self.valid_until - today).days <= EXPIRING_DAYS:
            return CertificateStatus.EXPIRING
        return CertificateStatus.VALID

    def days_left(self, today=None) -> int:
        return (self.valid_until - (today or timezone.localdate())).days

    def is_current(self, today=None) -> bool:
        return self.status(today) in (CertificateStatus.VALID, CertificateStatus.EXPIRING)


class Inspection(models.Model):
    """A check of a certified product after recognition: who inspected, what they found, the outcome."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="inspections")
    date = models.DateField(_("inspection date"))
    inspectors = models.CharField(_("inspectors"), max_length=300)
    findings = models.TextField(_("findings"))
    result = models.CharField(_("result"), max_length=20, choices=InspectionResult.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.certificate.product_name} {self.date:%d/%m/%Y}"

    @property
    def commune(self):
        return self.certificate.commune
