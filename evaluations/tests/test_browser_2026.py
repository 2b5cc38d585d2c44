"""Journey in headless Chromium under Decision 26/2026 (issue 20): the commune receives a dossier (its receipt number
shown), enters Mẫu 01, 02 and 03 (the three PDFs looked at as PNG) and proposes it; the province receives it (its own
receipt number) and accepts it; the council scores on a 2026 sheet; the chair approves; the office records the
decision (the product gets its code from the official codes), issues the certificate, and its public page verifies
it."""

import datetime
import subprocess

import pytest
from django.utils import timezone

from conftest import SCREENSHOT_DIR
from evaluations import domain
from evaluations.demo_2026 import Story, choices_for
from evaluations.enums import CouncilRole, SheetStatus
from evaluations.models import Certificate, CouncilMember, Recognition, ScoreSheet
from ocop import domain as ocop_domain
from ocop.enums import AuthorityLevel, Role
from products.enums import DossierStatus
from products.tests.conftest import _complete
from products.tests.factories import DossierFactory, ProducerFactory, ProgrammeYearFactory, RoundFactory
from programme.catalogue import sync_catalogue
from programme.models import CriteriaSet
from programme.regimes import ensure_regimes, regime_on

PASSWORD = "pw-for-tests"


def _login(page, base, user):
    page.context.clear_cookies()
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _product_group(code="12"):
    """A product's group is a set of the 148 catalogue; the regime scores it on its 2026 sheet of the same code."""
    sync_catalogue()
    return CriteriaSet.objects.filter(code=code, edition="qd148-2023").order_by("-version").first()


@pytest.fixture
def journey(transactional_db, authority, commune, sysadmin, make_user):
    today = timezone.localdate()
    ensure_regimes()
    regime = regime_on(today, AuthorityLevel.PROVINCE)
    if regime is None or not regime.province_approves_for_ministry:
        pytest.skip("the journey runs under Decision 26/2026, in force from 22/05/2026")
    ocop_domain.update_authority_settings(
        authority, by=sysadmin, level=AuthorityLevel.PROVINCE, name="UBND tỉnh Bắc Ninh", short_name="Bắc Ninh",
        code="BN", province_code="24",
    )  # fmt: skip
    authority.refresh_from_db()  # the settings were saved on a locked copy: the dossier's round reads this one
    commune.code = "09856"
    commune.save(update_fields=["code"])
    criteria_set = _product_group()
    round_ = RoundFactory(
        year=ProgrammeYearFactory(authority=authority, year=today.year),
        number=2,
        commune_deadline=today + datetime.timedelta(days=5),
        district_deadline=today + datetime.timedelta(days=10),
        proposal_cutoff=today + datetime.timedelta(days=5),
        closes_by=today + datetime.timedelta(days=20),
    )
    dossier = DossierFactory(
        product__producer=ProducerFactory(commune=commune, name="Hợp tác xã chè Hòa Long"),
        product__name="Chè búp Hòa Long",
        product__criteria_set=criteria_set,
        round=round_,
    )
    _complete(dossier)  # documents and the commune's verification
    users = {
        "official": make_user(Role.COMMUNE_OFFICIAL, commune=commune, username="xa-hoa-long"),
        "secretary": make_user(Role.SECRETARIAT, username="thuky"),
        "office": make_user(Role.DISTRICT_OFFICE, username="phongnn"),
        "chair": make_user(Role.COUNCIL_CHAIR, username="chutich"),
    }
    seats = [CouncilMember.objects.create(round=round_, user=users["chair"], role=CouncilRole.CHAIR)]
    for i in range(1, 4):
        member = make_user(Role.COUNCIL_MEMBER, username=f"hoidong{i}")
        seats.append(CouncilMember.objects.create(round=round_, user=member, role=CouncilRole.MEMBER))
    users["member"] = seats[1].user
    edition = regime.criteria_edition
    for sheet_set in CriteriaSet.objects.filter(code="12", edition=edition):
        if not sheet_set.usable:  # decision 12: the office checked the 2026 sheet against the official text
            domain.confirm_criteria_set(sheet_set, by=users["secretary"])
    return {"round": round_, "dossier": dossier, "users": users, "seats": seats, "expected_edition": edition}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_from_the_communes_receipt_to_the_verified_certificate(
    journey, live_server, page, screenshot, settings, tmp_path
):
    settings.PUBLIC_BASE_URL = live_server.url
    base = live_server.url
    today = timezone.localdate()
    round_, dossier, users = journey["round"], journey["dossier"], journey["users"]
    page.set_viewport_size({"width": 1280, "height": 900})

    # About 80 points with every 3★ and 4★ mark met: a 4★ product for the province (the producer's self-score and the
    # council's sheets alike).
    scoring_set = domain.scoring_set(dossier)
    assert scoring_set.edition == journey["expected_edition"]
    wanted = choices_for(scoring_set, Story("journey", 0, "", "", "12", target=80, keep_star=4))

    # The commune receives the producer's dossier: its receipt number (Mẫu 01) and its 15 working days.
    _login(page, base, users["official"])
    page.goto(f"{base}/ho-so/{dossier.pk}/")
    page.click("[data-testid=receive]")
    page.wait_for_selector("[data-testid=commune-receipt]")
    receipt = page.locator("[data-testid=commune-receipt]").inner_text()
    assert f"/PĐK-24-09856-{today.year}" in receipt
    assert page.locator("[data-testid=commune-check]").count() == 1
    screenshot(page, "2026-commune-received")

    # Mẫu 01 and 02 (the producer's registration and self-assessment, entered by the commune).
    page.goto(f"{base}/ho-so/{dossier.pk}/phieu-dang-ky/")
    page.fill("[name=representative_position]", "Chủ nhiệm hợp tác xã")
    page.fill("[name=sample_count]", "5")
    page.check("input[name=ip_titles][value=trademark]")
    page.click("button[name=next]")
    page.wait_for_selector("[data-testid=complete]")
    for i in range(page.locator("details.self-part").count()):  # parts B and C start folded (phone first)
        part = page.locator("details.self-part").nth(i)
        if not part.evaluate("d => d.open"):
            part.locator("summary").click()
    for code, points in wanted.items():
        page.check(f"input[name='c-{code}'][value='{points}']")
    page.click("[data-testid=complete]")
    page.wait_for_load_state()
    # Mẫu 03: the commune's report and its request to the province.
    page.goto(f"{base}/ho-so/{dossier.pk}/bao-cao-xa/")
    page.fill("[name=r-commune_signer]", "Nguyễn Văn An")
    page.click("button[type=submit]:has-text('Lưu')")
    page.wait_for_load_state()
    for number in ("01", "02", "03"):
        pdf = page.request.get(f"{base}/ho-so/{dossier.pk}/mau-{number}.pdf")
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        path = tmp_path / f"mau-{number}.pdf"
        path.write_bytes(pdf.body())
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
        assert "Chè búp Hòa Long" in text
        if number == "01":
            assert "/PĐK-24-09856-" in text
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path),
             f"{SCREENSHOT_DIR}/2026-mau-{number}"],
            check=True,
        )  # fmt: skip

    # The commune proposes the dossier before the round's cut-off; the province receives it with its own number.
    page.goto(f"{base}/ho-so/{dossier.pk}/")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=province-receipt]")
    assert page.locator("[data-testid=status]").inner_text() == "Đã nộp"
    assert f"/PĐK-24-09856-{today.year}" in page.locator("[data-testid=province-receipt]").inner_text()
    screenshot(page, "2026-commune-proposed")

    # The province accepts it for evaluation.
    _login(page, base, users["secretary"])
    page.goto(f"{base}/ho-so/{dossier.pk}/")
    page.click("[data-testid=accept]")
    page.wait_for_selector("[data-testid=status]")
    assert page.locator("[data-testid=status]").inner_text() == "Đã tiếp nhận để đánh giá"
    page.goto(f"{base}/dot-danh-gia/{round_.pk}/")
    assert "Nhận hồ sơ xã đề nghị đến" in page.locator("[data-testid=round-window]").inner_text()
    page.click("[data-testid=start-scoring]")
    page.wait_for_load_state()

    # A member scores on the 2026 sheet in the browser; the others submit the same sheet.
    sheet = ScoreSheet.objects.get(dossier=dossier, member__user=users["member"])
    assert sheet.criteria_set == scoring_set
    _login(page, base, users["member"])
    page.goto(f"{base}/phieu/{sheet.pk}/")
    for fieldset in page.locator("fieldset[data-criterion]").all():
        code = fieldset.get_attribute("data-criterion")
        if code in wanted:
            fieldset.locator(f"input[type=radio][value='{wanted[code]}']").first.check()
    page.check("[data-testid=attest]")
    page.click("[data-testid=submit-sheet]")
    page.wait_for_selector("[data-testid=result-summary]")
    screenshot(page, "2026-member-result")
    assert ScoreSheet.objects.get(pk=sheet.pk).choices == wanted
    for seat in journey["seats"]:
        other = ScoreSheet.objects.get(dossier=dossier, member=seat)
        if other.status == SheetStatus.DRAFT:
            domain.submit_sheet(other, choices=wanted, by=seat.user)

    # The chair approves the results.
    _login(page, base, users["chair"])
    page.goto(f"{base}/dot-danh-gia/{round_.pk}/")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=consequences]")
    page.click("[data-testid=confirm]")
    page.wait_for_selector("text=Đã phê duyệt kết quả của đợt.")

    # The office records the decision; the product gets its code from the official codes.
    _login(page, base, users["office"])
    page.goto(f"{base}/dot-danh-gia/{round_.pk}/")
    page.click("[data-testid=record-decision]")
    page.wait_for_selector("[data-testid=consequences]")
    page.fill("input[name=number]", "1520/QĐ-UBND")
    page.fill("input[name=date]", today.strftime("%d/%m/%Y"))
    page.fill("input[name=signed_by]", "Phó Chủ tịch UBND tỉnh")
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=decision]")
    recognition = Recognition.objects.get(dossier=dossier)
    assert recognition.product_code == f"24-09856-001-{round_.year.year}"
    assert recognition.product_code in page.locator("[data-testid=decision]").inner_text()
    screenshot(page, "2026-decision")

    # The certificate is issued and its public page verifies it.
    page.click("[data-testid=round-certificates]")
    page.click("[data-testid=issue]")
    page.fill("input[name=issued_on]", today.strftime("%d/%m/%Y"))
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=batch-status]")
    certificate = Certificate.objects.get(recognition=recognition)
    page.context.clear_cookies()
    page.goto(f"{base}/verify/{certificate.code}/")
    text = page.content()
    assert "Chè búp Hòa Long" in text and certificate.number in text
    screenshot(page, "2026-verify")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.ACCEPTED
