"""State changes of support policies, entitlements, payments and budgets. Each checks permission and state, locks
the row, saves, audits (``ocop.audit.record``) in one transaction.

How an entitlement comes about (decision 18): when a recognition decision is recorded, ``evaluations`` calls the
hook registered in ``funding.hooks``, which calls ``sync_decision``; it writes what ``funding.assessment`` computes
for every recognition (the policy, the case, the amount and the payer, or the reason there is none). Budget figures
(committed, paid, available) are read in ``funding.figures``.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations.models import Recognition, RecognitionDecision
from funding.assessment import Assessment, _date_text, assess_higher, assess_many
from funding.enums import (
    OPEN_STATES,
    PAYABLE_STATES,
    REJECTABLE_STATES,
    STARS,
    BudgetKind,
    EntitlementSource,
    EntitlementStatus,
    Payer,
    PaymentOutcome,
    SupportCase,
)
from funding.figures import line_totals, support_line
from funding.models import BudgetLine, Entitlement, Expense, Payment, SupportPolicy, SupportRate
from ocop import audit, rules
from ocop.models import Authority

audit.register_actions(
    {
        "entitlement.created": gettext_lazy("Entitlement proposed"),
        "entitlement.updated": gettext_lazy("Entitlement updated after the decision was corrected"),
        "entitlement.withdrawn": gettext_lazy("Entitlement withdrawn: no longer covered"),
        "entitlement.approved": gettext_lazy("Approved the support payment"),
        "entitlement.rejected": gettext_lazy("Rejected the support payment"),
        "entitlement.paid": gettext_lazy("Recorded the payment"),
        "entitlement.payment_failed": gettext_lazy("Recorded a failed payment"),
        "budget.line_saved": gettext_lazy("Saved the budget line"),
        "budget.expense_recorded": gettext_lazy("Recorded an expense"),
        "budget.overridden": gettext_lazy("Spent beyond the budget line (override)"),
        "policy.saved": gettext_lazy("Saved the support policy"),
    }
)
# Labels of the changes that are not fields of the audited model (the history shows them in the reader's language).
audit.EXTRA_FIELD_LABELS.update({"expense": gettext_lazy("expense"), "rates": gettext_lazy("support rates")})
audit.register_value_labels("status", dict(EntitlementStatus.choices))
audit.register_value_labels("case", dict(SupportCase.choices))
audit.register_value_labels("payer", dict(Payer.choices))


def _require(user, action, obj=None):
    if not rules.can(user, action, obj):
        raise PermissionDenied


AMOUNT_TEXT = re.compile(r"^\d{1,3}([. ,]\d{3})*$|^\d+$")


def money(value) -> Decimal:
    """A whole, non-negative number of đồng as a Decimal (never float); text may group thousands ("50.000.000")."""
    if isinstance(value, float):
        raise TypeError("Amounts are Decimal, never float.")
    if isinstance(value, str):
        text = value.strip()
        if not AMOUNT_TEXT.match(text):
            raise ValidationError(_("Enter the amount in whole đồng, digits only, e.g. 50000000."))
        value = re.sub(r"[. ,]", "", text)
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(_("Enter the amount in whole đồng, digits only, e.g. 50000000.")) from None
    if not amount.is_finite() or amount.adjusted() >= 15:  # NaN, infinity, or beyond 15 digits (the columns')
        raise ValidationError(_("Enter the amount in whole đồng, digits only, e.g. 50000000."))
    if amount != amount.to_integral_value() or amount < 0:
        raise ValidationError(_("Enter the amount in whole đồng, zero or more."))
    return amount.quantize(Decimal(1))


def sync_higher_result(result, *, by, now=None) -> str:
    """Create, update or withdraw the entitlement of a higher level's recognition recorded on ``result`` (hook of
    ``evaluations.domain.record_province_result``). Approved, paid and rejected entitlements are never touched."""
    recognition = _recognitions_of(Recognition.objects.filter(dossier_id=result.dossier_id)).first()
    if recognition is None:
        return ""  # no decision yet: ``sync_decision`` creates it when the decision is recorded
    return _sync_higher(recognition, by=by, now=now or timezone.now())


def _create_entitlement(recognition, *, by, now, **values) -> Entitlement:
    """A new entitlement for a recognition of its decision (the decision's own, or a higher level's result), with
    its audit row."""
    dossier = recognition.dossier
    entitlement = Entitlement.objects.create(
        recognition=recognition,
        decision=recognition.decision,
        year=recognition.decision.round.year,
        product=dossier.product,
        producer=dossier.product.producer,
        commune=dossier.commune,
        created_at=now,
        **values,
    )
    audit.record(
        entitlement,
        "entitlement.created",
        by=by,
        changes={"amount": [None, str(entitlement.amount)], "case": [None, entitlement.case]},
        at=now,
    )
    return entitlement


def _sync_higher(recognition, *, by, now) -> str:
    existing = (
        Entitlement.objects.select_for_update()
        .filter(recognition=recognition, source=EntitlementSource.HIGHER_LEVEL)
        .first()
    )
    assessment = assess_higher(recognition)
    covered = assessment is not None and assessment.covered
    if existing is None:
        if not covered:
            return ""
        star, number, day = assessment.higher
        # Not before the higher level's decision (a decision's sync may pass the district decision's time).
        now = min(max(now, timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))), timezone.now())
        _create_entitlement(
            recognition,
            by=by,
            now=now,
            source=EntitlementSource.HIGHER_LEVEL,
            higher_decision=number,
            higher_decision_date=day,
            **(_entitlement_values(assessment) | {"star": star}),
        )
        return "created"
    if existing.status not in OPEN_STATES:
        return ""
    before = audit.snapshot(existing, TRACKED)
    if covered:
        star, number, day = assessment.higher
        for name, value in (_entitlement_values(assessment) | {"star": star}).items():
            setattr(existing, name, value)
        existing.higher_decision, existing.higher_decision_date = number, day
        existing.status = EntitlementStatus.PROPOSED
        action = "entitlement.updated"
    else:
        existing.status = EntitlementStatus.WITHDRAWN
        action = "entitlement.withdrawn"
    changes = audit.diff(before, audit.snapshot(existing, TRACKED))
    if not changes:
        return ""
    existing.save()
    audit.record(existing, action, by=by, changes=changes, note=assessment.reason if assessment else "", at=now)
    return "updated" if covered else "withdrawn"


def _recognitions_of(queryset):
    return queryset.select_related("decision__round__year__authority", "dossier__product__producer", "dossier__commune")


def _recognitions(decision):
    return Recognition.objects.filter(decision=decision).select_related(
        "decision__round__year__authority", "dossier__product__producer", "dossier__commune"
    )


def _entitlement_values(assessment: Assessment) -> dict:
    return {
        "policy": assessment.policy,
        "legal_basis": assessment.policy.legal_basis,
        "case": assessment.case,
        "star": assessment.recognition.star,
        "previous_star": assessment.previous_star,
        "amount": assessment.amount,
        "payer": assessment.payer,
    }


TRACKED = ("legal_basis", "case", "star", "amount", "payer", "status")


def sync_decision(decision, *, by, now=None, corrected: bool = False) -> dict:
    """Create the entitlements of a decision's recognitions; with ``corrected``, also bring the entitlements not yet
    approved in line (a changed date may move a recognition into or out of a policy window). Approved, paid and
    rejected entitlements are never touched. Running it again changes nothing. Returns counts."""
    now = now or timezone.now()
    counts = {"created": 0, "updated": 0, "withdrawn": 0}
    with transaction.atomic():
        existing = {
            e.recognition_id: e
            for e in Entitlement.objects.select_for_update()
            .filter(decision=decision, source=EntitlementSource.DECISION)
            .order_by("pk")
        }
        recognitions = list(_recognitions(decision))
        # Recognitions with a higher level's star recorded on their result, or a higher-level entitlement already:
        # one query, so that a decision (or a policy's re-sync of every decision) pays no query per recognition.
        higher_ids = set(
            Recognition.objects.filter(decision=decision)
            .filter(
                Q(dossier__result__province_result_star__gt=F("star"))
                | Q(entitlements__source=EntitlementSource.HIGHER_LEVEL)
            )
            .values_list("pk", flat=True)
        )
        for assessment in assess_many(recognitions):
            recognition = assessment.recognition
            if recognition.pk in higher_ids:  # a higher level's result recorded before the decision or a correction
                higher = _sync_higher(recognition, by=by, now=now)
                if higher:
                    counts[higher] += 1
            entitlement = existing.get(recognition.pk)
            if entitlement is None:
                if assessment.covered:
                    _create_entitlement(recognition, by=by, now=now, **_entitlement_values(assessment))
                    counts["created"] += 1
                continue
            if not corrected or entitlement.status not in OPEN_STATES:
                continue
            before = audit.snapshot(entitlement, TRACKED)
            if assessment.covered:
                for name, value in _entitlement_values(assessment).items():
                    setattr(entitlement, name, value)
                entitlement.status = EntitlementStatus.PROPOSED
                action = "entitlement.updated"
            else:
                entitlement.status = EntitlementStatus.WITHDRAWN
                action = "entitlement.withdrawn"
            changes = audit.diff(before, audit.snapshot(entitlement, TRACKED))
            if changes:
                entitlement.save()
                audit.record(entitlement, action, by=by, changes=changes, note=assessment.reason, at=now)
                counts["updated" if action == "entitlement.updated" else "withdrawn"] += 1
    return counts


# ---------------------------------------------------------------------------------------------------- approval
def _lock(entitlement) -> Entitlement:
    return Entitlement.objects.select_for_update().select_related("year", "commune").get(pk=entitlement.pk)


def _refuse_state(entitlement, doing: str):
    raise ValidationError(
        _("The entitlement is “%(status)s”; it cannot be %(doing)s.")
        % {"status": entitlement.get_status_display(), "doing": doing}
    )


@transaction.atomic
def approve_entitlement(entitlement, *, by, now=None) -> bool:
    _require(by, "entitlement.approve", entitlement)
    entitlement = _lock(entitlement)
    if entitlement.status in (EntitlementStatus.APPROVED, EntitlementStatus.PAID, EntitlementStatus.PAYMENT_FAILED):
        return False
    if entitlement.status != EntitlementStatus.PROPOSED:
        _refuse_state(entitlement, _("approved"))
    now = now or timezone.now()
    entitlement.status = EntitlementStatus.APPROVED
    entitlement.approved_at = now
    entitlement.approved_by = by
    entitlement.save(update_fields=["status", "approved_at", "approved_by"])
    audit.record(
        entitlement, "entitlement.approved", by=by, changes={"status": [EntitlementStatus.PROPOSED, "approved"]}, at=now
    )
    return True


@transaction.atomic
def reject_entitlement(entitlement, *, reason: str, by, now=None) -> bool:
    _require(by, "entitlement.approve", entitlement)
    entitlement = _lock(entitlement)
    if entitlement.status == EntitlementStatus.REJECTED:
        return False
    if entitlement.status not in REJECTABLE_STATES:
        _refuse_state(entitlement, _("rejected"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection: the commune and producer will see it.")})
    now = now or timezone.now()
    before = entitlement.status
    entitlement.status = EntitlementStatus.REJECTED
    entitlement.rejected_at = now
    entitlement.rejection_reason = reason
    entitlement.save(update_fields=["status", "rejected_at", "rejection_reason"])
    audit.record(
        entitlement, "entitlement.rejected", by=by, changes={"status": [before, "rejected"]}, note=reason, at=now
    )
    return True


def _check_line(line, amount: Decimal, override_reason: str, by, *, what) -> str:
    """Refuse spending beyond the line unless an override with a reason is recorded (decision 20). Returns the
    override reason actually used ('' when the spending fits)."""
    totals = line_totals(line)
    if totals["paid"] + amount <= line.amount:
        return ""
    override_reason = (override_reason or "").strip()
    if not override_reason:
        raise ValidationError(
            {
                "override_reason": _(
                    "%(what)s of %(amount)s ₫ would take “%(line)s” beyond its %(total)s ₫ (%(left)s ₫ left). "
                    "Record a reason to override, or choose another line."
                )
                % {
                    "what": what,
                    "amount": _grouped(amount),
                    "line": line.name,
                    "total": _grouped(line.amount),
                    "left": _grouped(totals["spendable"]),
                }
            }
        )
    if not rules.can(by, "budget.override", line):
        raise ValidationError(_("Only the finance officer may spend beyond a budget line."))
    return override_reason


def _grouped(amount) -> str:
    return f"{int(amount):,}".replace(",", ".")


@transaction.atomic
def save_budget_line(line=None, *, year, name, source, amount, payer, kind, by) -> BudgetLine:
    _require(by, "budget.edit", line)
    amount = money(amount)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter the line's name.")})
    if kind == BudgetKind.SUPPORT:
        clash = BudgetLine.objects.filter(year=year, payer=payer, kind=BudgetKind.SUPPORT)
        if line is not None:
            clash = clash.exclude(pk=line.pk)
        if clash.exists():
            raise ValidationError(
                _("%(year)s already has a support line paid from the %(payer)s.")
                % {"year": year.year, "payer": str(Payer(payer).label).lower()}
            )
    if BudgetLine.objects.filter(year=year, name=name).exclude(pk=getattr(line, "pk", None)).exists():
        raise ValidationError({"name": _("A line of this year already has this name.")})
    fields = ("year", "name", "source", "amount", "payer", "kind")
    if line is None:
        line = BudgetLine(year=year)
        before = {}
    else:
        line = BudgetLine.objects.select_for_update().get(pk=line.pk)
        before = audit.snapshot(line, fields)
        spent = line_totals(line)["paid"]
        if amount < spent:
            raise ValidationError(
                {"amount": _("%(spent)s ₫ has already been spent from this line.") % {"spent": _grouped(spent)}}
            )
    line.year, line.name, line.source, line.amount, line.payer, line.kind = (
        year,
        name,
        source.strip(),
        amount,
        payer,
        kind,
    )
    changes = audit.diff(before, audit.snapshot(line, fields))
    if not changes:
        return line
    line.save()
    audit.record(line, "budget.line_saved", by=by, changes=changes)
    return line


@transaction.atomic
def record_expense(line, *, date, purpose, amount, document, override_reason="", by, now=None):
    """Record money spent from a line. Returns the expense, or False when the same expense was already recorded (a
    repeated form)."""
    _require(by, "expense.record", line)
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    amount = money(amount)
    purpose, document = (purpose or "").strip(), (document or "").strip()
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if not purpose or not document:
        raise ValidationError(_("Enter the purpose and the document (voucher or decision number)."))
    if Expense.objects.filter(line=line, date=date, purpose=purpose, amount=amount, document=document).exists():
        return False
    override = _check_line(line, amount, override_reason, by, what=_("An expense"))
    now = now or timezone.now()
    expense = Expense.objects.create(
        line=line,
        date=date,
        purpose=purpose,
        amount=amount,
        document=document,
        override_reason=override,
        recorded_by=by,
        recorded_at=now,
    )
    audit.record(
        line,
        "budget.expense_recorded",
        by=by,
        changes={"expense": [None, f"{purpose}: {_grouped(amount)} ₫ ({_date_text(date)}, {document})"]},
        at=now,
    )
    if override:
        audit.record(line, "budget.overridden", by=by, note=override, at=now)
    return expense


# ---------------------------------------------------------------------------------------------------- payment
@transaction.atomic
def record_payment(
    entitlement, *, date, voucher_number, amount, difference_reason="", override_reason="", by, now=None
) -> bool:
    """Pay an approved entitlement (or retry after a failed payment) from the support line of its year and payer.

    The entitlement row is locked first, so of two requests at once the second waits, sees it paid and changes
    nothing (returns False); the database allows one paid payment per entitlement in any case."""
    _require(by, "entitlement.pay", entitlement)
    entitlement = _lock(entitlement)
    if entitlement.status == EntitlementStatus.PAID:
        return False
    if entitlement.status not in PAYABLE_STATES:
        _refuse_state(entitlement, _("paid"))
    amount = money(amount)
    voucher_number = (voucher_number or "").strip()
    difference_reason = (difference_reason or "").strip()
    errors = {}
    if amount <= 0:
        errors["amount"] = _("The amount must be more than zero.")
    if not voucher_number:
        errors["voucher_number"] = _("Enter the voucher number.")
    if amount != entitlement.amount and not difference_reason:
        errors["difference_reason"] = _("The amount differs from the entitlement (%(amount)s ₫): give the reason.") % {
            "amount": _grouped(entitlement.amount)
        }
    now = now or timezone.now()
    if date > timezone.localdate(now):
        errors["date"] = _("The payment date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    line = support_line(entitlement.year, entitlement.payer)
    if line is None:
        raise ValidationError(
            _("There is no support budget line for %(year)s (%(payer)s): add it on the budget page first.")
            % {"year": entitlement.year.year, "payer": str(Payer(entitlement.payer).label).lower()}
        )
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    override = _check_line(line, amount, override_reason, by, what=_("A payment"))
    Payment.objects.create(
        entitlement=entitlement,
        outcome=PaymentOutcome.PAID,
        date=date,
        voucher_number=voucher_number,
        amount=amount,
        difference_reason=difference_reason if amount != entitlement.amount else "",
        line=line,
        override_reason=override,
        recorded_by=by,
        recorded_at=now,
    )
    before = entitlement.status
    entitlement.status = EntitlementStatus.PAID
    entitlement.paid_on = date
    entitlement.paid_amount = amount
    entitlement.save(update_fields=["status", "paid_on", "paid_amount"])
    audit.record(
        entitlement,
        "entitlement.paid",
        by=by,
        changes={"status": [before, "paid"], "paid_amount": [None, str(amount)]},
        note=difference_reason if amount != entitlement.amount else "",
        at=now,
    )
    if override:
        audit.record(line, "budget.overridden", by=by, note=override, at=now)
    return True


@transaction.atomic
def record_failed_payment(entitlement, *, date, reason, by, now=None) -> bool:
    """Record that a payment did not go through (e.g. the account was closed); it can be retried."""
    _require(by, "entitlement.pay", entitlement)
    entitlement = _lock(entitlement)
    if entitlement.status not in PAYABLE_STATES:
        _refuse_state(entitlement, _("paid"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the payment failed.")})
    last = entitlement.payments.order_by("-recorded_at", "-pk").first()
    if last and last.outcome == PaymentOutcome.FAILED and last.date == date and last.failure_reason == reason:
        return False
    now = now or timezone.now()
    Payment.objects.create(
        entitlement=entitlement,
        outcome=PaymentOutcome.FAILED,
        date=date,
        amount=entitlement.amount,
        failure_reason=reason,
        recorded_by=by,
        recorded_at=now,
    )
    before = entitlement.status
    entitlement.status = EntitlementStatus.PAYMENT_FAILED
    entitlement.save(update_fields=["status"])
    audit.record(
        entitlement,
        "entitlement.payment_failed",
        by=by,
        changes={"status": [before, entitlement.status]},
        note=reason,
        at=now,
    )
    return True


# ---------------------------------------------------------------------------------------------------- policies
@transaction.atomic
def save_policy(
    policy=None, *, authority, legal_basis, title="", valid_from, valid_to, payers: dict, rates: dict, notes="", by
) -> SupportPolicy:
    """Create or change a policy and its rates ({(case, star): amount or None}); then bring the entitlements not
    yet approved of the decisions it covers (before or after the change) in line with it."""
    _require(by, "policy.edit", policy)
    legal_basis = (legal_basis or "").strip()
    if not legal_basis:
        raise ValidationError({"legal_basis": _("Enter the legal basis.")})
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": _("The end date is before the start date.")})
    Authority.objects.select_for_update().get(pk=authority.pk)  # one policy edit at a time per authority
    others = SupportPolicy.objects.filter(authority=authority).exclude(pk=getattr(policy, "pk", None))
    overlap = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if valid_to is not None:
        overlap = overlap.filter(valid_from__lte=valid_to)
    clash = overlap.first()
    if clash:
        raise ValidationError(
            _("The window overlaps %(basis)s: one policy at a time covers a decision date.")
            % {"basis": clash.legal_basis}
        )
    fields = ("legal_basis", "title", "valid_from", "valid_to", "payer_3", "payer_4", "payer_5", "notes")
    old_window = None
    if policy is None:
        policy = SupportPolicy(authority=authority)
        before = {}
    else:
        policy = SupportPolicy.objects.select_for_update().get(pk=policy.pk)
        before = audit.snapshot(policy, fields)
        before["rates"] = _rates_text(policy)
        old_window = (policy.valid_from, policy.valid_to)
    policy.legal_basis, policy.title, policy.notes = legal_basis, (title or "").strip(), (notes or "").strip()
    policy.valid_from, policy.valid_to = valid_from, valid_to
    for star in STARS:
        setattr(policy, f"payer_{star}", payers.get(star) or getattr(policy, f"payer_{star}"))
    policy.save()
    wanted = {(case, star): money(amount) for (case, star), amount in rates.items() if amount not in (None, "")}
    for rate in list(policy.rates.all()):
        if (rate.case, rate.star) not in wanted:
            rate.delete()
    for (case, star), amount in wanted.items():
        SupportRate.objects.update_or_create(policy=policy, case=case, star=star, defaults={"amount": amount})
    after = audit.snapshot(policy, fields)
    after["rates"] = _rates_text(policy)
    changes = audit.diff(before, after)
    if changes:
        audit.record(policy, "policy.saved", by=by, changes=changes)
        _resync(authority, [old_window, (valid_from, valid_to)], by=by)
    return policy


def _rates_text(policy) -> list[str]:
    return [f"{r.case} {r.star}★ {r.amount}" for r in policy.rates.order_by("case", "star")]


def _resync(authority, windows, *, by):
    decisions = RecognitionDecision.objects.filter(round__year__authority=authority)
    condition = Q()
    for window in windows:
        if window is None:
            continue
        start, end = window
        condition |= Q(date__gte=start) & (Q(date__lte=end) if end else Q())
    for decision in decisions.filter(condition).order_by("date", "pk"):
        sync_decision(decision, by=by, corrected=True)
