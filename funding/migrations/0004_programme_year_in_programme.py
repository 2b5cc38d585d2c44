"""The programme year now lives in ``programme``: Django's picture only (the table is the same)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0003_entitlement_higher_level"),
        ("programme", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="budgetline",
                    name="year",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="budget_lines",
                        to="programme.programmeyear",
                    ),
                ),
                migrations.AlterField(
                    model_name="entitlement",
                    name="year",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entitlements",
                        to="programme.programmeyear",
                        verbose_name="programme year",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
