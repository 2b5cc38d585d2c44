"""Demo budget lines of the Lục Nam programme: 200.000.000 ₫ for 2024 (Kế hoạch 14/KH-UBND) and the same for the
current demo year. A step of ``ocop.demo.seed_all`` (registered in ``FundingConfig.ready``), after the years exist.
Idempotent."""

from decimal import Decimal

from django.utils import timezone

from evaluations.models import ProgrammeYear
from funding.models import BudgetLine
from ocop.models import Authority

LINE_NAME = "Tuyên truyền, học tập kinh nghiệm, Hội đồng và Tổ giúp việc"


def seed_budgets(authority: Authority) -> int:
    """The 2024 line (as planned) and this year's line (illustrative); returns how many lines the authority has."""
    year_2024 = ProgrammeYear.objects.filter(authority=authority, year=2024).first()
    if year_2024 is not None:
        BudgetLine.objects.update_or_create(
            year=year_2024,
            name=LINE_NAME,
            defaults={"source": "Ngân sách tỉnh (Kế hoạch 14/KH-UBND)", "amount": Decimal("200000000")},
        )
    current = ProgrammeYear.objects.filter(authority=authority, year=timezone.localdate().year).first()
    if current is not None and current != year_2024:
        BudgetLine.objects.get_or_create(
            year=current,
            name=LINE_NAME,
            defaults={"source": "Ngân sách tỉnh (dữ liệu minh họa, như năm 2024)", "amount": Decimal("200000000")},
        )
    return BudgetLine.objects.filter(year__authority=authority).count()
