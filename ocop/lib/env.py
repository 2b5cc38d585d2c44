"""Typed helpers that read settings from the environment.

Each helper rejects a malformed value with a message naming the variable, so a typo
stops start-up instead of silently falling back to a default.
"""

import os
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def env_secret(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE (for container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    return env_str(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_database_url(url: str) -> dict:
    """Turn postgres://user:pass@host:port/name?sslmode=require or sqlite:///path into a DATABASES entry."""
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme in ("postgres", "postgresql", "pgsql"):
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
        }
    if scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        path = parsed.path[1:] if parsed.path.startswith("//") else parsed.path.lstrip("/")
        if parsed.path.startswith("//"):
            path = "/" + path.lstrip("/")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path or ":memory:"}
    raise ImproperlyConfigured(f"DATABASE_URL must start with postgres:// or sqlite://; got {scheme or 'nothing'}://…")


def s3_storage_options(url: str) -> dict:
    """Turn STORAGE_URL=s3://bucket[/prefix] (plus AWS_* variables) into django-storages' S3Storage options.

    ``AWS_S3_ENDPOINT_URL`` points at an S3-compatible service (MinIO, Ceph…), ``AWS_S3_REGION_NAME`` names the
    region, ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` (or ``…_FILE``) are the credentials (unset: the
    machine's role). Objects are private; signed URLs carry the credentials' signature and expire.
    """
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.hostname:
        raise ImproperlyConfigured(f"STORAGE_URL must look like s3://bucket or s3://bucket/prefix; got {url!r}.")
    options = {
        "bucket_name": parsed.hostname,
        "location": parsed.path.strip("/"),
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        "signature_version": "s3v4",
        "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", "path"),
    }
    for option, name in (
        ("endpoint_url", "AWS_S3_ENDPOINT_URL"),
        ("region_name", "AWS_S3_REGION_NAME"),
        ("access_key", "AWS_ACCESS_KEY_ID"),
    ):
        if env_str(name):
            options[option] = env_str(name)
    if env_secret("AWS_SECRET_ACCESS_KEY"):
        options["secret_key"] = env_secret("AWS_SECRET_ACCESS_KEY")
    return options
