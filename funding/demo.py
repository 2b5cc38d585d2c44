"""Demo support payments and budgets of the Lục Nam programme.

``seed_funding(authority)`` expects ``ocop.demo.seed_all()`` to have loaded the accounts, the products and the 2024
decision (``evaluations.demo``). It is idempotent: every step is guarded by the state it starts from, so a second run
writes no row and no audit entry, and whatever demo users changed since is left as it is.

The stories (every change through ``funding.domain``, acting as the real user, with ``now=`` dates in order):

* Policy: Bắc Giang Resolution 67/2023/NQ-HĐND, valid 01/01/2024–31/12/2025, rates of decision 18.
* Budget lines: the 2024 programme budget of 200,000,000 VND from the province (plan §, decision 20) with three
  expenses (a propaganda conference, the study tour, the council's work in round 1), and the district's 2024 OCOP
  support line (250,000,000 VND; the amount is INVENTED for the demo) from which entitlements are paid. The current
  year's programme line (copied from 2024 by ``products.demo``) is marked as a province programme line.
* Entitlements of decision 2345/QĐ-UBND (20/06/2024), created when it was recorded:
  - Trà hoa vàng đông trùng túi lọc and Rượu đông trùng hạ thảo (new, 3★, 50,000,000 each): approved by taichinh in
    July 2024 and paid;
  - Mật ong đông trùng hạ thảo (new, 3★): left waiting, then rejected in November 2025 because its certificate was
    revoked (3120/QĐ-UBND);
  - Trà hoa vàng (re-evaluated, star kept, 20,000,000): approved, the transfer failed (the cooperative's account was
    being changed) and waits to be paid again;
  - Đông trùng hạ thảo khô (re-evaluated, star kept, 20,000,000): proposed, waiting for taichinh to approve and pay.
* The province's 4★ of Trà hoa vàng (1234/QĐ-UBND, 28/08/2024, recorded on the council's result): an entitlement of
  its own, re-evaluated with the star kept at 4★, 60,000,000 paid by the province, proposed.
* A recognition no policy covers (``seed_uncovered``): an extra round of this year (numbered after the two rounds of
  ``products.demo``; decision 21 lets the council add rounds) in which Trứng gà đồi Bắc Lũng (INVENTED, new, set 02)
  was scored by the whole council and recognised at 3★ by decision 1520/QĐ-UBND dated 60 days ago. NQ 67 ended on
  31/12/2025, so it gets no entitlement and its page says why. Skipped when 60 days ago falls before 2026.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from evaluations.models import RecognitionDecision
from funding import domain
from funding.enums import BudgetKind, EntitlementSource, EntitlementStatus, Payer
from funding.models import BudgetLine, Entitlement, Expense
from funding.policies import load_policy
from ocop.models import Authority
from programme.models import ProgrammeYear

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FINANCE = "taichinh"
OFFICE = "phongnn"
PROGRAMME_LINE = "Tuyên truyền, học tập kinh nghiệm, Hội đồng và Tổ giúp việc"
SUPPORT_LINE = {
    "name": "Hỗ trợ phát triển sản phẩm OCOP (Nghị quyết 67/2023/NQ-HĐND)",
    "source": "Ngân sách huyện Lục Nam năm 2024",
    "amount": Decimal("250000000"),
}


def _at(year, month, day, hour=9, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN)


EXPENSES_2024 = [
    # date, purpose, amount, document, recorded at
    (
        datetime.date(2024, 4, 5),
        "Hội nghị tuyên truyền Chương trình OCOP năm 2024",
        Decimal("35000000"),
        "PC 018/2024 ngày 05/04/2024",
        _at(2024, 4, 8),
    ),
    (
        datetime.date(2024, 6, 14),
        "Bồi dưỡng Hội đồng và Tổ giúp việc, đợt đánh giá 1",
        Decimal("21600000"),
        "PC 074/2024 ngày 14/06/2024",
        _at(2024, 6, 17),
    ),
    (
        datetime.date(2024, 9, 12),
        "Học tập kinh nghiệm phát triển sản phẩm OCOP tại tỉnh Hải Dương",
        Decimal("78500000"),
        "QĐ 1876/QĐ-UBND; PC 112/2024 ngày 12/09/2024",
        _at(2024, 9, 16),
    ),
]

# product, story, moments
PAID = "paid"
REJECTED = "rejected"
FAILED = "failed"
STORIES = [
    (
        "Trà hoa vàng đông trùng túi lọc",
        PAID,
        {"approved": _at(2024, 7, 2), "paid": _at(2024, 7, 15, 14), "voucher": "UNC 0125/2024"},
    ),
    (
        "Rượu đông trùng hạ thảo",
        PAID,
        {"approved": _at(2024, 7, 2, 9, 5), "paid": _at(2024, 7, 15, 14, 10), "voucher": "UNC 0126/2024"},
    ),
    (
        "Trà hoa vàng",
        FAILED,
        {
            "approved": _at(2024, 7, 2, 9, 10),
            "failed": _at(2024, 7, 16, 10),
            "reason": "Ngân hàng trả lại lệnh chuyển tiền: tài khoản của hợp tác xã đang làm thủ tục đổi tên, "
            "chờ số tài khoản mới.",
        },
    ),
    (
        "Mật ong đông trùng hạ thảo",
        REJECTED,
        {
            "rejected": _at(2025, 11, 3),
            "reason": "Giấy chứng nhận OCOP của sản phẩm đã bị thu hồi theo Quyết định 3120/QĐ-UBND ngày 20/10/2025 "
            "trước khi chi trả; không đủ điều kiện nhận hỗ trợ.",
        },
    ),
]


def _users() -> dict:
    return {u.username: u for u in get_user_model().objects.filter(username__in=[FINANCE, OFFICE])}


def seed_budget_lines(authority: Authority, users: dict) -> None:
    for line in BudgetLine.objects.filter(year__authority=authority, name=PROGRAMME_LINE):
        if (line.kind, line.payer) != (BudgetKind.PROGRAMME, Payer.PROVINCE):
            line.kind, line.payer = BudgetKind.PROGRAMME, Payer.PROVINCE
            line.save(update_fields=["kind", "payer"])  # the rows ocop.demo and products.demo create
    year_2024 = ProgrammeYear.objects.get(authority=authority, year=2024)
    payer = Payer.PROVINCE if authority.is_province else Payer.DISTRICT  # a province pays every star itself
    if not BudgetLine.objects.filter(year=year_2024, kind=BudgetKind.SUPPORT, payer=payer).exists():
        line = SUPPORT_LINE | ({"source": "Ngân sách tỉnh Bắc Giang (mô phỏng)"} if authority.is_province else {})
        domain.save_budget_line(year=year_2024, payer=payer, kind=BudgetKind.SUPPORT, by=users[FINANCE], **line)
    programme = BudgetLine.objects.get(year=year_2024, name=PROGRAMME_LINE)
    for day, purpose, amount, document, at in EXPENSES_2024:
        if not Expense.objects.filter(line=programme, purpose=purpose).exists():
            domain.record_expense(
                programme, date=day, purpose=purpose, amount=amount, document=document, by=users[FINANCE], now=at
            )


def seed_entitlements(authority: Authority, users: dict) -> None:
    for decision in RecognitionDecision.objects.filter(round__year__authority=authority).order_by("date", "pk"):
        domain.sync_decision(decision, by=users[OFFICE], now=decision.recorded_at)
    decision = RecognitionDecision.objects.filter(
        round__year__authority=authority, round__year__year=2024, round__number=1
    ).first()
    if decision is None:
        return
    finance = users[FINANCE]
    for product, story, moments in STORIES:
        entitlement = Entitlement.objects.filter(
            decision=decision, product__name=product, source=EntitlementSource.DECISION
        ).first()
        if entitlement is None or entitlement.status != EntitlementStatus.PROPOSED:
            continue  # already played (or moved on by a demo user)
        if story == REJECTED:
            domain.reject_entitlement(entitlement, reason=moments["reason"], by=finance, now=moments["rejected"])
            continue
        domain.approve_entitlement(entitlement, by=finance, now=moments["approved"])
        if story == PAID:
            domain.record_payment(
                entitlement,
                date=timezone.localdate(moments["paid"]),
                voucher_number=moments["voucher"],
                amount=entitlement.amount,
                by=finance,
                now=moments["paid"],
            )
        elif story == FAILED:
            domain.record_failed_payment(
                entitlement, date=timezone.localdate(moments["failed"]), reason=moments["reason"], by=finance,
                now=moments["failed"],
            )  # fmt: skip


UNCOVERED_DECISION = {"number": "1520/QĐ-UBND", "signed_by": "Lê Văn Thành – Phó Chủ tịch UBND huyện"}


def _uncovered_seed():
    from products.demo_seeds import ProductSeed, _verifier
    from products.enums import DossierStatus, RegistrationType

    return ProductSeed(
        "trung-ga-doi",
        "tht-ga-doi-bac-lung",
        "Trứng gà đồi Bắc Lũng",
        "02",
        "Trứng gà ri lai thả đồi dưới tán vải thiều, thu nhặt hằng ngày, đóng hộp giấy 10 quả.",
        RegistrationType.NEW,
        {
            "raw_material_origin": "Trứng của đàn gà thả đồi của các hộ thành viên tổ hợp tác ở thôn Khuôn Mạ.",
            "local_raw_material_percent": 100,
            "local_labour_percent": 100,
            "idea_origin": "Tổ hợp tác đóng hộp, dán nhãn trứng gà đồi để bán cùng sản phẩm gà đồi.",
            "local_identity": "Trứng gà thả đồi vải vùng núi Bắc Lũng, lòng đỏ đậm.",
            "verified_by_name": _verifier("Triệu Văn Thắng", "Bắc Lũng"),
        },
        "extra",
        DossierStatus.ACCEPTED,
    )


def seed_uncovered(authority: Authority):
    """This year's extra round with one product recognised after NQ 67 ended (see the module's docstring)."""
    from evaluations import demo as evaluation_demo
    from evaluations import demo_stories as evaluation_stories
    from evaluations import domain as evaluation_domain
    from evaluations.enums import SheetStatus
    from evaluations.models import ScoreSheet
    from products import demo as product_demo
    from programme import demo as programme_demo
    from programme.enums import RoundStage
    from programme.models import Round

    today = timezone.localdate()
    decided = today - datetime.timedelta(days=60)
    if decided.year < 2026:
        return None
    year = ProgrammeYear.objects.get(authority=authority, year=today.year)
    number = programme_demo.current_round_numbers(today)[1] + 1
    commune_deadline = decided - datetime.timedelta(days=25)
    round_, _ = Round.objects.get_or_create(
        year=year,
        number=number,
        defaults={"commune_deadline": commune_deadline, "district_deadline": decided - datetime.timedelta(days=12)},
    )
    seed = _uncovered_seed()
    producer_seed = next(p for p in product_demo.PRODUCERS if p.key == seed.producer)
    producer, _ = product_demo._producer(authority, producer_seed)
    product, _ = product_demo._product(producer, seed)
    official = product_demo._official(product.commune)
    day = round_.commune_deadline

    def at(days, hour=9):
        return datetime.datetime.combine(day + datetime.timedelta(days=days), datetime.time(hour), tzinfo=VN)

    moments = {"opened": at(-14), "prepared": at(-3), "submitted": at(-2), "checked": at(1)}
    dossier, _ = product_demo._dossier(product, round_, seed, official, moments)
    product_demo._play(dossier, product, seed, official, product_demo._user(product_demo.CHECKER), moments)
    users = evaluation_stories._users()
    evaluation_demo._form_council(round_, users)
    if round_.stage == RoundStage.OPEN:
        evaluation_demo._check_criteria_sets(round_, users, now=at(2))
    evaluation_demo._start_scoring(round_, users, now=at(2))
    if round_.stage == RoundStage.SCORING:
        profile = evaluation_stories._profile(evaluation_stories.GA_DOI_BASE)
        for sheet in ScoreSheet.objects.filter(dossier__round=round_, status=SheetStatus.DRAFT).select_related(
            "member__user"
        ):
            evaluation_demo._submit(sheet, profile, "", at(6, 10), users)
        evaluation_domain.approve_results(round_, by=users[evaluation_stories.CHAIR], now=at(12, 15))
        round_.refresh_from_db()
    if round_.stage == RoundStage.APPROVED and not RecognitionDecision.objects.filter(round=round_).exists():
        recorded = datetime.datetime.combine(decided, datetime.time(15), tzinfo=VN)
        evaluation_domain.record_decision(round_, date=decided, by=users[OFFICE], now=recorded, **UNCOVERED_DECISION)
    return RecognitionDecision.objects.filter(round=round_).first()


@transaction.atomic
def seed_funding(authority: Authority) -> dict:
    users = _users()
    load_policy(authority)
    seed_budget_lines(authority, users)
    seed_uncovered(authority)
    seed_entitlements(authority, users)
    entitlements = Entitlement.objects.filter(year__authority=authority)
    return {
        "entitlements": dict(
            entitlements.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
        ),
        "budget_lines": BudgetLine.objects.filter(year__authority=authority).count(),
        "expenses": Expense.objects.filter(line__year__authority=authority).count(),
    }


# ---------------------------------------------------------------------------------------------------- programme lines
def seed_budgets(authority: Authority) -> int:
    """The programme line of 2024 (200.000.000 ₫, Kế hoạch 14/KH-UBND) and the same, illustrative, for this year. A
    step of ``ocop.demo.seed_all`` once the years exist (it used to live in ``ocop.demo`` and ``products.demo``; the
    core and the lower apps import no funding). Returns how many lines the authority has."""
    year_2024 = ProgrammeYear.objects.filter(authority=authority, year=2024).first()
    if year_2024 is not None:
        BudgetLine.objects.update_or_create(
            year=year_2024,
            name=PROGRAMME_LINE,
            defaults={"source": "Ngân sách tỉnh (Kế hoạch 14/KH-UBND)", "amount": Decimal("200000000")},
        )
    current = ProgrammeYear.objects.filter(authority=authority, year=timezone.localdate().year).first()
    if current is not None and current != year_2024:
        BudgetLine.objects.get_or_create(
            year=current,
            name=PROGRAMME_LINE,
            defaults={"source": "Ngân sách tỉnh (dữ liệu minh họa, như năm 2024)", "amount": Decimal("200000000")},
        )
    return BudgetLine.objects.filter(year__authority=authority).count()
