"""The two regimes as rows, and the moved models' content types renamed from ``evaluations`` to ``programme``.

Renaming the ``django_content_type`` rows (rather than letting Django create new ones) keeps every audit entry, every
generic relation and every admin permission pointing at the same models. On a fresh database there is nothing to
rename yet: the content types are created for ``programme`` after the migrations.
"""

import datetime
from decimal import Decimal

from django.db import migrations

MOVED = ("programmeyear", "communetarget", "round", "criteriaset")

DISTRICT_PRODUCT_CODE = "{province}-{authority}-{commune}-{seq:03d}-{year}"
PROVINCE_PRODUCT_CODE = "{province}-{commune}-{seq:03d}-{year}"
CERTIFICATE_NUMBER = "{seq:03d}/GCN-{authority}-{year}"
REGIMES = [
    {
        "code": "qd148-2023",
        "name": "Quyết định 148/QĐ-TTg, cấp huyện",
        "legal_basis": "Quyết định 148/QĐ-TTg ngày 24/02/2023",
        "valid_from": datetime.date(2023, 2, 24),
        "valid_to": datetime.date(2025, 7, 5),
        "level": "district",
        "max_recognised_star": 3,
        "province_threshold": Decimal("70"),
        "ministry_threshold": Decimal("90"),
        "certificate_number_format": CERTIFICATE_NUMBER,
        "product_code_format": DISTRICT_PRODUCT_CODE,
        "criteria_legal_basis": "148/QĐ-TTg ngày 24/02/2023",
    },
    {
        "code": "qd1489-2025",
        "name": "Quyết định 1489/QĐ-TTg, cấp tỉnh",
        "legal_basis": "Quyết định 1489/QĐ-TTg ngày 06/07/2025",
        "valid_from": datetime.date(2025, 7, 6),
        "valid_to": None,
        "level": "province",
        "max_recognised_star": 4,
        "province_threshold": Decimal("70"),
        "ministry_threshold": Decimal("90"),
        "certificate_number_format": CERTIFICATE_NUMBER,
        "product_code_format": PROVINCE_PRODUCT_CODE,
        "criteria_legal_basis": "148/QĐ-TTg ngày 24/02/2023",
    },
]


def _rename(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            continue  # already there (a re-run): nothing to move
        ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _rename(apps, schema_editor, "evaluations", "programme")
    Regime = apps.get_model("programme", "Regime")
    for row in REGIMES:
        Regime.objects.using(schema_editor.connection.alias).get_or_create(code=row["code"], defaults=row)


def backwards(apps, schema_editor):
    _rename(apps, schema_editor, "programme", "evaluations")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("programme", "0001_initial"),
        ("evaluations", "0006_programme_models_moved"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
