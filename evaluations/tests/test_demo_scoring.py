import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from evaluations import demo
from evaluations.enums import CouncilRole, SheetStatus
from evaluations.models import (
    ConflictOfInterest,
    CouncilMember,
    Recognition,
    RecognitionDecision,
    Result,
    ScoreSheet,
    SheetRevision,
)
from ocop import demo as ocop_demo
from ocop.models import AuditEntry
from products.enums import DossierStatus
from products.models import Dossier
from programme.demo import current_round_numbers
from programme.enums import RoundStage
from programme.models import CriteriaSet, Round

MODELS = [
    Round,
    CouncilMember,
    ConflictOfInterest,
    ScoreSheet,
    SheetRevision,
    Result,
    RecognitionDecision,
    Recognition,
    CriteriaSet,
    Dossier,
    AuditEntry,
]


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def _result(name, year=2024):
    return Result.objects.select_related("dossier__round").get(
        dossier__product__name=name, dossier__round__year__year=year
    )


@pytest.fixture
def seeded(db):
    authority = ocop_demo.seed_all()["authority"]
    summary = demo.seed_scoring(authority)
    return authority, summary


@pytest.fixture
def round_2024(seeded):
    return Round.objects.get(year__year=2024, number=1)


@pytest.fixture
def current_round(seeded):
    today = timezone.localdate()
    return Round.objects.get(year__year=today.year, number=current_round_numbers(today)[0])


@pytest.mark.django_db
def test_seed_scoring_is_idempotent(seeded):
    authority, first = seeded
    counts = _counts()
    sheets = list(ScoreSheet.objects.values_list("id", "status", "total", "choices", "comment").order_by("id"))
    results = list(Result.objects.values_list("id", "mean", "star", "flags", "resolution").order_by("id"))
    second = demo.seed_scoring(authority)
    assert _counts() == counts
    assert list(ScoreSheet.objects.values_list("id", "status", "total", "choices", "comment").order_by("id")) == sheets
    assert list(Result.objects.values_list("id", "mean", "star", "flags", "resolution").order_by("id")) == results
    assert second == first
    # and seed_all again (as the lead's seed_all will call both) changes nothing either
    ocop_demo.seed_all()
    demo.seed_scoring(authority)
    assert _counts() == counts


@pytest.mark.django_db
def test_2024_round_approved_with_decision(round_2024):
    assert round_2024.stage == RoundStage.APPROVED
    assert round_2024.approved_by.username == "chutich"
    assert timezone.localdate(round_2024.approved_at) == datetime.date(2024, 6, 14)
    assert timezone.localdate(round_2024.scoring_started_at) == datetime.date(2024, 6, 11)
    decision = round_2024.decision
    assert (decision.number, decision.date) == ("2345/QĐ-UBND", datetime.date(2024, 6, 20))
    assert decision.signed_by == "Lê Văn Thành – Phó Chủ tịch UBND huyện"
    assert decision.recorded_by.username == "phongnn"
    accepted = Dossier.objects.filter(round=round_2024, status=DossierStatus.ACCEPTED)
    assert decision.recognitions.count() == accepted.count() == 5
    assert set(decision.recognitions.values_list("star", flat=True)) == {3}
    # every sheet submitted by its own member inside the window, before 15/06/2024 23:59
    sheets = ScoreSheet.objects.filter(dossier__round=round_2024).select_related("member__user")
    assert sheets.count() == 5 * 7 - 2  # one conflict of interest, with the producer of two of the products
    for sheet in sheets:
        assert sheet.status == SheetStatus.SUBMITTED
        assert timezone.localdate(sheet.submitted_at) <= round_2024.district_deadline
        assert sheet.total == sum(sheet.choices.values())
        entry = AuditEntry.objects.filter(
            content_type__model="scoresheet", object_id=sheet.pk, action="sheet.submitted"
        ).latest("created_at")
        assert entry.actor == sheet.member.user
    council = dict(round_2024.council.values_list("user__username", "role"))
    assert council == {
        "chutich": CouncilRole.CHAIR,
        **{f"hoidong{i}": CouncilRole.MEMBER for i in range(1, 7)},
        "thuky": CouncilRole.SECRETARY,
    }
    assert any(sheet.comment for sheet in sheets)
    for result in Result.objects.filter(dossier__round=round_2024):
        assert not result.blocking
        assert result.sheet_count == result.expected_count


@pytest.mark.django_db
def test_2024_cases(round_2024):
    # a plain 3★: mean 50–69.99, every 3★ mark met, no flag
    plain = _result("Trà hoa vàng đông trùng túi lọc")
    assert Decimal(50) <= plain.mean < Decimal(70)
    assert plain.star == plain.band_star == 3
    assert not [m for m in plain.failed_marks if m["star"] == 3]
    assert plain.flags == []

    # a mean ≥ 70 kept at 3★ by a failed 4★ mark, listed on the result
    kept = _result("Đông trùng hạ thảo khô")
    assert kept.mean >= Decimal(70) and kept.band_star == 4 and kept.star == 3
    failed = [(m["star"], m["criterion"]) for m in kept.failed_marks]
    assert (4, "1d") in failed and not [s for s, _c in failed if s == 3]

    # 4★ band with every mark met: forwarded, and the province's 4★ recorded
    forwarded = _result("Trà hoa vàng")
    assert forwarded.mean >= Decimal(70) and forwarded.star == 4
    assert not [m for m in forwarded.failed_marks if m["star"] <= 4]  # only 5★ marks are missed
    assert (forwarded.province_result_star, forwarded.province_decision) == (4, "1234/QĐ-UBND")
    assert forwarded.province_decision_date.year == 2024
    assert Recognition.objects.get(dossier=forwarded.dossier).star == 3  # the district recognises up to 3★

    # a spread accepted by the chair in writing
    spread = _result("Rượu đông trùng hạ thảo")
    assert "spread" in spread.flags and spread.spread > 10
    assert spread.resolution.startswith("Thành viên") and spread.resolved_by.username == "chutich"
    assert spread.star == 3 and Decimal(50) <= spread.mean < Decimal(70)

    # a spread settled by reopening the outlier's sheet; the first version is kept
    rescored = _result("Mật ong đông trùng hạ thảo")
    assert "spread" not in rescored.flags and rescored.spread <= 10 and rescored.star == 3
    revision = SheetRevision.objects.get(sheet__dossier=rescored.dossier)
    assert revision.sheet.member.user.username == "hoidong5"
    assert revision.reopened_by.username == "thuky" and revision.reason
    assert revision.total < revision.sheet.total
    assert revision.sheet.reopen_count == 1 and revision.sheet.status == SheetStatus.SUBMITTED
    others = ScoreSheet.objects.filter(dossier=rescored.dossier).exclude(pk=revision.sheet.pk)
    assert max(others.values_list("total", flat=True)) - revision.total > 10

    # the conflicted member has no sheet for that producer's dossier
    conflict = ConflictOfInterest.objects.select_related("member__user", "producer").get(member__round=round_2024)
    assert conflict.member.user.username == "hoidong6" and conflict.note
    assert not ScoreSheet.objects.filter(member=conflict.member, dossier__product__producer=conflict.producer).exists()
    assert ScoreSheet.objects.filter(member=conflict.member).count() == 3
    for excused in (forwarded, plain):  # Trà hoa vàng and its tea bags: the same cooperative
        assert excused.dossier.product.producer == conflict.producer and excused.expected_count == 6
    assert kept.expected_count == 7


@pytest.mark.django_db
def test_unverified_criteria_sets_were_checked(round_2024):
    used = CriteriaSet.objects.filter(products__dossiers__round=round_2024).distinct()
    assert used.filter(verified=False).exists()  # set 12
    for criteria_set in used:
        assert criteria_set.usable
        if not criteria_set.verified:
            assert criteria_set.confirmed_by.username == "thuky"


@pytest.mark.django_db
def test_current_round_in_scoring(current_round):
    today = timezone.localdate()
    assert current_round.stage == RoundStage.SCORING
    assert current_round.district_deadline > today
    assert not current_round.scoring_closed()
    own = ScoreSheet.objects.filter(dossier__round=current_round, member__user__username="hoidong1")
    assert own.count() == 2
    assert set(own.values_list("status", flat=True)) == {SheetStatus.DRAFT}
    assert own.exclude(choices={}).count() == 1  # half filled
    submitted = ScoreSheet.objects.filter(dossier__round=current_round, status=SheetStatus.SUBMITTED)
    assert set(submitted.values_list("member__user__username", flat=True)) == {"hoidong2", "hoidong3", "hoidong4"}
    for sheet in submitted:
        assert current_round.scoring_started_at <= sheet.submitted_at <= timezone.now()
    for result in Result.objects.filter(dossier__round=current_round):
        assert result.sheet_count == 3 and result.mean is not None
        assert "quorum" in result.flags
