"""Producers after the 2025 reorganisation: "trước đây" on their pages, search by the old or the new commune, and
the office's review of producers whose former commune was split."""

import pytest
from django.urls import reverse

from ocop import units
from ocop.enums import UnitKind
from ocop.models import AuditEntry
from ocop.tests.factories import CommuneFactory
from products.models import Producer, UnitChoice
from products.tests.factories import DossierFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db

FORMERLY_THANH_LAM = "trước đây: Xã Thanh Lâm, Huyện Lục Nam, Tỉnh Bắc Giang"


@pytest.fixture
def bao_dai(authority):
    return CommuneFactory(authority=authority, name="Bảo Đài", slug="bao-dai", code="07462")


@pytest.fixture
def moved(bao_dai):
    """A producer of former Thanh Lâm, now in Bảo Đài."""
    former = units.record_former_unit("Thanh Lâm", "Huyện Lục Nam", "Tỉnh Bắc Giang", successor=bao_dai)
    producer = ProducerFactory(commune=bao_dai, former_unit=former, name="Hợp tác xã Mật ong Hùng Cường")
    ProductFactory(producer=producer, commune=bao_dai, name="Mật ong rừng Hùng Cường")
    return producer


@pytest.fixture
def parts(authority):
    return (
        CommuneFactory(authority=authority, name="Đường An", slug="duong-an", code="11020"),
        CommuneFactory(authority=authority, name="Thượng Hồng", slug="thuong-hong", code="11050"),
    )


@pytest.fixture
def split_producer(parts, round_open):
    """A producer of Tân Hồng, split between Đường An (the package's default, provisional) and Thượng Hồng."""
    former = units.record_former_unit(
        "Tân Hồng", "Huyện Bình Giang", "Tỉnh Hải Dương", kind=UnitKind.COMMUNE, candidates=list(parts)
    )
    producer = ProducerFactory(commune=parts[0], former_unit=former, name="Tổ hợp tác gạo nếp Tân Hồng")
    DossierFactory(product__producer=producer, product__commune=parts[0], commune=parts[0], round=round_open)
    return producer


def html(response):
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------- pages
def test_producer_and_product_pages_show_the_new_commune_and_the_former_one(moved, district_officer, client_for):
    client = client_for(district_officer)
    page = html(client.get(reverse("products:producer_detail", args=[moved.pk])))
    assert "xã Bảo Đài" in page and FORMERLY_THANH_LAM in page
    assert "chờ xác định xã" not in page
    product = moved.products.get()
    page = html(client.get(reverse("products:product_detail", args=[product.pk])))
    assert "xã Bảo Đài" in page and FORMERLY_THANH_LAM in page


def test_a_producer_of_a_split_commune_is_marked_until_the_office_chooses(split_producer, district_officer, client_for):
    client = client_for(district_officer)
    page = html(client.get(reverse("products:producer_detail", args=[split_producer.pk])))
    assert "trước đây: Xã Tân Hồng, Huyện Bình Giang, Tỉnh Hải Dương" in page
    assert "chờ xác định xã" in page


# ---------------------------------------------------------------------------------------------------- search
@pytest.mark.parametrize("query", ["Thanh Lâm", "thanh lam", "Bảo Đài", "bao dai"])
def test_search_by_the_old_or_the_new_commune_finds_the_same_producer(
    moved, query, district_officer, client_for, round_open
):
    DossierFactory(product=moved.products.get(), commune=moved.commune, round=round_open)
    ProducerFactory(name="Hợp tác xã Chè Yên Sơn")  # elsewhere: never found
    client = client_for(district_officer)
    for url, expected in (
        ("products:producer_list", moved.name),
        ("products:product_list", "Mật ong rừng Hùng Cường"),
        ("products:dossier_list", "Mật ong rừng Hùng Cường"),
    ):
        response = client.get(reverse(url), {"q": query})
        page = html(response)
        assert expected in page, (url, query)
        assert "Chè Yên Sơn" not in page
        assert response.context["page"].paginator.count == 1, (url, query)


def test_search_by_commune_keeps_the_query_count_flat(bao_dai, district_officer, client_for, authority):
    client = client_for(district_officer)
    former = units.record_former_unit("Thanh Lâm", "Huyện Lục Nam", "Tỉnh Bắc Giang", successor=bao_dai)

    def count(n):
        for i in range(n):
            ProducerFactory(commune=bao_dai, former_unit=former, name=f"Chủ thể {Producer.objects.count()} {i}")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("products:producer_list"), {"q": "Thanh Lâm"})
        assert response.status_code == 200
        return len(queries), response.context["page"].paginator.count

    few = count(2)
    many = count(12)
    assert (few[1], many[1]) == (2, 14)
    assert many[0] == few[0]


# ---------------------------------------------------------------------------------------------------- review
def test_office_sees_the_producers_that_need_a_choice(split_producer, moved, district_officer, client_for):
    response = client_for(district_officer).get(reverse("products:units_review"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["producer"] for row in rows] == [split_producer]  # the unsplit one needs nothing
    page = html(response)
    assert "Xã bị chia tách" in page and "Tổ hợp tác gạo nếp Tân Hồng" in page
    assert "Đường An" in page and "Thượng Hồng" in page
    assert f'href="{reverse("products:units_review")}"' in page  # in the office's menu


@pytest.mark.parametrize(
    "persona",
    ["secretary", "chair", "council_member", "finance_officer", "sysadmin", "commune_official"],
    indirect=True,
)
def test_other_roles_cannot_open_the_review_nor_see_its_link(persona, split_producer, client_for, parts):
    client = client_for(persona)
    url = reverse("products:units_review")
    assert client.get(url).status_code == 403
    post = client.post(
        reverse("products:producer_choose_unit", args=[split_producer.pk]),
        {f"p{split_producer.pk}-commune": parts[1].pk, f"p{split_producer.pk}-reason": "x"},
    )
    assert post.status_code in (403, 404)
    assert url not in html(client.get(reverse("home")))
    split_producer.refresh_from_db()
    assert split_producer.commune == parts[0] and not UnitChoice.objects.exists()


def test_anonymous_is_sent_to_login(client, split_producer):
    response = client.get(reverse("products:units_review"))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_the_office_chooses_and_the_producer_its_products_and_dossiers_move(
    split_producer, parts, district_officer, client_for
):
    client = client_for(district_officer)
    url = reverse("products:producer_choose_unit", args=[split_producer.pk])
    data = {f"p{split_producer.pk}-commune": parts[1].pk, f"p{split_producer.pk}-reason": "Thôn Bùi nay thuộc xã"}
    response = client.post(url, data)
    assert response.status_code == 302
    split_producer.refresh_from_db()
    assert split_producer.commune == parts[1]
    assert set(split_producer.products.values_list("commune", flat=True)) == {parts[1].pk}
    assert {d.commune_id for p in split_producer.products.all() for d in p.dossiers.all()} == {parts[1].pk}
    choice = UnitChoice.objects.get(producer=split_producer)
    assert (choice.commune, choice.reason, choice.chosen_by) == (parts[1], "Thôn Bùi nay thuộc xã", district_officer)
    entry = AuditEntry.objects.get(action="producer.unit_chosen")
    assert entry.changes["commune"] == ["xã Đường An", "xã Thượng Hồng"]
    # Idempotent: the same POST again changes nothing.
    client.post(url, data)
    assert AuditEntry.objects.filter(action="producer.unit_chosen").count() == 1
    # Off the review list; no longer marked on its page.
    assert client.get(reverse("products:units_review")).context["rows"] == []
    assert "chờ xác định xã" not in html(client.get(reverse("products:producer_detail", args=[split_producer.pk])))


def test_a_bad_choice_keeps_what_was_typed_and_changes_nothing(split_producer, parts, district_officer, client_for):
    client = client_for(district_officer)
    elsewhere = CommuneFactory(authority=parts[0].authority, name="Yên Định", slug="yen-dinh")
    url = reverse("products:producer_choose_unit", args=[split_producer.pk])
    for commune in ("", elsewhere.pk):
        response = client.post(
            url, {f"p{split_producer.pk}-commune": commune, f"p{split_producer.pk}-reason": "Theo biên bản xã"}
        )
        assert response.status_code == 400
        page = html(response)
        assert "Hãy chọn xã hiện nay." in page
        assert 'value="Theo biên bản xã"' in page
    response = client.post(url, {f"p{split_producer.pk}-commune": parts[1].pk, f"p{split_producer.pk}-reason": ""})
    assert response.status_code == 400 and "Hãy ghi căn cứ chọn xã." in html(response)
    split_producer.refresh_from_db()
    assert split_producer.commune == parts[0] and not UnitChoice.objects.exists()


def test_a_producer_of_an_unsplit_commune_has_nothing_to_choose(moved, bao_dai, district_officer, client_for):
    response = client_for(district_officer).post(
        reverse("products:producer_choose_unit", args=[moved.pk]),
        {f"p{moved.pk}-commune": bao_dai.pk, f"p{moved.pk}-reason": "x"},
    )
    assert response.status_code == 404
    assert not UnitChoice.objects.exists()


def test_review_page_query_count_does_not_grow_with_rows(parts, district_officer, client_for, authority):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    former = units.record_former_unit("Tân Hồng", "Huyện Bình Giang", "Tỉnh Hải Dương", candidates=list(parts))
    client = client_for(district_officer)

    def count(n):
        ProducerFactory.create_batch(n, commune=parts[0], former_unit=former)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("products:units_review"))
        assert response.status_code == 200
        return len(queries)

    assert count(2) == count(10)
