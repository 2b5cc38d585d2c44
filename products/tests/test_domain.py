"""Dossier workflow: every transition checks permission and state, is audited and idempotent."""

import datetime
import hashlib
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ocop import audit
from products import domain
from products.enums import DossierStatus
from products.models import ItemComment, Producer
from products.tests.factories import PDF_BYTES, pdf

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _actions(obj):
    return [entry.action for entry in audit.history_for(obj).order_by("created_at", "id")]


def test_submit_refused_with_exact_list_of_what_is_missing(dossier, commune_official):
    with pytest.raises(ValidationError) as info:
        domain.submit_dossier(dossier, by=commune_official)
    messages = info.value.messages
    assert "Thiếu tài liệu: Phiếu đăng ký" in messages
    assert "Thiếu tài liệu: Nhãn sản phẩm" in messages
    assert "Xác nhận của xã chưa đủ: tỷ lệ lao động địa phương (%)" in messages
    assert len(messages) == 7 + 7  # 7 required documents for a new registration, 7 verification fields
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT


def test_full_workflow_with_return_and_resubmission(complete_dossier, commune_official, secretary):
    dossier = complete_dossier
    assert domain.submit_dossier(dossier, by=commune_official) is True
    assert domain.submit_dossier(dossier, by=commune_official) is False  # idempotent
    dossier.refresh_from_db()
    assert (dossier.status, dossier.submission_count) == (DossierStatus.SUBMITTED, 1)

    assert domain.return_dossier(
        dossier, by=secretary, comments=[("nhan_san_pham", "Nhãn thiếu hạn sử dụng"), ("", "Bổ sung ảnh")]
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    assert [(c.item, c.text, c.submission_number) for c in ItemComment.objects.filter(dossier=dossier)] == [
        ("nhan_san_pham", "Nhãn thiếu hạn sử dụng", 1),
        ("", "Bổ sung ảnh", 1),
    ]

    assert domain.submit_dossier(dossier, by=commune_official) is True
    dossier.refresh_from_db()
    assert (dossier.status, dossier.submission_count) == (DossierStatus.RESUBMITTED, 2)

    assert domain.accept_dossier(dossier, by=secretary) is True
    assert domain.accept_dossier(dossier, by=secretary) is False
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.ACCEPTED
    assert _actions(dossier) == [
        "dossier.submitted",
        "dossier.regime_assigned",  # the filing date's regime (decision 2b), once: a resubmission keeps it
        "dossier.returned",
        "dossier.resubmitted",
        "dossier.accepted",
    ]
    returned = audit.history_for(dossier).get(action="dossier.returned")
    assert returned.changes == {"status": ["submitted", "returned"]}
    assert "Nhãn sản phẩm: Nhãn thiếu hạn sử dụng" in returned.note


def test_return_needs_a_comment(submitted_dossier, secretary):
    with pytest.raises(ValidationError, match="Hãy ghi ít nhất một ý kiến"):
        domain.return_dossier(submitted_dossier, by=secretary, comments=[("", "  ")])
    submitted_dossier.refresh_from_db()
    assert submitted_dossier.status == DossierStatus.SUBMITTED


def test_reject_needs_reason_and_is_final(submitted_dossier, secretary, commune_official):
    with pytest.raises(ValidationError):
        domain.reject_dossier(submitted_dossier, by=secretary, reason="")
    assert domain.reject_dossier(submitted_dossier, by=secretary, reason="Nguyên liệu nhập khẩu toàn bộ")
    submitted_dossier.refresh_from_db()
    assert submitted_dossier.status == DossierStatus.REJECTED
    assert submitted_dossier.rejection_reason == "Nguyên liệu nhập khẩu toàn bộ"
    with pytest.raises(ValidationError):
        domain.accept_dossier(submitted_dossier, by=secretary)
    with pytest.raises(ValidationError):
        domain.add_document(submitted_dossier, item="khac", upload=pdf(), by=commune_official)


@pytest.mark.parametrize("persona", ["commune_official", "council_member", "finance_officer", "chair"], indirect=True)
def test_only_district_checks(submitted_dossier, persona):
    with pytest.raises(PermissionDenied):
        domain.accept_dossier(submitted_dossier, by=persona)
    submitted_dossier.refresh_from_db()
    assert submitted_dossier.status == DossierStatus.SUBMITTED


def test_outsider_cannot_submit_or_upload(complete_dossier, outsider_official):
    with pytest.raises(PermissionDenied):
        domain.submit_dossier(complete_dossier, by=outsider_official)
    with pytest.raises(PermissionDenied):
        domain.add_document(complete_dossier, item="khac", upload=pdf(), by=outsider_official)


def test_deadline_is_enforced_at_end_of_day_in_vietnam(complete_dossier, commune_official):
    deadline = complete_dossier.round.commune_deadline
    last_minute = datetime.datetime.combine(deadline, datetime.time(23, 59), tzinfo=HCM)
    too_late = datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time(0, 1), tzinfo=HCM)
    with pytest.raises(ValidationError, match="Đã quá hạn nộp"):
        domain.submit_dossier(complete_dossier, by=commune_official, now=too_late)
    assert domain.submit_dossier(complete_dossier, by=commune_official, now=last_minute) is True


def test_extension_lets_a_late_dossier_in_and_is_logged(complete_dossier, commune_official, district_officer):
    deadline = complete_dossier.round.commune_deadline
    late = datetime.datetime.combine(deadline + datetime.timedelta(days=3), datetime.time(9), tzinfo=HCM)
    with pytest.raises(ValidationError):
        domain.grant_extension(complete_dossier, by=district_officer, until=deadline)
    with pytest.raises(PermissionDenied):
        domain.grant_extension(complete_dossier, by=commune_official, until=deadline + datetime.timedelta(days=5))
    assert domain.grant_extension(
        complete_dossier, by=district_officer, until=deadline + datetime.timedelta(days=5), reason="Lũ"
    )
    assert domain.submit_dossier(complete_dossier, by=commune_official, now=late) is True
    entry = audit.history_for(complete_dossier).get(action="dossier.extension_granted")
    assert entry.changes == {"extension_until": [None, (deadline + datetime.timedelta(days=5)).isoformat()]}
    assert entry.note == "Lũ"


def test_add_document_records_hash_and_type_from_content(dossier, commune_official):
    document = domain.add_document(dossier, item="phieu_dang_ky", upload=pdf("Phiếu đăng ký.pdf"), by=commune_official)
    assert document.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert document.content_type == "application/pdf"
    assert document.original_name == "Phiếu đăng ký.pdf"
    assert document.file.name.startswith(f"dossiers/{dossier.pk}/")
    assert "Phiếu" not in document.file.name  # stored under a random name
    assert _actions(dossier) == ["dossier.document_added"]


def test_duplicate_producer_name_is_detected_ignoring_accents(commune, other_commune, commune_official, make_user):
    domain.create_producer(
        commune=commune, by=commune_official, kind="to_hop_tac", name="Tổ hợp tác bánh mật",
        representative_name="Nguyễn Thị Hạnh", address="Thôn Sơn Đình 2",
    )  # fmt: skip
    with pytest.raises(ValidationError) as info:
        domain.create_producer(
            commune=commune, by=commune_official, kind="to_hop_tac", name="to hop tac BANH MAT",
            representative_name="Lê Văn B", address="Thôn Sơn Đình 1",
        )  # fmt: skip
    assert info.value.message_dict["name"] == ["Xã Thanh Lâm đã có chủ thể tên “Tổ hợp tác bánh mật”."]
    from ocop.enums import Role

    other = make_user(Role.COMMUNE_OFFICIAL, commune=other_commune)
    domain.create_producer(
        commune=other_commune, by=other, kind="to_hop_tac", name="Tổ hợp tác bánh mật",
        representative_name="Lê Văn C", address="Thôn Đồng",
    )  # fmt: skip
    assert Producer.objects.filter(name="Tổ hợp tác bánh mật").count() == 2


def test_producer_validation_messages_are_vietnamese(commune, commune_official):
    with pytest.raises(ValidationError) as info:
        domain.create_producer(
            commune=commune, by=commune_official, kind="to_hop_tac", name="THT A",
            representative_name="A", address="Thôn 1", phone="12345", registration_number="ab",
        )  # fmt: skip
    assert info.value.message_dict["phone"] == ["Nhập số điện thoại Việt Nam, ví dụ 0912345678 hoặc +84912345678."]
    assert "registration_number" in info.value.message_dict


def test_commune_official_cannot_register_for_another_commune(other_commune, commune_official):
    with pytest.raises(PermissionDenied):
        domain.create_producer(
            commune=other_commune, by=commune_official, kind="to_hop_tac", name="X",
            representative_name="A", address="Thôn 1",
        )  # fmt: skip


def test_only_district_changes_criteria_set(dossier, commune_official, district_officer):
    from products.tests.factories import CriteriaSetFactory

    tea = CriteriaSetFactory(code="11", name="Chè tươi, chè chế biến")
    product = dossier.product
    with pytest.raises(PermissionDenied):
        domain.update_product(product, by=commune_official, criteria_set=tea)
    assert domain.update_product(product, by=district_officer, criteria_set=tea) is True
    product.refresh_from_db()
    assert product.criteria_set == tea


def test_criteria_set_frozen_once_accepted(submitted_dossier, secretary, district_officer):
    from products.tests.factories import CriteriaSetFactory

    domain.accept_dossier(submitted_dossier, by=secretary)
    with pytest.raises(ValidationError):
        domain.update_product(
            submitted_dossier.product, by=district_officer, criteria_set=CriteriaSetFactory(code="11", name="Chè")
        )
