from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ocop import audit, domain
from ocop.enums import Role
from ocop.models import AuditEntry


def test_update_authority_settings_saves_and_audits(authority, district_officer):
    changed = domain.update_authority_settings(
        authority, by=district_officer, spread_threshold=Decimal("12.5"), quorum_percent=80
    )
    authority.refresh_from_db()
    assert changed is True
    assert authority.spread_threshold == Decimal("12.50")
    assert authority.quorum_percent == 80
    entry = audit.history_for(authority).get()
    assert entry.action == "authority.settings_updated"
    assert entry.actor == district_officer
    assert entry.changes == {"spread_threshold": ["10", "12.5"], "quorum_percent": [75, 80]}


def test_update_authority_settings_is_idempotent(authority, district_officer):
    domain.update_authority_settings(authority, by=district_officer, quorum_percent=80)
    again = domain.update_authority_settings(authority, by=district_officer, quorum_percent=80)
    assert again is False
    assert audit.history_for(authority).count() == 1


@pytest.mark.parametrize("persona", ["secretary", "chair", "commune_official", "finance_officer"], indirect=True)
def test_update_authority_settings_refused_without_right(authority, persona):
    with pytest.raises(PermissionDenied):
        domain.update_authority_settings(authority, by=persona, quorum_percent=50)
    authority.refresh_from_db()
    assert authority.quorum_percent == 75
    assert AuditEntry.objects.filter(action="authority.settings_updated").count() == 0


def test_invalid_setting_is_refused_and_nothing_saved(authority, district_officer):
    with pytest.raises(ValidationError):
        domain.update_authority_settings(authority, by=district_officer, max_recognised_star=7)
    authority.refresh_from_db()
    assert authority.max_recognised_star == 3


def test_commune_official_needs_exactly_one_commune(make_user, commune):
    user = make_user()
    with pytest.raises(ValidationError):
        domain.set_user_roles(user, [Role.COMMUNE_OFFICIAL], by=None)
    with pytest.raises(ValidationError):
        domain.set_user_roles(user, [Role.FINANCE], commune=commune, by=None)
    domain.set_user_roles(user, [Role.COMMUNE_OFFICIAL], commune=commune, by=None)
    user.refresh_from_db()
    assert user.profile.commune == commune
    assert list(user.groups.values_list("name", flat=True)) == ["commune_official"]


def test_set_user_roles_replaces_roles_and_audits(make_user, sysadmin):
    user = make_user(Role.COUNCIL_MEMBER)
    domain.set_user_roles(user, [Role.SECRETARIAT, Role.DISTRICT_OFFICE], by=sysadmin)
    assert sorted(user.groups.values_list("name", flat=True)) == ["district_office", "secretariat"]
    entry = audit.history_for(user.profile).first()
    assert entry.action == "user.roles_changed"
    assert entry.changes["roles"] == [["council_member"], ["district_office", "secretariat"]]


def test_only_sysadmin_changes_roles(make_user, district_officer):
    user = make_user(Role.COUNCIL_MEMBER)
    with pytest.raises(PermissionDenied):
        domain.set_user_roles(user, [Role.SECRETARIAT], by=district_officer)


def test_deactivate_user_audits_and_is_idempotent(make_user, sysadmin):
    user = make_user(Role.COUNCIL_MEMBER)
    assert domain.set_user_active(user, False, by=sysadmin) is True
    assert domain.set_user_active(user, False, by=sysadmin) is False
    user.refresh_from_db()
    assert user.is_active is False
    assert [e.action for e in audit.history_for(user.profile)][:1] == ["user.deactivated"]
    with pytest.raises(ValidationError):
        domain.set_user_active(sysadmin, False, by=sysadmin)
