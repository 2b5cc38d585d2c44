"""Decision 26/2026 (issue 20, items 5-7): rounds with cut-offs and end dates, results below 3★ with no decision, the
ministry path for a product at 90 or more with its fallback, and product codes from the official codes."""

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from evaluations import domain, issuing, ministry
from evaluations.models import Certificate, MinistryReferral, ProductNumber, Recognition, RecognitionDecision, Result
from evaluations.programme import create_round, round_initial
from funding.models import Entitlement
from funding.policies import NQ67, load_policy
from ocop import domain as ocop_domain
from ocop.enums import AuthorityLevel, Role
from ocop.models import AuditEntry
from ocop.tests.factories import CommuneFactory
from products import domain as product_domain
from products.enums import DossierStatus
from products.tests.conftest import _complete
from products.tests.factories import DossierFactory, ProducerFactory, ProgrammeYearFactory, RoundFactory, known_regime
from programme.enums import RoundStage
from programme.regimes import ensure_regimes

TZ = datetime.timezone(datetime.timedelta(hours=7))
POLICY_2026 = NQ67 | {
    "legal_basis": "Chính sách thử năm 2026",
    "valid_from": datetime.date(2026, 1, 1),
    "valid_to": None,
}


def at(day: datetime.date, hour=10, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


@pytest.fixture
def province(authority, sysadmin):
    """The authority as the province of Bắc Ninh (official code 24) with its regimes loaded."""
    ocop_domain.update_authority_settings(
        authority, by=sysadmin, level=AuthorityLevel.PROVINCE, name="UBND tỉnh Bắc Ninh", short_name="Bắc Ninh",
        code="BN", province_code="24",
    )  # fmt: skip
    authority.refresh_from_db()
    ensure_regimes()
    return authority


@pytest.fixture
def qd26(province):
    return known_regime("qd26-2026")


@pytest.fixture
def coded_commune(commune):
    commune.code = "10123"
    commune.save(update_fields=["code"])
    return commune


def approved_round(authority, year=2026, number=1, **values):
    today = timezone.localdate()
    return RoundFactory(
        year=ProgrammeYearFactory(authority=authority, year=year),
        number=number,
        commune_deadline=values.pop("commune_deadline", today - datetime.timedelta(days=30)),
        district_deadline=values.pop("district_deadline", today - datetime.timedelta(days=20)),
        stage=RoundStage.APPROVED,
        approved_at=timezone.now() - datetime.timedelta(days=2),
        **values,
    )


def scored(round_, commune, set06, *, mean, star, regime, name=None, product=None) -> Result:
    """An accepted dossier with its council result (4 sheets, ``mean`` each)."""
    extra = {"product": product} if product else {"product__producer": ProducerFactory(commune=commune)}
    if name and not product:
        extra["product__name"] = name
    if not product:
        extra["product__criteria_set"] = set06
    dossier = DossierFactory(round=round_, status=DossierStatus.ACCEPTED, regime=regime, **extra)
    mean = Decimal(mean)
    band = 5 if mean >= 90 else 4 if mean >= 70 else 3 if mean >= 50 else 2 if mean >= 30 else 1
    return Result.objects.create(
        dossier=dossier, sheet_count=4, expected_count=4, points_sum=int(mean * 4), mean=mean,
        min_total=int(mean), max_total=int(mean), band_star=band, star=star,
    )  # fmt: skip


def decide(round_, by, number="12/QĐ-UBND"):
    return domain.record_decision(
        round_, number=number, date=timezone.localdate(), signed_by="Chủ tịch UBND tỉnh", by=by
    )


# ---------------------------------------------------------------------------------------------------- 5. rounds
@time_machine.travel(at(datetime.date(2026, 8, 1)), tick=False)
def test_the_round_form_proposes_the_windows_of_26_2026(province, district_officer, client_for):
    year = ProgrammeYearFactory(authority=province, year=2026)
    first = round_initial(year)
    assert (first["proposal_cutoff"], first["closes_by"]) == (datetime.date(2026, 4, 30), datetime.date(2026, 6, 30))
    assert first["commune_deadline"] == datetime.date(2026, 4, 30)
    assert first["district_deadline"] == datetime.date(2026, 6, 15)
    create_round(year, by=district_officer)
    second = create_round(year, by=district_officer)
    assert (second.proposal_cutoff, second.closes_by) == (datetime.date(2026, 10, 30), datetime.date(2026, 12, 30))
    # The form shows the proposed dates to the office.
    page = client_for(district_officer).get(reverse("evaluations:round_create", args=[year.pk])).content.decode()
    assert "Hạn xã đề nghị" in page and "30/04/2026" not in page  # round 3 repeats the last window
    assert 'value="30/10/2026"' in page and 'value="30/12/2026"' in page


@time_machine.travel(at(datetime.date(2024, 3, 1)), tick=False)
def test_a_148_year_keeps_decision_21s_dates(authority):
    ensure_regimes()
    year = ProgrammeYearFactory(authority=authority, year=2024)
    initial = round_initial(year)
    assert "proposal_cutoff" not in initial
    assert (initial["commune_deadline"], initial["district_deadline"]) == (
        datetime.date(2024, 6, 10),
        datetime.date(2024, 6, 15),
    )


@pytest.fixture
def windowed_rounds(province):
    year = ProgrammeYearFactory(authority=province, year=2026)
    first = RoundFactory(
        year=year, number=1, commune_deadline=datetime.date(2026, 4, 30), district_deadline=datetime.date(2026, 6, 15),
        proposal_cutoff=datetime.date(2026, 4, 30), closes_by=datetime.date(2026, 6, 30),
    )  # fmt: skip
    second = RoundFactory(
        year=year, number=2, commune_deadline=datetime.date(2026, 10, 30),
        district_deadline=datetime.date(2026, 12, 15), proposal_cutoff=datetime.date(2026, 10, 30),
        closes_by=datetime.date(2026, 12, 30),
    )  # fmt: skip
    return first, second


def test_a_proposal_after_the_cut_off_is_refused_naming_the_next_round(
    windowed_rounds, commune, commune_official, district_officer
):
    first, _second = windowed_rounds
    late = DossierFactory(round=first, product__producer=ProducerFactory(commune=commune))
    _complete(late)
    on_time = DossierFactory(round=first, product__producer=ProducerFactory(commune=commune))
    _complete(on_time)
    # 23:30 on the cut-off day is in time.
    assert product_domain.submit_dossier(on_time, by=commune_official, now=at(datetime.date(2026, 4, 30), 23, 30))
    # An extension cannot pass the cut-off under 26/2026.
    with translation.override("vi"), pytest.raises(ValidationError) as extension:
        product_domain.grant_extension(late, by=district_officer, until=datetime.date(2026, 5, 10))
    assert "không thể gia hạn" in " ".join(extension.value.messages)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        product_domain.submit_dossier(late, by=commune_official, now=at(datetime.date(2026, 5, 1), 8))
    message = " ".join(refused.value.messages)
    assert "Đợt 1/2026" in message and "30/04/2026" in message
    assert "Đợt 2/2026" in message and "30/10/2026" in message
    late.refresh_from_db()
    assert late.status == DossierStatus.DRAFT and late.submitted_at is None


def test_without_a_later_round_the_message_names_the_next_window(province, commune, commune_official):
    year = ProgrammeYearFactory(authority=province, year=2026)
    only = RoundFactory(
        year=year, number=1, commune_deadline=datetime.date(2026, 4, 30), district_deadline=datetime.date(2026, 6, 15),
        proposal_cutoff=datetime.date(2026, 4, 30), closes_by=datetime.date(2026, 6, 30),
    )  # fmt: skip
    dossier = DossierFactory(round=only, product__producer=ProducerFactory(commune=commune))
    _complete(dossier)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        product_domain.submit_dossier(dossier, by=commune_official, now=at(datetime.date(2026, 5, 2)))
    assert "đợt 2/2026" in " ".join(refused.value.messages).lower()
    assert "30/10/2026" in " ".join(refused.value.messages)


def test_a_returned_dossier_proposed_in_time_may_come_back_after_the_cut_off(
    windowed_rounds, commune, commune_official, secretary
):
    first, _second = windowed_rounds
    dossier = DossierFactory(round=first, product__producer=ProducerFactory(commune=commune))
    _complete(dossier)
    product_domain.submit_dossier(dossier, by=commune_official, now=at(datetime.date(2026, 4, 29)))
    product_domain.return_dossier(
        dossier, by=secretary, comments=[("", "Bổ sung nhãn")], now=at(datetime.date(2026, 5, 2))
    )
    dossier.extension_until = datetime.date(2026, 5, 20)  # the province gave time to supplement
    dossier.save(update_fields=["extension_until"])
    assert product_domain.submit_dossier(dossier, by=commune_official, now=at(datetime.date(2026, 5, 5)))


def test_the_round_page_shows_the_end_date_with_days_left_and_flags_it_overdue(
    province, district_officer, client_for, secretary, make_user
):
    year = ProgrammeYearFactory(authority=province, year=2026)
    round_ = RoundFactory(
        year=year, number=2, commune_deadline=datetime.date(2026, 10, 30),
        district_deadline=datetime.date(2026, 12, 15), proposal_cutoff=datetime.date(2026, 10, 30),
        closes_by=datetime.date(2026, 12, 30),
    )  # fmt: skip
    url = reverse("evaluations:round_detail", args=[round_.pk])

    def page_on(day):  # a session of its own on that day (sessions end after 8 idle hours)
        with time_machine.travel(at(day), tick=False):
            return client_for(district_officer).get(url).content.decode()

    page = page_on(datetime.date(2026, 12, 20))
    assert "30/12/2026" in page and "còn 10 ngày" in page and "quá hạn" not in page
    page = page_on(datetime.date(2026, 12, 31))
    assert 'data-testid="round-late"' in page and "quá hạn" in page
    # Approved after the end date: still possible, and flagged.
    round_.stage, round_.approved_at = RoundStage.APPROVED, at(datetime.date(2027, 1, 5))
    round_.save(update_fields=["stage", "approved_at"])
    page = page_on(datetime.date(2027, 1, 6))
    assert "quá hạn" in page and "05/01/2027" in page
    # Approved in time: no flag.
    round_.approved_at = at(datetime.date(2026, 12, 29))
    round_.save(update_fields=["approved_at"])
    assert "quá hạn" not in page_on(datetime.date(2027, 1, 6))


def test_the_round_form_refuses_an_end_before_the_cut_off(province, district_officer):
    year = ProgrammeYearFactory(authority=province, year=2026)
    with pytest.raises(ValidationError) as refused:
        create_round(
            year, by=district_officer, commune_deadline=datetime.date(2026, 4, 30),
            district_deadline=datetime.date(2026, 5, 15), proposal_cutoff=datetime.date(2026, 4, 30),
            closes_by=datetime.date(2026, 4, 1),
        )  # fmt: skip
    assert "closes_by" in refused.value.message_dict


# ---------------------------------------------------------------------------------------------------- 6. results
def test_two_stars_get_no_decision_no_certificate_no_entitlement(
    province, qd26, coded_commune, set06, district_officer, client_for, secretary
):
    load_policy(province, POLICY_2026)
    round_ = approved_round(province)
    two = scored(round_, coded_commune, set06, mean="45", star=2, regime=qd26, name="Mật ong rừng")
    held = scored(round_, coded_commune, set06, mean="74", star=2, regime=qd26, name="Chè búp")  # missed a 3★ mark
    three = scored(round_, coded_commune, set06, mean="60", star=3, regime=qd26, name="Bánh gai")
    decision = decide(round_, district_officer)
    assert list(decision.recognitions.values_list("dossier_id", flat=True)) == [three.dossier_id]
    assert not Recognition.objects.filter(dossier__in=[two.dossier, held.dossier]).exists()
    assert Entitlement.objects.filter(product=three.dossier.product).count() == 1
    assert not Entitlement.objects.filter(product__in=[two.dossier.product, held.dossier.product]).exists()
    issuing.issue_certificate(decision.recognitions.get(), by=district_officer)
    assert Certificate.objects.filter(product=three.dossier.product).exists()
    assert not Certificate.objects.filter(product__in=[two.dossier.product, held.dossier.product]).exists()

    office = client_for(district_officer)
    result_page = office.get(reverse("evaluations:result", args=[held.dossier_id])).content.decode()
    assert "Không được công nhận (dưới 3 sao)" in result_page
    assert (
        "Không được công nhận"
        not in office.get(reverse("evaluations:result", args=[three.dossier_id])).content.decode()
    )
    dossier_page = office.get(reverse("products:dossier_detail", args=[two.dossier_id])).content.decode()
    assert "Không được công nhận (dưới 3 sao)" in dossier_page
    recognised_page = office.get(reverse("products:dossier_detail", args=[three.dossier_id])).content.decode()
    assert "24-10123-001-2026" in recognised_page
    round_page = office.get(reverse("evaluations:round_detail", args=[round_.pk])).content.decode()
    assert round_page.count('data-testid="not-recognised"') == 2


@pytest.fixture
def at_ninety(province, qd26, coded_commune, set06):
    round_ = approved_round(province)
    return scored(round_, coded_commune, set06, mean="93.50", star=5, regime=qd26, name="Gà Hồ")


def test_a_product_at_90_is_not_in_the_round_decision_and_goes_to_the_ministry(at_ninety, district_officer, client_for):
    round_ = at_ninety.dossier.round
    office = client_for(district_officer)
    assert "Chờ phê duyệt kết quả" in office.get(reverse("evaluations:round_detail", args=[round_.pk])).content.decode()
    decision = decide(round_, district_officer)
    assert decision.recognitions.count() == 0
    # The province approves the result and sends the product (a POST form).
    today = timezone.localdate()
    response = office.post(
        reverse("evaluations:ministry_approve", args=[at_ninety.dossier_id]),
        {"number": "99/QĐ-UBND", "date": today.strftime("%d/%m/%Y")},
        follow=True,
    )
    page = response.content.decode()
    assert "Đã gửi Bộ, chờ kết quả" in page and "99/QĐ-UBND" in page
    referral = MinistryReferral.objects.get(result=at_ninety)
    assert referral.sent_on == today
    # Idempotent: the same POST changes nothing.
    assert ministry.approve_for_ministry(at_ninety, number="99/QĐ-UBND", date=today, by=district_officer) is False
    assert AuditEntry.objects.filter(action="result.ministry_sent").count() == 1
    # The ministry recognises 5★ (its certificate is recorded from the scan, not generated).
    assert ministry.record_ministry_outcome(
        at_ninety, recognised=True, decision="321/QĐ-BNNMT", date=today, by=district_officer
    )
    assert not ministry.record_ministry_outcome(
        at_ninety, recognised=True, decision="321/QĐ-BNNMT", date=today, by=district_officer
    )
    at_ninety.refresh_from_db()
    assert (at_ninety.province_result_star, at_ninety.province_decision) == (5, "321/QĐ-BNNMT")
    page = office.get(reverse("evaluations:result", args=[at_ninety.dossier_id])).content.decode()
    assert "Bộ công nhận 5 sao" in page
    assert reverse("evaluations:certificate_record") in page
    assert not Recognition.objects.filter(dossier=at_ninety.dossier).exists()
    assert not Certificate.objects.filter(product=at_ninety.dossier.product).exists()


def test_the_ministry_did_not_confirm_90_and_the_province_recognises_4_stars(
    at_ninety, district_officer, client_for, commune_official
):
    load_policy(at_ninety.dossier.round.year.authority, POLICY_2026)
    round_ = at_ninety.dossier.round
    today = timezone.localdate()
    decide(round_, district_officer)
    with pytest.raises(ValidationError):  # not before the approval and sending
        ministry.record_ministry_outcome(at_ninety, recognised=False, by=district_officer)
    ministry.approve_for_ministry(at_ninety, number="99/QĐ-UBND", date=today, by=district_officer)
    office = client_for(district_officer)
    office.post(
        reverse("evaluations:ministry_outcome", args=[at_ninety.dossier_id]),
        {"recognised": "no", "decision": "55/BNNMT-VPĐP", "date": today.strftime("%d/%m/%Y")},
    )
    page = office.get(reverse("evaluations:result", args=[at_ninety.dossier_id])).content.decode()
    assert "Bộ không công nhận đạt 90 điểm" in page and 'data-testid="central-form"' in page

    # A central score below 50 recognises nothing; the form comes back with what was typed.
    refused = office.post(
        reverse("evaluations:central_recognition", args=[at_ninety.dossier_id]),
        {"central_score": "45", "number": "7/QĐ-UBND", "date": today.strftime("%d/%m/%Y"), "signed_by": "Chủ tịch"},
    ).content.decode()
    assert "dưới 3 sao" in refused and 'value="7/QĐ-UBND"' in refused
    assert not Recognition.objects.filter(dossier=at_ninety.dossier).exists()

    office.post(
        reverse("evaluations:central_recognition", args=[at_ninety.dossier_id]),
        {"central_score": "86,5", "number": "7/QĐ-UBND", "date": today.strftime("%d/%m/%Y"), "signed_by": "Chủ tịch"},
    )
    recognition = Recognition.objects.select_related("decision").get(dossier=at_ninety.dossier)
    assert recognition.star == 4  # band 4★ at 86.5, and the province's cap
    assert recognition.decision.on_central_evaluation and recognition.decision.number == "7/QĐ-UBND"
    assert recognition.product_code == "24-10123-001-2026"
    assert MinistryReferral.objects.get(result=at_ninety).central_score == Decimal("86.50")
    assert round_.decision.number == "12/QĐ-UBND"  # the round's own decision is still the round's
    # The decision hook created the entitlement; a repeat changes nothing.
    assert Entitlement.objects.filter(recognition=recognition).count() == 1
    assert (
        ministry.recognise_on_central_evaluation(
            at_ninety, central_score="86.5", number="7/QĐ-UBND", date=today, signed_by="Chủ tịch", by=district_officer
        )
        is False
    )
    # The ministry's outcome is fixed once the province recognised the product.
    with pytest.raises(ValidationError):
        ministry.record_ministry_outcome(at_ninety, recognised=True, decision="1/QĐ", date=today, by=district_officer)
    # Its certificate is issued as for the province's own recognitions, and verifies publicly.
    certificate = issuing.issue_certificate(recognition, by=district_officer)
    assert certificate.star == 4 and certificate.decision_number == "7/QĐ-UBND"
    public = client_for(commune_official).get(reverse("evaluations:verify", args=[certificate.code])).content.decode()
    assert "Gà Hồ" in public
    dossier_page = office.get(reverse("products:dossier_detail", args=[at_ninety.dossier_id])).content.decode()
    assert "24-10123-001-2026" in dossier_page


def test_the_central_star_follows_the_bands_capped_at_4(at_ninety):
    assert ministry.central_star(Decimal("89.99"), at_ninety, 4) == 4
    assert ministry.central_star(Decimal("95"), at_ninety, 4) == 4
    assert ministry.central_star(Decimal("69.99"), at_ninety, 4) == 3
    assert ministry.central_star(Decimal("49.99"), at_ninety, 4) == 2


def test_under_1489_a_product_at_90_is_still_recognised_at_4_and_forwarded(
    province, set06, coded_commune, district_officer
):
    old = known_regime("qd1489-2025")
    round_ = approved_round(province, year=2026)
    result = scored(round_, coded_commune, set06, mean="95", star=5, regime=old)
    decision = decide(round_, district_officer)
    assert decision.recognitions.get().star == 4
    assert not domain.goes_to_ministry(result, province)
    with pytest.raises(ValidationError):
        ministry.approve_for_ministry(result, number="1", date=timezone.localdate(), by=district_officer)


@pytest.mark.parametrize(
    "persona,allowed",
    [
        ("district_officer", True),
        ("secretary", False),
        ("chair", False),
        ("commune_official", False),
        ("no_role_user", False),
    ],
)
def test_the_ministry_forms_per_role(at_ninety, persona, allowed, request, client_for):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    today = timezone.localdate().strftime("%d/%m/%Y")
    url = reverse("evaluations:ministry_approve", args=[at_ninety.dossier_id])
    response = client.post(url, {"number": "99/QĐ-UBND", "date": today})
    assert MinistryReferral.objects.filter(result=at_ninety).exists() == allowed
    if not allowed:
        assert response.status_code in (403, 404)
        assert client.post(reverse("evaluations:ministry_outcome", args=[at_ninety.dossier_id]), {}).status_code in (
            403,
            404,
        )
        assert client.post(reverse("evaluations:central_recognition", args=[at_ninety.dossier_id]), {}).status_code in (
            403,
            404,
        )
    page = client.get(reverse("evaluations:result", args=[at_ninety.dossier_id]))
    if page.status_code == 200:
        assert ('data-testid="ministry-outcome-form"' in page.content.decode()) == allowed
    with pytest.raises(PermissionDenied) if not allowed else _nothing():
        ministry.record_ministry_outcome(at_ninety, recognised=False, by=user)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_an_outsider_commune_gets_404_on_the_result(at_ninety, outsider_official, client_for):
    client = client_for(outsider_official)
    assert client.get(reverse("evaluations:result", args=[at_ninety.dossier_id])).status_code == 404


# ---------------------------------------------------------------------------------------------------- 7. codes
def test_codes_from_official_codes_with_a_sequence_per_commune(province, qd26, coded_commune, set06, district_officer):
    other = CommuneFactory(authority=province, name="Phù Lãng", code="09868")
    round_ = approved_round(province)
    a = scored(round_, coded_commune, set06, mean="60", star=3, regime=qd26, name="A")
    b = scored(round_, coded_commune, set06, mean="75", star=4, regime=qd26, name="B")
    c = scored(round_, other, set06, mean="55", star=3, regime=qd26, name="C")
    decide(round_, district_officer)
    codes = dict(Recognition.objects.values_list("dossier_id", "product_code"))
    assert codes[c.dossier_id] == "24-09868-001-2026"
    assert sorted([codes[a.dossier_id], codes[b.dossier_id]]) == ["24-10123-001-2026", "24-10123-002-2026"]

    # The next year: a new product takes the commune's next number; a re-evaluated one keeps its own.
    next_round = approved_round(province, year=2027)
    again = scored(next_round, coded_commune, set06, mean="80", star=4, regime=qd26, product=a.dossier.product)
    new = scored(next_round, coded_commune, set06, mean="65", star=3, regime=qd26, name="D")
    decide(next_round, district_officer, number="3/QĐ-UBND")
    codes = dict(Recognition.objects.values_list("dossier_id", "product_code"))
    a_seq = codes[a.dossier_id].split("-")[2]
    assert codes[again.dossier_id] == f"24-10123-{a_seq}-2027"
    assert codes[new.dossier_id] == "24-10123-003-2027"
    assert codes[c.dossier_id] == "24-09868-001-2026"  # issued codes never change


def test_a_missing_code_falls_back_to_initials_with_a_warning(
    province, qd26, commune, set06, district_officer, client_for
):
    round_ = approved_round(province)
    result = scored(round_, commune, set06, mean="60", star=3, regime=qd26)
    page = client_for(district_officer).get(reverse("evaluations:record_decision", args=[round_.pk])).content.decode()
    assert "Xã chưa có mã đơn vị hành chính" in page and "Thanh Lâm" in page
    decide(round_, district_officer)
    code = Recognition.objects.get(dossier=result.dossier).product_code
    assert code.startswith("24-TL-") and code.endswith(f"-{timezone.localdate().year}")
    assert not ProductNumber.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_take_gap_free_numbers(sysadmin, make_user):
    """Two rounds' decisions recorded at the same moment in two connections: 001 and 002, never twice the same."""
    from ocop.tests.factories import AuthorityFactory
    from programme.catalogue import sync_catalogue
    from programme.models import CriteriaSet

    sync_catalogue()
    set06 = CriteriaSet.objects.get(code="06", version=1, edition="qd148-2023")
    authority = AuthorityFactory(code="BN", name="UBND tỉnh Bắc Ninh")
    ocop_domain.update_authority_settings(authority, by=sysadmin, level=AuthorityLevel.PROVINCE, province_code="24")
    authority.refresh_from_db()
    ensure_regimes()
    qd26 = known_regime("qd26-2026")
    office = make_user(Role.DISTRICT_OFFICE, username="van-phong")
    commune = CommuneFactory(authority=authority, name="Hòa Long", code="09856")
    rounds = [approved_round(authority, number=n) for n in (1, 2)]
    for round_ in rounds:
        scored(round_, commune, set06, mean="60", star=3, regime=qd26)
    barrier = threading.Barrier(2)
    errors = []

    def record(round_):
        try:
            barrier.wait(timeout=10)
            decide(round_, office, number=f"{round_.number}/QĐ-UBND")
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(r,)) for r in rounds]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    codes = sorted(Recognition.objects.values_list("product_code", flat=True))
    assert codes == ["24-09856-001-2026", "24-09856-002-2026"]
    assert sorted(ProductNumber.objects.values_list("seq", flat=True)) == [1, 2]
    assert RecognitionDecision.objects.count() == 2
