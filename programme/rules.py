"""Who may do what in the programme layer."""

from ocop.enums import Role
from ocop.rules import has_role, rule


@rule("calendar.manage")
def _calendar_manage(user, obj):
    """The working-day calendar's exceptions: the district office (the standing body) and the administrator."""
    return has_role(user, Role.DISTRICT_OFFICE, Role.SYSADMIN)
