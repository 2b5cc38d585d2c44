"""Data for the dashboard and report tests: a programme year with dossiers in every state, recognitions and
certificates, spread over as many communes as asked."""

import datetime
import itertools

import pytest
from django.utils import timezone

from evaluations.models import Certificate, Recognition, RecognitionDecision, Result
from ocop.tests.factories import CommuneFactory
from products.enums import DossierStatus
from products.tests.factories import CriteriaSetFactory, DossierFactory, ProducerFactory, ProductFactory, RoundFactory
from programme.enums import RoundStage
from programme.models import ProgrammeYear
from takeover.tests.conftest import bac_ninh, lucnam_backup  # noqa: F401 - the fold's fixtures (after-fold tests)

_sequence = itertools.count(1)


def recognise(dossier, decision, star=3, *, certify=True, valid_until=None):
    """Mark a dossier scored, recognised at ``star`` and (optionally) certified."""
    Result.objects.update_or_create(dossier=dossier, defaults={"star": star, "mean": 60})
    recognition = Recognition.objects.create(decision=decision, dossier=dossier, star=star)
    certificate = None
    if certify:
        number = next(_sequence)
        certificate = Certificate.objects.create(
            authority=decision.round.year.authority,
            recognition=recognition,
            product=dossier.product,
            number=f"{number:03d}/GCN-T",
            year=decision.date.year,
            sequence=number,
            decision_number=decision.number,
            decision_date=decision.date,
            product_name=dossier.product.name,
            producer_name=dossier.product.producer.name,
            producer_address=f"{dossier.product.producer.address}, {dossier.commune}",
            product_group=str(dossier.product.criteria_set),
            star=star,
            issued_on=decision.date,
            valid_until=valid_until or decision.valid_until,
            issuer="UBND huyện",
        )
    return recognition, certificate


@pytest.fixture
def programme(authority):
    """Build a year with ``n`` communes, each with a draft, a submitted, an accepted-and-recognised-and-certified
    new product and a recognised re-evaluation; returns the year."""

    def build(n: int, *, year_number=None):
        year = ProgrammeYear.objects.create(
            authority=authority,
            year=year_number or timezone.localdate().year,
            target_new_products=7,
            target_reevaluations=2,
        )
        open_round = RoundFactory(year=year, number=2)
        past_round = RoundFactory(
            year=year,
            number=1,
            stage=RoundStage.APPROVED,
            commune_deadline=timezone.localdate() - datetime.timedelta(days=60),
            district_deadline=timezone.localdate() - datetime.timedelta(days=50),
        )
        decision = RecognitionDecision.objects.create(
            round=past_round, number=f"{year.year}/QĐ-UBND", date=timezone.localdate(), signed_by="Lê Văn Thành"
        )
        groups = [CriteriaSetFactory(code="06"), CriteriaSetFactory(code="08", name="Chế biến từ thịt")]
        for index in range(n):
            commune = CommuneFactory(authority=authority)
            producer = ProducerFactory(commune=commune)
            group = groups[index % 2]
            DossierFactory(product=ProductFactory(producer=producer, criteria_set=group), round=open_round)
            DossierFactory(
                product=ProductFactory(producer=producer, criteria_set=group),
                round=open_round,
                status=DossierStatus.SUBMITTED,
                submission_count=1,
            )
            accepted = DossierFactory(
                product=ProductFactory(producer=producer, criteria_set=group),
                round=past_round,
                status=DossierStatus.ACCEPTED,
                submission_count=1,
            )
            recognise(accepted, decision, 3)
            again = DossierFactory(
                product=ProductFactory(producer=producer, criteria_set=group),
                round=past_round,
                status=DossierStatus.ACCEPTED,
                submission_count=1,
                registration_type="danh_gia_lai",
            )
            recognise(again, decision, 3, certify=False)
        return year

    return build
