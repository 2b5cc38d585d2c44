"""Entitlements from recognitions: every case × star of NQ 67, the policy window's edges, the province regime,
duplicate and corrected decisions, recognitions no policy covers."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from evaluations import domain as evaluation_domain
from evaluations.models import Certificate, RecognitionDecision
from funding import assessment as assessing
from funding import domain
from funding.enums import EntitlementStatus, Payer, SupportCase
from funding.models import Entitlement
from funding.tests.conftest import KEPT, NEW, UPGRADE
from ocop.enums import AuthorityLevel
from ocop.models import AuditEntry
from products.tests.factories import ProductFactory

DAY = datetime.date(2024, 6, 20)


def _only(decision) -> Entitlement:
    return Entitlement.objects.get(decision=decision)


def _record_previous(product, star, day=datetime.date(2021, 5, 1)):
    """A certificate on record from before the application (the product's previous star)."""
    return Certificate.objects.create(
        kind="recorded",
        authority=product.commune.authority,
        product=product,
        number=f"{product.pk}/GCN",
        decision_date=day,
        product_name=product.name,
        producer_name=product.producer.name,
        producer_address="Thôn 1",
        star=star,
        issued_on=day,
        valid_until=day + datetime.timedelta(days=1000),
        issuer="UBND huyện Lục Nam",
    )


@pytest.mark.parametrize(
    ("registration", "previous", "star", "case", "amount", "payer"),
    [
        (NEW, None, 3, SupportCase.NEW, "50000000", Payer.DISTRICT),
        (NEW, None, 4, SupportCase.NEW, "150000000", Payer.PROVINCE),
        (NEW, None, 5, SupportCase.NEW, "300000000", Payer.PROVINCE),
        (KEPT, 3, 3, SupportCase.KEPT, "20000000", Payer.DISTRICT),
        (KEPT, 4, 4, SupportCase.KEPT, "60000000", Payer.PROVINCE),
        (KEPT, None, 3, SupportCase.KEPT, "20000000", Payer.DISTRICT),  # recognised before the application
        (UPGRADE, 3, 4, SupportCase.UPGRADED, "150000000", Payer.PROVINCE),
        (UPGRADE, 4, 5, SupportCase.UPGRADED, "300000000", Payer.PROVINCE),
        (KEPT, 3, 4, SupportCase.UPGRADED, "150000000", Payer.PROVINCE),  # a re-evaluation that rose
    ],
)
def test_rate_and_payer_for_each_case_and_star(
    authority, nq67, make_decision, registration, previous, star, case, amount, payer
):
    authority.max_recognised_star = 5
    authority.save()
    product = ProductFactory(producer__commune__authority=authority)
    if previous is not None:
        _record_previous(product, previous)
    decision = make_decision(DAY, [(registration, star, product)])
    entitlement = _only(decision)
    assert (entitlement.case, entitlement.star, entitlement.previous_star) == (case, star, previous)
    assert entitlement.amount == Decimal(amount)
    assert isinstance(entitlement.amount, Decimal)
    assert entitlement.payer == payer
    assert entitlement.legal_basis.startswith("Nghị quyết số 67/2023/NQ-HĐND")
    assert entitlement.status == EntitlementStatus.PROPOSED
    assert (entitlement.product, entitlement.producer, entitlement.commune) == (
        product,
        product.producer,
        product.commune,
    )


@pytest.mark.parametrize(
    ("registration", "previous", "star", "reason_part"),
    [
        (UPGRADE, 5, 5, "không quy định mức hỗ trợ cho trường hợp “Đánh giá lại, giữ hạng” hạng 5★"),
        (UPGRADE, None, 3, "không quy định mức hỗ trợ cho trường hợp “Nâng lên hạng này” hạng 3★"),
        (KEPT, 4, 3, "Hạng sao giảm từ 4★ xuống 3★"),
    ],
)
def test_cases_without_a_rate_get_no_entitlement_and_a_reason(
    authority, nq67, make_decision, registration, previous, star, reason_part
):
    authority.max_recognised_star = 5
    authority.save()
    product = ProductFactory(producer__commune__authority=authority)
    if previous is not None:
        _record_previous(product, previous)
    decision = make_decision(DAY, [(registration, star, product)])
    assert not Entitlement.objects.filter(decision=decision).exists()
    assessment = assessing.assess(decision.recognitions.get())
    assert not assessment.covered
    assert reason_part in assessment.reason


def test_previous_star_comes_from_an_earlier_recognition(authority, nq67, make_decision):
    product = ProductFactory(producer__commune__authority=authority)
    make_decision(datetime.date(2024, 3, 1), [(NEW, 3, product)])
    authority.max_recognised_star = 4
    authority.save()
    later = make_decision(datetime.date(2025, 3, 1), [(UPGRADE, 4, product)])
    entitlement = _only(later)
    assert (entitlement.previous_star, entitlement.case, entitlement.amount) == (
        3,
        SupportCase.UPGRADED,
        Decimal("150000000"),
    )


@pytest.mark.parametrize(
    ("day", "covered"),
    [
        (datetime.date(2023, 12, 31), False),
        (datetime.date(2024, 1, 1), True),
        (datetime.date(2025, 12, 31), True),
        (datetime.date(2026, 1, 1), False),
    ],
)
def test_policy_window_edges(nq67, make_decision, day, covered):
    decision = make_decision(day, [(NEW, 3, None)])
    assert Entitlement.objects.filter(decision=decision).exists() is covered
    assessment = assessing.assess(decision.recognitions.get())
    assert assessment.covered is covered
    if not covered:
        assert day.strftime("%d/%m/%Y") in assessment.reason
        assert "01/01/2024–31/12/2025" in assessment.reason


def test_no_policy_at_all_says_so(make_decision):
    decision = make_decision(DAY, [(NEW, 3, None)])
    assessment = assessing.assess(decision.recognitions.get())
    assert not Entitlement.objects.exists()
    assert assessment.reason == "Không có chính sách hỗ trợ nào áp dụng cho quyết định ngày 20/06/2024."


def test_province_regime_pays_everything_itself(authority, nq67, make_decision):
    authority.level = AuthorityLevel.PROVINCE
    authority.max_recognised_star = 4
    authority.save()
    decision = make_decision(DAY, [(NEW, 3, None), (NEW, 4, None)])
    assert sorted(Entitlement.objects.filter(decision=decision).values_list("star", "payer")) == [
        (3, Payer.PROVINCE),
        (4, Payer.PROVINCE),
    ]


def test_recording_the_same_decision_twice_changes_nothing(nq67, make_decision, district_officer):
    decision = make_decision(DAY, [(NEW, 3, None), (KEPT, 3, None)])
    assert Entitlement.objects.count() == 2
    audit_rows = AuditEntry.objects.count()
    again = evaluation_domain.record_decision(
        decision.round, number="other", date=DAY, signed_by="x", by=district_officer
    )
    assert again == decision
    domain.sync_decision(decision, by=district_officer)  # the hook itself is idempotent too
    assert Entitlement.objects.count() == 2
    assert AuditEntry.objects.count() == audit_rows


def test_one_entitlement_per_product_and_decision_is_a_database_constraint(nq67, make_decision):
    decision = make_decision(DAY, [(NEW, 3, None)])
    entitlement = _only(decision)
    with pytest.raises(IntegrityError), transaction.atomic():
        Entitlement.objects.create(
            recognition=decision.recognitions.create(dossier=_other_dossier(entitlement), star=3),
            decision=decision,
            year=entitlement.year,
            product=entitlement.product,
            producer=entitlement.producer,
            commune=entitlement.commune,
            policy=entitlement.policy,
            legal_basis="x",
            case=SupportCase.NEW,
            star=3,
            amount=Decimal(1),
            payer=Payer.DISTRICT,
        )


def _other_dossier(entitlement):
    from products.tests.factories import DossierFactory

    return DossierFactory(product__producer=entitlement.producer)


def test_a_corrected_date_moves_open_entitlements_out_of_and_back_into_the_window(
    nq67, make_decision, district_officer
):
    decision = make_decision(datetime.date(2025, 12, 30), [(NEW, 3, None), (NEW, 3, None)])
    first, second = Entitlement.objects.filter(decision=decision).order_by("pk")
    domain.approve_entitlement(first, by=_finance(district_officer))
    RecognitionDecision.objects.filter(pk=decision.pk).update(date=datetime.date(2026, 1, 2))
    decision.refresh_from_db()
    domain.sync_decision(decision, by=district_officer, corrected=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == EntitlementStatus.APPROVED  # approved: never touched
    assert second.status == EntitlementStatus.WITHDRAWN
    assert AuditEntry.objects.filter(action="entitlement.withdrawn", object_id=second.pk).exists()

    RecognitionDecision.objects.filter(pk=decision.pk).update(date=datetime.date(2025, 12, 31))
    decision.refresh_from_db()
    domain.sync_decision(decision, by=district_officer, corrected=True)
    second.refresh_from_db()
    assert (second.status, second.amount) == (EntitlementStatus.PROPOSED, Decimal("50000000"))


def test_a_corrected_decision_creates_an_entitlement_now_covered(nq67, make_decision, district_officer):
    decision = make_decision(datetime.date(2026, 1, 5), [(NEW, 3, None)])
    assert not Entitlement.objects.exists()
    RecognitionDecision.objects.filter(pk=decision.pk).update(date=datetime.date(2025, 12, 29))
    decision.refresh_from_db()
    from evaluations import hooks

    hooks.decision_recorded(decision, by=district_officer, now=decision.recorded_at, corrected=True)
    assert _only(decision).amount == Decimal("50000000")


def _finance(district_officer):
    from ocop import domain as ocop_domain
    from ocop.enums import Role
    from ocop.tests.factories import UserFactory

    user = UserFactory(username="tc-helper")
    ocop_domain.set_user_roles(user, [Role.FINANCE], by=None)
    return user
