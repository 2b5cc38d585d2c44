"""A real Celery worker process consumes a task from Redis and writes to the test database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from ocop.celery import app
from ocop.models import Heartbeat
from ocop.tasks import record_heartbeat

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def real_worker(settings):
    """Start `celery worker` on a private queue against Redis and the test database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ocop.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ocop", "worker", "--pool=solo", "-Q", queue, "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    old_eager, old_broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        yield queue, proc
    finally:
        app.conf.task_always_eager, app.conf.broker_url = old_eager, old_broker
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_task_through_redis(real_worker):
    queue, proc = real_worker
    name = f"worker-test-{uuid.uuid4().hex[:6]}"
    with app.connection_for_write() as conn:
        record_heartbeat.apply_async(kwargs={"name": name}, queue=queue, connection=conn)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if Heartbeat.objects.filter(name=name).exists():
            break
        if proc.poll() is not None:
            pytest.fail(f"worker exited early:\n{proc.stdout.read()}")
        time.sleep(0.2)
    beat = Heartbeat.objects.get(name=name)
    assert beat.count == 1
