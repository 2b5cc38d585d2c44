"""A round's council and its conflicts of interest, the members' score sheets (with their revisions) and each
dossier's result (decisions 4-11)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from evaluations.enums import (
    CouncilRole,
    Flag,
    SheetStatus,
)
from programme.enums import RoundStage
from programme.models import CriteriaSet, Round


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
    comment = models.TextField(_("evaluator's opinion"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    total = models.PositiveSmallIntegerField(_("total"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    late_submission_allowed = models.BooleanField(
        _("may submit after the deadline"), default=False, help_text=_("Set when the secretariat reopens the sheet.")
    )
    # The member's signature online: the attestation ticked on submitting (who and when); the printed sheet carries
    # the line "Người đánh giá (Ký và ghi rõ họ tên)" with the member's name and this date.
    attested_at = models.DateTimeField(_("attested"), null=True, blank=True)
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
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
