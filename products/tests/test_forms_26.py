"""Decision 26/2026's forms (Mẫu 01, 02, 03): the data, the producer's self-score, who may see and edit them, the PDFs,
and the council's pages showing the self-score beside its own."""

import datetime
import subprocess
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ocop.enums import Role
from ocop.models import AuditEntry
from products import forms_data, registration
from products.enums import DossierStatus
from products.models import Document, Registration, SelfEvidence
from products.tests.factories import PDF_BYTES, DossierFactory, ProducerFactory, known_regime
from programme.models import CriteriaSet
from programme.regimes import ensure_regimes


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def squash(text: str) -> str:
    return " ".join(text.split())


def options_at(criteria_set, level):
    """{criterion: points} choosing the option at ``level`` (0 lowest, -1 best); one case per choose-one section."""
    choices = {}
    for part in criteria_set.sheet:
        for section in part["sections"]:
            for criterion in section["criteria"][:1] if section.get("choose_one") else section["criteria"]:
                options = criterion["options"]
                choices[criterion["code"]] = options[level if level < 0 else min(level, len(options) - 1)]["points"]
    return choices


def expected_star(criteria_set, choices):
    """Decisions 6-8 computed here, independently of the project's scoring module, for a council of one."""
    total = sum(choices.values())
    band = next((star for star, floor in ((5, 90), (4, 70), (3, 50), (2, 30)) if total >= floor), 1)
    failed = set()
    for _part, _section, criterion in criteria_set.criteria():
        if criterion["code"] not in choices:
            continue
        for option in criterion["options"]:
            if option.get("min_for_star") and choices[criterion["code"]] < option["points"]:
                failed.add(option["min_for_star"])
    if band < 3:
        return band
    star = band
    while star >= 3 and any(level <= star for level in failed):
        star -= 1
    return max(star, 2)


@pytest.fixture
def old_dossier(commune, set06, authority):
    """A dossier under Decision 148 (a district in 2024): no forms."""
    ensure_regimes()
    return DossierFactory(
        product__producer=ProducerFactory(commune=commune),
        product__criteria_set=set06,
        round__year__authority=authority,
        regime=known_regime("qd148-2023"),
    )


@pytest.fixture
def sheet06(forms_dossier, set06):
    """The sheet a 26/2026 dossier of group 06 is scored, and self-assessed, on: the 2026 set 06."""
    chosen = forms_data.scoring_set(forms_dossier)
    assert (chosen.edition, chosen.code) == ("qd26-2026", "06")
    return chosen


def _document(dossier, name="hop-dong-nguyen-lieu.pdf"):
    return Document.objects.create(
        dossier=dossier,
        item="other",
        file=f"dossiers/{dossier.pk}/{name}",
        original_name=name,
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
    )


# ---------------------------------------------------------------------------- data and the self-score
def test_forms_follow_the_regime(forms_dossier, old_dossier):
    assert forms_data.uses_forms(forms_dossier) is True
    assert forms_data.uses_forms(old_dossier) is False


def test_sample_count_is_five_but_none_for_tourism(forms_dossier, sheet06):
    assert forms_data.sample_count(forms_data.registration_of(forms_dossier)) == 5
    tourism = CriteriaSet.objects.get(edition="qd148-2023", code="26", version=1)  # a product group is a 148 set
    forms_dossier.product.criteria_set = tourism
    assert forms_data.sample_count(forms_data.registration_of(forms_dossier)) == 0


def test_reading_writes_nothing(forms_dossier):
    forms_data.registration_of(forms_dossier)
    forms_data.self_outcome(forms_data.registration_of(forms_dossier))
    assert not Registration.objects.exists()


def test_draft_self_assessment_keeps_partial_choices(forms_dossier, commune_official, sheet06):
    best = options_at(sheet06, -1)
    first_three = dict(list(best.items())[:3])
    assert registration.save_self_assessment(forms_dossier, by=commune_official, choices=first_three, evidence={})
    saved = Registration.objects.get(dossier=forms_dossier)
    assert saved.self_choices == first_three
    assert saved.criteria_set == sheet06
    assert saved.self_assessed_at is None
    outcome = forms_data.self_outcome(saved)
    assert outcome.total == sum(first_three.values())
    assert outcome.star is None  # provisional star only once every criterion is chosen
    assert outcome.chosen == 3
    assert outcome.required == len(best)
    row = AuditEntry.objects.filter(object_id=forms_dossier.pk, action="registration.self_assessment_saved").get()
    assert row.changes == {"self_score_total": [None, sum(first_three.values())]}


@pytest.mark.parametrize("level", [0, 1, -1])
def test_complete_self_assessment_total_and_star(forms_dossier, commune_official, sheet06, level):
    choices = options_at(sheet06, level)
    registration.save_self_assessment(forms_dossier, by=commune_official, choices=choices, evidence={}, complete=True)
    saved = Registration.objects.get(dossier=forms_dossier)
    outcome = forms_data.self_outcome(saved)
    assert saved.self_assessed_at is not None
    assert outcome.total == sum(choices.values())
    assert outcome.star == expected_star(sheet06, choices)
    assert outcome.complete


def test_complete_refused_while_a_criterion_is_missing(forms_dossier, commune_official, sheet06):
    choices = options_at(sheet06, -1)
    choices.pop(next(iter(choices)))
    with pytest.raises(ValidationError) as error:
        registration.save_self_assessment(
            forms_dossier, by=commune_official, choices=choices, evidence={}, complete=True
        )
    assert "1" in error.value.messages[0]
    assert not Registration.objects.exists()


def test_a_point_that_is_no_option_is_refused(forms_dossier, commune_official, sheet06):
    code = next(iter(options_at(sheet06, -1)))
    with pytest.raises(ValidationError) as error:
        registration.save_self_assessment(forms_dossier, by=commune_official, choices={code: 99}, evidence={})
    assert code in error.value.messages[0]
    assert not Registration.objects.exists()


def test_evidence_per_criterion_with_a_document(forms_dossier, commune_official, sheet06):
    document = _document(forms_dossier)
    codes = list(options_at(sheet06, -1))
    evidence = {codes[0]: ("Hợp đồng mua gạo nếp với HTX", document.pk), codes[1]: ("Ảnh nhà xưởng", None)}
    registration.save_self_assessment(forms_dossier, by=commune_official, choices={}, evidence=evidence)
    rows = {e.criterion: e for e in SelfEvidence.objects.filter(registration__dossier=forms_dossier)}
    assert rows[codes[0]].note == "Hợp đồng mua gạo nếp với HTX"
    assert rows[codes[0]].document == document
    assert rows[codes[1]].document is None
    # The same save again changes nothing and writes no audit row.
    before = AuditEntry.objects.count()
    assert registration.save_self_assessment(forms_dossier, by=commune_official, choices={}, evidence=evidence) is False
    assert AuditEntry.objects.count() == before


def test_evidence_refuses_another_dossiers_document(forms_dossier, commune_official, sheet06, commune):
    elsewhere = _document(DossierFactory(product__producer=ProducerFactory(commune=commune)))
    code = next(iter(options_at(sheet06, -1)))
    with pytest.raises(ValidationError):
        registration.save_self_assessment(
            forms_dossier, by=commune_official, choices={}, evidence={code: ("", elsewhere.pk)}
        )


def test_forms_refused_outside_the_regime_state_and_commune(forms_dossier, old_dossier, commune_official,
                                                           outsider_official):  # fmt: skip
    with pytest.raises(ValidationError):
        registration.save_registration(old_dossier, by=commune_official, representative_position="Giám đốc")
    with pytest.raises(PermissionDenied):
        registration.save_registration(forms_dossier, by=outsider_official, representative_position="Giám đốc")
    forms_dossier.status = DossierStatus.SUBMITTED
    forms_dossier.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        registration.save_registration(forms_dossier, by=commune_official, representative_position="Giám đốc")


def test_save_registration_is_audited_and_idempotent(forms_dossier, commune_official):
    values = {"representative_position": "Giám đốc", "ip_titles": ["patent", "trademark"], "sample_count": 5}
    assert registration.save_registration(forms_dossier, by=commune_official, **values) is True
    saved = Registration.objects.get(dossier=forms_dossier)
    assert saved.ip_titles == ["trademark", "patent"]  # the form's order
    assert registration.save_registration(forms_dossier, by=commune_official, **values) is False
    assert AuditEntry.objects.filter(object_id=forms_dossier.pk, action="registration.saved").count() == 1


def test_a_stored_value_of_another_shape_does_not_break_the_forms(forms_dossier, commune_official):
    Registration.objects.create(dossier=forms_dossier, ip_titles="not a list", self_choices=["odd"])
    saved = Registration.objects.get(dossier=forms_dossier)
    assert saved.ip_title_labels() == []
    assert forms_data.self_outcome(saved).total == 0


# ---------------------------------------------------------------------------- pages per role
PAGES = ("products:registration_edit", "products:self_assessment", "products:commune_report")


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("commune_official", 200),
        ("district_officer", 200),
        ("secretary", 200),
        ("chair", 403),
        ("council_member", 403),
        ("finance_officer", 403),
        ("outsider_official", 404),
    ],
)
@pytest.mark.parametrize("page", PAGES)
def test_entry_pages_per_role(client, forms_dossier, persona, expected, page, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(page, args=[forms_dossier.pk])).status_code == expected


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("commune_official", {"01": 200, "02": 200, "03": 200}),
        ("district_officer", {"01": 200, "02": 200, "03": 200}),
        ("secretary", {"01": 200, "02": 200, "03": 200}),
        ("chair", {"01": 200, "02": 200, "03": 200}),
        ("council_member", {"01": 403, "02": 403, "03": 403}),
        ("finance_officer", {"01": 403, "02": 403, "03": 403}),
        ("outsider_official", {"01": 404, "02": 404, "03": 404}),
    ],
)
def test_pdfs_per_role(client, forms_dossier, persona, expected, request):
    client.force_login(request.getfixturevalue(persona))
    got = {n: client.get(reverse(f"products:form_{n}_pdf", args=[forms_dossier.pk])).status_code for n in expected}
    assert got == expected


def test_assigned_member_gets_the_producers_forms_not_the_communes(client, forms_dossier, make_user):
    from evaluations.models import CouncilMember, ScoreSheet

    user = make_user(Role.COUNCIL_MEMBER, username="tv-forms")
    seat = CouncilMember.objects.create(round=forms_dossier.round, user=user)
    ScoreSheet.objects.create(dossier=forms_dossier, member=seat, criteria_set=forms_dossier.product.criteria_set)
    client.force_login(user)
    got = {
        n: client.get(reverse(f"products:form_{n}_pdf", args=[forms_dossier.pk])).status_code
        for n in ["01", "02", "03"]
    }
    assert got == {"01": 200, "02": 200, "03": 403}
    assert client.get(reverse("products:self_assessment", args=[forms_dossier.pk])).status_code == 403


def test_no_forms_for_a_dossier_of_the_old_rules(client, old_dossier, commune_official):
    client.force_login(commune_official)
    for page in PAGES:
        assert client.get(reverse(page, args=[old_dossier.pk])).status_code == 404
    assert client.get(reverse("products:form_01_pdf", args=[old_dossier.pk])).status_code == 404
    page = client.get(reverse("products:dossier_detail", args=[old_dossier.pk]))
    assert b'data-testid="forms-panel"' not in page.content


def test_dossier_page_shows_the_forms_and_self_score(client, forms_dossier, commune_official, sheet06):
    choices = options_at(sheet06, 1)
    registration.save_self_assessment(forms_dossier, by=commune_official, choices=choices, evidence={}, complete=True)
    client.force_login(commune_official)
    html = client.get(reverse("products:dossier_detail", args=[forms_dossier.pk])).content.decode()
    assert reverse("products:form_03_pdf", args=[forms_dossier.pk]) in html
    assert reverse("products:self_assessment", args=[forms_dossier.pk]) in html
    assert f"{sum(choices.values())}/{sheet06.max_total}" in html


def test_registration_form_keeps_what_was_typed_on_an_error(client, forms_dossier, commune_official):
    client.force_login(commune_official)
    url = reverse("products:registration_edit", args=[forms_dossier.pk])
    response = client.post(
        url, {"representative_position": "Chủ nhiệm HTX", "sample_count": "năm", "history": "Từ 1998"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chủ nhiệm HTX" in html and "Từ 1998" in html
    assert not Registration.objects.exists()
    response = client.post(url, {"representative_position": "Chủ nhiệm HTX", "sample_count": "5", "next": "1",
                                 "ip_titles": ["trademark"]})  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse("products:self_assessment", args=[forms_dossier.pk])
    saved = Registration.objects.get(dossier=forms_dossier)
    assert (saved.representative_position, saved.sample_count, saved.ip_titles) == ("Chủ nhiệm HTX", 5, ["trademark"])


def test_self_assessment_form_saves_a_draft_and_keeps_input_on_error(client, forms_dossier, commune_official, sheet06):
    client.force_login(commune_official)
    url = reverse("products:self_assessment", args=[forms_dossier.pk])
    document = _document(forms_dossier)
    codes = list(options_at(sheet06, -1).items())
    (code1, points1), (code2, _points2) = codes[0], codes[1]
    bad = {f"c-{code1}": str(points1), f"n-{code1}": "Hợp đồng nguyên liệu", f"d-{code1}": str(document.pk),
           f"c-{code2}": "77", f"n-{code2}": "Ghi chú giữ lại"}  # fmt: skip
    response = client.post(url, bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ghi chú giữ lại" in html and "Hợp đồng nguyên liệu" in html
    assert not Registration.objects.exists()
    bad.pop(f"c-{code2}")
    assert client.post(url, bad).status_code == 302
    saved = Registration.objects.get(dossier=forms_dossier)
    assert saved.self_choices == {code1: points1}
    assert saved.evidence.get(criterion=code1).document == document


def test_commune_report_saves_the_four_contents_and_the_request(client, forms_dossier, commune_official):
    client.force_login(commune_official)
    url = reverse("products:commune_report", args=[forms_dossier.pk])
    response = client.post(
        url,
        {
            "v-raw_material_origin": "Gạo nếp cái hoa vàng của thôn",
            "v-local_raw_material_percent": "80",
            "v-local_labour_percent": "90",
            "v-idea_origin": "Nghề truyền thống",
            "v-local_identity": "Bánh làm theo cách của làng",
            "v-verified_by_name": "Trần Văn Bình – công chức xã",
            "v-verified_on": "01/12/2026",
            "r-meeting_held": "true",
            "r-commune_signer": "Nguyễn Văn An",
        },
    )
    assert response.status_code == 302
    forms_dossier.refresh_from_db()
    assert forms_dossier.local_labour_percent == 90
    assert forms_dossier.verified_on == datetime.date(2026, 12, 1)
    saved = Registration.objects.get(dossier=forms_dossier)
    assert (saved.meeting_held, saved.commune_signer) == (True, "Nguyễn Văn An")


# ---------------------------------------------------------------------------- PDFs, read back with pdftotext
def test_form_01_pdf_heading_type_and_receipts(client, forms_dossier, commune_official, tmp_path):
    registration.save_registration(forms_dossier, by=commune_official, representative_position="Chủ nhiệm")
    client.force_login(commune_official)
    url = reverse("products:form_01_pdf", args=[forms_dossier.pk])
    text = squash(pdf_text(client.get(url).content, tmp_path))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "PHIẾU ĐĂNG KÝ" in text
    assert "HTX Bánh mật Thanh Lâm" in text and "Chủ nhiệm" in text
    assert "DÀNH CHO UBND CẤP XÃ" in text.upper() or "DÀNH CHO ỦY BAN NHÂN DÂN CẤP XÃ" in text.upper()
    assert "CƠ QUAN QUẢN LÝ OCOP CẤP TỈNH" in text.upper()
    # No numbers yet: the pattern to fill by hand, with the official codes.
    assert text.count("/PĐK-24-07360-") == 2
    assert "Sản phẩm mẫu (số lượng): 5" in text
    assert "Lần đầu ☑ Nâng hạng ☐ Đánh giá lại ☐" in text  # a new registration: the first box ticked
    forms_dossier.commune_receipt_number = "007/PĐK-24-07360-2026"
    forms_dossier.commune_received_at = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)
    forms_dossier.province_receipt_number = "015/PĐK-24-07360-2026"
    forms_dossier.save()
    text = squash(pdf_text(client.get(url).content, tmp_path))
    assert "007/PĐK-24-07360-2026" in text
    assert "015/PĐK-24-07360-2026" in text
    assert "02/12/2026" in text


def test_form_02_pdf_self_score_total_and_evidence(client, forms_dossier, commune_official, sheet06, tmp_path):
    choices = options_at(sheet06, 1)
    code = next(iter(choices))
    registration.save_self_assessment(
        forms_dossier,
        by=commune_official,
        choices=choices,
        evidence={code: ("Hợp đồng với 12 hộ", None)},
        complete=True,
    )
    registration.save_registration(
        forms_dossier, by=commune_official, has_business_registration=True, business_plan="Mở rộng thị trường"
    )
    client.force_login(commune_official)
    text = squash(pdf_text(client.get(reverse("products:form_02_pdf", args=[forms_dossier.pk])).content, tmp_path))
    assert "BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert f"{sum(choices.values())}/{sheet06.max_total}" in text
    assert f"{expected_star(sheet06, choices)}★" in text
    assert "Hợp đồng với 12 hộ" in text
    assert "Mở rộng thị trường" in text


def test_form_03_pdf_four_contents_and_request(client, forms_dossier, commune_official, tmp_path):
    from products import domain

    domain.save_verification(
        forms_dossier,
        by=commune_official,
        raw_material_origin="Gạo nếp cái hoa vàng của thôn Sơn Đình",
        local_raw_material_percent=80,
        local_labour_percent=95,
        idea_origin="Nghề làm bánh truyền thống của làng",
        local_identity="Lá dong rừng gói theo lối cổ",
        verified_by_name="Trần Văn Bình",
        verified_on=datetime.date(2026, 12, 1),
    )
    client.force_login(commune_official)
    text = squash(pdf_text(client.get(reverse("products:form_03_pdf", args=[forms_dossier.pk])).content, tmp_path))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "THANH LÂM" in text.upper()
    for content in ("Gạo nếp cái hoa vàng của thôn Sơn Đình", "80%", "95%", "Nghề làm bánh truyền thống của làng",
                    "Lá dong rừng gói theo lối cổ"):  # fmt: skip
        assert content in text
    assert "ngày 01 tháng 12 năm 2026" in text
    assert "T.M" in text or "TM." in text
    assert "đánh giá, phân hạng sản phẩm OCOP" in text


# ---------------------------------------------------------------------------- the council sees the self-score
def test_member_sheet_and_result_show_the_self_score(
    client, forms_dossier, commune_official, sheet06, make_user, chair
):
    from evaluations import domain as evaluations_domain
    from evaluations.enums import CouncilRole
    from evaluations.models import CouncilMember, ScoreSheet

    self_choices = options_at(sheet06, 0)
    registration.save_self_assessment(
        forms_dossier, by=commune_official, choices=self_choices, evidence={}, complete=True
    )
    forms_dossier.status = DossierStatus.ACCEPTED
    forms_dossier.save(update_fields=["status"])
    user = make_user(Role.COUNCIL_MEMBER, username="tv-self")
    seat = CouncilMember.objects.create(round=forms_dossier.round, user=user, role=CouncilRole.MEMBER)
    sheet = ScoreSheet.objects.create(dossier=forms_dossier, member=seat, criteria_set=sheet06)
    forms_dossier.round.stage = "scoring"
    forms_dossier.round.save(update_fields=["stage"])
    client.force_login(user)
    html = client.get(reverse("evaluations:sheet", args=[sheet.pk])).content.decode()
    code, points = next(iter(self_choices.items()))
    assert f'data-self-score="{code}"' in html
    assert f"{sum(self_choices.values())}</strong>/{sheet06.max_total}" in html
    council = options_at(sheet06, -1)
    evaluations_domain.save_sheet(sheet, choices=council, comment="", by=user)
    evaluations_domain.submit_sheet(sheet, by=user)
    client.force_login(chair)
    html = client.get(reverse("evaluations:result", args=[forms_dossier.pk])).content.decode()
    assert 'data-testid="self-vs-council"' in html
    assert f'data-self-score="{code}">{points}<' in html
    mean = Fraction(sum(council.values()), 1)
    assert f'data-testid="self-total">{sum(self_choices.values())}<' in html
    assert str(int(mean)) in html


def test_the_forms_pages_speak_vietnamese(client, forms_dossier, commune_official, sheet06, settings):
    """The check of ``ocop/tests/test_every_page_vi.py`` on the forms' pages (its demo has no 26/2026 dossier)."""
    from ocop.tests.test_every_page_vi import english_words

    choices = dict(list(options_at(sheet06, 1).items())[:4])
    registration.save_self_assessment(forms_dossier, by=commune_official, choices=choices, evidence={})
    client.force_login(commune_official)
    problems = []
    for name in (*PAGES, "products:dossier_detail"):
        response = client.get(reverse(name, args=[forms_dossier.pk]))
        assert response.status_code == 200
        problems += [f"{name}: {words}" for words in english_words(response.content.decode())]
    # An error comes back in Vietnamese too.
    response = client.post(reverse("products:registration_edit", args=[forms_dossier.pk]), {"sample_count": "x"})
    problems += [f"registration error: {words}" for words in english_words(response.content.decode())]
    assert problems == []


def test_demo_fills_the_province_drafts_forms_once(forms_dossier, commune_official, authority):
    from products import demo_forms

    forms_dossier.product.name = demo_forms.DOSSIER
    forms_dossier.product.save(update_fields=["name"])
    commune_official.username = demo_forms.OFFICIAL
    commune_official.save(update_fields=["username"])
    assert demo_forms.seed_forms(authority) == {"forms": 1}
    saved = Registration.objects.get(dossier=forms_dossier)
    outcome = forms_data.self_outcome(saved)
    assert saved.representative_position == demo_forms.REGISTRATION["representative_position"]
    assert 0 < outcome.chosen < outcome.required  # a draft for the demo's user to finish
    rows = AuditEntry.objects.count()
    assert demo_forms.seed_forms(authority) == {"forms": 0}
    assert AuditEntry.objects.count() == rows


def test_demo_leaves_a_dossier_without_forms_alone(old_dossier, commune_official, authority):
    from products import demo_forms

    old_dossier.product.name = demo_forms.DOSSIER
    old_dossier.product.save(update_fields=["name"])
    assert demo_forms.seed_forms(authority) == {"forms": 0}
    assert not Registration.objects.exists()
