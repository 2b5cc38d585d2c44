"""The dossier's round and the product's criteria set now live in ``programme``: Django's picture only (same tables)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0005_dossier_expected_star"),
        ("programme", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="dossier",
                    name="round",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="dossiers",
                        to="programme.round",
                        verbose_name="round",
                    ),
                ),
                migrations.AlterField(
                    model_name="product",
                    name="criteria_set",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="products",
                        to="programme.criteriaset",
                        verbose_name="product group (criteria set)",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
