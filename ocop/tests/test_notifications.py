"""The outbox (ocop/notify.py): rows first, claimed before sending, retried with back-off, never sent twice."""

import contextlib
import datetime
import importlib
import socket
import threading
import time

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from ocop import delivery, notify, rules, tasks
from ocop.celery import app
from ocop.enums import Role
from ocop.models import AuditEntry, Notification, NotificationChannel, NotificationKind, NotificationStatus

VN = timezone.get_fixed_timezone(7 * 60)
T0 = datetime.datetime(2027, 6, 2, 9, 0, tzinfo=VN)
CONTEXT = {
    "product": "Bánh mật Thanh Lâm",
    "commune": "Thanh Lâm",
    "round_number": 1,
    "year": 2027,
    "comments": ["Thiếu giấy chứng nhận VSATTP"],
    "url": "/ho-so/7/",
}


def send(user, key="dossier-returned:7:1", **kwargs):
    kwargs.setdefault("context", CONTEXT)
    return notify.notify(user, NotificationKind.DOSSIER_RETURNED, None, f"{key}:{user.pk}", **kwargs)


@pytest.fixture
def official(make_user, commune):
    return make_user(Role.COMMUNE_OFFICIAL, commune=commune, username="can-bo", email="canbo@example.vn")


def email_row(user):
    return Notification.objects.get(recipient=user, channel=NotificationChannel.EMAIL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def use_broker(url: str):
    """Publish for real (not eagerly) to ``url`` in this process; Celery caches its producer pool, so reset it."""
    old = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, url
    app.amqp._producer_pool = None
    notify._broker_failed_at = None
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = old
        app.amqp._producer_pool = None
        notify._broker_failed_at = None


# ---------------------------------------------------------------------------------------------------- writing rows
def test_notify_writes_one_row_per_channel(official, commune):
    with time_machine.travel(T0, tick=False):
        rows = notify.notify(
            official,
            NotificationKind.DOSSIER_RETURNED,
            commune,
            "k:1",
            context={**CONTEXT, "on": datetime.date(2027, 6, 1)},
        )

    assert [(r.channel, r.status) for r in rows] == [
        (NotificationChannel.IN_APP, NotificationStatus.SENT),
        (NotificationChannel.EMAIL, NotificationStatus.PENDING),
    ]
    email = email_row(official)
    assert email.address == "canbo@example.vn"
    assert (email.due_at, email.next_attempt_at, email.attempts) == (T0, T0, 0)
    assert email.context["on"] == "2027-06-01"
    assert (email.subject_type.model, email.subject_id) == ("commune", commune.pk)
    in_app = Notification.objects.get(channel=NotificationChannel.IN_APP)
    assert in_app.sent_at == T0


def test_notify_twice_with_the_same_key_writes_nothing_new(official):
    assert len(send(official)) == 2
    assert send(official) == []
    assert Notification.objects.count() == 2


def test_notify_skips_inactive_users(official):
    official.is_active = False
    official.save(update_fields=["is_active"])
    assert send(official) == []
    assert Notification.objects.count() == 0


def test_notify_keeps_an_address_less_email_visible_as_skipped(commune_official):
    send(commune_official)
    row = email_row(commune_official)
    assert (row.status, row.last_error) == (NotificationStatus.SKIPPED, "The recipient has no email address.")


def test_notify_rejects_an_unknown_kind(official):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notify.notify(official, "birthday", None, "x")


def test_a_future_in_app_row_waits_until_due(official):
    with time_machine.travel(T0, tick=False):
        send(official, due_at=T0 + datetime.timedelta(hours=2))
        assert Notification.objects.inbox_of(official).count() == 0
    with time_machine.travel(T0 + datetime.timedelta(hours=2), tick=False):
        assert Notification.objects.inbox_of(official).count() == 1
        counts = delivery.send_pending()
    assert counts["sent"] == 2  # the email and the in-app row (marked delivered)
    assert len(mail.outbox) == 1


def test_rows_roll_back_with_the_callers_transaction(official, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.deliver_notification, "apply_async", lambda **kw: queued.append(kw))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        send(official)
        raise RuntimeError
    assert Notification.objects.count() == 0
    assert queued == []


def test_delivery_is_queued_after_commit_with_the_row_id(official, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.deliver_notification, "apply_async", lambda **kw: queued.append(kw))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(official)
    assert queued == []  # nothing is queued before the commit
    for callback in callbacks:
        callback()
    assert queued == [{"kwargs": {"notification_id": email_row(official).pk}}]


def test_a_broker_error_never_fails_the_caller(official, monkeypatch, django_capture_on_commit_callbacks, caplog):
    from kombu.exceptions import OperationalError

    def broken(**kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.deliver_notification, "apply_async", broken)
    with django_capture_on_commit_callbacks(execute=True):
        rows = send(official)
    assert len(rows) == 2
    assert email_row(official).status == NotificationStatus.PENDING
    assert "stays pending" in caplog.text


def test_publishing_to_a_dead_redis_gives_up_within_seconds(official):
    """The real broker settings: a request that queues a task while Redis is down is not held up."""
    send(official)
    row = email_row(official)
    with use_broker(f"redis://127.0.0.1:{free_port()}/0"):
        started = time.monotonic()
        queued = notify.enqueue([row.pk])
        elapsed = time.monotonic() - started
    assert queued == 0
    assert elapsed < 5
    row.refresh_from_db()
    assert row.status == NotificationStatus.PENDING


def test_after_a_broker_failure_the_process_pauses_publishing(official, monkeypatch):
    from kombu.exceptions import OperationalError

    calls = []

    def broken(**kwargs):
        calls.append(kwargs)
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(tasks.deliver_notification, "apply_async", broken)
    with use_broker("redis://127.0.0.1:1/0"):  # not eager; apply_async is replaced anyway
        assert notify.enqueue([1, 2]) == 0
        assert notify.enqueue([3]) == 0
        assert len(calls) == 1  # one failed attempt, then a pause
        notify._broker_failed_at = time.monotonic() - notify.BROKER_PAUSE - 1
        monkeypatch.setattr(tasks.deliver_notification, "apply_async", lambda **kw: calls.append(kw))
        assert notify.enqueue([4]) == 1  # the pause is over and the broker is back
        assert notify._broker_failed_at is None
    assert len(calls) == 2


# ---------------------------------------------------------------------------------------------------- sending
def test_deliver_sends_the_email_once(official):
    send(official)
    row = email_row(official)
    assert delivery.deliver(row.pk) == "sent"
    assert delivery.deliver(row.pk) == "not-claimed"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (NotificationStatus.SENT, 1, "")
    assert row.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["canbo@example.vn"]


def test_deliver_waits_for_the_next_attempt_time(official):
    with time_machine.travel(T0, tick=False):
        send(official, due_at=T0 + datetime.timedelta(minutes=10))
        assert delivery.deliver(email_row(official).pk) == "not-claimed"
    assert mail.outbox == []


def test_the_email_is_in_vietnamese_with_an_absolute_link(official, settings):
    settings.PUBLIC_BASE_URL = "https://ocop.lucnam.gov.vn"
    official.profile.full_name = "Nguyễn Văn An"
    official.profile.save()
    send(official)
    with translation.override("en"):  # the worker's or the request's language does not matter
        delivery.deliver(email_row(official).pk)
    message = mail.outbox[0]
    expected_subject, expected_body = delivery.render_message(email_row(official), "vi", email_to="Nguyễn Văn An")
    assert message.subject == expected_subject
    assert message.body == expected_body
    assert "\n" not in message.subject
    assert "Bánh mật Thanh Lâm" in message.subject
    assert "https://ocop.lucnam.gov.vn/ho-so/7/" in message.body
    assert "- Thiếu giấy chứng nhận VSATTP" in message.body
    assert "Nguyễn Văn An" in message.body


def test_sending_an_email_leaves_the_callers_language_as_it_was(official):
    """The email is rendered in Vietnamese inside ``translation.override``; the caller's language survives it."""
    send(official)
    with translation.override("en"):
        assert delivery.deliver(email_row(official).pk) == "sent"
        assert translation.get_language() == "en"
    assert "Bánh mật Thanh Lâm" in mail.outbox[0].subject


def test_the_notification_centre_text_has_no_greeting(official):
    send(official)
    row = Notification.objects.get(channel=NotificationChannel.IN_APP)
    subject, body = delivery.render_message(row, "vi")
    assert "Bánh mật Thanh Lâm" in subject
    assert "Nguyễn" not in body and "can-bo" not in body
    assert "/ho-so/7/" not in body  # the page has a button for the link
    assert body.endswith("- Thiếu giấy chứng nhận VSATTP\n")


class SlowBackend(LocmemBackend):
    """Locmem, but each send takes a while, so two senders overlap."""

    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_row_once(official, make_user, commune, settings, monkeypatch):
    settings.EMAIL_BACKEND = "ocop.tests.test_notifications.SlowBackend"
    monkeypatch.setattr(notify, "enqueue", lambda ids: 0)  # the rows wait for the sweep (e.g. Redis was down)
    others = [make_user(Role.COMMUNE_OFFICIAL, commune=commune, email=f"u{i}@example.vn") for i in range(4)]
    for user in [official, *others]:
        send(user)
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(delivery.send_pending())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(["canbo@example.vn"] + [f"u{i}@example.vn" for i in range(4)])
    assert sum(r["sent"] for r in results) == 5
    # They raced for the same rows: the loser of each claim skipped it instead of sending it again.
    assert sum(r["not-claimed"] for r in results) >= 1
    assert Notification.objects.filter(channel="email", status=NotificationStatus.SENT).count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_repeated_task_while_the_first_is_sending_does_not_send_again(official, settings, monkeypatch):
    settings.EMAIL_BACKEND = "ocop.tests.test_notifications.SlowBackend"
    monkeypatch.setattr(notify, "enqueue", lambda ids: 0)  # the task is run below, three times at once
    send(official)
    pk = email_row(official).pk
    outcomes = []

    def run():
        try:
            outcomes.append(tasks.deliver_notification(pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["not-claimed", "not-claimed", "sent"]
    assert len(mail.outbox) == 1


def test_smtp_failures_are_retried_with_back_off_and_sent_once(official, settings):
    """SMTP down (nothing listens on the port): each failure waits longer; once SMTP is back, one email goes out."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with time_machine.travel(T0, tick=False):
        send(official)
        row = email_row(official)
        assert delivery.deliver(row.pk) == "retry"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.PENDING, 1)
    assert row.next_attempt_at == T0 + datetime.timedelta(minutes=1)
    assert "ConnectionRefusedError" in row.last_error

    with time_machine.travel(T0 + datetime.timedelta(seconds=50), tick=False):
        assert delivery.send_pending()["retry"] == 0  # not due yet: no attempt
    second = T0 + datetime.timedelta(minutes=1)
    with time_machine.travel(second, tick=False):
        assert delivery.send_pending()["retry"] == 1
    row.refresh_from_db()
    assert (row.attempts, row.next_attempt_at) == (2, second + datetime.timedelta(minutes=5))

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # SMTP is back
    with time_machine.travel(second + datetime.timedelta(minutes=5), tick=False):
        assert delivery.send_pending()["sent"] == 1
        assert delivery.send_pending()["sent"] == 0
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (NotificationStatus.SENT, 3, "")
    assert len(mail.outbox) == 1


class RefusingBackend(LocmemBackend):
    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused({"canbo@example.vn": (550, b"mailbox unavailable")})


def test_after_the_last_attempt_the_row_is_failed_and_stays_visible(official, settings):
    settings.EMAIL_BACKEND = "ocop.tests.test_notifications.RefusingBackend"
    moment = T0
    with time_machine.travel(moment, tick=False):
        send(official)
    outcomes = []
    for wait in (datetime.timedelta(0), *delivery.BACKOFF):
        moment += wait
        with time_machine.travel(moment, tick=False):
            outcomes.append(delivery.deliver(email_row(official).pk))
    assert outcomes == ["retry"] * 5 + ["failed"]
    row = email_row(official)
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, delivery.MAX_ATTEMPTS)
    assert "SMTPRecipientsRefused" in row.last_error
    with time_machine.travel(moment + datetime.timedelta(days=1), tick=False):
        assert delivery.send_pending()["sent"] == 0  # a failed row is not retried by itself


def test_the_district_office_can_send_a_failed_row_again(
    official, district_officer, django_capture_on_commit_callbacks
):
    send(official)
    row = email_row(official)
    Notification.objects.filter(pk=row.pk).update(status=NotificationStatus.FAILED, attempts=6, last_error="550")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.requeue(row, by=district_officer) is True
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 1)
    assert len(mail.outbox) == 1
    entry = AuditEntry.objects.get(action="notification.requeued")
    assert entry.changes == {"status": ["failed", "pending"], "attempts": [6, 0]}
    assert entry.note == "550"
    assert notify.requeue(row, by=district_officer) is False  # sent: nothing to retry


def test_requeue_refuses_an_address_less_row_and_other_roles(commune_official, district_officer, secretary):
    send(commune_official)
    row = email_row(commune_official)
    with pytest.raises(ValidationError):
        notify.requeue(row, by=district_officer)
    with pytest.raises(PermissionDenied):
        notify.requeue(row, by=secretary)
    commune_official.email = "moi@example.vn"
    commune_official.save(update_fields=["email"])
    assert notify.requeue(row, by=district_officer) is True
    row.refresh_from_db()
    assert (row.status, row.address) == (NotificationStatus.PENDING, "moi@example.vn")


def test_a_claim_abandoned_by_a_dead_worker_is_released_and_sent(official):
    with time_machine.travel(T0, tick=False):
        send(official)
    row = email_row(official)
    Notification.objects.filter(pk=row.pk).update(status=NotificationStatus.SENDING, claimed_at=T0, attempts=1)
    with time_machine.travel(T0 + datetime.timedelta(minutes=5), tick=False):
        assert delivery.send_pending()["released"] == 0  # may still be sending
    with time_machine.travel(T0 + datetime.timedelta(minutes=16), tick=False):
        counts = delivery.send_pending()
    assert (counts["released"], counts["sent"]) == (1, 1)
    assert len(mail.outbox) == 1


# ---------------------------------------------------------------------------------------------------- reading
def test_mark_read_is_for_the_recipient_only(official, commune_official):
    send(official)
    row = Notification.objects.get(channel=NotificationChannel.IN_APP)
    with pytest.raises(PermissionDenied):
        notify.mark_read(row, by=commune_official)
    assert notify.mark_read(row, by=official) is True
    assert notify.mark_read(row, by=official) is False
    row.refresh_from_db()
    assert row.read_at is not None


def test_mark_all_read(official):
    send(official, key="a")
    send(official, key="b")
    assert notify.mark_all_read(by=official) == 2
    assert Notification.objects.inbox_of(official).unread().count() == 0


# ---------------------------------------------------------------------------------------------------- rules
@pytest.mark.parametrize(
    ("persona", "outbox"),
    [
        ("district_officer", True),
        ("secretary", False),
        ("chair", False),
        ("council_member", False),
        ("commune_official", False),
        ("outsider_official", False),
        ("finance_officer", False),
        ("sysadmin", True),
    ],
    indirect=["persona"],
)
def test_outbox_rules_per_role(persona, outbox):
    assert rules.can(persona, "outbox.view") is outbox
    assert rules.can(persona, "outbox.retry") is outbox
    assert rules.can(persona, "notification.inbox") is True


def test_read_rule_is_the_recipient(official, commune_official, sysadmin):
    send(official)
    row = Notification.objects.get(channel=NotificationChannel.IN_APP)
    assert [rules.can(u, "notification.read", row) for u in (official, commune_official, sysadmin)] == [
        True,
        False,
        False,
    ]


# ------------------------------------------------------------------------------------------ tasks, commands, beat
def test_tasks_take_ids_and_call_the_outbox(official, open_round_with_drafts):
    send(official)
    assert tasks.deliver_notification.apply(kwargs={"notification_id": email_row(official).pk}).get() == "sent"
    assert tasks.send_pending_notifications.apply().get()["sent"] == 0
    moment = datetime.datetime.combine(
        open_round_with_drafts.commune_deadline - datetime.timedelta(days=1), datetime.time(9), tzinfo=VN
    )
    with time_machine.travel(moment, tick=False):
        # Both officials of the commune (commune_official and official), two channels each.
        assert tasks.scan_deadlines.apply().get()[NotificationKind.COMMUNE_DEADLINE] == 4


@pytest.fixture
def open_round_with_drafts(authority, commune, commune_official):
    from products.tests.factories import DossierFactory, ProducerFactory, RoundFactory

    round_ = RoundFactory(
        year__authority=authority,
        commune_deadline=datetime.date(2027, 6, 10),
        district_deadline=datetime.date(2027, 6, 15),
    )
    DossierFactory(product__producer=ProducerFactory(commune=commune), round=round_)
    return round_


def test_send_pending_notifications_command_sends_what_is_pending(official, capsys):
    send(official)
    call_command("send_pending_notifications")
    assert "sent 1, to retry 0, failed 0" in capsys.readouterr().out
    assert len(mail.outbox) == 1
    call_command("send_pending_notifications")
    assert len(mail.outbox) == 1


def test_scan_deadlines_command_scans_and_sends(open_round_with_drafts, commune_official, capsys):
    commune_official.email = "xa@example.vn"
    commune_official.save(update_fields=["email"])
    moment = datetime.datetime.combine(datetime.date(2027, 6, 7), datetime.time(9), tzinfo=VN)
    with time_machine.travel(moment, tick=False):
        call_command("scan_deadlines")
        call_command("scan_deadlines")
    out = capsys.readouterr().out
    assert "commune-deadline 2, scoring-deadline 0, certificate-expiry 0, ceremony 0" in out
    assert "commune-deadline 0," in out
    assert [m.to for m in mail.outbox] == [["xa@example.vn"]]


def test_scan_deadlines_command_can_leave_sending_to_the_workers(open_round_with_drafts, commune_official):
    commune_official.email = "xa@example.vn"
    commune_official.save(update_fields=["email"])
    moment = datetime.datetime.combine(datetime.date(2027, 6, 9), datetime.time(9), tzinfo=VN)
    with time_machine.travel(moment, tick=False):
        call_command("scan_deadlines", "--no-send")
    assert mail.outbox == []
    assert email_row(commune_official).status == NotificationStatus.PENDING


def test_beat_jobs_are_database_rows_the_admin_can_edit(db, settings):
    # The migration made these rows; a transactional test that ran earlier in this process flushed every table, so
    # run the migration's step again (it keeps existing rows, as the end of this test checks).
    migration = importlib.import_module("ocop.migrations.0004_notification")
    migration.create_periodic_tasks(django_apps, None)
    scan = PeriodicTask.objects.get(name="scan-deadlines")
    sweep = PeriodicTask.objects.get(name="send-pending-notifications")
    assert (scan.task, scan.enabled, scan.crontab.minute, scan.crontab.hour) == (
        "ocop.tasks.scan_deadlines",
        True,
        "5",
        "*",
    )
    assert (sweep.task, sweep.interval.every, sweep.interval.period) == (
        "ocop.tasks.send_pending_notifications",
        2,
        "minutes",
    )
    assert {scan.task, sweep.task} <= set(app.tasks)
    # Beat rewrites the CELERY_BEAT_SCHEDULE entries at every start; these are not there, so an edit stays.
    assert not {"scan-deadlines", "send-pending-notifications"} & set(settings.CELERY_BEAT_SCHEDULE)
    # Running the migration's step again keeps an administrator's change too.
    scan.crontab.minute = "30"
    scan.crontab.save()
    migration.create_periodic_tasks(django_apps, None)
    assert PeriodicTask.objects.get(name="scan-deadlines").crontab.minute == "30"
    assert PeriodicTask.objects.filter(name__in=["scan-deadlines", "send-pending-notifications"]).count() == 2
