"""Approval, rejection, payment (once, also under two concurrent requests), failed payments and retries, budget
lines with expenses, overspend refusal and override, Decimal totals."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from funding import domain, figures
from funding.enums import BudgetKind, EntitlementStatus, Payer, PaymentOutcome
from funding.models import BudgetLine, Entitlement, Expense, Payment
from funding.tests.conftest import KEPT, NEW
from ocop.models import AuditEntry

DAY = datetime.date(2024, 6, 20)
PAID_ON = datetime.date(2024, 8, 1)


@pytest.fixture
def entitlements(nq67, make_decision, year_2024):
    decision = make_decision(DAY, [(NEW, 3, None), (NEW, 3, None), (KEPT, 3, None)], year=year_2024)
    return list(Entitlement.objects.filter(decision=decision).order_by("amount", "pk"))


@pytest.fixture
def approved(entitlements, finance_officer):
    entitlement = entitlements[-1]  # 50,000,000
    domain.approve_entitlement(entitlement, by=finance_officer)
    entitlement.refresh_from_db()
    return entitlement


def _pay(entitlement, by, **kwargs):
    values = {"date": PAID_ON, "voucher_number": "UNC 015", "amount": entitlement.amount} | kwargs
    return domain.record_payment(entitlement, by=by, **values)


def test_only_finance_approves(entitlements, district_officer, commune_official, finance_officer):
    for user in (district_officer, commune_official):
        with pytest.raises(PermissionDenied):
            domain.approve_entitlement(entitlements[0], by=user)
    assert domain.approve_entitlement(entitlements[0], by=finance_officer) is True
    assert domain.approve_entitlement(entitlements[0], by=finance_officer) is False  # idempotent
    entitlements[0].refresh_from_db()
    assert entitlements[0].status == EntitlementStatus.APPROVED
    assert entitlements[0].approved_by == finance_officer
    assert AuditEntry.objects.filter(action="entitlement.approved", object_id=entitlements[0].pk).count() == 1


def test_reject_needs_a_reason_and_a_rejected_entitlement_cannot_be_approved(entitlements, finance_officer):
    with pytest.raises(ValidationError) as error:
        domain.reject_entitlement(entitlements[0], reason="  ", by=finance_officer)
    assert "reason" in error.value.message_dict
    assert domain.reject_entitlement(entitlements[0], reason="Chủ thể đã giải thể", by=finance_officer) is True
    assert domain.reject_entitlement(entitlements[0], reason="again", by=finance_officer) is False
    with pytest.raises(ValidationError):
        domain.approve_entitlement(entitlements[0], by=finance_officer)
    entitlements[0].refresh_from_db()
    assert (entitlements[0].status, entitlements[0].rejection_reason) == ("rejected", "Chủ thể đã giải thể")


def test_a_proposed_entitlement_cannot_be_paid(entitlements, finance_officer, support_line_2024):
    with pytest.raises(ValidationError):
        _pay(entitlements[0], finance_officer)
    assert not Payment.objects.exists()


def test_payment_from_the_support_line_is_recorded_once(approved, finance_officer, support_line_2024):
    assert _pay(approved, finance_officer) is True
    assert _pay(approved, finance_officer) is False
    approved.refresh_from_db()
    assert (approved.status, approved.paid_on, approved.paid_amount) == ("paid", PAID_ON, Decimal("50000000"))
    payment = Payment.objects.get()
    assert (payment.line, payment.outcome, payment.voucher_number) == (support_line_2024, "paid", "UNC 015")
    totals = figures.line_totals(support_line_2024)
    assert totals == {
        "amount": Decimal("300000000"),
        "committed": Decimal("0"),
        "paid": Decimal("50000000"),
        "available": Decimal("250000000"),
        "spendable": Decimal("250000000"),
    }


def test_paying_twice_is_refused_by_the_database(approved, finance_officer, support_line_2024):
    _pay(approved, finance_officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            entitlement=approved, outcome="paid", date=PAID_ON, amount=Decimal(1), line=support_line_2024
        )


def test_a_different_amount_needs_a_reason(approved, finance_officer, support_line_2024):
    with pytest.raises(ValidationError) as error:
        _pay(approved, finance_officer, amount=Decimal("45000000"))
    assert "difference_reason" in error.value.message_dict
    _pay(approved, finance_officer, amount=Decimal("45000000"), difference_reason="Thu hồi 5 triệu tạm ứng")
    approved.refresh_from_db()
    assert approved.paid_amount == Decimal("45000000")
    assert Payment.objects.get().difference_reason == "Thu hồi 5 triệu tạm ứng"


def test_amounts_are_decimal_never_float(approved, finance_officer, support_line_2024):
    with pytest.raises(TypeError):
        _pay(approved, finance_officer, amount=50000000.0)
    with pytest.raises(ValidationError):
        domain.money("12.5")
    for odd in ("9" * 40, "1E+999999", "NaN", "Infinity"):  # beyond the columns, or no number: a form error
        with pytest.raises(ValidationError):
            domain.money(odd)
    assert domain.money("50.000.000") == Decimal("50000000")
    assert domain.money("999999999999999") == Decimal("999999999999999")


def test_a_failed_payment_is_recorded_and_retried(approved, finance_officer, support_line_2024):
    assert domain.record_failed_payment(approved, date=PAID_ON, reason="Tài khoản đã đóng", by=finance_officer)
    assert not domain.record_failed_payment(approved, date=PAID_ON, reason="Tài khoản đã đóng", by=finance_officer)
    approved.refresh_from_db()
    assert approved.status == EntitlementStatus.PAYMENT_FAILED
    assert figures.line_totals(support_line_2024)["committed"] == Decimal("50000000")
    assert _pay(approved, finance_officer, date=PAID_ON + datetime.timedelta(days=3)) is True
    outcomes = list(approved.payments.order_by("recorded_at", "pk").values_list("outcome", flat=True))
    assert outcomes == [PaymentOutcome.FAILED, PaymentOutcome.PAID]


def test_payment_without_a_support_line_is_refused(approved, finance_officer):
    with pytest.raises(ValidationError) as error:
        _pay(approved, finance_officer)
    assert error.value.messages[0].startswith("Chưa có dòng kinh phí hỗ trợ năm 2024 (ngân sách huyện)")


def test_committed_and_paid_totals_are_exact_decimals(entitlements, finance_officer, support_line_2024):
    for entitlement in entitlements:
        domain.approve_entitlement(entitlement, by=finance_officer)
    _pay(entitlements[0], finance_officer)  # 20,000,000
    totals = figures.line_totals(support_line_2024)
    assert totals["committed"] == Decimal("100000000")
    assert totals["paid"] == Decimal("20000000")
    assert totals["available"] == Decimal("180000000")
    assert all(isinstance(value, Decimal) for value in totals.values())


# ---------------------------------------------------------------------------------------------------- budgets
@pytest.fixture
def programme_line(year_2024):
    return BudgetLine.objects.create(
        year=year_2024,
        name="Tuyên truyền",
        amount=Decimal("200000000"),
        payer=Payer.PROVINCE,
        kind=BudgetKind.PROGRAMME,
    )


def _expense(line, by, amount, **kwargs):
    values = {"date": DAY, "purpose": "Hội nghị tuyên truyền", "document": "PC 12/2024", "amount": amount} | kwargs
    return domain.record_expense(line, by=by, **values)


def test_expenses_up_to_the_line_then_overspend_is_refused(programme_line, district_officer):
    _expense(programme_line, district_officer, Decimal("120000000"))
    _expense(programme_line, district_officer, Decimal("80000000"), purpose="Học tập kinh nghiệm")
    with pytest.raises(ValidationError) as error:
        _expense(programme_line, district_officer, Decimal("1"), purpose="In tờ rơi")
    assert "override_reason" in error.value.message_dict
    assert "(200.000.000 ₫, còn 0 ₫)" in error.value.message_dict["override_reason"][0]
    assert Expense.objects.count() == 2


def test_overspend_with_a_recorded_reason_by_finance(programme_line, district_officer, finance_officer):
    _expense(programme_line, district_officer, Decimal("190000000"))
    with pytest.raises(ValidationError):  # the district office may not override
        _expense(programme_line, district_officer, Decimal("20000000"), purpose="Hội chợ", override_reason="Cần gấp")
    expense = _expense(
        programme_line,
        finance_officer,
        Decimal("20000000"),
        purpose="Hội chợ",
        override_reason="UBND huyện đồng ý bổ sung",
    )
    assert expense.override_reason == "UBND huyện đồng ý bổ sung"
    assert figures.line_totals(programme_line)["available"] == Decimal("-10000000")
    assert AuditEntry.objects.filter(action="budget.overridden", note="UBND huyện đồng ý bổ sung").exists()


def test_a_repeated_expense_form_records_one_expense(programme_line, district_officer):
    assert _expense(programme_line, district_officer, Decimal("5000000"))
    assert _expense(programme_line, district_officer, Decimal("5000000")) is False
    assert Expense.objects.count() == 1


def test_payment_beyond_the_support_line_needs_an_override(approved, finance_officer, year_2024):
    line = BudgetLine.objects.create(
        year=year_2024, name="Hỗ trợ OCOP", amount=Decimal("30000000"), payer=Payer.DISTRICT, kind=BudgetKind.SUPPORT
    )
    with pytest.raises(ValidationError):
        _pay(approved, finance_officer)
    assert _pay(approved, finance_officer, override_reason="Bổ sung dự toán theo QĐ 99") is True
    assert Payment.objects.get().override_reason == "Bổ sung dự toán theo QĐ 99"
    assert figures.line_totals(line)["paid"] == Decimal("50000000")


def test_a_line_cannot_shrink_below_what_was_spent(programme_line, district_officer, finance_officer, year_2024):
    _expense(programme_line, district_officer, Decimal("150000000"))
    with pytest.raises(ValidationError):
        domain.save_budget_line(
            programme_line, year=year_2024, name=programme_line.name, source="", amount=Decimal("100000000"),
            payer=Payer.PROVINCE, kind=BudgetKind.PROGRAMME, by=finance_officer,
        )  # fmt: skip


def test_one_support_line_per_year_and_payer(support_line_2024, finance_officer, year_2024):
    with pytest.raises(ValidationError):
        domain.save_budget_line(
            year=year_2024, name="Hỗ trợ 2", source="", amount=Decimal(1), payer=Payer.DISTRICT,
            kind=BudgetKind.SUPPORT, by=finance_officer,
        )  # fmt: skip


# ---------------------------------------------------------------------------------------------------- concurrency
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_pay_requests_pay_once(authority, commune, district_officer, finance_officer):
    from funding.policies import load_policy
    from products.tests.factories import ProgrammeYearFactory

    load_policy(authority)
    year = ProgrammeYearFactory(authority=authority, year=2024)
    BudgetLine.objects.create(
        year=year, name="Hỗ trợ OCOP", amount=Decimal("300000000"), payer=Payer.DISTRICT, kind=BudgetKind.SUPPORT
    )

    decision = _record(authority, commune, district_officer, year)
    entitlement = Entitlement.objects.get(decision=decision)
    domain.approve_entitlement(entitlement, by=finance_officer)

    barrier = threading.Barrier(2)
    results, errors = [], []

    def pay():
        try:
            barrier.wait()
            results.append(_pay(Entitlement.objects.get(pk=entitlement.pk), finance_officer))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False, True]
    assert Payment.objects.filter(entitlement=entitlement, outcome="paid").count() == 1
    assert AuditEntry.objects.filter(action="entitlement.paid", object_id=entitlement.pk).count() == 1


def _record(authority, commune, district_officer, year):
    from django.utils import timezone

    from evaluations import domain as evaluation_domain
    from evaluations.models import Result
    from products.enums import DossierStatus
    from products.tests.factories import DossierFactory, ProducerFactory, RoundFactory
    from programme.enums import RoundStage

    round_ = RoundFactory(
        year=year,
        stage=RoundStage.APPROVED,
        approved_at=timezone.make_aware(datetime.datetime(2024, 6, 18, 8)),
        commune_deadline=datetime.date(2024, 6, 10),
        district_deadline=datetime.date(2024, 6, 15),
    )
    dossier = DossierFactory(
        round=round_, status=DossierStatus.ACCEPTED, product__producer=ProducerFactory(commune=commune)
    )
    Result.objects.create(dossier=dossier, star=3, mean=Decimal("60"), sheet_count=5, expected_count=5)
    return evaluation_domain.record_decision(
        round_, number="2345/QĐ-UBND", date=DAY, signed_by="x", by=district_officer
    )
