"""Journey in headless Chromium, desktop and 360-px phone: the office opens "Xã bị chia tách" from its menu,
chooses today's commune for a producer of a split former commune, and the producer's page shows it with
"trước đây"."""

import pytest

from ocop import units
from ocop.enums import Role
from ocop.tests.factories import CommuneFactory
from products.models import Producer
from products.tests.factories import ProducerFactory

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_office_chooses_the_commune_of_a_split_one(live_server, browser, screenshot, viewport, authority, make_user):
    duong_an = CommuneFactory(authority=authority, name="Đường An", slug="duong-an", code="11020")
    thuong_hong = CommuneFactory(authority=authority, name="Thượng Hồng", slug="thuong-hong", code="11050")
    former = units.record_former_unit(
        "Tân Hồng", "Huyện Bình Giang", "Tỉnh Hải Dương", candidates=[duong_an, thuong_hong]
    )
    producer = ProducerFactory(commune=duong_an, former_unit=former, name="Tổ hợp tác gạo nếp Tân Hồng")
    make_user(Role.DISTRICT_OFFICE, username="phong-office")

    page = browser.new_page(viewport=viewport)
    base = live_server.url
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", "phong-office")
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    if viewport is PHONE:
        page.click(".navbar-toggler")
    page.click("[data-testid=nav-more]")
    page.click("a.dropdown-item:has-text('Xã bị chia tách')")
    card = page.locator("[data-testid=unit-choice]")
    assert "Trước đây: Xã Tân Hồng, Huyện Bình Giang, Tỉnh Hải Dương" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"units-review-{'phone' if viewport is PHONE else 'desktop'}")
    # Without a basis the choice is refused, and the commune chosen stays selected.
    card.locator("select").select_option(label="xã Thượng Hồng")
    card.locator("button[type=submit]").click()
    assert "Hãy ghi căn cứ chọn xã." in page.content()
    card = page.locator("[data-testid=unit-choice]")
    assert card.locator("select").input_value() == str(thuong_hong.pk)
    card.locator("input[type=text]").fill("Thôn Bùi nay thuộc xã Thượng Hồng")
    card.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=no-unit-choice]")
    assert "nay thuộc xã Thượng Hồng" in page.content()
    page.click(f"a:has-text('{producer.name}')")
    address = page.locator("[data-testid=former-unit]").locator("..").inner_text()
    assert "xã Thượng Hồng" in address and "trước đây: Xã Tân Hồng" in address
    assert page.locator("[data-testid=unit-pending]").count() == 0
    assert Producer.objects.get(pk=producer.pk).commune == thuong_hong
