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
import re
import time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

from ocop import (
    audit,
    notifications_rules,  # noqa: F401 - registers the notification.* and outbox.* rules
    rules,
)
from ocop.models import LEVEL_NOUNS, Authority, Notification, NotificationChannel, NotificationKind, NotificationStatus

# Errors the application itself records are stored in English (the catalogue's msgid) and shown translated;
# anything else is the mail server's own text and is shown as such.
NO_ADDRESS = gettext_noop("The recipient has no email address.")
WORKER_STOPPED = gettext_noop("The worker stopped while sending; sending again.")
KNOWN_ERRORS = (NO_ADDRESS, WORKER_STOPPED)


def error_text(error: str) -> str:
    """A stored last_error in the reader's language where it is one of ours."""
    return gettext(error) if error in KNOWN_ERRORS else error


logger = logging.getLogger(__name__)

audit.register_actions({"notification.requeued": gettext_lazy("Queued a notification to be sent again")})

# Attempt n (1-based) that fails waits BACKOFF[n - 1] before the next; after MAX_ATTEMPTS the row is failed.
BACKOFF = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=15),
    datetime.timedelta(hours=1),
    datetime.timedelta(hours=4),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A row claimed longer ago than this belonged to a worker that died mid-send; the sweep puts it back in the queue.
STALE_CLAIM = datetime.timedelta(minutes=15)
SWEEP_BATCH = 200
# After failing to reach the broker, a process stops trying for this long (seconds); the sweep sends meanwhile.
BROKER_PAUSE = 30
_broker_failed_at: float | None = None

# Dotted paths of functions ``scan(now=None) -> {kind: new rows}`` that create the reminders due now. Apps register
# theirs in ``AppConfig.ready`` (evaluations: commune and scoring deadlines, certificate expiry, ceremony), so the
# core's beat task and command run them without importing any app.
_deadline_scanners: list[str] = []


def register_deadline_scanner(path: str) -> None:
    if path not in _deadline_scanners:
        _deadline_scanners.append(path)


def scan_deadlines(now=None) -> dict[str, int]:
    """Run every registered scanner; returns the number of new rows per kind, added up over the scanners."""
    from django.utils.module_loading import import_string

    created: dict[str, int] = {}
    for path in _deadline_scanners:
        for kind, count in import_string(path)(now).items():
            created[kind] = created.get(kind, 0) + count
    return created


DEFAULT_CHANNELS = (NotificationChannel.IN_APP, NotificationChannel.EMAIL)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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


# --------------------------------------------------------------------------------------------- sending
def deliver(notification_id: int, *, now=None, connection=None) -> str:
    """Claim one row and send it. Returns what happened: sent, retry, failed, or not-claimed.

    The claim is a conditional UPDATE (pending and due → sending); only the caller whose UPDATE changed the row
    sends, so a repeated task, a second worker or the sweep running beside a worker cannot send it twice.
    """
    now = now or timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=NotificationStatus.PENDING, next_attempt_at__lte=now
    ).update(status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "not-claimed"
    row = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        if row.channel == NotificationChannel.EMAIL:
            _send_email(row, connection=connection)
    except Exception as exc:
        return _record_failure(row, exc, now)
    Notification.objects.filter(pk=row.pk, status=NotificationStatus.SENDING).update(
        status=NotificationStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _record_failure(row, exc, now) -> str:
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        Notification.objects.filter(pk=row.pk, status=NotificationStatus.SENDING).update(
            status=NotificationStatus.FAILED, last_error=error
        )
        logger.error("Notification %s failed for good after %s attempts: %s", row.pk, row.attempts, error)
        return "failed"
    wait = BACKOFF[row.attempts - 1]
    Notification.objects.filter(pk=row.pk, status=NotificationStatus.SENDING).update(
        status=NotificationStatus.PENDING, last_error=error, next_attempt_at=now + wait
    )
    logger.warning("Notification %s attempt %s failed (%s); next try in %s.", row.pk, row.attempts, error, wait)
    return "retry"


def send_pending(*, now=None, limit=SWEEP_BATCH) -> dict:
    """The sweep: release stale claims, then deliver every pending row that is due. Returns counts by outcome."""
    now = now or timezone.now()
    released = Notification.objects.filter(status=NotificationStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=NotificationStatus.PENDING, last_error=WORKER_STOPPED
    )
    counts = {"released": released, "sent": 0, "retry": 0, "failed": 0, "not-claimed": 0}
    due = Notification.objects.ready_to_send(now).order_by("next_attempt_at", "id").values_list("pk", flat=True)
    for pk in list(due[:limit]):
        counts[deliver(pk, now=now)] += 1
    return counts


def render_message(row: Notification, language: str | None = None, *, email_to: str = "") -> tuple[str, str]:
    """(subject, body) of a row, rendered from templates/emails/<kind>-subject.txt and -body.txt.

    ``email_to`` (the recipient's name) adds the greeting, the link and the footer of an email; the notification
    centre shows the text alone, with a button for the link.
    """
    context = _template_context(row, email_to)
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{row.kind}-subject.txt", context)
        body = render_to_string(f"emails/{row.kind}-body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def render_subject(row: Notification, language: str | None = None) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return " ".join(render_to_string(f"emails/{row.kind}-subject.txt", _template_context(row, "")).split())


def _template_context(row: Notification, email_to: str) -> dict:
    context = {key: _revive(value) for key, value in row.context.items()}
    context.update(site_url=site_url(), kind=row.kind, email=bool(email_to), recipient_name=email_to)
    # The regime's word for the authority ("huyện" / "tỉnh"), lazy so that it is rendered in the message's language.
    context["level"] = LEVEL_NOUNS.get(row.context.get("level"), LEVEL_NOUNS["district"])
    return context


def _revive(value):
    if isinstance(value, str) and _ISO_DATE.match(value):
        return datetime.date.fromisoformat(value)
    return value


def site_url() -> str:
    """Where the application is reached, for links in emails (the same address the certificates' QR codes use)."""
    return settings.PUBLIC_BASE_URL.rstrip("/")


def _send_email(row: Notification, *, connection=None) -> None:
    if not row.address:
        raise ValueError("No email address.")
    # Emails go out in the district's language (Vietnamese); users have no language preference stored.
    profile = getattr(row.recipient, "profile", None)
    name = (profile.full_name if profile else "") or row.recipient.get_username()
    subject, body = render_message(row, settings.LANGUAGE_CODE, email_to=name)
    EmailMessage(subject=subject, body=body, to=[row.address], connection=connection).send()


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
