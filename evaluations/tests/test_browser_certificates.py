"""Journeys in headless Chromium: the district office issues a round's certificates; the QR code printed on one opens
its public verification page; the office revokes it and the public pages change at once. Then the demo's public
catalogue and verification pages on a phone."""

import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Certificate
from evaluations.tests import test_certificates as shared
from evaluations.tests.test_certificates import recognise
from ocop import demo

decision = shared.decision
PHONE = {"width": 360, "height": 740}


def _login(page, base, user):
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _decode_qr(pdf_bytes, tmp_path) -> str:
    pdf = tmp_path / "gcn.pdf"
    pdf.write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "gcn")], check=True)
    return subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "gcn.png")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _fits_a_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_issue_verify_by_qr_revoke(live_server, browser, page, screenshot, settings, tmp_path, decision, commune,
                                   other_commune, district_officer):  # fmt: skip
    settings.PUBLIC_BASE_URL = live_server.url
    base = live_server.url
    recognise(decision, commune, "Trà hoa vàng đông trùng túi lọc", "Hợp tác xã Dược liệu Trường Sơn")
    recognise(decision, other_commune, "Mì Chũ Đồng Hưu", "Tổ hợp tác mì gạo Đồng Hưu", address="Thôn Hạ")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The district office issues the round's certificates in one action.
    _login(page, base, district_officer)
    page.goto(f"{base}{reverse('evaluations:round_certificates', args=[decision.round.pk])}")
    assert page.locator("[data-testid=recognitions] [data-testid=row]").count() == 2
    page.click("[data-testid=issue]")
    # The confirmation page says how many, from which number, and that numbers are never reused.
    assert f"001/GCN-LN-{timezone.localdate().year}" in page.locator("[data-testid=consequences]").inner_text()
    page.fill("input[name=issued_on]", timezone.localdate().strftime("%d/%m/%Y"))
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=batch-status]")
    batch_text = page.locator("[data-testid=batch-progress]").inner_text()
    assert batch_text.startswith("Đã cấp 2/2 giấy chứng nhận")
    year = timezone.localdate().year
    numbers = page.locator("[data-testid=recognitions] a").all_inner_texts()
    assert numbers == [f"001/GCN-LN-{year}", f"002/GCN-LN-{year}"]
    screenshot(page, "certificates-round-issued")

    # Its stored PDF carries a QR code with the public verification address.
    page.click(f"text=002/GCN-LN-{year}")
    page.wait_for_selector("[data-testid=facts]")
    certificate = Certificate.objects.get(number=f"002/GCN-LN-{year}")
    pdf = page.request.get(f"{base}{reverse('evaluations:certificate_file', args=[certificate.pk])}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    url = _decode_qr(pdf.body(), tmp_path)
    assert url == f"{base}/verify/{certificate.code}/"
    screenshot(page, "certificate-detail")

    # Anyone (no login, on a phone) opens the QR's address.
    public = browser.new_context(viewport=PHONE)
    phone = public.new_page()
    phone.goto(url)
    verdict = phone.locator("[data-testid=verdict]")
    assert verdict.get_attribute("data-status") == "valid"
    assert "Trà hoa vàng đông trùng túi lọc" in phone.content()
    _fits_a_phone(phone)
    screenshot(phone, "verify-valid-phone")
    phone.goto(f"{base}/san-pham-ocop/?q=tra hoa vang")
    assert phone.locator("[data-testid=product]").count() == 1

    # The office revokes it.
    page.click("[data-testid=revoke]")
    page.wait_for_selector("[data-testid=certificate-form]")
    screenshot(page, "certificate-revoke-form")
    page.select_option("select[name=ground]", "legal_violation")
    page.fill("input[name=decision_number]", "3120/QĐ-UBND")
    page.fill("input[name=decision_date]", timezone.localdate().strftime("%d/%m/%Y"))
    page.fill("textarea[name=note]", "Vi phạm quy định ghi nhãn.")
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=revocation]")
    assert "3120/QĐ-UBND" in page.locator("[data-testid=revocation]").inner_text()
    screenshot(page, "certificate-revoked-detail")

    # The public page says so at once, with the date and the ground; the product leaves the catalogue.
    phone.goto(url)
    assert phone.locator("[data-testid=verdict]").get_attribute("data-status") == "revoked"
    text = phone.locator("[data-testid=verdict]").inner_text()
    assert "3120/QĐ-UBND" in text
    assert timezone.localdate().strftime("%d/%m/%Y") in text
    assert phone.locator("[data-testid=ground]").inner_text() == str(
        Certificate.objects.get(pk=certificate.pk).get_revocation_ground_display()
    )
    assert "Vi phạm quy định ghi nhãn." not in phone.content()  # the internal note stays internal
    _fits_a_phone(phone)
    screenshot(phone, "verify-revoked-phone")
    phone.goto(f"{base}/san-pham-ocop/?q=tra hoa vang")
    assert phone.locator("[data-testid=product]").count() == 0

    # A wrong code: a clear "not found" page.
    response = phone.goto(f"{base}/verify/ABCDEFGHJKMNPQRSTUVW/")
    assert response.status == 404
    assert phone.locator("[data-testid=verdict]").get_attribute("data-status") == "not_found"
    public.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_demo_public_pages_on_a_phone(live_server, browser, screenshot):
    demo.seed_all()
    base = live_server.url
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/san-pham-ocop/")
    names = page.locator("[data-testid=product] .name").all_inner_texts()
    assert names[0] == "Trà hoa vàng"
    assert "Mật ong đông trùng hạ thảo" not in names  # revoked
    _fits_a_phone(page)
    screenshot(page, "catalogue-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "catalogue-desktop")
    page.set_viewport_size(PHONE)

    page.click("text=Trà hoa vàng >> nth=0")
    page.wait_for_selector("[data-testid=star]")
    assert page.locator("[data-testid=star]").inner_text().startswith("★★★★")
    _fits_a_phone(page)
    screenshot(page, "public-product-phone")

    for name, status in (("Mật ong đông trùng hạ thảo", "revoked"), ("Rượu nếp cái hoa vàng Bảo Sơn", "expiring")):
        certificate = Certificate.objects.get(product_name=name)
        page.goto(f"{base}/verify/{certificate.code}/")
        assert page.locator("[data-testid=verdict]").get_attribute("data-status") == status
        _fits_a_phone(page)
        screenshot(page, f"verify-{status}-demo-phone")
    context.close()

    # The district office's expiry list: the paper certificate of Rượu nếp ends within 60 days; its product is
    # already in this year's round for re-evaluation.
    office = browser.new_context(viewport={"width": 1280, "height": 900})
    page = office.new_page()
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", "phongnn")
    page.fill("input[name=password]", "ocop-demo")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}{reverse('evaluations:certificate_expiry')}")
    bucket = page.locator("[data-testid=bucket-60]")
    assert "Rượu nếp cái hoa vàng Bảo Sơn" in bucket.inner_text()
    assert bucket.locator(".badge.text-bg-success").count() == 1  # the re-evaluation dossier is open
    screenshot(page, "certificate-expiry-demo")
    page.goto(f"{base}{reverse('evaluations:certificate_list')}")
    assert page.locator("[data-testid=certificates] [data-testid=row]").count() == 7
    screenshot(page, "certificate-list-demo")
    office.close()
