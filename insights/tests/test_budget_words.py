"""Each budget figure says what it covers (issue 18, item 14): the year's plan holds the programme activities'
budget; the dashboard and the home add up every budget line of the year (programme activities and support)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.enums import BudgetKind
from funding.models import BudgetLine
from programme.models import ProgrammeYear


@pytest.fixture
def year_with_lines(authority):
    year = ProgrammeYear.objects.create(
        authority=authority, year=2024, target_new_products=7, target_reevaluations=2, budget=Decimal("200000000")
    )
    BudgetLine.objects.create(year=year, name="Hoạt động chương trình", kind=BudgetKind.PROGRAMME, amount=200000000)
    BudgetLine.objects.create(year=year, name="Hỗ trợ sản phẩm OCOP", kind=BudgetKind.SUPPORT, amount=250000000)
    return year


def test_the_year_page_names_the_programme_activities_budget(client_for, district_officer, year_with_lines):
    html = client_for(district_officer).get(reverse("evaluations:year_detail", args=[year_with_lines.pk])).content
    html = html.decode()
    assert "Kinh phí hoạt động của chương trình (theo kế hoạch)" in html
    assert "Kinh phí hỗ trợ sản phẩm chi từ các dòng kinh phí hỗ trợ." in html
    assert '<span class="text-nowrap">200.000.000 ₫</span>' in html  # "₫" never alone on a line
    assert "Kinh phí chương trình<" not in html


def test_the_dashboard_and_the_home_name_the_total_of_every_line(client_for, district_officer, year_with_lines):
    client = client_for(district_officer)
    dashboard = client.get(reverse("insights:dashboard") + "?year=2024").content.decode()
    assert "Tổng các dòng kinh phí của năm" in dashboard
    assert "450.000.000 ₫" in dashboard
    assert "Gồm kinh phí hoạt động của chương trình và kinh phí hỗ trợ sản phẩm" in dashboard
    assert '<span class="text-nowrap">250.000.000 ₫</span>' in dashboard  # each line, listed
    home = client.get(reverse("home")).content.decode()
    assert "Tổng các dòng kinh phí của năm" in home
    assert "Kinh phí chương trình" not in home  # the 450.000.000 ₫ sum is not the plan's programme budget
