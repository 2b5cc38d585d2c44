"""Issue 18, item 18: under the district regime a higher level's recognition (the province's 4★ after the district
forwarded the product) creates an entitlement paid by the province when a policy covers it (decision 18)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations import domain as evaluation_domain
from evaluations.models import Result
from funding import assessment as assessing
from funding import domain
from funding.enums import EntitlementSource, EntitlementStatus, Payer, SupportCase
from funding.models import Entitlement
from funding.tests.conftest import KEPT, NEW
from products.tests.factories import ProductFactory

DAY = datetime.date(2024, 6, 20)
PROVINCE_DAY = datetime.date(2024, 8, 28)


@pytest.fixture
def forwarded(authority, make_decision):
    """make(registration) → the council's result of a product scored 4★ (mean 75): the district recognises it at its
    highest star, 3★, and forwards it to the province."""

    def make(registration, day=DAY):
        product = ProductFactory(producer__commune__authority=authority)
        decision = make_decision(day, [(registration, 4, product)])
        result = Result.objects.get(dossier__round=decision.round)
        Result.objects.filter(pk=result.pk).update(points_sum=375, sheet_count=5, mean=Decimal("75"))
        result.refresh_from_db()
        assert result.forwarded(authority) and decision.recognitions.get().star == 3
        return result

    return make


def _higher(result):
    return Entitlement.objects.filter(recognition__dossier=result.dossier, source=EntitlementSource.HIGHER_LEVEL)


def _record(result, star, by, day=PROVINCE_DAY, number="1234/QĐ-UBND"):
    return evaluation_domain.record_province_result(result, star=star, decision=number, date=day, by=by)


@pytest.mark.parametrize(
    ("registration", "case", "amount"),
    [(NEW, SupportCase.NEW, "150000000"), (KEPT, SupportCase.KEPT, "60000000")],
)
def test_the_provinces_4_star_creates_an_entitlement_paid_by_the_province(
    nq67, forwarded, district_officer, registration, case, amount
):
    result = forwarded(registration)
    own = Entitlement.objects.get(recognition__dossier=result.dossier, source=EntitlementSource.DECISION)
    assert (own.star, own.payer) == (3, Payer.DISTRICT)  # the district's own 3★ is unchanged
    assert not _higher(result).exists()

    assert _record(result, 4, district_officer) is True

    higher = _higher(result).get()
    assert (higher.star, higher.case, higher.amount, higher.payer) == (4, case, Decimal(amount), Payer.PROVINCE)
    assert (higher.higher_decision, higher.higher_decision_date) == ("1234/QĐ-UBND", PROVINCE_DAY)
    assert (higher.decision_number, higher.decision_date) == ("1234/QĐ-UBND", PROVINCE_DAY)
    assert higher.legal_basis.startswith("Nghị quyết số 67/2023/NQ-HĐND")
    assert higher.status == EntitlementStatus.PROPOSED and higher.recognition == own.recognition
    # Recording the same result again, or re-running the decision's sync, changes nothing.
    assert _record(result, 4, district_officer) is False
    domain.sync_decision(own.decision, by=district_officer)
    assert _higher(result).count() == 1 and Entitlement.objects.count() == 2


def test_no_policy_covers_the_provinces_decision_date(nq67, forwarded, district_officer):
    result = forwarded(NEW, day=datetime.date(2025, 12, 1))
    _record(result, 4, district_officer, day=datetime.date(2026, 1, 15))  # NQ 67 ended on 31/12/2025
    assert not _higher(result).exists()
    assessment = assessing.assess_higher(result.dossier.recognition)
    assert not assessment.covered and "15/01/2026" in assessment.reason


def test_a_province_result_not_above_the_districts_star_pays_nothing_more(nq67, forwarded, district_officer):
    result = forwarded(NEW)
    _record(result, 3, district_officer)
    assert not _higher(result).exists() and assessing.assess_higher(result.dossier.recognition) is None


def test_a_corrected_province_result_withdraws_an_open_entitlement_but_never_a_paid_one(
    nq67, forwarded, district_officer, finance_officer
):
    result = forwarded(NEW)
    _record(result, 4, district_officer)
    _record(result, 0, district_officer, number="1234/QĐ-UBND (đính chính)")
    assert _higher(result).get().status == EntitlementStatus.WITHDRAWN
    _record(result, 4, district_officer)
    higher = _higher(result).get()
    assert higher.status == EntitlementStatus.PROPOSED
    domain.approve_entitlement(higher, by=finance_officer)
    _record(result, 0, district_officer, number="1234/QĐ-UBND (đính chính)")
    assert _higher(result).get().status == EntitlementStatus.APPROVED


def test_the_pages_show_the_higher_levels_decision(nq67, forwarded, district_officer, finance_officer, client_for):
    result = forwarded(NEW)
    _record(result, 4, district_officer)
    higher = _higher(result).get()
    client = client_for(finance_officer)
    detail = client.get(reverse("funding:entitlement", args=[higher.pk])).content.decode()
    assert "1234/QĐ-UBND, 28/08/2024" in detail and "150.000.000" in detail
    history = client.get(reverse("funding:producer", args=[higher.producer_id])).content.decode()
    assert history.count('data-testid="row"') == 2 and "1234/QĐ-UBND" in history


def test_a_province_result_recorded_before_the_decision_gets_its_entitlement_with_the_decision(
    nq67, authority, commune, district_officer
):
    from django.utils import timezone

    from products.enums import DossierStatus
    from products.tests.factories import DossierFactory, ProducerFactory, ProgrammeYearFactory, RoundFactory
    from programme.enums import RoundStage

    round_ = RoundFactory(
        year=ProgrammeYearFactory(authority=authority, year=2024),
        stage=RoundStage.APPROVED,
        approved_at=timezone.make_aware(datetime.datetime(2024, 6, 14, 8)),
        commune_deadline=datetime.date(2024, 6, 1),
        district_deadline=datetime.date(2024, 6, 10),
    )
    dossier = DossierFactory(
        round=round_, status=DossierStatus.ACCEPTED, registration_type=NEW,
        product__producer=ProducerFactory(commune=commune),
    )  # fmt: skip
    result = Result.objects.create(
        dossier=dossier, star=4, mean=Decimal("75"), points_sum=375, sheet_count=5, expected_count=5
    )
    _record(result, 4, district_officer)
    assert not Entitlement.objects.exists()  # no decision yet: nothing to attach it to

    decision = evaluation_domain.record_decision(
        round_, number="2345/QĐ-UBND", date=DAY, signed_by="Hoàng Văn Toán", by=district_officer
    )
    assert sorted(Entitlement.objects.filter(decision=decision).values_list("source", "star", "payer", "amount")) == [
        (EntitlementSource.DECISION, 3, Payer.DISTRICT, Decimal("50000000")),
        (EntitlementSource.HIGHER_LEVEL, 4, Payer.PROVINCE, Decimal("150000000")),
    ]
