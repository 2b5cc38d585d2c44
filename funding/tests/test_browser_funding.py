"""Journey in headless Chromium: the finance officer approves and pays a support payment and the budget page changes;
the payment list for signature is downloaded, rendered to PNG and read; every funding page on a desktop and on a
360-px phone (screenshots under var/screenshots/)."""

import datetime
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import SCREENSHOT_DIR
from funding import domain
from funding.enums import BudgetKind, Payer
from funding.models import BudgetLine, Entitlement
from funding.tests.conftest import KEPT, NEW

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _login(page, base, user):
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _fits_a_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_finance_approves_and_pays_and_the_budget_changes(live_server, page, screenshot, tmp_path, nq67,
                                                          make_decision, year_2024, finance_officer, district_officer,
                                                          commune):  # fmt: skip
    base = live_server.url
    decision = make_decision(datetime.date(2024, 6, 20), [(NEW, 3, None), (NEW, 3, None), (NEW, 3, None),
                                                          (KEPT, 3, None)], year=year_2024)  # fmt: skip
    make_decision(datetime.date(2026, 3, 5), [(NEW, 3, None)])  # no policy covers it
    line = BudgetLine.objects.create(
        year=year_2024, name="Hỗ trợ sản phẩm OCOP (NQ 67)", source="Ngân sách huyện", amount=Decimal("250000000"),
        payer=Payer.DISTRICT, kind=BudgetKind.SUPPORT,
    )  # fmt: skip
    programme = BudgetLine.objects.create(
        year=year_2024, name="Tuyên truyền, học tập kinh nghiệm", amount=Decimal("200000000"), payer=Payer.PROVINCE
    )
    domain.record_expense(programme, date=datetime.date(2024, 4, 5), purpose="Hội nghị tuyên truyền OCOP",
                          amount=Decimal("35000000"), document="PC 018/2024", by=finance_officer)  # fmt: skip
    entitlements = list(Entitlement.objects.filter(decision=decision).order_by("amount", "pk"))
    target = entitlements[-1]  # a new 3★ product: 50,000,000
    page.set_viewport_size(DESKTOP)
    _login(page, base, finance_officer)

    # Home: what waits for finance.
    assert page.locator("[data-testid=to-approve]").inner_text() == "4"
    screenshot(page, "funding-home-finance")

    # The budget before.
    page.goto(f"{base}{reverse('funding:budget')}?year=2024")
    support_row = page.locator("[data-testid=budget-lines] [data-testid=row]", has_text=line.name)
    assert support_row.locator("[data-testid=paid]").inner_text() == "0 ₫"
    assert support_row.locator("[data-testid=available]").inner_text() == "250.000.000 ₫"

    # The list, searched without accents, then the entitlement: approve, then pay.
    page.goto(f"{base}{reverse('funding:entitlement_list')}")
    assert page.locator("[data-testid=entitlements] [data-testid=row]").count() == 4
    screenshot(page, "funding-list")
    page.click(f"text={target.product.name}")
    page.wait_for_selector("[data-testid=facts]")
    assert page.locator("[data-testid=amount]").inner_text() == "50.000.000 ₫"
    page.click("[data-testid=approve]")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=status]").inner_text() == "Đã phê duyệt"
    page.fill("input[name=voucher_number]", "UNC 0125/2024")
    page.fill("input[name=date]", "15/07/2024")
    page.click("[data-testid=pay]")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=status]").inner_text() == "Đã chi trả"
    assert "UNC 0125/2024" in page.locator("[data-testid=payment]").inner_text()
    screenshot(page, "funding-entitlement-paid")

    # The budget after: paid, less available.
    page.goto(f"{base}{reverse('funding:budget')}?year=2024")
    support_row = page.locator("[data-testid=budget-lines] [data-testid=row]", has_text=line.name)
    assert support_row.locator("[data-testid=paid]").inner_text() == "50.000.000 ₫"
    assert support_row.locator("[data-testid=available]").inner_text() == "200.000.000 ₫"
    screenshot(page, "funding-budget")

    # Two more approved: the payment list for signature, as PDF, read and rendered to PNG.
    for entitlement in entitlements[1:3]:
        domain.approve_entitlement(entitlement, by=finance_officer)
    pdf = page.request.get(f"{base}{reverse('funding:payment_list_pdf')}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "danh-sach-chi-tra.pdf"
    path.write_bytes(pdf.body())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "DANH SÁCH ĐỀ NGHỊ CHI TRẢ KINH PHÍ HỖ TRỢ SẢN PHẨM OCOP" in text
    assert "100.000.000 ₫" in text
    assert "Một trăm triệu đồng" in text
    png = f"{SCREENSHOT_DIR}/funding-payment-list-pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(path), png], check=True)

    # Every page on a desktop and on a phone, for people to look at.
    pages = {
        "funding-list": reverse("funding:entitlement_list"),
        "funding-entitlement": reverse("funding:entitlement", args=[entitlements[0].pk]),
        "funding-uncovered": reverse("funding:uncovered_list"),
        "funding-producer": reverse("funding:producer", args=[target.producer_id]),
        "funding-budget": reverse("funding:budget") + "?year=2024",
        "funding-budget-line": reverse("funding:budget_line", args=[programme.pk]),
        "funding-policies": reverse("funding:policy_list"),
        "funding-home": "/",
    }
    for size, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        for name, url in pages.items():
            page.goto(f"{base}{url}")
            page.wait_for_load_state()
            if size is PHONE:
                _fits_a_phone(page)
            screenshot(page, f"{name}-{suffix}")

    # The district office edits policies; the commune official sees their commune's entitlements, read-only.
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    _login(page, base, district_officer)
    page.goto(f"{base}{reverse('funding:policy_edit', args=[nq67.pk])}")
    assert page.locator("input[name=rate_new_3]").input_value() == "50000000"
    screenshot(page, "funding-policy-form-desktop")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_finance_switches_the_budget_page_to_another_year(live_server, page, screenshot, finance_officer, authority):
    """The year switch sends its form when another year is chosen (a static script; an inline onchange was blocked
    by the content policy), and its button still works without JavaScript (issue 18, item 6)."""
    from products.tests.factories import ProgrammeYearFactory

    year_2024 = ProgrammeYearFactory(authority=authority, year=2024)
    year_2025 = ProgrammeYearFactory(authority=authority, year=2025)
    BudgetLine.objects.create(year=year_2024, name="Tuyên truyền năm 2024", amount=Decimal("200000000"),
                              payer=Payer.PROVINCE)  # fmt: skip
    BudgetLine.objects.create(year=year_2025, name="Học tập kinh nghiệm năm 2025", amount=Decimal("120000000"),
                              payer=Payer.PROVINCE)  # fmt: skip
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    base = live_server.url
    for viewport, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(viewport)
        _login(page, base, finance_officer)
        page.goto(f"{base}{reverse('funding:budget')}?year=2024")
        lines = page.locator("[data-testid=budget-lines] [data-testid=row]")
        assert lines.all_inner_texts() and "Tuyên truyền năm 2024" in lines.first.inner_text()

        with page.expect_navigation():
            page.select_option("#id_year", "2025")  # only the change: no button pressed
        assert page.url.endswith("?year=2025")
        assert page.locator("h1").inner_text().endswith("2025")
        texts = lines.all_inner_texts()
        assert len(texts) == 1 and "Học tập kinh nghiệm năm 2025" in texts[0]
        assert page.locator("#id_year").input_value() == "2025"
        if viewport is PHONE:
            _fits_a_phone(page)
        screenshot(page, f"funding-budget-year-switch-{name}")
        page.context.clear_cookies()
    assert violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_budget_year_switch_works_without_javascript(live_server, browser, finance_officer, authority):
    from products.tests.factories import ProgrammeYearFactory

    ProgrammeYearFactory(authority=authority, year=2024)
    year_2025 = ProgrammeYearFactory(authority=authority, year=2025)
    BudgetLine.objects.create(year=year_2025, name="Học tập kinh nghiệm năm 2025", amount=Decimal("120000000"),
                              payer=Payer.PROVINCE)  # fmt: skip
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    base = live_server.url
    _login(page, base, finance_officer)
    page.goto(f"{base}{reverse('funding:budget')}?year=2024")
    page.select_option("#id_year", "2025")
    assert page.url.endswith("?year=2024")  # nothing happens by itself without JavaScript…
    page.locator("[data-testid=year-switch] button[type=submit]").click()  # …the button sends the form
    page.wait_for_load_state()
    assert page.url.endswith("?year=2025")
    assert "Học tập kinh nghiệm năm 2025" in page.locator("[data-testid=budget-lines]").inner_text()
    context.close()
