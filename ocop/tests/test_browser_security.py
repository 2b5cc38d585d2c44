"""Journeys in headless Chromium: login with "remember me" and the lockout page; pages run under the strict
Content-Security-Policy without a single violation (issue 14, points 1 and 2)."""

import pytest

from ocop.enums import Role
from products.tests.factories import DossierFactory, ProducerFactory, RoundFactory


@pytest.fixture
def people(transactional_db, authority, commune, make_user):
    officer = make_user(Role.DISTRICT_OFFICE, username="phongnn")
    official = make_user(Role.COMMUNE_OFFICIAL, commune=commune, username="xa-thanh-lam")
    DossierFactory(
        product__producer=ProducerFactory(commune=commune, name="HTX Thanh Lâm"),
        product__name="Bánh mật Thanh Lâm",
        round=RoundFactory(year__authority=authority),
    )
    admin = make_user(Role.SYSADMIN, username="root")
    return officer, official, admin


def _watch_csp(page):
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    return violations


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_login_lockout_and_pages_under_the_policy(people, live_server, page, screenshot):
    base = live_server.url
    violations = _watch_csp(page)
    for width, suffix in ((1280, "desktop"), (360, "phone")):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{base}/dang-nhap/")
        assert page.locator("input[name=remember]").is_visible()
        assert not page.locator("input[name=remember]").is_checked()  # shared computers: off by default
        screenshot(page, f"security-login-{suffix}")

    # Five wrong passwords lock the user name; the right one is refused with the wait in Vietnamese.
    page.set_viewport_size({"width": 360, "height": 800})
    for attempt in range(5):
        page.goto(f"{base}/dang-nhap/")
        page.fill("input[name=username]", "xa-thanh-lam")
        page.fill("input[name=password]", f"sai-{attempt}")
        page.click("button[type=submit]")
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", "xa-thanh-lam")
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")
    locked = page.locator("[data-testid=locked-out]")
    locked.wait_for()
    assert "Thử lại sau 15 phút" in locked.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "security-locked-out-phone")

    # The administrator unlocks (audited); the address is free again for the district officer.
    from ocop import lockouts

    _officer, official, admin = people
    assert lockouts.unlock_user(official, by=admin)

    # The district officer logs in and walks through pages with forms, filters and the dashboard.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", "phongnn")
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    for path in ("/", "/ho-so/?status=zz&q=banh", "/chu-the/them/", "/giay-chung-nhan/", "/quen-mat-khau/"):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("load")
    assert page.locator("h1").first.is_visible()
    page.goto(f"{base}/ho-so/?status=zz&q=banh")
    assert page.locator("[data-testid=filter-errors]").is_visible()
    screenshot(page, "security-filter-error-desktop")
    # Bootstrap's JavaScript (a static file) works under the policy: the user menu opens.
    page.click("[data-testid=user-menu]")
    assert page.locator(".dropdown-menu-end").is_visible()
    assert violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_form_sent_after_its_token_is_gone_shows_the_vietnamese_page_under_the_policy(
    people, live_server, page, screenshot
):
    """The CSRF cookie disappears (a session ended, cookies cleared in another tab) while a form is open: the page
    that answers is the site's, in Vietnamese, styled by the static CSS, with no content-policy violation."""
    base = live_server.url
    violations = _watch_csp(page)
    for width, suffix in ((360, "phone"), (1280, "desktop")):
        page.set_viewport_size({"width": width, "height": 800})
        page.context.clear_cookies()
        page.goto(f"{base}/dang-nhap/")
        page.fill("input[name=username]", "xa-thanh-lam")
        page.fill("input[name=password]", "pw-for-tests")
        page.context.clear_cookies()  # the token cookie is gone while the form is on the screen
        page.click("button[type=submit]")
        box = page.locator("[data-testid=csrf-failure]")
        box.wait_for()
        assert "Trang đã quá hạn nên chưa lưu được" in box.inner_text()
        reload = page.locator("[data-testid=csrf-reload]")
        assert reload.bounding_box()["height"] >= 30
        # The page's layout comes from the static CSS (the site's green button), not from Django's inline style.
        colour = reload.evaluate("element => getComputedStyle(element).backgroundColor")
        assert colour not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
        assert page.evaluate("document.documentElement.scrollWidth") <= max(width, 360)
        screenshot(page, f"security-csrf-failure-{suffix}")
        reload.click()  # back to the login page, which works again
        page.wait_for_load_state()
        assert page.locator("input[name=username]").is_visible()
    assert violations == []
