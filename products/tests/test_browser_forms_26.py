"""The commune official enters the producer's self-assessment (Mẫu 02, part III) on a 360-px phone: one part open at
a time, running totals, a draft saved and found again; the forms' pages pass axe, the content policy, the phone's
width and its 44-px tap targets."""

import os

import pytest

from ocop.tests.test_browser_accessibility import WATCH_CSP, audit_roles
from products import forms_data
from products.models import Registration
from products.tests.test_forms_26 import options_at

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def official(commune_official):
    commune_official.set_password("ocop-demo")
    commune_official.save()
    return commune_official


def test_self_assessment_on_a_phone(live_server, browser, forms_dossier, official, screenshot):
    base = live_server.url
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="vi-VN")
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", official.username)
    page.fill("input[name=password]", "ocop-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/ho-so/{forms_dossier.pk}/")
    page.get_by_role("link", name="Tự chấm theo tiêu chí").click()
    parts = page.locator("details.self-part")
    assert parts.count() == 3
    assert [parts.nth(i).evaluate("d => d.open") for i in range(3)] == [True, False, False]
    best = options_at(forms_data.scoring_set(forms_dossier), -1)  # the 2026 sheet of the product's group
    code, points = next(iter(best.items()))
    page.locator(f"input[name='c-{code}'][value='{points}']").check()
    assert page.locator("[data-total]").first.inner_text() == str(points)  # the running total, before saving
    page.fill(f"[id='n-{code}']", "Hợp đồng mua gạo nếp với 12 hộ")
    # A criterion of part C, in a folded part: open it, choose, save the draft.
    parts.nth(2).locator("summary").click()
    last_code, last_points = list(best.items())[-1]
    page.locator(f"input[name='c-{last_code}'][value='{last_points}']").check()
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success, .alert-info").first.is_visible()
    saved = Registration.objects.get(dossier=forms_dossier)
    assert saved.self_choices == {code: points, last_code: last_points}
    assert saved.evidence.get(criterion=code).note == "Hợp đồng mua gạo nếp với 12 hộ"
    assert page.locator("[data-total]").first.inner_text() == str(points + last_points)
    assert page.input_value(f"[id='n-{code}']") == "Hợp đồng mua gạo nếp với 12 hộ"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "forms-26-self-assessment-phone")
    context.close()

    pages = [
        f"/ho-so/{forms_dossier.pk}/",
        f"/ho-so/{forms_dossier.pk}/phieu-dang-ky/",
        f"/ho-so/{forms_dossier.pk}/tu-danh-gia/",
        f"/ho-so/{forms_dossier.pk}/bao-cao-xa/",
    ]
    problems, checks = audit_roles(browser, base, {official.username: pages})
    assert checks == 2 * len(pages)
    assert problems == [], "\n".join(problems)
