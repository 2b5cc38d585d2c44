"""The outbox API: every notification is first a database row (decisions.md 22).

``notify`` writes one row per channel inside the caller's transaction and, once that transaction commits, asks
Celery to deliver the new rows. Publishing never fails the caller: when Redis is down the rows simply stay
pending, and the ``send-pending-notifications`` beat job (or ``manage.py send_pending_notifications``) sends
them later. Sending claims a row with a conditional UPDATE first, so two workers, a repeated task or a repeated
beat never send the same row twice.

Delivery states::

    pending ──claim──▶ sending ──▶ sent
       ▲                  │
       └── back-off ◀─────┤ (SMTP error, attempts < MAX_ATTEMPTS)
                          └──▶ failed (after MAX_ATTEMPTS; the district office may retry it by hand)

Nothing here takes a request; views pass ``by=request.user``.
"""

import datetime
import logging
import time

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop import (
    audit,
    notifications_rules,  # noqa: F401 - registers the notification.* and outbox.* rules
    rules,
)
from ocop.delivery import NO_ADDRESS, error_text
from ocop.models import Authority, Notification, NotificationChannel, NotificationKind, NotificationStatus

logger = logging.getLogger(__name__)

audit.register_actions({"notification.requeued": gettext_lazy("Queued a notification to be sent again")})

# After failing to reach the broker, a process stops trying for this long (seconds); the sweep sends meanwhile.
BROKER_PAUSE = 30
_broker_failed_at: float | None = None

DEFAULT_CHANNELS = (NotificationChannel.IN_APP, NotificationChannel.EMAIL)


# --------------------------------------------------------------------------------------------- writing rows
def notify(
    recipient,
    kind: str,
    subject_obj,
    dedup_key: str,
    *,
    due_at=None,
    context: dict | None = None,
    channels=DEFAULT_CHANNELS,
    now=None,
) -> list[Notification]:
    """Write the rows of one message to one person, once per ``dedup_key``; returns the rows created now.

    Call it inside the transaction of the event that causes the message: the rows commit or roll back with it.
    ``context`` must be JSON-safe (dates become ISO strings and come back as dates in the templates); put the
    path of the page the message is about under ``"url"``.
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    if recipient is None or not recipient.is_active:
        return []
    now = now or timezone.now()
    due_at = due_at or now
    context = _plain(context or {})
    if "level" not in context:  # the regime's tier ("district"/"province"), worded when the message is rendered
        authority = Authority.objects.current()
        context["level"] = authority.level if authority else "district"
    subject_type = ContentType.objects.get_for_model(subject_obj) if subject_obj is not None else None
    created = []
    with transaction.atomic():
        for channel in channels:
            defaults = {
                "recipient": recipient,
                "kind": kind,
                "subject_type": subject_type,
                "subject_id": getattr(subject_obj, "pk", None),
                "context": context,
                "created_at": now,
                "due_at": due_at,
                "next_attempt_at": due_at,
            }
            if channel == NotificationChannel.IN_APP and due_at <= now:
                # Stored is delivered: the notification centre shows it from now on.
                defaults.update(status=NotificationStatus.SENT, sent_at=now)
            if channel == NotificationChannel.EMAIL:
                defaults["address"] = recipient.email or ""
                if not recipient.email:
                    defaults.update(status=NotificationStatus.SKIPPED, last_error=NO_ADDRESS)
            row, is_new = Notification.objects.get_or_create(dedup_key=dedup_key, channel=channel, defaults=defaults)
            if is_new:
                created.append(row)
    to_send = [row.pk for row in created if row.status == NotificationStatus.PENDING and row.due_at <= now]
    if to_send:
        transaction.on_commit(lambda: enqueue(to_send), robust=True)
    return created


def enqueue(notification_ids) -> int:
    """Ask a worker to deliver these rows now; returns how many were queued. Never raises.

    With Redis down the publish fails fast (see CELERY_BROKER_TRANSPORT_OPTIONS) and the rows wait for the
    sweep; after a failure this process does not try again for ``BROKER_PAUSE``, so a burst of events during an
    outage costs one failed attempt, not one per row. In eager mode (no broker configured) this sends in-process.
    """
    global _broker_failed_at
    from ocop.tasks import deliver_notification

    eager = deliver_notification.app.conf.task_always_eager
    if not eager and _broker_failed_at is not None and time.monotonic() - _broker_failed_at < BROKER_PAUSE:
        logger.info("Broker failed recently; %s notification(s) wait for the sweep.", len(notification_ids))
        return 0
    queued = 0
    for pk in notification_ids:
        try:
            deliver_notification.apply_async(kwargs={"notification_id": pk})
        except Exception as exc:  # the broker is down or slow: the row stays pending for the sweep
            logger.warning("Could not queue notification %s (%s); it stays pending.", pk, exc.__class__.__name__)
            if not eager:
                _broker_failed_at = time.monotonic()
            break
        queued += 1
    else:
        _broker_failed_at = None
    return queued


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# --------------------------------------------------------------------------------------------- reading
def mark_read(notification: Notification, *, by, now=None) -> bool:
    """The recipient marks one of their notifications read. False if it already was (idempotent).

    Reading is the user's own bookkeeping, not a change to the programme, so it is not audited.
    """
    if not rules.can(by, "notification.read", notification):
        raise PermissionDenied
    return bool(
        Notification.objects.filter(pk=notification.pk, recipient=by, read_at__isnull=True).update(
            read_at=now or timezone.now()
        )
    )


def mark_all_read(*, by, now=None) -> int:
    if not rules.can(by, "notification.inbox"):
        raise PermissionDenied
    now = now or timezone.now()
    return Notification.objects.inbox_of(by, now).unread().update(read_at=now)


@transaction.atomic
def requeue(notification: Notification, *, by, now=None) -> bool:
    """The district office sends a failed row again (or an address-less one once the user has an address). Audited."""
    if not rules.can(by, "outbox.retry", notification):
        raise PermissionDenied
    now = now or timezone.now()
    row = Notification.objects.select_for_update().select_related("recipient").get(pk=notification.pk)
    if row.status not in (NotificationStatus.FAILED, NotificationStatus.SKIPPED):
        return False
    if row.channel == NotificationChannel.EMAIL:
        if not row.recipient.email:
            raise ValidationError(_("The recipient still has no email address; add one to their account first."))
        row.address = row.recipient.email
    before = {"status": row.status, "attempts": row.attempts}
    row.status = NotificationStatus.PENDING
    row.attempts = 0
    row.next_attempt_at = now
    row.save(update_fields=["status", "attempts", "next_attempt_at", "address"])
    audit.record(
        row,
        "notification.requeued",
        by=by,
        changes={"status": [before["status"], row.status], "attempts": [before["attempts"], 0]},
        note=error_text(row.last_error),
        at=now,
    )
    transaction.on_commit(lambda: enqueue([row.pk]), robust=True)
    return True


def sent_copies(notification: Notification):
    """The other channels' rows of the same message (e.g. the email of an in-app notification)."""
    same = Notification.objects.filter(dedup_key=notification.dedup_key, recipient_id=notification.recipient_id)
    return same.exclude(pk=notification.pk)
