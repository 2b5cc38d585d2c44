"""The commune's receipt and 15 working days on the pages: the receive button, the clock on the dossier page, the
list and the commune's home, and the province's list of late checks (Decision 26/2026)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from ocop import audit
from products.enums import DossierStatus
from products.models import Dossier
from products.tests.factories import DossierFactory, ProducerFactory, known_regime
from products.tests.test_receipts import at
from programme.regimes import ensure_regimes

TODAY = datetime.date(2026, 5, 25)  # a Monday


@pytest.fixture
def frozen():
    with time_machine.travel(at(TODAY, hour=10), tick=False):
        yield


@pytest.fixture
def regime26(db):
    ensure_regimes()
    return known_regime("qd26-2026")


def make(commune, round_, regime, name, received=None, proposed=None):
    dossier = DossierFactory(
        product__producer=ProducerFactory(commune=commune), product__name=name, round=round_, regime=regime
    )
    if received:
        dossier.commune_received_at = at(received)
        dossier.commune_receipt_number = f"{dossier.pk}/PĐK-24-07420-2026"
    if proposed:
        dossier.status = DossierStatus.SUBMITTED
        dossier.submitted_at = dossier.province_received_at = at(proposed)
        dossier.submission_count = 1
        dossier.province_receipt_number = f"{dossier.pk}/PĐK-24-07420-2026"
    dossier.save()
    return dossier


# ---------------------------------------------------------------------------------------------------- receive
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("commune_official", 302),
        ("district_officer", 302),
        ("secretary", 302),
        ("sysadmin", 302),
        ("outsider_official", 404),  # another commune's dossier does not exist for them
        ("chair", 403),
        ("council_member", 403),
        ("finance_officer", 403),
    ],
    indirect=["persona"],
)
def test_receive_per_role(client_for, persona, status, commune, round_open, regime26, frozen):
    dossier = make(commune, round_open, regime26, "Bánh mật Thanh Lâm")
    response = client_for(persona).post(reverse("products:dossier_receive", args=[dossier.pk]))
    assert response.status_code == status
    dossier.refresh_from_db()
    assert bool(dossier.commune_receipt_number) == (status == 302)


def test_receive_is_post_only_and_a_second_post_changes_nothing(client_for, commune_official, dossier, regime26):
    dossier.regime = regime26
    dossier.save()
    client = client_for(commune_official)
    url = reverse("products:dossier_receive", args=[dossier.pk])
    assert client.get(url).status_code == 405
    client.post(url)
    dossier.refresh_from_db()
    number, received = dossier.commune_receipt_number, dossier.commune_received_at
    response = client.post(url, follow=True)
    dossier.refresh_from_db()
    assert (dossier.commune_receipt_number, dossier.commune_received_at) == (number, received)
    assert audit.history_for(dossier).filter(action="dossier.received").count() == 1
    assert "Hồ sơ này đã được ghi nhận tiếp nhận trước đó." in response.content.decode()


def test_dossier_page_offers_the_receipt_then_shows_number_and_clock(client_for, commune_official, dossier, regime26):
    dossier.regime = regime26
    dossier.save()
    client = client_for(commune_official)
    url = reverse("products:dossier_detail", args=[dossier.pk])
    with time_machine.travel(at(datetime.date(2026, 4, 24)), tick=False):
        page = client.get(url).content.decode()
        assert 'data-testid="receive"' in page and "Ghi nhận tiếp nhận hôm nay" in page
        client.post(reverse("products:dossier_receive", args=[dossier.pk]))
    dossier.refresh_from_db()
    with time_machine.travel(at(datetime.date(2026, 5, 15)), tick=False):  # Friday: 18, 19, 20 left
        page = client.get(url).content.decode()
        home = client.get(reverse("home")).content.decode()
        listing = client.get(reverse("products:dossier_list")).content.decode()
    assert 'data-testid="receive"' not in page
    assert f"Số tiếp nhận {dossier.commune_receipt_number}" in page
    assert dossier.commune_receipt_number.startswith("1/PĐK-")
    for html in (page, home, listing):
        assert "Hạn xã đánh giá: <strong>20/05/2026</strong>" in html
        assert "(còn 3 ngày làm việc)" in html


def test_old_regime_dossier_page_has_no_receipt_and_no_clock(client_for, commune_official, dossier):
    dossier.regime = known_regime("qd1489-2025")
    dossier.save()
    page = client_for(commune_official).get(reverse("products:dossier_detail", args=[dossier.pk])).content.decode()
    assert 'data-testid="receive"' not in page
    assert "Hạn xã đánh giá" not in page
    assert f"{dossier.round.commune_deadline:%d/%m/%Y} 23:59" in page  # the round's deadline, as before


# ---------------------------------------------------------------------------------------------------- late list
@pytest.fixture
def world(commune, other_commune, round_open, regime26):
    old = known_regime("qd1489-2025")
    april = datetime.date(2026, 4, 24)  # due Wednesday 20/05/2026
    return {
        "waiting": make(commune, round_open, regime26, "Chè Thanh Lâm", received=april),  # 21, 22, 25: 3 late
        "proposed_late": make(
            commune, round_open, regime26, "Mật ong Thanh Lâm", received=april, proposed=datetime.date(2026, 5, 22)
        ),  # 2 late
        "on_time": make(
            commune, round_open, regime26, "Gạo Thanh Lâm", received=april, proposed=datetime.date(2026, 5, 20)
        ),
        "recent": make(commune, round_open, regime26, "Nấm Thanh Lâm", received=datetime.date(2026, 5, 8)),
        "old_rules": make(commune, round_open, old, "Vải Thanh Lâm", received=april),
        "not_received": make(commune, round_open, regime26, "Miến Thanh Lâm"),
        "other": make(other_commune, round_open, regime26, "Mì Chũ Yên Sơn", received=datetime.date(2026, 4, 20)),
    }


def test_late_list_shows_exactly_the_late_ones(client_for, secretary, world, frozen):
    response = client_for(secretary).get(reverse("products:late_checks"))
    rows = [(d.product.name, d.check.late, d.check.done_on) for d in response.context["items"]]
    # 20/04 + 15 working days = 14/05: 15, 18, 19, 20, 21, 22, 25 → 7 late
    assert rows == [
        ("Mì Chũ Yên Sơn", 7, None),
        ("Chè Thanh Lâm", 3, None),
        ("Mật ong Thanh Lâm", 2, datetime.date(2026, 5, 22)),
    ]
    html = response.content.decode()
    assert "Chưa đề xuất" in html and "22/05/2026" in html and "20/05/2026" in html


def test_late_list_filters_by_commune(client_for, district_officer, world, other_commune, frozen):
    response = client_for(district_officer).get(reverse("products:late_checks"), {"commune": other_commune.pk})
    assert [d.product.name for d in response.context["items"]] == ["Mì Chũ Yên Sơn"]
    response = client_for(district_officer).get(reverse("products:late_checks"), {"commune": "x"})  # ignored
    assert len(response.context["items"]) == 3


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("district_officer", 200),
        ("secretary", 200),
        ("sysadmin", 200),
        ("chair", 403),
        ("council_member", 403),
        ("commune_official", 403),
        ("finance_officer", 403),
    ],
    indirect=["persona"],
)
def test_late_list_per_role_and_its_links(client_for, persona, status, world, frozen):
    client = client_for(persona)
    assert client.get(reverse("products:late_checks")).status_code == status
    link = reverse("products:late_checks")
    home = client.get(reverse("home")).content.decode()
    assert (link in home) == (status == 200)
    listing = client.get(reverse("products:dossier_list"))
    if listing.status_code == 200:
        assert (link in listing.content.decode()) == (status == 200)


def test_office_home_counts_the_late_checks(client_for, district_officer, world, frozen):
    response = client_for(district_officer).get(reverse("home"))
    assert response.context["late_checks"] == 3


def test_commune_home_flags_its_own_late_check(client_for, commune_official, world, frozen):
    response = client_for(commune_official).get(reverse("home"))
    tasks = {d.product.name: d for d in response.context["to_finish"]}
    assert tasks["Chè Thanh Lâm"].overdue and tasks["Chè Thanh Lâm"].check.late == 3
    assert not tasks["Nấm Thanh Lâm"].overdue
    assert "Mì Chũ Yên Sơn" not in tasks  # another commune's
    assert "quá hạn 3 ngày làm việc" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 6])
def test_late_list_query_count_is_flat(
    client_for, secretary, world, round_open, commune, regime26, extra, frozen, django_assert_max_num_queries
):
    for i in range(extra):
        make(commune, round_open, regime26, f"Sản phẩm trễ {i}", received=datetime.date(2026, 4, 1))
    client = client_for(secretary)
    client.get(reverse("products:late_checks"))
    # session, user; the office's calendar; the candidates; the page's rows; the authority (the level's word); the
    # communes of the filter
    with django_assert_max_num_queries(7):
        response = client.get(reverse("products:late_checks"))
    assert len(response.context["items"]) == 3 + extra
    assert Dossier.objects.count() == 7 + extra


def test_excel_export_carries_both_receipt_numbers(client_for, secretary, world, frozen):
    import io

    from openpyxl import load_workbook

    response = client_for(secretary).get(reverse("products:dossier_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    header = [str(h) for h in rows[0]]
    commune_col = header.index("Số phiếu tiếp nhận của xã")
    province_col = header.index("Số phiếu tiếp nhận của tỉnh")
    by_product = {row[0]: (row[commune_col], row[province_col]) for row in rows[1:]}
    late = world["proposed_late"]
    assert by_product["Mật ong Thanh Lâm"] == (late.commune_receipt_number, late.province_receipt_number)
    assert by_product["Mật ong Thanh Lâm"][0].startswith(f"{late.pk}/PĐK-")
    assert not any(by_product["Miến Thanh Lâm"])  # not received: both cells empty
