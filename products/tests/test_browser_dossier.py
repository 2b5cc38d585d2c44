"""Journey in headless Chromium: the commune completes and submits Bánh gio Thanh Lâm, the secretariat returns it
with a comment, the commune supplements and resubmits, the secretariat accepts. Desktop and 360-px phone."""

import pytest

from ocop import demo
from products.enums import DossierStatus
from products.models import Dossier
from products.tests.factories import PDF_BYTES

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo_data(transactional_db):
    return demo.seed_all()


def _login(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "ocop-demo")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=work-card]")


def _logout(page, base):
    page.context.clear_cookies()
    page.goto(f"{base}/dang-nhap/")


def _open_dossier(page, base, name):
    page.goto(f"{base}/ho-so/?q={name}")
    page.click(f"[data-testid=row] a:has-text('{name}')")
    page.wait_for_selector("[data-testid=status]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_commune_submits_district_returns_commune_resubmits_district_accepts(
    demo_data, live_server, browser, screenshot, tmp_path, viewport
):
    tag = "phone" if viewport == PHONE else "desktop"
    base = live_server.url
    pdf_file = tmp_path / "tai-lieu.pdf"
    pdf_file.write_bytes(PDF_BYTES)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()

    # 1. The commune official finishes and submits the draft.
    _login(page, base, "xa-thanh-lam")
    _open_dossier(page, base, "Bánh gio Thanh Lâm")
    assert page.locator("[data-testid=status]").inner_text() == "Nháp"
    assert page.locator("[data-testid=problems] li").count() > 0
    screenshot(page, f"dossier-draft-{tag}")
    page.click("text=Tải tài liệu lên và điền xác nhận")
    page.wait_for_selector("form[enctype='multipart/form-data']")
    for item in page.locator(".checklist-item.missing").all():
        item.locator("input[type=file]").set_input_files(str(pdf_file))
    page.fill("#id_raw_material_origin", "Gạo nếp cái hoa vàng trồng tại thôn Sơn Đình")
    page.fill("#id_local_raw_material_percent", "90")
    page.fill("#id_local_labour_percent", "100")
    page.fill("#id_idea_origin", "Nghề làm bánh mật truyền thống của làng")
    page.fill("#id_local_identity", "Bánh gio gói lá dong, gắn với lễ hội làng Sơn Đình")
    page.fill("#id_verified_by_name", "Nguyễn Văn An – Công chức Địa chính – Nông nghiệp xã Thanh Lâm")
    page.fill("#id_verified_on", "20/11/2026")
    screenshot(page, f"dossier-edit-{tag}")
    page.click("button[name=submit]")
    page.wait_for_selector("[data-testid=status]")
    assert page.locator("[data-testid=status]").inner_text() == "Đã nộp"
    assert "Hồ sơ đã được gửi lên huyện." in page.content()
    screenshot(page, f"dossier-submitted-{tag}")
    _logout(page, base)

    # 2. The secretariat returns it with a comment on the label.
    _login(page, base, "thuky")
    _open_dossier(page, base, "Bánh gio Thanh Lâm")
    page.click("[data-testid=return]")
    page.fill("#id_item_nhan_san_pham", "Nhãn chưa ghi hạn sử dụng và địa chỉ cơ sở")
    page.click("text=Trả lại cho xã")
    page.wait_for_selector("[data-testid=comments]")
    assert page.locator("[data-testid=status]").inner_text() == "Trả lại để bổ sung"
    _logout(page, base)

    # 3. The commune sees the comment, uploads a new label and resubmits.
    _login(page, base, "xa-thanh-lam")
    _open_dossier(page, base, "Bánh gio Thanh Lâm")
    assert "Nhãn chưa ghi hạn sử dụng và địa chỉ cơ sở" in page.locator("[data-testid=comments]").inner_text()
    screenshot(page, f"dossier-returned-{tag}")
    page.click("text=Tải tài liệu lên và điền xác nhận")
    page.locator("[data-item=nhan_san_pham] input[type=file]").set_input_files(str(pdf_file))
    page.click("button[name=submit]")
    page.wait_for_selector("[data-testid=status]")
    assert page.locator("[data-testid=status]").inner_text() == "Đã nộp lại"
    _logout(page, base)

    # 4. The secretariat accepts.
    _login(page, base, "thuky")
    _open_dossier(page, base, "Bánh gio Thanh Lâm")
    page.click("[data-testid=accept]")
    page.wait_for_selector("text=Hồ sơ đã được tiếp nhận để đánh giá.")
    assert page.locator("[data-testid=status]").inner_text() == "Đã tiếp nhận để đánh giá"
    screenshot(page, f"dossier-accepted-{tag}")
    context.close()

    dossier = Dossier.objects.get(product__name="Bánh gio Thanh Lâm", round__commune_deadline__isnull=False,
                                  status=DossierStatus.ACCEPTED)  # fmt: skip
    assert dossier.submission_count == 2
    assert dossier.comments.get().text == "Nhãn chưa ghi hạn sử dụng và địa chỉ cơ sở"
