"""Settings come from the environment; production refuses to start without its required settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ocop.lib import env

ROOT = Path(__file__).resolve().parents[2]


def _run(code_or_args, extra_env):
    environ = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "PUBLIC_BASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environ.update({"DJANGO_SETTINGS_MODULE": "ocop.settings", **extra_env})
    return subprocess.run(
        [sys.executable, *code_or_args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )


def test_env_bool_rejects_typos(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env.env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env.env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env.env_bool("X_FLAG")


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("X_NUM", "abc")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        env.env_int("X_NUM", 1)
    monkeypatch.setenv("X_LIST", "a.example, b.example ,")
    assert env.env_list("X_LIST") == ["a.example", "b.example"]


def test_env_secret_reads_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env.env_secret("X_SECRET") == "s3cr3t"


def test_parse_database_url():
    cfg = env.parse_database_url("postgres://ocop:p%40ss@db.local:5433/ocop_prod?sslmode=require")
    assert cfg == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "ocop_prod",
        "USER": "ocop",
        "PASSWORD": "p@ss",
        "HOST": "db.local",
        "PORT": "5433",
        "OPTIONS": {"sslmode": "require"},
    }
    assert env.parse_database_url("sqlite:////srv/ocop.db")["NAME"] == "/srv/ocop.db"
    with pytest.raises(ImproperlyConfigured):
        env.parse_database_url("mysql://x/y")


def test_postgres_connections_are_kept_for_60_seconds():
    result = _run(
        ["-c", "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default'])"],
        {"DEBUG": "1", "DATABASE_URL": "postgres://ocop@db.local:5432/ocop"},
    )
    assert result.returncode == 0, result.stderr
    assert "'ENGINE': 'django.db.backends.postgresql'" in result.stdout
    assert "'CONN_MAX_AGE': 60" in result.stdout


def test_production_without_required_settings_stops_with_clear_message():
    result = _run(["-c", "import django; django.setup()"], {"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, PUBLIC_BASE_URL" in result.stderr


def test_a_deployment_without_debug_setting_is_production():
    """With a PostgreSQL DATABASE_URL and no DEBUG, the required settings are enforced."""
    result = _run(["-c", "import django; django.setup()"], {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ocop"})
    assert result.returncode != 0
    assert "SECRET_KEY, ALLOWED_HOSTS, PUBLIC_BASE_URL" in result.stderr


def test_no_environment_at_all_is_development_on_sqlite(tmp_path):
    result = _run(
        ["-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, "
         "settings.DATABASES['default']['ENGINE'], settings.ALLOWED_HOSTS)"],
        {"OCOP_VAR_DIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True django.db.backends.sqlite3 ['127.0.0.1', 'localhost', '[::1]']"


def test_sqlite_is_the_embedded_default(tmp_path):
    result = _run(
        ["-c", "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default'])"],
        {"DEBUG": "1", "OCOP_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout
    assert str(tmp_path / "ocop.sqlite3") in result.stdout


def test_production_settings_pass_deploy_check():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {
            "DEBUG": "0",
            "SECRET_KEY": "x7#kQ9v!mZ2pL0rT8wY4nB6cF1hJ3sD5gA-uE_oI+qW=zX&yR-lucnam-ocop-2024",
            "ALLOWED_HOSTS": "ocop.lucnam.example",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ocop",
            "PUBLIC_BASE_URL": "https://ocop.lucnam.example",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_each_xdist_worker_has_its_own_redis_database_and_media_root(settings):
    from ocop.settings_test import worker_redis_url

    assert worker_redis_url("redis://127.0.0.1:6379/15", "") == "redis://127.0.0.1:6379/15"
    assert worker_redis_url("redis://127.0.0.1:6379/15", "gw0") == "redis://127.0.0.1:6379/15"
    assert worker_redis_url("redis://127.0.0.1:6379/15", "gw1") == "redis://127.0.0.1:6379/14"
    assert worker_redis_url("redis://127.0.0.1:6379/0", "gw1") == "redis://127.0.0.1:6379/15"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    broker = worker_redis_url(os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15"), worker)
    assert broker == settings.CELERY_BROKER_URL
    assert Path(settings.MEDIA_ROOT).name.startswith(f"ocop-test-media-{worker or 'main'}-")
