"""Odd input is answered at the edge with 400 or a form error, never a server error (issue 14, point 3).

The full sweep over every URL, form and role is ``test_url_sweep.py``; these are the cases the probe found.
"""

import pytest
from django.urls import reverse

from ocop.security import OddInputMiddleware, parse_id


def test_parse_id_takes_ascii_digits_only():
    assert parse_id("42") == 42
    assert parse_id(" 7 ") == 7
    for odd in ("²", "٣", "abc", "", None, "-1", "1e3", "9" * 40, "\x00"):
        assert parse_id(odd) is None, odd


def test_nul_byte_in_the_search_box_is_a_400_in_vietnamese(client_for, district_officer):
    response = client_for(district_officer).get(reverse("communes"), {"q": "\x00"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Không đọc được yêu cầu" in html
    assert "Traceback" not in html


@pytest.mark.parametrize("field", ["reason", "comment", "note"])
def test_nul_byte_in_a_posted_text_is_a_400(client_for, secretary, field, commune):
    response = client_for(secretary).post(reverse("communes"), {field: "lý do\x00"})
    assert response.status_code == 400


def test_very_long_values_are_refused(rf):
    middleware = OddInputMiddleware(lambda request: None)
    assert middleware.problem(rf.get("/", {"q": "x" * 20_001})) == "length"
    assert middleware.problem(rf.get("/", {"q": "x" * 20_000})) is None
    assert middleware.problem(rf.post("/", {"reason": "a\x00b"})) == "nul"
    assert middleware.problem(rf.post("/", {"comment": "Bình thường, có dấu ²"})) is None


def test_superscript_digit_as_a_council_member_id_is_no_server_error(client_for, secretary, commune):
    from products.tests.factories import RoundFactory

    round_ = RoundFactory(year__authority=commune.authority)
    client = client_for(secretary)
    for value in ("²", "abc", "9" * 40):
        response = client.post(reverse("evaluations:council", args=[round_.pk]), {"action": "remove", "member": value})
        assert response.status_code == 404, value


def test_superscript_digit_as_a_member_to_assign_is_ignored(client_for, secretary, commune):
    from products.enums import DossierStatus
    from products.tests.factories import DossierFactory, RoundFactory

    dossier = DossierFactory(
        product__producer__commune=commune, round=RoundFactory(year__authority=commune.authority),
        status=DossierStatus.ACCEPTED,
    )  # fmt: skip
    response = client_for(secretary).post(
        reverse("evaluations:assign", args=[dossier.pk]), {"members": ["²", "abc", "1"]}
    )
    assert response.status_code in (302, 404)


def test_a_huge_user_name_on_the_login_page_is_an_ordinary_failure(client, db):
    response = client.post(reverse("login"), {"username": "x" * 5000, "password": "y" * 5000})
    from axes.models import AccessAttempt

    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()  # "enter a correct user name and password"
    assert AccessAttempt.objects.get().username == "x" * 150  # counted, bounded
