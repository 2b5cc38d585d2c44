from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION ocop_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$
"""


def create_fold(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_fold(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS ocop_fold(text)")


class Migration(migrations.Migration):
    """pg_trgm and ocop_fold(text): lower(unaccent(text)) declared IMMUTABLE (unaccent() itself is only STABLE,
    because its dictionary could change), so that indexes can be built on it for accent-insensitive search.
    SQLite (the development copy) registers a Python ocop_fold instead (ocop/lib/search.py)."""

    dependencies = [("ocop", "0004_notification")]
    operations = [
        TrigramExtension(),
        migrations.RunPython(create_fold, drop_fold),
    ]
