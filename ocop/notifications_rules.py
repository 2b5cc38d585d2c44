"""Who may read notifications and see the outbox. Imported by ``ocop.notify`` (which registers them once)."""

from ocop.enums import Role
from ocop.rules import has_role, rule


@rule("notification.inbox")
def _inbox(user, obj):
    return True  # every active user with a role has a notification centre


@rule("notification.read")
def _read(user, obj):
    """Open or mark read: only the recipient (views answer 404 to anyone else)."""
    return obj is not None and obj.recipient_id == user.pk


@rule("outbox.view")
def _outbox_view(user, obj):
    return has_role(user, Role.DISTRICT_OFFICE, Role.SYSADMIN)


@rule("outbox.retry")
def _outbox_retry(user, obj):
    return has_role(user, Role.DISTRICT_OFFICE, Role.SYSADMIN)
