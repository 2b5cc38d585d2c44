"""Budget figures, read-only: what each budget line has committed (approved, not yet paid), paid and available, in one
query for any number of lines; and what waits for the finance officer."""

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from funding.enums import (
    COMMITTED_STATES,
    PAYABLE_STATES,
    BudgetKind,
    EntitlementStatus,
    PaymentOutcome,
)
from funding.models import BudgetLine, Entitlement, Expense, Payment
from ocop import rules

ZERO = Decimal(0)


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


def support_line(year, payer) -> BudgetLine | None:
    return BudgetLine.objects.filter(year=year, payer=payer, kind=BudgetKind.SUPPORT).first()


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
