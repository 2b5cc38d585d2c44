"""Moving the programme models out of ``evaluations`` loses no row and no file on an existing installation.

A scratch PostgreSQL database is built by the code of ``main`` before the move (commit ``BEFORE``, taken from git):
its migrations, then its demo (``seed_demo``, with its uploaded documents and certificate PDFs). Every table's rows
and every media file's SHA-256 are read; then this code's migrations run on the same database and everything is read
again. Apart from what the move is meant to change (the four content types renamed to ``programme``, the new
migration rows, the new regime table and the content type and permissions Django adds for it), nothing differs, and
every stored file a row names is still there.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BEFORE = "942362d"  # main before issue 19
MOVED = {"programmeyear", "communetarget", "round", "criteriaset"}
MOVE_MIGRATIONS = {
    ("programme", "0001_initial"),
    ("programme", "0002_regimes_and_content_types"),
    ("products", "0006_round_and_criteria_set_in_programme"),
    ("funding", "0004_programme_year_in_programme"),
    ("evaluations", "0006_programme_models_moved"),
}
# Issue 18 landed on main between ``BEFORE`` and the move: its migrations run too, and add these columns, which every
# row of the table must hold with their defaults (nothing else of those rows may change).
ISSUE_18_MIGRATIONS = {
    ("ocop", "0010_audit_no_truncate"),
    ("products", "0005_dossier_expected_star"),
    ("funding", "0003_entitlement_higher_level"),
}
# Models added to the programme app after the move (empty new tables, their content types and permissions).
LATER_MIGRATIONS = {
    ("programme", "0003_calendar_exception"),
    ("ocop", "0011_commune_official_code"),
    ("programme", "0004_regime_2026_fields"),
    ("programme", "0005_regime_2026_rows"),
    ("products", "0007_dossier_regime_and_receipts"),
    ("programme", "0006_criteria_set_disqualifiers_and_source"),
    ("evaluations", "0007_score_sheet_attestation"),
    ("products", "0008_fill_dossier_regime"),
    ("products", "0008_receipt_counter"),
    ("ocop", "0012_notification_kind_commune_check"),
    ("products", "0009_merge_regime_and_receipts"),
    ("products", "0008_registration_forms"),
    ("products", "0010_merge_forms"),
    ("ocop", "0012_units_and_former_map"),
    ("ocop", "0013_former_unit_unique_with_kind"),
    ("ocop", "0014_merge_units_and_commune_check"),
    ("products", "0008_producer_former_unit_and_choice"),
    ("products", "0011_merge_units"),
    ("takeover", "0001_ledger"),
    ("programme", "0006_round_proposal_cutoff_and_end"),
    ("evaluations", "0007_ministry_path_and_product_numbers"),
    ("programme", "0007_merge_round_window_and_disqualifiers"),
    ("evaluations", "0008_merge_ministry_path_and_attestation"),
}
LATER_MODELS = [
    ("programme", "calendarexception"),
    ("products", "receiptcounter"),
    ("products", "registration"),
    ("products", "selfevidence"),
    ("ocop", "formerunit"),
    ("ocop", "formerunitcandidate"),
    ("products", "unitchoice"),
    ("takeover", "takeover"),  # issue 21: the import ledger of a former district's fold
    ("takeover", "ledgerentry"),
    ("evaluations", "ministryreferral"),
    ("evaluations", "productnumber"),
]
ISSUE_18_COLUMNS = {
    "products_dossier": {
        "expected_star": None,
        "regime_override_reason": "",
        "commune_received_at": None,
        "commune_receipt_number": "",
        "province_received_at": None,
        "province_receipt_number": "",
    },
    "ocop_commune": {"code": "", "retired_on": None},
    "ocop_authority": {"valid_to": None, "successor_id": None},
    "products_producer": {"former_unit_id": None},
    "evaluations_criteriaset": {"edition": "qd148-2023", "disqualifiers": [], "source": {}},
    "evaluations_scoresheet": {"attested_at": None, "attested_by_id": None},
    "funding_entitlement": {"source": "decision", "higher_decision": "", "higher_decision_date": None},
    "evaluations_round": {"proposal_cutoff": None, "closes_by": None},
    "evaluations_recognitiondecision": {"on_central_evaluation": False},
}

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the move is checked on PostgreSQL"),
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git to take the code before the move"),
]


def _psycopg_params(name: str) -> dict:
    db = settings.DATABASES["default"]
    params = {"dbname": name, "user": db.get("USER") or "postgres", "host": db.get("HOST") or "127.0.0.1"}
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    if db.get("PORT"):
        params["port"] = db["PORT"]
    return params


def _url(name: str) -> str:
    p = _psycopg_params(name)
    auth = p["user"] + (f":{p['password']}" if "password" in p else "")
    return f"postgres://{auth}@{p['host']}:{p.get('port', 5432)}/{name}"


@pytest.fixture
def scratch(tmp_path):
    import psycopg2

    name = f"ocop_move_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(**_psycopg_params("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    media = tmp_path / "media"
    media.mkdir()
    yield name, media
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _manage(code: Path, database: str, media: Path, *args) -> str:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "TEST_CELERY_", "PYTEST", "STORAGE_"))
    }
    env.update(DEBUG="1", DATABASE_URL=_url(database), MEDIA_ROOT=str(media), PYTHONPATH=str(code))
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=code, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _rows(database: str) -> dict[str, list]:
    """Every table's rows, in a stable order."""
    import psycopg2
    from psycopg2 import sql

    with psycopg2.connect(**_psycopg_params(database)) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE'"
        )
        tables = sorted(row[0] for row in cursor.fetchall())
        dump = {}
        for table in tables:
            cursor.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table)))
            columns = [column.name for column in cursor.description]
            dump[table] = sorted((dict(zip(columns, row, strict=True)) for row in cursor.fetchall()), key=repr)
    return dump


def _files(media: Path) -> dict[str, str]:
    return {
        path.relative_to(media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }


def _file_columns() -> list[tuple[str, str]]:
    from django.apps import apps
    from django.db import models

    return sorted(
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    )


def test_the_move_keeps_every_row_and_every_file(scratch, tmp_path):
    database, media = scratch
    old_code = tmp_path / "before"
    old_code.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BEFORE], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old_code)], input=archive, check=True)

    _manage(old_code, database, media, "migrate", "--noinput")
    _manage(old_code, database, media, "seed_demo")
    before, files_before = _rows(database), _files(media)
    assert before["evaluations_round"] and before["products_dossier"] and files_before  # the demo is there

    _manage(ROOT, database, media, "migrate", "--noinput")
    after, files_after = _rows(database), _files(media)

    # Files: the same files, byte for byte, and every file a row names exists.
    assert files_after == files_before
    named = [row[column] for table, column in _file_columns() for row in after.get(table, []) if row.get(column)]
    assert named and all(name in files_after for name in named)

    # Content types: the moved models' rows keep their ids and change app; Django adds the regime's.
    def renamed(row):
        moved = row["app_label"] == "evaluations" and row["model"] in MOVED
        return {**row, "app_label": "programme"} if moved else row

    content_types = after.pop("django_content_type")
    expected = sorted((renamed(row) for row in before.pop("django_content_type")), key=repr)
    added = [row for row in content_types if row not in expected]
    later = [row for row in added if (row["app_label"], row["model"]) in LATER_MODELS]
    added = [row for row in added if row not in later]
    assert sorted((row["app_label"], row["model"]) for row in later) == sorted(LATER_MODELS)
    assert [(row["app_label"], row["model"]) for row in added] == [("programme", "regime")]
    assert [row for row in content_types if row not in added and row not in later] == expected
    regime_type = added[0]["id"]
    later_types = {row["id"] for row in later}

    # Permissions: the old ones unchanged (they follow their content type's id); new ones only for the regime.
    permissions_before = before.pop("auth_permission")
    permissions_after = after.pop("auth_permission")
    assert [
        row for row in permissions_after if row["content_type_id"] not in {regime_type, *later_types}
    ] == permissions_before

    # Migrations: the old rows unchanged, plus exactly the move's.
    migrations_before = before.pop("django_migrations")
    migrations_after = after.pop("django_migrations")
    assert [row for row in migrations_after if row in migrations_before] == migrations_before
    applied = {(row["app"], row["name"]) for row in migrations_after if row not in migrations_before}
    assert applied == MOVE_MIGRATIONS | ISSUE_18_MIGRATIONS | LATER_MIGRATIONS

    # Every filed dossier has the regime of its filing date (decision 2b; a district demo: 148), drafts none.
    regime_ids = {row["code"]: row["id"] for row in after["programme_regime"]}
    for row in after["products_dossier"]:
        filed = row["commune_received_at"] or row["submitted_at"]
        assert row.pop("regime_id") == (regime_ids["qd148-2023"] if filed else None), row["id"]

    # The columns issue 18 added hold their defaults on every row that was there.
    for table, defaults in ISSUE_18_COLUMNS.items():
        assert all({name: row[name] for name in defaults} == defaults for row in after[table]), table
        after[table] = sorted(({k: v for k, v in row.items() if k not in defaults} for row in after[table]), key=repr)

    # The regimes are a new table with the two known rows.
    regimes = after.pop("programme_regime")
    assert {row["code"] for row in regimes} == {"qd148-2023", "qd1489-2025", "qd26-2026"}

    # Tables of later models start empty.
    for app, model in LATER_MODELS:
        assert after.pop(f"{app}_{model}", []) == []

    # Everything else: the same tables with the same rows.
    assert sorted(after) == sorted(before)
    for table in before:
        assert after[table] == before[table], table
