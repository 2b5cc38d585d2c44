"""Give every filed dossier the regime of its filing date (decision 2b): the day the commune received it, else the
day it was (last) submitted. Drafts stay empty; they take the regime in force when they are filed. The transitional
move (old rules lapsed before the dossier finished) is applied by ``products.domain.assign_regime`` before scoring,
since it needs the evaluations' decisions."""

from django.db import migrations
from django.utils import timezone


def fill(apps, schema_editor):
    Dossier = apps.get_model("products", "Dossier")
    Regime = apps.get_model("programme", "Regime")
    regimes = list(Regime.objects.all())
    if not regimes:
        return
    filed = Dossier.objects.filter(regime__isnull=True).exclude(submitted_at=None, commune_received_at=None)
    for dossier in filed.select_related("round__year__authority").iterator():
        day = timezone.localdate(dossier.commune_received_at or dossier.submitted_at)
        level = dossier.round.year.authority.level
        rows = [r for r in regimes if r.level == level]
        current = [r for r in rows if r.valid_from <= day and (r.valid_to is None or r.valid_to >= day)]
        chosen = max(current or rows, key=lambda r: r.valid_from, default=None)
        if chosen is not None:
            Dossier.objects.filter(pk=dossier.pk).update(regime=chosen)


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0007_dossier_regime_and_receipts"),
        ("programme", "0005_regime_2026_rows"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
