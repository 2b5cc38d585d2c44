"""The office's choices for producers whose former commune was split in 2025 (``ocop.units`` keeps the old map).

A producer whose ``former_unit`` is split and who has no ``UnitChoice`` yet needs a review: its commune is only a
provisional one until the office chooses (``choose_unit``). Nothing with a split unit is mapped silently.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop import audit
from ocop.models import FormerUnitCandidate
from ocop.rules import authorize
from products.models import Dossier, Producer, Product, UnitChoice

audit.register_actions({"producer.unit_chosen": gettext_lazy("Chose the commune of today for a split commune")})


def producers_needing_choice():
    """Producers of a split former commune without the office's choice (the review page's rows)."""
    return Producer.objects.filter(former_unit__is_split=True).exclude(
        Exists(UnitChoice.objects.filter(producer=OuterRef("pk")))
    )


def needs_choice(producer) -> bool:
    return bool(producer.former_unit_id and producer.former_unit.is_split and not hasattr(producer, "unit_choice"))


@transaction.atomic
def choose_unit(producer, commune, *, by, reason: str = "") -> bool:
    """Set the unit of today for a producer of a split former commune (one of its candidates): the producer, its
    products and their dossiers move to it; the choice is recorded and audited. Idempotent: the same choice again
    changes nothing (False)."""
    authorize(by, "units.review")
    producer = Producer.objects.select_for_update(of=("self",)).select_related("former_unit").get(pk=producer.pk)
    former = producer.former_unit
    if former is None or not former.is_split:
        raise ValidationError(_("This producer's former commune was not split; there is nothing to choose."))
    if not FormerUnitCandidate.objects.filter(former_unit=former, commune=commune).exists():
        raise ValidationError(_("Choose one of the communes that took part of the former commune."))
    choice = UnitChoice.objects.filter(producer=producer).first()
    if choice is not None and choice.commune_id == commune.pk and producer.commune_id == commune.pk:
        return False
    before = producer.commune
    if choice is None:
        choice = UnitChoice(producer=producer, former_unit=former)
    choice.commune, choice.reason, choice.chosen_by = commune, reason.strip(), by
    choice.save()
    producer.commune = commune
    producer.save(update_fields=["commune"])
    Product.objects.filter(producer=producer).update(commune=commune)
    Dossier.objects.filter(product__producer=producer).update(commune=commune)
    audit.record(
        producer,
        "producer.unit_chosen",
        by=by,
        changes={"commune": [str(before), str(commune)]},
        note=f"{former}: {choice.reason}"[:500],
    )
    return True
