"""Reminders of the commune's 15 working days under Decision 26/2026 (decisions.md 22-23), beside the round's
commune deadline that ``evaluations.reminders`` keeps sending.

The officials of the commune that received a dossier and has not proposed it yet are reminded at 5, 2 and 1
working days before its last day and on the day itself (``OFFSETS``, counted in working days: "2" is the second
working day before it). Each reminder is due from the start of its day until the next, smaller offset takes over,
so a scan that did not run that day still sends it the next time, and a dossier received late does not get an
offset already passed; nothing is sent once the day has passed (the late list takes over). The de-duplication key
names the dossier, the last day, the offset and the person::

    commune-check:{dossier}:{due}:{offset}:{user}

so scanning twice creates nothing new, and a moved last day (the office changed the calendar) is a new event.
Reminders found before 07:00 are due at 07:00, like the others.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ocop.models import NotificationKind
from ocop.notify import notify
from ocop.recipients import commune_officials
from products import commune_checks
from products.enums import DossierStatus
from products.models import Dossier

OFFSETS = (5, 2, 1, 0)  # working days before the last day of the commune's check
SEND_FROM = datetime.time(7, 0)
# The longest a commune check runs in calendar days (15 working days across Tết and weekends), to bound the scan.
LONGEST_CHECK = datetime.timedelta(days=60)


def offset_for(left: int) -> int | None:
    """The reminder that applies with ``left`` working days to go: the smallest offset not yet passed, or None.

    >>> [offset_for(n) for n in (6, 5, 3, 2, 1, 0, -1)]
    [None, 5, 5, 2, 1, 0, None]
    """
    if left < 0:
        return None
    reached = [offset for offset in OFFSETS if left <= offset]
    return min(reached) if reached else None


def _due_at(now):
    local = timezone.localtime(now)
    return max(now, datetime.datetime.combine(local.date(), SEND_FROM, tzinfo=local.tzinfo))


def scan(now=None) -> dict[str, int]:
    """Create the commune-check reminders due at ``now``; returns the number of new rows. Safe to run again."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    kind = NotificationKind.COMMUNE_CHECK
    dossiers = list(
        commune_checks.with_clock(Dossier.objects.filter(status=DossierStatus.DRAFT))
        .filter(commune_received_at__gte=now - LONGEST_CHECK)
        .select_related("regime", "commune", "product", "round__year")
        .order_by("commune_id", "pk")
    )
    commune_checks.attach(dossiers, today)
    officials = commune_officials({d.commune_id for d in dossiers}) if dossiers else {}
    created = 0
    with transaction.atomic():
        for dossier in dossiers:
            check = dossier.check
            if check is None or not check.pending or check.late:
                continue
            offset = offset_for(check.left)
            if offset is None:
                continue
            context = {
                "product": dossier.product.name,
                "commune": str(dossier.commune),
                "receipt_number": dossier.commune_receipt_number,
                "received": timezone.localdate(dossier.commune_received_at),
                "due": check.due,
                "days": offset,
                "days_left": check.left,
                "url": reverse("products:dossier_detail", args=[dossier.pk]),
            }
            for user in officials.get(dossier.commune_id, []):
                key = f"{kind}:{dossier.pk}:{check.due.isoformat()}:{offset}:{user.pk}"
                created += len(notify(user, kind, dossier, key, due_at=_due_at(now), context=context, now=now))
    return {kind.value: created}
