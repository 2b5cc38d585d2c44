"""Working days (decision 23): the Vietnamese holidays from the ``holidays`` package, the office's exceptions, and
the rules of adding and removing one."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.enums import Role
from ocop.models import AuditEntry
from programme.calendar_exceptions import add_calendar_exception, remove_calendar_exception
from programme.enums import CalendarExceptionKind
from programme.models import CalendarException
from programme.workdays import add_working_days, is_working_day, public_holidays, working_days_between

pytestmark = pytest.mark.django_db

D = datetime.date
DAY_OFF, WORKING_DAY = CalendarExceptionKind.DAY_OFF, CalendarExceptionKind.WORKING_DAY


@pytest.fixture
def office(make_user):
    return make_user(Role.DISTRICT_OFFICE)


def test_decision_23_example_received_24_04_2026_is_due_20_05_2026():
    # 25-26/04 weekend, 27/04 Hùng Kings observed, 30/04 and 01/05 holidays.
    assert add_working_days(D(2026, 4, 24), 15) == D(2026, 5, 20)
    assert working_days_between(D(2026, 4, 24), D(2026, 5, 20)) == 15
    assert working_days_between(D(2026, 5, 20), D(2026, 4, 24)) == -15


def test_fifteen_working_days_across_tet_2027():
    # The package gives 04/02/2027 (29 Tết) to 10/02/2027 (Mùng năm) as holidays.
    tet = [day for day, _ in public_holidays(2027) if D(2027, 2, 1) <= day <= D(2027, 2, 28)]
    assert tet == [D(2027, 2, d) for d in range(4, 11)]
    # Received Monday 01/02: 2 and 3/02 count, then nothing until Thursday 11/02.
    assert add_working_days(D(2027, 2, 1), 15) == D(2027, 3, 1)
    assert add_working_days(D(2027, 2, 1), 2) == D(2027, 2, 3)
    assert add_working_days(D(2027, 2, 1), 3) == D(2027, 2, 11)


def test_across_30_04_and_01_05_with_the_observed_monday():
    # 2027: 30/04 is a Friday, 01/05 a Saturday observed on Monday 03/05.
    assert not is_working_day(D(2027, 4, 30))
    assert not is_working_day(D(2027, 5, 3))
    assert add_working_days(D(2027, 4, 28), 2) == D(2027, 5, 4)
    assert working_days_between(D(2027, 4, 28), D(2027, 5, 7)) == 5


def test_the_packages_swapped_saturday_and_national_day():
    # Government swap for 2026: Monday 31/08 off, Saturday 22/08 worked; 01/09 beside 02/09.
    assert is_working_day(D(2026, 8, 22))
    assert not is_working_day(D(2026, 8, 31))
    assert not is_working_day(D(2026, 9, 1)) and not is_working_day(D(2026, 9, 2))
    assert not is_working_day(D(2026, 8, 23))  # an ordinary Sunday


def test_an_extra_day_off_moves_the_due_date_by_one(office):
    add_calendar_exception(day=D(2026, 5, 12), kind=DAY_OFF, reason="Nghỉ theo quyết định của tỉnh", by=office)
    assert not is_working_day(D(2026, 5, 12))
    assert add_working_days(D(2026, 4, 24), 15) == D(2026, 5, 21)


def test_a_working_saturday_moves_it_back_by_one(office):
    add_calendar_exception(day=D(2026, 5, 9), kind=WORKING_DAY, reason="Làm bù", by=office)
    assert is_working_day(D(2026, 5, 9))
    assert add_working_days(D(2026, 4, 24), 15) == D(2026, 5, 19)
    assert working_days_between(D(2026, 4, 24), D(2026, 5, 19)) == 15


def test_a_working_day_on_a_holiday_counts(office):
    add_calendar_exception(day=D(2026, 4, 30), kind=WORKING_DAY, reason="Trực", by=office)
    assert add_working_days(D(2026, 4, 24), 15) == D(2026, 5, 19)


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (D(2026, 5, 9), DAY_OFF),  # a Saturday is already off
        (D(2026, 4, 30), DAY_OFF),  # a holiday is already off
        (D(2026, 8, 31), DAY_OFF),  # the package's substituted day off
        (D(2026, 5, 4), WORKING_DAY),  # a Monday already works
        (D(2026, 8, 22), WORKING_DAY),  # the package's working Saturday already works
    ],
)
def test_an_exception_must_change_the_day(office, day, kind):
    with pytest.raises(ValidationError) as raised:
        add_calendar_exception(day=day, kind=kind, reason="Lý do", by=office)
    assert "date" in raised.value.error_dict
    assert not CalendarException.objects.exists()
    assert not AuditEntry.objects.filter(action="calendar.exception_added").exists()


def test_one_exception_per_date_and_a_second_send_changes_nothing(office):
    first = add_calendar_exception(day=D(2026, 5, 9), kind=WORKING_DAY, reason="Làm bù", by=office)
    again = add_calendar_exception(day=D(2026, 5, 9), kind=WORKING_DAY, reason="Làm bù", by=office)
    assert again.pk == first.pk
    with pytest.raises(ValidationError):
        add_calendar_exception(day=D(2026, 5, 9), kind=DAY_OFF, reason="Khác", by=office)
    entry = AuditEntry.objects.get(action="calendar.exception_added")
    assert (entry.actor, entry.changes["date"], entry.changes["reason"]) == (
        office,
        [None, "2026-05-09"],
        [None, "Làm bù"],
    )
    assert first.created_by == office


def test_a_reason_is_required(office):
    with pytest.raises(ValidationError) as raised:
        add_calendar_exception(day=D(2026, 5, 12), kind=DAY_OFF, reason="  ", by=office)
    assert "reason" in raised.value.error_dict


def test_removing_restores_the_day_and_is_audited_once(office):
    exception = add_calendar_exception(day=D(2026, 5, 12), kind=DAY_OFF, reason="Nghỉ", by=office)
    assert remove_calendar_exception(exception.pk, by=office) is True
    assert remove_calendar_exception(exception.pk, by=office) is False
    assert is_working_day(D(2026, 5, 12))
    removed = AuditEntry.objects.get(action="calendar.exception_removed")
    assert (removed.actor, removed.changes["kind"], removed.note) == (office, [DAY_OFF, None], "Nghỉ")


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER, Role.FINANCE])
def test_only_the_office_and_the_administrator_change_the_calendar(make_user, office, role):
    user = make_user(role)
    with pytest.raises(PermissionDenied):
        add_calendar_exception(day=D(2026, 5, 12), kind=DAY_OFF, reason="Nghỉ", by=user)
    exception = add_calendar_exception(day=D(2026, 5, 12), kind=DAY_OFF, reason="Nghỉ", by=office)
    with pytest.raises(PermissionDenied):
        remove_calendar_exception(exception.pk, by=user)
    admin = make_user(Role.SYSADMIN)
    assert remove_calendar_exception(exception.pk, by=admin) is True


def test_commune_official_may_not_change_the_calendar(make_user, commune):
    with pytest.raises(PermissionDenied):
        add_calendar_exception(
            day=D(2026, 5, 12), kind=DAY_OFF, reason="Nghỉ", by=make_user(Role.COMMUNE_OFFICIAL, commune=commune)
        )


def test_queries_do_not_grow_with_the_number_of_days(office):
    add_calendar_exception(day=D(2027, 1, 4), kind=DAY_OFF, reason="Nghỉ", by=office)
    counts = {}
    for n in (1, 15, 300):
        with CaptureQueriesContext(connection) as queries:
            add_working_days(D(2026, 4, 24), n)
        counts[n] = len(queries)
    assert counts == {1: 1, 15: 1, 300: 1}
    with CaptureQueriesContext(connection) as queries:
        assert working_days_between(D(2026, 1, 1), D(2027, 12, 31)) > 400
    assert len(queries) == 1
    # The exception in the second year is read by that one query.
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 5)
