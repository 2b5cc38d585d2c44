"""Programme years, commune targets, rounds and criteria sets moved to ``programme`` (its migration 0001).

Only Django's picture of the models changes: the foreign keys here point at ``programme``'s models, then the four
models leave this app's state. The tables and their rows stay where they are. This runs after ``products`` and
``funding`` moved their own foreign keys, so no state ever points at a model that is gone.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0005_merge_scale_indexes"),
        ("programme", "0001_initial"),
        ("products", "0006_round_and_criteria_set_in_programme"),
        ("funding", "0004_programme_year_in_programme"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="certificate",
                    name="criteria_set",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="programme.criteriaset",
                        verbose_name="criteria set",
                    ),
                ),
                migrations.AlterField(
                    model_name="scoresheet",
                    name="criteria_set",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="sheets", to="programme.criteriaset"
                    ),
                ),
                migrations.AlterField(
                    model_name="recognitiondecision",
                    name="round",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="decision", to="programme.round"
                    ),
                ),
                migrations.AlterField(
                    model_name="councilmember",
                    name="round",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="council", to="programme.round"
                    ),
                ),
                migrations.AlterField(
                    model_name="issuingbatch",
                    name="round",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="issuing_batches",
                        to="programme.round",
                    ),
                ),
                migrations.DeleteModel(name="CommuneTarget"),
                migrations.DeleteModel(name="Round"),
                migrations.DeleteModel(name="CriteriaSet"),
                migrations.DeleteModel(name="ProgrammeYear"),
            ],
            database_operations=[],
        ),
    ]
