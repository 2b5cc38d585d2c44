"""The certificates step of the demo: the 2024 decision's certificates issued, the province's certificate recorded,
an inspection and a revocation, and a paper certificate near its expiry."""

import datetime

from django.utils import timezone

from evaluations import certificates
from evaluations.demo_stories import OFFICE, VN, _users
from evaluations.models import (
    Certificate,
    RecognitionDecision,
)
from ocop.models import Authority

# ---------------------------------------------------------------------------------------------------- certificates
CERTIFICATES_ISSUED_2024 = datetime.datetime(2024, 6, 25, 9, 0, tzinfo=VN)


# The province's certificate of the 4★ it recognised (decision 1234/QĐ-UBND, see TRA_HOA_VANG.province).
PROVINCE_CERTIFICATE = {
    "product": "Trà hoa vàng",
    "number": "112/GCN-UBND",
    "issuer": "UBND tỉnh Bắc Giang",
    "decision_number": "1234/QĐ-UBND",
    "issued_on": datetime.date(2024, 8, 28),
    "star": 4,
    "recorded_at": datetime.datetime(2024, 9, 5, 10, 0, tzinfo=VN),
}


INSPECTION_2025 = {
    "product": "Mật ong đông trùng hạ thảo",
    "date": datetime.date(2025, 9, 16),
    "inspectors": "Đoàn kiểm tra liên ngành huyện: Phòng NN&PTNT, Phòng Y tế, Phòng Kinh tế và Hạ tầng",
    "findings": "Cơ sở không duy trì kiểm nghiệm định kỳ (phiếu gần nhất tháng 3/2024); nhãn ghi hàm lượng đông trùng "
    "hạ thảo 5% nhưng mẫu kiểm nghiệm chỉ đạt 1,2%; cơ sở đã ngừng sản xuất từ tháng 6/2025 và chưa khắc phục.",
    "result": "not_compliant",
    "recorded_at": datetime.datetime(2025, 9, 18, 14, 0, tzinfo=VN),
}


REVOCATION_2025 = {
    "ground": "criteria_not_met",
    "decision_number": "3120/QĐ-UBND",
    "decision_date": datetime.date(2025, 10, 20),
    "note": "Theo kết quả kiểm tra ngày 16/09/2025 của đoàn kiểm tra liên ngành huyện.",
    "recorded_at": datetime.datetime(2025, 10, 21, 9, 30, tzinfo=VN),
}


# A paper certificate from before the application: the reason the product is re-evaluated this year.
EXPIRING_CERTIFICATE = {
    "product": "Rượu nếp cái hoa vàng Bảo Sơn",
    "number": "07/GCN-OCOP",
    "issuer": "UBND huyện Lục Nam",
    "star": 3,
    "days_left": 45,
}


def _demo_scan(lines):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from products.demo_files import _pdf_bytes

    return SimpleUploadedFile("ban-scan-giay-chung-nhan.pdf", _pdf_bytes(lines), content_type="application/pdf")


def _record_demo_certificate(authority, seed: dict, issued_on: datetime.date, by, now=None):
    from evaluations.enums import CertificateKind
    from products.models import Product

    product = Product.objects.get(commune__authority=authority, name=seed["product"])
    if Certificate.objects.filter(kind=CertificateKind.RECORDED, product=product, number=seed["number"]).exists():
        return None
    scan = _demo_scan(
        [
            "GIAY CHUNG NHAN SAN PHAM OCOP (ban scan)",
            f"So: {seed['number']} - {seed['issuer']}",
            f"San pham: {product.name}",
            f"Hang: {seed['star']} sao - ngay {issued_on:%d/%m/%Y}",
        ]
    )
    return certificates.record_certificate(
        product,
        number=seed["number"],
        issuer=seed["issuer"],
        decision_number=seed.get("decision_number", ""),
        issued_on=issued_on,
        star=seed["star"],
        scan=scan,
        by=by,
        now=now,
    )


def seed_certificates(authority: Authority) -> dict:
    """The certificates of 2024 round 1, the province's certificate, an inspection and a revocation, and a
    certificate expiring within 60 days (idempotent: each step is guarded by the rows it creates)."""
    from evaluations.models import add_months

    users = _users()
    office = users[OFFICE]
    decision = RecognitionDecision.objects.filter(
        round__year__authority=authority, round__year__year=2024, round__number=1
    ).first()
    if decision is None:
        return {}
    # The PDFs are rendered and stored on first download (or by the batch task when issued from the round page).
    for recognition in certificates.pending_recognitions(decision.round):
        certificates.issue_certificate(
            recognition, by=office, issued_on=CERTIFICATES_ISSUED_2024.date(), now=CERTIFICATES_ISSUED_2024
        )
    if not authority.is_province:  # under the province regime the province issued Trà hoa vàng's 4★ itself
        _record_demo_certificate(
            authority,
            PROVINCE_CERTIFICATE,
            PROVINCE_CERTIFICATE["issued_on"],
            office,
            PROVINCE_CERTIFICATE["recorded_at"],
        )

    honey = Certificate.objects.get(
        recognition__decision=decision, product__name=INSPECTION_2025["product"], superseded_at__isnull=True
    )
    inspection = {k: v for k, v in INSPECTION_2025.items() if k not in ("product", "recorded_at")}
    if not honey.inspections.exists():
        certificates.record_inspection(honey, by=office, now=INSPECTION_2025["recorded_at"], **inspection)
    if not honey.revoked_at:
        revocation = {k: v for k, v in REVOCATION_2025.items() if k != "recorded_at"}
        certificates.revoke_certificate(honey, by=office, now=REVOCATION_2025["recorded_at"], **revocation)

    expires = timezone.localdate() + datetime.timedelta(days=EXPIRING_CERTIFICATE["days_left"])
    issued_on = add_months(expires, -authority.certificate_validity_months)
    _record_demo_certificate(authority, EXPIRING_CERTIFICATE, issued_on, office)

    live = Certificate.objects.filter(authority=authority)
    return {
        "issued": live.filter(kind="issued").count(),
        "recorded": live.filter(kind="recorded").count(),
        "revoked": live.filter(revoked_at__isnull=False).count(),
        "numbers": list(live.filter(kind="issued").order_by("sequence").values_list("number", flat=True)),
    }
