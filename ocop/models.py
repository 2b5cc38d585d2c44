"""Shared core: the programme authority, its communes, user profiles, the audit trail."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ocop.enums import AuthorityLevel, UnitKind
from ocop.lib.unitnames import fold, unit_key


class AuthorityQuerySet(models.QuerySet):
    def current(self):
        """The authority this deployment serves (one per deployment; the first by id)."""
        return self.order_by("id").first()


# Product codes of Decision 148 (T-H-X-STT-Năm) and, without the district tier since Decision 1489 (T-X-STT-Năm).
DISTRICT_PRODUCT_CODE = "{province}-{authority}-{commune}-{seq:03d}-{year}"
PROVINCE_PRODUCT_CODE = "{province}-{commune}-{seq:03d}-{year}"


# The regimes are rows of ``programme.Regime``; the core does not import apps, so the programme app registers the
# function that reads them (``ProgrammeConfig.ready``). Without it the two regimes' built-in defaults apply.
_regime_defaults_provider = None


def register_regime_defaults(provider) -> None:
    """``provider(authority, level) -> dict | None``: the settings a change to ``level`` brings."""
    global _regime_defaults_provider
    _regime_defaults_provider = provider


class Authority(models.Model):
    """The body that runs the programme and its regime settings (decisions.md 1-2, 9-10, 13)."""

    name = models.CharField(
        _("name"), max_length=200, help_text=_("e.g. People's Committee of Lục Nam district, or of Bắc Ninh province")
    )
    short_name = models.CharField(_("short name"), max_length=100)
    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("Used in certificate numbers, e.g. LN."))
    province = models.CharField(_("province"), max_length=100)
    level = models.CharField(_("level"), max_length=20, choices=AuthorityLevel.choices, default=AuthorityLevel.DISTRICT)
    standing_body = models.CharField(
        _("standing body"), max_length=200, blank=True, help_text=_("The office that runs the programme day to day.")
    )
    max_recognised_star = models.PositiveSmallIntegerField(
        _("highest star this authority recognises"),
        default=3,
        validators=[MinValueValidator(3), MaxValueValidator(5)],
    )
    province_threshold = models.DecimalField(
        _("score forwarded to the province"), max_digits=5, decimal_places=2, default=Decimal("70")
    )
    ministry_threshold = models.DecimalField(
        _("score forwarded to the ministry"), max_digits=5, decimal_places=2, default=Decimal("90")
    )
    spread_threshold = models.DecimalField(
        _("spread that needs discussion (points)"), max_digits=5, decimal_places=2, default=Decimal("10")
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (percent of council members)"), default=75, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    certificate_validity_months = models.PositiveSmallIntegerField(_("certificate validity (months)"), default=36)
    certificate_number_format = models.CharField(
        _("certificate number format"), max_length=100, default="{seq:03d}/GCN-{authority}-{year}"
    )
    province_code = models.CharField(
        _("province code"), max_length=10, blank=True, help_text=_("Used in product codes, e.g. BG.")
    )
    product_code_format = models.CharField(
        _("product code format"),
        max_length=100,
        default=DISTRICT_PRODUCT_CODE,
        help_text=_("How a recognised product is coded."),
    )

    # The 2025 reorganisation: a district or province that no longer exists keeps its row (its certificates name it
    # as their issuer) with the last day it acted and the authority that took over its records.
    valid_to = models.DateField(
        _("acted until"), null=True, blank=True, help_text=_("The last day this authority acted, e.g. 30/06/2025.")
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("taken over by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("The authority that manages this authority's records now."),
    )

    objects = AuthorityQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme authority")
        verbose_name_plural = _("programme authorities")

    def __str__(self):
        return self.name

    @property
    def current_manager(self) -> "Authority":
        """The authority that manages this one's records today: the end of the successor chain (itself if none)."""
        authority, seen = self, {self.pk}
        while authority.successor_id and authority.successor_id not in seen:
            seen.add(authority.successor_id)
            authority = authority.successor
        return authority

    # ----------------------------------------------------------------- the regime (decisions.md 1-2a)
    @property
    def is_province(self) -> bool:
        return self.level == AuthorityLevel.PROVINCE

    @property
    def level_noun(self) -> str:
        """How the authority's tier is named in a sentence: "huyện" / "tỉnh" ("nộp lên huyện")."""
        return str(LEVEL_NOUNS[self.level])

    @property
    def next_level_star(self) -> int:
        """The star from which a product goes on to the next level (4★ to the province, 5★ to the ministry)."""
        return self.max_recognised_star + 1

    @property
    def next_level(self) -> str:
        """Where forwarded products go: the province from a district, the ministry from a province."""
        return "ministry" if self.is_province or self.max_recognised_star >= 4 else "province"

    @property
    def next_level_name(self) -> str:
        return str(NEXT_LEVEL_NAMES[self.next_level])

    @property
    def next_level_slug(self) -> str:
        """The next level in a file name: "de-nghi-tinh-…" from a district, "de-nghi-bo-…" from a province."""
        return NEXT_LEVEL_SLUGS[self.next_level]

    @property
    def forward_threshold(self):
        """The score (a setting) a product must reach to be forwarded to the next level."""
        return self.ministry_threshold if self.next_level == "ministry" else self.province_threshold

    def regime_defaults(self, level: str) -> dict:
        """The settings a change of level implies unless the office sets them otherwise (decision 2): the regime of
        that level, as data, from the provider the programme app registers (``programme.regimes``)."""
        if _regime_defaults_provider is not None:
            found = _regime_defaults_provider(self, level)
            if found:
                return found
        if level == AuthorityLevel.PROVINCE:
            return {"max_recognised_star": 4, "product_code_format": PROVINCE_PRODUCT_CODE}
        return {"max_recognised_star": 3, "product_code_format": DISTRICT_PRODUCT_CODE}

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        highest = 3 if self.level == AuthorityLevel.DISTRICT else 4
        if self.max_recognised_star and self.max_recognised_star > highest:
            errors["max_recognised_star"] = _(
                "A %(level)s recognises at most %(star)s★; higher stars are recognised by the next level."
            ) % {"level": self.level_noun, "star": highest}
        samples = {"seq": 1, "authority": self.code or "X", "year": 2026, "province": self.province_code or "T"}
        for field in ("certificate_number_format", "product_code_format"):
            try:
                getattr(self, field).format(**samples, commune="X")
            except (KeyError, IndexError, ValueError):
                errors[field] = _(
                    "Use only {seq}, {year}, {authority}, {province} and {commune} (e.g. {seq:03d} for 001)."
                )
        if errors:
            raise ValidationError(errors)

    # Fields that the settings page edits and the audit trail records.
    SETTINGS_FIELDS = (
        "level",
        "name",
        "short_name",
        "code",
        "province",
        "province_code",
        "max_recognised_star",
        "province_threshold",
        "ministry_threshold",
        "spread_threshold",
        "quorum_percent",
        "certificate_validity_months",
        "certificate_number_format",
        "product_code_format",
    )


LEVEL_NOUNS = {
    AuthorityLevel.DISTRICT: pgettext_lazy("in a sentence: submit to the …", "district"),
    AuthorityLevel.PROVINCE: pgettext_lazy("in a sentence: submit to the …", "province"),
}
NEXT_LEVEL_SLUGS = {"province": "tinh", "ministry": "bo"}  # file names are unaccented Vietnamese in every language
NEXT_LEVEL_NAMES = {
    "province": pgettext_lazy("forwarded to the …", "province"),
    "ministry": pgettext_lazy("forwarded to the …", "ministry"),
}


class CommuneScopedQuerySet(models.QuerySet):
    """Rows of the communes a user may see: all for district-wide roles, their own for a commune official.

    ``commune_lookup`` names the path from the row to its commune's id.
    """

    commune_lookup = "commune_id"

    def visible_to(self, user):
        from ocop import rules

        if rules.sees_all_communes(user):
            return self
        commune_id = rules.commune_id_of(user)
        return self.filter(**{self.commune_lookup: commune_id}) if commune_id else self.none()


class CommuneQuerySet(CommuneScopedQuerySet):
    commune_lookup = "pk"


_UNIT_KIND_LABELS = dict(UnitKind.choices)  # lazy labels, translated when the commune is shown


class Commune(models.Model):
    """A commune-level unit (xã or thị trấn) under the authority."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="communes")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.COMMUNE)
    slug = models.SlugField(_("slug"), max_length=100)
    code = models.CharField(
        _("official code"),
        max_length=5,
        blank=True,
        db_index=True,
        help_text=_("Decision 19/2025/QĐ-TTg, 5 digits; used in product codes and receipt numbers."),
    )
    # A unit no longer in the official list keeps its row (producers, dossiers and certificates refer to it).
    retired_on = models.DateField(_("no longer in the official list since"), null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "slug"], name="commune_unique_slug_per_authority"),
        ]

    def __str__(self):
        # A plain lookup: Django's get_kind_display() costs ~50 µs, and a province's filter lists 200 communes.
        label = _UNIT_KIND_LABELS.get(self.kind, self.kind)
        return f"{label} {self.name}"

    @property
    def commune(self):
        """A commune belongs to itself: lets permission rules treat it like any commune-scoped object."""
        return self


class FormerUnit(models.Model):
    """A commune-level unit of the map before 1/7/2025 (with its district and province), kept as history.

    Filled from ``vietnamadminunits`` (``ocop.units``). ``successor`` is the unit of today it went into; a unit
    split between several (``is_split``) has no successor but ``candidates`` (the package's default first), and
    the office chooses per producer. Matched by (name, district, province), accent- and case-insensitively,
    through the ``*_key`` columns (``ocop.units.unit_key``).
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.COMMUNE)
    district_name = models.CharField(_("district"), max_length=100, help_text=_("e.g. Huyện Lục Nam"))
    province_name = models.CharField(_("province"), max_length=100, help_text=_("e.g. Tỉnh Bắc Giang"))
    old_code = models.CharField(_("code before 2025"), max_length=5, blank=True)
    name_key = models.CharField(max_length=100, editable=False)
    district_key = models.CharField(max_length=100, editable=False)
    province_key = models.CharField(max_length=100, editable=False)
    successor = models.ForeignKey(
        Commune,
        verbose_name=_("now part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="former_units",
    )
    is_split = models.BooleanField(_("split between several units"), default=False)
    candidates = models.ManyToManyField(
        Commune, through="FormerUnitCandidate", related_name="former_parts", verbose_name=_("possible successors")
    )
    new_code = models.CharField(
        _("code of the unit it went into"),
        max_length=5,
        blank=True,
        help_text=_("From the package; the successor is linked when that unit is loaded."),
    )
    # For a split unit, the package's list: [{"code": "07462", "default": true}, …] (linked when loaded).
    candidate_codes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("former unit")
        verbose_name_plural = _("former units")
        ordering = ["province_key", "district_key", "name_key"]
        constraints = [
            # A commune and a township of one name could sit in one district; a district and a town of one name
            # in one province (the key drops "huyện"/"thị xã", the name keeps it).
            models.UniqueConstraint(
                fields=["name_key", "kind", "district_name", "province_key"], name="former_unit_unique_per_district"
            ),
        ]

    def __str__(self):
        return f"{self.full_name}, {self.district_name}, {self.province_name}"

    def save(self, *args, **kwargs):
        self.name_key = fold(self.name)  # the bare name ("Phương Sơn"): its kind is a field
        self.district_key = unit_key(self.district_name)
        self.province_key = unit_key(self.province_name)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        """ "Xã Thanh Lâm" (the kind's label in Vietnamese capitalised, as an address writes it)."""
        label = str(_UNIT_KIND_LABELS.get(self.kind, self.kind))
        return f"{label[:1].upper()}{label[1:]} {self.name}"


class FormerUnitCandidate(models.Model):
    """One of the units of today that took part of a split former unit (``is_default``: the package's guess)."""

    former_unit = models.ForeignKey(FormerUnit, on_delete=models.CASCADE, related_name="candidate_links")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    is_default = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["former_unit", "commune"], name="former_unit_candidate_unique"),
        ]

    def __str__(self):
        return f"{self.former_unit} → {self.commune}"


class Profile(models.Model):
    """What the programme needs to know about a user beyond Django's account."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        help_text=_("Required for commune officials: the one commune they act for."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return self.full_name or self.user.get_username()


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit row."""


class AuditEntryQuerySet(models.QuerySet):
    """Audit rows are append-only: bulk updates and deletes are refused (the database refuses them too)."""

    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries are append-only: they cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit entries are append-only: they cannot be deleted.")

    update.queryset_only = True
    delete.queryset_only = True


class AuditEntry(models.Model):
    """One row per state change: who did what to which object, when, with before/after values.

    Written only by domain functions (``ocop.audit.record``), in the same transaction as the change.
    Append-only: ``save`` of an existing row, ``delete`` and the queryset's ``update``/``delete`` raise
    ``AppendOnlyError``, and on PostgreSQL a trigger refuses UPDATE and DELETE (migration
    ``0005_audit_append_only``). Deleting a user or commune still sets ``actor``/``commune`` to NULL (the names stay).
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(_("object"), max_length=255)
    commune = models.ForeignKey(
        Commune,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The commune the object belongs to, so lists can be scoped."),
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Serves the per-object history list.
            models.Index(fields=["content_type", "object_id", "-created_at"], name="audit_object_history"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries are append-only: they cannot be changed.")
        kwargs.pop("force_update", None)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are append-only: they cannot be deleted.")


class Heartbeat(models.Model):
    """Last time a named background process proved it was alive (e.g. the Celery worker)."""

    name = models.CharField(max_length=50, unique=True)
    seen_at = models.DateTimeField()
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} @ {self.seen_at}"


# ---------------------------------------------------------------------------
# Notifications: the outbox (decisions.md 22). Every reminder or notice is first a row here, written in the
# transaction of the event that causes it; workers claim a row before sending it.
# ---------------------------------------------------------------------------
class NotificationKind(models.TextChoices):
    COMMUNE_DEADLINE = "commune-deadline", _("Commune deadline")
    SCORING_DEADLINE = "scoring-deadline", _("Scoring deadline")
    CERTIFICATE_EXPIRY = "certificate-expiry", _("Certificate expiry")
    CEREMONY = "ceremony", _("Ceremony")
    DOSSIER_RETURNED = "dossier-returned", _("Dossier returned for supplement")
    COMMUNE_CHECK = "commune-check", _("Commune check due (Decision 26/2026)")


class NotificationChannel(models.TextChoices):
    IN_APP = "in_app", _("In the application")
    EMAIL = "email", _("Email")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Sending failed")
    SKIPPED = "skipped", _("Not sent: no email address")


class NotificationQuerySet(models.QuerySet):
    def inbox_of(self, user, now=None):
        """The in-app notifications a user can read: their own, once due."""
        return self.filter(recipient=user, channel=NotificationChannel.IN_APP, due_at__lte=now or timezone.now())

    def unread(self):
        return self.filter(read_at__isnull=True)

    def ready_to_send(self, now=None):
        """Rows a sender may try now (the claim decides who actually sends)."""
        return self.filter(status=NotificationStatus.PENDING, next_attempt_at__lte=now or timezone.now())


class Notification(models.Model):
    """One message to one person on one channel: the outbox row.

    ``dedup_key`` names the event ("scoring-deadline:12:2026-12-01:3:45"); with the channel it is unique, so a scan
    that runs twice, or two workers, never create or send the same message twice. ``context`` holds plain values
    (names, ISO dates, a path) from which the subject and body are rendered in the reader's language.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    dedup_key = models.CharField(_("de-duplication key"), max_length=200)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    address = models.CharField(_("address"), max_length=254, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dedup_key", "channel"], name="notification_once_per_key_channel"),
        ]
        indexes = [
            # The outbox: every row, newest first.
            models.Index(fields=["-due_at", "-id"], name="notification_outbox"),
            # The notification centre and the unread badge: a user's in-app rows, newest first.
            models.Index(fields=["recipient", "channel", "-due_at"], name="notification_inbox"),
            # The sender's sweep: pending rows whose next attempt is due.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="notification_pending",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient_id} ({self.get_channel_display()}, {self.status})"
