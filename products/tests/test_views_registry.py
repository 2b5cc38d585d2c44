"""Producer and product pages per role, scoping, search and bounded queries."""

import pytest
from django.urls import reverse

from products.models import Producer
from products.tests.factories import PNG_BYTES, ProducerFactory, ProductFactory

LIST_ROLES = [
    ("district_officer", 200),
    ("secretary", 200),
    ("chair", 200),
    ("finance_officer", 200),
    ("commune_official", 200),
    ("council_member", 403),
]


@pytest.mark.parametrize(("persona", "status"), LIST_ROLES, indirect=["persona"])
@pytest.mark.parametrize("url_name", ["products:producer_list", "products:product_list"])
def test_lists_per_role(client_for, persona, status, url_name, producer, other_producer):
    ProductFactory(producer=producer, name="Bánh mật Thanh Lâm")
    ProductFactory(producer=other_producer, name="Mì Chũ Yên Sơn")
    response = client_for(persona).get(reverse(url_name))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Thanh Lâm" in html
        is_commune = persona.username.startswith("xa-")
        assert ("Yên Sơn" in html) is (not is_commune)


@pytest.mark.parametrize("item_count", [1, 3])
# 6: session, user, count, page, and each filter select's choices once (commune, product group); the filter
# template used to ask each select for its length first (one COUNT more per select)
@pytest.mark.parametrize(("url_name", "queries"), [("products:producer_list", 6), ("products:product_list", 6)])
def test_registry_lists_query_count_does_not_grow(
    client_for, district_officer, commune, item_count, url_name, queries, django_assert_num_queries
):
    for _ in range(item_count):
        ProductFactory(producer=ProducerFactory(commune=commune))
    client = client_for(district_officer)
    client.get(reverse(url_name))
    with django_assert_num_queries(queries):
        response = client.get(reverse(url_name))
    assert len(response.context["page"]) == item_count


def test_search_ignores_accents_and_case(client_for, district_officer, producer, other_producer):
    ProductFactory(producer=producer, name="Bánh mật Thanh Lâm")
    ProductFactory(producer=other_producer, name="Đông trùng hạ thảo khô")
    client = client_for(district_officer)
    assert [p.name for p in client.get(reverse("products:product_list"), {"q": "banh mat"}).context["page"]] == [
        "Bánh mật Thanh Lâm"
    ]
    assert [p.name for p in client.get(reverse("products:product_list"), {"q": "DONG TRUNG"}).context["page"]] == [
        "Đông trùng hạ thảo khô"
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("district_officer", 200), ("finance_officer", 200), ("commune_official", 200), ("outsider_official", 404),
     ("council_member", 403)],
    indirect=["persona"],
)  # fmt: skip
def test_producer_and_product_detail_per_role(client_for, persona, status, producer):
    product = ProductFactory(producer=producer, name="Bánh mật Thanh Lâm")
    client = client_for(persona)
    assert client.get(reverse("products:producer_detail", args=[producer.pk])).status_code == status
    assert client.get(reverse("products:product_detail", args=[product.pk])).status_code == status


def test_commune_official_registers_producer_in_own_commune_only(client_for, commune_official, commune, other_commune):
    data = {
        "commune": other_commune.pk,  # ignored: the field is fixed to the official's commune
        "kind": "hop_tac_xa",
        "name": "HTX Nông nghiệp Thanh Lâm",
        "representative_name": "Hoàng Thị Vân",
        "representative_gender": "nu",
        "representative_ethnicity": "Tày",
        "address": "Thôn Sơn Đình 1",
        "phone": "0912345678",
        "registration_number": "2400123456",
        "email": "",
    }
    response = client_for(commune_official).post(reverse("products:producer_create"), data, follow=True)
    producer = Producer.objects.get(name="HTX Nông nghiệp Thanh Lâm")
    assert producer.commune == commune
    assert producer.is_woman_or_minority_led is True
    assert "Đã đăng ký chủ thể “HTX Nông nghiệp Thanh Lâm”." in response.content.decode()


def test_producer_form_keeps_input_on_error(client_for, commune_official):
    response = client_for(commune_official).post(
        reverse("products:producer_create"),
        {"kind": "hop_tac_xa", "name": "HTX Mới", "representative_name": "", "address": "Thôn 3", "phone": "123"},
    )
    html = response.content.decode()
    assert 'value="HTX Mới"' in html
    assert "Nhập số điện thoại Việt Nam" in html
    assert "Trường này là bắt buộc." in html
    assert not Producer.objects.filter(name="HTX Mới").exists()


@pytest.mark.parametrize(("persona", "status"), [("commune_official", 200), ("outsider_official", 404)],
                         indirect=["persona"])  # fmt: skip
def test_product_photo_is_served_only_to_permitted_users(client_for, persona, status, producer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    product = ProductFactory(producer=producer)
    product.photo.save("anh.png", SimpleUploadedFile("anh.png", PNG_BYTES))
    response = client_for(persona).get(reverse("products:product_photo", args=[product.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PNG_BYTES
