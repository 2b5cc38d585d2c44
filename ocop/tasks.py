"""Background tasks of the shared core. Tasks take IDs or names, never objects."""

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from ocop.models import Heartbeat


@shared_task(name="ocop.tasks.record_heartbeat")
def record_heartbeat(name: str = "worker") -> None:
    """Prove a worker is consuming the queue; /healthz reports the last time it did."""
    updated = Heartbeat.objects.filter(name=name).update(seen_at=timezone.now(), count=F("count") + 1)
    if not updated:
        Heartbeat.objects.get_or_create(name=name, defaults={"seen_at": timezone.now(), "count": 1})
