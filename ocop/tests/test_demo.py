import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from funding.models import BudgetLine
from ocop import rules
from ocop.enums import Role
from ocop.models import (
    AuditEntry,
    Authority,
    Commune,
    Notification,
    NotificationChannel,
    NotificationStatus,
    Profile,
)
from programme.models import ProgrammeYear


def _counts():
    User = get_user_model()
    return {
        "authorities": Authority.objects.count(),
        "communes": Commune.objects.count(),
        "users": User.objects.count(),
        "profiles": Profile.objects.count(),
        "years": ProgrammeYear.objects.count(),
        "budget": BudgetLine.objects.count(),
        "audit": AuditEntry.objects.count(),
        "memberships": User.groups.through.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert first["communes"] == 25
    assert first["users"] == 11 + 25


@pytest.mark.django_db
def test_seed_demo_loads_lucnam_plan_and_accounts(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    User = get_user_model()
    assert Commune.objects.filter(kind="thi_tran").count() == 2
    assert Commune.objects.get(slug="doi-ngo").name == "Đồi Ngô"
    year = ProgrammeYear.objects.get(year=2024)
    assert (year.target_new_products, year.target_reevaluations) == (7, 2)
    # the programme budget of the plan (funding.demo adds the district's support line beside it)
    assert BudgetLine.objects.get(year=year, kind="programme").amount == 200_000_000
    expected_roles = {
        "phongnn": {Role.DISTRICT_OFFICE},
        "thuky": {Role.SECRETARIAT},
        "chutich": {Role.COUNCIL_CHAIR},
        "hoidong1": {Role.COUNCIL_MEMBER},
        "hoidong6": {Role.COUNCIL_MEMBER},
        "taichinh": {Role.FINANCE},
        "admin": {Role.SYSADMIN},
        "xa-thanh-lam": {Role.COMMUNE_OFFICIAL},
    }
    for username, roles in expected_roles.items():
        user = User.objects.get(username=username)
        assert user.check_password("ocop-demo")
        assert set(rules.roles_of(user)) == roles
    for slug in ["thanh-lam", "truong-son", "yen-son", "luc-son", "dong-hung"]:
        official = User.objects.get(username=f"xa-{slug}")
        assert official.profile.commune.slug == slug
    # Every account has an address on the reserved example domain, so the demo shows the email channel: the
    # reminders due now go out by email too (printed by the console backend of `make run`), none is skipped.
    assert sorted(User.objects.values_list("email", flat=True)) == sorted(
        f"{username}@example.com" for username in User.objects.values_list("username", flat=True)
    )
    emails = Notification.objects.filter(channel=NotificationChannel.EMAIL)
    assert emails.exists()
    assert not emails.filter(status=NotificationStatus.SKIPPED).exists()
    assert mail.outbox
    assert {address for message in mail.outbox for address in message.to} == set(
        emails.filter(status=NotificationStatus.SENT).values_list("address", flat=True)
    )


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo")
    assert Authority.objects.count() == 0
