"""Who sees and moves money (decision 18-20): the district office and finance see everything; commune officials see
their own commune's entitlements, read-only; council members and the secretariat see none. Finance approves,
rejects and pays; the district office maintains the policies."""

from ocop.enums import Role
from ocop.rules import has_role, own_commune, rule

MONEY_VIEWERS = (Role.DISTRICT_OFFICE, Role.FINANCE, Role.SYSADMIN)


@rule("entitlement.list")
def _entitlement_list(user, obj):
    """The list (scoped with ``Entitlement.objects.visible_to``): money viewers, and commune officials for theirs."""
    return has_role(user, *MONEY_VIEWERS, Role.COMMUNE_OFFICIAL)


@rule("entitlement.view")
def _entitlement_view(user, obj):
    if has_role(user, *MONEY_VIEWERS):
        return True
    return obj is not None and has_role(user, Role.COMMUNE_OFFICIAL) and own_commune(user, obj)


@rule("entitlement.export")
def _entitlement_export(user, obj):
    """Excel of the list and the payment list for signature."""
    return has_role(user, *MONEY_VIEWERS)


@rule("entitlement.approve")
def _entitlement_approve(user, obj):
    return has_role(user, Role.FINANCE)


@rule("entitlement.pay")
def _entitlement_pay(user, obj):
    return has_role(user, Role.FINANCE)


@rule("budget.view")
def _budget_view(user, obj):
    return has_role(user, *MONEY_VIEWERS)


@rule("budget.edit")
def _budget_edit(user, obj):
    return has_role(user, Role.FINANCE, Role.DISTRICT_OFFICE)


@rule("expense.record")
def _expense_record(user, obj):
    return has_role(user, Role.FINANCE, Role.DISTRICT_OFFICE)


@rule("budget.override")
def _budget_override(user, obj):
    """Spend beyond a line with a recorded reason: the finance officer only."""
    return has_role(user, Role.FINANCE)


@rule("policy.view")
def _policy_view(user, obj):
    return has_role(user, *MONEY_VIEWERS)


@rule("policy.edit")
def _policy_edit(user, obj):
    return has_role(user, Role.DISTRICT_OFFICE, Role.SYSADMIN)
