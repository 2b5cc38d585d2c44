"""Backing up and restoring the database and the uploaded files (``make backup`` / ``make restore``).

A backup is one directory ``<BACKUP_DIR>/ocop-<UTC time>/`` holding:

- ``db.dump``: ``pg_dump --format=custom`` of the PostgreSQL database (or ``db.sqlite3``, an online copy made with
  SQLite's backup API, for a development copy);
- ``media.tar.gz``: every file under ``MEDIA_ROOT`` (dossier documents, certificate PDFs, photos);
- ``manifest.json``: when, which database engine, row counts per table and the SHA-256 of each archive, checked
  again before a restore.

The backup holds password hashes and phone numbers: the directory is 0700 and its files 0600 (written under umask
077, then chmod), readable only by the user who ran it.

Restoring needs an empty target: a fresh database (``createdb --owner=ROLE``) and an empty media directory, so a
restore never mixes two states. The role restoring needs no superuser rights, only to own the database (or to may
create in its schema ``public``); the ICU collation ``vi_icu`` is created by the restore itself if missing (``CREATE
COLLATION IF NOT EXISTS``, as migration ocop/0007 does) and left out of ``pg_restore``. Every expected failure is a
``BackupError`` with one line naming the cause (the commands turn it into a ``CommandError``, never a traceback).
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings


class BackupError(Exception):
    pass


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# The ICU collation of migration ocop/0007; restored by ``_ensure_collations``, not by pg_restore.
COLLATIONS = {"vi_icu": "CREATE COLLATION IF NOT EXISTS vi_icu (provider = icu, locale = 'vi-VN')"}


def _first_error(output: str) -> str:
    """The line of a PostgreSQL tool's output that names the cause (its first ERROR/FATAL/error line)."""
    lines = [line.strip() for line in (output or "").splitlines() if line.strip()]
    for marker in ("ERROR:", "FATAL:", "error:"):
        for line in lines:
            if marker in line:
                return line[line.index(marker) :].removeprefix("error:").strip()
    return lines[0] if lines else "no message"


def _run(args: list[str], db: dict, what: str, **kwargs) -> subprocess.CompletedProcess:
    """Run a PostgreSQL client tool; a failure becomes one BackupError line with the tool's own cause."""
    try:
        return subprocess.run(  # noqa: S603 - fixed program, arguments from our own settings
            args, check=True, env=_pg_env(db), capture_output=True, text=True, **kwargs
        )
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{what} failed: {_first_error(exc.stderr or exc.stdout)}") from None
    except OSError as exc:
        raise BackupError(f"{what} could not run: {exc}") from None


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
    previous_umask = os.umask(0o077)  # the dump is written by pg_dump: nothing it creates is readable by others
    try:
        folder.mkdir(parents=True, mode=PRIVATE_DIR)
        _write_backup(folder, db, media_root)
    finally:
        os.umask(previous_umask)
    folder.chmod(PRIVATE_DIR)
    for path in folder.iterdir():
        path.chmod(PRIVATE_FILE)
    return folder


def _write_backup(folder: Path, db: dict, media_root: Path) -> None:
    engine = db["ENGINE"]
    if engine.endswith("postgresql"):
        dump = folder / "db.dump"
        _run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(dump), *_pg_args(db), str(db["NAME"])],
            db,
            "pg_dump",
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


def latest_backup(target_dir: Path) -> Path:
    folders = sorted(p for p in Path(target_dir).glob("ocop-*") if (p / "manifest.json").exists())
    if not folders:
        raise BackupError(f"No backup found in {target_dir}")
    return folders[-1]


def restore_backup(folder: Path, *, db: dict, media_root: Path) -> dict:
    """Restore ``folder`` into the empty database ``db`` and the empty ``media_root``; return the manifest."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        dump = folder / manifest["database"]
        media = folder / manifest["media"]
        checks = ((dump, manifest["database_sha256"]), (media, manifest["media_sha256"]))
        for path, expected in checks:
            if _sha256(path) != expected:
                raise BackupError(f"{path.name} does not match its checksum in manifest.json: the backup is damaged.")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{folder} is not a readable backup ({exc.__class__.__name__}: {exc}).") from None
    media_root = Path(media_root)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"The media directory {media_root} is not empty; restore into an empty directory.")
    engine = db["ENGINE"]
    if engine.endswith("postgresql") != manifest["engine"].endswith("postgresql"):
        raise BackupError(f"The backup is of {manifest['engine']}, the target is {engine}.")
    if engine.endswith("postgresql"):
        _restore_postgresql(dump, db)
    else:
        target = Path(db["NAME"])
        if target.exists() and target.stat().st_size:
            raise BackupError(f"The database file {target} exists; restore into a new file.")
        shutil.copyfile(dump, target)
    try:
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(media, "r:gz") as archive:
            archive.extractall(media_root, filter="data")  # no absolute paths, no "..", no devices
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"The files could not be restored into {media_root}: {exc}") from None
    return manifest


def _psql(db: dict, sql: str, what: str) -> str:
    args = [_tool("psql"), "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-Atc", sql, *_pg_args(db)]
    return _run([*args, "--dbname", str(db["NAME"])], db, what).stdout.strip()


def _restore_postgresql(dump: Path, db: dict) -> None:
    name = db["NAME"]
    probe = _psql(
        db,
        "SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public'), current_user, "
        "has_schema_privilege('public', 'CREATE')",
        f"Connecting to the database {name}",
    )
    tables, role, may_create = probe.split("|")
    if tables != "0":
        raise BackupError(f"The database {name} is not empty; create a fresh one (createdb) first.")
    if may_create != "t":
        raise BackupError(
            f"The role {role} may not create tables in the database {name}: create the database owned by it "
            f"(createdb --owner={role} {name}) or restore as the database's owner."
        )
    _ensure_collations(db)
    listing = _run([_tool("pg_restore"), "--list", str(dump)], db, "Reading the dump").stdout
    kept = [line for line in listing.splitlines() if not _is_restored_collation(line)]
    with tempfile.NamedTemporaryFile("w", suffix=".list", encoding="utf-8") as toc:
        toc.write("\n".join(kept) + "\n")
        toc.flush()
        _run(
            [
                _tool("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                "--use-list",
                toc.name,
                "--dbname",
                str(name),
                *_pg_args(db),
                str(dump),
            ],
            db,
            "pg_restore",
        )


def _is_restored_collation(toc_line: str) -> bool:
    """A dump's table-of-contents line for a collation this module creates itself (``… COLLATION public vi_icu …``)."""
    parts = toc_line.split()
    return not toc_line.startswith(";") and "COLLATION" in parts and any(c in parts for c in COLLATIONS)


def _ensure_collations(db: dict) -> None:
    """The collations the schema uses, created if missing; a database owner may (no superuser needed)."""
    for name, sql in COLLATIONS.items():
        _psql(db, sql, f"Creating the collation {name}")
