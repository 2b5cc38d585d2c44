"""The programme layer: the plan and the rules every later step reads.

A programme year with its targets, its rounds and their calendar, the criteria sets a council scores on, and the legal
regimes (which authority level recognises what, and how numbers and codes are written) with their validity windows.
Products are filed *into* a round and scored *on* a criteria set *under* a regime, so this app sits below ``products``.
The tables kept the names they had in ``evaluations`` (``db_table``), so moving the models lost no row.
"""

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.enums import AuthorityLevel
from ocop.models import Authority
from programme.enums import CalendarExceptionKind, RoundStage


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
        db_table = "evaluations_programmeyear"  # the table kept its name when the model moved from evaluations
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
        db_table = "evaluations_communetarget"  # the table kept its name when the model moved from evaluations
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

    ``sheet`` holds parts → sections → criteria → options as loaded and validated by ``programme.criteria``.
    A version that has scores is never edited in place: a changed file makes a new version.
    """

    edition = models.SlugField(
        _("edition"),
        max_length=30,
        default="qd148-2023",
        help_text=_("The legal text the sheets come from; a regime scores on the sets of its edition."),
    )
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
    disqualifiers = models.JSONField(
        _("disqualifying conditions"),
        default=list,
        blank=True,
        help_text=_(
            "As in the sheet: a criterion code (or none for the header's “Hồ sơ bị loại khi …”), effect, text."
        ),
    )
    source = models.JSONField(_("source of the transcription"), default=dict, blank=True)
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
        db_table = "evaluations_criteriaset"  # the table kept its name when the model moved from evaluations
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["edition", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "code", "version"], name="criteria_set_unique_edition_code_version"
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    @property
    def usable(self) -> bool:
        """A round may use the set: verified in the source, or checked by staff (decision 12)."""
        return self.verified or self.confirmed_at is not None

    def has_scores(self) -> bool:
        return self.sheets.exclude(choices={}).exists()

    @property
    def edition_label(self) -> str:
        """The legal text of the sheets, short: "148" or "26/2026"."""
        return EDITION_LABELS.get(self.edition, self.edition)

    def disqualifiers_by_code(self) -> tuple[dict, list]:
        """The sheet's disqualifying conditions by criterion or section code, and the header's ("Hồ sơ bị loại
        khi …")."""
        placed, general = {}, []
        for item in self.disqualifiers or []:
            if item.get("criterion"):
                placed.setdefault(str(item["criterion"]), []).append(item)
            else:
                general.append(item)
        return placed, general

    def warnings_by_criterion(self) -> tuple[dict, list]:
        """Warnings that name one of the sheet's criterion codes, by that code (the longest code named wins, so
        "6.1.1" is not filed under "6.1"), and the others, for the page that shows the sheet beside them."""
        codes = {c["code"] for _p, _s, c in self.criteria()}
        placed, general = {}, []
        for warning in self.warnings or []:
            text = str(warning)
            code = criterion_named_in(text, codes)
            if code is None:
                general.append(text)
            else:
                placed.setdefault(code, []).append(text)
        return placed, general

    def criteria(self):
        """Every criterion in sheet order, with its part and section codes."""
        for part in self.sheet:
            for section in part["sections"]:
                for criterion in section["criteria"]:
                    yield part, section, criterion

    @property
    def max_total(self) -> int:
        return sum(part["max_points"] for part in self.sheet)


EDITION_LABELS = {"qd148-2023": "148", "qd26-2026": "26/2026"}
_CODE_TOKEN = re.compile(
    r"(?<![\w.])(§|[Cc]riterion |[Ss]ection |[Tt]iêu chí |[Mm]ục )?(\d+(?:\.\d+)*[a-zđ]?)(?![\w]|\.\d)"
)


def criterion_named_in(text: str, codes) -> str | None:
    """The first criterion code a warning names ("Criterion 2.4 …", "in 3.1, …", "the §7 top option", "criterion
    1b: …"); a bare number names a criterion only after "§" or "criterion", so "maximum 2" names nothing."""
    for match in _CODE_TOKEN.finditer(text):
        prefix, token = match.groups()
        if token in codes and (prefix or not token.isdigit()):
            return token
    return None


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
    return [f"{prefix}{name}" for name in ("sheet", "notes", "warnings", "disqualifiers", "source")]


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
    # Decision 26/2026 Điều 5 (``Regime.round_windows``): the round takes the dossiers the communes proposed by the
    # cut-off (no extension passes it; later ones go to the next round) and must close by its end date. Empty on
    # rounds of the older regimes, which keep the commune deadline and its extensions only.
    proposal_cutoff = models.DateField(
        _("proposal cut-off"),
        null=True,
        blank=True,
        help_text=_("Dossiers the communes propose after 23:59 of this day go to the next round."),
    )
    closes_by = models.DateField(
        _("round ends by"), null=True, blank=True, help_text=_("The round's results are approved by this day.")
    )

    class Meta:
        db_table = "evaluations_round"  # the table kept its name when the model moved from evaluations
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

    def proposal_closed(self, now=None) -> bool:
        """After 23:59 of the proposal cut-off (Asia/Ho_Chi_Minh) the round takes no new proposal (26/2026)."""
        return self.proposal_cutoff is not None and timezone.localdate(now or timezone.now()) > self.proposal_cutoff

    def days_to_close(self, today=None) -> int | None:
        """Days left until the end date (0 on the day itself, negative once it passed); None without an end date."""
        if self.closes_by is None:
            return None
        return (self.closes_by - (today or timezone.localdate())).days

    def closed_late(self, today=None) -> bool:
        """The round passed its end date unfinished, or its results were approved after it ("quá hạn")."""
        if self.closes_by is None:
            return False
        if self.approved_at is not None:
            return timezone.localdate(self.approved_at) > self.closes_by
        return self.stage in (RoundStage.OPEN, RoundStage.SCORING) and (today or timezone.localdate()) > self.closes_by

    @property
    def decision(self):
        """The round's own recognition decision (``evaluations.RecognitionDecision``), or None. A round may also
        carry the province's later decisions on the central council's evaluation (26/2026), which are not this."""
        cached = getattr(self, "_prefetched_objects_cache", {}).get("decisions")
        if cached is not None:
            return next((d for d in cached if not d.on_central_evaluation), None)
        return self.decisions.filter(on_central_evaluation=False).first()

    def scoring_closed(self, now=None) -> bool:
        """After 23:59 of the district deadline (Asia/Ho_Chi_Minh), members can no longer submit."""
        return timezone.localdate(now or timezone.now()) > self.district_deadline


class RegimeQuerySet(models.QuerySet):
    def on(self, day: datetime.date, level: str | None = None):
        """The regimes in force on ``day`` (inclusive window), newest first; of one authority level if given."""
        rows = self.filter(valid_from__lte=day).filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day))
        if level:
            rows = rows.filter(level=level)
        return rows.order_by("-valid_from")


class Regime(models.Model):
    """A legal regime of the programme as data (decisions.md 1-2c): who recognises what, how forwarding works and how
    numbers and codes are written, valid for a window of dates. A new regime (e.g. Decision 26/2026) is a new row.

    The authority's settings page starts from the regime of its level (``Authority.regime_defaults``); a dossier's
    rules follow its filing date (``programme.regimes.regime_for``)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=AuthorityLevel.choices)
    max_recognised_star = models.PositiveSmallIntegerField(
        _("highest star this authority recognises"), validators=[MinValueValidator(3), MaxValueValidator(5)]
    )
    province_threshold = models.DecimalField(
        _("score forwarded to the province"), max_digits=5, decimal_places=2, default=Decimal("70")
    )
    ministry_threshold = models.DecimalField(
        _("score forwarded to the ministry"), max_digits=5, decimal_places=2, default=Decimal("90")
    )
    certificate_number_format = models.CharField(
        _("certificate number format"), max_length=100, default="{seq:03d}/GCN-{authority}-{year}"
    )
    product_code_format = models.CharField(_("product code format"), max_length=100)
    criteria_legal_basis = models.CharField(
        _("criteria sets' legal basis"),
        max_length=200,
        help_text=_("The criteria sets this regime scores on are those of this legal basis."),
    )
    criteria_edition = models.SlugField(
        _("criteria edition"), max_length=30, default="qd148-2023", help_text=_("Which criteria sheets it scores on.")
    )
    commune_check_working_days = models.PositiveSmallIntegerField(
        _("working days for the commune's check"),
        null=True,
        blank=True,
        help_text=_("Counted from the day after the commune receives the dossier; empty: the round's deadline only."),
    )
    round_windows = models.JSONField(
        _("round cut-offs and end dates"),
        default=list,
        blank=True,
        help_text=_(
            'Each round as {"cutoff": "MM-DD", "end": "MM-DD"}: dossiers proposed by the cut-off, closed by the end.'
        ),
    )
    uses_forms = models.BooleanField(
        _("registration forms (Mẫu 01, 02, 03)"),
        default=False,
        help_text=_("Dossiers carry the registration sheet, the self-assessment and the commune's report."),
    )
    province_approves_for_ministry = models.BooleanField(
        _("the province approves a result before it goes to the ministry"), default=False
    )
    finish_first_by = models.DateField(
        _("first evaluations and upgrades filed under it finish by"), null=True, blank=True
    )
    finish_reevaluation_by = models.DateField(_("re-evaluations filed under it finish by"), null=True, blank=True)

    objects = RegimeQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal regime")
        verbose_name_plural = _("legal regimes")
        ordering = ["valid_from"]

    def __str__(self):
        return self.name

    def covers(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    # The settings a regime gives an authority of its level (``Authority.regime_defaults``).
    AUTHORITY_FIELDS = ("max_recognised_star", "product_code_format")


class CalendarException(models.Model):
    """The office's change to the working-day calendar on one date (decision 23): an extra day off (e.g. a day the
    province gave) or a working day (e.g. a Saturday worked in exchange for a day off). Read by ``workdays``;
    added and removed by ``calendar_exceptions``."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CalendarExceptionKind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == CalendarExceptionKind.WORKING_DAY
