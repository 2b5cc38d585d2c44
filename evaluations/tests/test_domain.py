"""Rounds, council, sheets and results through the domain functions: permission, state, audit, idempotence."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evaluations import domain
from evaluations.enums import SheetStatus
from evaluations.models import Recognition, ScoreSheet
from evaluations.tests.conftest import option_points, sheet_of
from ocop import audit
from programme.enums import RoundStage


def _submit_all(dossier, seats, choices_by_seat):
    for seat, choices in zip(seats, choices_by_seat, strict=False):
        domain.submit_sheet(sheet_of(dossier, seat), choices=choices, by=seat.user)


def test_start_scoring_gives_each_scorer_a_sheet_and_skips_conflicts(scoring_round, members, accepted, secretary):
    domain.declare_conflict(
        members[3], accepted.product.producer, note="Con gái là thành viên tổ hợp tác", by=secretary
    )
    assert domain.start_scoring(scoring_round, by=secretary) is True
    assert domain.start_scoring(scoring_round, by=secretary) is False
    scoring_round.refresh_from_db()
    assert scoring_round.stage == RoundStage.SCORING
    assert sorted(s.member.user.username for s in accepted.sheets.all()) == ["chu-tich", "tv1", "tv2"]
    assert accepted.result.expected_count == 3


def test_start_scoring_needs_a_chair_and_a_usable_set(scoring_round, accepted, secretary, make_user, set06):
    with pytest.raises(ValidationError, match="Chủ tịch"):
        domain.start_scoring(scoring_round, by=secretary)
    from programme.models import CriteriaSet

    unverified = CriteriaSet.objects.get(edition="qd148-2023", code="11")
    accepted.product.criteria_set = unverified
    accepted.product.save()
    from evaluations.enums import CouncilRole
    from evaluations.models import CouncilMember
    from ocop.enums import Role

    CouncilMember.objects.create(round=scoring_round, user=make_user(Role.COUNCIL_CHAIR), role=CouncilRole.CHAIR)
    with pytest.raises(ValidationError, match=r"11\. Chè"):
        domain.start_scoring(scoring_round, by=secretary)
    domain.confirm_criteria_set(unverified, by=secretary)
    assert domain.start_scoring(scoring_round, by=secretary) is True


@pytest.mark.parametrize("persona", ["council_member", "commune_official", "finance_officer"], indirect=True)
def test_only_managers_start_scoring(scoring_round, members, accepted, persona):
    with pytest.raises(PermissionDenied):
        domain.start_scoring(scoring_round, by=persona)


def test_member_cannot_fill_another_members_sheet(started, accepted, members):
    with pytest.raises(PermissionDenied):
        domain.save_sheet(sheet_of(accepted, members[1]), choices={}, by=members[2].user)


def test_submit_requires_every_criterion_and_valid_options(started, accepted, members, set06):
    sheet = sheet_of(accepted, members[1])
    choices = option_points(set06, 0)
    incomplete = dict(list(choices.items())[:-1])
    with pytest.raises(ValidationError, match="Còn thiếu"):
        domain.submit_sheet(sheet, choices=incomplete, by=members[1].user)
    with pytest.raises(ValidationError, match="1a"):
        domain.save_sheet(sheet, choices={**choices, "1a": 4}, by=members[1].user)  # 4 is not an option of 1a
    assert domain.submit_sheet(sheet, choices=choices, by=members[1].user) is True
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    assert sheet.total == sum(choices.values())
    with pytest.raises(ValidationError, match="khoá"):
        domain.save_sheet(sheet, choices=choices, by=members[1].user)


def test_deadline_closes_submission_until_reopened(started, accepted, members, set06, secretary):
    sheet = sheet_of(accepted, members[1])
    after = timezone.now() + datetime.timedelta(days=6)
    with pytest.raises(ValidationError, match="23:59"):
        domain.submit_sheet(sheet, choices=option_points(set06, 1), by=members[1].user, now=after)
    assert domain.reopen_sheet(sheet, by=secretary, reason="Thành viên đi công tác, cho nộp muộn") is True
    assert domain.submit_sheet(sheet, choices=option_points(set06, 1), by=members[1].user, now=after) is True
    assert audit.history_for(sheet).filter(action="sheet.reopened").get().note.startswith("Thành viên đi công tác")


def test_results_mean_star_spread_and_approval(started, accepted, members, set06, secretary):
    low, high = option_points(set06, 0), option_points(set06, -1)
    _submit_all(accepted, members, [high, high, high, low])
    result = accepted.result
    result.refresh_from_db()
    totals = sorted(s.total for s in ScoreSheet.objects.filter(dossier=accepted))
    assert result.sheet_count == 4
    assert result.min_total == totals[0]
    assert result.max_total == totals[-1]
    assert result.flags == ["spread"]
    chair = members[0].user
    with pytest.raises(ValidationError) as info:
        domain.approve_results(started, by=chair)
    assert "cách nhau" in info.value.messages[0]
    # Re-scoring the outlier clears the flag; the first sheet is kept as a revision.
    outlier = sheet_of(accepted, members[3])
    domain.reopen_sheet(outlier, by=secretary, reason="Chênh lệch lớn, đề nghị chấm lại")
    domain.submit_sheet(outlier, choices=high, by=members[3].user)
    result.refresh_from_db()
    assert result.flags == []
    assert outlier.revisions.get().total == sum(low.values())
    assert domain.approve_results(started, by=chair) is True
    assert domain.approve_results(started, by=chair) is False
    started.refresh_from_db()
    assert started.stage == RoundStage.APPROVED


def test_chair_accepts_spread_with_a_reason(started, accepted, members, set06):
    low, high = option_points(set06, 0), option_points(set06, -1)
    _submit_all(accepted, members, [high, high, high, low])
    chair = members[0].user
    with pytest.raises(PermissionDenied):
        domain.accept_spread(accepted.result, by=members[1].user, reason="x")
    with pytest.raises(ValidationError):
        domain.accept_spread(accepted.result, by=chair, reason=" ")
    assert domain.accept_spread(accepted.result, by=chair, reason="Hội đồng thống nhất giữ kết quả")
    assert domain.approve_results(started, by=chair) is True


def test_quorum_blocks_approval(started, accepted, members, set06):
    high = option_points(set06, -1)
    _submit_all(accepted, members[:2], [high, high])  # 2 of 4 = 50 %
    accepted.result.refresh_from_db()
    assert accepted.result.flags == ["quorum"]
    with pytest.raises(ValidationError, match="túc số"):
        domain.approve_results(started, by=members[0].user)


def test_decision_recognises_at_most_three_stars(started, accepted, members, set06, district_officer):
    best = option_points(set06, -1)
    _submit_all(accepted, members, [best] * 4)
    accepted.result.refresh_from_db()
    assert accepted.result.star == 5
    domain.approve_results(started, by=members[0].user)
    decision = domain.record_decision(
        started, number="2345/QĐ-UBND", date=timezone.localdate(), signed_by="Lê Văn Thành", by=district_officer
    )
    assert [(r.dossier_id, r.star) for r in Recognition.objects.all()] == [(accepted.pk, 3)]
    assert decision.valid_until.year == timezone.localdate().year + 3
    assert list(domain.forwarded_results(started)) == [accepted.result]
    assert domain.record_province_result(
        accepted.result, star=4, decision="123/QĐ-UBND", date=timezone.localdate(), by=district_officer
    )


def test_decision_needs_approved_results(started, district_officer):
    with pytest.raises(ValidationError):
        domain.record_decision(started, number="1", date=timezone.localdate(), signed_by="X", by=district_officer)
