"""The home of each role (moved from ocop: the home reads every app, so it lives in insights)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone


# ---------------------------------------------------------------- home
@pytest.mark.parametrize(
    ("persona", "expected_text", "absent_text"),
    [
        ("district_officer", "Kiểm tra hồ sơ đã nộp", "Chấm điểm từng sản phẩm"),
        ("secretary", "Kiểm tra hồ sơ đã nộp", "Duyệt các khoản hỗ trợ"),
        ("council_member", "Chấm điểm từng sản phẩm", "Kiểm tra hồ sơ đã nộp"),
        ("chair", "Phê duyệt kết quả của đợt", "Đăng ký chủ thể"),
        ("commune_official", "Đăng ký chủ thể và sản phẩm của xã Thanh Lâm", "Chấm điểm từng sản phẩm"),
        ("finance_officer", "Duyệt các khoản hỗ trợ", "Kiểm tra hồ sơ đã nộp"),
    ],
    indirect=["persona"],
)
def test_home_shows_each_role_its_work_in_vietnamese(client_for, persona, expected_text, absent_text):
    response = client_for(persona).get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert expected_text in html
    assert absent_text not in html


def test_home_shows_plan_targets_and_budget_to_district(client_for, district_officer, authority):
    from evaluations.models import ProgrammeYear
    from funding.models import BudgetLine

    year = ProgrammeYear.objects.create(authority=authority, year=2024, target_new_products=7, target_reevaluations=2)
    BudgetLine.objects.create(year=year, name="Tuyên truyền", amount=Decimal("200000000"))
    html = client_for(district_officer).get(reverse("home")).content.decode()
    assert "Chương trình OCOP năm 2024" in html
    assert "200.000.000 ₫" in html


def test_home_hides_budget_from_council_member(client_for, council_member, authority):
    from evaluations.models import ProgrammeYear
    from funding.models import BudgetLine

    year = ProgrammeYear.objects.create(authority=authority, year=2024, target_new_products=7)
    BudgetLine.objects.create(year=year, name="Tuyên truyền", amount=Decimal("200000000"))
    html = client_for(council_member).get(reverse("home")).content.decode()
    assert "200.000.000" not in html
    assert "Kinh phí chương trình" not in html


def test_home_counts_the_members_open_sheets(client_for, make_user, authority):
    from evaluations.enums import RoundStage
    from evaluations.models import CouncilMember, ScoreSheet
    from ocop.enums import Role
    from products.tests.factories import CriteriaSetFactory, DossierFactory, RoundFactory

    member = make_user(Role.COUNCIL_MEMBER, username="tv-home")
    round_ = RoundFactory(year__authority=authority, stage=RoundStage.SCORING)
    seat = CouncilMember.objects.create(round=round_, user=member)
    for _ in range(2):
        dossier = DossierFactory(round=round_, product__producer__commune__authority=authority)
        ScoreSheet.objects.create(dossier=dossier, member=seat, criteria_set=CriteriaSetFactory())
    response = client_for(member).get(reverse("home"))
    sheets = response.context["sheets"]
    assert len(sheets["to_score"]) == 2
    assert sheets["done"] == []
    html = response.content.decode()
    assert html.count('data-testid="sheet-to-score"') == 2
    assert "Phiếu cần chấm" in html


def test_home_shows_recognitions_against_the_plans_targets(client_for, district_officer, authority):
    import datetime

    from evaluations.models import ProgrammeYear, Recognition, RecognitionDecision
    from products.tests.factories import DossierFactory, RoundFactory

    year = ProgrammeYear.objects.create(
        authority=authority, year=timezone.localdate().year, target_new_products=7, target_reevaluations=2
    )
    round_ = RoundFactory(year=year)
    decision = RecognitionDecision.objects.create(
        round=round_, number="1/QĐ", date=datetime.date.today(), signed_by="Lê Văn Thành"
    )
    for registration_type, star in [("moi", 3), ("moi", 3), ("danh_gia_lai", 3), ("moi", 2)]:
        dossier = DossierFactory(round=round_, registration_type=registration_type)
        Recognition.objects.create(decision=decision, dossier=dossier, star=star)
    response = client_for(district_officer).get(reverse("home"))
    assert response.context["progress"] == {"new": 2, "reevaluated": 1}
    html = response.content.decode()
    assert 'data-testid="progress-new">2/7<' in html
    assert 'data-testid="progress-reevaluated">1/2<' in html
