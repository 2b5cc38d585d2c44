"""Who sees the dashboards, reports and money figures."""

from ocop.enums import DISTRICT_ROLES, Role
from ocop.rules import has_role, rule


@rule("dashboard.district")
def _dashboard_district(user, obj):
    """The district dashboard (every commune's figures): district staff, the council chair and finance."""
    return has_role(user, *DISTRICT_ROLES, Role.COUNCIL_CHAIR, Role.FINANCE)


@rule("report.view")
def _report_view(user, obj):
    """The official reports and the national export: district staff and the council chair."""
    return has_role(user, *DISTRICT_ROLES, Role.COUNCIL_CHAIR)


@rule("money.view")
def _money_view(user, obj):
    """Budget, support committed and paid: the district office and finance (never council members); commune
    officials see money only for their own commune, through their home, never the district's figures."""
    return has_role(user, Role.DISTRICT_OFFICE, Role.FINANCE, Role.SYSADMIN)
