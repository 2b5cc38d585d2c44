"""Journey in headless Chromium: the office opens the working-day calendar from the "Danh mục" menu, adds a working
Saturday with the form, sees it in the list (cards on a phone) and removes it with its button."""

import datetime

import pytest

from ocop.enums import Role
from programme.models import CalendarException


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_office_adds_and_removes_a_working_saturday(make_user, authority, live_server, page, screenshot):
    make_user(Role.DISTRICT_OFFICE, username="vanphong")
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", "vanphong")
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.click("[data-testid=nav-more]")
    page.get_by_role("link", name="Lịch ngày làm việc").click()
    page.wait_for_selector("[data-testid=holiday-table]")
    page.goto(f"{base}/nam/lich-ngay-lam-viec/?nam=2026")
    assert page.locator("[data-testid=holiday]", has_text="Ngày Giỗ Tổ Hùng Vương (nghỉ bù)").count() == 1

    page.fill("input[name=date]", "09/05/2026")
    page.check("input[name=kind][value=working_day]")
    page.fill("input[name=reason]", "Làm bù theo quyết định của UBND tỉnh")
    page.click("[data-testid=add-exception]")
    row = page.locator("[data-testid=exception]", has_text="09/05/2026")
    assert "Làm bù theo quyết định của UBND tỉnh" in row.inner_text()
    assert CalendarException.objects.get().date == datetime.date(2026, 5, 9)
    screenshot(page, "workday-calendar-1280")

    page.set_viewport_size({"width": 360, "height": 800})
    assert _fits(page)
    button = row.locator("[data-testid=remove-exception]").bounding_box()
    assert button["height"] >= 44 and button["width"] >= 44
    screenshot(page, "workday-calendar-360")
    row.locator("[data-testid=remove-exception]").click()
    page.wait_for_selector("[data-testid=exception-table]")
    assert page.locator("[data-testid=exception]").count() == 0
    assert not CalendarException.objects.exists()
