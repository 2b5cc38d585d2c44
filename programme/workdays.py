"""Working days (decision 23; the commune step of Decision 26/2026 lasts 15 working days).

A working day is a Monday to Friday that is not a Vietnamese public holiday, unless the office says otherwise
(``CalendarException``: an extra day off, or a working day on a Saturday, Sunday or holiday). A period of n working
days counts from the day after the start (receipt) and ends at 23:59 of its n-th working day
(``add_working_days``). Example: received 24/04/2026 → 15 working days → due 20/05/2026.

The holidays come from the ``holidays`` package (pinned 0.109, ``country_holidays("VN")``). What it gives for
Vietnam, checked for 2026 and 2027:

- Tết Dương lịch 01/01; Giỗ Tổ Hùng Vương (10/3 lunar: 26/04/2026, a Sunday, with its observed day 27/04/2026;
  16/04/2027); 30/04 and 01/05 (01/05/2027 is a Saturday: observed Monday 03/05/2027); Quốc khánh 02/09 with the
  day beside it (01/09/2026; 03/09/2027); Ngày Văn hóa Việt Nam 24/11 (from 2026).
- Tết Nguyên Đán as the package has it: 16–20/02/2026 (Giao thừa to Mùng bốn); 04–10/02/2027 (29 Tết to Mùng
  năm, Saturday and Sunday included). A year the Government announces differently is corrected by exceptions.
- Observed days ("nghỉ bù") when a holiday falls on a weekend, and the swaps the Government decided: a substituted
  day off as a holiday (31/08/2026, "thay cho ngày 22/08/2026") and the Saturday worked in exchange in
  ``weekend_workdays`` (22/08/2026; earlier 04/05/2024 for 29/04/2024, 26/04/2025 for 02/05/2025), which this
  module reads as working days.

What the package lacks (a swap decided after its release, a province's own day off) the office adds as a
``CalendarException``; an exception wins over the package.

Each call makes one query (the office's exceptions of the years involved), none per day; ``add_working_days`` makes
a second only if the office's days off push the count past the years it estimated. The package's holidays are
computed once per year and kept in memory.
"""

import datetime
from functools import lru_cache

import holidays

from programme.enums import CalendarExceptionKind

ONE_DAY = datetime.timedelta(days=1)
WEEKEND = (5, 6)  # Saturday, Sunday


@lru_cache(maxsize=64)
def _vietnam(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year, language="vi")


def public_holidays(year: int) -> list[tuple[datetime.date, str]]:
    """The package's holidays of a year (with observed and substituted days), in date order, named in Vietnamese."""
    return sorted(_vietnam(year).items())


def working_saturdays(year: int) -> list[datetime.date]:
    """Weekend days the Government made working days in exchange for a day off (from the package)."""
    return sorted(d for d in _vietnam(year).weekend_workdays if d.year == year)


def official_working_day(day: datetime.date) -> bool:
    """Whether the day is a working day by the package alone (no office exception)."""
    calendar = _vietnam(day.year)
    if day in calendar:
        return False
    return day.weekday() not in WEEKEND or day in calendar.weekend_workdays


def _exceptions(first_year: int, last_year: int) -> dict[datetime.date, bool]:
    """The office's exceptions of the years, as date -> is a working day (one query)."""
    from programme.models import CalendarException

    rows = CalendarException.objects.filter(date__year__gte=first_year, date__year__lte=last_year)
    return {date: kind == CalendarExceptionKind.WORKING_DAY for date, kind in rows.values_list("date", "kind")}


def _working(day: datetime.date, exceptions: dict) -> bool:
    if day in exceptions:
        return exceptions[day]
    return official_working_day(day)


def is_working_day(day: datetime.date) -> bool:
    return _working(day, _exceptions(day.year, day.year))


def _span(n: int) -> datetime.timedelta:
    """More calendar days than n working days can take (two weeks of Tết and weekends included)."""
    return datetime.timedelta(days=2 * n + 30)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after ``start`` (the day of receipt does not count); ``start`` itself for n = 0."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return start
    last_year = (start + _span(n)).year
    exceptions = _exceptions(start.year, last_year)
    day, counted = start, 0
    while counted < n:
        day += ONE_DAY
        if day.year > last_year:  # only if the office added weeks of days off: read the next year too
            last_year = day.year
            exceptions |= _exceptions(last_year, last_year)
        if _working(day, exceptions):
            counted += 1
    return day


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """The working days after ``a`` up to and including ``b`` (so ``add_working_days(a, n) == b`` gives n);
    negative when ``b`` is before ``a``."""
    if b < a:
        return -working_days_between(b, a)
    exceptions = _exceptions(a.year, b.year)
    count, day = 0, a
    while day < b:
        day += ONE_DAY
        count += _working(day, exceptions)
    return count


class WorkingCalendar:
    """The office's exceptions of a span of years read once (one query), for pages and scans that compute many
    periods: ``add`` and ``between`` answer like ``add_working_days`` and ``working_days_between`` without a query
    per dossier. Years outside the span are read when first needed."""

    def __init__(self, first_year: int, last_year: int | None = None):
        self.first_year, self.last_year = first_year, last_year or first_year
        self.exceptions = _exceptions(self.first_year, self.last_year)

    def _cover(self, day: datetime.date) -> None:
        if day.year < self.first_year:
            self.exceptions |= _exceptions(day.year, self.first_year - 1)
            self.first_year = day.year
        elif day.year > self.last_year:
            self.exceptions |= _exceptions(self.last_year + 1, day.year)
            self.last_year = day.year

    def working(self, day: datetime.date) -> bool:
        self._cover(day)
        return _working(day, self.exceptions)

    def add(self, start: datetime.date, n: int) -> datetime.date:
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted = start, 0
        while counted < n:
            day += ONE_DAY
            counted += self.working(day)
        return day

    def between(self, a: datetime.date, b: datetime.date) -> int:
        if b < a:
            return -self.between(b, a)
        count, day = 0, a
        while day < b:
            day += ONE_DAY
            count += self.working(day)
        return count
