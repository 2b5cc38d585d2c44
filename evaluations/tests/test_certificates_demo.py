"""The demo's certificates: the five of decision 2345/QĐ-UBND, the province's 4★, one revoked after an inspection,
one expiring within 60 days; seeding twice changes nothing."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evaluations import demo
from evaluations.enums import CertificateKind, CertificateStatus, RevocationGround
from evaluations.models import Certificate, Inspection
from ocop import demo as ocop_demo
from ocop.models import AuditEntry


@pytest.fixture
def seeded(db):
    return ocop_demo.seed_all()


def test_demo_issues_the_2024_certificates(seeded):
    summary = seeded["scoring"]["certificates"]
    assert summary["numbers"] == [f"{n:03d}/GCN-LN-2024" for n in range(1, 6)]
    assert (summary["issued"], summary["recorded"], summary["revoked"]) == (5, 2, 1)
    issued = Certificate.objects.filter(kind=CertificateKind.ISSUED).order_by("sequence")
    assert [c.product_name for c in issued] == [
        "Đông trùng hạ thảo khô",
        "Mật ong đông trùng hạ thảo",
        "Rượu đông trùng hạ thảo",
        "Trà hoa vàng",
        "Trà hoa vàng đông trùng túi lọc",
    ]
    assert {(c.issued_on, c.decision_number, c.valid_until, c.star) for c in issued} == {
        (datetime.date(2024, 6, 25), "2345/QĐ-UBND", datetime.date(2027, 6, 20), 3)
    }
    assert {c.signatory for c in issued} == {"Lê Văn Thành – Phó Chủ tịch UBND huyện"}


def test_demo_revoked_expiring_and_province_certificates(seeded):
    honey = Certificate.objects.get(product_name="Mật ong đông trùng hạ thảo")
    assert honey.status() == CertificateStatus.REVOKED
    assert (honey.revocation_ground, honey.revocation_decision, honey.revoked_on) == (
        RevocationGround.CRITERIA_NOT_MET,
        "3120/QĐ-UBND",
        datetime.date(2025, 10, 20),
    )
    assert Inspection.objects.get(certificate=honey).result == "not_compliant"
    province = Certificate.objects.get(number="112/GCN-UBND")
    assert (province.kind, province.star, province.issuer, province.valid_until) == (
        CertificateKind.RECORDED,
        4,
        "UBND tỉnh Bắc Giang",
        datetime.date(2027, 8, 28),
    )
    assert province.file.read().startswith(b"%PDF-")
    expiring = Certificate.objects.get(product_name="Rượu nếp cái hoa vàng Bảo Sơn")
    days = (expiring.valid_until - timezone.localdate()).days
    assert 42 <= days <= 45 and expiring.status() == CertificateStatus.EXPIRING


def test_demo_catalogue(seeded):
    page = Client().get(reverse("evaluations:public_catalogue")).context["page"]
    assert [(p.name, p.star) for p in page] == [
        ("Trà hoa vàng", 4),
        ("Đông trùng hạ thảo khô", 3),
        ("Rượu đông trùng hạ thảo", 3),
        ("Rượu nếp cái hoa vàng Bảo Sơn", 3),
        ("Trà hoa vàng đông trùng túi lọc", 3),
    ]


def test_demo_certificates_are_idempotent(seeded):
    counts = (Certificate.objects.count(), Inspection.objects.count(), AuditEntry.objects.count())
    demo.seed_certificates(seeded["authority"])
    assert (Certificate.objects.count(), Inspection.objects.count(), AuditEntry.objects.count()) == counts
