"""Background tasks of the shared core. Tasks take IDs or names, never objects."""

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from ocop import delivery
from ocop.models import Heartbeat


@shared_task(name="ocop.tasks.record_heartbeat")
def record_heartbeat(name: str = "worker") -> None:
    """Prove a worker is consuming the queue; /healthz reports the last time it did."""
    updated = Heartbeat.objects.filter(name=name).update(seen_at=timezone.now(), count=F("count") + 1)
    if not updated:
        Heartbeat.objects.get_or_create(name=name, defaults={"seen_at": timezone.now(), "count": 1})


# ---------------------------------------------------------------------------
# Notifications: ocop/delivery.py holds the sending and the sweep (ocop/notify.py, which queues these tasks, is not
# imported here); these are the thin Celery entry points.
# ---------------------------------------------------------------------------
@shared_task(name="ocop.tasks.deliver_notification")
def deliver_notification(notification_id: int) -> str:
    """Claim and send one outbox row. A failure is recorded on the row with its next attempt (back-off); the
    ``send_pending_notifications`` sweep makes that attempt, so nothing is retried blindly by Celery."""
    return delivery.deliver(notification_id)


@shared_task(name="ocop.tasks.send_pending_notifications")
def send_pending_notifications() -> dict:
    """Beat, every few minutes: send every due pending row (new ones Redis lost, and retries)."""
    return delivery.send_pending()


@shared_task(name="ocop.tasks.scan_deadlines")
def scan_deadlines() -> dict:
    """Beat, hourly: create the reminders due now (the rows queue their own delivery once committed)."""
    return delivery.scan_deadlines()
