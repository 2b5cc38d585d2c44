"""Audit rows are append-only in the database too (PostgreSQL): UPDATE and DELETE are refused by a trigger.

The one update allowed is the one Django makes when a user or commune is deleted: ``actor_id``/``commune_id``
set to NULL (the row keeps ``actor_name`` and ``object_repr``). TRUNCATE is refused by 0010_audit_no_truncate.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION ocop_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'ocop_auditentry is append-only: DELETE refused' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.id, NEW.created_at, NEW.actor_name, NEW.action, NEW.content_type_id, NEW.object_id,
        NEW.object_repr, NEW.changes::text, NEW.note)
       IS DISTINCT FROM
       (OLD.id, OLD.created_at, OLD.actor_name, OLD.action, OLD.content_type_id, OLD.object_id,
        OLD.object_repr, OLD.changes::text, OLD.note)
       OR (NEW.actor_id IS DISTINCT FROM OLD.actor_id AND NEW.actor_id IS NOT NULL)
       OR (NEW.commune_id IS DISTINCT FROM OLD.commune_id AND NEW.commune_id IS NOT NULL) THEN
        RAISE EXCEPTION 'ocop_auditentry is append-only: UPDATE refused' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ocop_audit_append_only ON ocop_auditentry;
CREATE TRIGGER ocop_audit_append_only BEFORE UPDATE OR DELETE ON ocop_auditentry
    FOR EACH ROW EXECUTE FUNCTION ocop_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS ocop_audit_append_only ON ocop_auditentry;
DROP FUNCTION IF EXISTS ocop_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("ocop", "0004_notification")]

    operations = [migrations.RunPython(create, drop)]
