"""The programme's demo step: the 2024 plan's year and targets, and the rounds of 2024 and of this year.

Registered in ``ProgrammeConfig.ready`` as the first step of ``ocop.demo.seed_all`` (``products.demo`` files dossiers
into these rounds, ``evaluations.demo`` scores them, ``funding.demo`` adds the year's budget).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from ocop.models import Authority
from programme.enums import CalendarExceptionKind
from programme.models import CalendarException, ProgrammeYear, Round


def seed_plan_2024(authority: Authority) -> ProgrammeYear:
    """The 2024 plan's targets (a step of ``ocop.demo.seed_all``; ``funding.demo`` adds its budget)."""
    year, _ = ProgrammeYear.objects.update_or_create(
        authority=authority,
        year=2024,
        defaults={
            "plan_reference": (
                "Kế hoạch triển khai Chương trình OCOP tỉnh Bắc Giang năm 2024 (mô phỏng chế độ cấp tỉnh theo "
                "Quyết định 1489/QĐ-TTg, trên dữ liệu của huyện Lục Nam)"
                if authority.is_province
                else "Kế hoạch triển khai Chương trình OCOP huyện Lục Nam năm 2024 "
                "(căn cứ Kế hoạch số 14/KH-UBND ngày 06/02/2024 của UBND tỉnh Bắc Giang)"
            ),
            "target_new_products": 7,
            "target_reevaluations": 2,
            "budget": Decimal("200000000"),
            "ceremony_by": datetime.date(2024, 12, 15),
        },
    )
    # One change of the office to the working-day calendar (decision 23), so its page has a row to show.
    CalendarException.objects.update_or_create(
        date=datetime.date(2024, 12, 28),
        defaults={
            "kind": CalendarExceptionKind.WORKING_DAY,
            "reason": "Làm việc thứ Bảy để hoàn thiện hồ sơ cuối năm (dữ liệu mô phỏng)",
        },
    )
    return year


# ---------------------------------------------------------------------------------------------------- rounds
def current_round_numbers(today: datetime.date | None = None) -> tuple[int, int]:
    """Numbers of this year's (scoring, open) demo rounds: 1 and 2, or 3 and 4 if the clock says 2024."""
    today = today or timezone.localdate()
    return (1, 2) if today.year != 2024 else (3, 4)


def seed_rounds(authority: Authority) -> dict:
    """2024 rounds 1 and 2 from the plan, and two rounds this year: one whose commune deadline passed 10 days ago and
    whose council deadline is 10 days ahead (``evaluations.demo`` puts it in scoring), and one open for dossiers with
    its commune deadline three weeks ahead."""
    year_2024 = ProgrammeYear.objects.filter(authority=authority, year=2024).first()
    if year_2024 is None:
        year_2024 = seed_plan_2024(authority)
    # Plan §II.7: communes before 10/6 and 10/10 (printed "10/10/204"), district before 15/6 and 15/10.
    round_1, _ = Round.objects.update_or_create(
        year=year_2024,
        number=1,
        defaults={"commune_deadline": datetime.date(2024, 6, 10), "district_deadline": datetime.date(2024, 6, 15)},
    )
    round_2, _ = Round.objects.update_or_create(
        year=year_2024,
        number=2,
        defaults={"commune_deadline": datetime.date(2024, 10, 10), "district_deadline": datetime.date(2024, 10, 15)},
    )
    today = timezone.localdate()
    current_year, _ = ProgrammeYear.objects.get_or_create(
        authority=authority,
        year=today.year,
        defaults={
            "plan_reference": f"Kế hoạch triển khai Chương trình OCOP {authority.short_name} năm {today.year} "
            "(dữ liệu minh họa, chỉ tiêu chép từ năm 2024)",
            "target_new_products": year_2024.target_new_products,
            "target_reevaluations": year_2024.target_reevaluations,
            "budget": year_2024.budget,
            "ceremony_by": max(datetime.date(today.year, 12, 15), today + datetime.timedelta(days=40)),
        },
    )
    # Dates are computed at seed time so the rounds stay where the demo needs them; re-running refreshes them. If the
    # clock says 2024, use extra rounds (the plan allows them) rather than move the rounds of 2024.
    scoring_number, open_number = current_round_numbers(today)
    scoring, _ = Round.objects.update_or_create(
        year=current_year,
        number=scoring_number,
        defaults={
            "commune_deadline": today - datetime.timedelta(days=10),
            # Three days left: the members who have not submitted see the scoring-deadline reminder.
            "district_deadline": today + datetime.timedelta(days=3),
        },
    )
    current, _ = Round.objects.update_or_create(
        year=current_year,
        number=open_number,
        defaults={
            "commune_deadline": today + datetime.timedelta(days=21),
            "district_deadline": today + datetime.timedelta(days=26),
        },
    )
    return {"2024": round_1, "2024-2": round_2, "scoring": scoring, "current": current}
