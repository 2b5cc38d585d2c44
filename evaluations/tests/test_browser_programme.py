"""Journey in headless Chromium: the office opens next year's programme and its first round with the plan's dates and
last round's council, a commune submits a dossier into it, and the chair approves the results through the
confirmation page that lists what is still unfinished."""

import datetime

import pytest

from evaluations import domain
from evaluations.models import ScoreSheet
from evaluations.tests.conftest import option_points
from evaluations.tests.test_browser_scoring import _login
from ocop import demo
from products.enums import DossierStatus
from products.models import Dossier
from products.tests.conftest import _complete
from programme.enums import RoundStage
from programme.models import ProgrammeYear, Round


@pytest.fixture
def demo_data(transactional_db):
    demo.seed_all()


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_office_opens_the_next_year_and_a_round_that_reaches_approval(demo_data, live_server, page, screenshot):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    next_year = max(ProgrammeYear.objects.values_list("year", flat=True)) + 1

    # The office creates next year's programme: the form starts from the latest plan's targets and 15/12.
    _login(page, base, "phongnn")
    page.goto(f"{base}/nam/")
    screenshot(page, "programme-years")
    page.click("[data-testid=new-year]")
    assert page.input_value("input[name=year]") == str(next_year)
    assert page.input_value("input[name=ceremony_by]") == f"15/12/{next_year}"
    assert page.input_value("input[name=target_new_products]") == "7"
    page.fill("input[name=plan_reference]", f"Kế hoạch OCOP năm {next_year}")
    screenshot(page, "programme-year-form")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=year-figures]")
    year = ProgrammeYear.objects.get(year=next_year)

    # Its first round: the plan's dates (10/06 → 15/06) and the council of the latest round are offered.
    page.click("[data-testid=add-round]")
    assert page.input_value("input[name=commune_deadline]") == f"10/06/{next_year}"
    assert page.input_value("input[name=district_deadline]") == f"15/06/{next_year}"
    page.fill("input[name=meeting_date]", f"14/06/{next_year}")
    page.fill("input[name=meeting_place]", "Hội trường UBND")
    screenshot(page, "round-form")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=stage]")
    round_ = Round.objects.get(year=year, number=1)
    assert round_.council.filter(role="chair", user__username="chutich").exists()
    assert round_.council.filter(role="member").count() == 6

    # A commune opens a dossier in it and submits.
    _login(page, base, "xa-thanh-lam")
    page.goto(f"{base}/ho-so/tao/")
    product_value = page.locator("select[name=product] option", has_text="Bánh mật Thanh Lâm").first.get_attribute(
        "value"
    )
    page.select_option("select[name=product]", product_value)
    page.select_option("select[name=round]", label=str(round_))
    page.click("main button[type=submit]")
    page.wait_for_url("**/cap-nhat/")
    dossier = Dossier.objects.get(round=round_)
    _complete(dossier)
    page.goto(f"{base}/ho-so/{dossier.pk}/")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=Hồ sơ đã được gửi lên huyện.")

    # The secretariat accepts it and starts scoring; six of seven members submit, hoidong6 keeps a draft.
    _login(page, base, "thuky")
    page.goto(f"{base}/ho-so/{dossier.pk}/")
    page.click("[data-testid=accept]")
    page.wait_for_selector("text=Hồ sơ đã được tiếp nhận")
    page.goto(f"{base}/dot-danh-gia/{round_.pk}/")
    page.click("[data-testid=start-scoring]")
    page.wait_for_selector("text=Đã bắt đầu chấm: mỗi thành viên")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.ACCEPTED
    criteria_set = dossier.product.criteria_set
    for sheet in ScoreSheet.objects.filter(dossier=dossier).exclude(member__user__username="hoidong6"):
        domain.submit_sheet(sheet, choices=option_points(criteria_set, 1), by=sheet.member.user)

    # The chair approves through the confirmation page, which lists the draft and the open deadline.
    _login(page, base, "chutich")
    page.goto(f"{base}/dot-danh-gia/{round_.pk}/")
    page.click("[data-testid=approve]")
    unfinished = page.locator("[data-testid=unfinished]").inner_text()
    assert f"15/06/{next_year}" in unfinished and "chưa nộp phiếu chấm Bánh mật Thanh Lâm" in unfinished
    assert "Điều sẽ xảy ra" in page.content()
    screenshot(page, "approve-confirmation")
    page.set_viewport_size({"width": 360, "height": 740})
    assert _no_sideways_scroll(page)
    screenshot(page, "approve-confirmation-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("[data-testid=confirm]")
    page.wait_for_selector("text=Đã phê duyệt kết quả của đợt.")
    round_.refresh_from_db()
    assert round_.stage == RoundStage.APPROVED

    # On a phone the year page fits the screen.
    _login(page, base, "phongnn")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{base}/nam/{year.pk}/")
    assert _no_sideways_scroll(page)
    screenshot(page, "programme-year-phone")
    page.goto(f"{base}/nam/")
    assert _no_sideways_scroll(page)
    screenshot(page, "programme-years-phone")
    assert year.rounds.get().meeting_date == datetime.date(next_year, 6, 14)
