"""Reminders of the commune's 15 working days (Decision 26/2026): at 5, 2, 1 working days before and on the day,
each once, to the officials of the commune that received the dossier. The clock is passed in: no test depends on
the hour it runs."""

import datetime

import pytest
from django.core import mail

from ocop import delivery
from ocop.models import Notification, NotificationChannel, NotificationKind, NotificationStatus
from ocop.tests.test_notifications_worker import email_dir, redis_server, worker  # noqa: F401  (fixtures)
from products import domain, reminders
from products.tests.conftest import _complete
from products.tests.factories import DossierFactory, ProducerFactory, known_regime
from products.tests.test_receipts import at

KIND = NotificationKind.COMMUNE_CHECK
RECEIVED = datetime.date(2026, 4, 24)  # Friday; due Wednesday 20/05/2026 (30/04 and 01/05 off)


@pytest.fixture
def received(authority, commune, round_open, commune_official):
    regime = known_regime("qd26-2026")
    dossier = DossierFactory(product__producer=ProducerFactory(commune=commune), round=round_open, regime=regime)
    dossier.product.name = "Bánh mật Thanh Lâm"
    dossier.product.save()
    commune_official.email = "xa@example.vn"
    commune_official.save()
    domain.receive_dossier(dossier, by=commune_official, now=at(RECEIVED))
    dossier.refresh_from_db()
    return dossier


def sent_offsets(channel=NotificationChannel.IN_APP):
    keys = Notification.objects.filter(kind=KIND, channel=channel).values_list("dedup_key", flat=True)
    return sorted(int(key.split(":")[3]) for key in keys)


@pytest.mark.parametrize(("left", "offset"), [(6, None), (5, 5), (3, 5), (2, 2), (1, 1), (0, 0), (-1, None)])
def test_offset_for(left, offset):
    assert reminders.offset_for(left) == offset


def test_reminders_at_5_2_1_working_days_and_on_the_day_each_once(received, commune_official, outsider_official):
    calendar = [
        (datetime.date(2026, 5, 12), []),  # 6 working days left
        (datetime.date(2026, 5, 13), [5]),  # 13/05: 14, 15, 18, 19, 20 left
        (datetime.date(2026, 5, 13), [5]),  # the same day again: nothing new
        (datetime.date(2026, 5, 14), [5]),
        (datetime.date(2026, 5, 16), [5]),  # Saturday: still 3 left
        (datetime.date(2026, 5, 18), [2, 5]),
        (datetime.date(2026, 5, 19), [1, 2, 5]),
        (datetime.date(2026, 5, 20), [0, 1, 2, 5]),
        (datetime.date(2026, 5, 21), [0, 1, 2, 5]),  # past: the late list takes over, no more reminders
    ]
    for day, expected in calendar:
        reminders.scan(now=at(day))
        assert sent_offsets() == expected, day
    assert sent_offsets(NotificationChannel.EMAIL) == [0, 1, 2, 5]
    assert set(Notification.objects.filter(kind=KIND).values_list("recipient", flat=True)) == {commune_official.pk}


def test_the_reminder_says_the_due_day_and_waits_for_the_morning(received, commune_official):
    assert reminders.scan(now=at(datetime.date(2026, 5, 20), hour=5)) == {KIND.value: 2}
    row = Notification.objects.get(kind=KIND, channel=NotificationChannel.EMAIL)
    assert row.due_at == at(datetime.date(2026, 5, 20), hour=7)
    subject, body = delivery.render_message(row, email_to="Nguyễn Văn An")
    assert subject == "Hôm nay là ngày cuối xã đánh giá hồ sơ: Bánh mật Thanh Lâm"
    assert "20/05/2026" in body and received.commune_receipt_number in body
    assert f"/ho-so/{received.pk}/" in body
    delivery.send_pending(now=at(datetime.date(2026, 5, 20), hour=8))
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert [m.to for m in mail.outbox] == [["xa@example.vn"]]


def test_the_registered_scan_runs_it(received):
    created = delivery.scan_deadlines(now=at(datetime.date(2026, 5, 18)))
    assert created[KIND.value] == 2  # in-app and email


def test_no_reminder_once_proposed_or_under_the_old_rules(received, dossier, commune_official):
    _complete(received)
    domain.submit_dossier(received, by=commune_official, now=at(datetime.date(2026, 5, 15)))
    dossier.regime = known_regime("qd1489-2025")
    dossier.commune_received_at = at(RECEIVED)  # even with a receipt time, the old rules have no such clock
    dossier.save()
    reminders.scan(now=at(datetime.date(2026, 5, 19)))
    assert not Notification.objects.filter(kind=KIND).exists()


# ---------------------------------------------------------------------------------------------------- real worker
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_reminder_reaches_the_communes_mailbox_through_the_worker(request, commune, make_user):
    """The scan of yesterday noon (already due whatever the hour now) finds a dossier with 1 working day left; the
    real worker sends its email once, and a second scan and sweep add nothing."""
    from django.utils import timezone

    from ocop.tasks import send_pending_notifications
    from ocop.tests.test_notifications_worker import read_emails, wait_for, wait_until_consuming
    from products.tests.factories import RoundFactory
    from programme.regimes import ensure_regimes
    from programme.workdays import WorkingCalendar

    proc, mailbox = request.getfixturevalue("worker"), request.getfixturevalue("email_dir")
    ensure_regimes()
    official = make_user("commune_official", commune=commune, username="xa-thanh-lam", email="xa@example.vn")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    calendar = WorkingCalendar(yesterday.year - 1, yesterday.year + 1)
    received = yesterday
    while calendar.between(yesterday, calendar.add(received, 15)) != 1:
        received -= datetime.timedelta(days=1)
    dossier = DossierFactory(
        product__producer=ProducerFactory(commune=commune),
        product__name="Bánh mật Thanh Lâm",
        round=RoundFactory(year__authority=commune.authority),
        regime=known_regime("qd26-2026"),
    )
    domain.receive_dossier(dossier, by=official, now=at(received))
    wait_until_consuming(proc)

    assert reminders.scan(now=at(yesterday, hour=12)) == {KIND.value: 2}
    wait_for(lambda: len(read_emails(mailbox)) >= 1, proc, what="the email file")
    row = Notification.objects.get(kind=KIND, channel=NotificationChannel.EMAIL)
    wait_for(lambda: Notification.objects.get(pk=row.pk).status == NotificationStatus.SENT, proc, what="sent")
    assert reminders.scan(now=at(yesterday, hour=13)) == {KIND.value: 0}
    send_pending_notifications.apply_async()
    wait_until_consuming(proc)
    messages = read_emails(mailbox)
    assert len(messages) == 1
    assert messages[0]["to"] == "xa@example.vn"
    assert messages[0]["subject"] == "Còn 1 ngày làm việc để xã đánh giá hồ sơ: Bánh mật Thanh Lâm"
    assert f"/ho-so/{dossier.pk}/" in messages[0]["body"]
