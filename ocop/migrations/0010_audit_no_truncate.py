"""TRUNCATE of the audit table is refused too (PostgreSQL; SQLite has no TRUNCATE), issue 18 item 3.

The UPDATE/DELETE trigger of 0005 fires per row, so ``TRUNCATE ocop_auditentry`` (or a ``TRUNCATE … CASCADE`` of a
table it points to) emptied the trail. This statement trigger refuses it for every role, the table's owner included.

One exception: a superuser in a database whose name starts with ``test_``, i.e. Django's test runner emptying its own
test database between transactional tests (a superuser could drop the trigger anyway). docs/security.md describes
the roles: the application runs as a role that owns nothing and has no TRUNCATE privilege.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION ocop_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_database() LIKE 'test\_%'
       AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'ocop_auditentry is append-only: TRUNCATE refused' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ocop_audit_no_truncate ON ocop_auditentry;
CREATE TRIGGER ocop_audit_no_truncate BEFORE TRUNCATE ON ocop_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION ocop_audit_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS ocop_audit_no_truncate ON ocop_auditentry;
DROP FUNCTION IF EXISTS ocop_audit_no_truncate();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # no parameters: the % of LIKE is literal


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("ocop", "0009_product_code_help")]

    operations = [migrations.RunPython(create, drop)]
