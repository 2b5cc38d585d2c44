"""Explicit test settings: the real services (PostgreSQL, Redis) with fast hashing."""

import atexit
import os
import shutil
import tempfile
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocop")

from ocop.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Under pytest-xdist each worker process ("gw0", "gw1", …) has its own test database (pytest-django appends the
# worker's name), its own MEDIA_ROOT (a fresh temporary folder per process) and its own Redis database.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
MEDIA_ROOT = tempfile.mkdtemp(prefix=f"ocop-test-media-{XDIST_WORKER or 'main'}-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)  # each process removes the folder it made
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests run tasks inline; the real-worker tests switch this off for their own calls.
CELERY_TASK_ALWAYS_EAGER = True


def worker_redis_url(url: str, worker: str) -> str:
    """The Redis URL for an xdist worker: worker gwN uses the base database minus N (Redis has 16: 0–15)."""
    if not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base - int(worker[2:])) % 16}"))


CELERY_BROKER_URL = worker_redis_url(
    os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15"), XDIST_WORKER
)
LANGUAGE_CODE = "vi"
# Live-server threads must not keep connections open, or the test database cannot be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0
