"""Small things on the public pages (issue 18, item 14): an empty certificate lookup says what to type; a product
without a photo gets no grey placeholder box on the catalogue."""

from django.test import Client
from django.urls import reverse

from evaluations.tests import test_certificates as shared

decision = shared.decision
noodles = shared.noodles
tea = shared.tea
tea_certificate = shared.tea_certificate


def test_an_empty_lookup_says_what_to_type(authority):
    for url in ("/tra-cuu-chung-nhan/?q=", "/tra-cuu-chung-nhan/?q=+++", "/tra-cuu-chung-nhan/"):
        response = Client().get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-testid="lookup-empty"' in html, url
        assert "Hãy nhập mã xác thực (20 ký tự dưới mã QR) hoặc số giấy chứng nhận" in html


def test_a_product_without_photo_has_no_placeholder_box(tea_certificate):
    assert not tea_certificate.product.photo
    html = Client().get(reverse("evaluations:public_catalogue")).content.decode()
    assert tea_certificate.product.name in html
    assert "nophoto" not in html
    card = html[html.index('data-testid="product"') :]
    link = card[card.index("<a ") : card.index("</a>")]
    assert "<img" not in link and "<span" in link  # only the name: nothing taller than a line of text
