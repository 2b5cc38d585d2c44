"""Journey in headless Chromium on the demo's current round: two members score (one sees the mean only after
submitting), the secretariat reopens a sheet, the chair settles the flags and approves; the minutes are printed."""

import subprocess

import pytest

from conftest import SCREENSHOT_DIR
from evaluations import domain
from evaluations.enums import SheetStatus
from evaluations.models import ScoreSheet
from evaluations.tests.conftest import option_points
from ocop import demo
from programme.enums import RoundStage
from programme.models import Round

PRODUCT = "Rượu nếp cái hoa vàng Bảo Sơn"


@pytest.fixture
def scoring_round(transactional_db):
    demo.seed_all()
    return Round.objects.get(stage=RoundStage.SCORING)


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "ocop-demo")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=work-card]")


def _sheet(round_, username, product=PRODUCT):
    return ScoreSheet.objects.select_related("criteria_set").get(
        dossier__round=round_, dossier__product__name=product, member__user__username=username
    )


def _score_in_browser(page, base, sheet):
    """Choose the second option (or the only one) of every criterion, then submit."""
    page.goto(f"{base}/phieu/{sheet.pk}/")
    for fieldset in page.locator("fieldset[data-criterion]").all():
        options = fieldset.locator("input[type=radio]")
        options.nth(min(1, options.count() - 1)).check()
    page.check("[data-testid=attest]")  # submitting signs the sheet
    page.click("[data-testid=submit-sheet]")
    page.wait_for_selector("[data-testid=result-summary]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_members_score_secretariat_reopens_chair_approves(scoring_round, live_server, page, screenshot, tmp_path):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    # hoidong1 has a draft: the council's mean stays hidden until their own sheet is in.
    _login(page, base, "hoidong1")
    sheet1 = _sheet(scoring_round, "hoidong1")
    page.goto(f"{base}/ket-qua/{sheet1.dossier_id}/")
    assert page.url.endswith(f"/phieu/{sheet1.pk}/")
    assert "Hãy nộp phiếu của bạn trước" in page.content()
    assert page.locator("[data-testid=mean]").count() == 0
    screenshot(page, "scoring-sheet-draft")
    _score_in_browser(page, base, sheet1)
    assert page.locator("[data-testid=mean]").inner_text() != ""
    screenshot(page, "scoring-result-member")

    # A second member scores.
    _login(page, base, "hoidong5")
    _score_in_browser(page, base, _sheet(scoring_round, "hoidong5"))

    # The secretariat reopens hoidong2's sheet; hoidong2 submits it again.
    _login(page, base, "thuky")
    page.goto(f"{base}/ket-qua/{sheet1.dossier_id}/")
    row = page.locator("[data-testid=sheets] tr", has_text="Hoàng Văn Nam")
    row.locator("summary").click()
    row.locator("input[name=reason]").fill("Đề nghị chấm lại tiêu chí 1a sau khi xem hợp đồng nguyên liệu")
    row.locator("[data-testid=reopen]").click()
    page.wait_for_selector("text=Đã mở lại phiếu")
    assert _sheet(scoring_round, "hoidong2").status == SheetStatus.DRAFT
    _login(page, base, "hoidong2")
    page.goto(f"{base}/phieu/{_sheet(scoring_round, 'hoidong2').pk}/")
    page.check("[data-testid=attest]")
    page.click("[data-testid=submit-sheet]")
    page.wait_for_selector("[data-testid=result-summary]")
    assert _sheet(scoring_round, "hoidong2").revisions.count() == 1

    # The other members submit (set up directly: the journey is about the steps above).
    for sheet in ScoreSheet.objects.filter(dossier__round=scoring_round, status=SheetStatus.DRAFT).select_related(
        "criteria_set", "member__user"
    ):
        domain.submit_sheet(sheet, choices=option_points(sheet.criteria_set, 1), by=sheet.member.user)

    # The chair settles any spread with a reason, then approves.
    _login(page, base, "chutich")
    page.goto(f"{base}/dot-danh-gia/{scoring_round.pk}/")
    for result_link in [a.get_attribute("href") for a in page.locator("[data-testid=results-table] a").all()]:
        page.goto(f"{base}{result_link}")
        if page.locator("[data-testid=flag-spread] textarea").count():
            page.fill("[data-testid=flag-spread] textarea", "Hội đồng đã thảo luận, thống nhất giữ kết quả")
            page.click("text=Chấp nhận với lý do này")
            page.wait_for_selector("text=Đã ghi nhận lý do")
    page.goto(f"{base}/ket-qua/{sheet1.dossier_id}/")
    screenshot(page, "scoring-result-chair")
    page.goto(f"{base}/dot-danh-gia/{scoring_round.pk}/")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=consequences]")  # the confirmation page, then the one-way step
    page.click("[data-testid=confirm]")
    page.wait_for_selector("text=Đã phê duyệt kết quả của đợt.")
    assert page.locator("[data-testid=stage]").inner_text() == "Đã phê duyệt kết quả"
    screenshot(page, "scoring-round-approved")

    # The minutes, as the chair downloads them, rendered to PNG for a look.
    response = page.request.get(f"{base}/dot-danh-gia/{scoring_round.pk}/bien-ban.pdf")
    assert response.status == 200
    pdf = tmp_path / "bien-ban.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "BIÊN BẢN TỔNG HỢP" in text.upper()
    # Table cells wrap long names, so check one-line facts: the round, its approval and the chair.
    assert f"{scoring_round} – kết quả được phê duyệt" in text
    assert "Lê Văn Thành" in text
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            f"{SCREENSHOT_DIR}/scoring-minutes",
        ],
        check=True,
    )
    scoring_round.refresh_from_db()
    assert scoring_round.stage == RoundStage.APPROVED
