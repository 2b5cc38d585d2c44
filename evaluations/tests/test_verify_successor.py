"""A certificate of an authority that no longer exists (2025): same number and code, its issuer, and who manages it
now, on the internal and the public page; still valid to its term."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from evaluations.enums import CertificateStatus
from evaluations.tests import test_certificates as shared
from ocop import units
from ocop.enums import AuthorityLevel
from ocop.tests.factories import AuthorityFactory, CommuneFactory

decision = shared.decision
tea = shared.tea
tea_certificate = shared.tea_certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def bac_ninh(db):
    return AuthorityFactory(
        name="UBND tỉnh Bắc Ninh", short_name="Bắc Ninh", code="BN", province="Bắc Ninh", level=AuthorityLevel.PROVINCE
    )


def test_verification_names_the_issuer_until_its_end_and_the_authority_managing_it_now(
    tea_certificate, authority, bac_ninh, district_officer
):
    number, code, valid_until = tea_certificate.number, tea_certificate.code, tea_certificate.valid_until
    before = Client().get(reverse("evaluations:verify", args=[code])).content.decode()
    assert "Cơ quan quản lý hiện nay" not in before
    units.record_succession(authority, bac_ninh, datetime.date(2025, 6, 30))
    response = Client().get(reverse("evaluations:verify", args=[code]))
    page = response.content.decode()
    assert response.context["status"] == CertificateStatus.VALID  # valid to its term
    tea_certificate.refresh_from_db()
    assert (tea_certificate.number, tea_certificate.code, tea_certificate.valid_until) == (number, code, valid_until)
    assert number in page
    assert "UBND huyện Lục Nam (đến 30/06/2025)" in page
    assert "Cơ quan quản lý hiện nay: UBND tỉnh Bắc Ninh" in page
    # The chain: a successor that itself was taken over names the last one.
    later = AuthorityFactory(name="UBND tỉnh Kinh Bắc", code="KB", level=AuthorityLevel.PROVINCE)
    units.record_succession(bac_ninh, later, datetime.date(2030, 1, 1))
    page = Client().get(reverse("evaluations:verify", args=[code])).content.decode()
    assert "Cơ quan quản lý hiện nay: UBND tỉnh Kinh Bắc" in page


def test_certificate_page_keeps_the_printed_address_and_shows_today_s(tea_certificate, authority, district_officer):
    from products.models import Producer

    printed = tea_certificate.producer_address
    bao_dai = CommuneFactory(authority=authority, name="Bảo Đài", slug="bao-dai", code="07462")
    former = units.record_former_unit("Thanh Lâm", "Huyện Lục Nam", "Tỉnh Bắc Giang", successor=bao_dai)
    Producer.objects.filter(pk=tea_certificate.product.producer_id).update(commune=bao_dai, former_unit=former)
    client = Client()
    client.force_login(district_officer)
    page = client.get(reverse("evaluations:certificate", args=[tea_certificate.pk])).content.decode()
    assert printed in page  # as printed
    assert "Địa chỉ hiện nay:" in page and "xã Bảo Đài" in page
    assert "trước đây: Xã Thanh Lâm, Huyện Lục Nam, Tỉnh Bắc Giang" in page
    tea_certificate.refresh_from_db()
    assert tea_certificate.producer_address == printed
