"""Backing up and restoring the database and the uploaded files (``make backup`` / ``make restore``).

A backup is one directory ``<BACKUP_DIR>/ocop-<UTC time>/`` holding:

- ``db.dump``: ``pg_dump --format=custom`` of the PostgreSQL database (or ``db.sqlite3``, an online copy made with
  SQLite's backup API, for a development copy);
- ``media.tar.gz``: every file under ``MEDIA_ROOT`` (dossier documents, certificate PDFs, photos);
- ``manifest.json``: when, which database engine, row counts per table and the SHA-256 of each archive, checked
  again before a restore.

Restoring needs an empty target: a fresh database (``createdb``) and an empty media directory, so a restore never
mixes two states. Commands run with the same environment as the application (DATABASE_URL, MEDIA_ROOT).
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def row_counts(using="default") -> dict[str, int]:
    """Rows per table of every installed model (what a restore must find again)."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[model._meta.db_table] = model._base_manager.using(using).count()
    return dict(sorted(counts.items()))


def create_backup(target_dir: Path, *, db: dict | None = None, media_root: Path | None = None) -> Path:
    db = db or settings.DATABASES["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    folder = Path(target_dir) / f"ocop-{stamp}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = Path(target_dir) / f"ocop-{stamp}-{suffix}"
    folder.mkdir(parents=True)
    engine = db["ENGINE"]
    if engine.endswith("postgresql"):
        dump = folder / "db.dump"
        subprocess.run(  # noqa: S603 - fixed program, arguments from our own settings
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(dump), *_pg_args(db), str(db["NAME"])],
            check=True,
            env=_pg_env(db),
            capture_output=True,
        )
    elif engine.endswith("sqlite3"):
        dump = folder / "db.sqlite3"
        source = sqlite3.connect(str(db["NAME"]))
        with sqlite3.connect(str(dump)) as copy:
            source.backup(copy)
        source.close()
    else:
        raise BackupError(f"Unsupported database engine {engine}")
    media = folder / "media.tar.gz"
    with tarfile.open(media, "w:gz") as archive:
        if media_root.exists():
            for path in sorted(media_root.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(media_root)))
    manifest = {
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "engine": engine,
        "database": dump.name,
        "database_sha256": _sha256(dump),
        "media": media.name,
        "media_sha256": _sha256(media),
        "rows": row_counts() if db is settings.DATABASES["default"] else {},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def latest_backup(target_dir: Path) -> Path:
    folders = sorted(p for p in Path(target_dir).glob("ocop-*") if (p / "manifest.json").exists())
    if not folders:
        raise BackupError(f"No backup found in {target_dir}")
    return folders[-1]


def restore_backup(folder: Path, *, db: dict, media_root: Path) -> dict:
    """Restore ``folder`` into the empty database ``db`` and the empty ``media_root``; return the manifest."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    dump = folder / manifest["database"]
    media = folder / manifest["media"]
    for path, expected in ((dump, manifest["database_sha256"]), (media, manifest["media_sha256"])):
        if _sha256(path) != expected:
            raise BackupError(f"{path.name} does not match its checksum in manifest.json: the backup is damaged.")
    media_root = Path(media_root)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"The media directory {media_root} is not empty; restore into an empty directory.")
    engine = db["ENGINE"]
    if engine.endswith("postgresql") != manifest["engine"].endswith("postgresql"):
        raise BackupError(f"The backup is of {manifest['engine']}, the target is {engine}.")
    if engine.endswith("postgresql"):
        sql = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        probe = subprocess.run(  # noqa: S603 - fixed program, arguments from our own settings
            [_tool("psql"), "--no-psqlrc", "-Atc", sql, *_pg_args(db), "--dbname", str(db["NAME"])],
            check=True,
            env=_pg_env(db),
            capture_output=True,
            text=True,
        )
        if probe.stdout.strip() != "0":
            raise BackupError(f"The database {db['NAME']} is not empty; create a fresh one (createdb) first.")
        subprocess.run(  # noqa: S603 - fixed program, arguments from our own settings
            [
                _tool("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                str(db["NAME"]),
                *_pg_args(db),
                str(dump),
            ],
            check=True,
            env=_pg_env(db),
            capture_output=True,
        )
    else:
        target = Path(db["NAME"])
        if target.exists() and target.stat().st_size:
            raise BackupError(f"The database file {target} exists; restore into a new file.")
        shutil.copyfile(dump, target)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(media, "r:gz") as archive:
        archive.extractall(media_root, filter="data")  # no absolute paths, no "..", no devices
    return manifest
