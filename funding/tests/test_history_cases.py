"""Issue 18, item 17: the funding case follows the product's history (earlier recognitions by this and other
authorities), not the registration type alone. Decision 18 defines "new" as a first evaluation."""

import datetime
from decimal import Decimal

import pytest

from evaluations.models import Result
from funding import assessment as assessing
from funding.enums import Payer, SupportCase
from funding.models import Entitlement
from funding.tests.conftest import NEW, UPGRADE
from funding.tests.test_entitlements import _record_previous
from products.tests.factories import ProductFactory

DAY = datetime.date(2024, 6, 20)


@pytest.fixture
def product(authority):
    authority.max_recognised_star = 5
    authority.save()
    return ProductFactory(producer__commune__authority=authority)


@pytest.mark.parametrize(
    ("registration", "previous", "star", "case", "amount"),
    [
        (NEW, None, 3, SupportCase.NEW, "50000000"),  # first recognition
        (NEW, 3, 3, SupportCase.KEPT, "20000000"),  # registered as new, but recognised 3★ before: star kept
        (NEW, 3, 4, SupportCase.UPGRADED, "150000000"),  # recognised 3★ before: upgraded to 4★
        (UPGRADE, 4, 4, SupportCase.KEPT, "60000000"),  # an "upgrade" that stayed at 4★
    ],
)
def test_the_case_follows_the_products_history(
    nq67, make_decision, product, registration, previous, star, case, amount
):
    if previous is not None:
        _record_previous(product, previous)
    decision = make_decision(DAY, [(registration, star, product)])
    entitlement = Entitlement.objects.get(decision=decision)
    assert (entitlement.case, entitlement.previous_star, entitlement.amount) == (case, previous, Decimal(amount))


def test_a_new_registration_below_an_earlier_star_gets_nothing_and_says_why(nq67, make_decision, product):
    _record_previous(product, 4)  # 4★ on record; registered again as new and recognised at 3★
    decision = make_decision(DAY, [(NEW, 3, product)])
    assert not Entitlement.objects.filter(decision=decision).exists()
    assessment = assessing.assess(decision.recognitions.get())
    assert (assessment.case, assessment.previous_star, assessment.amount) == ("", 4, None)
    assert "Hạng sao giảm từ 4★ xuống 3★" in assessment.reason


def test_an_earlier_recognition_of_this_authority_makes_a_new_registration_kept(nq67, make_decision, product):
    make_decision(datetime.date(2024, 3, 1), [(NEW, 3, product)])
    later = make_decision(datetime.date(2025, 3, 1), [(NEW, 3, product)])
    entitlement = Entitlement.objects.get(decision=later)
    assert (entitlement.case, entitlement.previous_star, entitlement.amount, entitlement.payer) == (
        SupportCase.KEPT,
        3,
        Decimal("20000000"),
        Payer.DISTRICT,
    )


def test_a_higher_levels_earlier_result_counts_as_history(nq67, make_decision, product):
    """The province recognised the product at 4★ (recorded on the council's result, no certificate on record): a
    later "new" registration at 4★ keeps that star."""
    first = make_decision(datetime.date(2024, 3, 1), [(NEW, 3, product)])
    Result.objects.filter(dossier__round=first.round).update(
        province_result_star=4, province_decision="77/QĐ-UBND", province_decision_date=datetime.date(2024, 4, 2)
    )
    later = make_decision(datetime.date(2025, 3, 1), [(NEW, 4, product)])
    entitlement = Entitlement.objects.get(decision=later)
    assert (entitlement.case, entitlement.previous_star, entitlement.amount) == (
        SupportCase.KEPT,
        4,
        Decimal("60000000"),
    )
