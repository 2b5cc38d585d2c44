"""Issue 18, item 15: a dossier records the star the plan expects (Appendix 1's "Dự kiến 4 sao")."""

from django.urls import reverse

from products.enums import RegistrationType
from products.models import Dossier
from products.tests.factories import ProductFactory


def test_the_commune_records_the_expected_star_when_opening_a_dossier(
    client_for, commune_official, producer, round_open
):
    product = ProductFactory(producer=producer, name="Trà hoa vàng")
    client = client_for(commune_official)
    form = {"product": product.pk, "round": round_open.pk, "registration_type": RegistrationType.REEVALUATION}
    response = client.post(reverse("products:dossier_create"), form | {"expected_star": "4"})
    dossier = Dossier.objects.get(product=product)
    assert response.status_code == 302 and dossier.expected_star == 4

    other = ProductFactory(producer=producer, name="Trà túi lọc")
    client.post(reverse("products:dossier_create"), form | {"product": other.pk, "expected_star": ""})
    assert Dossier.objects.get(product=other).expected_star is None
    # an odd value is refused with the form again, and nothing is created
    third = ProductFactory(producer=producer, name="Trà hộp")
    response = client.post(reverse("products:dossier_create"), form | {"product": third.pk, "expected_star": "9"})
    assert response.status_code == 200 and response.context["form"].errors["expected_star"]
    assert not Dossier.objects.filter(product=third).exists()
