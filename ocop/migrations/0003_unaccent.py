from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """PostgreSQL's unaccent() for accent-insensitive search (skipped on SQLite, which registers its own)."""

    dependencies = [("ocop", "0002_role_groups")]
    operations = [UnaccentExtension()]
