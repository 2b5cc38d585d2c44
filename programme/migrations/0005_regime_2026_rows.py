"""Decision 26/2026/QĐ-TTg as a third regime row, and the transitional dates of 1489 (decisions.md 2b).

The rows are frozen here on purpose (a migration must not read code that changes later); ``programme.regimes.KNOWN``
holds the same values for a database created before this migration ran its data step.
"""

import datetime
from decimal import Decimal

from django.db import migrations

QD26 = {
    "code": "qd26-2026",
    "name": "Quyết định 26/2026/QĐ-TTg, cấp tỉnh",
    "legal_basis": "Quyết định 26/2026/QĐ-TTg ngày 22/05/2026",
    "valid_from": datetime.date(2026, 5, 22),
    "valid_to": None,
    "level": "province",
    "max_recognised_star": 4,
    "province_threshold": Decimal("70"),
    "ministry_threshold": Decimal("90"),
    "certificate_number_format": "{seq:03d}/GCN-{authority}-{year}",
    "product_code_format": "{province}-{commune}-{seq:03d}-{year}",
    "criteria_legal_basis": "26/2026/QĐ-TTg ngày 22/05/2026",
    "criteria_edition": "qd26-2026",
    "commune_check_working_days": 15,
    "round_windows": [{"cutoff": "04-30", "end": "06-30"}, {"cutoff": "10-30", "end": "12-30"}],
    "uses_forms": True,
    "province_approves_for_ministry": True,
}


# Decision 26/2026 Điều 11-12: 1489 lapses; its dossiers filed before 22/05/2026 finish by these dates.
QD1489_TRANSITION = {
    "valid_to": datetime.date(2026, 5, 21),
    "finish_first_by": datetime.date(2026, 7, 21),
    "finish_reevaluation_by": datetime.date(2026, 6, 21),
}


def forwards(apps, schema_editor):
    Regime = apps.get_model("programme", "Regime")
    Regime.objects.filter(code="qd1489-2025", valid_to__isnull=True).update(**QD1489_TRANSITION)
    Regime.objects.get_or_create(code=QD26["code"], defaults=QD26)


def backwards(apps, schema_editor):
    Regime = apps.get_model("programme", "Regime")
    Regime.objects.filter(code=QD26["code"], dossiers__isnull=True).delete()
    Regime.objects.filter(code="qd1489-2025").update(valid_to=None, finish_first_by=None, finish_reevaluation_by=None)


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0004_regime_2026_fields"),
        ("products", "0007_dossier_regime_and_receipts"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
