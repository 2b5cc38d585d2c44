"""Views of the shared core, per role: allowed, forbidden, and 404 for another commune's objects."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ocop import audit
from ocop.models import AuditEntry
from ocop.tests.factories import CommuneFactory


def test_pages_require_login(client, commune):
    for url in [reverse("home"), reverse("communes"), reverse("authority_settings")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


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
        "level": "district",
        "name": authority.name,
        "short_name": authority.short_name,
        "code": authority.code,
        "province": authority.province,
        "province_code": "",
        "product_code_format": authority.product_code_format,
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
        "level": "district",
        "name": authority.name,
        "short_name": authority.short_name,
        "code": authority.code,
        "province": authority.province,
        "product_code_format": authority.product_code_format,
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
