"""The regime is configuration (decisions.md 1-2a): the same journey — dossier → sheets → result → decision →
certificate → verification page — under Lục Nam's 2023 district regime and a 2025 province regime, with the words,
the highest star, the forwarding and the product code each regime brings."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from evaluations import certificates, domain
from evaluations.enums import CouncilRole
from evaluations.models import Certificate, CouncilMember, Result
from evaluations.tests.conftest import option_points
from ocop import domain as ocop_domain
from ocop.delivery import render_message
from ocop.enums import AuthorityLevel, Role
from ocop.models import Notification, NotificationKind
from products.enums import DossierStatus
from products.tests.conftest import _complete
from products.tests.factories import DossierFactory, ProducerFactory, RoundFactory, known_regime
from programme.regimes import ensure_regimes

REGIMES = {
    "district": {
        "settings": {"level": AuthorityLevel.DISTRICT, "name": "UBND huyện Lục Nam", "province_code": "BG"},
        "level": "huyện",
        "star": 3,
        "next": "tỉnh",
        "code": "BG-LN-TL-001-{year}",
    },
    "province": {
        "settings": {
            "level": AuthorityLevel.PROVINCE,
            "name": "UBND tỉnh Bắc Giang",
            "short_name": "Bắc Giang",
            "code": "BG",
            "province_code": "BG",
        },
        "level": "tỉnh",
        "star": 4,
        "next": "Bộ Nông nghiệp và Môi trường",
        "code": "BG-TL-001-{year}",
    },
}


DISTRICT_WORD = re.compile(r"\bhuyện\b", re.IGNORECASE)  # the word, not "chuyện"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture(params=sorted(REGIMES))
def regime(request, authority, sysadmin):
    spec = REGIMES[request.param]
    ocop_domain.update_authority_settings(authority, by=sysadmin, **spec["settings"])
    authority.refresh_from_db()
    return request.param, spec


def test_the_whole_journey_under_each_regime(
    regime, authority, commune, commune_official, secretary, district_officer, make_user, client_for, set06,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    name, spec = regime
    ensure_regimes()
    assert authority.max_recognised_star == spec["star"]  # the change of level brought its highest star
    level = spec["level"]
    round_ = RoundFactory(year__authority=authority)
    dossier = DossierFactory(
        product__producer=ProducerFactory(commune=commune, name="Tổ hợp tác chè Thanh Lâm", address="Thôn Đồng"),
        product__name="Chè xanh Thanh Lâm",
        product__criteria_set=set06,
        round=round_,
    )
    _complete(dossier)
    if name == "province":
        # The 2025 province regime (1489): under 26/2026 a product at 90 goes to the ministry without the province's
        # recognition (evaluations/tests/test_results_2026.py).
        dossier.regime = known_regime("qd1489-2025")
        dossier.regime_override_reason = "Hành trình theo Quyết định 1489 (kiểm thử)"  # the office's choice, kept
        dossier.save(update_fields=["regime", "regime_override_reason"])
    official, checker = client_for(commune_official), client_for(secretary)

    # The commune submits "to the district" or "to the province".
    detail = official.get(reverse("products:dossier_detail", args=[dossier.pk])).content.decode()
    assert f"Nộp lên {level}" in detail
    submitted = official.post(reverse("products:dossier_submit", args=[dossier.pk]), follow=True).content.decode()
    assert f"Hồ sơ đã được gửi lên {level}." in submitted
    if name == "province":
        assert not DISTRICT_WORD.search(submitted)

    # Returned with a comment: the email names the regime's level.
    with django_capture_on_commit_callbacks(execute=True):
        checker.post(reverse("products:dossier_return", args=[dossier.pk]), {"item_nhan_san_pham": "Thiếu hạn dùng"})
    row = Notification.objects.get(kind=NotificationKind.DOSSIER_RETURNED, recipient=commune_official, channel="in_app")
    _subject, body = render_message(row, email_to="Cán bộ xã")
    assert f"Cấp {level} đã trả lại hồ sơ" in body
    official.post(reverse("products:dossier_submit", args=[dossier.pk]))
    checker.post(reverse("products:dossier_accept", args=[dossier.pk]))
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.ACCEPTED

    # The council scores every option at its best: 5★ before this authority's cap.
    seats = [CouncilMember.objects.create(round=round_, user=make_user(Role.COUNCIL_CHAIR), role=CouncilRole.CHAIR)]
    seats += [
        CouncilMember.objects.create(round=round_, user=make_user(Role.COUNCIL_MEMBER), role=CouncilRole.MEMBER)
        for _ in range(3)
    ]
    # Filed today: a province dossier falls under Decision 26/2026 and is scored on its sheet of set 06, once the
    # office has checked that set against the official text (decision 12).
    scoring_set = domain.scoring_set(dossier)
    # (The province case is pinned to 1489 above: under 26/2026 a product at 100 goes to the ministry instead.)
    assert scoring_set.edition == "qd148-2023"
    if not scoring_set.usable:
        domain.confirm_criteria_set(scoring_set, by=district_officer)
    checker.post(reverse("evaluations:start_scoring", args=[round_.pk]))
    for seat in seats:
        sheet = dossier.sheets.get(member=seat)
        domain.submit_sheet(sheet, choices=option_points(sheet.criteria_set, -1), by=seat.user)
    result = Result.objects.get(dossier=dossier)
    assert result.star == 5 and result.flags == []
    client_for(seats[0].user).post(reverse("evaluations:approve", args=[round_.pk]), {"confirmed": "1"})

    # The decision recognises at the authority's highest star, with the regime's product code.
    office = client_for(district_officer)
    today = timezone.localdate()
    office.post(
        reverse("evaluations:record_decision", args=[round_.pk]),
        {"number": "88/QĐ-UBND", "date": today.strftime("%d/%m/%Y"), "signed_by": "Phó Chủ tịch", "confirmed": "1"},
    )
    round_.refresh_from_db()
    recognition = round_.decision.recognitions.get()
    assert recognition.star == spec["star"]
    assert recognition.product_code == spec["code"].format(year=today.year)

    # Forwarded on: district → province at 4★; province → ministry at 5★.
    page = office.get(reverse("evaluations:round_detail", args=[round_.pk])).content.decode()
    assert f"Đề nghị lên {spec['next']}" in page

    # The certificate names the authority that issued it, and the address has no district under the province.
    with django_capture_on_commit_callbacks(execute=True):
        office.post(
            reverse("evaluations:issue_certificates", args=[round_.pk]),
            {"issued_on": today.strftime("%d/%m/%Y"), "confirmed": "1"},
        )
    certificate = Certificate.objects.get(recognition=recognition)
    assert certificate.issuer == spec["settings"]["name"]
    text = pdf_text(certificates.certificate_pdf(certificate))
    assert spec["settings"]["name"].upper() in text
    assert f"{spec['star']} SAO" in text.upper()
    assert spec["code"].format(year=today.year) in text
    if name == "province":
        assert not DISTRICT_WORD.search(text.lower())
        assert certificate.producer_address == "Thôn Đồng, xã Thanh Lâm, tỉnh Bắc Giang"
    else:
        assert "huyện Lục Nam" in certificate.producer_address

    # The public verification page.
    verify = client_for(commune_official).get(reverse("evaluations:verify", args=[certificate.code]))
    public = verify.content.decode()
    assert "Chè xanh Thanh Lâm" in public and spec["settings"]["name"] in public


def test_switching_the_level_brings_its_defaults_and_limits(authority, sysadmin):
    from django.core.exceptions import ValidationError

    from ocop.models import PROVINCE_PRODUCT_CODE

    ocop_domain.update_authority_settings(authority, by=sysadmin, level=AuthorityLevel.PROVINCE)
    authority.refresh_from_db()
    assert (authority.max_recognised_star, authority.product_code_format) == (4, PROVINCE_PRODUCT_CODE)
    assert (authority.level_noun, authority.next_level_name) == ("tỉnh", "Bộ Nông nghiệp và Môi trường")
    with pytest.raises(ValidationError) as error:
        ocop_domain.update_authority_settings(authority, by=sysadmin, max_recognised_star=5)
    assert "max_recognised_star" in error.value.error_dict  # 5★ is the ministry's
    with pytest.raises(ValidationError):
        ocop_domain.update_authority_settings(
            authority, by=sysadmin, level=AuthorityLevel.DISTRICT, max_recognised_star=5
        )
    ocop_domain.update_authority_settings(authority, by=sysadmin, level=AuthorityLevel.DISTRICT)
    authority.refresh_from_db()
    assert (authority.max_recognised_star, authority.level_noun, authority.next_level_name) == (3, "huyện", "tỉnh")
