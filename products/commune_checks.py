"""The commune's 15 working days under Decision 26/2026, for many dossiers at once (lists, homes, the late list,
the reminders): one query for the office's calendar exceptions, none per dossier (decision 23)."""

import datetime

from django.utils import timezone

from programme.workdays import WorkingCalendar

# The 15 working days are at least three calendar weeks (15 calendar days even if the office made every weekend a
# working day): a dossier received more recently cannot be late, and the late list does not read it.
SHORTEST_CHECK = datetime.timedelta(days=15)


def calendar_for(today: datetime.date) -> WorkingCalendar:
    return WorkingCalendar(today.year - 1, today.year + 1)


def attach(dossiers, today=None, calendar=None):
    """Set ``dossier.check`` (a ``CommuneCheck`` or None) on each dossier; load ``regime`` with them."""
    today = today or timezone.localdate()
    for dossier in dossiers:
        dossier.check = None
        if dossier.commune_received_at is not None and dossier.commune_check_days():
            calendar = calendar or calendar_for(today)  # read only if a dossier has the clock
            dossier.check = dossier.commune_check(today=today, calendar=calendar)
    return dossiers


def with_clock(queryset):
    """Dossiers that have the commune's clock: received under a regime with a number of working days."""
    return queryset.filter(commune_received_at__isnull=False, regime__commune_check_working_days__isnull=False)


def late(queryset, today=None, commune_id=None) -> list[tuple[int, object]]:
    """(dossier id, check) of the dossiers whose commune check is late: past due and not yet proposed, or proposed
    after the due day; most working days late first. Two queries whatever the number of dossiers."""
    today = today or timezone.localdate()
    cutoff = datetime.datetime.combine(
        today - SHORTEST_CHECK, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    candidates = with_clock(queryset).filter(commune_received_at__lt=cutoff)
    if commune_id:
        candidates = candidates.filter(commune_id=commune_id)
    rows = candidates.only(
        "pk", "commune_received_at", "province_received_at", "submitted_at", "submission_count", "regime_id"
    ).select_related("regime")
    calendar = calendar_for(today)
    found = []
    for dossier in rows.order_by():
        check = dossier.commune_check(today=today, calendar=calendar)
        if check is not None and check.late > 0:
            found.append((dossier.pk, check))
    found.sort(key=lambda row: (-row[1].late, row[1].due, row[0]))
    return found


def late_count(queryset, today=None) -> int:
    return len(late(queryset, today))
