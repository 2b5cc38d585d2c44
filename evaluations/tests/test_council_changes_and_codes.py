"""Issue 18, items 16 and 19: results follow the council when it changes during scoring (decision 10's quorum), and
product codes are numbered in Vietnamese alphabetical order of the communes (as certificates are)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evaluations import domain
from evaluations.enums import CouncilRole
from evaluations.models import Result
from evaluations.tests.conftest import option_points, sheet_of
from ocop.enums import Role
from ocop.tests.factories import CommuneFactory
from products.enums import DossierStatus
from products.tests.factories import DossierFactory, ProducerFactory


def _submit_all(dossier, seats, choices):
    for seat in seats:
        domain.submit_sheet(sheet_of(dossier, seat), choices=choices, by=seat.user)


# ---------------------------------------------------------------------------------------------------- item 16
def test_adding_members_during_scoring_recomputes_the_quorum_and_blocks_approval(
    started, members, accepted, set06, secretary, make_user
):
    _submit_all(accepted, members, option_points(set06, 1))
    result = Result.objects.get(dossier=accepted)
    assert (result.sheet_count, result.expected_count, result.flags) == (4, 4, [])

    for n in (4, 5):
        user = make_user(Role.COUNCIL_MEMBER, username=f"tv{n}")
        domain.add_council_member(started, user, role=CouncilRole.MEMBER, by=secretary)

    result.refresh_from_db()
    assert (result.sheet_count, result.expected_count) == (4, 6)  # 4 of 6 is 67 %, below the 75 % quorum
    assert "quorum" in result.flags
    with pytest.raises(ValidationError, match="mới có 4/6 phiếu, chưa đủ túc số"):
        domain.approve_results(started, by=members[0].user)
    started.refresh_from_db()
    assert started.stage == "scoring"


def test_removing_members_during_scoring_recomputes_the_quorum(started, members, accepted, set06, secretary, make_user):
    extra = [
        domain.add_council_member(started, make_user(Role.COUNCIL_MEMBER, username=f"tv{n}"), by=secretary)
        for n in (4, 5)
    ]
    _submit_all(accepted, members, option_points(set06, 1))
    result = Result.objects.get(dossier=accepted)
    assert (result.sheet_count, result.expected_count) == (4, 6) and "quorum" in result.flags

    for seat in extra:
        domain.remove_council_member(seat, by=secretary)

    result.refresh_from_db()
    assert (result.sheet_count, result.expected_count, result.flags) == (4, 4, [])
    assert domain.approve_results(started, by=members[0].user) is True


def test_members_excused_by_a_conflict_leave_the_quorum_base(started, members, accepted, set06, secretary, make_user):
    extra = [
        domain.add_council_member(started, make_user(Role.COUNCIL_MEMBER, username=f"tv{n}"), by=secretary)
        for n in (4, 5)
    ]
    _submit_all(accepted, members, option_points(set06, 1))
    result = Result.objects.get(dossier=accepted)
    assert (result.sheet_count, result.expected_count) == (4, 6) and "quorum" in result.flags
    for seat in extra:
        domain.declare_conflict(seat, accepted.product.producer, note="Người thân của chủ thể", by=secretary)
    result.refresh_from_db()
    assert (result.sheet_count, result.expected_count, result.flags) == (4, 4, [])


# ---------------------------------------------------------------------------------------------------- item 19
def test_product_codes_follow_vietnamese_order_of_communes(
    scoring_round, members, set06, secretary, district_officer, authority
):
    # Code-point order: Dương Đức (D) < Yên Sơn (Y) < Đông Hưng (Đ, U+0110). Vietnamese order: D < Đ < Y.
    names = ["Yên Sơn", "Đông Hưng", "Dương Đức"]
    dossiers = {}
    for name in names:
        commune = CommuneFactory(authority=authority, name=name)
        dossiers[name] = DossierFactory(
            product__producer=ProducerFactory(commune=commune, name=f"Hợp tác xã {name}"),
            product__name=f"Chè {name}",
            product__criteria_set=set06,
            round=scoring_round,
            status=DossierStatus.ACCEPTED,
        )
    assert sorted(names) == ["Dương Đức", "Yên Sơn", "Đông Hưng"]  # what byte order would number

    domain.start_scoring(scoring_round, by=secretary)
    for dossier in dossiers.values():
        _submit_all(dossier, members, option_points(set06, -1))
    domain.approve_results(scoring_round, by=members[0].user)
    scoring_round.refresh_from_db()
    authority.province_code = "BG"
    authority.save()
    decision = domain.record_decision(
        scoring_round, number="7/QĐ", date=timezone.localdate(), signed_by="A", by=district_officer
    )

    year = timezone.localdate().year
    codes = {r.dossier.commune.name: r.product_code for r in decision.recognitions.select_related("dossier__commune")}
    prefix = f"BG-{authority.code.upper()}"
    assert codes == {
        "Dương Đức": f"{prefix}-DD-001-{year}",
        "Đông Hưng": f"{prefix}-DH-002-{year}",
        "Yên Sơn": f"{prefix}-YS-003-{year}",
    }
