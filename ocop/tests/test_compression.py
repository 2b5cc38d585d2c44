"""Page HTML is sent gzip-compressed when the browser asks, only where that opens no BREACH oracle (issue 18,
item 13; ``ocop/compression.py``, docs/security.md)."""

import gzip

import pytest
from django.test import Client

from ocop.enums import Role
from products.tests.factories import DossierFactory, ProducerFactory, RoundFactory

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def dossier(authority, commune):
    return DossierFactory(
        product__producer=ProducerFactory(commune=commune, name="HTX Thanh Lâm"),
        product__name="Bánh mật Thanh Lâm",
        round=RoundFactory(year__authority=authority),
    )


def _html(response):
    body = gzip.decompress(response.content) if response.get("Content-Encoding") == "gzip" else response.content
    return body.decode()


@pytest.mark.django_db
def test_a_public_page_comes_gzip_encoded_when_asked(authority):
    response = Client().get("/san-pham-ocop/?q=banh", **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = _html(response)
    assert "<html" in html and "banh" in html  # the reflected search, next to no secret
    assert len(response.content) < len(html.encode()) / 2

    plain = Client().get("/san-pham-ocop/?q=banh")  # a browser that does not ask gets plain HTML
    assert not plain.has_header("Content-Encoding")
    assert "<html" in plain.content.decode()


@pytest.mark.django_db
def test_a_signed_in_page_without_query_is_compressed(make_user, dossier, client_for):
    officer = make_user(Role.DISTRICT_OFFICE)
    response = client_for(officer).get("/ho-so/", **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Bánh mật Thanh Lâm" in _html(response)


@pytest.mark.django_db
def test_a_signed_in_page_reflecting_a_query_is_not_compressed(make_user, dossier, client_for):
    officer = make_user(Role.DISTRICT_OFFICE)
    response = client_for(officer).get("/ho-so/?q=secret-guess", **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert "secret-guess" in response.content.decode()  # reflected: exactly why it stays uncompressed


@pytest.mark.django_db
def test_a_form_sent_back_after_a_post_is_not_compressed(make_user, client_for, commune):
    officer = make_user(Role.DISTRICT_OFFICE)
    response = client_for(officer).post("/chu-the/them/", {"name": "Tên gõ vào"}, **GZIP)
    assert response.status_code == 200  # refused: the form comes back with what was typed and a CSRF token
    assert "Tên gõ vào" in response.content.decode()
    assert not response.has_header("Content-Encoding")


@pytest.mark.django_db
def test_the_csrf_token_differs_in_every_compressed_response(authority):
    """The one secret on a public page is masked afresh per response, so a guess can never match it twice."""
    client = Client()
    tokens = set()
    for _ in range(3):
        html = _html(client.get("/dang-nhap/", **GZIP))
        start = html.index('name="csrfmiddlewaretoken" value="') + len('name="csrfmiddlewaretoken" value="')
        tokens.add(html[start : html.index('"', start)])
    assert len(tokens) == 3
