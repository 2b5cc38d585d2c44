"""Login protection (django-axes), password reset by email, sessions, CSP and /healthz (issue 14, points 1, 2, 10)."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from ocop import lockouts
from ocop.enums import Role
from ocop.models import AuditEntry

PASSWORD = "pw-for-tests"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def officer(make_user):
    return make_user(Role.DISTRICT_OFFICE, username="phongnn", email="phongnn@example.vn")


def _login(client, username, password, **fields):
    return client.post(reverse("login"), {"username": username, "password": password, **fields})


def test_thirty_wrong_passwords_then_the_right_one_is_refused_with_the_wait_in_vietnamese(officer, settings):
    client = Client()
    statuses = [_login(client, "phongnn", f"wrong-{i}").status_code for i in range(30)]
    # The first failures answer the form again; from the limit on, the lockout page (429).
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT :]) == {429}
    response = _login(client, "phongnn", PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert "Thử lại sau 15 phút" in html
    assert "Too many" not in html


def test_lockout_by_address_covers_other_user_names(make_user, settings):
    make_user(Role.SECRETARIAT, username="thuky")
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": f"guess-{i}", "password": "x"})
    response = client.post(reverse("login"), {"username": "thuky", "password": PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    # Another address logs in as thuky normally (the user name itself was never failed 5 times).
    other = Client(REMOTE_ADDR="198.51.100.9")
    other.post(reverse("login"), {"username": "thuky", "password": PASSWORD})
    assert SESSION_KEY in other.session


def test_admin_login_is_protected_too(make_user, settings):
    make_user(Role.SYSADMIN, username="admin", is_staff=True, is_superuser=True)
    client = Client()
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "admin", "password": "nope"})
    response = client.post(url, {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert "Thử lại sau" in response.content.decode()


def test_sysadmin_unlocks_a_user_and_it_is_audited(officer, sysadmin, settings):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "phongnn", f"wrong-{i}")
    assert lockouts.is_locked("phongnn")
    with pytest.raises(PermissionDenied):
        lockouts.unlock_user(officer, by=officer)  # only a system administrator
    assert lockouts.unlock_user(officer, by=sysadmin) is True
    assert lockouts.unlock_user(officer, by=sysadmin) is False  # idempotent
    assert not AccessAttempt.objects.filter(username="phongnn").exists()
    entry = AuditEntry.objects.get(action="user.login_unlocked")
    assert entry.actor == sysadmin
    assert entry.changes == {"failed_logins": [settings.AXES_FAILURE_LIMIT, 0]}
    _login(client, "phongnn", PASSWORD)
    assert int(client.session[SESSION_KEY]) == officer.pk


def test_admin_action_unlocks_through_the_audited_function(officer, make_user, settings):
    admin_user = make_user(Role.SYSADMIN, username="root", is_staff=True, is_superuser=True)
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "phongnn", f"wrong-{i}")
    admin_client = Client()
    admin_client.force_login(admin_user)
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock_logins", "_selected_action": [officer.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not lockouts.is_locked("phongnn")
    assert AuditEntry.objects.filter(action="user.login_unlocked", actor=admin_user).count() == 1
    # The attempts list in the admin offers no plain delete (it would bypass the audit).
    _login(Client(), "phongnn", "wrong-again")
    page = admin_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "delete_selected" not in page
    assert "unlock_addresses" in page


def test_password_reset_sends_a_link_that_works_and_starts_with_public_base_url(officer, settings):
    settings.PUBLIC_BASE_URL = "https://ocop.lucnam.gov.vn"
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "PhongNN@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Đặt lại mật khẩu" in mail.outbox[0].subject or "mật khẩu" in mail.outbox[0].subject
    link = re.search(r"https://ocop\.lucnam\.gov\.vn(/quen-mat-khau/\S+/)", body)
    assert link, body
    assert "testserver" not in body  # never the Host header of the request
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": "Mat-khau-moi-2026!", "new_password2": "Mat-khau-moi-2026!"})
    assert done.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Mat-khau-moi-2026!")


def test_password_reset_for_an_unknown_address_reads_the_same_and_sends_nothing(officer):
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.vn"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_reset_is_rate_limited(officer, settings):
    client = Client()
    for _ in range(settings.PASSWORD_RESET_RATE_PER_HOUR):
        assert client.post(reverse("password_reset"), {"email": "phongnn@example.vn"}).status_code == 302
    response = client.post(reverse("password_reset"), {"email": "phongnn@example.vn"})
    assert response.status_code == 200
    assert "Quá nhiều yêu cầu" in response.content.decode()
    assert len(mail.outbox) == settings.PASSWORD_RESET_RATE_PER_HOUR


def test_session_ends_at_browser_close_unless_remember_me(officer, settings):
    client = Client()
    _login(client, "phongnn", PASSWORD)
    assert client.session.get_expire_at_browser_close() is True
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    remembered = Client()
    _login(remembered, "phongnn", PASSWORD, remember="on")
    assert remembered.session.get_expire_at_browser_close() is False
    assert remembered.session.get_expiry_age() == 8 * 3600 == settings.SESSION_COOKIE_AGE


def test_session_expires_after_idle_time(officer, settings):
    import time_machine

    client = Client()
    with time_machine.travel("2026-03-02 08:00 +0700", tick=False) as traveller:
        _login(client, "phongnn", PASSWORD, remember="on")
        traveller.shift(7 * 3600)  # active again after 7 hours: the expiry slides
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(7 * 3600)
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(8 * 3600 + 60)  # idle longer than 8 hours
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_pages_carry_a_strict_content_security_policy(client, officer):
    client.force_login(officer)
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_healthz_answers_only_status_to_anonymous_outsiders(client, officer, commune_official):
    outside = {"REMOTE_ADDR": "203.0.113.5"}
    assert client.get(reverse("healthz"), **outside).json() == {"status": "ok"}
    # A local probe that came through a proxy is an outsider too.
    proxied = client.get(reverse("healthz"), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5").json()
    assert proxied == {"status": "ok"}
    # A commune official is not staff for this purpose.
    client.force_login(commune_official)
    assert client.get(reverse("healthz"), **outside).json() == {"status": "ok"}
    staff = Client()
    staff.force_login(officer)
    details = staff.get(reverse("healthz"), **outside).json()
    assert details["database"] == "ok" and "broker" in details
    local = Client().get(reverse("healthz"), REMOTE_ADDR="127.0.0.1").json()
    assert local["database"] == "ok"


def test_healthz_hides_error_class_names_from_anonymous(client, monkeypatch):
    from django.db import OperationalError

    from ocop import views

    class Boom:
        def __enter__(self):
            raise OperationalError("database down")

        def __exit__(self, *args):
            return False

    monkeypatch.setattr(views.connection, "cursor", lambda: Boom())
    response = client.get(reverse("healthz"), REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}
    local = client.get(reverse("healthz"), REMOTE_ADDR="127.0.0.1")
    assert local.json()["database"].startswith("error: ")


# ---------------------------------------------------------------------------------------------------------------
# Behind a reverse proxy (issue 18, item 2): every request comes from the proxy's address; the client's is in
# X-Forwarded-For, which the proxy appends to.
# ---------------------------------------------------------------------------------------------------------------
PROXY = "10.0.0.2"


def _behind_proxy(client_address):
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def test_behind_one_proxy_a_locked_out_client_does_not_lock_out_another(make_user, settings):
    settings.PROXY_COUNT = 1
    make_user(Role.SECRETARIAT, username="thuky")
    attacker = _behind_proxy("203.0.113.7")
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(attacker, f"guess-{i}", "x")
    response = _login(attacker, "thuky", PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in attacker.session
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}

    colleague = _behind_proxy("198.51.100.9")
    response = _login(colleague, "thuky", PASSWORD)
    assert response.status_code == 302
    assert SESSION_KEY in colleague.session


def test_behind_one_proxy_a_client_cannot_hide_behind_a_forged_header(make_user, settings):
    """What the client writes into X-Forwarded-For itself stays to the left of what the proxy appends."""
    settings.PROXY_COUNT = 1
    make_user(Role.SECRETARIAT, username="thuky")
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(_behind_proxy(f"93.184.216.{i + 1}, 203.0.113.7"), f"guess-{i}", "x")
    assert _login(_behind_proxy("93.184.216.99, 203.0.113.7"), "thuky", PASSWORD).status_code == 429


def test_without_a_proxy_count_x_forwarded_for_is_ignored(make_user, settings):
    """PROXY_COUNT = 0: a client that changes X-Forwarded-For on each try is still one address."""
    settings.PROXY_COUNT = 0
    make_user(Role.SECRETARIAT, username="thuky")
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"93.184.216.{i + 1}"), f"guess-{i}", "x")
    spoofing = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="93.184.216.99")
    assert _login(spoofing, "thuky", PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_behind_one_proxy_the_reset_limit_is_per_client(make_user, settings):
    settings.PROXY_COUNT = 1
    for i in range(settings.PASSWORD_RESET_RATE_PER_HOUR + 1):
        make_user(Role.DISTRICT_OFFICE, username=f"user{i}", email=f"user{i}@example.vn")
    busy = _behind_proxy("203.0.113.7")
    for i in range(settings.PASSWORD_RESET_RATE_PER_HOUR):
        assert busy.post(reverse("password_reset"), {"email": f"user{i}@example.vn"}).status_code == 302
    refused = busy.post(reverse("password_reset"), {"email": f"user{settings.PASSWORD_RESET_RATE_PER_HOUR}@example.vn"})
    assert "Quá nhiều yêu cầu" in refused.content.decode()

    other = _behind_proxy("198.51.100.9")
    response = other.post(
        reverse("password_reset"), {"email": f"user{settings.PASSWORD_RESET_RATE_PER_HOUR}@example.vn"}
    )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox[-1].to == [f"user{settings.PASSWORD_RESET_RATE_PER_HOUR}@example.vn"]


def test_without_a_proxy_count_the_reset_limit_ignores_x_forwarded_for(make_user, settings):
    settings.PROXY_COUNT = 0
    limit = settings.PASSWORD_RESET_RATE_PER_HOUR
    for i in range(limit + 1):
        make_user(Role.DISTRICT_OFFICE, username=f"user{i}", email=f"user{i}@example.vn")
    for i in range(limit):
        client = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"93.184.216.{i + 1}")
        assert client.post(reverse("password_reset"), {"email": f"user{i}@example.vn"}).status_code == 302
    spoofing = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="93.184.216.99")
    response = spoofing.post(reverse("password_reset"), {"email": f"user{limit}@example.vn"})
    assert "Quá nhiều yêu cầu" in response.content.decode()
    assert len(mail.outbox) == limit
