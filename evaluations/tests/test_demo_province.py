"""`seed_demo --regime province`: a clearly labelled simulated province programme on the same communes."""

import io

import pytest
from django.core.management import call_command

from evaluations.domain import forwarded_results
from evaluations.models import Certificate
from ocop.models import Authority
from programme.models import Round


@pytest.mark.django_db
def test_province_demo_issues_a_4_star_certificate_and_forwards_a_5_star_candidate(settings):
    settings.DEBUG = True
    call_command("seed_demo", regime="province", stdout=io.StringIO())
    authority = Authority.objects.get()
    assert authority.is_province and "mô phỏng" in authority.name
    assert (authority.max_recognised_star, authority.next_level) == (4, "ministry")
    round_2024 = Round.objects.get(year__year=2024, number=1)
    tea = Certificate.objects.get(product__name="Trà hoa vàng", superseded_at__isnull=True)
    assert (tea.kind, tea.star, tea.issuer) == ("issued", 4, authority.name)
    assert tea.number.endswith("/GCN-BG-2024") and tea.product_code.startswith("BG-TS-")
    assert "huyện" not in tea.producer_address
    forwarded = [r.dossier.product.name for r in forwarded_results(round_2024)]
    assert forwarded == ["Trà hoa vàng"]  # 97 points and every 5★ mark: the ministry evaluates it
    assert not Certificate.objects.filter(kind="recorded", number="112/GCN-UBND").exists()
    assert round_2024.year.plan_reference.startswith("Kế hoạch triển khai Chương trình OCOP tỉnh Bắc Giang")
