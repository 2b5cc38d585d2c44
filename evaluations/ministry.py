"""The ministry path of Decision 26/2026 (Điều 7.3đ-e, 7.4) for a product the province council scored at 90 or more.

1. The province approves the council's result (the chairman's decision: number and date) and sends the product to the
   ministry (``approve_for_ministry``). The product is not in the round's own recognition decision.
2. The province records the ministry's outcome (``record_ministry_outcome``): **5★ recognised** (the ministry's
   decision; its certificate is recorded from the scan, never generated: decision 14), or **"Bộ không công nhận đạt
   90 điểm"**. The outcome is kept on the result like any higher level's result (``Result.province_result_star``: 5 or
   0), so funding's hook and the existing pages read it.
3. After "not confirmed", the province may recognise 3★ or 4★ on the central council's evaluation
   (``recognise_on_central_evaluation``): its score gives the band (decision 6), the marks the province council met
   (decisions 7-8) and the province's cap (4★) bound it; below 3★ nothing is recognised. The decision, the product
   code and the certificate follow as for the province's own recognitions (``RecognitionDecision`` with
   ``on_central_evaluation``; the decision hook creates the entitlement; the certificate is issued from the round's
   certificate page).

Each function checks permission and state, locks, saves, writes one audit row and returns False when the same request
was already carried out.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations import hooks, product_codes, scoring
from evaluations.domain import goes_to_ministry
from evaluations.models import MinistryReferral, Recognition, RecognitionDecision, Result
from ocop import audit, rules
from ocop.models import Authority
from products import hooks as product_hooks
from programme.enums import RoundStage

NOT_RECOGNISED = gettext_lazy("Not recognised (below 3 stars)")

audit.register_actions(
    {
        "result.ministry_sent": gettext_lazy("Approved the result and sent the product to the ministry"),
        "result.ministry_outcome": gettext_lazy("Recorded the ministry's outcome"),
        "result.central_recognised": gettext_lazy("Recognised on the central council's evaluation"),
    }
)


class ReferralState:
    """Where a product at 90 or more stands on the ministry path (for pages and lists)."""

    TO_APPROVE = "to_approve"
    SENT = "sent"
    RECOGNISED = "recognised"
    NOT_CONFIRMED = "not_confirmed"
    PROVINCE_RECOGNISED = "province_recognised"

    LABELS = {
        TO_APPROVE: gettext_lazy("To approve and send to the ministry"),
        SENT: gettext_lazy("Sent to the ministry, awaiting its outcome"),
        RECOGNISED: gettext_lazy("The ministry recognised 5★"),
        NOT_CONFIRMED: gettext_lazy("The ministry did not recognise 90 points"),
        PROVINCE_RECOGNISED: gettext_lazy("Recognised by the province on the central council's evaluation"),
    }


def state(result, referral, recognised: bool) -> str:
    """The step a product on the ministry path is at, from its referral and whether the province recognised it."""
    if referral is None:
        return ReferralState.TO_APPROVE
    if result.province_result_star == 5:
        return ReferralState.RECOGNISED
    if result.province_result_star == 0:
        return ReferralState.PROVINCE_RECOGNISED if recognised else ReferralState.NOT_CONFIRMED
    return ReferralState.SENT


def state_of(result) -> str:
    return state(
        result,
        MinistryReferral.objects.filter(result=result).first(),
        Recognition.objects.filter(dossier_id=result.dossier_id).exists(),
    )


def with_states(results) -> list:
    """The results, each with ``ministry_state`` (words; empty for a product not on the ministry path): two queries
    for the page's rows, whatever their number."""
    rows = list(results)
    referrals = {m.result_id: m for m in MinistryReferral.objects.filter(result_id__in=[r.pk for r in rows])}
    recognised = set(
        Recognition.objects.filter(dossier_id__in=[r.dossier_id for r in rows]).values_list("dossier_id", flat=True)
    )
    for r in rows:
        on_path = goes_to_ministry(r, r.dossier.round.year.authority)
        r.ministry_state = (
            ReferralState.LABELS[state(r, referrals.get(r.pk), r.dossier_id in recognised)] if on_path else ""
        )
    return rows


def _require(user, action, obj=None):
    if not rules.can(user, action, obj):
        raise PermissionDenied


def _short(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _today(now=None) -> datetime.date:
    return timezone.localdate(now or timezone.now())


def _lock(result) -> Result:
    return (
        Result.objects.select_for_update(of=("self",))
        .select_related("dossier__round__year__authority", "dossier__regime", "dossier__commune", "dossier__product")
        .get(pk=result.pk)
    )


def _require_on_path(result):
    round_ = result.dossier.round
    if round_.stage not in (RoundStage.APPROVED, RoundStage.CLOSED):
        raise ValidationError(_("The round's results are not approved yet."))
    if not goes_to_ministry(result, round_.year.authority):
        raise ValidationError(_("Only a product at 90 points or more under Decision 26/2026 goes to the ministry."))


def _check_date(day, field: str, now=None, not_before=None, before_label=""):
    if day is None:
        raise ValidationError({field: _("Enter the date.")})
    if day > _today(now):
        raise ValidationError({field: _("The date cannot be in the future.")})
    if not_before and day < not_before:
        raise ValidationError(
            {
                field: _("The date cannot be before %(what)s (%(date)s).")
                % {"what": before_label, "date": _short(not_before)}
            }
        )


@transaction.atomic
def approve_for_ministry(
    result, *, number: str, date: datetime.date, sent_on: datetime.date | None = None, by, now=None
):
    """Record the province's decision approving the council's result and the day the product went to the ministry.
    Returns the referral, or False when it is already recorded (the approval is recorded once)."""
    _require(by, "decision.record", result.dossier.round)
    result = _lock(result)
    existing = MinistryReferral.objects.filter(result=result).first()
    if existing is not None:
        return False
    _require_on_path(result)
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("Enter the number of the decision approving the result.")})
    round_ = result.dossier.round
    approved = timezone.localdate(round_.approved_at) if round_.approved_at else None
    _check_date(date, "date", now, approved, _("the council's results were approved"))
    sent_on = sent_on or date
    _check_date(sent_on, "sent_on", now, date, _("the approval"))
    now = now or timezone.now()
    referral = MinistryReferral.objects.create(
        result=result, approval_number=number, approval_date=date, sent_on=sent_on, recorded_by=by, recorded_at=now
    )
    audit.record(
        result.dossier,
        "result.ministry_sent",
        by=by,
        changes={"approval": [None, f"{number} ({_short(date)})"], "sent_on": [None, sent_on.isoformat()]},
        at=now,
    )
    return referral


@transaction.atomic
def record_ministry_outcome(
    result, *, recognised: bool, decision: str = "", date: datetime.date | None = None, by, now=None
) -> bool:
    """The ministry's outcome: 5★ recognised (its decision's number and date) or not recognised at 90 points.
    Fixed once the province recognised the product on the central council's evaluation."""
    _require(by, "decision.record", result.dossier.round)
    result = _lock(result)
    referral = MinistryReferral.objects.filter(result=result).first()
    if referral is None:
        raise ValidationError(_("Approve the result and send the product to the ministry first."))
    star = 5 if recognised else 0
    decision = (decision or "").strip()
    if recognised and not decision:
        raise ValidationError({"decision": _("Enter the number of the ministry's decision.")})
    if recognised or date is not None:
        _check_date(date, "date", now, referral.sent_on, _("the product was sent to the ministry"))
    before = [result.province_result_star, result.province_decision, result.province_decision_date]
    if before == [star, decision, date]:
        return False
    if Recognition.objects.filter(dossier_id=result.dossier_id).exists():
        raise ValidationError(_("The province already recognised this product; the ministry's outcome cannot change."))
    result.province_result_star, result.province_decision, result.province_decision_date = star, decision, date
    result.save(update_fields=["province_result_star", "province_decision", "province_decision_date"])
    now = now or timezone.now()
    audit.record(
        result.dossier,
        "result.ministry_outcome",
        by=by,
        changes={"province_star": [before[0], star], "decision": [before[1] or None, decision or None]},
        at=now,
    )
    hooks.higher_result_recorded(result, by=by, now=now)
    return True


def central_star(score: Decimal, result, cap: int) -> int:
    """Decisions 6-8 on the central council's score: its band, bound by the marks the province council's
    consolidated sheet met (``result.star`` is the highest star whose marks it met) and by the province's cap."""
    return min(scoring.band_star(score), result.star or 0, cap)


@transaction.atomic
def recognise_on_central_evaluation(
    result, *, central_score, number: str, date: datetime.date, signed_by: str, by, now=None
) -> RecognitionDecision | bool:
    """The province's decision recognising 3★ or 4★ on the central council's evaluation, after the ministry did not
    confirm 90 points; the product gets its code (``product_codes``) and, through the decision hook, its
    entitlement. Returns the decision, or False when the product is already recognised."""
    _require(by, "decision.record", result.dossier.round)
    result = _lock(result)
    if Recognition.objects.filter(dossier_id=result.dossier_id).exists():
        return False
    referral = MinistryReferral.objects.select_for_update().filter(result=result).first()
    if referral is None or result.province_result_star != 0:
        raise ValidationError(_("Only a product the ministry did not recognise at 90 points can be recognised here."))
    try:
        score = Decimal(str(central_score)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        score = None
    if score is None or not Decimal(0) <= score <= Decimal(100):
        raise ValidationError({"central_score": _("Enter the central council's score, from 0 to 100.")})
    number, signed_by = (number or "").strip(), (signed_by or "").strip()
    if not number or not signed_by:
        raise ValidationError(_("Enter the decision's number and who signed it."))
    not_before = result.province_decision_date or referral.sent_on
    _check_date(date, "date", now, not_before, _("the ministry's outcome"))
    round_ = result.dossier.round
    authority = Authority.objects.select_for_update().get(pk=round_.year.authority_id)  # serialises product codes
    star = central_star(score, result, authority.max_recognised_star)
    if star < 3:
        raise ValidationError(
            {
                "central_score": _(
                    "At %(score)s points the product is below 3★: it is not recognised (no decision, no certificate)."
                )
                % {"score": number_format(score, 2)}
            }
        )
    now = now or timezone.now()
    decision = RecognitionDecision.objects.create(
        round=round_, number=number, date=date, signed_by=signed_by, recorded_by=by, recorded_at=now,
        on_central_evaluation=True,
    )  # fmt: skip
    used = Recognition.objects.filter(
        decision__round__year__authority=authority, decision__date__year=date.year
    ).count()
    code = product_codes.code_for(authority, result.dossier, legacy_seq=used + 1, legacy_year=date.year)
    Recognition.objects.create(decision=decision, dossier_id=result.dossier_id, star=star, product_code=code)
    referral.central_score = score
    referral.save(update_fields=["central_score"])
    hooks.decision_recorded(decision, by=by, now=now)
    audit.record(
        result.dossier,
        "result.central_recognised",
        by=by,
        changes={
            "central_score": [None, str(score)],
            "star": [None, star],
            "decision": [None, f"{number} ({_short(date)})"],
        },
        at=now,
    )
    return decision


@product_hooks.on_dossier_outcome
def dossier_outcome(dossier) -> str:
    """The dossier page's line on the evaluation's outcome, once the round's results are approved: the recognition
    with its code, the ministry path's stage, or "not recognised (below 3 stars)" (26/2026 Điều 4.1a)."""
    if dossier.round.stage not in (RoundStage.APPROVED, RoundStage.CLOSED):
        return ""
    result = Result.objects.filter(dossier=dossier).defer("criterion_means", "failed_marks").first()
    if result is None or not result.sheet_count:
        return ""
    recognition = Recognition.objects.filter(dossier=dossier).select_related("decision").first()
    if recognition is not None:
        return _("Recognised %(star)s★ by decision %(number)s of %(date)s; product code %(code)s") % {
            "star": recognition.star,
            "number": recognition.decision.number,
            "date": _short(recognition.decision.date),
            "code": recognition.product_code,
        }
    if goes_to_ministry(result, dossier.round.year.authority):
        referral = MinistryReferral.objects.filter(result=result).first()
        return str(ReferralState.LABELS[state(result, referral, False)])
    if (result.star or 0) < 3:
        return str(NOT_RECOGNISED)
    return ""
