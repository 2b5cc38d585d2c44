"""Producers (chủ thể OCOP), products and their dossiers (hồ sơ) with documents and the commune's verification."""

import dataclasses
import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.models import Commune, CommuneScopedQuerySet, FormerUnit
from products import checklist
from products.enums import DossierStatus, Gender, ProducerKind, RegistrationType
from programme import workdays
from programme.models import CriteriaSet, Round, criteria_json  # noqa: F401 - re-exported for the views

phone_validator = RegexValidator(
    r"^(0|\+84)(\d{9}|\d{10})$",
    _("Enter a Vietnamese phone number, e.g. 0912345678 or +84912345678."),
)
registration_number_validator = RegexValidator(
    r"^[0-9A-Z][0-9A-Z\-./]{5,19}$",
    _("Enter the registration or tax number as printed: 6-20 digits or capital letters, dashes allowed."),
)


class Producer(models.Model):
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="producers")
    kind = models.CharField(_("kind of producer"), max_length=20, choices=ProducerKind.choices)
    name = models.CharField(_("name"), max_length=200)
    registration_number = models.CharField(
        _("registration or tax number"),
        max_length=20,
        blank=True,
        validators=[registration_number_validator],
    )
    representative_name = models.CharField(_("legal representative"), max_length=150)
    representative_gender = models.CharField(
        _("representative's gender"), max_length=5, choices=Gender.choices, blank=True
    )
    representative_ethnicity = models.CharField(
        _("representative's ethnicity"), max_length=50, blank=True, default="Kinh"
    )
    address = models.CharField(_("village and address"), max_length=255, help_text=_("Thôn/xóm, e.g. Thôn Sơn Đình 2"))
    # Where the producer was before the 2025 reorganisation ("trước đây: Xã Thanh Lâm, Huyện Lục Nam, …").
    former_unit = models.ForeignKey(
        FormerUnit,
        verbose_name=_("former commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="producers",
    )
    phone = models.CharField(_("phone"), max_length=15, blank=True, validators=[phone_validator])
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CommuneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        ordering = ["name"]
        indexes = [models.Index(fields=["name", "id"], name="producer_by_name")]  # the list's order
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~models.Q(registration_number=""),
                name="producer_unique_registration_number",
                # Says nothing of where the number is registered (it may be another commune's producer).
                violation_error_message=_(
                    "This registration or tax number is already registered. Check it against the registration "
                    "certificate; if it is right, ask the district agriculture office."
                ),
                violation_error_code="registration_number_taken",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def needs_unit_choice(self) -> bool:
        """Its former commune was split and the office has not chosen today's commune yet (``products.units``)."""
        if not self.former_unit_id or not self.former_unit.is_split:
            return False
        return not UnitChoice.objects.filter(producer_id=self.pk).exists()

    @property
    def is_woman_or_minority_led(self):
        return self.representative_gender == Gender.FEMALE or (
            self.representative_ethnicity and self.representative_ethnicity.strip().lower() != "kinh"
        )


class UnitChoice(models.Model):
    """The office's choice of today's unit for a producer whose former commune was split (``ocop.units``).

    One per producer; made through ``products.units.choose_unit`` (audited), which also sets the producer's commune.
    """

    producer = models.OneToOneField(Producer, on_delete=models.CASCADE, related_name="unit_choice")
    former_unit = models.ForeignKey(FormerUnit, on_delete=models.PROTECT, related_name="choices")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    chosen_at = models.DateTimeField(_("chosen"), auto_now=True)

    class Meta:
        verbose_name = _("choice of unit")
        verbose_name_plural = _("choices of unit")

    def __str__(self):
        return f"{self.producer} → {self.commune}"


def product_photo_path(instance, filename):
    return f"products/{uuid.uuid4().hex}{_suffix(filename)}"


def _suffix(filename):
    """A known suffix only (the callers name the file after its detected type); anything else is dropped."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return suffix if suffix in {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx"} else ""


class Product(models.Model):
    producer = models.ForeignKey(
        Producer, verbose_name=_("producer"), on_delete=models.PROTECT, related_name="products"
    )
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("product name"), max_length=200)
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("product group (criteria set)"), on_delete=models.PROTECT, related_name="products"
    )
    description = models.TextField(_("description"), blank=True)
    photo = models.ImageField(_("photo"), upload_to=product_photo_path, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CommuneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]
        indexes = [models.Index(fields=["name", "id"], name="product_by_name")]  # the list's order
        constraints = [
            models.UniqueConstraint(fields=["producer", "name"], name="product_unique_name_per_producer"),
        ]

    def __str__(self):
        return self.name


class Dossier(models.Model):
    """One product's dossier for one round."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="dossiers")
    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="dossiers")
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="dossiers")
    registration_type = models.CharField(
        _("registration type"), max_length=20, choices=RegistrationType.choices, default=RegistrationType.NEW
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DossierStatus.choices, default=DossierStatus.DRAFT, db_index=True
    )
    expected_star = models.PositiveSmallIntegerField(
        _("expected star"),
        null=True,
        blank=True,
        choices=[(3, "3★"), (4, "4★"), (5, "5★")],
        help_text=_("The star the plan expects for the product (the note of the plan's Appendix 1), if any."),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    regime = models.ForeignKey(
        "programme.Regime",
        verbose_name=_("legal regime"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        help_text=_("Follows the filing date; the office may override it with a reason."),
    )
    regime_override_reason = models.TextField(_("why the office chose the regime"), blank=True)
    # Decision 26/2026 (Mẫu 01): the commune receives the producer's dossier (its 15 working days start the next
    # day) and the province receives the commune's proposal; each gives a receipt number without gaps.
    commune_received_at = models.DateTimeField(_("received by the commune"), null=True, blank=True)
    commune_receipt_number = models.CharField(_("commune's receipt number"), max_length=60, blank=True)
    province_received_at = models.DateTimeField(_("received by the province"), null=True, blank=True)
    province_receipt_number = models.CharField(_("province's receipt number"), max_length=60, blank=True)
    submission_count = models.PositiveSmallIntegerField(_("times submitted"), default=0)
    decided_at = models.DateTimeField(_("accepted or rejected"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    extension_until = models.DateField(
        _("extended deadline"), null=True, blank=True, help_text=_("Granted for this dossier only.")
    )
    # Commune verification (Mẫu 03-like report)
    raw_material_origin = models.TextField(_("origin of the raw material"), blank=True)
    local_raw_material_percent = models.PositiveSmallIntegerField(
        _("share of local raw material (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    local_labour_percent = models.PositiveSmallIntegerField(
        _("share of local labour (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    idea_origin = models.TextField(_("origin of the product idea"), blank=True)
    local_identity = models.TextField(_("local identity"), blank=True)
    verified_by_name = models.CharField(_("verified by (name and title)"), max_length=150, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CommuneScopedQuerySet.as_manager()

    VERIFICATION_FIELDS = (
        "raw_material_origin",
        "local_raw_material_percent",
        "local_labour_percent",
        "idea_origin",
        "local_identity",
        "verified_by_name",
        "verified_on",
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        indexes = [
            # A round's dossiers by status (the rounds list counts, the round page, start of scoring).
            models.Index(fields=["round", "status"], name="dossier_round_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["product", "round"], name="dossier_unique_product_round"),
            models.CheckConstraint(
                condition=models.Q(local_raw_material_percent__lte=100) | models.Q(local_raw_material_percent=None),
                name="dossier_raw_material_percent_max_100",
            ),
            models.CheckConstraint(
                condition=models.Q(local_labour_percent__lte=100) | models.Q(local_labour_percent=None),
                name="dossier_labour_percent_max_100",
            ),
        ]

    def __str__(self):
        return f"{self.product} – {self.round}"

    # ----- derived facts -------------------------------------------------
    @property
    def is_reevaluation(self) -> bool:
        """Re-evaluations finish under their old rules sooner (decision 2b)."""
        return self.registration_type == RegistrationType.REEVALUATION

    def missing_verification_fields(self) -> list[str]:
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.VERIFICATION_FIELDS
            if getattr(self, name) in (None, "")
        ]

    def checklist_rows(self, documents=None):
        """[(item, [documents], required)] in checklist order; pass prefetched documents to avoid queries."""
        documents = list(self.documents.all()) if documents is None else documents
        by_item = {}
        for doc in documents:
            by_item.setdefault(doc.item, []).append(doc)
        return [(item, by_item.get(item.code, []), item.required(self.registration_type)) for item in checklist.ITEMS]

    def missing_documents(self, documents=None) -> list:
        return [item for item, docs, required in self.checklist_rows(documents) if required and not docs]

    def deadline(self):
        """The last day the commune may submit: the round's commune deadline or the granted extension."""
        if self.extension_until and self.extension_until > self.round.commune_deadline:
            return self.extension_until
        return self.round.commune_deadline

    def deadline_passed(self, now=None) -> bool:
        today = timezone.localdate(now or timezone.now())
        return today > self.deadline()

    # ----- Decision 26/2026: the commune's check (decisions.md 23, 26) ----------------------------------------
    def commune_check_days(self) -> int | None:
        """The working days the commune has to check the dossier (15 under 26/2026); None under the old regimes
        (their clock is the round's deadline) or before the regime is known. Load ``regime`` with the row."""
        return self.regime.commune_check_working_days if self.regime_id else None

    def commune_check_due(self, calendar=None) -> datetime.date | None:
        """The last day of the commune's check: n working days after the day it received the dossier (the day
        of receipt does not count; until 23:59). None when there is no such clock for this dossier."""
        days = self.commune_check_days()
        if not days or self.commune_received_at is None:
            return None
        received = timezone.localdate(self.commune_received_at)
        return calendar.add(received, days) if calendar else workdays.add_working_days(received, days)

    @property
    def proposed_at(self):
        """When the commune proposed the dossier to the province (its first submission)."""
        return self.province_received_at or (self.submitted_at if self.submission_count else None)

    def commune_check(self, today=None, calendar=None) -> "CommuneCheck | None":
        """The clock of the commune's check as the pages show it, or None when the dossier has none."""
        due = self.commune_check_due(calendar)
        if due is None:
            return None
        calendar = calendar or workdays.WorkingCalendar(due.year - 1, due.year + 1)
        today = today or timezone.localdate()
        proposed = self.proposed_at
        if proposed is not None:
            proposed_on = timezone.localdate(proposed)
            late = max(calendar.between(due, proposed_on), 0)
            return CommuneCheck(due=due, done_on=proposed_on, left=None, late=late)
        left = calendar.between(today, due)
        return CommuneCheck(due=due, done_on=None, left=max(left, 0), late=max(-left, 0))


@dataclasses.dataclass(frozen=True)
class CommuneCheck:
    """The commune's 15 working days for one dossier: the last day, when it was proposed (None if not yet), the
    working days left after today, and the working days it is (or was) late."""

    due: datetime.date
    done_on: datetime.date | None
    left: int | None
    late: int

    @property
    def pending(self) -> bool:
        return self.done_on is None

    @property
    def due_today(self) -> bool:
        return self.pending and not self.late and self.left == 0


class ReceiptCounter(models.Model):
    """The last receipt number given in a scope (a commune or a province) and year (decisions.md 26). Locked
    (SELECT … FOR UPDATE) in the transaction that records the receipt: a rollback gives the number back, so the
    numbers have no gap and none is given twice, however many officials receive at once."""

    class Scope(models.TextChoices):
        COMMUNE = "commune", _("commune")
        PROVINCE = "province", _("province")

    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.PositiveIntegerField(help_text="The commune's or the authority's id.")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "year"], name="receipt_counter_once_per_scope_year"),
        ]

    def __str__(self):
        return f"{self.scope} {self.key} {self.year}: {self.last}"


def document_path(instance, filename):
    # Random names under a private folder; the original name is kept on the row.
    return f"dossiers/{instance.dossier_id}/{uuid.uuid4().hex}{_suffix(filename)}"


class Document(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    item = models.CharField(_("checklist item"), max_length=50, choices=checklist.CHOICES)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"), validators=[MinValueValidator(1)])
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["item", "uploaded_at"]

    def __str__(self):
        return self.original_name

    @property
    def commune(self):
        return self.dossier.commune


class ItemComment(models.Model):
    """The district's comment on a checklist item (or the dossier as a whole) when it returns a dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="comments")
    item = models.CharField(_("checklist item"), max_length=50, blank=True, help_text=_("Empty: the whole dossier."))
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submission_number = models.PositiveSmallIntegerField(
        _("after submission"), help_text=_("Which submission the comment answered.")
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:60]

    @property
    def item_label(self):
        item = checklist.BY_CODE.get(self.item)
        return item.label if item else _("Whole dossier")


class IpTitle(models.TextChoices):
    """Mẫu 02, part I, 7 d): the intellectual-property titles a producer ticks (Decision 26/2026, Phụ lục III)."""

    TRADEMARK = "trademark", _("Trademark registration certificate")
    COLLECTIVE = "collective", _("Right to use a geographical indication, collective or certification mark")
    PATENT = "patent", _("Patent")
    DESIGN = "design", _("Industrial design")
    COPYRIGHT = "copyright", _("Copyright certificate")
    OTHER = "other", _("Other")


class Registration(models.Model):
    """What Decision 26/2026's forms hold beyond the producer, product and dossier rows: Mẫu 01 (registration),
    Mẫu 02 (the producer's self-assessment: parts I, II and IV here, part III in ``self_choices`` and
    ``SelfEvidence``) and Mẫu 03 (the commune's report; its four contents are the dossier's verification fields).

    One per dossier. A commune official enters it from the producer's paper today; a producer account can fill the
    same rows later (issue 23): nothing here names who typed it, the audit trail does.
    """

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="registration")
    # Mẫu 01
    representative_position = models.CharField(_("representative's position"), max_length=100, blank=True)
    sample_count = models.PositiveSmallIntegerField(
        _("number of samples"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Five samples for every group but tourism services, which sends none."),
    )
    attachments = models.TextField(
        _("other attached documents"),
        blank=True,
        help_text=_("The self-assessment report (Mẫu 02) and the samples are always listed; one document a line."),
    )
    # Mẫu 02, part I
    founded_on = models.DateField(_("founded or registered on"), null=True, blank=True)
    product_description = models.TextField(_("product, specification and standard"), blank=True)
    has_business_registration = models.BooleanField(_("business registration certificate"), default=False)
    has_quality_declaration = models.BooleanField(_("product quality declared as required"), default=False)
    has_food_safety_certificate = models.BooleanField(_("certificate of a facility fit for food safety"), default=False)
    has_production_certificate = models.BooleanField(
        _("certificate of a facility fit for production (where required)"), default=False
    )
    ip_titles = models.JSONField(_("intellectual property"), default=list, blank=True)
    ip_other = models.CharField(_("other intellectual property (state which)"), max_length=200, blank=True)
    history = models.TextField(_("history of the producer"), blank=True)
    organisation = models.TextField(_("organisation of the producer"), blank=True)
    # Mẫu 02, parts II and IV
    business_results = models.TextField(_("results of the business plan"), blank=True)
    business_plan = models.TextField(_("production and business plan"), blank=True)
    # Mẫu 02, part III: the producer's own score, one option's points per criterion of ``criteria_set``
    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("criteria set of the self-assessment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    self_choices = models.JSONField(_("self-assessed points"), default=dict, blank=True)
    self_assessed_at = models.DateTimeField(_("self-assessment completed"), null=True, blank=True)
    # Mẫu 03 (the four contents are the dossier's verification fields)
    labour_assessment = models.TextField(_("the commune's assessment of local labour"), blank=True)
    meeting_held = models.BooleanField(_("the commune held a meeting"), null=True, blank=True)
    meeting_note = models.TextField(_("meeting (date, who took part)"), blank=True)
    commune_request = models.TextField(_("request to the province"), blank=True)
    commune_signer = models.CharField(_("signed for the commune by (title and name)"), max_length=150, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    FORM_01_FIELDS = ("representative_position", "sample_count", "attachments")
    FORM_02_FIELDS = (
        "founded_on",
        "product_description",
        "has_business_registration",
        "has_quality_declaration",
        "has_food_safety_certificate",
        "has_production_certificate",
        "ip_titles",
        "ip_other",
        "history",
        "organisation",
        "business_results",
        "business_plan",
    )
    FORM_03_FIELDS = ("labour_assessment", "meeting_held", "meeting_note", "commune_request", "commune_signer")

    class Meta:
        verbose_name = _("registration forms")
        verbose_name_plural = _("registration forms")

    def __str__(self):
        return str(self.dossier)

    @property
    def commune(self):
        return self.dossier.commune

    def ip_title_labels(self) -> list[str]:
        """The ticked titles in words; a stored value that is no longer a title is left out, never an error."""
        titles = self.ip_titles if isinstance(self.ip_titles, list) else []
        labels = dict(IpTitle.choices)
        return [str(labels[t]) for t in IpTitle.values if t in titles and t in labels]


class SelfEvidence(models.Model):
    """Mẫu 02, part III: the producer's evidence for one criterion, a note and optionally one of the dossier's
    uploaded documents (no second upload system: the file is a ``Document`` of the same dossier)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.CharField(_("criterion"), max_length=20)
    note = models.TextField(_("evidence"), blank=True)
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["registration", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "criterion"], name="self_evidence_once_per_criterion"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.note[:40]}"
