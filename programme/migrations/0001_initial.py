"""Programme years, commune targets, rounds and criteria sets move here from ``evaluations``, without touching a row.

The tables keep their names (``db_table``), so the database does nothing: only Django's picture of the models changes
(created here; ``evaluations/0006`` deletes them there after ``products`` and ``funding`` point their foreign keys
here). The legal regimes are a new table.
"""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("ocop", "0009_product_code_help"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # the tables exist (created by evaluations' migrations) before this app takes them over
        ("evaluations", "0005_merge_scale_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="Regime",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=30, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("legal_basis", models.CharField(max_length=200, verbose_name="legal basis")),
                ("valid_from", models.DateField(verbose_name="valid from")),
                ("valid_to", models.DateField(blank=True, null=True, verbose_name="valid to")),
                (
                    "level",
                    models.CharField(
                        choices=[("district", "District"), ("province", "Province")],
                        max_length=20,
                        verbose_name="level",
                    ),
                ),
                (
                    "max_recognised_star",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(3),
                            django.core.validators.MaxValueValidator(5),
                        ],
                        verbose_name="highest star this authority recognises",
                    ),
                ),
                (
                    "province_threshold",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("70"),
                        max_digits=5,
                        verbose_name="score forwarded to the province",
                    ),
                ),
                (
                    "ministry_threshold",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("90"),
                        max_digits=5,
                        verbose_name="score forwarded to the ministry",
                    ),
                ),
                (
                    "certificate_number_format",
                    models.CharField(
                        default="{seq:03d}/GCN-{authority}-{year}",
                        max_length=100,
                        verbose_name="certificate number format",
                    ),
                ),
                ("product_code_format", models.CharField(max_length=100, verbose_name="product code format")),
                (
                    "criteria_legal_basis",
                    models.CharField(
                        help_text="The criteria sets this regime scores on are those of this legal basis.",
                        max_length=200,
                        verbose_name="criteria sets' legal basis",
                    ),
                ),
            ],
            options={
                "verbose_name": "legal regime",
                "verbose_name_plural": "legal regimes",
                "ordering": ["valid_from"],
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProgrammeYear",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "year",
                            models.PositiveSmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(2018),
                                    django.core.validators.MaxValueValidator(2100),
                                ],
                                verbose_name="year",
                            ),
                        ),
                        (
                            "plan_reference",
                            models.CharField(
                                blank=True,
                                help_text="Number and date of the year's plan.",
                                max_length=200,
                                verbose_name="plan reference",
                            ),
                        ),
                        (
                            "target_new_products",
                            models.PositiveSmallIntegerField(
                                default=0, verbose_name="target: new products at 3★ or more"
                            ),
                        ),
                        (
                            "target_reevaluations",
                            models.PositiveSmallIntegerField(default=0, verbose_name="target: re-evaluations"),
                        ),
                        (
                            "budget",
                            models.DecimalField(
                                decimal_places=0,
                                default=0,
                                help_text="Money for the year's programme work (propaganda, study tours, council and secretariat).",
                                max_digits=15,
                                validators=[django.core.validators.MinValueValidator(0)],
                                verbose_name="programme budget (VND)",
                            ),
                        ),
                        ("ceremony_by", models.DateField(blank=True, null=True, verbose_name="ceremony by")),
                        ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed")),
                        (
                            "authority",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="years", to="ocop.authority"
                            ),
                        ),
                        (
                            "closed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "programme year",
                        "verbose_name_plural": "programme years",
                        "db_table": "evaluations_programmeyear",
                        "ordering": ["-year"],
                    },
                ),
                migrations.CreateModel(
                    name="CommuneTarget",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "new_products",
                            models.PositiveSmallIntegerField(default=0, verbose_name="new products at 3★ or more"),
                        ),
                        ("reevaluations", models.PositiveSmallIntegerField(default=0, verbose_name="re-evaluations")),
                        (
                            "commune",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="targets", to="ocop.commune"
                            ),
                        ),
                        (
                            "year",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="commune_targets",
                                to="programme.programmeyear",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "commune target",
                        "verbose_name_plural": "commune targets",
                        "db_table": "evaluations_communetarget",
                        "ordering": ["year", "commune__name"],
                    },
                ),
                migrations.CreateModel(
                    name="Round",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.PositiveSmallIntegerField(verbose_name="number")),
                        (
                            "commune_deadline",
                            models.DateField(
                                help_text="Dossiers must be submitted by 23:59 of this day.",
                                verbose_name="commune deadline",
                            ),
                        ),
                        (
                            "district_deadline",
                            models.DateField(
                                help_text="Council members submit their sheets by 23:59 of this day.",
                                verbose_name="scoring deadline",
                            ),
                        ),
                        (
                            "stage",
                            models.CharField(
                                choices=[
                                    ("open", "Open for dossiers"),
                                    ("scoring", "Scoring"),
                                    ("approved", "Results approved"),
                                    ("closed", "Closed"),
                                ],
                                default="open",
                                max_length=20,
                                verbose_name="stage",
                            ),
                        ),
                        (
                            "scoring_started_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="scoring started"),
                        ),
                        ("approved_at", models.DateTimeField(blank=True, null=True, verbose_name="results approved")),
                        ("meeting_date", models.DateField(blank=True, null=True, verbose_name="council meeting")),
                        ("meeting_place", models.CharField(blank=True, max_length=200, verbose_name="meeting place")),
                        (
                            "approved_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "year",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="rounds",
                                to="programme.programmeyear",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "evaluation round",
                        "verbose_name_plural": "evaluation rounds",
                        "db_table": "evaluations_round",
                        "ordering": ["-year__year", "number"],
                    },
                ),
                migrations.CreateModel(
                    name="CriteriaSet",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.CharField(max_length=4, verbose_name="code")),
                        ("version", models.PositiveSmallIntegerField(default=1, verbose_name="version")),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        ("industry", models.CharField(max_length=200, verbose_name="industry")),
                        ("group", models.CharField(max_length=200, verbose_name="product group")),
                        ("legal_basis", models.CharField(max_length=200, verbose_name="legal basis")),
                        ("verified", models.BooleanField(default=True, verbose_name="verified in the source")),
                        ("notes", models.JSONField(blank=True, default=list, verbose_name="notes")),
                        ("warnings", models.JSONField(blank=True, default=list, verbose_name="warnings")),
                        ("sheet", models.JSONField(blank=True, default=list, verbose_name="criteria sheet")),
                        ("checksum", models.CharField(blank=True, max_length=64)),
                        ("loaded_at", models.DateTimeField(blank=True, null=True, verbose_name="loaded")),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="checked on")),
                        (
                            "confirmed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="checked against the official text by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "criteria set",
                        "verbose_name_plural": "criteria sets",
                        "db_table": "evaluations_criteriaset",
                        "ordering": ["code", "-version"],
                        "constraints": [
                            models.UniqueConstraint(fields=("code", "version"), name="criteria_set_unique_code_version")
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="programmeyear",
                    constraint=models.UniqueConstraint(
                        fields=("authority", "year"), name="programme_year_unique_per_authority"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="communetarget",
                    constraint=models.UniqueConstraint(fields=("year", "commune"), name="commune_target_once_per_year"),
                ),
                migrations.AddConstraint(
                    model_name="round",
                    constraint=models.UniqueConstraint(fields=("year", "number"), name="round_unique_number_per_year"),
                ),
            ],
            database_operations=[],
        ),
    ]
