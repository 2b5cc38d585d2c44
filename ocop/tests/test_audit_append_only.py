"""Audit rows are append-only: the ORM, the admin and the database refuse to change or delete them (issue 14, 8)."""

import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from ocop import audit
from ocop.enums import Role
from ocop.models import AppendOnlyError, AuditEntry


@pytest.fixture
def entry(commune, district_officer):
    with transaction.atomic():
        return audit.record(commune, "authority.settings_updated", by=district_officer, note="original")


def test_orm_refuses_save_delete_and_bulk_changes(entry):
    entry.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(note="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.note == "original"


def test_database_trigger_refuses_raw_update_and_delete(entry):
    table = AuditEntry._meta.db_table
    statements = (f"UPDATE {table} SET note = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s")  # noqa: S608
    for sql in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.note == "original"


def test_deleting_a_user_keeps_the_row_and_its_name(entry, make_user):
    actor = make_user(Role.SYSADMIN, username="to-be-removed")
    with transaction.atomic():
        row = audit.record(entry.content_type.get_object_for_this_type(pk=entry.object_id), "user.activated", by=actor)
    actor.delete()  # Django sets actor to NULL: the one change the trigger allows
    row.refresh_from_db()
    assert row.actor_id is None
    assert row.actor_name == "to-be-removed"


def test_admin_offers_no_edit_or_delete_even_to_a_superuser(entry, make_user):
    from django.test import Client

    root = make_user(Role.SYSADMIN, username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    change_url = reverse("admin:ocop_auditentry_change", args=[entry.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only view
    response = client.post(change_url, {"note": "rewritten", "action": "x", "actor_name": "x"})
    assert response.status_code == 403
    delete = client.post(reverse("admin:ocop_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert delete.status_code == 403
    bulk = client.post(
        reverse("admin:ocop_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.note == "original"
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


# ---------------------------------------------------------------------------------------------------------------
# TRUNCATE and the database roles (issue 18, item 3). Roles are cluster-wide: their names carry this test database's
# name, and they are created inside the test's transaction, so they vanish with its rollback.
# ---------------------------------------------------------------------------------------------------------------
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE and no roles")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"


@contextmanager
def as_role(cursor, role):
    cursor.execute(f'SET ROLE "{role}"')
    try:
        yield
    finally:
        cursor.execute("RESET ROLE")


def refused(cursor, sql, match):
    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        cursor.execute(sql)


def _role_names():
    base = connection.settings_dict["NAME"][:40]
    return f"{base}_owner", f"{base}_app"


def documented_grants(owner, app):
    """The SQL block of docs/security.md that gives the application role its privileges, for these roles."""
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- app-role-grants[^>]*-->\s*```sql\n(.*?)```", text, re.S).group(1)
    block = re.sub(r"\bocop_owner\b", f'"{owner}"', block)
    return re.sub(r"\bocop_app\b", f'"{app}"', block)


@pytest.fixture
def roles(entry):
    """A non-superuser role owning the audit table, and the application role set up as docs/security.md says."""
    owner, app = _role_names()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending: ALTER TABLE refuses them
        cursor.execute(f'CREATE ROLE "{owner}" NOLOGIN')
        cursor.execute(f'CREATE ROLE "{app}" NOLOGIN')
        cursor.execute(f'ALTER TABLE ocop_auditentry OWNER TO "{owner}"')
        cursor.execute(f'GRANT USAGE ON SCHEMA public TO "{owner}"')
        cursor.execute(documented_grants(owner, app))
    return owner, app


@postgres_only
def test_truncate_of_the_audit_table_is_refused_even_to_its_owner(roles, entry):
    owner, _app = roles
    with connection.cursor() as cursor, as_role(cursor, owner):
        refused(cursor, "TRUNCATE ocop_auditentry", "append-only: TRUNCATE refused")
        refused(cursor, "TRUNCATE ocop_auditentry CASCADE", "append-only: TRUNCATE refused")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@postgres_only
def test_a_truncate_cascading_from_another_table_is_refused(entry):
    """TRUNCATE of the users' table cascades to the audit rows that name them: refused as a whole."""
    owner, _app = _role_names()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'CREATE ROLE "{owner}" NOLOGIN')
        cursor.execute(f'ALTER TABLE ocop_auditentry OWNER TO "{owner}"')
        cursor.execute(f'GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO "{owner}"')
        with as_role(cursor, owner):
            refused(cursor, "TRUNCATE auth_user CASCADE", "append-only: TRUNCATE refused")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@postgres_only
def test_the_application_role_cannot_truncate_rewrite_or_drop_the_trigger(roles, entry, make_user):
    _owner, app = roles
    leaving = make_user(Role.SYSADMIN, username="leaving")
    with connection.cursor() as cursor, as_role(cursor, app):
        # What the application does still works: write an audit row, read the trail, and the NULL of a deleted user.
        with transaction.atomic():
            row = audit.record(
                entry.content_type.get_object_for_this_type(pk=entry.object_id), "user.activated", by=leaving
            )
        assert AuditEntry.objects.filter(pk=row.pk).exists()
        cursor.execute("UPDATE ocop_auditentry SET actor_id = NULL WHERE id = %s", [row.pk])
        # What it must not do.
        refused(cursor, "TRUNCATE ocop_auditentry", "permission denied")
        refused(cursor, "DROP TRIGGER ocop_audit_no_truncate ON ocop_auditentry", "must be owner")
        refused(cursor, "DROP TRIGGER ocop_audit_append_only ON ocop_auditentry", "must be owner")
        refused(cursor, "ALTER TABLE ocop_auditentry DISABLE TRIGGER ALL", "must be owner")
        refused(cursor, f"UPDATE ocop_auditentry SET note = 'x' WHERE id = {entry.pk}", "permission denied")  # noqa: S608
        refused(cursor, f"DELETE FROM ocop_auditentry WHERE id = {entry.pk}", "permission denied")  # noqa: S608
        refused(cursor, "CREATE TABLE ocop_intruder (id int)", "permission denied")
    entry.refresh_from_db()
    assert entry.note == "original"
