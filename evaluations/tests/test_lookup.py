"""The public lookup box: a certificate found by its verification code or its number opens its verification page;
an ambiguous number lists the matches with only printed facts; a renewed certificate reads superseded."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evaluations import certificates
from evaluations.enums import CertificateKind, CertificateStatus
from evaluations.models import Certificate, Recognition, RecognitionDecision
from evaluations.tests import test_certificates as shared
from evaluations.tests.test_public import PRIVATE, listed  # noqa: F401 (fixture)
from ocop.models import AuditEntry
from products.enums import DossierStatus
from products.tests.factories import DossierFactory, RoundFactory
from programme.enums import RoundStage

decision = shared.decision
noodles = shared.noodles
tea = shared.tea
tea_certificate = shared.tea_certificate

LOOKUP = reverse("evaluations:certificate_lookup")


def verify_url(certificate):
    return reverse("evaluations:verify", args=[certificate.code])


@pytest.fixture
def anonymous():
    return Client()


def test_code_in_any_case_and_with_spaces_opens_the_verification_page(anonymous, tea_certificate):
    typed = " ".join([tea_certificate.code[:10].lower(), tea_certificate.code[10:]])
    response = anonymous.get(LOOKUP, {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == verify_url(tea_certificate)


def test_whole_number_opens_the_verification_page(anonymous, tea_certificate):
    response = anonymous.get(LOOKUP, {"q": f"  {tea_certificate.number.lower().replace('/', ' / ')} "})
    assert response["Location"] == verify_url(tea_certificate)


def test_ambiguous_number_lists_the_matches_with_printed_facts_only(anonymous, listed, noodles, district_officer):  # noqa: F811
    other = certificates.issue_certificate(noodles, by=district_officer)
    # The same running number in an earlier year.
    Certificate.objects.filter(pk=other.pk).update(number="001/GCN-LN-2021", sequence=1, year=2021)
    response = anonymous.get(LOOKUP, {"q": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["rows"]
    assert sorted(c.number for c, _status in rows) == sorted([listed.number, "001/GCN-LN-2021"])
    assert html.count('data-testid="match"') == 2
    assert verify_url(listed) in html and f"/verify/{other.code}/" in html
    assert "Có 2 giấy chứng nhận khớp" in html
    for value in PRIVATE.values():
        assert value not in html


def test_unknown_text_says_not_found_and_keeps_what_was_typed(anonymous, tea_certificate):
    response = anonymous.get(LOOKUP, {"q": "999/GCN-XX-1999"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không có giấy chứng nhận nào mang mã hoặc số này" in html
    assert 'value="999/GCN-XX-1999"' in html


def test_empty_box_shows_the_form(anonymous, db, authority):
    response = anonymous.get(LOOKUP)
    assert response.status_code == 200
    assert 'data-testid="lookup"' in response.content.decode()


def test_lookup_box_on_catalogue_and_login_page(anonymous, db, authority):
    for url in (reverse("evaluations:public_catalogue"), reverse("login")):
        html = anonymous.get(url).content.decode()
        assert f'action="{LOOKUP}"' in html, url
        assert "Mã xác thực hoặc số giấy chứng nhận" in html


def test_renewed_certificate_is_superseded_everywhere(anonymous, tea, tea_certificate, district_officer, authority):
    """A re-evaluation certified again replaces the old certificate: its public page says superseded, with the
    new number, and the lists no longer count it as valid or expiring."""
    later_round = RoundFactory(
        year__authority=authority, stage=RoundStage.APPROVED, approved_at=timezone.now() - datetime.timedelta(days=3)
    )
    later = RecognitionDecision.objects.create(
        round=later_round, number="99/QĐ-UBND", date=timezone.localdate() - datetime.timedelta(days=2), signed_by="X"
    )
    dossier = DossierFactory(product=tea.dossier.product, round=later_round, status=DossierStatus.ACCEPTED)
    renewal = certificates.issue_certificate(
        Recognition.objects.create(decision=later, dossier=dossier, star=3), by=district_officer
    )
    old = Certificate.objects.get(pk=tea_certificate.pk)
    assert old.status() == CertificateStatus.SUPERSEDED
    assert AuditEntry.objects.filter(action="certificate.superseded", object_id=old.pk).count() == 1
    response = anonymous.get(verify_url(old))
    assert response.context["status"] == CertificateStatus.SUPERSEDED
    assert response.context["replacement"] == renewal
    assert renewal.number in response.content.decode()
    assert list(Certificate.objects.current()) == [renewal]


def _numbered(count, tea_certificate):
    """``count`` certificates whose number starts with running number 1 (the tea's, plus copies in past years)."""
    for year in range(2020, 2020 + count - 1):
        Certificate.objects.create(
            **{
                f.name: getattr(tea_certificate, f.name)
                for f in Certificate._meta.concrete_fields
                if f.name not in ("id", "code", "number", "year", "recognition", "previous", "kind")
            },
            kind=CertificateKind.RECORDED,  # a copy recorded from paper: no recognition needed
            number=f"001/GCN-LN-{year}",
            year=year,
        )


@pytest.mark.parametrize("count", [2, 3])
def test_lookup_list_query_count_does_not_grow(anonymous, tea_certificate, count, django_assert_num_queries):
    _numbered(count, tea_certificate)
    with django_assert_num_queries(3):  # authority, exact number, running number
        response = anonymous.get(LOOKUP, {"q": "001"})
    assert len(response.context["rows"]) == count
