"""Journey in headless Chromium: log in as the district office, read the dashboard, switch language, log out."""

import pytest
from django.utils import timezone

from ocop import demo


@pytest.fixture
def demo_data(transactional_db):
    return demo.seed_all()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_district_officer_logs_in_switches_language_and_logs_out(demo_data, live_server, page, screenshot):
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    screenshot(page, "login-desktop")

    page.fill("input[name=username]", "phongnn")
    page.fill("input[name=password]", "ocop-demo")
    page.click("button[type=submit]")

    page.wait_for_selector("[data-testid=plan-card]")
    assert page.locator("h1").inner_text() == "Xin chào, Nguyễn Văn Hùng"
    assert f"Chương trình OCOP năm {timezone.localdate().year}" in page.locator("[data-testid=plan-card]").inner_text()
    assert "Sản phẩm mới đạt 3★ trở lên (chỉ tiêu)" in page.locator("[data-testid=plan-card]").inner_text()
    assert "200.000.000 ₫" in page.locator("[data-testid=plan-card]").inner_text()
    screenshot(page, "home-phongnn-desktop")

    page.click("button[lang=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "Hello, Nguyễn Văn Hùng"
    assert "New products at 3★ or more (target)" in page.locator("[data-testid=plan-card]").inner_text()

    page.click("[data-testid=user-menu]")
    page.click("text=Log out")
    page.wait_for_selector("input[name=username]")
    assert page.url.endswith("/dang-nhap/")
    page.goto(f"{live_server.url}/")
    assert "/dang-nhap/" in page.url  # logged out: home asks for login again


ROLE_ACCOUNTS = ["phongnn", "thuky", "chutich", "hoidong1", "taichinh", "xa-thanh-lam", "admin"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ROLE_ACCOUNTS)
def test_each_role_home_fits_a_phone(demo_data, live_server, browser, screenshot, username):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "ocop-demo")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=work-card]")
    # Nothing overflows sideways on a 360-px screen.
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360
    screenshot(page, f"home-{username}-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, f"home-{username}-desktop")
    context.close()
