from django.db import migrations, models

# Trigram indexes on the folded names (PostgreSQL only): serve the lists' accent-insensitive search,
# ocop_fold(name) LIKE '%word%'. The expression must match ocop.lib.search.Fold exactly.
TRIGRAM = [
    ("products_product", "product_name_trgm"),
    ("products_producer", "producer_name_trgm"),
]


def create_trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name in TRIGRAM:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (ocop_fold(name) gin_trgm_ops)")


def drop_trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in TRIGRAM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0004_certificate_register_index"),
        ("ocop", "0005_search_fold_trigram"),
        ("products", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["round", "status"], name="dossier_round_status"),
        ),
        migrations.AddIndex(
            model_name="producer",
            index=models.Index(fields=["name", "id"], name="producer_by_name"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["name", "id"], name="product_by_name"),
        ),
        migrations.RunPython(create_trigram, drop_trigram),
    ]
