"""The one place that answers "may this user do X (to this object)?".

Views call ``authorize`` (404 for an object of another commune, 403 for a missing right),
templates use ``{% can "action" obj as allowed %}``, querysets use ``visible_to(user)``,
and tests call ``can`` directly. A rule is a function ``(user, obj) -> bool`` registered
under an action name; an unknown action is a programming error, not a silent "no".
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ocop.enums import COUNCIL_ROLES, DISTRICT_ROLES, Role

_RULES: dict[str, Callable] = {}


def rule(action: str):
    def decorator(func):
        if action in _RULES:
            raise ValueError(f"Rule {action!r} is registered twice.")
        _RULES[action] = func
        return func

    return decorator


def registered_actions() -> list[str]:
    return sorted(_RULES)


# ---------------------------------------------------------------------------
# Facts about a user, cached on the user object for the request.
# ---------------------------------------------------------------------------
def roles_of(user) -> frozenset[Role]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_ocop_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(Role(name) for name in names if name in Role.values)
        if user.is_superuser:
            cached |= {Role.SYSADMIN}
        user._ocop_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def commune_id_of(user) -> int | None:
    """The commune a commune official acts for, or None."""
    if Role.COMMUNE_OFFICIAL not in roles_of(user):
        return None
    profile = getattr(user, "profile", None)
    return profile.commune_id if profile else None


def sees_all_communes(user) -> bool:
    return bool(roles_of(user) & (DISTRICT_ROLES | {Role.FINANCE, Role.COUNCIL_CHAIR}))


def commune_of(obj):
    """The commune an object belongs to, if it belongs to one."""
    return getattr(obj, "commune", None) if obj is not None else None


def is_other_commune(user, obj) -> bool:
    """True when a commune official (and nothing wider) looks at another commune's object."""
    commune = commune_of(obj)
    if commune is None or sees_all_communes(user):
        return False
    own = commune_id_of(user)
    return own is not None and own != commune.pk


def own_commune(user, obj) -> bool:
    commune = commune_of(obj)
    return commune is not None and commune_id_of(user) == commune.pk


# ---------------------------------------------------------------------------
# The public API.
# ---------------------------------------------------------------------------
def can(user, action: str, obj=None) -> bool:
    try:
        predicate = _RULES[action]
    except KeyError:
        raise KeyError(f"No permission rule named {action!r}.") from None
    if not roles_of(user):
        return False
    return bool(predicate(user, obj))


def authorize(user, action: str, obj=None) -> None:
    """Raise Http404 for another commune's object, PermissionDenied for a missing right."""
    if obj is not None and is_other_commune(user, obj):
        raise Http404
    if not can(user, action, obj):
        raise PermissionDenied


# ---------------------------------------------------------------------------
# Rules of the shared core. Apps register their own in their rules.py.
# ---------------------------------------------------------------------------
@rule("dashboard.view")
def _dashboard_view(user, obj):
    return True  # any active user with a role


@rule("authority.view_settings")
def _authority_view(user, obj):
    return has_role(user, *DISTRICT_ROLES, Role.COUNCIL_CHAIR)


@rule("authority.edit_settings")
def _authority_edit(user, obj):
    return has_role(user, Role.DISTRICT_OFFICE, Role.SYSADMIN)


@rule("commune.list")
def _commune_list(user, obj):
    return sees_all_communes(user)


@rule("commune.view")
def _commune_view(user, obj):
    return sees_all_communes(user) or own_commune(user, obj)


@rule("audit.view")
def _audit_view(user, obj):
    """District staff see every history; a commune official sees the history of their commune's objects."""
    if has_role(user, *DISTRICT_ROLES):
        return True
    return obj is not None and own_commune(user, obj)


@rule("council.area")
def _council_area(user, obj):
    return has_role(user, *COUNCIL_ROLES)


@rule("funding.area")
def _funding_area(user, obj):
    return has_role(user, Role.FINANCE, Role.DISTRICT_OFFICE, Role.SYSADMIN)
