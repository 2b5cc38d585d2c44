"""State changes of the shared core. Each checks permission and state, saves, and audits."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop import audit, rules
from ocop.enums import Role
from ocop.models import Authority, Profile


@transaction.atomic
def update_authority_settings(authority: Authority, *, by, **values) -> bool:
    """Change the programme's regime settings. Returns False when nothing changed (idempotent)."""
    if not rules.can(by, "authority.edit_settings", authority):
        raise PermissionDenied
    unknown = set(values) - set(Authority.SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not settings fields: {sorted(unknown)}")
    authority = Authority.objects.select_for_update().get(pk=authority.pk)
    if "level" in values and values["level"] != authority.level:
        # A change of regime brings its defaults (highest star, product code) unless the office changed them too.
        for name, default in authority.regime_defaults(values["level"]).items():
            if values.get(name, getattr(authority, name)) == getattr(authority, name):
                values[name] = default
    return audit.apply_changes(authority, values, "authority.settings_updated", by=by)


@transaction.atomic
def set_user_roles(user, roles, *, commune=None, by) -> bool:
    """Give a user exactly these roles. A commune official is bound to exactly one commune."""
    if by is not None and not rules.has_role(by, Role.SYSADMIN):
        raise PermissionDenied
    roles = {Role(r) for r in roles}
    if Role.COMMUNE_OFFICIAL in roles and commune is None:
        raise ValidationError(_("A commune official must be bound to one commune."))
    if Role.COMMUNE_OFFICIAL not in roles and commune is not None:
        raise ValidationError(_("Only commune officials are bound to a commune."))
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    before_roles = sorted(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    before_commune = str(profile.commune) if profile.commune_id else None
    groups = [Group.objects.get_or_create(name=role.value)[0] for role in sorted(roles)]
    user.groups.remove(*user.groups.filter(name__in=Role.values).exclude(name__in=[r.value for r in roles]))
    user.groups.add(*groups)
    profile.commune = commune
    profile.save(update_fields=["commune"])
    user.profile = profile  # keep the caller's user object in step with the database
    user.__dict__.pop("_ocop_roles", None)
    after_roles = sorted(r.value for r in roles)
    changes = audit.diff(
        {"roles": before_roles, "commune": before_commune},
        {"roles": after_roles, "commune": str(commune) if commune else None},
    )
    if changes:
        audit.record(profile, "user.roles_changed", by=by, changes=changes)
    return bool(changes)


@transaction.atomic
def set_user_active(user, active: bool, *, by) -> bool:
    """Activate or deactivate an account; an inactive user cannot log in."""
    if not rules.has_role(by, Role.SYSADMIN):
        raise PermissionDenied
    if user.pk == by.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    profile, _created = Profile.objects.get_or_create(user=user)
    audit.record(
        profile,
        "user.activated" if active else "user.deactivated",
        by=by,
        changes={"is_active": [not active, active]},
    )
    return True
