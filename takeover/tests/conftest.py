"""A district deployment's backup (the Lục Nam demo, made the way an office makes one) and the province to fold into."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ocop.enums import AuthorityLevel
from ocop.models import Authority

ROOT = Path(__file__).resolve().parents[2]


def district_backup_of(target: Path, *, command: list[str]) -> Path:
    """Run ``manage.py migrate``, then ``command`` (e.g. ``seed_demo``), then ``manage.py backup`` against a scratch
    database and media folder, as a district's server would; return the backup folder. The database is dropped."""
    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_district_{uuid.uuid4().hex[:8]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    host, port, user = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432, db.get("USER") or "postgres"
    env = dict(
        os.environ,
        DEBUG="1",
        DATABASE_URL=f"postgres://{user}@{host}:{port}/{name}",
        MEDIA_ROOT=str(target / "media"),
        DJANGO_SETTINGS_MODULE="ocop.settings",
    )
    env.pop("OCOP_TEST_NOW", None)
    try:
        for args in (["migrate", "-v0"], command, ["backup", "--output", str(target / "backups")]):
            subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    (folder,) = sorted((target / "backups").glob("ocop-*"))
    return folder


@pytest.fixture(scope="session")
def lucnam_backup(tmp_path_factory, django_db_setup, django_db_blocker):
    """The Lục Nam district demo (its 2024 programme: producers, dossiers with files, results, certificates, support)
    backed up by ``manage.py backup``. Built once per test process (about a minute); ``OCOP_FOLD_TEST_BACKUP`` names
    an existing one instead (to iterate on the fold without waiting)."""
    if os.environ.get("OCOP_FOLD_TEST_BACKUP"):
        return Path(os.environ["OCOP_FOLD_TEST_BACKUP"])
    with django_db_blocker.unblock():
        return district_backup_of(tmp_path_factory.mktemp("lucnam"), command=["seed_demo"])


@pytest.fixture
def bac_ninh(db):
    """UBND tỉnh Bắc Ninh with its 99 official units (h21units' sync from vietnam-provinces)."""
    from ocop.units import sync_units

    authority = Authority.objects.create(
        name="UBND tỉnh Bắc Ninh",
        short_name="Bắc Ninh",
        code="24",
        province="Bắc Ninh",
        province_code="24",
        level=AuthorityLevel.PROVINCE,
        max_recognised_star=4,
    )
    sync_units(authority, "24")
    return authority
