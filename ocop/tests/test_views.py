"""Views of the shared core, per role: allowed, forbidden, and 404 for another commune's objects."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop import audit
from ocop.models import AuditEntry
from ocop.tests.factories import CommuneFactory


def test_pages_require_login(client, commune):
    for url in [reverse("home"), reverse("communes"), reverse("authority_settings")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


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


def test_navigation_is_role_aware(client_for, district_officer, council_member):
    district_html = client_for(district_officer).get(reverse("home")).content.decode()
    member_html = client_for(council_member).get(reverse("home")).content.decode()
    assert reverse("communes") in district_html
    assert reverse("communes") not in member_html
    assert reverse("authority_settings") not in member_html


# ---------------------------------------------------------------- communes
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("district_officer", 200),
        ("secretary", 200),
        ("chair", 200),
        ("finance_officer", 200),
        ("sysadmin", 200),
        ("council_member", 403),
        ("commune_official", 403),
    ],
    indirect=["persona"],
)
def test_commune_list_per_role(client_for, persona, status, commune, other_commune):
    response = client_for(persona).get(reverse("communes"))
    assert response.status_code == status
    if status == 200:
        assert "Thanh Lâm" in response.content.decode()
        assert "Yên Sơn" in response.content.decode()
    else:
        assert "Bạn không có quyền" in response.content.decode()


def test_commune_list_search(client_for, district_officer, commune, other_commune):
    html = client_for(district_officer).get(reverse("communes"), {"q": "Thanh"}).content.decode()
    assert "Thanh Lâm" in html
    assert "Yên Sơn" not in html


def test_commune_list_counts_active_officials(client_for, district_officer, commune, commune_official, make_user):
    from ocop.enums import Role

    make_user(Role.COMMUNE_OFFICIAL, commune=commune, is_active=False)
    response = client_for(district_officer).get(reverse("communes"))
    row = next(c for c in response.context["communes"] if c.pk == commune.pk)
    assert row.official_count == 1


@pytest.mark.parametrize("item_count", [1, 3])
def test_commune_list_query_count_does_not_grow(
    client_for, district_officer, authority, item_count, make_user, django_assert_num_queries
):
    from ocop.enums import Role

    for _ in range(item_count):
        c = CommuneFactory(authority=authority)
        make_user(Role.COMMUNE_OFFICIAL, commune=c)
    client = client_for(district_officer)
    client.get(reverse("communes"))  # warm the session
    with django_assert_num_queries(3):
        response = client.get(reverse("communes"))
    assert len(response.context["communes"]) == item_count


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("district_officer", 200),
        ("secretary", 200),
        ("finance_officer", 200),
        ("commune_official", 200),
        ("outsider_official", 404),
        ("council_member", 403),
    ],
    indirect=["persona"],
)
def test_commune_detail_per_role(client_for, persona, status, commune, commune_official):
    response = client_for(persona).get(reverse("commune_detail", args=[commune.slug]))
    assert response.status_code == status
    if status == 200:
        assert "xa-thanh-lam" in response.content.decode()
    if status == 404:
        assert "Không tìm thấy trang" in response.content.decode()


# ---------------------------------------------------------------- programme settings
@pytest.mark.parametrize(
    ("persona", "status", "editable"),
    [
        ("district_officer", 200, True),
        ("sysadmin", 200, True),
        ("secretary", 200, False),
        ("chair", 200, False),
        ("council_member", 403, False),
        ("commune_official", 403, False),
        ("finance_officer", 403, False),
    ],
    indirect=["persona"],
)
def test_settings_page_per_role(client_for, persona, status, editable, authority):
    response = client_for(persona).get(reverse("authority_settings"))
    assert response.status_code == status
    if status == 200:
        assert ('name="quorum_percent"' in response.content.decode()) is editable


def test_settings_post_saves_through_domain_and_audits(client_for, district_officer, authority):
    data = {
        "max_recognised_star": 3,
        "province_threshold": "70",
        "ministry_threshold": "90",
        "spread_threshold": "15",
        "quorum_percent": 75,
        "certificate_validity_months": 36,
        "certificate_number_format": "{seq:03d}/GCN-{authority}-{year}",
    }
    response = client_for(district_officer).post(reverse("authority_settings"), data, follow=True)
    authority.refresh_from_db()
    assert authority.spread_threshold == Decimal("15")
    assert "Đã lưu cấu hình chương trình." in response.content.decode()
    assert audit.history_for(authority).get().changes == {"spread_threshold": ["10", "15"]}


def test_settings_post_bad_input_keeps_values_with_vietnamese_message(client_for, district_officer, authority):
    data = {
        "max_recognised_star": 9,
        "province_threshold": "70",
        "ministry_threshold": "90",
        "spread_threshold": "12",
        "quorum_percent": 75,
        "certificate_validity_months": 36,
        "certificate_number_format": "{seq}/{unknown}",
    }
    response = client_for(district_officer).post(reverse("authority_settings"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đảm bảo giá trị này là nhỏ hơn hoặc bằng với 5" in html
    assert "Chỉ dùng {seq}, {authority} và {year}" in html
    assert 'value="12"' in html  # what the user typed is kept
    authority.refresh_from_db()
    assert authority.max_recognised_star == 3
    assert AuditEntry.objects.filter(action="authority.settings_updated").count() == 0


def test_settings_post_refused_for_read_only_role(client_for, secretary, authority):
    response = client_for(secretary).post(reverse("authority_settings"), {"quorum_percent": 10})
    assert response.status_code == 403
    authority.refresh_from_db()
    assert authority.quorum_percent == 75


# ---------------------------------------------------------------- history
def _history_url(obj):
    return reverse("history", args=[f"{obj._meta.app_label}.{obj._meta.model_name}", obj.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("district_officer", 200),
        ("secretary", 200),
        ("sysadmin", 200),
        ("commune_official", 200),
        ("outsider_official", 404),
        ("council_member", 403),
        ("finance_officer", 403),
    ],
    indirect=["persona"],
)
def test_history_of_a_commune_object_per_role(client_for, persona, status, commune_official):
    profile = commune_official.profile  # belongs to Thanh Lâm; its role grant is audited
    response = client_for(persona).get(_history_url(profile))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Thay đổi vai trò" in html
        assert "Cán bộ UBND xã" in html


def test_history_shows_readable_before_and_after(client_for, district_officer, authority):
    from ocop import domain

    domain.update_authority_settings(authority, by=district_officer, quorum_percent=80)
    html = client_for(district_officer).get(_history_url(authority)).content.decode()
    assert "Cập nhật cấu hình chương trình" in html
    assert "Túc số (phần trăm thành viên hội đồng): 75 → <strong>80</strong>" in html


def test_history_of_unlisted_model_is_404(client_for, district_officer):
    response = client_for(district_officer).get(reverse("history", args=["auth.user", district_officer.pk]))
    assert response.status_code == 404


# ---------------------------------------------------------------- errors
def test_unknown_page_is_a_friendly_vietnamese_404(client_for, district_officer):
    response = client_for(district_officer).get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


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
    assert response.context["sheets_to_score"] == 2
    assert "phiếu chấm đang chờ bạn" in response.content.decode()


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
