import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from ocop.enums import Role


@pytest.fixture
def officer(make_user):
    return make_user(Role.DISTRICT_OFFICE, username="login-user")


def test_login_with_correct_password_opens_home(client, officer):
    response = client.post(reverse("login"), {"username": "login-user", "password": "pw-for-tests"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert int(client.session[SESSION_KEY]) == officer.pk


def test_login_wrong_password_says_so_in_vietnamese_and_keeps_username(client, officer):
    response = client.post(reverse("login"), {"username": "login-user", "password": "wrong"})
    html = response.content.decode()
    assert SESSION_KEY not in client.session
    assert "Vui lòng điền vào" in html  # Django's Vietnamese catalogue
    assert 'value="login-user"' in html


def test_inactive_user_cannot_log_in(client, officer):
    officer.is_active = False
    officer.save()
    response = client.post(reverse("login"), {"username": "login-user", "password": "pw-for-tests"})
    assert SESSION_KEY not in client.session
    assert response.status_code == 200


def test_logout_is_post_only(client_for, officer):
    client = client_for(officer)
    assert client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_password_change(client_for, officer):
    client = client_for(officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw-for-tests", "new_password1": "Lua-nep-2024!", "new_password2": "Lua-nep-2024!"},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Lua-nep-2024!")


def test_password_change_rejects_mismatch_in_vietnamese(client_for, officer):
    response = client_for(officer).post(
        reverse("password_change"),
        {"old_password": "pw-for-tests", "new_password1": "Lua-nep-2024!", "new_password2": "khac-2024!"},
    )
    assert "Hai trường mật khẩu không giống nhau" in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password("pw-for-tests")
