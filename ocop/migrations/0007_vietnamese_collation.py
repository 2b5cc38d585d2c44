from django.db import migrations

CREATE = "CREATE COLLATION IF NOT EXISTS vi_icu (provider = icu, locale = 'vi-VN')"
DROP = "DROP COLLATION IF EXISTS vi_icu"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    """The ICU collation `vi_icu` for Vietnamese alphabetical order (a ă â b c d đ e ê …), used through
    ocop.lib.collation.vi_order; SQLite has no ICU and orders by the accent-folded text instead."""

    dependencies = [("ocop", "0006_merge_audit_and_regime")]
    operations = [migrations.RunPython(create, drop)]
