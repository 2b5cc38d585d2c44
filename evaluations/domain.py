"""State changes of rounds, councils, score sheets and results. Each checks permission and state, saves, audits."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations import hooks, product_codes, scoring
from evaluations.enums import SCORING_ROLES, CouncilRole, SheetStatus
from evaluations.models import (
    ConflictOfInterest,
    CouncilMember,
    Recognition,
    RecognitionDecision,
    Result,
    ScoreSheet,
    SheetRevision,
)
from ocop import audit, rules
from ocop.lib.collation import vi_order
from ocop.models import Authority
from products import hooks as product_hooks
from products.domain import assign_regime
from products.enums import DossierStatus
from products.regime import criteria_set_for_scoring
from programme.enums import RoundStage
from programme.models import CriteriaSet, Round

audit.register_actions(
    {
        "criteria.confirmed": gettext_lazy("Checked the criteria set against the official text"),
        "council.member_added": gettext_lazy("Added to the council"),
        "council.member_removed": gettext_lazy("Removed from the council"),
        "council.conflict_declared": gettext_lazy("Declared a conflict of interest"),
        "round.scoring_started": gettext_lazy("Started scoring"),
        "round.meeting_set": gettext_lazy("Set the council meeting"),
        "round.results_approved": gettext_lazy("Approved the round's results"),
        "round.decision_recorded": gettext_lazy("Recorded the recognition decision"),
        "dossier.assigned": gettext_lazy("Assigned to council members"),
        "sheet.saved": gettext_lazy("Saved a draft sheet"),
        "sheet.submitted": gettext_lazy("Submitted the score sheet"),
        "sheet.reopened": gettext_lazy("Reopened the score sheet"),
        "result.spread_accepted": gettext_lazy("Accepted the spread with a written reason"),
        "result.province_recorded": gettext_lazy("Recorded the next level's result"),
    }
)
audit.register_value_labels("stage", dict(RoundStage.choices))


def _require(user, action, obj=None):
    if not rules.can(user, action, obj):
        raise PermissionDenied


def _require_stage(round_, *stages):
    if round_.stage not in stages:
        raise ValidationError(
            _("The round is at the stage “%(stage)s”; this is not possible now."),
            params={"stage": round_.get_stage_display()},
        )


def _lock_round(round_) -> Round:
    return Round.objects.select_for_update().select_related("year__authority").get(pk=round_.pk)


# ---------------------------------------------------------------------------- criteria sets
@transaction.atomic
def confirm_criteria_set(criteria_set, *, by, now=None) -> bool:
    """Record that a staff member checked an unverified set against the official text (decision 12)."""
    _require(by, "criteria.confirm", criteria_set)
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    if criteria_set.confirmed_at:
        return False
    criteria_set.confirmed_by = by
    criteria_set.confirmed_at = now or timezone.now()
    criteria_set.save(update_fields=["confirmed_by", "confirmed_at"])
    audit.record(criteria_set, "criteria.confirmed", by=by, at=criteria_set.confirmed_at)
    return True


# ---------------------------------------------------------------------------- council
@transaction.atomic
def add_council_member(round_, user, *, role=CouncilRole.MEMBER, title="", by) -> CouncilMember:
    _require(by, "round.manage", round_)
    round_ = _lock_round(round_)
    existing = CouncilMember.objects.filter(round=round_, user=user).first()
    if existing:
        return existing
    _require_stage(round_, RoundStage.OPEN, RoundStage.SCORING)
    if role == CouncilRole.CHAIR and round_.council.filter(role=CouncilRole.CHAIR).exists():
        raise ValidationError(_("The council already has a chair."))
    member = CouncilMember.objects.create(round=round_, user=user, role=role, title=title)
    audit.record(
        round_, "council.member_added", by=by, changes={"member": [None, f"{member} ({member.get_role_display()})"]}
    )
    if round_.stage == RoundStage.SCORING and member.scores:
        for dossier in _accepted_dossiers(round_):
            _ensure_sheet(dossier, member)
    _refresh_round_results(round_)
    return member


@transaction.atomic
def remove_council_member(member, *, by) -> None:
    _require(by, "round.manage", member.round)
    if member.sheets.filter(status=SheetStatus.SUBMITTED).exists():
        raise ValidationError(_("This member has submitted sheets and cannot leave the council now."))
    round_ = _lock_round(member.round)
    label = f"{member} ({member.get_role_display()})"
    member.sheets.all().delete()
    member.delete()
    audit.record(round_, "council.member_removed", by=by, changes={"member": [label, None]})
    _refresh_round_results(round_)


@transaction.atomic
def declare_conflict(member, producer, *, note="", by) -> ConflictOfInterest:
    """A member's interest in a producer excludes the member from that producer's dossiers in the round."""
    _require(by, "round.manage", member.round)
    conflict, created = ConflictOfInterest.objects.get_or_create(
        member=member, producer=producer, defaults={"note": note}
    )
    if not created:
        return conflict
    sheets = ScoreSheet.objects.filter(member=member, dossier__product__producer=producer)
    if sheets.filter(status=SheetStatus.SUBMITTED).exists():
        raise ValidationError(_("The member already submitted a sheet for this producer; reopen it first."))
    sheets.delete()
    audit.record(
        member.round,
        "council.conflict_declared",
        by=by,
        changes={"conflict": [None, f"{member} × {producer}"]},
        note=note,
    )
    for dossier in _accepted_dossiers(member.round).filter(product__producer=producer):
        refresh_result(dossier)
    return conflict


def _refresh_round_results(round_) -> None:
    """The council changed: every result of a round being scored is recomputed, since its quorum base (decision 10)
    is the council less the members excused for the producer."""
    if round_.stage != RoundStage.SCORING:
        return
    for dossier in _accepted_dossiers(round_).select_related("round__year__authority"):
        refresh_result(dossier)


def _accepted_dossiers(round_):
    from products.models import Dossier

    return Dossier.objects.filter(round=round_, status=DossierStatus.ACCEPTED).select_related(
        "product__criteria_set", "product__producer"
    )


def _conflicted(member, dossier) -> bool:
    return member.conflicts.filter(producer_id=dossier.product.producer_id).exists()


def scoring_set(dossier) -> CriteriaSet:
    """The set a dossier is scored on: its regime's edition and its product's set code (``products.regime``).
    Cached on the dossier object for the call that builds its sheets."""
    cached = getattr(dossier, "_scoring_set", None)
    if cached is None:
        cached = dossier._scoring_set = criteria_set_for_scoring(dossier)
    return cached


def _ensure_sheet(dossier, member):
    if _conflicted(member, dossier):
        return None
    existing = ScoreSheet.objects.filter(dossier=dossier, member=member).first()
    if existing is not None:
        return existing  # a sheet keeps the set (and version) it was created with
    sheet, _created = ScoreSheet.objects.get_or_create(
        dossier=dossier, member=member, defaults={"criteria_set": scoring_set(dossier)}
    )
    return sheet


@transaction.atomic
def set_meeting(round_, *, date, place: str, by) -> bool:
    """Record when and where the council meets (printed on the minutes)."""
    _require(by, "round.manage", round_)
    round_ = _lock_round(round_)
    place = (place or "").strip()
    if (round_.meeting_date, round_.meeting_place) == (date, place):
        return False
    changes = audit.diff(
        {
            "meeting_date": round_.meeting_date.isoformat() if round_.meeting_date else None,
            "meeting_place": round_.meeting_place,
        },
        {"meeting_date": date.isoformat() if date else None, "meeting_place": place},
    )
    round_.meeting_date, round_.meeting_place = date, place
    round_.save(update_fields=["meeting_date", "meeting_place"])
    audit.record(round_, "round.meeting_set", by=by, changes=changes)
    return True


@transaction.atomic
def start_scoring(round_, *, by, now=None) -> bool:
    """Checking → scoring: every accepted dossier gets a sheet for every member without a conflict."""
    _require(by, "round.manage", round_)
    round_ = _lock_round(round_)
    if round_.stage != RoundStage.OPEN and round_.scoring_started_at:
        return False  # already started (and perhaps approved since)
    _require_stage(round_, RoundStage.OPEN)
    members = list(round_.council.filter(role__in=SCORING_ROLES))
    if not any(m.role == CouncilRole.CHAIR for m in members):
        raise ValidationError(_("Name the council's chair before scoring starts."))
    dossiers = list(_accepted_dossiers(round_))
    if not dossiers:
        raise ValidationError(_("No dossier of this round has been accepted for evaluation."))
    for dossier in dossiers:  # the regime decides the sheets' edition; refresh it (the old rules may have lapsed)
        dossier.regime = assign_regime(dossier, by=by, now=now)
    _require_usable(dossiers)
    for dossier in dossiers:
        for member in members:
            _ensure_sheet(dossier, member)
        refresh_result(dossier)
    round_.stage = RoundStage.SCORING
    round_.scoring_started_at = now or timezone.now()
    round_.save(update_fields=["stage", "scoring_started_at"])
    audit.record(
        round_, "round.scoring_started", by=by, changes={"stage": ["open", "scoring"]}, at=round_.scoring_started_at
    )
    return True


@transaction.atomic
def set_assignment(dossier, members, *, by) -> bool:
    """Assign a dossier to exactly these members (all members by default at the start of scoring)."""
    _require(by, "round.manage", dossier.round)
    _require_stage(dossier.round, RoundStage.SCORING)
    _require_usable([dossier])
    wanted = {m.pk for m in members}
    current = {s.member_id: s for s in ScoreSheet.objects.filter(dossier=dossier).select_related("member")}
    for member_id, sheet in current.items():
        if member_id not in wanted:
            if sheet.status == SheetStatus.SUBMITTED:
                raise ValidationError(
                    _("%(member)s already submitted a sheet for this dossier."), params={"member": sheet.member}
                )
            sheet.delete()
    for member in members:
        if member.pk not in current:
            if member.round_id != dossier.round_id or not member.scores:
                raise ValidationError(_("Only scoring members of this round's council can be assigned."))
            if _conflicted(member, dossier):
                raise ValidationError(
                    _("%(member)s declared a conflict of interest with this producer."), params={"member": member}
                )
            _ensure_sheet(dossier, member)
    before = sorted(str(s.member) for s in current.values())
    after = sorted(str(m) for m in members)
    if before == after:
        return False
    audit.record(dossier, "dossier.assigned", by=by, changes={"members": [before, after]})
    refresh_result(dossier)
    return True


@product_hooks.on_dossier_accepted
def _dossier_accepted(dossier, *, by, now):
    """A dossier accepted into a round that is already scoring gets its sheets at once (and is refused, with the
    acceptance, when its criteria set has not been checked: decision 12). After approval a round takes no more."""
    round_ = Round.objects.select_for_update().get(pk=dossier.round_id)
    if round_.stage == RoundStage.OPEN:
        return
    if round_.stage != RoundStage.SCORING:
        raise ValidationError(_("The results of this round are approved; it takes no more dossiers."))
    dossier = _accepted_dossiers(round_).get(pk=dossier.pk)
    _require_usable([dossier])
    for member in round_.council.filter(role__in=SCORING_ROLES):
        _ensure_sheet(dossier, member)
    refresh_result(dossier)


@product_hooks.on_finished_lookup
def _finished_by_decision(dossier):
    """Decision 2b: a dossier finished when its round's recognition decision was taken (recognised or not)."""
    if dossier.status != DossierStatus.ACCEPTED:
        return None
    decisions = RecognitionDecision.objects.filter(round_id=dossier.round_id, on_central_evaluation=False)
    return decisions.values_list("date", flat=True).first()


class CriteriaNotChecked(ValidationError):
    """Scoring refused: a set the dossiers would be scored on is unverified and not checked by staff (decision
    12). ``sets`` lets a page link to each set's check page."""

    def __init__(self, sets):
        self.sets = sets
        super().__init__(
            _("These criteria sets must be checked against the official text first: %(sets)s"),
            params={"sets": "; ".join(f"{s} ({s.edition_label}, v{s.version})" for s in sets)},
        )


def _require_usable(dossiers):
    """Decision 12: no path leads to scoring on a criteria set that is unverified and not checked by staff."""
    unusable = {}
    for dossier in dossiers:
        criteria_set = scoring_set(dossier)
        if not criteria_set.usable:
            unusable[criteria_set.pk] = criteria_set
    if unusable:
        raise CriteriaNotChecked(sorted(unusable.values(), key=lambda s: (s.edition, s.code, s.version)))


# ---------------------------------------------------------------------------- sheets
def _clean_choices(sheet, choices: dict) -> dict:
    by_code = {criterion["code"]: criterion for _p, _s, criterion in sheet.criteria_set.criteria()}
    clean = {}
    for code, points in choices.items():
        if points in (None, ""):
            continue
        criterion = by_code.get(code)
        try:
            points = int(points)
        except (TypeError, ValueError):
            points = None
        if criterion is None or points is None or not scoring.valid_choice(criterion, points):
            raise ValidationError(_("Criterion %(code)s: choose one of the listed options."), params={"code": code})
        clean[code] = points
    for part in sheet.criteria_set.sheet:
        for section in part["sections"]:
            if section.get("choose_one") and sum(c["code"] in clean for c in section["criteria"]) > 1:
                raise ValidationError(
                    _("Section %(code)s: score only one of its cases."), params={"code": section["code"]}
                )
    return clean


def _lock_sheet(sheet) -> ScoreSheet:
    return (
        ScoreSheet.objects.select_for_update()
        .select_related("dossier__round__year__authority", "criteria_set", "member")
        .get(pk=sheet.pk)
    )


def _require_editable_sheet(sheet):
    _require_stage(sheet.dossier.round, RoundStage.SCORING)
    if sheet.status != SheetStatus.DRAFT:
        raise ValidationError(_("This sheet is submitted and locked. The secretariat can reopen it."))


@transaction.atomic
def save_sheet(sheet, *, choices: dict, comment: str = "", by) -> bool:
    _require(by, "sheet.edit", sheet)
    sheet = _lock_sheet(sheet)
    _require_editable_sheet(sheet)
    clean = _clean_choices(sheet, choices)
    comment = (comment or "").strip()
    if clean == sheet.choices and comment == sheet.comment:
        return False
    sheet.choices = clean
    sheet.comment = comment
    sheet.save(update_fields=["choices", "comment", "updated_at"])
    required = scoring.required_count(sheet.criteria_set.sheet)
    audit.record(sheet, "sheet.saved", by=by, changes={"chosen": [None, f"{len(clean)}/{required}"]})
    return True


@transaction.atomic
def submit_sheet(
    sheet, *, choices: dict | None = None, comment: str | None = None, attested: bool = True, by, now=None
) -> bool:
    """Lock the member's sheet. Every criterion needs a choice; the district deadline applies unless reopened.

    Submitting signs the sheet: the member attests it is their own evaluation (``attested``; the online form asks
    for the tick and passes it, and a submission without it is refused). Who and when are stored and printed."""
    _require(by, "sheet.edit", sheet)
    sheet = _lock_sheet(sheet)
    if sheet.status == SheetStatus.SUBMITTED:
        return False
    _require_editable_sheet(sheet)
    now = now or timezone.now()
    round_ = sheet.dossier.round
    if round_.scoring_closed(now) and not sheet.late_submission_allowed:
        raise ValidationError(
            _("Scoring closed at 23:59 on %(date)s. Ask the secretariat to reopen your sheet."),
            params={"date": date_format(round_.district_deadline, "SHORT_DATE_FORMAT")},
        )
    if choices is not None:
        sheet.choices = _clean_choices(sheet, choices)
    if comment is not None:
        sheet.comment = comment.strip()
    missing = scoring.missing_criteria(sheet.criteria_set.sheet, sheet.choices)
    if missing:
        raise ValidationError(
            _("Choose an option for every criterion. Missing: %(codes)s"),
            params={"codes": ", ".join(c["code"] for c in missing)},
        )
    if not attested:
        raise ValidationError(
            _("Tick the box confirming that this is your own evaluation: submitting signs the sheet.")
        )
    sheet.total = scoring.sheet_total(sheet.criteria_set.sheet, sheet.choices)
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at = now
    sheet.late_submission_allowed = False
    sheet.attested_at, sheet.attested_by = now, by
    sheet.save(
        update_fields=[
            "choices",
            "comment",
            "total",
            "status",
            "submitted_at",
            "late_submission_allowed",
            "attested_at",
            "attested_by",
            "updated_at",
        ]
    )
    audit.record(sheet, "sheet.submitted", by=by, changes={"total": [None, sheet.total]}, at=now)
    refresh_result(sheet.dossier)
    return True


@transaction.atomic
def reopen_sheet(sheet, *, by, reason: str, now=None) -> bool:
    """The secretariat reopens a sheet for re-scoring (the submitted version is kept) or lets a late member submit."""
    _require(by, "round.manage", sheet.dossier.round)
    sheet = _lock_sheet(sheet)
    _require_stage(sheet.dossier.round, RoundStage.SCORING)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for reopening the sheet."))
    now = now or timezone.now()
    if sheet.status == SheetStatus.DRAFT and sheet.late_submission_allowed:
        return False
    if sheet.status == SheetStatus.SUBMITTED:
        SheetRevision.objects.create(
            sheet=sheet,
            choices=sheet.choices,
            total=sheet.total,
            submitted_at=sheet.submitted_at,
            reopened_at=now,
            reopened_by=by,
            reason=reason,
        )
    old_status = sheet.status
    sheet.status = SheetStatus.DRAFT
    sheet.reopen_count += 1
    sheet.late_submission_allowed = True
    sheet.total = None
    sheet.attested_at = sheet.attested_by = None  # the re-scored sheet is signed again when submitted
    sheet.save(
        update_fields=[
            "status",
            "reopen_count",
            "late_submission_allowed",
            "total",
            "attested_at",
            "attested_by",
            "updated_at",
        ]
    )
    audit.record(sheet, "sheet.reopened", by=by, changes={"status": [old_status, "draft"]}, note=reason, at=now)
    refresh_result(sheet.dossier)
    return True


# ---------------------------------------------------------------------------- results
def quorum_base(dossier) -> tuple[set[int], int | None]:
    """Decision 10: the round's scoring council (chair included) less the members excused for this producer by a
    declared conflict, and the chair's seat when the chair is not excused (the chair's own sheet is required).
    Assigning a dossier to fewer members does not shrink the base."""
    seats = dict(
        CouncilMember.objects.filter(round_id=dossier.round_id, role__in=SCORING_ROLES).values_list("pk", "role")
    )
    excused = set(
        ConflictOfInterest.objects.filter(member_id__in=seats, producer_id=dossier.product.producer_id).values_list(
            "member_id", flat=True
        )
    )
    base = set(seats) - excused
    chair = next((pk for pk in base if seats[pk] == CouncilRole.CHAIR), None)
    return base, chair


def refresh_result(dossier) -> Result:
    """Recompute a dossier's result from its submitted sheets (called inside the domain's transactions)."""
    authority = dossier.round.year.authority
    sheets = list(ScoreSheet.objects.filter(dossier=dossier).select_related("criteria_set"))
    submitted = [s for s in sheets if s.status == SheetStatus.SUBMITTED]
    sheet_def = (submitted[0] if submitted else sheets[0]).criteria_set.sheet if sheets else []
    base, chair_id = quorum_base(dossier)
    outcome = scoring.compute(
        sheet_def,
        [s.choices for s in submitted],
        expected_count=len(base),
        spread_threshold=authority.spread_threshold,
        quorum_percent=authority.quorum_percent,
        chair_submitted=chair_id is None or any(s.member_id == chair_id for s in submitted),
    )
    result, _created = Result.objects.select_for_update().get_or_create(dossier=dossier)
    previous_flags = set(result.flags)
    result.sheet_count = outcome.sheet_count
    result.expected_count = outcome.expected_count
    result.points_sum = sum(outcome.totals)
    result.mean = scoring.to_decimal(outcome.mean) if outcome.mean is not None else None
    result.min_total = min(outcome.totals) if outcome.totals else None
    result.max_total = max(outcome.totals) if outcome.totals else None
    result.band_star = outcome.band
    result.star = outcome.star
    # Only marks at or below the score's band can hold the star back; higher ones explain nothing.
    result.failed_marks = [mark.as_dict() for mark in outcome.failed_marks if mark.star <= (outcome.band or 0)]
    result.criterion_means = {code: str(scoring.to_decimal(mean)) for code, mean in outcome.criterion_means.items()}
    result.flags = outcome.flags
    if "spread" in previous_flags and "spread" not in result.flags:
        result.resolution = ""  # re-scoring settled it; a later spread needs a new decision
    result.computed_at = timezone.now()
    result.save()
    return result


@transaction.atomic
def accept_spread(result, *, by, reason: str, now=None) -> bool:
    """The chair records a written reason to accept a result whose scores are far apart (decision 9)."""
    _require(by, "result.resolve", result.dossier)
    result = Result.objects.select_for_update().select_related("dossier__round").get(pk=result.pk)
    _require_stage(result.dossier.round, RoundStage.SCORING)
    reason = (reason or "").strip()
    if "spread" not in result.flags:
        raise ValidationError(_("This result is not flagged for spread."))
    if not reason:
        raise ValidationError(_("Write the council's reason for accepting the spread."))
    if result.resolution == reason:
        return False
    result.resolution = reason
    result.resolved_by = by
    result.resolved_at = now or timezone.now()
    result.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    audit.record(result.dossier, "result.spread_accepted", by=by, note=reason, at=result.resolved_at)
    return True


def approval_problems(round_) -> list[str]:
    """Why the chair cannot approve the round's results yet, in words for the chair."""
    problems = []
    # Only the columns the messages need: a result's criterion means and marks are not decoded here.
    results = (
        Result.objects.filter(dossier__round=round_, dossier__status=DossierStatus.ACCEPTED)
        .select_related("dossier__product")
        .only(
            "flags", "resolution", "sheet_count", "expected_count", "min_total", "max_total", "dossier__product__name"
        )
        .order_by(vi_order("dossier__product__name"), "pk")
    )  # fmt: skip
    if not results:
        problems.append(_("No dossier has been scored."))
    for result in results:
        name = result.dossier.product.name
        if "quorum" in result.flags:
            problems.append(
                _("%(product)s: %(n)s of %(expected)s sheets submitted; the quorum is not reached.")
                % {"product": name, "n": result.sheet_count, "expected": result.expected_count}
            )
        if "chair" in result.flags:
            problems.append(_("%(product)s: the chair's own sheet is not submitted.") % {"product": name})
        if "spread" in result.flags and not result.resolution:
            problems.append(
                _("%(product)s: scores are %(spread)s points apart; re-score or record the reason to accept.")
                % {"product": name, "spread": result.spread}
            )
    return problems


def draft_sheets(round_):
    """Sheets of accepted dossiers that their members have not submitted."""
    return (
        ScoreSheet.objects.filter(
            dossier__round=round_, dossier__status=DossierStatus.ACCEPTED, status=SheetStatus.DRAFT
        )
        .select_related("dossier__product", "member__user__profile")
        .order_by("member__user__username", "dossier__product__name")
    )


@transaction.atomic
def approve_results(round_, *, by, drafts_confirmed: bool = False, now=None) -> bool:
    """Scoring → results approved. Sheets still in draft are left out of every result; approving with drafts needs
    ``drafts_confirmed`` (the chair saw them listed on the confirmation page)."""
    _require(by, "round.approve", round_)
    round_ = _lock_round(round_)
    if round_.stage == RoundStage.APPROVED:
        return False
    _require_stage(round_, RoundStage.SCORING)
    problems = approval_problems(round_)
    if problems:
        raise ValidationError(problems)
    drafts = draft_sheets(round_).count()
    if drafts and not drafts_confirmed:
        raise ValidationError(
            _("%(n)s sheets are still drafts. Confirm on the approval page that they will not count."),
            params={"n": drafts},
        )
    round_.stage = RoundStage.APPROVED
    round_.approved_at = now or timezone.now()
    round_.approved_by = by
    round_.save(update_fields=["stage", "approved_at", "approved_by"])
    audit.record(
        round_, "round.results_approved", by=by, changes={"stage": ["scoring", "approved"]}, at=round_.approved_at
    )
    return True


@transaction.atomic
def record_decision(round_, *, number: str, date: datetime.date, signed_by: str, by, now=None) -> RecognitionDecision:
    """The authority's decision recognising the round's products at ≥ 3★ (capped at the authority's highest star),
    each with its product code. Dated neither in the future nor before the approval; recording it twice returns
    the first decision unchanged."""
    from evaluations.programme import check_decision_date

    _require(by, "decision.record", round_)
    round_ = _lock_round(round_)
    existing = RecognitionDecision.objects.filter(round=round_, on_central_evaluation=False).first()
    if existing:
        return existing
    _require_stage(round_, RoundStage.APPROVED)
    number = (number or "").strip()
    if not number or not signed_by.strip():
        raise ValidationError(_("Enter the decision's number and who signed it."))
    check_decision_date(round_, date, now)
    authority = Authority.objects.select_for_update().get(pk=round_.year.authority_id)  # serialises product codes
    decision = RecognitionDecision.objects.create(
        round=round_, number=number, date=date, signed_by=signed_by.strip(), recorded_by=by,
        recorded_at=now or timezone.now(),
    )  # fmt: skip
    cap = authority.max_recognised_star
    same_year = Recognition.objects.filter(decision__round__year__authority=authority, decision__date__year=date.year)
    used = same_year.count()
    recognitions = []
    for seq, result in enumerate(decision_results(round_), start=used + 1):
        code = product_codes.code_for(authority, result.dossier, legacy_seq=seq, legacy_year=date.year)
        recognitions.append(
            Recognition(decision=decision, dossier_id=result.dossier_id, star=min(result.star, cap), product_code=code)
        )
    Recognition.objects.bulk_create(recognitions)
    hooks.decision_recorded(decision, by=by, now=decision.recorded_at)
    audit.record(
        round_,
        "round.decision_recorded",
        by=by,
        changes={"decision": [None, f"{number} ({date_format(date, 'SHORT_DATE_FORMAT')})"]},
        at=decision.recorded_at,
    )
    return decision


def decision_results(round_) -> list[Result]:
    """The results the round's own decision recognises: accepted dossiers at 3★ or more, in Vietnamese
    alphabetical order of communes, then products (as the certificates list them: Đông Hưng comes between Dương
    Đức and Yên Sơn). Under a regime where the province approves a result for the ministry (26/2026), a product at
    90 or more is not recognised here: it goes to the ministry (``evaluations.ministry``). Below 3★ nothing is
    recognised (26/2026 Điều 4.1a: no decision, no certificate)."""
    authority = round_.year.authority
    results = (
        Result.objects.filter(dossier__round=round_, dossier__status=DossierStatus.ACCEPTED, star__gte=3)
        .select_related("dossier__commune", "dossier__product", "dossier__regime", "dossier__round__year")
        .defer("criterion_means", "failed_marks")
        .order_by(vi_order("dossier__commune__name"), vi_order("dossier__product__name"), "pk")
    )
    return [r for r in results if not goes_to_ministry(r, authority)]


def goes_to_ministry(result, authority) -> bool:
    """A result at 90 or more under a regime where the province approves it and sends it to the ministry."""
    if not result.forwarded(authority):
        return False
    regime = product_codes.dossier_regime(result.dossier)
    return bool(regime and regime.province_approves_for_ministry)


def commune_code(commune) -> str:
    """A commune's letters in the older product codes (Thanh Lâm → TL)."""
    return product_codes.commune_initials(commune)


def product_code(authority, commune, seq: int, year: int) -> str:
    """Decision 2: the older code from initials (``product_codes.code_for`` chooses the official one under 26/2026)."""
    return product_codes.legacy_code(authority, commune, seq, year)


_SCORE = DecimalField(max_digits=9, decimal_places=2)


def forwarded_results(round_=None, authority=None):
    """Approved results that go on to the next level (decision 2a): the council's uncapped star reaches the next
    level's star, and the exact mean (points ÷ sheets, never the 2-decimal display) reaches its threshold."""
    qs = Result.objects.filter(dossier__round__stage__in=[RoundStage.APPROVED, RoundStage.CLOSED]).select_related(
        "dossier__product__producer", "dossier__commune", "dossier__round__year__authority", "dossier__regime"
    )
    if round_ is not None:
        qs = qs.filter(dossier__round=round_)
        authority = round_.year.authority
    if authority is not None:
        if authority.next_level_star > 5:
            return qs.none()
        qs = qs.filter(
            sheet_count__gt=0,
            star__gte=authority.next_level_star,
            points_sum__gte=ExpressionWrapper(
                F("sheet_count") * Value(authority.forward_threshold, output_field=_SCORE), output_field=_SCORE
            ),
        )
    return qs.order_by("-mean")


@transaction.atomic
def record_province_result(result, *, star: int, decision: str, date: datetime.date, by) -> bool:
    _require(by, "decision.record", result.dossier.round)
    result = Result.objects.select_for_update().select_related("dossier__round__year__authority").get(pk=result.pk)
    _require_stage(result.dossier.round, RoundStage.APPROVED, RoundStage.CLOSED)
    authority = result.dossier.round.year.authority
    if not result.forwarded(authority):
        raise ValidationError(
            _("Only products forwarded to the %(level)s have its result; this one was not forwarded."),
            params={"level": authority.next_level_name},
        )
    if star not in (0, 3, 4, 5):
        raise ValidationError(
            _("The %(level)s's result is 3, 4 or 5 stars, or 0 when not recognised."),
            params={"level": authority.next_level_name},
        )
    before = [result.province_result_star, result.province_decision]
    if before == [star, decision] and result.province_decision_date == date:
        return False
    result.province_result_star = star
    result.province_decision = decision
    result.province_decision_date = date
    result.save(update_fields=["province_result_star", "province_decision", "province_decision_date"])
    audit.record(result.dossier, "result.province_recorded", by=by, changes={"province_star": [before[0], star]})
    hooks.higher_result_recorded(result, by=by, now=timezone.now())
    return True
