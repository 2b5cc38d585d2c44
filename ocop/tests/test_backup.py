"""``make backup`` / ``make restore``: a restore into a fresh database finds the same rows and files (issue 14, 9)."""

import hashlib
import json
import os
import stat
import subprocess
import sys
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


# ---------------------------------------------------------------------------------------------------------------
# Issue 18, item 4: private files, a restore by a role that only owns the target database, one-line failures.
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_backup_folder_and_files_are_readable_only_by_their_owner(commune, tmp_path):
    ProducerFactory(commune=commune)
    previous = os.umask(0o022)  # a usual umask: what the backup must not rely on
    try:
        call_command("backup", output=str(tmp_path / "backups"))
        assert os.umask(0o022) == 0o022  # the backup put the umask back
    finally:
        os.umask(previous)
    folder = backup.latest_backup(tmp_path / "backups")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}
    assert modes == {"db.dump": 0o600, "media.tar.gz": 0o600, "manifest.json": 0o600}
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700  # created by the backup: private too


@pytest.fixture
def restorer():
    """A login role that is no superuser and owns nothing but the database made for it (``own``) below."""
    role = f"ocop_restorer_{uuid.uuid4().hex[:10]}"
    password = uuid.uuid4().hex
    admin = _connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE ROLE \"{role}\" LOGIN NOSUPERUSER NOCREATEDB PASSWORD '{password}'")
    databases = []

    def database(*, owned: bool, with_collation: bool = False) -> str:
        name = f"ocop_restore_{uuid.uuid4().hex[:10]}"
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"' + (f' OWNER "{role}"' if owned else ""))
        databases.append(name)
        if with_collation:  # made beforehand by someone else (a superuser): the restore must leave it be
            with _connect(name) as conn, conn.cursor() as cursor:
                cursor.execute(backup.COLLATIONS["vi_icu"])
        return name

    def url(name: str) -> str:
        settings_dict = connection.settings_dict
        return f"postgres://{role}:{password}@{settings_dict['HOST']}:{settings_dict['PORT']}/{name}"

    yield {"role": role, "database": database, "url": url}
    with admin.cursor() as cursor:
        for name in databases:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'DROP ROLE IF EXISTS "{role}"')
    admin.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_collation", [False, True], ids=["collation-missing", "collation-exists"])
def test_a_role_that_owns_the_fresh_database_restores_without_superuser_rights(
    commune, tmp_path, restorer, with_collation
):
    producer = ProducerFactory(commune=commune, name="HTX Chè Yên Sơn")
    folder = backup.create_backup(tmp_path / "backups")
    target = restorer["database"](owned=True, with_collation=with_collation)

    call_command("restore", str(folder), database_url=restorer["url"](target), media_root=str(tmp_path / "m"))

    with _connect(target) as conn, conn.cursor() as cursor:
        cursor.execute(f'SELECT name FROM "{Producer._meta.db_table}" WHERE id = %s', [producer.pk])  # noqa: S608
        assert cursor.fetchone() == ("HTX Chè Yên Sơn",)
        cursor.execute(
            "SELECT pg_get_userbyid(c.collowner) FROM pg_collation c WHERE c.collname = 'vi_icu' "
            "AND c.collnamespace = 'public'::regnamespace"
        )
        owners = [row[0] for row in cursor.fetchall()]
        assert len(owners) == 1
        assert (owners[0] == restorer["role"]) is not with_collation
        cursor.execute(f'SELECT count(*) FROM "{Producer._meta.db_table}" WHERE name COLLATE vi_icu > %s', ["A"])  # noqa: S608
        assert cursor.fetchone() == (1,)
        cursor.execute("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = %s", [Producer._meta.db_table])
        assert cursor.fetchone() == (restorer["role"],)


@pytest.mark.django_db(transaction=True)
def test_a_role_that_may_not_create_in_the_database_is_told_so_in_one_line(commune, tmp_path, restorer):
    ProducerFactory(commune=commune)
    folder = backup.create_backup(tmp_path / "backups")
    target = restorer["database"](owned=False)  # made by the superuser for itself: PostgreSQL 15 grants no CREATE
    with pytest.raises(CommandError) as failure:
        call_command("restore", str(folder), database_url=restorer["url"](target), media_root=str(tmp_path / "m"))
    message = str(failure.value)
    assert message == (
        f"The role {restorer['role']} may not create tables in the database {target}: create the database owned by "
        f"it (createdb --owner={restorer['role']} {target}) or restore as the database's owner."
    )
    with _connect(target) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone() == (0,)
    assert not (tmp_path / "m").exists()  # nothing half-restored


@pytest.mark.django_db(transaction=True)
def test_a_failing_restore_prints_its_cause_in_one_line_without_a_traceback(commune, tmp_path, fresh_database):
    """Run as an administrator would: ``manage.py restore`` in a shell, here with a dump that is not a dump."""
    ProducerFactory(commune=commune)
    folder = backup.create_backup(tmp_path / "backups")
    (folder / "db.dump").write_bytes(b"not a pg_dump archive")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["database_sha256"] = hashlib.sha256(b"not a pg_dump archive").hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    settings_dict = connection.settings_dict
    url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{fresh_database}"
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "ocop.settings", "DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder), "--media-root", str(tmp_path / "m")],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("CommandError: Reading the dump failed:")
    assert "not appear to be a valid archive" in lines[0]
