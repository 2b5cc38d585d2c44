"""Issue 9: programme years and rounds run from the browser, decisions dated and corrected, one-way actions confirmed,
and the rule fixes of decisions 2a (forwarding), 10 (quorum) and 12 (unconfirmed criteria sets)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evaluations import domain, hooks, programme, scoring
from evaluations.enums import CouncilRole, SheetStatus
from evaluations.models import CouncilMember, Recognition, Result, ScoreSheet
from evaluations.tests.conftest import option_points, sheet_of
from ocop.enums import AuthorityLevel, Role
from ocop.models import AuditEntry
from products import domain as products_domain
from products.enums import DossierStatus
from products.tests.factories import DossierFactory, ProducerFactory, ProgrammeYearFactory
from programme.enums import RoundStage
from programme.models import CommuneTarget, CriteriaSet, ProgrammeYear, Round


def _actions(obj):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(obj)
    entries = AuditEntry.objects.filter(content_type=ct, object_id=obj.pk).order_by("created_at", "id")
    return list(entries.values_list("action", flat=True))


# ---------------------------------------------------------------------------------------------------- quorum (10)
@pytest.fixture
def council7(make_user, scoring_round, secretary):
    """The chair and six members: seven scorers."""
    seats = [
        CouncilMember.objects.create(
            round=scoring_round, user=make_user(Role.COUNCIL_CHAIR, username="chu-tich"), role=CouncilRole.CHAIR
        )
    ]
    for i in range(1, 7):
        seats.append(
            CouncilMember.objects.create(
                round=scoring_round, user=make_user(Role.COUNCIL_MEMBER, username=f"tv{i}"), role=CouncilRole.MEMBER
            )
        )
    CouncilMember.objects.create(round=scoring_round, user=secretary, role=CouncilRole.SECRETARY)
    return seats


def test_six_of_seven_without_the_chair_is_short(scoring_round, council7, accepted, set06, secretary):
    domain.start_scoring(scoring_round, by=secretary)
    for seat in council7[1:]:
        domain.submit_sheet(sheet_of(accepted, seat), choices=option_points(set06, 1), by=seat.user)
    result = Result.objects.get(dossier=accepted)
    assert (result.sheet_count, result.expected_count) == (6, 7)  # 86 % ≥ 75 %, but the chair's sheet is missing
    assert "chair" in result.flags and "quorum" not in result.flags
    assert result.blocking == ["chair"]
    assert any("chủ tịch" in p.lower() for p in domain.approval_problems(scoring_round))
    domain.submit_sheet(sheet_of(accepted, council7[0]), choices=option_points(set06, 1), by=council7[0].user)
    result.refresh_from_db()
    assert result.flags == [] and result.expected_count == 7


def test_a_dossier_assigned_to_three_of_seven_is_short(scoring_round, council7, accepted, set06, secretary):
    domain.start_scoring(scoring_round, by=secretary)
    accepted.round.refresh_from_db()
    domain.set_assignment(accepted, council7[:3], by=secretary)
    for seat in council7[:3]:
        domain.submit_sheet(sheet_of(accepted, seat), choices=option_points(set06, 1), by=seat.user)
    result = Result.objects.get(dossier=accepted)
    # Assigning fewer members does not shrink the base: 3 of 7 is 43 %.
    assert (result.sheet_count, result.expected_count) == (3, 7)
    assert "quorum" in result.flags


def test_a_member_excused_by_a_conflict_leaves_the_base(scoring_round, council7, accepted, set06, secretary):
    domain.declare_conflict(council7[6], accepted.product.producer, note="Họ hàng", by=secretary)
    domain.declare_conflict(council7[5], accepted.product.producer, note="Góp vốn", by=secretary)
    domain.start_scoring(scoring_round, by=secretary)
    for seat in council7[:4]:
        domain.submit_sheet(sheet_of(accepted, seat), choices=option_points(set06, 1), by=seat.user)
    result = Result.objects.get(dossier=accepted)
    assert (result.sheet_count, result.expected_count) == (4, 5)  # 80 % of the five who may score
    assert result.flags == []


def test_quorum_is_exact_and_needs_the_chair():
    assert scoring.quorum_met(3, 4, 75) is True
    assert scoring.quorum_met(5, 7, 75) is False  # 71.4 %
    outcome = scoring.compute([], [], expected_count=7, chair_submitted=False)
    assert set(outcome.flags) == {"quorum", "chair"}


# ---------------------------------------------------------------------------------------------------- forwarding (2a)
@pytest.mark.parametrize(
    ("points_sum", "sheets", "star", "forwarded"),
    [
        (13999, 200, 4, False),  # 69.995: shown as 70.00, but below 70
        (14000, 200, 4, True),  # exactly 70 with every 4★ mark met
        (7500, 100, 3, False),  # 75 but held at 3★ by a failed 4★ mark
        (4500, 100, 2, False),  # 2★
    ],
)
def test_forwarding_follows_the_uncapped_star_and_the_exact_mean(authority, points_sum, sheets, star, forwarded):
    result = Result(points_sum=points_sum, sheet_count=sheets, star=star, mean=Decimal(points_sum) / sheets)
    assert result.forwarded(authority) is forwarded


def test_the_ministry_threshold_drives_province_forwarding(authority):
    authority.level, authority.max_recognised_star = AuthorityLevel.PROVINCE, 4
    assert authority.next_level == "ministry" and authority.next_level_star == 5
    result = Result(points_sum=92 * 7, sheet_count=7, star=5)
    assert result.forwarded(authority) is True
    assert Result(points_sum=92 * 7, sheet_count=7, star=4).forwarded(authority) is False  # a 5★ mark failed
    authority.ministry_threshold = Decimal("95")
    assert result.forwarded(authority) is False


def _approved(scoring_round, members, accepted, set06, secretary, chair_choices, member_choices):
    domain.start_scoring(scoring_round, by=secretary)
    domain.submit_sheet(sheet_of(accepted, members[0]), choices=chair_choices, by=members[0].user)
    for seat in members[1:]:
        domain.submit_sheet(sheet_of(accepted, seat), choices=member_choices, by=seat.user)
    domain.approve_results(scoring_round, by=members[0].user)
    scoring_round.refresh_from_db()
    return Result.objects.get(dossier=accepted)


def test_a_product_held_below_is_not_forwarded_and_gets_no_province_result(
    scoring_round, members, accepted, set06, secretary, district_officer
):
    best = option_points(set06, -1)
    result = _approved(scoring_round, members, accepted, set06, secretary, best, best)
    assert result.star == 5 and list(domain.forwarded_results(scoring_round)) == [result]
    # The same mean with a failed 4★ mark: held at 3★, not forwarded, and no province result can be recorded.
    mark = next(
        (c["code"], o["points"])
        for _p, _s, c in set06.criteria()
        for o in c["options"]
        if o.get("min_for_star") == 4 and o["points"] > 0
    )
    Result.objects.filter(pk=result.pk).update(star=3)
    result.refresh_from_db()
    assert list(domain.forwarded_results(scoring_round)) == []
    with pytest.raises(ValidationError, match="không được đề nghị"):
        domain.record_province_result(result, star=4, decision="1/QĐ", date=timezone.localdate(), by=district_officer)
    assert mark  # the set has 4★ marks, so a failed one is possible


# ---------------------------------------------------------------------------------------------------- decision 12
@pytest.fixture
def unverified_set(db, set06):
    criteria_set = CriteriaSet.objects.get(edition="qd148-2023", code="11")
    assert not criteria_set.usable
    return criteria_set


def test_late_acceptance_into_a_scoring_round_creates_its_sheets(
    started, members, commune, set06, secretary, scoring_round
):
    late = DossierFactory(
        product__producer=ProducerFactory(commune=commune, name="Hộ Nguyễn Văn A"),
        product__criteria_set=set06,
        round=scoring_round,
        status=DossierStatus.SUBMITTED,
    )
    assert products_domain.accept_dossier(late, by=secretary) is True
    assert sorted(s.member_id for s in late.sheets.all()) == sorted(m.pk for m in members if m.scores)
    assert Result.objects.get(dossier=late).expected_count == 4


def test_an_unconfirmed_set_blocks_late_acceptance_and_assignment(
    started, members, commune, unverified_set, secretary, scoring_round, accepted
):
    late = DossierFactory(
        product__producer=ProducerFactory(commune=commune, name="Hộ Trần Văn B"),
        product__criteria_set=unverified_set,
        round=scoring_round,
        status=DossierStatus.SUBMITTED,
    )
    with pytest.raises(ValidationError, match="đối chiếu"):
        products_domain.accept_dossier(late, by=secretary)
    late.refresh_from_db()
    assert late.status == DossierStatus.SUBMITTED and not late.sheets.exists()  # the acceptance rolled back
    # A dossier already scoring whose product moved to an unconfirmed set cannot be reassigned either.
    accepted.product.criteria_set = unverified_set
    accepted.product.save()
    with pytest.raises(ValidationError, match="đối chiếu"):
        domain.set_assignment(accepted, members[:3], by=secretary)
    domain.confirm_criteria_set(unverified_set, by=secretary)
    assert products_domain.accept_dossier(late, by=secretary) is True


def test_an_approved_round_takes_no_more_dossiers(scoring_round, members, accepted, set06, secretary, commune):
    best = option_points(set06, -1)
    _approved(scoring_round, members, accepted, set06, secretary, best, best)
    late = DossierFactory(
        product__producer=ProducerFactory(commune=commune, name="Hộ Lê Thị C"),
        product__criteria_set=set06,
        round=scoring_round,
        status=DossierStatus.SUBMITTED,
    )
    with pytest.raises(ValidationError):
        products_domain.accept_dossier(late, by=secretary)


# ---------------------------------------------------------------------------------------------------- approval
def test_approving_with_drafts_needs_the_confirmation(started, members, accepted, set06, secretary):
    for seat in members[:3]:
        domain.submit_sheet(sheet_of(accepted, seat), choices=option_points(set06, 1), by=seat.user)
    chair = members[0].user
    with pytest.raises(ValidationError, match="nháp"):
        domain.approve_results(started, by=chair)
    assert domain.approve_results(started, by=chair, drafts_confirmed=True) is True
    draft = sheet_of(accepted, members[3])
    draft.refresh_from_db()
    assert draft.status == SheetStatus.DRAFT and draft.lapsed
    assert draft.status_text().startswith("Không nộp (đợt đã được phê duyệt ngày ")
    with pytest.raises(ValidationError):
        domain.save_sheet(draft, choices={}, by=members[3].user)


# ---------------------------------------------------------------------------------------------------- years
def test_create_year_starts_from_last_year(authority, district_officer, commune, other_commune):
    last = ProgrammeYearFactory(authority=authority, year=2025, target_new_products=7, target_reevaluations=2)
    last.budget = Decimal("200000000")
    last.save()
    CommuneTarget.objects.create(year=last, commune=commune, new_products=2, reevaluations=1)
    year = programme.create_year(authority, year=2026, by=district_officer)
    assert (year.target_new_products, year.target_reevaluations, year.budget) == (7, 2, Decimal("200000000"))
    assert year.ceremony_by == datetime.date(2026, 12, 15)
    assert [(t.commune, t.new_products, t.reevaluations) for t in year.commune_targets.all()] == [(commune, 2, 1)]
    assert _actions(year) == ["year.created"]
    with pytest.raises(ValidationError, match="đã có"):
        programme.create_year(authority, year=2026, by=district_officer)
    own = programme.create_year(authority, year=2027, by=district_officer, target_new_products=9)
    assert own.target_new_products == 9


@pytest.mark.parametrize(
    "persona", ["secretary", "chair", "council_member", "commune_official", "finance_officer"], indirect=True
)
def test_only_the_office_manages_years(authority, persona):
    with pytest.raises(PermissionDenied):
        programme.create_year(authority, year=2030, by=persona)


def test_update_year_until_closed(authority, district_officer, commune, other_commune):
    year = ProgrammeYearFactory(authority=authority, year=2026)
    assert programme.update_year(year, by=district_officer, target_new_products=8, budget=Decimal("5000000")) is True
    assert programme.update_year(year, by=district_officer, target_new_products=8) is False
    assert programme.set_commune_targets(year, {commune: (3, 0), other_commune: (0, 0)}, by=district_officer)
    assert programme.set_commune_targets(year, {commune: (3, 0)}, by=district_officer) is False
    round_ = programme.create_round(year, by=district_officer)
    with pytest.raises(ValidationError, match="Đợt"):
        programme.close_year(year, by=district_officer)  # a round is still open
    Round.objects.filter(pk=round_.pk).update(stage=RoundStage.APPROVED)
    assert programme.close_year(year, by=district_officer) is True
    assert programme.close_year(year, by=district_officer) is False
    year.refresh_from_db()
    round_.refresh_from_db()
    assert year.is_closed and round_.stage == RoundStage.CLOSED
    with pytest.raises(ValidationError, match="kết thúc"):
        programme.update_year(year, by=district_officer, target_new_products=9)
    with pytest.raises(ValidationError, match="kết thúc"):
        programme.create_round(year, by=district_officer)
    assert _actions(year) == ["year.updated", "year.targets_set", "year.closed"]


def test_close_problems_list_what_is_unfinished(authority, district_officer):
    year = ProgrammeYearFactory(authority=authority, year=2026)
    round_ = programme.create_round(year, by=district_officer)
    blocking, unfinished = programme.close_problems(year)
    assert len(blocking) == 1 and "Đợt 1/2026" in blocking[0]
    Round.objects.filter(pk=round_.pk).update(stage=RoundStage.APPROVED)
    blocking, unfinished = programme.close_problems(year)
    assert blocking == [] and "quyết định" in unfinished[0]


# ---------------------------------------------------------------------------------------------------- rounds
def test_rounds_take_the_plan_dates_and_an_earlier_council(authority, district_officer, secretary, make_user):
    year = ProgrammeYearFactory(authority=authority, year=2027)
    first = programme.create_round(year, by=secretary)
    second = programme.create_round(year, by=district_officer)
    assert (first.number, first.commune_deadline, first.district_deadline) == (
        1,
        datetime.date(2027, 6, 10),
        datetime.date(2027, 6, 15),
    )
    assert (second.number, second.commune_deadline, second.district_deadline) == (
        2,
        datetime.date(2027, 10, 10),
        datetime.date(2027, 10, 15),
    )
    chair = make_user(Role.COUNCIL_CHAIR, username="ct")
    CouncilMember.objects.create(round=first, user=chair, role=CouncilRole.CHAIR, title="Phó Chủ tịch")
    third = programme.create_round(
        year,
        by=district_officer,
        copy_council_from=first,
        commune_deadline=datetime.date(2027, 11, 20),
        district_deadline=datetime.date(2027, 11, 30),
        meeting_date=datetime.date(2027, 11, 28),
    )
    assert [(s.user, s.role, s.title) for s in third.council.all()] == [(chair, "chair", "Phó Chủ tịch")]
    assert _actions(third) == ["round.created"]
    with pytest.raises(ValidationError) as error:
        programme.create_round(
            year,
            by=district_officer,
            commune_deadline=datetime.date(2027, 12, 10),
            district_deadline=datetime.date(2027, 12, 1),
        )
    assert "district_deadline" in error.value.error_dict


@pytest.mark.parametrize("persona", ["chair", "council_member", "commune_official", "finance_officer"], indirect=True)
def test_only_the_office_and_secretariat_add_rounds(authority, persona):
    year = ProgrammeYearFactory(authority=authority, year=2027)
    with pytest.raises(PermissionDenied):
        programme.create_round(year, by=persona)


def test_round_dates_freeze_as_the_round_advances(started, secretary, scoring_round):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="xã"):
        programme.update_round(scoring_round, by=secretary, commune_deadline=today)
    assert programme.update_round(scoring_round, by=secretary, district_deadline=today + datetime.timedelta(days=9))
    assert (
        programme.update_round(scoring_round, by=secretary, district_deadline=today + datetime.timedelta(days=9))
        is False
    )
    Round.objects.filter(pk=scoring_round.pk).update(stage=RoundStage.APPROVED)
    scoring_round.refresh_from_db()
    with pytest.raises(ValidationError):
        programme.update_round(scoring_round, by=secretary, meeting_place="Hội trường")


# ---------------------------------------------------------------------------------------------------- decisions
@pytest.fixture
def approved_round(scoring_round, members, accepted, set06, secretary):
    best = option_points(set06, -1)
    _approved(scoring_round, members, accepted, set06, secretary, best, best)
    return scoring_round


def test_a_decision_is_dated_neither_in_the_future_nor_before_the_approval(approved_round, district_officer):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="tương lai"):
        domain.record_decision(
            approved_round, number="1/QĐ", date=today + datetime.timedelta(days=1), signed_by="A", by=district_officer
        )
    with pytest.raises(ValidationError, match="phê duyệt"):
        domain.record_decision(
            approved_round, number="1/QĐ", date=today - datetime.timedelta(days=1), signed_by="A", by=district_officer
        )
    decision = domain.record_decision(approved_round, number="1/QĐ", date=today, signed_by="A", by=district_officer)
    assert decision.recognitions.count() == 1


def test_recognitions_get_product_codes_in_the_regime_format(approved_round, district_officer, authority):
    authority.province_code = "BG"
    authority.save()
    decision = domain.record_decision(
        approved_round, number="1/QĐ", date=timezone.localdate(), signed_by="A", by=district_officer
    )
    recognition = decision.recognitions.get()
    year = timezone.localdate().year
    assert recognition.product_code == f"BG-{authority.code.upper()}-TL-001-{year}"  # T-H-X-STT-Năm, Thanh Lâm → TL
    assert recognition.star == 3  # the district recognises at most 3★


def test_correct_a_decision_until_its_first_certificate(approved_round, district_officer, authority):
    from evaluations import certificates

    today = timezone.localdate()
    decision = domain.record_decision(approved_round, number="1/QĐ", date=today, signed_by="A", by=district_officer)
    seen = []
    hooks.on_decision_recorded(lambda d, **kw: seen.append((d.number, kw["corrected"])))
    try:
        assert programme.correct_decision(decision, number="12/QĐ-UBND", date=today, signed_by="A", by=district_officer)
        assert (
            programme.correct_decision(decision, number="12/QĐ-UBND", date=today, signed_by="A", by=district_officer)
            is False
        )
    finally:
        hooks._decision_hooks.pop()
    assert seen == [("12/QĐ-UBND", True)]
    assert "decision.corrected" in _actions(approved_round)
    certificates.issue_certificate(decision.recognitions.get(), by=district_officer)
    with pytest.raises(ValidationError, match="cấp lại"):
        programme.correct_decision(decision, number="13/QĐ", date=today, signed_by="A", by=district_officer)


@pytest.mark.parametrize(
    "persona", ["secretary", "chair", "council_member", "commune_official", "finance_officer"], indirect=True
)
def test_only_the_office_corrects_a_decision(approved_round, district_officer, persona):
    decision = domain.record_decision(
        approved_round, number="1/QĐ", date=timezone.localdate(), signed_by="A", by=district_officer
    )
    with pytest.raises(PermissionDenied):
        programme.correct_decision(decision, number="2/QĐ", date=decision.date, signed_by="A", by=persona)


def test_records_once(approved_round, district_officer):
    today = timezone.localdate()
    first = domain.record_decision(approved_round, number="1/QĐ", date=today, signed_by="A", by=district_officer)
    again = domain.record_decision(approved_round, number="9/QĐ", date=today, signed_by="B", by=district_officer)
    assert again == first and Recognition.objects.filter(decision=first).count() == 1
    assert ScoreSheet.objects.filter(dossier__round=approved_round).count() == 4
    assert ProgrammeYear.objects.count() == 1
