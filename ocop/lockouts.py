"""Unlocking logins locked by django-axes: a system administrator's audited state change."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ocop import audit, rules
from ocop.enums import Role
from ocop.models import Profile

audit.register_actions(
    {
        "user.login_unlocked": _("Unlocked login"),
        "address.login_unlocked": _("Unlocked login from an address"),
    }
)


def is_locked(username: str) -> bool:
    from axes.models import AccessAttempt
    from django.conf import settings

    return AccessAttempt.objects.filter(
        username=username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()


@transaction.atomic
def unlock_user(user, *, by) -> bool:
    """Clear the failed logins of ``user`` (every address). False when nothing was locked or counted."""
    from axes.models import AccessAttempt

    if not rules.has_role(by, Role.SYSADMIN):
        raise PermissionDenied
    attempts = AccessAttempt.objects.select_for_update().filter(username=user.get_username())
    failures = sum(a.failures_since_start for a in attempts)
    if not failures:
        return False
    addresses = sorted({a.ip_address or "" for a in attempts})
    attempts.delete()
    profile, _created = Profile.objects.get_or_create(user=user)
    audit.record(
        profile,
        "user.login_unlocked",
        by=by,
        changes={"failed_logins": [failures, 0]},
        note=", ".join(addresses),
    )
    return True


@transaction.atomic
def unlock_address(attempt, *, by) -> bool:
    """Clear every failed login counted against the address of ``attempt`` (an AccessAttempt)."""
    from axes.models import AccessAttempt

    if not rules.has_role(by, Role.SYSADMIN):
        raise PermissionDenied
    rows = list(AccessAttempt.objects.select_for_update().filter(ip_address=attempt.ip_address))
    if not rows:
        return False
    failures = sum(a.failures_since_start for a in rows)
    audit.record(
        rows[0],
        "address.login_unlocked",
        by=by,
        changes={"failed_logins": [failures, 0]},
        note=f"{attempt.ip_address}: " + ", ".join(sorted({a.username or "" for a in rows})),
    )
    AccessAttempt.objects.filter(pk__in=[a.pk for a in rows]).delete()
    return True
