"""Certificates: numbering (also under concurrent issuing), issuing, re-issuing, recording, inspections, revocation,
the batch task, the stored PDF (its text and its QR code), the expiry and ceremony lists.

The fixtures here are imported by the other certificate test modules.
"""

import datetime
import hashlib
import io
import subprocess
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext
from pypdf import PdfReader

from evaluations import certificate_lists, certificates, rendering
from evaluations.enums import BatchStatus, CertificateKind, CertificateStatus, InspectionResult, RevocationGround
from evaluations.models import (
    CODE_ALPHABET,
    Certificate,
    CertificateSequence,
    Inspection,
    IssuingBatch,
    Recognition,
    RecognitionDecision,
    add_months,
)
from ocop.models import AuditEntry
from ocop.tests.test_celery_worker import real_worker  # noqa: F401  (the worker fixture)
from products.enums import DossierStatus, RegistrationType
from products.tests.factories import PDF_BYTES, DossierFactory, ProducerFactory, RoundFactory
from programme.enums import RoundStage

SIGNATORY = "Lê Văn Thành – Phó Chủ tịch UBND huyện"


# ---------------------------------------------------------------------------------------------------- fixtures
def today():
    return timezone.localdate()


@pytest.fixture
def decision(authority):
    """A round approved 201 days ago and its decision of 200 days ago (valid for 36 months from then)."""
    day = today() - datetime.timedelta(days=200)
    round_ = RoundFactory(
        year__authority=authority,
        stage=RoundStage.APPROVED,
        approved_at=timezone.now() - datetime.timedelta(days=201),
    )
    return RecognitionDecision.objects.create(round=round_, number="2345/QĐ-UBND", date=day, signed_by=SIGNATORY)


def recognise(decision, commune, product, producer, *, star=3, address="Thôn Sơn Đình 2"):
    dossier = DossierFactory(
        product__producer=ProducerFactory(commune=commune, name=producer, address=address),
        product__name=product,
        round=decision.round,
        status=DossierStatus.ACCEPTED,
    )
    return Recognition.objects.create(decision=decision, dossier=dossier, star=star)


@pytest.fixture
def tea(decision, commune):
    """Thanh Lâm's product."""
    return recognise(decision, commune, "Trà hoa vàng đông trùng túi lọc", "Hợp tác xã Dược liệu Trường Sơn")


@pytest.fixture
def noodles(decision, other_commune):
    """Yên Sơn's product."""
    return recognise(decision, other_commune, "Mì Chũ Đồng Hưu", "Tổ hợp tác mì gạo Đồng Hưu", address="Thôn Hạ")


@pytest.fixture
def tea_certificate(tea, district_officer):
    return certificates.issue_certificate(tea, by=district_officer)


def number(seq, year=None):
    return f"{seq:03d}/GCN-LN-{year or today().year}"


def scan(name="scan.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# ---------------------------------------------------------------------------------------------------- issuing
def test_issue_copies_the_printed_facts(tea, tea_certificate, district_officer, authority):
    certificate = Certificate.objects.get(pk=tea_certificate.pk)
    with translation.override("vi"):
        address = gettext("%(address)s, %(commune)s, %(district)s district, %(province)s province") % {
            "address": "Thôn Sơn Đình 2",
            "commune": tea.dossier.product.producer.commune,
            "district": "Lục Nam",
            "province": "Bắc Giang",
        }
    assert (certificate.kind, certificate.number, certificate.year, certificate.sequence, certificate.version) == (
        CertificateKind.ISSUED,
        number(1),
        today().year,
        1,
        1,
    )
    assert certificate.product_name == "Trà hoa vàng đông trùng túi lọc"
    assert certificate.producer_name == "Hợp tác xã Dược liệu Trường Sơn"
    assert certificate.producer_address == address
    assert certificate.product_group == "06. Chế biến từ gạo, ngũ cốc"
    assert certificate.star == 3
    assert certificate.decision_number == "2345/QĐ-UBND"
    assert certificate.decision_date == tea.decision.date
    assert certificate.valid_until == add_months(tea.decision.date, 36)
    assert certificate.issued_on == today()
    assert certificate.issuer == "UBND huyện Lục Nam"
    assert certificate.signatory == SIGNATORY
    assert certificate.issued_by == district_officer
    assert len(certificate.code) == 20 and set(certificate.code) <= set(CODE_ALPHABET)
    assert certificate.status() == CertificateStatus.VALID
    entry = AuditEntry.objects.get(action="certificate.issued")
    assert (entry.object_id, entry.actor, entry.commune) == (certificate.pk, district_officer, tea.commune)
    assert entry.changes == {"number": [None, number(1)], "star": [None, 3]}


def test_issue_again_is_a_no_op(tea, tea_certificate, district_officer):
    assert certificates.issue_certificate(tea, by=district_officer) is False
    assert Certificate.objects.count() == 1
    assert AuditEntry.objects.filter(action="certificate.issued").count() == 1
    assert CertificateSequence.objects.get().last == 1


@pytest.mark.parametrize("persona", ["secretary", "chair", "council_member", "commune_official", "finance_officer"],
                         indirect=True)  # fmt: skip
def test_only_the_district_office_issues(tea, persona):
    with pytest.raises(PermissionDenied):
        certificates.issue_certificate(tea, by=persona)
    assert not Certificate.objects.exists()


def test_sysadmin_may_issue(tea, sysadmin):
    assert certificates.issue_certificate(tea, by=sysadmin).number == number(1)


def test_issue_date_is_checked(tea, district_officer):
    with pytest.raises(ValidationError) as error:
        certificates.issue_certificate(tea, by=district_officer, issued_on=tea.decision.date - datetime.timedelta(1))
    assert error.value.messages == [
        gettext("A certificate cannot be dated before its decision (%(date)s).")
        % {"date": date_format(tea.decision.date, "SHORT_DATE_FORMAT")}
    ]
    with pytest.raises(ValidationError):
        certificates.issue_certificate(tea, by=district_officer, issued_on=today() + datetime.timedelta(1))
    assert not Certificate.objects.exists()
    assert not CertificateSequence.objects.filter(last__gt=0).exists()


def test_numbers_follow_on_and_a_rolled_back_issue_gives_its_number_back(decision, commune, district_officer):
    products = [recognise(decision, commune, f"Sản phẩm {i}", f"Chủ thể {i}") for i in range(4)]
    assert certificates.issue_certificate(products[0], by=district_officer).number == number(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert certificates.issue_certificate(products[1], by=district_officer).number == number(2)
        raise RuntimeError("the issuing transaction fails after the number was taken")
    assert certificates.issue_certificate(products[2], by=district_officer).number == number(2)
    assert certificates.issue_certificate(products[1], by=district_officer).number == number(3)
    assert sorted(Certificate.objects.values_list("sequence", flat=True)) == [1, 2, 3]


def test_sequence_is_per_year(decision, commune, district_officer):
    first = recognise(decision, commune, "Bánh mật", "Tổ hợp tác bánh mật")
    second = recognise(decision, commune, "Bánh chưng", "Tổ hợp tác bánh chưng")
    last_year = today().replace(month=1, day=1) - datetime.timedelta(days=1)
    if last_year < decision.date:
        decision.date = last_year - datetime.timedelta(days=10)
        decision.save()
    assert certificates.issue_certificate(first, by=district_officer, issued_on=last_year).number == number(
        1, last_year.year
    )
    assert certificates.issue_certificate(second, by=district_officer).number == number(1)


def test_number_format_is_a_setting(tea, district_officer, authority):
    authority.certificate_number_format = "GCN-{authority}/{year}/{seq:04d}"
    authority.save()
    assert certificates.issue_certificate(tea, by=district_officer).number == f"GCN-LN/{today().year}/0001"


def test_broken_number_format_is_refused_clearly(tea, district_officer, authority):
    authority.certificate_number_format = "{so}/GCN"
    authority.save()
    with pytest.raises(ValidationError) as error:
        certificates.issue_certificate(tea, by=district_officer)
    assert "{so}/GCN" in error.value.messages[0]
    assert not Certificate.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_distinct_consecutive_numbers(authority, commune, district_officer):
    """Eight people issue at the same moment, each in their own connection: numbers 001..008, no gap, no twice."""
    decision = RecognitionDecision.objects.create(
        round=RoundFactory(year__authority=authority, stage=RoundStage.APPROVED),
        number="99/QĐ-UBND",
        date=today() - datetime.timedelta(days=30),
        signed_by=SIGNATORY,
    )
    recognitions = [recognise(decision, commune, f"Sản phẩm {i}", f"Chủ thể {i}") for i in range(8)]
    barrier = threading.Barrier(len(recognitions))
    errors = []

    def issue(recognition):
        try:
            barrier.wait(timeout=10)
            certificates.issue_certificate(recognition, by=district_officer)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(r,)) for r in recognitions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == [number(i) for i in range(1, 9)]
    assert sorted(Certificate.objects.values_list("sequence", flat=True)) == list(range(1, 9))
    assert CertificateSequence.objects.get(authority=authority, year=today().year).last == 8


# ---------------------------------------------------------------------------------------------------- status
@pytest.mark.parametrize(
    ("days_left", "status"),
    [
        (500, CertificateStatus.VALID),
        (121, CertificateStatus.VALID),
        (120, CertificateStatus.EXPIRING),
        (0, CertificateStatus.EXPIRING),
        (-1, CertificateStatus.EXPIRED),
    ],
)
def test_status_follows_the_dates(tea_certificate, days_left, status):
    Certificate.objects.filter(pk=tea_certificate.pk).update(valid_until=today() + datetime.timedelta(days_left))
    certificate = Certificate.objects.get(pk=tea_certificate.pk)
    assert certificate.status() == status
    assert list(Certificate.objects.with_status(status)) == [certificate]
    others = [s for s in CertificateStatus if s != status]
    assert [s for s in others if Certificate.objects.with_status(s).exists()] == []
    assert Certificate.objects.current().exists() is (days_left >= 0)


# ---------------------------------------------------------------------------------------------------- the PDF
def test_pdf_prints_product_producer_star_number_and_validity(tea_certificate, settings):
    settings.PUBLIC_BASE_URL = "https://ocop.lucnam.example"
    assert certificates.store_certificate_pdf(tea_certificate) is True
    certificate = Certificate.objects.get(pk=tea_certificate.pk)
    content = certificate.file.read()
    assert content.startswith(b"%PDF-")
    assert certificate.sha256 == hashlib.sha256(content).hexdigest()
    assert certificate.size == len(content)
    assert certificate.file.name.startswith("certificates/")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    text = pdf_text(content)
    with translation.override("vi"):
        stars = ngettext("%(star)s star", "%(star)s stars", 3) % {"star": 3}
        heading = gettext("SOCIALIST REPUBLIC OF VIETNAM")
        motto = gettext("Independence - Freedom - Happiness")
    for expected in (
        "Trà hoa vàng đông trùng túi lọc",
        "Hợp tác xã Dược liệu Trường Sơn",
        "Thôn Sơn Đình 2",
        number(1),
        "★★★",
        stars.upper(),
        date_format(certificate.valid_until, "SHORT_DATE_FORMAT"),
        "2345/QĐ-UBND",
        "UBND HUYỆN LỤC NAM",
        heading,
        motto,
        "Lê Văn Thành",
        certificate.code,
    ):
        assert expected in text, expected
    entry = AuditEntry.objects.get(action="certificate.file_stored")
    assert entry.changes == {"sha256": [None, certificate.sha256]}


def test_stored_file_is_never_replaced(tea_certificate):
    assert certificates.store_certificate_pdf(tea_certificate) is True
    stored = Certificate.objects.get(pk=tea_certificate.pk)
    assert certificates.store_certificate_pdf(stored) is False
    again = Certificate.objects.get(pk=tea_certificate.pk)
    assert (again.file.name, again.sha256) == (stored.file.name, stored.sha256)
    assert AuditEntry.objects.filter(action="certificate.file_stored").count() == 1


def test_pdf_is_in_the_programme_language_whatever_the_reader_uses(tea_certificate):
    with translation.override("en"):
        english_reader = pdf_text(certificates.certificate_pdf(tea_certificate))
    with translation.override("vi"):
        assert gettext("SOCIALIST REPUBLIC OF VIETNAM") in english_reader


def test_qr_code_opens_the_verification_page(tea_certificate, settings, tmp_path, client):
    """Decode the printed QR code (pdftoppm → zbarimg) and follow its URL."""
    settings.PUBLIC_BASE_URL = "https://ocop.lucnam.example/"
    pdf = tmp_path / "gcn.pdf"
    pdf.write_bytes(certificates.certificate_pdf(tea_certificate))
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "gcn")], check=True)
    decoded = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "gcn.png")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert decoded == f"https://ocop.lucnam.example/verify/{tea_certificate.code}/"
    response = client.get(decoded.removeprefix("https://ocop.lucnam.example"))
    assert response.status_code == 200
    assert response.context["certificate"] == tea_certificate
    assert response.context["status"] == CertificateStatus.VALID


# ---------------------------------------------------------------------------------------------------- re-issuing
def test_reissue_makes_a_new_version_and_keeps_the_old(tea, tea_certificate, district_officer,
                                                       django_capture_on_commit_callbacks):  # fmt: skip
    certificates.store_certificate_pdf(tea_certificate)
    old = Certificate.objects.get(pk=tea_certificate.pk)
    product = tea.dossier.product
    product.name = "Trà hoa vàng đông trùng túi lọc Trường Sơn"
    product.save()
    with django_capture_on_commit_callbacks(execute=True):
        new = certificates.reissue_certificate(old, by=district_officer, reason="Tên sản phẩm đổi theo nhãn mới.")
    new.refresh_from_db()
    after = Certificate.objects.get(pk=old.pk)
    assert after.superseded_at is not None
    assert after.status() == CertificateStatus.SUPERSEDED
    for field in ("number", "code", "product_name", "file", "sha256", "issued_on", "valid_until"):
        assert getattr(after, field) == getattr(old, field), field
    assert (new.version, new.previous, new.number, new.recognition) == (2, after, number(2), tea)
    assert new.product_name == "Trà hoa vàng đông trùng túi lọc Trường Sơn"
    assert new.valid_until == old.valid_until
    assert new.code != old.code
    assert new.reissue_reason == "Tên sản phẩm đổi theo nhãn mới."
    assert new.sha256 and new.file.name != old.file.name  # rendered by the task queued after commit
    assert new.status() == CertificateStatus.VALID
    assert list(AuditEntry.objects.filter(action__startswith="certificate.").values_list("action", "object_id")) == [
        ("certificate.file_stored", new.pk),
        ("certificate.reissued", new.pk),
        ("certificate.superseded", old.pk),
        ("certificate.file_stored", old.pk),
        ("certificate.issued", old.pk),
    ]
    assert certificates.reissue_certificate(old, by=district_officer, reason="again") is False


def test_reissue_needs_a_reason(tea_certificate, district_officer):
    with pytest.raises(ValidationError) as error:
        certificates.reissue_certificate(tea_certificate, by=district_officer, reason="  ")
    assert error.value.message_dict == {
        "reason": [gettext("Give the reason for re-issuing (e.g. a corrected producer name).")]
    }
    assert Certificate.objects.get(pk=tea_certificate.pk).superseded_at is None


def test_a_revoked_certificate_is_not_reissued_nor_issued_again(tea, tea_certificate, district_officer):
    certificates.revoke_certificate(
        tea_certificate,
        ground=RevocationGround.MARK_MISUSE,
        decision_number="10/QĐ-UBND",
        decision_date=today(),
        by=district_officer,
    )
    with pytest.raises(ValidationError):
        certificates.reissue_certificate(tea_certificate, by=district_officer, reason="x")
    with pytest.raises(ValidationError):
        certificates.issue_certificate(tea, by=district_officer)
    assert Certificate.objects.count() == 1


# ---------------------------------------------------------------------------------------------------- revocation
def test_revoke_changes_the_status_at_once(tea_certificate, district_officer):
    done = certificates.revoke_certificate(
        tea_certificate,
        ground=RevocationGround.LEGAL_VIOLATION,
        decision_number="3120/QĐ-UBND",
        decision_date=today(),
        note="Vi phạm ghi nhãn.",
        by=district_officer,
    )
    assert done is True
    certificate = Certificate.objects.get(pk=tea_certificate.pk)
    assert certificate.status() == CertificateStatus.REVOKED
    assert (certificate.revoked_on, certificate.revocation_decision, certificate.revocation_ground) == (
        today(),
        "3120/QĐ-UBND",
        RevocationGround.LEGAL_VIOLATION,
    )
    assert certificate.revoked_by == district_officer
    assert not Certificate.objects.current().exists()
    entry = AuditEntry.objects.get(action="certificate.revoked")
    assert entry.changes == {
        "certificate_status": ["valid", "revoked"],
        "revocation_ground": [None, "legal_violation"],
        "revocation_decision": [None, "3120/QĐ-UBND"],
    }
    assert entry.note == "Vi phạm ghi nhãn."
    assert (
        certificates.revoke_certificate(
            certificate,
            ground=RevocationGround.OTHER_DECISION,
            decision_number="1/QĐ",
            decision_date=today(),
            note="x",
            by=district_officer,
        )
        is False
    )
    assert AuditEntry.objects.filter(action="certificate.revoked").count() == 1


def test_revocation_input_is_checked(tea_certificate, district_officer):
    with pytest.raises(ValidationError) as error:
        certificates.revoke_certificate(
            tea_certificate,
            ground=RevocationGround.OTHER_DECISION,
            decision_number=" ",
            decision_date=today() + datetime.timedelta(days=1),
            by=district_officer,
        )
    assert error.value.message_dict == {
        "note": [gettext("Name the decision or reason when the ground is “other decision”.")],
        "decision_number": [gettext("Enter the number of the revocation decision.")],
        "decision_date": [gettext("The decision date cannot be in the future.")],
    }
    assert Certificate.objects.get(pk=tea_certificate.pk).revoked_at is None


@pytest.mark.parametrize("persona", ["secretary", "chair", "commune_official", "council_member"], indirect=True)
def test_only_the_district_office_revokes(tea_certificate, persona):
    with pytest.raises(PermissionDenied):
        certificates.revoke_certificate(
            tea_certificate,
            ground=RevocationGround.MARK_MISUSE,
            decision_number="1/QĐ",
            decision_date=today(),
            by=persona,
        )


def test_a_superseded_version_is_not_revoked(tea_certificate, district_officer):
    certificates.reissue_certificate(tea_certificate, by=district_officer, reason="Sửa địa chỉ.")
    with pytest.raises(ValidationError):
        certificates.revoke_certificate(
            tea_certificate,
            ground=RevocationGround.MARK_MISUSE,
            decision_number="1/QĐ",
            decision_date=today(),
            by=district_officer,
        )


# ---------------------------------------------------------------------------------------------------- inspections
def test_record_inspection(tea_certificate, secretary):
    inspection = certificates.record_inspection(
        tea_certificate,
        date=today(),
        inspectors="Đoàn kiểm tra liên ngành huyện",
        findings="Nhãn đúng quy định; có phiếu kiểm nghiệm định kỳ.",
        result=InspectionResult.COMPLIANT,
        by=secretary,
    )
    assert (inspection.certificate, inspection.result, inspection.recorded_by) == (
        tea_certificate,
        "compliant",
        secretary,
    )
    entry = AuditEntry.objects.get(action="certificate.inspected")
    assert (entry.object_id, entry.changes) == (tea_certificate.pk, {"inspection_result": [None, "compliant"]})
    repeat = certificates.record_inspection(
        tea_certificate,
        date=today(),
        inspectors="Đoàn kiểm tra liên ngành huyện",
        findings="Nhãn đúng quy định; có phiếu kiểm nghiệm định kỳ.",
        result=InspectionResult.COMPLIANT,
        by=secretary,
    )
    assert repeat is False
    assert Inspection.objects.count() == 1


def test_inspection_input_is_checked(tea_certificate, secretary, commune_official):
    with pytest.raises(ValidationError) as error:
        certificates.record_inspection(
            tea_certificate,
            date=tea_certificate.issued_on - datetime.timedelta(days=1),
            inspectors="",
            findings="",
            result="unknown",
            by=secretary,
        )
    assert set(error.value.message_dict) == {"inspectors", "findings", "result", "date"}
    with pytest.raises(PermissionDenied):
        certificates.record_inspection(
            tea_certificate, date=today(), inspectors="A", findings="B", result="compliant", by=commune_official
        )
    assert not Inspection.objects.exists()


# ---------------------------------------------------------------------------------------------------- recorded
def test_record_a_higher_levels_certificate(tea, secretary):
    product = tea.dossier.product
    certificate = certificates.record_certificate(
        product,
        number="112/GCN-UBND",
        issued_on=datetime.date(2024, 8, 28),
        issuer="UBND tỉnh Bắc Giang",
        decision_number="1234/QĐ-UBND",
        star=4,
        scan=scan(),
        by=secretary,
    )
    certificate.refresh_from_db()
    assert (certificate.kind, certificate.number, certificate.star, certificate.issuer) == (
        CertificateKind.RECORDED,
        "112/GCN-UBND",
        4,
        "UBND tỉnh Bắc Giang",
    )
    assert certificate.valid_until == datetime.date(2027, 8, 28)
    assert (certificate.sequence, certificate.recognition) == (None, None)
    assert certificate.file.read() == PDF_BYTES
    assert certificate.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert certificate.content_type == "application/pdf"
    again = certificates.record_certificate(
        product,
        number="112/GCN-UBND",
        issued_on=datetime.date(2024, 8, 28),
        issuer="UBND tỉnh Bắc Giang",
        star=4,
        scan=scan(),
        by=secretary,
    )
    assert again is False
    assert AuditEntry.objects.filter(action="certificate.recorded").count() == 1
    assert not CertificateSequence.objects.exists()  # a recorded certificate takes no number of ours


def test_recorded_certificate_input_is_checked(tea, secretary, commune_official):
    product = tea.dossier.product
    with pytest.raises(ValidationError) as error:
        certificates.record_certificate(
            product, number="", issued_on=today() + datetime.timedelta(days=1), issuer="", star=2, scan=None,
            by=secretary,
        )  # fmt: skip
    assert set(error.value.message_dict) == {"number", "issuer", "star", "issued_on", "scan"}
    with pytest.raises(ValidationError):
        certificates.record_certificate(
            product, number="1", issued_on=today(), issuer="UBND tỉnh", star=4, by=secretary,
            scan=SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf"),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        certificates.record_certificate(
            product, number="1", issued_on=today(), issuer="UBND tỉnh", star=4, scan=scan(), by=commune_official
        )
    assert not Certificate.objects.exists()


# ---------------------------------------------------------------------------------------------------- batches
def test_batch_issues_every_pending_certificate(decision, tea, noodles, district_officer,
                                                django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificates.start_issuing(decision.round, by=district_officer)
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.done, batch.error) == (BatchStatus.DONE, 2, 2, "")
    assert batch.started_at is not None and batch.finished_at is not None
    issued = list(Certificate.objects.order_by("sequence"))
    # In the order of the products' names.
    assert [(c.product_name, c.number) for c in issued] == [
        ("Mì Chũ Đồng Hưu", number(1)),
        ("Trà hoa vàng đông trùng túi lọc", number(2)),
    ]
    assert all(c.batch == batch and c.file and len(c.sha256) == 64 for c in issued)
    round_actions = AuditEntry.objects.filter(object_id=decision.round.pk, action__startswith="certificate.batch")
    assert sorted(round_actions.values_list("action", flat=True)) == [
        "certificate.batch_finished",
        "certificate.batch_started",
    ]
    # Nothing left to issue: a second click is a no-op.
    assert certificates.start_issuing(decision.round, by=district_officer) is False
    assert IssuingBatch.objects.count() == 1


def test_batch_skips_certified_products_and_counts_only_the_rest(decision, tea, noodles, tea_certificate,
                                                                 district_officer,
                                                                 django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificates.start_issuing(decision.round, by=district_officer)
    batch.refresh_from_db()
    assert (batch.total, batch.done) == (1, 1)
    assert Certificate.objects.filter(recognition=tea).count() == 1


def test_batch_task_runs_once(decision, tea, district_officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = certificates.start_issuing(decision.round, by=district_officer)
    assert len(callbacks) == 1
    assert IssuingBatch.objects.get().status == BatchStatus.QUEUED
    # While it is queued, another click neither makes a second batch nor queues it again.
    assert certificates.start_issuing(decision.round, by=district_officer) is False
    assert certificates.run_issuing_batch(batch.pk) is True
    assert certificates.run_issuing_batch(batch.pk) is False  # a repeated task finds the batch claimed
    assert Certificate.objects.count() == 1


def test_batch_failure_is_recorded_and_what_was_issued_stays(decision, tea, noodles, district_officer, monkeypatch):
    batch = certificates.start_issuing(decision.round, by=district_officer)
    calls = []

    def failing_pdf(certificate):
        calls.append(certificate.pk)
        if len(calls) == 2:
            raise OSError("disk full")
        return b"%PDF-1.4 test"

    monkeypatch.setattr(rendering, "certificate_pdf", failing_pdf)
    assert certificates.run_issuing_batch(batch.pk) is False
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.error) == (BatchStatus.FAILED, 1, "OSError")
    assert Certificate.objects.count() == 2  # the second is issued; its file is rendered on first download
    assert Certificate.objects.filter(sha256="").count() == 1
    assert AuditEntry.objects.filter(action="certificate.batch_failed").count() == 1


def test_start_issuing_needs_a_decision_and_the_right(authority, district_officer, secretary, tea):
    with pytest.raises(PermissionDenied):
        certificates.start_issuing(tea.decision.round, by=secretary)
    round_ = RoundFactory(year__authority=authority, stage=RoundStage.APPROVED)
    with pytest.raises(ValidationError) as error:
        certificates.start_issuing(round_, by=district_officer)
    assert error.value.messages == [gettext("Record the round's recognition decision before issuing certificates.")]
    assert not IssuingBatch.objects.exists()


# ---------------------------------------------------------------------------------------------------- lists
def _with_expiry(certificate, days):
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=today() + datetime.timedelta(days=days))


def test_expiry_groups(decision, commune, district_officer):
    made = {}
    for days in (10, 45, 100, 200, -5):
        recognition = recognise(decision, commune, f"Sản phẩm {days}", f"Chủ thể {days}")
        made[days] = certificates.issue_certificate(recognition, by=district_officer)
        _with_expiry(made[days], days)
    # The -5 one's product was re-evaluated: an opened dossier, no new certificate yet.
    DossierFactory(product=made[-5].product, registration_type=RegistrationType.REEVALUATION)
    # The 45 one's product already holds a newer certificate: not listed.
    newer = recognise(decision, commune, "Sản phẩm 45 mới", "Chủ thể 45")
    Recognition.objects.filter(pk=newer.pk).update(dossier=DossierFactory(product=made[45].product))
    renewed = certificates.issue_certificate(Recognition.objects.get(pk=newer.pk), by=district_officer)
    _with_expiry(renewed, 900)
    groups = certificate_lists.expiry_groups(Certificate.objects.all())
    assert [(g.key, [c.product_name for c in g.certificates]) for g in groups] == [
        ("30", ["Sản phẩm 10"]),
        ("60", []),
        ("120", ["Sản phẩm 100"]),
        ("expired", ["Sản phẩm -5"]),
    ]
    assert [c.reevaluation for g in groups for c in g.certificates] == [False, False, True]
    assert [c.days for g in groups for c in g.certificates] == [10, 100, -5]


def test_ceremony_lists_live_certificates_of_the_year(decision, commune, district_officer, tea, noodles):
    year = decision.round.year
    year.ceremony_by = today()
    year.save()
    kept = certificates.issue_certificate(tea, by=district_officer)
    revoked = certificates.issue_certificate(noodles, by=district_officer)
    certificates.revoke_certificate(
        revoked, ground="production_stopped", decision_number="5/QĐ", decision_date=today(), by=district_officer
    )
    recorded = certificates.record_certificate(
        tea.dossier.product,
        number="112/GCN-UBND",
        issued_on=today(),
        issuer="UBND tỉnh Bắc Giang",
        star=4,
        scan=scan(),
        by=district_officer,
    )
    assert list(certificate_lists.ceremony_certificates(year)) == [recorded, kept]
    assert list(certificate_lists.ceremony_certificates(year, until=today() - datetime.timedelta(days=1))) == []


def test_status_labels_are_the_public_words():
    assert [str(s.label) for s in CertificateStatus] == [
        pgettext("certificate", word) for word in ("Valid", "Expiring soon", "Expired", "Revoked", "Superseded")
    ]


def test_verification_url_uses_the_public_base_url(tea_certificate, settings):
    settings.PUBLIC_BASE_URL = "https://ocop.example.vn/"
    assert certificates.verification_url(tea_certificate.code) == (
        "https://ocop.example.vn" + reverse("evaluations:verify", args=[tea_certificate.code])
    )


# ---------------------------------------------------------------------------------------------------- a real worker
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_batch_runs_in_a_real_worker_through_redis(request, monkeypatch, settings, decision, commune,
                                                   district_officer):  # fmt: skip
    """The batch task consumed by a `celery worker` process: numbers, files and progress land in the database."""
    import time

    from evaluations.tasks import issue_batch

    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))  # the worker stores the files where we read them
    queue, proc = request.getfixturevalue("real_worker")
    for i in range(3):
        recognise(decision, commune, f"Sản phẩm {i}", f"Chủ thể {i}")
    monkeypatch.setattr(
        certificates,
        "queue_batch",
        lambda batch_id: issue_batch.apply_async(kwargs={"batch_id": batch_id}, queue=queue),
    )
    batch = certificates.start_issuing(decision.round, by=district_officer)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
            break
        if proc.poll() is not None:
            pytest.fail(f"worker exited early:\n{proc.stdout.read()}")
        time.sleep(0.2)
    assert (batch.status, batch.done, batch.total) == (BatchStatus.DONE, 3, 3)
    issued = list(Certificate.objects.order_by("sequence"))
    assert [c.number for c in issued] == [number(1), number(2), number(3)]
    for certificate in issued:
        content = certificate.file.read()
        assert content.startswith(b"%PDF-")
        assert hashlib.sha256(content).hexdigest() == certificate.sha256
