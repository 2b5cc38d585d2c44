"""Synthetic province, funding part (see ``ocop/synthetic.py``): the support policy, each year's budget lines and
the entitlements of every recorded decision, a share of them approved, paid, failed or rejected.

Runs after ``evaluations.synthetic.generate`` (decisions and recognitions exist). The entitlements are computed and
written by ``funding.domain.sync_decision``, as when an office records a decision, so their amounts, cases and
payers follow the policy that covered each decision's date (Resolution 67 covers 2024–2025; earlier and later
decisions get none). Approvals and payments go through the domain too, as the finance officer, with audit rows.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from evaluations.models import RecognitionDecision
from funding import domain
from funding.enums import BudgetKind, EntitlementStatus, Payer
from funding.models import BudgetLine, Entitlement
from funding.policies import load_policy
from ocop.synthetic import Context
from programme.models import ProgrammeYear

PROGRAMME_LINE = "Tuyên truyền, học tập kinh nghiệm, Hội đồng và Tổ giúp việc"
SUPPORT_LINE = "Hỗ trợ phát triển sản phẩm OCOP"
PAYER_WORDS = {Payer.DISTRICT: "ngân sách huyện", Payer.PROVINCE: "ngân sách tỉnh"}


def _at(day: datetime.date, days: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=days), datetime.time(hour)))


def generate(ctx: Context) -> None:
    authority, office, finance = ctx.authority, ctx.users["sonn"], ctx.users["taichinh"]
    load_policy(authority)
    decisions = list(RecognitionDecision.objects.filter(round__year__authority=authority).select_related("round__year"))
    for decision in sorted(decisions, key=lambda d: (d.date, d.pk)):
        domain.sync_decision(decision, by=office, now=_at(decision.date, 1, 15))
    # Each year: the programme line, and a support line that covers what its entitlements ask (a little more).
    asked = {
        (row["year"], row["payer"]): row["total"]
        for row in Entitlement.objects.filter(year__authority=authority)
        .values("year", "payer")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    own = Payer.PROVINCE if authority.is_province else Payer.DISTRICT  # who pays the programme's own costs
    lines = []
    for year in ProgrammeYear.objects.filter(authority=authority).order_by("year"):
        lines.append(
            BudgetLine(year=year, name=PROGRAMME_LINE, source="Ngân sách tỉnh", amount=Decimal("2000000000"), payer=own)
        )
        for payer in Payer:
            if (year.pk, payer.value) in asked:
                lines.append(
                    BudgetLine(
                        year=year,
                        name=f"{SUPPORT_LINE} năm {year.year} ({PAYER_WORDS[payer]})",
                        source=f"{PAYER_WORDS[payer].capitalize()} năm {year.year}",
                        amount=(asked[year.pk, payer.value] * Decimal("1.1")).quantize(Decimal("1000000")),
                        payer=payer,
                        kind=BudgetKind.SUPPORT,
                    )
                )
    BudgetLine.objects.bulk_create(lines)
    # Older decisions are mostly settled, the latest mostly waiting: approve 70 % of the proposals, pay 80 % of
    # those (one in twenty-five transfers fails), reject one in fifty.
    today = ctx.today
    entitlements = Entitlement.objects.filter(year__authority=authority).select_related("decision").order_by("pk")
    for entitlement in entitlements:
        draw = ctx.rng.random()
        decided = entitlement.decision.date
        if draw < 0.02:
            domain.reject_entitlement(
                entitlement,
                reason="Cơ sở đã ngừng sản xuất sản phẩm trước khi chi trả.",
                by=finance,
                now=_at(decided, 20),
            )
            continue
        if draw > 0.72 or _at(decided, 30) > ctx.now:
            continue  # waits for finance
        domain.approve_entitlement(entitlement, by=finance, now=_at(decided, 20))
        if ctx.rng.random() > 0.8 or _at(decided, 45) > ctx.now:
            continue
        paid_on = min(decided + datetime.timedelta(days=45), today)
        if ctx.rng.random() < 0.04:
            domain.record_failed_payment(
                entitlement, date=paid_on, reason="Ngân hàng trả lại lệnh chuyển tiền: sai số tài khoản.",
                by=finance, now=_at(paid_on, 0, 14),
            )  # fmt: skip
            continue
        domain.record_payment(
            entitlement,
            date=paid_on,
            voucher_number=f"UNC {entitlement.pk:04d}/{paid_on.year}",
            amount=entitlement.amount,
            by=finance,
            now=_at(paid_on, 0, 14),
        )
    by_status = dict(
        Entitlement.objects.filter(year__authority=authority)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    ctx.counts["entitlements"] = sum(by_status.values())
    ctx.counts["paid"] = by_status.get(EntitlementStatus.PAID, 0)
