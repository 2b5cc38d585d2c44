"""Recognition decisions recorded through ``evaluations.domain.record_decision`` (so the hook runs), the NQ 67
policy, and budget lines."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from evaluations import domain as evaluation_domain
from evaluations.models import Result
from funding.enums import BudgetKind, Payer
from funding.models import BudgetLine
from funding.policies import load_policy
from products.enums import DossierStatus, RegistrationType
from products.tests.factories import DossierFactory, ProducerFactory, ProgrammeYearFactory, RoundFactory
from programme.enums import RoundStage


@pytest.fixture
def nq67(authority):
    return load_policy(authority)


@pytest.fixture
def year_2024(authority):
    return ProgrammeYearFactory(authority=authority, year=2024)


@pytest.fixture
def make_decision(authority, district_officer, commune):
    """make_decision(date, [(registration type, star, product or None), …]) → the recorded decision."""

    def make(day: datetime.date, items, *, year=None, commune_=None):
        year = year or ProgrammeYearFactory(authority=authority, year=day.year)
        round_ = RoundFactory(
            year=year,
            stage=RoundStage.APPROVED,
            approved_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(8))),
            commune_deadline=day - datetime.timedelta(days=20),
            district_deadline=day - datetime.timedelta(days=10),
        )
        for registration_type, star, product in items:
            kwargs = (
                {"product": product}
                if product is not None
                else {"product__producer": ProducerFactory(commune=commune_ or commune)}
            )
            dossier = DossierFactory(
                round=round_, status=DossierStatus.ACCEPTED, registration_type=registration_type, **kwargs
            )
            Result.objects.create(dossier=dossier, star=star, mean=Decimal("60"), sheet_count=5, expected_count=5)
        return evaluation_domain.record_decision(
            round_, number=f"{round_.pk}/QĐ-UBND", date=day, signed_by="Hoàng Văn Toán", by=district_officer
        )

    return make


NEW, KEPT, UPGRADE = RegistrationType.NEW, RegistrationType.REEVALUATION, RegistrationType.UPGRADE


@pytest.fixture
def support_line_2024(year_2024):
    return BudgetLine.objects.create(
        year=year_2024,
        name="Hỗ trợ sản phẩm OCOP (NQ 67)",
        source="Ngân sách huyện",
        amount=Decimal("300000000"),
        payer=Payer.DISTRICT,
        kind=BudgetKind.SUPPORT,
    )
