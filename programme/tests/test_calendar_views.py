"""The office's working-day calendar page (decision 23): who may open it, what it lists, adding and removing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONAS
from ocop.models import AuditEntry
from programme.enums import CalendarExceptionKind
from programme.models import CalendarException

OFFICE = {"district_officer", "sysadmin"}
URL = reverse("evaluations:workday_calendar")


@pytest.mark.parametrize(("persona", "allowed"), [(p, p in OFFICE) for p in PERSONAS], indirect=["persona"])
def test_only_the_office_opens_the_calendar_and_sees_its_link(client_for, persona, allowed):
    client = client_for(persona)
    page = client.get(f"{URL}?nam=2026")
    assert page.status_code == (200 if allowed else 403)
    home = client.get(reverse("home")).content.decode()
    assert (URL in home) is allowed
    posted = client.post(URL, {"date": "12/05/2026", "kind": "day_off", "reason": "Nghỉ"})
    assert posted.status_code == (302 if allowed else 403)
    assert CalendarException.objects.filter(date=datetime.date(2026, 5, 12)).exists() is allowed


@pytest.mark.django_db
def test_the_page_lists_the_years_holidays_in_vietnamese(client_for, district_officer):
    page = client_for(district_officer).get(f"{URL}?nam=2027")
    text = page.content.decode()
    holidays = [name for _, name in page.context["holidays"]]
    assert "Ngày Chiến thắng" in holidays and "Mùng năm Tết Nguyên Đán" in holidays
    assert "03/05/2027" in text and "Ngày Quốc tế Lao động (nghỉ bù)" in text
    swapped = client_for(district_officer).get(f"{URL}?nam=2026")
    assert swapped.context["working_saturdays"] == [datetime.date(2026, 8, 22)]


@pytest.mark.django_db
@pytest.mark.parametrize("nam", ["abc", "99999", "1900", ""])
def test_an_odd_year_shows_this_year(client_for, district_officer, nam):
    page = client_for(district_officer).get(URL, {"nam": nam})
    assert page.context["year"] == timezone.localdate().year
    assert len(page.context["holidays"]) >= 10


@pytest.mark.django_db
def test_a_refused_day_keeps_what_was_typed(client_for, district_officer):
    page = client_for(district_officer).post(URL, {"date": "09/05/2026", "kind": "day_off", "reason": "Nghỉ thêm"})
    assert page.status_code == 200
    assert "Ngày 09/05/2026 đã là ngày nghỉ" in str(page.context["form"].errors["date"])
    assert 'value="Nghỉ thêm"' in page.content.decode()
    assert not CalendarException.objects.exists()


@pytest.mark.django_db
def test_adding_and_removing_from_the_page(client_for, district_officer):
    client = client_for(district_officer)
    added = client.post(URL, {"date": "09/05/2026", "kind": "working_day", "reason": "Làm bù"})
    assert added.url == f"{URL}?nam=2026"
    exception = CalendarException.objects.get()
    assert (exception.kind, exception.reason, exception.created_by) == (
        CalendarExceptionKind.WORKING_DAY,
        "Làm bù",
        district_officer,
    )
    listing = client.get(added.url)
    assert list(listing.context["exceptions"]) == [exception]
    remove = reverse("evaluations:workday_exception_remove", args=[exception.pk])
    assert client.get(remove).status_code == 405
    assert CalendarException.objects.exists()
    assert client.post(remove).url == f"{URL}?nam=2026"
    assert client.post(remove).status_code == 302  # a second click changes nothing
    assert not CalendarException.objects.exists()
    assert AuditEntry.objects.filter(action="calendar.exception_removed").count() == 1
