"""The merged province's dashboard: the former district's years and certificates, by commune of today, with the
former districts as a filter (issue 21, item 6)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from evaluations.models import Certificate
from insights import queries
from ocop import domain
from ocop.enums import Role
from ocop.models import FormerUnit
from products.models import Dossier, Producer
from takeover import fold

pytestmark = pytest.mark.django_db


def test_the_province_dashboard_shows_the_folded_district_by_commune_of_today(lucnam_backup, bac_ninh, client):
    fold.fold(lucnam_backup, into=bac_ninh)
    office = get_user_model().objects.create_user("so-nn")
    domain.set_user_roles(office, [Role.DISTRICT_OFFICE], by=None)
    client.force_login(office)

    response = client.get(reverse("insights:dashboard"), {"year": 2024})

    data = response.context
    assert data["year"].year == 2024 and data["year"].authority.code == "LN"
    assert 'data-testid="year-authority">UBND huyện Lục Nam<' in response.content.decode()
    assert data["former_districts"] == ["Huyện Lục Nam"]
    dossiers_2024 = Dossier.objects.filter(round__year=data["year"])
    assert sum(row["dossiers"] for row in data["by_commune"]) == dossiers_2024.count() > 0
    # By commune of today: Thanh Lâm's, Tam Dị's and Bảo Sơn's dossiers are xã Bảo Đài's.
    names = {row["name"] for row in data["by_commune"]}
    assert names <= set(bac_ninh.communes.values_list("name", flat=True))
    assert "Bảo Đài" in names and "Thanh Lâm" not in names
    live = Certificate.objects.filter(authority__code="LN").live().count()
    assert live and sum(data["certificates"][k] for k in ("valid", "expiring", "expired")) == live


def test_the_former_district_filter_keeps_that_district_s_producers(lucnam_backup, bac_ninh, client):
    fold.fold(lucnam_backup, into=bac_ninh)
    year = queries.years_of(bac_ninh)[0]
    other = FormerUnit.objects.create(name="Biển Động", district_name="Huyện Lục Ngạn", province_name="Tỉnh Bắc Giang")
    moved = Producer.objects.filter(products__dossiers__round__year=year).distinct().first()
    Producer.objects.filter(pk=moved.pk).update(former_unit=other)
    everything = queries.district_dashboard(bac_ninh, year.year, with_money=False)
    lucnam = queries.district_dashboard(bac_ninh, year.year, with_money=False, former="Huyện Lục Nam")
    lucngan = queries.district_dashboard(bac_ninh, year.year, with_money=False, former="Huyện Lục Ngạn")
    unknown = queries.district_dashboard(bac_ninh, year.year, with_money=False, former="Huyện Không Có")

    assert everything["former_districts"] == ["Huyện Lục Nam", "Huyện Lục Ngạn"]
    moved_dossiers = Dossier.objects.filter(round__year=year, product__producer=moved).count()
    total = sum(row["dossiers"] for row in everything["by_commune"])
    assert sum(row["dossiers"] for row in lucngan["by_commune"]) == moved_dossiers > 0
    assert sum(row["dossiers"] for row in lucnam["by_commune"]) == total - moved_dossiers
    assert lucnam["funnel"][0]["count"] == total - moved_dossiers
    assert (unknown["former"], unknown["funnel"][0]["count"]) == ("", total)  # a stale value shows everything
