"""Truth table of the central permission rules, per role."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from ocop import rules
from ocop.enums import Role

# action -> personas allowed (object-free form)
EXPECTED = {
    "dashboard.view": {
        "district_officer", "secretary", "chair", "council_member", "commune_official",
        "outsider_official", "finance_officer", "sysadmin",
    },
    "authority.view_settings": {"district_officer", "secretary", "chair", "sysadmin"},
    "authority.edit_settings": {"district_officer", "sysadmin"},
    "commune.list": {"district_officer", "secretary", "chair", "finance_officer", "sysadmin"},
    "council.area": {"chair", "council_member"},
    "funding.area": {"finance_officer", "district_officer", "sysadmin"},
}  # fmt: skip

PERSONAS = [
    "district_officer", "secretary", "chair", "council_member", "commune_official",
    "outsider_official", "finance_officer", "sysadmin",
]  # fmt: skip


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_can_matches_role_table(persona, action, request):
    name = request.node.callspec.params["persona"]
    assert rules.can(persona, action) is (name in EXPECTED[action])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("district_officer", True),
        ("secretary", True),
        ("chair", True),
        ("finance_officer", True),
        ("sysadmin", True),
        ("commune_official", True),
        ("outsider_official", False),
        ("council_member", False),
    ],
    indirect=["persona"],
)
def test_commune_view_is_scoped_to_own_commune(persona, expected, commune):
    assert rules.can(persona, "commune.view", commune) is expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("district_officer", True),
        ("secretary", True),
        ("sysadmin", True),
        ("commune_official", True),
        ("outsider_official", False),
        ("chair", False),
        ("council_member", False),
        ("finance_officer", False),
    ],
    indirect=["persona"],
)
def test_audit_view_of_a_commune_object(persona, expected, commune):
    assert rules.can(persona, "audit.view", commune) is expected


def test_authorize_gives_404_to_other_commune_and_403_to_wrong_role(outsider_official, council_member, commune):
    with pytest.raises(Http404):
        rules.authorize(outsider_official, "commune.view", commune)
    with pytest.raises(PermissionDenied):
        rules.authorize(council_member, "commune.view", commune)


def test_user_without_role_or_inactive_may_do_nothing(no_role_user, district_officer):
    assert rules.can(no_role_user, "dashboard.view") is False
    district_officer.is_active = False
    district_officer.__dict__.pop("_ocop_roles", None)
    assert rules.can(district_officer, "dashboard.view") is False


def test_superuser_is_system_administrator(make_user):
    user = make_user(is_superuser=True)
    assert rules.roles_of(user) == frozenset({Role.SYSADMIN})


def test_unknown_action_is_an_error(district_officer):
    with pytest.raises(KeyError, match="No permission rule named"):
        rules.can(district_officer, "nothing.such")


def test_commune_queryset_is_scoped(commune, other_commune, commune_official, district_officer, council_member):
    from ocop.models import Commune

    assert list(Commune.objects.visible_to(commune_official)) == [commune]
    assert set(Commune.objects.visible_to(district_officer)) == {commune, other_commune}
    assert list(Commune.objects.visible_to(council_member)) == []
