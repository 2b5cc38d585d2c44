"""A round with a council, accepted dossiers and criteria set 06, ready to score."""

import datetime

import pytest
from django.utils import timezone

from evaluations import domain
from evaluations.enums import CouncilRole
from evaluations.models import CouncilMember
from ocop.enums import Role
from products.enums import DossierStatus
from products.tests.factories import DossierFactory, ProducerFactory, RoundFactory
from programme.catalogue import sync_catalogue
from programme.models import CriteriaSet


def option_points(criteria_set, level):
    """Choices picking, for every criterion, the option at ``level`` (0 = lowest, -1 = best)."""
    choices = {}
    for part in criteria_set.sheet:
        for section in part["sections"]:
            criteria = section["criteria"][:1] if section.get("choose_one") else section["criteria"]
            for criterion in criteria:
                options = criterion["options"]
                index = level if level < 0 else min(level, len(options) - 1)
                choices[criterion["code"]] = options[index]["points"]
    return choices


@pytest.fixture
def set06(db):
    sync_catalogue()
    return CriteriaSet.objects.get(edition="qd148-2023", code="06", version=1)


@pytest.fixture
def scoring_round(authority):
    today = timezone.localdate()
    return RoundFactory(
        year__authority=authority,
        commune_deadline=today - datetime.timedelta(days=5),
        district_deadline=today + datetime.timedelta(days=5),
    )


def seat_council(round_, make_user, secretary) -> list:
    """The chair and three members (four scorers) of ``round_``, plus the secretary seat; returns the scorers."""
    chair = make_user(Role.COUNCIL_CHAIR, username="chu-tich")
    seats = [CouncilMember.objects.create(round=round_, user=chair, role=CouncilRole.CHAIR)]
    for i in range(1, 4):
        user = make_user(Role.COUNCIL_MEMBER, username=f"tv{i}")
        seats.append(CouncilMember.objects.create(round=round_, user=user, role=CouncilRole.MEMBER))
    CouncilMember.objects.create(round=round_, user=secretary, role=CouncilRole.SECRETARY)
    return seats


@pytest.fixture
def members(make_user, scoring_round, secretary):
    """The chair and three members (four scorers), plus the secretary seat."""
    return seat_council(scoring_round, make_user, secretary)


@pytest.fixture
def accepted(commune, scoring_round, set06):
    return DossierFactory(
        product__producer=ProducerFactory(commune=commune, name="Tổ hợp tác bánh mật"),
        product__name="Bánh mật Thanh Lâm",
        product__criteria_set=set06,
        round=scoring_round,
        status=DossierStatus.ACCEPTED,
    )


@pytest.fixture
def started(scoring_round, members, accepted, secretary):
    domain.start_scoring(scoring_round, by=secretary)
    scoring_round.refresh_from_db()
    return scoring_round


def sheet_of(dossier, seat):
    return dossier.sheets.get(member=seat)
