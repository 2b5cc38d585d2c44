"""Audit rows are append-only: the ORM, the admin and the database refuse to change or delete them (issue 14, 8)."""

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
