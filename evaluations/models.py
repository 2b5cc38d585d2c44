"""Programme years and (later) criteria sets, rounds, council, scoring, results, certificates."""

import calendar
import datetime
import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from evaluations.enums import (
    BATCH_ACTIVE,
    EXPIRING_DAYS,
    BatchStatus,
    CertificateKind,
    CertificateStatus,
    CouncilRole,
    Flag,
    InspectionResult,
    RevocationGround,
    RoundStage,
    SheetStatus,
)
from ocop.models import Authority, CommuneScopedQuerySet


def default_ceremony(year: int) -> datetime.date:
    """Decision 21: the certificates are handed out by 15/12 of the programme year."""
    return datetime.date(year, 12, 15)


class ProgrammeYear(models.Model):
    """A year's OCOP plan: what the authority set out to achieve (e.g. Lục Nam 2024), its budget and ceremony.

    Editable until it is closed; closing is one-way (``evaluations.programme.close_year``)."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2018), MaxValueValidator(2100)])
    plan_reference = models.CharField(
        _("plan reference"), max_length=200, blank=True, help_text=_("Number and date of the year's plan.")
    )
    target_new_products = models.PositiveSmallIntegerField(_("target: new products at 3★ or more"), default=0)
    target_reevaluations = models.PositiveSmallIntegerField(_("target: re-evaluations"), default=0)
    budget = models.DecimalField(
        _("programme budget (VND)"),
        max_digits=15,
        decimal_places=0,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Money for the year's programme work (propaganda, study tours, council and secretariat)."),
    )
    ceremony_by = models.DateField(_("ceremony by"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("programme year")
        verbose_name_plural = _("programme years")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "year"], name="programme_year_unique_per_authority"),
        ]

    def __str__(self):
        return _("OCOP programme %(year)s") % {"year": self.year}

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    # Fields the year's form edits and the audit trail records.
    EDITABLE_FIELDS = ("plan_reference", "target_new_products", "target_reevaluations", "budget", "ceremony_by")


class CommuneTarget(models.Model):
    """A year's targets for one commune (optional: the plan may set them for the authority only)."""

    year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="commune_targets")
    commune = models.ForeignKey("ocop.Commune", on_delete=models.PROTECT, related_name="targets")
    new_products = models.PositiveSmallIntegerField(_("new products at 3★ or more"), default=0)
    reevaluations = models.PositiveSmallIntegerField(_("re-evaluations"), default=0)

    class Meta:
        verbose_name = _("commune target")
        verbose_name_plural = _("commune targets")
        ordering = ["year", "commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "commune"], name="commune_target_once_per_year"),
        ]

    def __str__(self):
        return f"{self.year.year} {self.commune}"


class CriteriaSet(models.Model):
    """One of the 26 criteria sheets of Decision 148 ("bộ sản phẩm"), versioned (decision 3).

    ``sheet`` holds parts → sections → criteria → options as loaded and validated by ``evaluations.criteria``.
    A version that has scores is never edited in place: a changed file makes a new version.
    """

    code = models.CharField(_("code"), max_length=4)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=200)
    group = models.CharField(_("product group"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    verified = models.BooleanField(_("verified in the source"), default=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    sheet = models.JSONField(_("criteria sheet"), default=list, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(_("loaded"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked against the official text by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("checked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteria_set_unique_code_version"),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    @property
    def usable(self) -> bool:
        """A round may use the set: verified in the source, or checked by staff (decision 12)."""
        return self.verified or self.confirmed_at is not None

    def has_scores(self) -> bool:
        return self.sheets.exclude(choices={}).exists()

    def criteria(self):
        """Every criterion in sheet order, with its part and section codes."""
        for part in self.sheet:
            for section in part["sections"]:
                for criterion in section["criteria"]:
                    yield part, section, criterion

    @property
    def max_total(self) -> int:
        return sum(part["max_points"] for part in self.sheet)


# Decision 21: the 2024 plan's rounds, (commune deadline, scoring deadline) as (month, day); later rounds repeat the
# last one's dates until the office changes them.
DEFAULT_ROUND_DATES = [((6, 10), (6, 15)), ((10, 10), (10, 15))]


def default_round_dates(year: int, number: int) -> tuple[datetime.date, datetime.date]:
    (cm, cd), (sm, sd) = DEFAULT_ROUND_DATES[min(number, len(DEFAULT_ROUND_DATES)) - 1]
    return datetime.date(year, cm, cd), datetime.date(year, sm, sd)


def criteria_json(path: str = "") -> list[str]:
    """The criteria set's JSON columns under ``path`` (e.g. ``"product__criteria_set"``), for ``defer()``: lists
    that show a set's code or name never need its sheet, and decoding a sheet costs more than the rest of the row."""
    prefix = f"{path}__" if path else ""
    return [f"{prefix}{name}" for name in ("sheet", "notes", "warnings")]


class Round(models.Model):
    """An evaluation round of a programme year, with the commune and scoring deadlines (decision 21)."""

    year = models.ForeignKey(ProgrammeYear, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("number"))
    commune_deadline = models.DateField(
        _("commune deadline"), help_text=_("Dossiers must be submitted by 23:59 of this day.")
    )
    district_deadline = models.DateField(
        _("scoring deadline"), help_text=_("Council members submit their sheets by 23:59 of this day.")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=RoundStage.choices, default=RoundStage.OPEN)
    scoring_started_at = models.DateTimeField(_("scoring started"), null=True, blank=True)
    approved_at = models.DateTimeField(_("results approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    meeting_date = models.DateField(_("council meeting"), null=True, blank=True)
    meeting_place = models.CharField(_("meeting place"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year__year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="round_unique_number_per_year"),
        ]

    def __str__(self):
        return _("Round %(number)s/%(year)s") % {"number": self.number, "year": self.year.year}

    @property
    def authority(self):
        return self.year.authority

    def stage_label(self, today=None) -> str:
        """The stage as people read it: an open round whose commune deadline passed is being checked."""
        today = today or timezone.localdate()
        if self.stage == RoundStage.OPEN and today > self.commune_deadline:
            return str(_("Checking dossiers"))
        return self.get_stage_display()

    def scoring_closed(self, now=None) -> bool:
        """After 23:59 of the district deadline (Asia/Ho_Chi_Minh), members can no longer submit."""
        return timezone.localdate(now or timezone.now()) > self.district_deadline


class CouncilMember(models.Model):
    """A member of a round's council (or its secretariat)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="council")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_seats")
    role = models.CharField(_("council role"), max_length=20, choices=CouncilRole.choices, default=CouncilRole.MEMBER)
    title = models.CharField(_("position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["round", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="council_member_once_per_round"),
            models.UniqueConstraint(
                fields=["round"], condition=models.Q(role="chair"), name="council_one_chair_per_round"
            ),
        ]

    def __str__(self):
        profile = getattr(self.user, "profile", None)
        return profile.full_name if profile and profile.full_name else self.user.get_username()

    @property
    def scores(self) -> bool:
        return self.role != CouncilRole.SECRETARY


class ConflictOfInterest(models.Model):
    """A member's declared interest in a producer: the member is not assigned that producer's dossiers."""

    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="conflicts")
    producer = models.ForeignKey("products.Producer", on_delete=models.CASCADE, related_name="conflicts")
    note = models.CharField(_("nature of the interest"), max_length=255, blank=True)
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["member", "producer"], name="conflict_once_per_member_producer"),
        ]

    def __str__(self):
        return f"{self.member} × {self.producer}"


class ScoreSheet(models.Model):
    """One member's scoring of one dossier (the assignment is the sheet)."""

    dossier = models.ForeignKey("products.Dossier", on_delete=models.CASCADE, related_name="sheets")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="sheets")
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="sheets")
    choices = models.JSONField(_("choices"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    total = models.PositiveSmallIntegerField(_("total"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    late_submission_allowed = models.BooleanField(
        _("may submit after the deadline"), default=False, help_text=_("Set when the secretariat reopens the sheet.")
    )

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["dossier", "member__role", "member__user__username"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "member"], name="sheet_once_per_member_dossier"),
        ]

    def __str__(self):
        return f"{self.dossier} – {self.member}"

    @property
    def commune(self):
        return self.dossier.commune

    @property
    def lapsed(self) -> bool:
        """A draft left when the round's results were approved: it was never submitted and never will be."""
        round_ = self.dossier.round
        return self.status == SheetStatus.DRAFT and round_.stage in (RoundStage.APPROVED, RoundStage.CLOSED)

    def status_text(self) -> str:
        if self.lapsed:
            approved = self.dossier.round.approved_at
            return _("Not submitted (the round was approved on %(date)s)") % {
                "date": date_format(timezone.localtime(approved), "SHORT_DATE_FORMAT") if approved else "—"
            }
        return self.get_status_display()


class SheetRevision(models.Model):
    """A submitted sheet as it stood before the secretariat reopened it (decision 9: each re-score is kept)."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="revisions")
    choices = models.JSONField()
    total = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField()
    reopened_at = models.DateTimeField(default=timezone.now)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["sheet", "reopened_at"]

    def __str__(self):
        return f"{self.sheet} @ {self.reopened_at:%Y-%m-%d %H:%M}"


class Result(models.Model):
    """The council's result for a dossier, recomputed whenever a sheet is submitted or reopened."""

    dossier = models.OneToOneField("products.Dossier", on_delete=models.CASCADE, related_name="result")
    sheet_count = models.PositiveSmallIntegerField(default=0)
    expected_count = models.PositiveSmallIntegerField(default=0)
    points_sum = models.PositiveIntegerField(default=0)
    mean = models.DecimalField(_("mean score"), max_digits=5, decimal_places=2, null=True, blank=True)
    min_total = models.PositiveSmallIntegerField(null=True, blank=True)
    max_total = models.PositiveSmallIntegerField(null=True, blank=True)
    band_star = models.PositiveSmallIntegerField(null=True, blank=True)
    star = models.PositiveSmallIntegerField(_("star"), null=True, blank=True)
    failed_marks = models.JSONField(default=list, blank=True)
    criterion_means = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=list, blank=True)
    resolution = models.TextField(_("chair's reason to accept"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)
    # The next level's result for a forwarded product (the province's for a district, the ministry's for a province).
    province_result_star = models.PositiveSmallIntegerField(
        _("star recognised by the next level"), null=True, blank=True
    )
    province_decision = models.CharField(_("decision of the next level"), max_length=100, blank=True)
    province_decision_date = models.DateField(_("date of that decision"), null=True, blank=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self):
        return f"{self.dossier}: {self.mean}"

    @property
    def commune(self):
        return self.dossier.commune

    @property
    def spread(self):
        if self.min_total is None:
            return None
        return self.max_total - self.min_total

    @property
    def blocking(self) -> list[str]:
        """Flags that still stop approval: quorum and the chair's sheet always; spread unless the chair recorded a
        reason."""
        return [f for f in self.flags if f in ("quorum", "chair") or (f == "spread" and not self.resolution)]

    @property
    def flag_items(self) -> list[dict]:
        """Each flag with its own words (``Flag``): ``label`` for a sentence, ``short`` for a badge; ``settled`` for a
        spread the chair accepted with a reason. A stored value of another shape shows nothing rather than fail."""
        flags = self.flags if isinstance(self.flags, list) else []
        return [
            {
                "flag": str(flag),
                "label": Flag.words(flag),
                "short": Flag.words(flag, short=True),
                "settled": flag == Flag.SPREAD and bool(self.resolution),
            }
            for flag in flags
        ]

    def forwarded(self, authority) -> bool:
        """Decision 2a: the council's uncapped star reaches the next level's star with the exact mean at its
        threshold (district → province at 4★ and 70; province → ministry at 5★ and 90)."""
        from evaluations.scoring import reaches_next_level

        return reaches_next_level(
            self.points_sum,
            self.sheet_count,
            self.star,
            next_star=authority.next_level_star,
            threshold=authority.forward_threshold,
        )


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
