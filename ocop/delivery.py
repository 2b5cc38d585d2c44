"""Sending the outbox (decisions.md 22): claim a row, send it, record the outcome; the sweep; the deadline scan.

``ocop.tasks`` runs these in the workers and the beat; ``ocop.notify`` writes the rows and queues the tasks. Neither
this module nor the tasks import ``ocop.notify``, so the two sides do not depend on each other in a circle.
"""

import datetime
import logging
import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from ocop.models import LEVEL_NOUNS, Notification, NotificationChannel, NotificationStatus

logger = logging.getLogger("ocop.notify")

# Errors the application itself records are stored in English (the catalogue's msgid) and shown translated;
# anything else is the mail server's own text and is shown as such.
NO_ADDRESS = gettext_noop("The recipient has no email address.")
WORKER_STOPPED = gettext_noop("The worker stopped while sending; sending again.")
KNOWN_ERRORS = (NO_ADDRESS, WORKER_STOPPED)


def error_text(error: str) -> str:
    """A stored last_error in the reader's language where it is one of ours."""
    return gettext(error) if error in KNOWN_ERRORS else error


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


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
