"""The public pages (no login): the catalogue, a product's page and photo, and the certificate check."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext

from evaluations import certificates
from evaluations.enums import CertificateStatus, RevocationGround
from evaluations.models import Certificate, Result
from evaluations.tests import test_certificates as shared
from evaluations.tests.test_certificates import recognise, scan
from products.tests.factories import PNG_BYTES, ProductFactory

# The shared fixtures (pytest finds them by name in this module).
decision = shared.decision
noodles = shared.noodles
tea = shared.tea
tea_certificate = shared.tea_certificate

PRIVATE = {
    "registration_number": "0109876543",
    "phone": "0912345678",
    "email": "htx.truongson@example.vn",
    "representative_name": "Nguyễn Thị Bí Mật",
}
DOSSIER_SECRET = "Nguồn nguyên liệu bí mật của hồ sơ"
REVOCATION_NOTE = "Ghi chú nội bộ không công bố"


def today():
    return timezone.localdate()


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def listed(tea, tea_certificate, district_officer):
    """Thanh Lâm's tea, certified; its producer and dossier carry private values that must not show."""
    producer = tea.dossier.product.producer
    for field, value in PRIVATE.items():
        setattr(producer, field, value)
    producer.save()
    dossier = tea.dossier
    dossier.raw_material_origin = DOSSIER_SECRET
    dossier.save()
    Result.objects.create(dossier=dossier, mean=Decimal("61.37"), star=3, sheet_count=5, expected_count=5)
    return tea_certificate


def catalogue(client, **params):
    return client.get(reverse("evaluations:public_catalogue"), params)


def names(response):
    return [p.name for p in response.context["page"]]


# ---------------------------------------------------------------------------------------------------- catalogue
def test_catalogue_lists_products_with_a_current_certificate(anonymous, listed, noodles, district_officer, authority):
    revoked = certificates.issue_certificate(noodles, by=district_officer)
    certificates.revoke_certificate(
        revoked, ground="mark_misuse", decision_number="7/QĐ", decision_date=today(), by=district_officer
    )
    ProductFactory(producer__commune=listed.product.commune, name="Sản phẩm chưa được công nhận")
    response = catalogue(anonymous)
    assert response.status_code == 200
    assert names(response) == ["Trà hoa vàng đông trùng túi lọc"]
    product = response.context["page"][0]
    assert (product.star, product.valid_until, product.certificate_number) == (3, listed.valid_until, listed.number)
    html = response.content.decode()
    assert "Hợp tác xã Dược liệu Trường Sơn" in html
    assert "Thanh Lâm" in html
    assert "★★★" in html
    assert listed.valid_until.strftime("%d/%m/%Y") in html
    assert response["Cache-Control"] == "public, no-cache"


def test_expiring_certificates_stay_listed_and_expired_ones_drop_out(anonymous, listed):
    Certificate.objects.filter(pk=listed.pk).update(valid_until=today())
    assert names(catalogue(anonymous)) == ["Trà hoa vàng đông trùng túi lọc"]
    Certificate.objects.filter(pk=listed.pk).update(valid_until=today() - datetime.timedelta(days=1))
    assert names(catalogue(anonymous)) == []


def test_a_higher_levels_certificate_shows_its_star(anonymous, listed, secretary):
    certificates.record_certificate(
        listed.product,
        number="112/GCN-UBND",
        issued_on=today() - datetime.timedelta(days=10),
        issuer="UBND tỉnh Bắc Giang",
        star=4,
        scan=scan(),
        by=secretary,
    )
    product = catalogue(anonymous).context["page"][0]
    assert (product.star, product.certificate_number, product.issuer) == (4, "112/GCN-UBND", "UBND tỉnh Bắc Giang")


def test_catalogue_filters_and_searches_without_accents(anonymous, listed, noodles, district_officer):
    certificates.issue_certificate(noodles, by=district_officer)
    assert names(catalogue(anonymous)) == ["Mì Chũ Đồng Hưu", "Trà hoa vàng đông trùng túi lọc"]
    assert names(catalogue(anonymous, q="tra hoa vang")) == ["Trà hoa vàng đông trùng túi lọc"]
    assert names(catalogue(anonymous, q="DONG HUU")) == ["Mì Chũ Đồng Hưu"]
    assert names(catalogue(anonymous, q="truong son")) == ["Trà hoa vàng đông trùng túi lọc"]  # the producer
    assert names(catalogue(anonymous, q="yen son")) == ["Mì Chũ Đồng Hưu"]  # the commune
    assert names(catalogue(anonymous, commune="yen-son")) == ["Mì Chũ Đồng Hưu"]
    assert names(catalogue(anonymous, group="Thực phẩm chế biến")) == [
        "Mì Chũ Đồng Hưu",
        "Trà hoa vàng đông trùng túi lọc",
    ]
    # An unknown option is ignored; the other filters still apply.
    assert names(catalogue(anonymous, group="Hoa")) == ["Mì Chũ Đồng Hưu", "Trà hoa vàng đông trùng túi lọc"]
    assert names(catalogue(anonymous, group="Hoa", q="mi chu")) == ["Mì Chũ Đồng Hưu"]
    assert names(catalogue(anonymous, star="4")) == []
    assert names(catalogue(anonymous, star="3", commune="thanh-lam")) == ["Trà hoa vàng đông trùng túi lọc"]


def test_catalogue_filter_options_come_from_certified_products(anonymous, listed):
    form = catalogue(anonymous).context["form"]
    assert list(form.fields["commune"].choices)[1:] == [("thanh-lam", "Thanh Lâm")]
    assert list(form.fields["group"].choices)[1:] == [("Thực phẩm chế biến", "Thực phẩm chế biến")]


@pytest.mark.parametrize("item_count", [1, 3])
def test_catalogue_query_count(anonymous, decision, commune, district_officer, item_count, django_assert_num_queries):
    for i in range(item_count):
        certificates.issue_certificate(recognise(decision, commune, f"Sản phẩm {i}", f"Chủ thể {i}"),
                                       by=district_officer)  # fmt: skip
    catalogue(anonymous)
    with django_assert_num_queries(4):
        response = catalogue(anonymous)
    assert len(response.context["page"]) == item_count


def test_catalogue_first_page_is_light(anonymous, decision, commune, district_officer):
    """A full first page (24 products) weighs under 100 KB of HTML and CSS, and loads no framework or script."""
    for i in range(30):
        recognition = recognise(decision, commune, f"Sản phẩm đặc sản số {i} của xã", f"Hợp tác xã nông nghiệp {i}")
        product = recognition.dossier.product
        product.photo.save(f"p{i}.png", ContentFile(PNG_BYTES), save=True)
        certificates.issue_certificate(recognition, by=district_officer)
    response = catalogue(anonymous)
    html = response.content
    assert len(response.context["page"]) == 24
    with open(finders.find("css/public.css"), "rb") as css:
        stylesheet = css.read()
    assert len(html) + len(stylesheet) < 100 * 1024
    text = html.decode()
    assert text.count("<link") == 1 and "css/public.css" in text
    assert "bootstrap" not in text and "<script" not in text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    assert text.count('loading="lazy"') == 24


def test_public_pages_show_nothing_private(anonymous, listed, district_officer):
    pages = [
        catalogue(anonymous),
        anonymous.get(reverse("evaluations:public_product", args=[listed.product_id])),
        anonymous.get(reverse("evaluations:verify", args=[listed.code])),
    ]
    certificates.revoke_certificate(
        listed,
        ground=RevocationGround.LEGAL_VIOLATION,
        decision_number="3120/QĐ-UBND",
        decision_date=today(),
        note=REVOCATION_NOTE,
        by=district_officer,
    )
    pages.append(anonymous.get(reverse("evaluations:verify", args=[listed.code])))
    for response in pages:
        html = response.content.decode()
        for secret in (*PRIVATE.values(), DOSSIER_SECRET, REVOCATION_NOTE, "61,37", "61.37", district_officer.username):
            assert secret not in html, (response.request["PATH_INFO"], secret)
        assert "csrfmiddlewaretoken" not in html
        assert "sessionid" not in response.cookies


def test_public_pages_need_no_login(anonymous, listed):
    for url in (
        reverse("evaluations:public_catalogue"),
        reverse("evaluations:public_product", args=[listed.product_id]),
        reverse("evaluations:verify", args=[listed.code]),
    ):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert "/dang-nhap/" not in response.content.decode()


def test_public_pages_refuse_post(anonymous, listed):
    assert anonymous.post(reverse("evaluations:public_catalogue")).status_code == 405
    assert anonymous.post(reverse("evaluations:verify", args=[listed.code])).status_code == 405


# ---------------------------------------------------------------------------------------------------- product page
def test_product_page(anonymous, listed):
    response = anonymous.get(reverse("evaluations:public_product", args=[listed.product_id]))
    assert response.status_code == 200
    html = response.content.decode()
    for expected in ("Trà hoa vàng đông trùng túi lọc", "Hợp tác xã Dược liệu Trường Sơn", listed.number, "★★★"):
        assert expected in html
    assert ngettext("%(star)s star", "%(star)s stars", 3) % {"star": 3} in html


def test_product_page_is_404_without_a_current_certificate(anonymous, listed, district_officer):
    uncertified = ProductFactory(producer=listed.product.producer, name="Chưa công nhận")
    assert anonymous.get(reverse("evaluations:public_product", args=[uncertified.pk])).status_code == 404
    certificates.revoke_certificate(
        listed, ground="production_stopped", decision_number="9/QĐ", decision_date=today(), by=district_officer
    )
    assert anonymous.get(reverse("evaluations:public_product", args=[listed.product_id])).status_code == 404


def test_photo_is_public_only_for_certified_products(anonymous, listed):
    product = listed.product
    product.photo.save("tra.png", ContentFile(PNG_BYTES), save=True)
    response = anonymous.get(reverse("evaluations:public_photo", args=[product.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG_BYTES
    other = ProductFactory(producer=product.producer, name="Chưa công nhận")
    other.photo.save("x.png", ContentFile(PNG_BYTES), save=True)
    assert anonymous.get(reverse("evaluations:public_photo", args=[other.pk])).status_code == 404
    product.photo.delete(save=True)  # certified, but no photo
    assert anonymous.get(reverse("evaluations:public_photo", args=[product.pk])).status_code == 404


# ---------------------------------------------------------------------------------------------------- verification
def verify(client, code):
    return client.get(reverse("evaluations:verify", args=[code]))


def test_verify_valid(anonymous, listed):
    response = verify(anonymous, listed.code)
    assert response.status_code == 200
    assert response.context["status"] == CertificateStatus.VALID
    html = response.content.decode()
    assert 'data-status="valid"' in html
    assert pgettext("certificate", "Valid") in html
    assert (
        gettext("This certificate is valid until %(date)s.") % {"date": listed.valid_until.strftime("%d/%m/%Y")} in html
    )
    assert listed.number in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_verify_expiring_states_the_days_left(anonymous, listed):
    Certificate.objects.filter(pk=listed.pk).update(valid_until=today() + datetime.timedelta(days=45))
    response = verify(anonymous, listed.code)
    assert response.context["status"] == CertificateStatus.EXPIRING
    html = response.content.decode()
    until = (today() + datetime.timedelta(days=45)).strftime("%d/%m/%Y")
    expected = ngettext(
        "This certificate is valid until %(date)s: it expires in %(days)s day.",
        "This certificate is valid until %(date)s: it expires in %(days)s days.",
        45,
    ) % {"date": until, "days": 45}
    assert expected in html
    assert pgettext("certificate", "Expiring soon") in html


def test_verify_expired(anonymous, listed):
    Certificate.objects.filter(pk=listed.pk).update(valid_until=today() - datetime.timedelta(days=3))
    response = verify(anonymous, listed.code)
    assert response.context["status"] == CertificateStatus.EXPIRED
    until = (today() - datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    assert (
        gettext("This certificate has expired: it was valid until %(date)s.") % {"date": until}
        in response.content.decode()
    )


def test_verify_revoked_states_date_and_ground(anonymous, listed, district_officer):
    certificates.revoke_certificate(
        listed,
        ground=RevocationGround.CRITERIA_NOT_MET,
        decision_number="3120/QĐ-UBND",
        decision_date=today(),
        by=district_officer,
    )
    response = verify(anonymous, listed.code)
    assert response.status_code == 200
    assert response.context["status"] == CertificateStatus.REVOKED
    html = response.content.decode()
    assert 'data-status="revoked"' in html
    assert pgettext("certificate", "Revoked") in html
    revoked_on = today().strftime("%d/%m/%Y")
    assert (
        gettext("This certificate was revoked on %(date)s by decision %(number)s.")
        % {"date": revoked_on, "number": "3120/QĐ-UBND"}
        in html
    )
    assert str(RevocationGround.CRITERIA_NOT_MET.label) in html


def test_verify_superseded_names_the_replacement(anonymous, listed, district_officer):
    new = certificates.reissue_certificate(listed, by=district_officer, reason="Sửa địa chỉ.")
    response = verify(anonymous, listed.code)
    assert response.context["status"] == CertificateStatus.SUPERSEDED
    html = response.content.decode()
    assert (
        gettext(
            "This certificate was replaced by certificate %(number)s issued on %(date)s; this copy is no longer valid."
        )
        % {"number": new.number, "date": new.issued_on.strftime("%d/%m/%Y")}
        in html
    )
    assert verify(anonymous, new.code).context["status"] == CertificateStatus.VALID


def test_verify_accepts_the_code_typed_in_small_letters(anonymous, listed):
    response = anonymous.get(f"/verify/{listed.code.lower()}/")
    assert response.status_code == 200
    assert response.context["certificate"] == listed


@pytest.mark.parametrize(
    "path",
    [
        "/verify/ABCDEFGHJKMNPQRSTUVW/",  # well formed, unknown
        "/verify/ABC/",  # too short
        "/verify/ABCDEFGHJKMNPQRSTUV0/",  # a 0 is not in the alphabet
        "/verify/ABCDEFGHJKMNPQRSTUVWXYZ/",  # too long
        "/verify/%3Cscript%3E/",  # not a code at all
        "/verify/1/",  # a sequential id does not find anything
    ],
)
def test_unknown_or_malformed_code_is_a_clear_404(anonymous, listed, path):
    response = anonymous.get(path)
    assert response.status_code == 404
    assert response.templates[0].name == "public/verify_not_found.html"
    html = response.content.decode()
    assert gettext("Certificate not found") in html
    assert 'data-status="not_found"' in html
    assert "<script>" not in html


def test_verification_codes_are_not_sequential(decision, commune, district_officer):
    codes = [
        certificates.issue_certificate(recognise(decision, commune, f"SP {i}", f"CT {i}"), by=district_officer).code
        for i in range(5)
    ]
    assert len(set(codes)) == 5
    assert len({code[:4] for code in codes}) > 1
