"""Running the programme year from the browser: years and their targets, rounds, decision corrections, closing.

Domain functions, like ``evaluations.domain``: each checks permission and state, locks what it changes, saves,
writes one audit row and returns False when the request repeats a change already made (idempotent).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations import hooks
from evaluations.models import Certificate, CouncilMember, Recognition, RecognitionDecision
from ocop import audit, rules
from products.enums import RegistrationType
from programme.enums import RoundStage
from programme.models import CommuneTarget, ProgrammeYear, Round, default_ceremony, default_round_dates
from programme.regimes import round_window

audit.register_actions(
    {
        "year.created": gettext_lazy("Created the programme year"),
        "year.updated": gettext_lazy("Changed the programme year"),
        "year.targets_set": gettext_lazy("Set the communes' targets"),
        "year.closed": gettext_lazy("Closed the programme year"),
        "round.created": gettext_lazy("Created the round"),
        "round.updated": gettext_lazy("Changed the round"),
        "round.closed": gettext_lazy("Closed the round"),
        "decision.corrected": gettext_lazy("Corrected the recognition decision"),
    }
)

UNFINISHED_STAGES = (RoundStage.OPEN, RoundStage.SCORING)


def _require(user, action, obj=None):
    if not rules.can(user, action, obj):
        raise PermissionDenied


def _today(now=None) -> datetime.date:
    return timezone.localdate(now or timezone.now())


def _short(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else ""


def _require_open_year(year: ProgrammeYear):
    if year.is_closed:
        raise ValidationError(
            _("The programme year %(year)s is closed; it can no longer be changed."), params={"year": year.year}
        )


# ---------------------------------------------------------------------------------------------------- years
def plan_progress(year) -> dict:
    """The year's recognitions (≥ 3★) against the plan's targets, in one query: new registrations (upgrades are not
    new products) and re-evaluations. The year page, the homes and the dashboard's targets read this."""
    return Recognition.objects.filter(decision__round__year=year, star__gte=3).aggregate(
        new=Count("id", filter=Q(dossier__registration_type=RegistrationType.NEW)),
        reevaluated=Count("id", filter=Q(dossier__registration_type=RegistrationType.REEVALUATION)),
    )


def previous_year(authority, year: int) -> ProgrammeYear | None:
    return ProgrammeYear.objects.filter(authority=authority, year__lt=year).order_by("-year").first()


def year_initial(authority, year: int) -> dict:
    """What the form for a new year starts from: last year's targets and plan's ceremony date (decision 21)."""
    last = previous_year(authority, year)
    initial = {"year": year, "ceremony_by": default_ceremony(year)}
    if last:
        initial.update(
            target_new_products=last.target_new_products,
            target_reevaluations=last.target_reevaluations,
            budget=last.budget,
        )
    return initial


@transaction.atomic
def create_year(authority, *, year: int, by, copy_commune_targets: bool = True, now=None, **values) -> ProgrammeYear:
    """A new programme year. Targets not given are taken from the previous year (and its communes' targets)."""
    _require(by, "year.manage")
    unknown = set(values) - set(ProgrammeYear.EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not programme-year fields: {sorted(unknown)}")
    existing = ProgrammeYear.objects.filter(authority=authority, year=year).first()
    if existing:
        raise ValidationError(
            {"year": _("The programme year %(year)s already exists.") % {"year": year}}, code="duplicate"
        )
    fields = year_initial(authority, year) | {k: v for k, v in values.items() if v is not None}
    fields.pop("year", None)
    programme_year = ProgrammeYear(authority=authority, year=year, **fields)
    programme_year.full_clean()
    try:
        with transaction.atomic():
            programme_year.save()
    except IntegrityError:  # another office clerk created it at the same moment
        raise ValidationError(
            {"year": _("The programme year %(year)s already exists.") % {"year": year}}, code="duplicate"
        ) from None
    last = previous_year(authority, year)
    if copy_commune_targets and last:
        CommuneTarget.objects.bulk_create(
            CommuneTarget(
                year=programme_year, commune_id=t.commune_id, new_products=t.new_products, reevaluations=t.reevaluations
            )
            for t in last.commune_targets.all()
        )
    audit.record(
        programme_year,
        "year.created",
        by=by,
        changes={
            name: [None, value] for name, value in audit.snapshot(programme_year, ProgrammeYear.EDITABLE_FIELDS).items()
        },
        at=now,
    )
    return programme_year


@transaction.atomic
def update_year(year: ProgrammeYear, *, by, **values) -> bool:
    _require(by, "year.manage", year)
    unknown = set(values) - set(ProgrammeYear.EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not programme-year fields: {sorted(unknown)}")
    year = ProgrammeYear.objects.select_for_update().get(pk=year.pk)
    _require_open_year(year)
    return audit.apply_changes(year, values, "year.updated", by=by)


@transaction.atomic
def set_commune_targets(year: ProgrammeYear, targets: dict, *, by) -> bool:
    """``targets``: {commune: (new products, re-evaluations)}; (0, 0) removes a commune's target."""
    _require(by, "year.manage", year)
    year = ProgrammeYear.objects.select_for_update().get(pk=year.pk)
    _require_open_year(year)
    current = {t.commune_id: t for t in year.commune_targets.all()}
    changes = {}
    for commune, (new, reev) in targets.items():
        if commune.authority_id != year.authority_id:
            raise ValidationError(_("This commune is not under the programme's authority."))
        row = current.get(commune.pk)
        before = (row.new_products, row.reevaluations) if row else (0, 0)
        if before == (new, reev):
            continue
        changes[commune.name] = [f"{before[0]}/{before[1]}", f"{new}/{reev}"]
        if new == 0 and reev == 0:
            row.delete()
        elif row:
            row.new_products, row.reevaluations = new, reev
            row.save(update_fields=["new_products", "reevaluations"])
        else:
            CommuneTarget.objects.create(year=year, commune=commune, new_products=new, reevaluations=reev)
    if not changes:
        return False
    audit.record(year, "year.targets_set", by=by, changes=changes)
    return True


def close_problems(year: ProgrammeYear) -> tuple[list[str], list[str]]:
    """(what stops the closing, what is unfinished but may stay so) in words for the office."""
    blocking, unfinished = [], []
    rounds = list(year.rounds.prefetch_related("decisions").order_by("number"))
    for round_ in rounds:
        if round_.stage in UNFINISHED_STAGES:
            blocking.append(
                _("%(round)s is still at the stage “%(stage)s”.") % {"round": round_, "stage": round_.stage_label()}
            )
        elif round_.decision is None:
            unfinished.append(
                _("%(round)s: results approved, but no recognition decision is recorded.") % {"round": round_}
            )
    missing = (
        RecognitionDecision.objects.filter(round__year=year)
        .exclude(recognitions__certificates__isnull=False)
        .values_list("recognitions__dossier__product__name", flat=True)
    )
    names = sorted(name for name in missing if name)
    if names:
        unfinished.append(_("Recognised products without a certificate: %(names)s.") % {"names": ", ".join(names)})
    return blocking, unfinished


@transaction.atomic
def close_year(year: ProgrammeYear, *, by, now=None) -> bool:
    """One-way: the year, its targets and its rounds become read-only; approved rounds are closed."""
    _require(by, "year.manage", year)
    year = ProgrammeYear.objects.select_for_update().get(pk=year.pk)
    if year.is_closed:
        return False
    blocking, _unfinished = close_problems(year)
    if blocking:
        raise ValidationError(blocking)
    now = now or timezone.now()
    year.closed_at, year.closed_by = now, by
    year.save(update_fields=["closed_at", "closed_by"])
    for round_ in year.rounds.select_for_update().filter(stage=RoundStage.APPROVED):
        round_.stage = RoundStage.CLOSED
        round_.save(update_fields=["stage"])
        audit.record(round_, "round.closed", by=by, changes={"stage": ["approved", "closed"]}, at=now)
    audit.record(year, "year.closed", by=by, changes={"closed": [None, _short(timezone.localdate(now))]}, at=now)
    return True


# ---------------------------------------------------------------------------------------------------- rounds
ROUND_FIELDS = (
    "commune_deadline",
    "district_deadline",
    "meeting_date",
    "meeting_place",
    "proposal_cutoff",
    "closes_by",
)
# Under 26/2026 the council's sheets are due this many days before the round's end date (decision 21's 15/06 and
# 15/12 for ends on 30/06 and 30/12), leaving time for the approval and the decision.
SCORING_DAYS_BEFORE_END = 15


def round_initial(year: ProgrammeYear) -> dict:
    """The next round's number and dates: decision 21's, or under a regime with round windows (26/2026 Điều 5) the
    window's cut-off (also the commune deadline) and end date, the sheets due 15 days before the end."""
    number = (year.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
    window = round_window(year, number)
    if window:
        cutoff, end = window
        scoring = max(cutoff, end - datetime.timedelta(days=SCORING_DAYS_BEFORE_END))
        return {
            "number": number,
            "commune_deadline": cutoff,
            "district_deadline": scoring,
            "proposal_cutoff": cutoff,
            "closes_by": end,
        }
    commune, scoring = default_round_dates(year.year, number)
    return {"number": number, "commune_deadline": commune, "district_deadline": scoring}


def _check_round_dates(values: dict):
    commune, scoring = values.get("commune_deadline"), values.get("district_deadline")
    meeting = values.get("meeting_date")
    errors = {}
    if commune and scoring and scoring < commune:
        errors["district_deadline"] = _("The scoring deadline cannot be before the commune deadline.")
    if meeting and commune and meeting < commune:
        errors["meeting_date"] = _("The council cannot meet before the commune deadline.")
    cutoff, end = values.get("proposal_cutoff"), values.get("closes_by")
    if cutoff and commune and commune > cutoff:
        errors["commune_deadline"] = _("The commune deadline cannot be after the proposal cut-off.")
    if end and cutoff and end < cutoff:
        errors["closes_by"] = _("The round cannot end before its proposal cut-off.")
    elif end and scoring and end < scoring:
        errors["closes_by"] = _("The round cannot end before its scoring deadline.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_round(year: ProgrammeYear, *, by, copy_council_from: Round | None = None, now=None, **values) -> Round:
    """The year's next round, with the plan's default dates unless given (decision 21) and, if asked, the council of
    an earlier round (its members and roles; conflicts of interest are declared per round)."""
    _require(by, "round.create", year)
    year = ProgrammeYear.objects.select_for_update().get(pk=year.pk)
    _require_open_year(year)
    unknown = set(values) - set(ROUND_FIELDS)
    if unknown:
        raise ValueError(f"Not round fields: {sorted(unknown)}")
    initial = round_initial(year)
    fields = initial | {k: v for k, v in values.items() if v is not None or k in ("proposal_cutoff", "closes_by")}
    fields["meeting_place"] = (fields.get("meeting_place") or "").strip()
    _check_round_dates(fields)
    round_ = Round.objects.create(year=year, **fields)
    copied = 0
    if copy_council_from is not None:
        if copy_council_from.year.authority_id != year.authority_id:
            raise ValidationError(_("The council can only be copied from a round of this programme."))
        seats = copy_council_from.council.all()
        CouncilMember.objects.bulk_create(
            CouncilMember(round=round_, user_id=s.user_id, role=s.role, title=s.title) for s in seats
        )
        copied = len(seats)
    changes = {name: [None, value] for name, value in audit.snapshot(round_, ROUND_FIELDS).items() if value}
    if copied:
        changes["council"] = [None, str(copied)]
    audit.record(round_, "round.created", by=by, changes=changes, at=now)
    return round_


@transaction.atomic
def update_round(round_: Round, *, by, **values) -> bool:
    """Dates and meeting of a round. The commune deadline is fixed once scoring has started; nothing changes after
    the results are approved."""
    _require(by, "round.manage", round_)
    unknown = set(values) - set(ROUND_FIELDS)
    if unknown:
        raise ValueError(f"Not round fields: {sorted(unknown)}")
    round_ = Round.objects.select_for_update().select_related("year").get(pk=round_.pk)
    _require_open_year(round_.year)
    if round_.stage not in UNFINISHED_STAGES:
        raise ValidationError(_("The results of this round are approved; its dates can no longer change."))
    if "meeting_place" in values:
        values["meeting_place"] = (values["meeting_place"] or "").strip()
    if (
        round_.stage == RoundStage.SCORING
        and "commune_deadline" in values
        and values["commune_deadline"] != round_.commune_deadline
    ):
        raise ValidationError(
            {"commune_deadline": _("Scoring has started: the commune deadline can no longer change.")}
        )
    if (
        round_.stage == RoundStage.SCORING
        and "proposal_cutoff" in values
        and values["proposal_cutoff"] != round_.proposal_cutoff
    ):
        raise ValidationError({"proposal_cutoff": _("Scoring has started: the proposal cut-off can no longer change.")})
    merged = {name: values.get(name, getattr(round_, name)) for name in ROUND_FIELDS}
    _check_round_dates(merged)
    return audit.apply_changes(round_, values, "round.updated", by=by, clean=False)


# ---------------------------------------------------------------------------------------------------- decisions
def check_decision_date(round_: Round, date: datetime.date, now=None):
    """A recognition decision is dated neither in the future nor before the council's results were approved."""
    today = _today(now)
    if date > today:
        raise ValidationError(
            {"date": _("The decision cannot be dated in the future (today is %(today)s).") % {"today": _short(today)}}
        )
    approved = timezone.localdate(round_.approved_at) if round_.approved_at else None
    if approved and date < approved:
        raise ValidationError(
            {
                "date": _("The decision cannot be dated before the results were approved (%(date)s).")
                % {"date": _short(approved)}
            }
        )


def decision_has_certificates(decision: RecognitionDecision) -> bool:
    return Certificate.objects.filter(recognition__decision=decision).exists()


@transaction.atomic
def correct_decision(decision: RecognitionDecision, *, number: str, date, signed_by: str, by, now=None) -> bool:
    """Correct a decision's number, date or signatory (audited) until its first certificate exists: after that the
    certificates print it, and a correction needs re-issuing instead."""
    round_ = decision.round
    _require(by, "decision.record", round_)
    Round.objects.select_for_update().filter(pk=round_.pk).first()
    decision = (
        RecognitionDecision.objects.select_for_update().select_related("round__year__authority").get(pk=decision.pk)
    )
    if decision_has_certificates(decision):
        raise ValidationError(
            _("Certificates of this decision exist; re-issue them instead of correcting the decision.")
        )
    number, signed_by = (number or "").strip(), (signed_by or "").strip()
    if not number or not signed_by:
        raise ValidationError(_("Enter the decision's number and who signed it."))
    check_decision_date(decision.round, date, now)
    before = {"number": decision.number, "date": decision.date.isoformat(), "signed_by": decision.signed_by}
    after = {"number": number, "date": date.isoformat(), "signed_by": signed_by}
    changes = audit.diff(before, after)
    if not changes:
        return False
    decision.number, decision.date, decision.signed_by = number, date, signed_by
    decision.save(update_fields=["number", "date", "signed_by"])
    now = now or timezone.now()
    hooks.decision_recorded(decision, by=by, now=now, corrected=True)
    audit.record(decision.round, "decision.corrected", by=by, changes=changes, at=now)
    return True
