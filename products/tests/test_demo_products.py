import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from ocop import demo as ocop_demo
from ocop.models import AuditEntry
from products import demo, domain
from products.enums import DossierStatus, Gender, RegistrationType
from products.models import Document, Dossier, ItemComment, Producer, Product
from programme import demo as programme_demo
from programme.models import CriteriaSet, ProgrammeYear, Round

APPENDIX_1 = {
    # product: (producer, commune slug, registration type)
    "Khoai lang Yên Sơn": ("Hộ kinh doanh Dương Văn Sỹ", "yen-son", RegistrationType.NEW),
    "Long nhãn Lục Sơn": ("Hợp tác xã dịch vụ nông nghiệp xã Lục Sơn", "luc-son", RegistrationType.NEW),
    "Rượu đông trùng hạ thảo": (
        "Công ty trách nhiệm hữu hạn dược thảo Trường Thọ",
        "dong-hung",
        RegistrationType.NEW,
    ),
    "Mật ong đông trùng hạ thảo": (
        "Công ty trách nhiệm hữu hạn dược thảo Trường Thọ",
        "dong-hung",
        RegistrationType.NEW,
    ),
    "Bánh mật Thanh Lâm": ("Tổ hợp tác bánh mật", "thanh-lam", RegistrationType.NEW),
    "Nem chua Tư Thủy": ("Hộ kinh doanh Trần Văn Tư", "truong-son", RegistrationType.NEW),
    "Trà hoa vàng đông trùng túi lọc": (
        "Hợp tác xã dược liệu công nghệ cao Trường Sơn",
        "truong-son",
        RegistrationType.NEW,
    ),
    # The plan names no producer for this row; the only one at its address is Trường Thọ (see products.demo).
    "Đông trùng hạ thảo khô": (
        "Công ty trách nhiệm hữu hạn dược thảo Trường Thọ",
        "dong-hung",
        RegistrationType.REEVALUATION,
    ),
    "Trà hoa vàng": ("Hợp tác xã dược liệu công nghệ cao Trường Sơn", "truong-son", RegistrationType.REEVALUATION),
}
# Invented for this year's rounds (not in Appendix 1).
INVENTED = {
    "Bánh gio Thanh Lâm": ("Tổ hợp tác bánh mật", "thanh-lam", RegistrationType.NEW),
    "Giò lụa Tư Thủy": ("Hộ kinh doanh Trần Văn Tư", "truong-son", RegistrationType.NEW),
    "Vải thiều sấy khô Lục Sơn": ("Hợp tác xã dịch vụ nông nghiệp xã Lục Sơn", "luc-son", RegistrationType.NEW),
    "Khoai lang sấy dẻo Yên Sơn": ("Hộ kinh doanh Dương Văn Sỹ", "yen-son", RegistrationType.NEW),
    "Rượu nếp cái hoa vàng Bảo Sơn": (
        "Hợp tác xã sản xuất rượu nếp Bảo Sơn",
        "bao-son",
        RegistrationType.REEVALUATION,
    ),
    "Gà đồi Lục Nam": ("Tổ hợp tác chăn nuôi gà đồi Bắc Lũng", "bac-lung", RegistrationType.NEW),
}


def _counts():
    return {
        "producers": Producer.objects.count(),
        "products": Product.objects.count(),
        "dossiers": Dossier.objects.count(),
        "documents": Document.objects.count(),
        "comments": ItemComment.objects.count(),
        "audit": AuditEntry.objects.count(),
        "rounds": Round.objects.count(),
        "years": ProgrammeYear.objects.count(),
        "criteria_sets": CriteriaSet.objects.count(),
    }


def _dossier(product_name):
    return Dossier.objects.select_related("round__year").get(product__name=product_name)


@pytest.fixture
def seeded(db):
    result = ocop_demo.seed_all()  # seed_all loads the products through demo.seed_products
    return result["authority"], result["products"]


@pytest.mark.django_db
def test_seed_products_is_idempotent(seeded):
    authority, first_result = seeded
    first = _counts()
    rounds_before = list(Round.objects.values_list("id", "commune_deadline", "district_deadline").order_by("id"))
    second_result = demo.seed_products(authority)
    assert _counts() == first
    assert list(Round.objects.values_list("id", "commune_deadline", "district_deadline").order_by("id")) == (
        rounds_before
    )
    assert second_result["created"] == {"producers": 0, "products": 0, "dossiers": 0, "documents": 0}
    # funding.demo runs after this app's seeding and adds one product of its own (Trứng gà đồi Bắc Lũng, recognised
    # after NQ 67 ended), with its documents: compare this app's share.
    funding_documents = Document.objects.filter(dossier__product__name="Trứng gà đồi Bắc Lũng").count()
    assert first_result["created"]["documents"] == first["documents"] - funding_documents > 0
    assert demo.seed_products(authority) == second_result
    assert first["producers"] == 8  # the plan's 6 (Đông trùng hạ thảo khô is Trường Thọ's) and 2 invented
    # 15 of this app's stories, and funding.demo's product recognised after NQ 67 ended (Trứng gà đồi Bắc Lũng)
    assert first["products"] == first["dossiers"] == 16
    assert first["criteria_sets"] == 52  # the 26 sets of Decision 148 and the 26 of Decision 26/2026
    assert first["comments"] == 3  # two on the returned dossier, one on the resubmitted one


@pytest.mark.django_db
def test_appendix_1_products_and_producers(seeded):
    assert Product.objects.exclude(name="Trứng gà đồi Bắc Lũng").count() == len(APPENDIX_1) + len(INVENTED) == 15
    for name, (producer_name, commune_slug, registration_type) in (APPENDIX_1 | INVENTED).items():
        product = Product.objects.select_related("producer", "commune").get(name=name)
        assert product.producer.name == producer_name
        assert product.commune.slug == commune_slug == product.producer.commune.slug
        assert product.dossiers.get().registration_type == registration_type
    for producer in Producer.objects.all():
        assert producer.address.startswith("Thôn ")
        producer.full_clean()  # phone and the other validators
    women = Producer.objects.filter(representative_gender=Gender.FEMALE).count()
    minorities = Producer.objects.exclude(representative_ethnicity="Kinh").count()
    assert women >= 2 and minorities >= 1
    codes = dict(Product.objects.values_list("name", "criteria_set__code"))
    assert codes["Bánh mật Thanh Lâm"] == "06"
    assert codes["Nem chua Tư Thủy"] == "08"
    assert codes["Khoai lang Yên Sơn"] == "01"
    assert codes["Rượu nếp cái hoa vàng Bảo Sơn"] == "14"
    assert codes["Gà đồi Lục Nam"] == "02"
    assert codes["Bánh gio Thanh Lâm"] == "06"
    assert codes["Giò lụa Tư Thủy"] == "08"


@pytest.mark.django_db
def test_rounds(seeded):
    year_2024 = ProgrammeYear.objects.get(year=2024)
    round_1, round_2 = year_2024.rounds.order_by("number")
    assert (round_1.commune_deadline, round_1.district_deadline) == (
        datetime.date(2024, 6, 10),
        datetime.date(2024, 6, 15),
    )
    assert (round_2.commune_deadline, round_2.district_deadline) == (
        datetime.date(2024, 10, 10),
        datetime.date(2024, 10, 15),
    )
    today = timezone.localdate()
    current_year = ProgrammeYear.objects.get(year=today.year)
    assert (current_year.target_new_products, current_year.target_reevaluations) == (7, 2)
    scoring_number, open_number = programme_demo.current_round_numbers(today)
    scoring = Round.objects.get(year=current_year, number=scoring_number)
    assert (scoring.commune_deadline, scoring.district_deadline) == (
        today - datetime.timedelta(days=10),
        today + datetime.timedelta(days=3),
    )
    current = Round.objects.get(year=current_year, commune_deadline=today + datetime.timedelta(days=21))
    assert current.number == open_number
    assert current.district_deadline == today + datetime.timedelta(days=26)


@pytest.mark.django_db
def test_current_round_states(seeded):
    today = timezone.localdate()

    banh_mat = _dossier("Bánh gio Thanh Lâm")
    assert banh_mat.status == DossierStatus.DRAFT
    assert banh_mat.round.commune_deadline > today
    assert banh_mat.commune.slug == "thanh-lam"
    assert banh_mat.missing_documents()
    assert banh_mat.documents.exists()
    assert banh_mat.missing_verification_fields()
    assert banh_mat.raw_material_origin

    nem_chua = _dossier("Giò lụa Tư Thủy")
    assert nem_chua.round == banh_mat.round
    assert (nem_chua.status, nem_chua.submission_count) == (DossierStatus.SUBMITTED, 1)
    assert not nem_chua.missing_documents() and not nem_chua.missing_verification_fields()

    returned = Dossier.objects.get(round=banh_mat.round, status=DossierStatus.RETURNED)
    assert returned.comments.count() == 2
    assert all(comment.item and comment.created_by.username == "thuky" for comment in returned.comments.all())

    resubmitted = Dossier.objects.get(round=banh_mat.round, status=DossierStatus.RESUBMITTED)
    assert resubmitted.submission_count == 2
    assert resubmitted.comments.filter(submission_number=1).count() == 1


@pytest.mark.django_db
def test_scoring_round_accepted(seeded):
    today = timezone.localdate()
    scoring_number, _open_number = programme_demo.current_round_numbers(today)
    dossiers = Dossier.objects.filter(round__year__year=today.year, round__number=scoring_number)
    assert set(dossiers.values_list("product__name", "status")) == {
        ("Rượu nếp cái hoa vàng Bảo Sơn", DossierStatus.ACCEPTED),
        ("Gà đồi Lục Nam", DossierStatus.ACCEPTED),
    }
    for dossier in dossiers:
        assert not dossier.missing_documents() and not dossier.missing_verification_fields()
        assert timezone.localdate(dossier.submitted_at) <= dossier.round.commune_deadline < today
        assert dossier.created_at < dossier.submitted_at < dossier.decided_at
        assert dossier.verified_on <= timezone.localdate(dossier.submitted_at)
        assert dossier.round.district_deadline > today


@pytest.mark.django_db
def test_2024_round_1_accepted(seeded):
    accepted = Dossier.objects.filter(round__year__year=2024, round__number=1)
    assert set(accepted.values_list("status", flat=True)) == {DossierStatus.ACCEPTED}
    reevaluations = accepted.filter(registration_type=RegistrationType.REEVALUATION)
    assert set(reevaluations.values_list("product__name", flat=True)) == {"Đông trùng hạ thảo khô", "Trà hoa vàng"}
    assert accepted.filter(registration_type=RegistrationType.NEW).count() in (2, 3)
    for dossier in accepted:
        assert not dossier.missing_documents() and not dossier.missing_verification_fields()
        # submitted inside the round's window
        assert timezone.localdate(dossier.submitted_at) <= dossier.round.commune_deadline
        assert dossier.submitted_at.year == 2024
        actions = set(
            AuditEntry.objects.filter(object_id=dossier.pk, content_type__model="dossier").values_list(
                "action", flat=True
            )
        )
        assert {"dossier.created", "dossier.document_added", "dossier.submitted", "dossier.accepted"} <= actions


@pytest.mark.django_db
def test_2024_round_2_holds_the_plans_other_new_products(seeded):
    dossiers = Dossier.objects.filter(round__year__year=2024, round__number=2)
    assert set(dossiers.values_list("product__name", "status", "registration_type")) == {
        (name, DossierStatus.ACCEPTED, RegistrationType.NEW)
        for name in ("Khoai lang Yên Sơn", "Long nhãn Lục Sơn", "Bánh mật Thanh Lâm", "Nem chua Tư Thủy")
    }
    for dossier in dossiers:
        assert not dossier.missing_documents() and not dossier.missing_verification_fields()
        assert timezone.localdate(dossier.submitted_at) <= dossier.round.commune_deadline
    # every Appendix 1 product is in 2024, and nothing of this year's rounds is
    assert set(Dossier.objects.filter(round__year__year=2024).values_list("product__name", flat=True)) == set(
        APPENDIX_1
    )
    assert not Dossier.objects.filter(product__name__in=APPENDIX_1).exclude(round__year__year=2024).exists()
    expected = dict(Dossier.objects.filter(round__year__year=2024).values_list("product__name", "expected_star"))
    assert {name for name, star in expected.items() if star} == {"Đông trùng hạ thảo khô", "Trà hoa vàng"}
    assert expected["Trà hoa vàng"] == expected["Đông trùng hạ thảo khô"] == 4


@pytest.mark.django_db
def test_documents_are_real_files(seeded):
    for document in Document.objects.all():
        with document.file.open("rb") as fh:
            head = fh.read(8)
        assert head.startswith(b"%PDF-") or head.startswith(b"\x89PNG")
        assert document.original_name.endswith((".pdf", ".png"))


@pytest.mark.django_db
def test_commune_official_can_finish_and_submit_the_draft(seeded):
    official = get_user_model().objects.get(username="xa-thanh-lam")
    dossier = _dossier("Bánh gio Thanh Lâm")
    for item in dossier.missing_documents():
        upload = demo._upload(item.code, demo._stem(item.code, "banh-gio"), dossier.product)
        domain.add_document(dossier, item=item.code, upload=upload, by=official)
    domain.save_verification(
        dossier,
        by=official,
        idea_origin="Nghề làm bánh gio truyền thống của thôn Sơn Đình.",
        local_identity="Bánh gio gói lá dong, làm dịp Tết Đoan ngọ.",
        verified_by_name="Nguyễn Văn Hải – Công chức Địa chính – Nông nghiệp xã Thanh Lâm",
        verified_on=timezone.localdate(),
    )
    assert domain.submit_dossier(dossier, by=official)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    # and the seed leaves the dossier where the user took it
    counts = _counts()
    demo.seed_products(seeded[0])
    assert _counts() == counts
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
