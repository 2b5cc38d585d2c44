"""A form sent without a valid CSRF token gets the site's own page, in the user's language (issue 18, item 5).

Django's default page is English and carries an inline ``<style>`` that the content policy blocks.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ocop.tests.test_every_page_vi import WORD_RE
from ocop.tests.test_templates_csp import problems


def _csrf_client(user=None, language=None):
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<[^>]*lang="en"[^>]*>.*?</[a-z]+>', " ", html, flags=re.S)  # the language switch
    return re.sub(r"<[^>]+>", " ", html)


def test_a_form_sent_without_its_token_gets_the_vietnamese_page(commune_official, commune):
    page = reverse("products:producer_create")
    response = _csrf_client(commune_official).post(page, {"name": "HTX Chè"}, HTTP_REFERER=f"http://testserver{page}")
    html = response.content.decode()
    assert response.status_code == 403
    assert response["Content-Language"] == "vi"
    assert "Trang đã quá hạn nên chưa lưu được" in html
    assert "Tải lại trang" in html
    assert "phiên đăng nhập" in html  # says the session may have expired
    assert f'href="http://testserver{page}"' in html  # "reload" goes back to the form's page
    assert 'href="/static/css/app.css"' in html or "css/app" in html  # the site's layout and static CSS
    assert "CSRF verification failed" not in html
    assert WORD_RE.findall(_visible_text(html)) == []
    assert problems(html) == []  # nothing the content policy would block


def test_the_page_speaks_english_to_who_chose_english(commune_official, commune):
    response = _csrf_client(commune_official, "en").post(reverse("products:producer_create"), {"name": "HTX Chè"})
    html = response.content.decode()
    assert response.status_code == 403
    assert response["Content-Language"] == "en"
    assert "The page had expired, so nothing was saved" in html
    assert "Reload the page" in html
    assert "session may have expired" in html
    assert problems(html) == []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_login_form_without_its_token_offers_to_sign_in(db, language):
    response = _csrf_client(language=language).post(reverse("login"), {"username": "a", "password": "b"})
    html = response.content.decode()
    assert response.status_code == 403
    assert ("Đăng nhập" if language == "vi" else "Sign in") in html
    assert ("Trang đã quá hạn" if language == "vi" else "The page had expired") in html
    # No Referer: "reload" is the page the form was sent to.
    assert f'href="{reverse("login")}"' in html
