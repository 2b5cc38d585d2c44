"""Who is reminded of what, and when (decisions.md 21-22). The hourly scan.

A reminder for an offset (e.g. "3 days before") is due from the start of that day until the next, smaller offset
takes over, so a scan that did not run on the day itself still sends it the next hour it runs, and a deadline
already closer than an offset does not get that offset's (stale) reminder. Every reminder has a de-duplication key
naming the event, the deadline, the offset and the person::

    commune-deadline:{round}:{commune}:{deadline}:{days}:{user}
    scoring-deadline:{round}:{deadline}:{days}:{user}
    certificate-expiry:{certificate}:{days}:{user}
    ceremony:{programme year}:{ceremony date}:{days}:{user}
    dossier-returned:{dossier}:{submission number}:{user}   (products.notifications)

so scanning the same hour twice, or two scans at once, create nothing new; a moved deadline is a new event.
Deadlines are dates in Asia/Ho_Chi_Minh meaning "until 23:59 of that day": on the day itself the last offset
still applies. Reminders found at night are due at 07:00 (``SEND_FROM``), when people read them.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from evaluations.enums import SheetStatus
from evaluations.models import ScoreSheet
from ocop.enums import Role
from ocop.models import NotificationKind
from ocop.notify import notify
from ocop.recipients import active_users, commune_officials
from programme.enums import RoundStage
from programme.models import ProgrammeYear

# Days before the deadline at which each reminder is sent (decision 22).
OFFSETS = {
    NotificationKind.COMMUNE_DEADLINE: (7, 3, 1),
    NotificationKind.SCORING_DEADLINE: (3, 1),
    NotificationKind.CERTIFICATE_EXPIRY: (120, 60, 30),
    NotificationKind.CEREMONY: (14,),
}
SEND_FROM = datetime.time(7, 0)  # local time; reminders found earlier in the day wait until then


def offset_for(days_left: int, offsets) -> int | None:
    """The reminder that applies with ``days_left`` days to go: the smallest offset not yet passed, or None.

    >>> [offset_for(d, (7, 3, 1)) for d in (8, 7, 4, 3, 2, 1, 0, -1)]
    [None, 7, 7, 3, 3, 1, 1, None]
    """
    if days_left < 0:
        return None
    reached = [offset for offset in offsets if days_left <= offset]
    return min(reached) if reached else None


def _due(now: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(now)
    morning = datetime.datetime.combine(local.date(), SEND_FROM, tzinfo=local.tzinfo)
    return max(now, morning)


# ---------------------------------------------------------------------------------------------------- recipients
def _with_roles(*roles):
    return list(active_users(groups__name__in=[role.value for role in roles]))


# ---------------------------------------------------------------------------------------------------- the scan
def scan(now=None) -> dict[str, int]:
    """Create every reminder due at ``now``; returns the number of new rows per kind. Safe to run again and again."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due_at = _due(now)
    with transaction.atomic():
        return {
            NotificationKind.COMMUNE_DEADLINE.value: _commune_deadlines(today, now, due_at),
            NotificationKind.SCORING_DEADLINE.value: _scoring_deadlines(today, now, due_at),
            NotificationKind.CERTIFICATE_EXPIRY.value: _certificate_expiry(today, now, due_at),
            NotificationKind.CEREMONY.value: _ceremony(today, now, due_at),
        }


def _commune_deadlines(today, now, due_at) -> int:
    """Officials of communes that still have a dossier to submit in an open round (7, 3 and 1 days before).

    A dossier with an extension counts against its own deadline."""
    from products.enums import EDITABLE_STATES
    from products.models import Dossier

    kind = NotificationKind.COMMUNE_DEADLINE
    horizon = today + datetime.timedelta(days=max(OFFSETS[kind]))
    dossiers = (
        Dossier.objects.filter(round__stage=RoundStage.OPEN, status__in=EDITABLE_STATES)
        .annotate(deadline=Coalesce("extension_until", "round__commune_deadline"))
        .filter(deadline__gte=today, deadline__lte=horizon)
        .select_related("round__year", "commune", "product")
        .order_by("round_id", "commune_id", "product__name")
    )
    groups = defaultdict(list)
    for dossier in dossiers:
        groups[(dossier.round, dossier.commune, dossier.deadline)].append(dossier)
    officials = commune_officials(commune.pk for _round, commune, _deadline in groups)
    created = 0
    for (round_, commune, deadline), items in groups.items():
        days = offset_for((deadline - today).days, OFFSETS[kind])
        if days is None:
            continue
        context = {
            "round_number": round_.number,
            "year": round_.year.year,
            "commune": commune.name,
            "deadline": deadline,
            "days": days,
            "days_left": (deadline - today).days,
            "count": len(items),
            "products": [d.product.name for d in items[:10]],
            "url": reverse("products:dossier_list") + f"?round={round_.pk}",
        }
        for user in officials.get(commune.pk, []):
            key = f"{kind}:{round_.pk}:{commune.pk}:{deadline.isoformat()}:{days}:{user.pk}"
            created += len(notify(user, kind, round_, key, due_at=due_at, context=context, now=now))
    return created


def _scoring_deadlines(today, now, due_at) -> int:
    """Council members with unsubmitted sheets in a round being scored (3 and 1 days before)."""
    kind = NotificationKind.SCORING_DEADLINE
    horizon = today + datetime.timedelta(days=max(OFFSETS[kind]))
    rows = (
        ScoreSheet.objects.filter(
            status=SheetStatus.DRAFT,
            dossier__round__stage=RoundStage.SCORING,
            dossier__round__district_deadline__gte=today,
            dossier__round__district_deadline__lte=horizon,
            member__user__is_active=True,
        )
        .values("dossier__round_id", "member__user_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {(row["dossier__round_id"], row["member__user_id"]): row["n"] for row in rows}
    if not counts:
        return 0
    from programme.models import Round

    rounds = Round.objects.select_related("year").in_bulk({round_id for round_id, _user in counts})
    users = active_users(pk__in={user_id for _round, user_id in counts}).in_bulk()
    created = 0
    for (round_id, user_id), count in sorted(counts.items()):
        round_ = rounds[round_id]
        deadline = round_.district_deadline
        days = offset_for((deadline - today).days, OFFSETS[kind])
        if days is None or user_id not in users:
            continue
        context = {
            "round_number": round_.number,
            "year": round_.year.year,
            "deadline": deadline,
            "days": days,
            "days_left": (deadline - today).days,
            "count": count,
            "url": reverse("evaluations:my_sheets"),
        }
        key = f"{kind}:{round_.pk}:{deadline.isoformat()}:{days}:{user_id}"
        created += len(notify(users[user_id], kind, round_, key, due_at=due_at, context=context, now=now))
    return created


def _certificate_expiry(today, now, due_at) -> int:
    """The district office and the producer's commune officials (120, 60 and 30 days before expiry).

    Only live certificates (neither revoked nor superseded by a newer version) are reminded of."""
    from evaluations.models import Certificate

    kind = NotificationKind.CERTIFICATE_EXPIRY
    horizon = today + datetime.timedelta(days=max(OFFSETS[kind]))
    certificates = list(
        Certificate.objects.live()
        .filter(valid_until__gte=today, valid_until__lte=horizon)
        .select_related("product")
        .order_by("valid_until", "pk")
    )
    if not certificates:
        return 0
    district = _with_roles(Role.DISTRICT_OFFICE)
    officials = commune_officials(c.product.commune_id for c in certificates)
    created = 0
    for certificate in certificates:
        days = offset_for((certificate.valid_until - today).days, OFFSETS[kind])
        if days is None:
            continue
        context = {
            "number": certificate.number,
            "product": certificate.product_name,
            "producer": certificate.producer_name,
            "star": certificate.star,
            "valid_until": certificate.valid_until,
            "days": days,
            "days_left": (certificate.valid_until - today).days,
            "url": reverse("products:product_detail", args=[certificate.product_id]),
        }
        recipients = {user.pk: user for user in district + officials.get(certificate.product.commune_id, [])}
        for user in recipients.values():
            key = f"{kind}:{certificate.pk}:{days}:{user.pk}"
            created += len(notify(user, kind, certificate, key, due_at=due_at, context=context, now=now))
    return created


def _ceremony(today, now, due_at) -> int:
    """The district office and the council secretariat, 14 days before the year's ceremony."""
    kind = NotificationKind.CEREMONY
    horizon = today + datetime.timedelta(days=max(OFFSETS[kind]))
    years = list(ProgrammeYear.objects.filter(ceremony_by__gte=today, ceremony_by__lte=horizon).order_by("pk"))
    if not years:
        return 0
    recipients = _with_roles(Role.DISTRICT_OFFICE, Role.SECRETARIAT)
    created = 0
    for year in years:
        days = offset_for((year.ceremony_by - today).days, OFFSETS[kind])
        if days is None:
            continue
        context = {
            "year": year.year,
            "ceremony_by": year.ceremony_by,
            "days": days,
            "days_left": (year.ceremony_by - today).days,
            "url": reverse("evaluations:round_list"),
        }
        for user in recipients:
            key = f"{kind}:{year.pk}:{year.ceremony_by.isoformat()}:{days}:{user.pk}"
            created += len(notify(user, kind, year, key, due_at=due_at, context=context, now=now))
    return created


# ---------------------------------------------------------------------------------------------------- events
# ---------------------------------------------------------------------------------------------------- demo
def seed_notifications(now=None) -> dict:
    """For the demo (call from ``ocop.demo.seed_all`` after the scoring data): the scan as of now, then the sending
    of whatever is due (in-process when no broker is configured). Idempotent like the scan."""
    from ocop.delivery import send_pending

    created = scan(now)
    return {"created": created, "sent": send_pending(now=now)}
