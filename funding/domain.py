"""State changes of support policies, entitlements, payments and budgets. Each checks permission and state, locks
the row, saves, audits (``ocop.audit.record``) in one transaction.

How an entitlement comes about (decision 18): when a recognition decision is recorded, ``evaluations`` calls the
hook registered in ``funding.hooks``, which calls ``sync_decision``. For every recognition, ``assess`` finds the policy
whose window holds the decision date, the case (new / re-evaluated with the star kept / upgraded, from the dossier's
registration type and the product's previous recognised star), the amount for that case and star, and the payer.
A recognition no policy covers gets no entitlement; ``assess`` gives the reason, which the pages show.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations.enums import CertificateKind
from evaluations.models import Certificate, Recognition, RecognitionDecision, Result
from funding.enums import (
    COMMITTED_STATES,
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
from funding.models import BudgetLine, Entitlement, Expense, Payment, SupportPolicy, SupportRate
from ocop import audit, rules
from ocop.enums import AuthorityLevel
from ocop.models import Authority
from products.enums import RegistrationType

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

ZERO = Decimal(0)


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


def _date_text(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


# ---------------------------------------------------------------------------------------------------- assessment
@dataclass
class Assessment:
    """What a recognition is entitled to, or why nothing."""

    recognition: Recognition
    policy: SupportPolicy | None = None
    case: str = ""
    previous_star: int | None = None
    amount: Decimal | None = None
    payer: str = ""
    reason: str = ""
    higher: tuple | None = None  # (star, decision number, date) of a higher level's recognition

    @property
    def covered(self) -> bool:
        return self.policy is not None and self.amount is not None

    @property
    def case_label(self) -> str:
        return str(SupportCase(self.case).label) if self.case else ""


def support_case(registration_type: str, star: int, previous: int | None) -> tuple[str, str]:
    """(case, reason): the case of decision 18 for a recognition, or '' with the reason there is none.

    The case follows the product's history, whatever the registration type says: ``previous`` is the star of its
    latest earlier recognition by this or another authority (a decision, a certificate on record, a higher level's
    result). No earlier recognition: "new" (decision 18: a first evaluation); a re-evaluation or upgrade with none on
    record was recognised before the application, so it is "kept" (an upgrade "upgraded"). The same star is "kept",
    a higher one "upgraded"; a star that fell gets nothing (see docs/architecture.md, "Support payments")."""
    if previous is None:
        if registration_type == RegistrationType.NEW:
            return SupportCase.NEW, ""
        if registration_type == RegistrationType.UPGRADE:
            return SupportCase.UPGRADED, ""
        return SupportCase.KEPT, ""
    if star < previous:
        return "", _("The star fell from %(previous)s★ to %(star)s★: the policy supports no downgrade.") % {
            "previous": previous,
            "star": star,
        }
    if star > previous:
        return SupportCase.UPGRADED, ""
    return SupportCase.KEPT, ""


def policy_for(authority, day: datetime.date) -> SupportPolicy | None:
    return (
        SupportPolicy.objects.filter(authority=authority, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .prefetch_related("rates")
        .order_by("-valid_from")
        .first()
    )


def assess(recognition: Recognition) -> Assessment:
    return assess_many([recognition])[0]


def assess_many(recognitions) -> list[Assessment]:
    """Assess recognitions in a fixed number of queries (policies with rates, earlier stars): for lists.
    Recognitions need ``decision__round__year`` and ``dossier`` loaded."""
    recognitions = list(recognitions)
    if not recognitions:
        return []
    authority_ids = {r.decision.round.year.authority_id for r in recognitions}
    policies = list(
        SupportPolicy.objects.filter(authority_id__in=authority_ids).prefetch_related("rates").order_by("-valid_from")
    )
    product_ids = {r.dossier.product_id for r in recognitions}
    earlier: dict[int, list] = {}
    for product_id, decision_id, day, star in Recognition.objects.filter(
        dossier__product_id__in=product_ids
    ).values_list("dossier__product_id", "decision_id", "decision__date", "star"):
        earlier.setdefault(product_id, []).append((decision_id, day, star))
    for product_id, day, star in Certificate.objects.filter(
        product_id__in=product_ids, kind=CertificateKind.RECORDED
    ).values_list("product_id", "issued_on", "star"):
        earlier.setdefault(product_id, []).append((None, day, star))
    # A higher level's recognition recorded on the council's result (the province's 4★, the ministry's 5★).
    for product_id, day, star in Result.objects.filter(
        dossier__product_id__in=product_ids, province_result_star__gte=3, province_decision_date__isnull=False
    ).values_list("dossier__product_id", "province_decision_date", "province_result_star"):
        earlier.setdefault(product_id, []).append((None, day, star))
    assessments = []
    for recognition in recognitions:
        decision = recognition.decision
        authority = decision.round.year.authority
        mine = [p for p in policies if p.authority_id == authority.pk]
        policy = next((p for p in mine if p.covers(decision.date)), None)
        before = [
            (day, star)
            for decision_id, day, star in earlier.get(recognition.dossier.product_id, [])
            if day < decision.date and decision_id != decision.pk
        ]
        previous = max(before)[1] if before else None
        assessments.append(_assess(recognition, authority, policy, mine[0] if mine else None, previous))
    return assessments


def _assess(recognition, authority, policy, latest, previous) -> Assessment:
    decision = recognition.decision
    result = Assessment(recognition=recognition)
    if policy is None:
        result.reason = _("No support policy covers a decision dated %(date)s.") % {"date": _date_text(decision.date)}
        if latest is not None:
            window = _date_text(latest.valid_from) + "–" + (_date_text(latest.valid_to) if latest.valid_to else "…")
            result.reason += " " + _("The latest policy, %(basis)s, covers %(window)s.") % {
                "basis": latest.legal_basis,
                "window": window,
            }
        return result
    result.policy = policy
    result.previous_star = previous
    case, reason = support_case(recognition.dossier.registration_type, recognition.star, previous)
    result.case = case
    if not case:
        result.reason = reason
        return result
    rate = next((r for r in policy.rates.all() if r.case == case and r.star == recognition.star), None)
    if rate is None:
        result.reason = _("%(basis)s sets no support for “%(case)s” at %(star)s★.") % {
            "basis": policy.legal_basis,
            "case": SupportCase(case).label,
            "star": recognition.star,
        }
        return result
    result.amount = rate.amount
    result.payer = Payer.PROVINCE if authority.level == AuthorityLevel.PROVINCE else policy.payer_for(recognition.star)
    return result


def assess_higher(recognition: Recognition) -> Assessment | None:
    """A higher level's recognition of the product after this authority forwarded it (decision 2a), recorded on the
    council's result: under the district regime the province's 4★ (or the ministry's 5★). None when no higher star
    above this authority's is recorded. The case follows the product's history before this evaluation (as for the
    authority's own recognition); the policy is the one whose window holds the higher level's decision date; the
    province pays (decision 18: "the province pays 4★ and 5★")."""
    result = Result.objects.filter(dossier_id=recognition.dossier_id).first()
    star = result.province_result_star if result else None
    if not star or star <= recognition.star or star not in STARS or result.province_decision_date is None:
        return None
    own = assess_many([recognition])[0]
    authority = recognition.decision.round.year.authority
    day = result.province_decision_date
    assessment = Assessment(recognition=recognition, previous_star=own.previous_star)
    assessment.policy = policy_for(authority, day)
    if assessment.policy is None:
        assessment.reason = _("No support policy covers a decision dated %(date)s.") % {"date": _date_text(day)}
        return assessment
    case, reason = support_case(recognition.dossier.registration_type, star, own.previous_star)
    assessment.case = case
    if not case:
        assessment.reason = reason
        return assessment
    rate = next((r for r in assessment.policy.rates.all() if r.case == case and r.star == star), None)
    if rate is None:
        assessment.reason = _("%(basis)s sets no support for “%(case)s” at %(star)s★.") % {
            "basis": assessment.policy.legal_basis,
            "case": SupportCase(case).label,
            "star": star,
        }
        return assessment
    assessment.amount = rate.amount
    assessment.payer = Payer.PROVINCE
    assessment.higher = (star, result.province_decision, day)
    return assessment


def sync_higher_result(result, *, by, now=None) -> str:
    """Create, update or withdraw the entitlement of a higher level's recognition recorded on ``result`` (hook of
    ``evaluations.domain.record_province_result``). Approved, paid and rejected entitlements are never touched."""
    recognition = _recognitions_of(Recognition.objects.filter(dossier_id=result.dossier_id)).first()
    if recognition is None:
        return ""  # no decision yet: ``sync_decision`` creates it when the decision is recorded
    return _sync_higher(recognition, by=by, now=now or timezone.now())


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
        dossier = recognition.dossier
        entitlement = Entitlement.objects.create(
            recognition=recognition,
            source=EntitlementSource.HIGHER_LEVEL,
            higher_decision=number,
            higher_decision_date=day,
            decision=recognition.decision,
            year=recognition.decision.round.year,
            product=dossier.product,
            producer=dossier.product.producer,
            commune=dossier.commune,
            created_at=now,
            **(_entitlement_values(assessment) | {"star": star}),
        )
        audit.record(
            entitlement,
            "entitlement.created",
            by=by,
            changes={"amount": [None, str(entitlement.amount)], "case": [None, entitlement.case]},
            at=now,
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
                    dossier = recognition.dossier
                    entitlement = Entitlement.objects.create(
                        recognition=recognition,
                        decision=decision,
                        year=decision.round.year,
                        product=dossier.product,
                        producer=dossier.product.producer,
                        commune=dossier.commune,
                        created_at=now,
                        **_entitlement_values(assessment),
                    )
                    audit.record(
                        entitlement,
                        "entitlement.created",
                        by=by,
                        changes={"amount": [None, str(entitlement.amount)], "case": [None, entitlement.case]},
                        at=now,
                    )
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


# ---------------------------------------------------------------------------------------------------- budgets
def _spent_subqueries():
    expenses = (
        Expense.objects.filter(line=OuterRef("pk"))
        .order_by()
        .values("line")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    payments = (
        Payment.objects.filter(line=OuterRef("pk"), outcome=PaymentOutcome.PAID)
        .order_by()
        .values("line")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    committed = (
        Entitlement.objects.filter(year=OuterRef("year"), payer=OuterRef("payer"), status__in=sorted(COMMITTED_STATES))
        .order_by()
        .values("year")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money_field = DecimalField(max_digits=15, decimal_places=0)
    return {
        "expenses_total": Coalesce(Subquery(expenses, output_field=money_field), Value(ZERO), output_field=money_field),
        "payments_total": Coalesce(Subquery(payments, output_field=money_field), Value(ZERO), output_field=money_field),
        "committed_total": Coalesce(
            Subquery(committed, output_field=money_field), Value(ZERO), output_field=money_field
        ),
    }


def lines_with_totals(queryset=None):
    """Budget lines annotated with what was spent (expenses, payments) and, for support lines, what is committed
    (approved, not yet paid): one query whatever the number of lines."""
    return (queryset if queryset is not None else BudgetLine.objects.all()).annotate(**_spent_subqueries())


def line_totals(line) -> dict:
    """amount, committed, paid (payments + expenses), available = amount − committed − paid."""
    row = lines_with_totals(BudgetLine.objects.filter(pk=line.pk)).get()
    committed = row.committed_total if row.kind == BudgetKind.SUPPORT else ZERO
    paid = row.expenses_total + row.payments_total
    return {
        "amount": row.amount,
        "committed": committed,
        "paid": paid,
        "available": row.amount - committed - paid,
        "spendable": row.amount - paid,
    }


def decorate_totals(lines) -> list:
    for line in lines:
        line.committed = line.committed_total if line.kind == BudgetKind.SUPPORT else ZERO
        line.paid = line.expenses_total + line.payments_total
        line.available = line.amount - line.committed - line.paid
        line.over = line.available < 0
    return lines


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


def support_line(year, payer) -> BudgetLine | None:
    return BudgetLine.objects.filter(year=year, payer=payer, kind=BudgetKind.SUPPORT).first()


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


# ---------------------------------------------------------------------------------------------------- reading
def waiting_for_finance(user) -> dict | None:
    """What waits for the finance officer, in one query: to approve, to pay, failed payments to retry."""
    if not rules.can(user, "entitlement.approve"):
        return None
    from django.db.models import Count

    counts = Entitlement.objects.visible_to(user).aggregate(
        to_approve=Count("id", filter=Q(status=EntitlementStatus.PROPOSED)),
        to_pay=Count("id", filter=Q(status=EntitlementStatus.APPROVED)),
        failed=Count("id", filter=Q(status=EntitlementStatus.PAYMENT_FAILED)),
        to_approve_amount=Sum("amount", filter=Q(status=EntitlementStatus.PROPOSED)),
        to_pay_amount=Sum("amount", filter=Q(status__in=sorted(PAYABLE_STATES))),
    )
    return counts
