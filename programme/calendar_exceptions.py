"""The office's changes to the working-day calendar (decision 23): adding and removing a ``CalendarException``.

Each function checks the right (``calendar.manage``) and the date, saves and audits in one transaction. An extra
day off only on a day that works by the holiday package; a working day only on a Saturday, a Sunday or a holiday.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop import audit, rules
from programme import workdays
from programme.enums import CalendarExceptionKind
from programme.models import CalendarException

audit.register_actions(
    {
        "calendar.exception_added": gettext_lazy("Changed the working-day calendar"),
        "calendar.exception_removed": gettext_lazy("Removed a change to the working-day calendar"),
    }
)


def _require(user):
    if not rules.can(user, "calendar.manage"):
        raise PermissionDenied


def _on(day: datetime.date) -> dict:
    return {"date": f"{day:%d/%m/%Y}"}


def _check(day: datetime.date, kind: str) -> None:
    official = workdays.official_working_day(day)
    if kind == CalendarExceptionKind.DAY_OFF and not official:
        raise ValidationError(
            {"date": _("%(date)s is already a day off; an extra day off can only be set on a working day.") % _on(day)},
            code="not_working",
        )
    if kind == CalendarExceptionKind.WORKING_DAY and official:
        raise ValidationError(
            {
                "date": _(
                    "%(date)s is already a working day; only a Saturday, Sunday or holiday can be made a working day."
                )
                % _on(day)
            },
            code="already_working",
        )


def add_calendar_exception(*, day: datetime.date, kind: str, reason: str, by) -> CalendarException:
    """Record the office's exception for ``day``. Sending the same date and kind again changes nothing."""
    _require(by)
    if kind not in CalendarExceptionKind.values:
        raise ValidationError({"kind": _("Choose a day off or a working day.")}, code="kind")
    reason = (reason or "").strip()
    existing = CalendarException.objects.filter(date=day).first()
    if existing is not None:
        if existing.kind == kind:
            return existing
        raise ValidationError(
            {"date": _("%(date)s already has a change to the calendar; remove it first.") % _on(day)},
            code="duplicate",
        )
    _check(day, kind)
    exception = CalendarException(date=day, kind=kind, reason=reason, created_by=by)
    exception.full_clean()
    try:
        with transaction.atomic():
            exception.save()
            audit.record(
                exception,
                "calendar.exception_added",
                by=by,
                changes={"date": [None, day.isoformat()], "kind": [None, kind], "reason": [None, reason]},
            )
    except IntegrityError:  # another clerk added the same date at the same moment
        raise ValidationError(
            {"date": _("%(date)s already has a change to the calendar; remove it first.") % _on(day)},
            code="duplicate",
        ) from None
    return exception


@transaction.atomic
def remove_calendar_exception(exception_id: int, *, by) -> bool:
    """Remove the exception; False when it was already removed (a second click changes nothing)."""
    _require(by)
    exception = CalendarException.objects.select_for_update().filter(pk=exception_id).first()
    if exception is None:
        return False
    audit.record(
        exception,
        "calendar.exception_removed",
        by=by,
        changes={"date": [exception.date.isoformat(), None], "kind": [exception.kind, None]},
        note=exception.reason,
    )
    exception.delete()
    return True
