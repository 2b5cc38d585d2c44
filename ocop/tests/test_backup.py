"""``make backup`` / ``make restore``: a restore into a fresh database finds the same rows and files (issue 14, 9)."""

import hashlib
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from ocop import audit, backup
from ocop.models import AuditEntry
from products.models import Producer
from products.tests.factories import PDF_BYTES, ProducerFactory


def _connect(name):
    params = connection.get_connection_params()
    params["dbname"] = name
    return psycopg2.connect(**params)


@pytest.fixture
def fresh_database():
    name = f"ocop_restore_{uuid.uuid4().hex[:10]}"
    admin = _connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _db_settings(name):
    settings_dict = dict(connection.settings_dict)
    settings_dict["NAME"] = name
    return settings_dict


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database_finds_the_same_rows_and_files(
    commune, district_officer, tmp_path, fresh_database, settings
):
    producer = ProducerFactory(commune=commune, name="HTX Bánh mật Thanh Lâm", registration_number="2400123456")
    with transaction.atomic():
        audit.record(producer, "authority.settings_updated", by=district_officer, note="before the backup")
    stored = default_storage.save(f"dossiers/{producer.pk}/giay-phep.pdf", ContentFile(PDF_BYTES))
    original_digest = hashlib.sha256(default_storage.open(stored).read()).hexdigest()

    call_command("backup", output=str(tmp_path / "backups"))
    folder = backup.latest_backup(tmp_path / "backups")
    assert {p.name for p in folder.iterdir()} == {"db.dump", "media.tar.gz", "manifest.json"}

    media_target = tmp_path / "media-restored"
    url = "postgres://{USER}@{HOST}:{PORT}/{name}".format(name=fresh_database, **connection.settings_dict)
    call_command("restore", str(folder), database_url=url, media_root=str(media_target))

    expected_rows = backup.row_counts()
    with _connect(fresh_database) as conn, conn.cursor() as cursor:
        restored_rows = {}
        for table in expected_rows:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - table names from our models
            restored_rows[table] = cursor.fetchone()[0]
        cursor.execute(
            f'SELECT name, registration_number FROM "{Producer._meta.db_table}" WHERE id = %s',  # noqa: S608
            [producer.pk],
        )
        assert cursor.fetchone() == ("HTX Bánh mật Thanh Lâm", "2400123456")
        cursor.execute(f'SELECT note FROM "{AuditEntry._meta.db_table}" ORDER BY id DESC LIMIT 1')  # noqa: S608
        assert cursor.fetchone() == ("before the backup",)
        # The append-only trigger came back with the schema.
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'ocop_audit_append_only'")
        assert cursor.fetchone() == (1,)
    assert restored_rows == expected_rows
    assert expected_rows[Producer._meta.db_table] == 1
    restored_file = media_target / stored
    assert hashlib.sha256(restored_file.read_bytes()).hexdigest() == original_digest
    originals = sorted(
        str(p.relative_to(settings.MEDIA_ROOT)) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()
    )
    restored = sorted(str(p.relative_to(media_target)) for p in media_target.rglob("*") if p.is_file())
    assert restored == originals

    # A second restore into the same (now full) database and directory is refused, nothing is mixed.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(folder), database_url=url, media_root=str(tmp_path / "other-media"))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup(commune, tmp_path, fresh_database):
    ProducerFactory(commune=commune)
    folder = backup.create_backup(tmp_path)
    with (folder / "db.dump").open("ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(backup.BackupError, match="checksum"):
        backup.restore_backup(folder, db=_db_settings(fresh_database), media_root=tmp_path / "m")
