"""A dossier filed under Decision 26/2026 is scored on the 2026 sheet of its product's set code, behind the gate of
decision 12 (an unverified set needs the office's recorded check); the member's sheet is signed."""

import datetime
import io
import re
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from evaluations import domain, printouts
from evaluations.enums import SheetStatus
from evaluations.models import RecognitionDecision, ScoreSheet
from evaluations.tests.conftest import seat_council
from evaluations.tests.test_scoring_2026 import expected_star
from ocop.enums import AuthorityLevel
from products import domain as product_domain
from products.enums import DossierStatus
from products.regime import criteria_set_for_scoring
from products.tests.factories import DossierFactory, ProducerFactory, RoundFactory
from programme.catalogue import sync_catalogue
from programme.criteria import EDITION_148, EDITION_2026, set_for
from programme.enums import RoundStage
from programme.models import CriteriaSet

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


@pytest.fixture
def province(authority):
    authority.level = AuthorityLevel.PROVINCE
    authority.save(update_fields=["level"])
    return authority


@pytest.fixture
def tea_148(db):
    sync_catalogue()
    return CriteriaSet.objects.get(edition=EDITION_148, code="11")


@pytest.fixture
def tea_2026(tea_148):
    return set_for(EDITION_2026, "11")


@pytest.fixture
def round_2026(province):
    today = timezone.localdate()
    return RoundFactory(
        year__authority=province,
        year__year=today.year,
        commune_deadline=today - datetime.timedelta(days=5),
        district_deadline=today + datetime.timedelta(days=5),
    )


@pytest.fixture
def council(make_user, round_2026, secretary):
    return seat_council(round_2026, make_user, secretary)


def filed(day):
    return datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=TZ)


@pytest.fixture
def tea_dossier(commune, round_2026, tea_148):
    """Registered on the 148 set 11 (its product group), filed on 01/06/2026: under Decision 26/2026."""
    return DossierFactory(
        product__producer=ProducerFactory(commune=commune, name="HTX chè Thanh Lâm"),
        product__name="Chè búp Thanh Lâm",
        product__criteria_set=tea_148,
        round=round_2026,
        status=DossierStatus.ACCEPTED,
        submitted_at=filed(datetime.date(2026, 6, 1)),
    )


def test_scoring_cannot_start_on_an_unconfirmed_2026_set(round_2026, council, tea_dossier, tea_2026, secretary):
    with pytest.raises(domain.CriteriaNotChecked) as refused:
        domain.start_scoring(round_2026, by=secretary)
    assert refused.value.sets == [tea_2026]
    assert "26/2026" in " ".join(refused.value.messages)
    round_2026.refresh_from_db()
    assert round_2026.stage == RoundStage.OPEN
    assert not ScoreSheet.objects.exists()

    domain.confirm_criteria_set(tea_2026, by=secretary)
    assert domain.start_scoring(round_2026, by=secretary)
    sheets = ScoreSheet.objects.filter(dossier=tea_dossier)
    assert sheets.count() == 4
    assert {s.criteria_set_id for s in sheets} == {tea_2026.pk}  # the 2026 sheet, not the product's 148 one
    tea_dossier.refresh_from_db()
    assert tea_dossier.regime.code == "qd26-2026"


def test_the_refusal_names_the_set_and_links_to_its_check_page(
    round_2026, council, tea_dossier, tea_2026, secretary, client_for
):
    client = client_for(secretary)
    response = client.post(reverse("evaluations:start_scoring", args=[round_2026.pk]), follow=True)
    html = response.content.decode()
    link = reverse("evaluations:criteria_detail", args=[tea_2026.pk])
    assert f'<a href="{link}">{escape(str(tea_2026))} (26/2026, v1)</a>' in html
    round_2026.refresh_from_db()
    assert round_2026.stage == RoundStage.OPEN


def test_a_dossier_filed_before_22_05_2026_is_scored_on_the_148_sheet(
    round_2026, council, tea_dossier, tea_148, secretary
):
    tea_dossier.submitted_at = filed(datetime.date(2026, 5, 21))
    tea_dossier.save()
    # on 01/07/2026 the old rules still run (first evaluations finish by 21/07/2026)
    product_domain.assign_regime(tea_dossier, now=filed(datetime.date(2026, 7, 1)))
    tea_dossier.refresh_from_db()
    assert tea_dossier.regime.code == "qd1489-2025"
    assert criteria_set_for_scoring(tea_dossier, today=datetime.date(2026, 7, 21)) == tea_148
    # not finished by then: scored on the 2026 sheet of its code
    assert criteria_set_for_scoring(tea_dossier, today=datetime.date(2026, 7, 22)) == set_for(EDITION_2026, "11")


def test_a_recognition_decision_in_time_finishes_an_old_dossier(round_2026, tea_dossier):
    tea_dossier.submitted_at = filed(datetime.date(2026, 5, 21))
    tea_dossier.save()
    RecognitionDecision.objects.create(round=round_2026, number="7/QĐ-UBND", date=datetime.date(2026, 7, 20))
    assert product_domain.assign_regime(tea_dossier, now=filed(datetime.date(2026, 12, 1))).code == "qd1489-2025"
    RecognitionDecision.objects.filter(round=round_2026).update(date=datetime.date(2026, 7, 22))
    assert product_domain.assign_regime(tea_dossier, now=filed(datetime.date(2026, 12, 1))).code == "qd26-2026"


@pytest.fixture
def scoring_tea(round_2026, council, tea_dossier, tea_2026, secretary):
    domain.confirm_criteria_set(tea_2026, by=secretary)
    domain.start_scoring(round_2026, by=secretary)
    return tea_dossier


def choices_at(criteria_set, index):
    return {
        c["code"]: c["options"][min(index, len(c["options"]) - 1)]["points"] for _p, _s, c in criteria_set.criteria()
    }


def test_the_council_result_on_the_2026_sheet_agrees(scoring_tea, council, tea_2026):
    choice_sets = []
    for n, seat in enumerate(council):
        choices = choices_at(tea_2026, 1 + n % 2)
        domain.submit_sheet(scoring_tea.sheets.get(member=seat), choices=choices, by=seat.user)
        choice_sets.append(choices)
    scoring_tea.result.refresh_from_db()
    _mean, _band, star = expected_star("11", choice_sets)
    assert scoring_tea.result.star == star
    assert scoring_tea.result.sheet_count == 4


def test_submitting_without_the_attestation_is_refused(scoring_tea, council, tea_2026):
    seat = council[1]
    sheet = scoring_tea.sheets.get(member=seat)
    with pytest.raises(ValidationError):
        domain.submit_sheet(sheet, choices=choices_at(tea_2026, 1), attested=False, by=seat.user)
    sheet.refresh_from_db()
    assert (sheet.status, sheet.attested_at) == (SheetStatus.DRAFT, None)
    assert domain.submit_sheet(sheet, choices=choices_at(tea_2026, 1), attested=True, by=seat.user)
    sheet.refresh_from_db()
    assert sheet.attested_by == seat.user and sheet.attested_at == sheet.submitted_at


def test_the_online_sheet_asks_for_the_attestation_and_keeps_the_choices(scoring_tea, council, tea_2026, client_for):
    seat = council[1]
    sheet = scoring_tea.sheets.get(member=seat)
    url = reverse("evaluations:sheet", args=[sheet.pk])
    client = client_for(seat.user)
    page = client.get(url).content.decode()
    # the 2026 sheet: its third level, remarks, inferred options, the header's disqualifier, the opinion, the tick
    assert 'data-subsection="6.1"' in page and 'data-subsection="6.2"' in page
    assert page.count('data-testid="inferred"') == 2  # the two options of 2.4
    assert "suy luận, chưa có trong văn bản" in page
    assert "Hồ sơ bị loại khi" in page
    assert "Ý kiến của người đánh giá" in page
    assert 'name="attest"' in page
    form = {f"c-{code}": points for code, points in choices_at(tea_2026, 1).items()}
    form |= {"comment": "Sản phẩm có câu chuyện tốt", "submit": "1"}
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "Đánh dấu ô xác nhận" in refused.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT and sheet.comment == "Sản phẩm có câu chuyện tốt"
    assert sheet.choices == {k: int(v) for k, v in choices_at(tea_2026, 1).items()}  # nothing typed is lost
    accepted = client.post(url, form | {"attest": "1"})
    assert accepted.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED and sheet.attested_by == seat.user
    shown = client.get(url).content.decode()
    assert 'data-testid="attestation"' in shown


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))
    return re.sub(r"\s+", " ", text)


def test_the_printed_sheet_is_signed_with_the_opinion(scoring_tea, council, tea_2026):
    seat = council[1]
    sheet = scoring_tea.sheets.get(member=seat)
    domain.submit_sheet(sheet, choices=choices_at(tea_2026, 1), comment="Cần bổ sung nhãn song ngữ", by=seat.user)
    sheet = printouts.load_sheet(sheet.pk)
    text = pdf_text(printouts.sheet_pdf(sheet))
    assert "Ý kiến của người đánh giá" in text and "Cần bổ sung nhãn song ngữ" in text
    assert "NGƯỜI ĐÁNH GIÁ (Ký và ghi rõ họ tên)" in text  # the signature block's title is in capitals
    assert printouts.member_name(seat) in text
    assert timezone.localtime(sheet.attested_at).strftime("%d/%m/%Y") in text
    assert "6.1 Ngoại hình" in text and "6.2 Nước pha" in text
    assert "suy luận, chưa có trong văn bản" in text


# ---------------------------------------------------------------------------------------------------------------------
# The criteria pages: the sheet and its warnings side by side; the edition and the state in the list.
# ---------------------------------------------------------------------------------------------------------------------
def test_the_check_page_shows_each_warning_beside_its_criterion(tea_2026, secretary, client_for):
    client = client_for(secretary)
    url = reverse("evaluations:criteria_detail", args=[tea_2026.pk])
    html = client.get(url).content.decode()
    row = html[html.index('data-criterion="6.1.1"') :]
    row = row[: row.index("criteria-row", 20)]
    assert 'data-testid="criterion-warning"' in row and "6.1.1" in row and "11" in row
    for code in ("2.4", "1.2"):
        start = html.index(f'data-criterion="{code}"')
        assert 'data-testid="criterion-warning"' in html[start : html.index("criteria-row", start + 20)]
    assert 'data-testid="confirm"' in html
    client.post(reverse("evaluations:confirm_criteria", args=[tea_2026.pk]))
    html = client.get(url).content.decode()
    assert 'data-testid="confirm"' not in html
    tea_2026.refresh_from_db()
    assert tea_2026.confirmed_by == secretary
    assert 'data-testid="confirmed"' in html and tea_2026.confirmed_at.astimezone(TZ).strftime("%d/%m/%Y") in html


def test_a_warning_naming_no_criterion_stays_at_the_top(tea_148, secretary, client_for):
    tourism = set_for(EDITION_2026, "26")
    html = client_for(secretary).get(reverse("evaluations:criteria_detail", args=[tourism.pk])).content.decode()
    top = html[html.index('data-testid="general-warnings"') :]
    assert "(35 Điểm)" in top[: top.index("</ul>")]
    assert 'data-testid="criterion-warning"' not in html


def test_the_list_shows_the_edition_and_the_state(tea_2026, secretary, client_for):
    domain.confirm_criteria_set(tea_2026, by=secretary)
    client = client_for(secretary)
    first = client.get(reverse("evaluations:criteria_list")).content.decode()
    second = client.get(reverse("evaluations:criteria_list") + "?page=2").content.decode()
    # one edition per page, the sets of 26/2026 first
    assert re.findall(r'data-testid="edition">([^<]*)<', first) == ["26/2026"] * 26
    assert re.findall(r'data-testid="edition">([^<]*)<', second) == ["148"] * 26
    assert "cán bộ đã đối chiếu" in first
