"""End to end through a real Celery worker and a real Redis: from the event to the email on disk, exactly once.

Each test starts its own ``redis-server`` on a free port (so it can stop and restart it) and a worker against it
and the test database; the worker writes emails with Django's file backend into a temporary folder.
"""

import datetime
import email
import email.header
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ocop.enums import Role
from ocop.models import Heartbeat, Notification, NotificationStatus
from ocop.tasks import record_heartbeat, send_pending_notifications
from ocop.tests.test_notifications import use_broker
from products.enums import DossierStatus
from products.tests.conftest import _complete
from products.tests.factories import DossierFactory, ProducerFactory, RoundFactory

ROOT = Path(__file__).resolve().parents[2]
SEPARATOR = "-" * 79


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throw-away redis-server (no persistence) that a test can stop and start again on the same port."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def redis_server():
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def email_dir(tmp_path):
    path = tmp_path / "emails"
    path.mkdir()
    return path


@pytest.fixture
def worker(redis_server, email_dir, tmp_path, transactional_db):
    """`celery worker` against the private Redis and the test database, writing emails into ``email_dir``."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ocop.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": redis_server.url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(email_dir),
    }
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ocop", "worker", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    proc.log_path = log_path
    with use_broker(redis_server.url):
        yield proc
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def read_emails(folder: Path) -> list[dict]:
    """Every message the file backend wrote: To, decoded Subject and body."""
    messages = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(SEPARATOR.encode()):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk.strip())
            subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
            body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
            messages.append({"to": message["To"], "subject": subject, "body": body})
    return messages


def wait_for(condition, proc, timeout=60, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if proc.poll() is not None:
            pytest.fail(f"worker exited early:\n{proc.log_path.read_text()}")
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{proc.log_path.read_text()}")


def wait_until_consuming(proc):
    """A heartbeat task round trip proves the worker is connected and consuming."""
    name = f"probe-{uuid.uuid4().hex[:6]}"
    record_heartbeat.apply_async(kwargs={"name": name})
    wait_for(lambda: Heartbeat.objects.filter(name=name).exists(), proc, what="the worker to consume")


@pytest.fixture
def submitted_dossier(authority, commune, make_user):
    official = make_user(Role.COMMUNE_OFFICIAL, commune=commune, username="xa-thanh-lam", email="xa@example.vn")
    secretary = make_user(Role.SECRETARIAT, username="thuky")
    round_ = RoundFactory(year__authority=authority, commune_deadline=timezone.localdate() + datetime.timedelta(30))
    dossier = _complete(DossierFactory(product__producer=ProducerFactory(commune=commune), round=round_))
    dossier.product.name = "Bánh mật Thanh Lâm"
    dossier.product.save()
    from products import domain

    domain.submit_dossier(dossier, by=official)
    dossier.refresh_from_db()
    return dossier, official, secretary


def return_through_the_web(client_for, dossier, secretary):
    return client_for(secretary).post(
        reverse("products:dossier_return", args=[dossier.pk]), {"general": "Thiếu giấy chứng nhận VSATTP"}
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_returned_dossier_reaches_the_communes_inbox_through_the_worker(
    worker, submitted_dossier, email_dir, client_for
):
    dossier, official, secretary = submitted_dossier
    wait_until_consuming(worker)

    response = return_through_the_web(client_for, dossier, secretary)

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    wait_for(lambda: len(read_emails(email_dir)) >= 1, worker, what="the email file")
    row = Notification.objects.get(recipient=official, channel="email")
    wait_for(lambda: Notification.objects.get(pk=row.pk).status == NotificationStatus.SENT, worker, what="sent")
    # A sweep afterwards (beat's job) finds nothing more to send.
    send_pending_notifications.apply_async()
    wait_until_consuming(worker)
    messages = read_emails(email_dir)
    assert len(messages) == 1
    assert messages[0]["to"] == "xa@example.vn"
    assert "Bánh mật Thanh Lâm" in messages[0]["subject"]
    assert "- Thiếu giấy chứng nhận VSATTP" in messages[0]["body"]
    assert f"/ho-so/{dossier.pk}/" in messages[0]["body"]
    row.refresh_from_db()
    assert row.attempts == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_the_request_succeeds_and_the_email_goes_out_when_it_returns(
    worker, redis_server, submitted_dossier, email_dir, client_for
):
    dossier, official, secretary = submitted_dossier
    wait_until_consuming(worker)
    redis_server.stop()

    started = time.monotonic()
    response = return_through_the_web(client_for, dossier, secretary)
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 10
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    row = Notification.objects.get(recipient=official, channel="email")
    assert (row.status, row.attempts) == (NotificationStatus.PENDING, 0)
    time.sleep(1)
    assert read_emails(email_dir) == []

    redis_server.start()  # same port, empty: the queued message, had there been one, is gone; the row is not
    wait_until_consuming(worker)
    send_pending_notifications.apply_async()  # what beat does every two minutes
    wait_for(lambda: len(read_emails(email_dir)) >= 1, worker, what="the email after Redis came back")
    send_pending_notifications.apply_async()
    wait_until_consuming(worker)

    messages = read_emails(email_dir)
    assert [m["to"] for m in messages] == ["xa@example.vn"]
    assert "Bánh mật Thanh Lâm" in messages[0]["subject"]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 1)
