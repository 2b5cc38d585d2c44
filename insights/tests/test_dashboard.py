"""The district dashboard: figures, links to the lists behind them, permissions, money, bounded queries."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import BudgetLine
from insights import queries
from products.models import Dossier

URL = "/bang-dieu-khien/"


def test_dashboard_url_is_stable():
    assert reverse("insights:dashboard") == URL


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("district_officer", 200),
        ("secretary", 200),
        ("chair", 200),
        ("finance_officer", 200),
        ("sysadmin", 200),
        ("council_member", 403),
        ("commune_official", 403),
    ],
    indirect=["persona"],
)
def test_dashboard_per_role(client_for, persona, status, programme):
    programme(2)
    response = client_for(persona).get(URL)
    assert response.status_code == status
    html = response.content.decode()
    if status == 200:
        assert "Bảng điều khiển của huyện" in html
        assert 'data-testid="funnel"' in html
    else:
        assert "Bạn không có quyền" in html
        assert 'data-testid="funnel"' not in html


def test_dashboard_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_figures_of_the_year(client_for, district_officer, programme):
    year = programme(3)
    response = client_for(district_officer).get(URL, {"year": year.year})
    ctx = response.context
    funnel = {step["key"]: step["count"] for step in ctx["funnel"]}
    # per commune: draft, submitted, accepted+recognised+certified (new), accepted+recognised (re-evaluation)
    assert funnel == {"registered": 12, "submitted": 9, "accepted": 6, "scored": 6, "recognised": 6, "certified": 3}
    targets = {str(row["label"]): (row["actual"], row["target"]) for row in ctx["targets"]}
    assert targets == {"Sản phẩm mới đạt 3★ trở lên": (3, 7), "Sản phẩm đánh giá lại": (3, 2)}
    assert ctx["stars"].by_star == {3: 6}
    assert sorted(row["dossiers"] for row in ctx["by_commune"]) == [4, 4, 4]
    assert sum(row["recognised"] for row in ctx["by_group"]) == 6
    rounds = {r.number: r for r in ctx["rounds"]}
    assert (rounds[2].dossier_total, rounds[2].dossier_editing, rounds[2].dossier_checking) == (6, 3, 3)
    assert rounds[1].recognised == 6
    assert ctx["certificates"]["valid"] == 3


def test_every_figure_links_to_the_filtered_list_that_shows_the_same_number(client_for, district_officer, programme):
    """Follow each funnel link: the dossier list behind it has exactly as many rows as the figure says."""
    year = programme(2)
    client = client_for(district_officer)
    ctx = client.get(URL, {"year": year.year}).context
    links = [(step["url"], step["count"]) for step in ctx["funnel"]]
    links += [(row["url"], row["actual"]) for row in ctx["targets"]]
    links += [(row["url"], row["dossiers"]) for row in ctx["by_commune"]]
    links += [(row["recognised_url"], row["recognised"]) for row in ctx["by_group"]]
    links += [(row["url"], row["count"]) for row in ctx["stars"].star_rows()]
    for url, expected in links:
        assert url.startswith(reverse("products:dossier_list") + "?")
        page = client.get(url).context["page"]
        assert page.paginator.count == expected, url
    html = client.get(URL, {"year": year.year}).content.decode()
    for url, _count in links:
        assert f'href="{url.replace("&", "&amp;")}"' in html


def test_charts_get_their_data_as_json_not_as_script(client_for, district_officer, programme):
    year = programme(2)
    html = client_for(district_officer).get(URL, {"year": year.year}).content.decode()
    start = html.index('<script id="dashboard-data" type="application/json">') + len(
        '<script id="dashboard-data" type="application/json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["funnel"]["values"] == [8, 6, 4, 4, 4, 2]
    assert data["stars"]["values"] == [0, 0, 4, 0, 0]
    assert "/static/vendor/chartjs/chart.umd.min.js" in html
    assert "/static/js/dashboard.js" in html
    # No inline script: every <script> either has a src or is JSON data.
    for tag in html.split("<script")[1:]:
        head = tag.split(">", 1)[0]
        assert "src=" in head or 'type="application/json"' in head, head
    # each chart has its table: as many <canvas> as tables that follow them
    assert html.count("<canvas") == 6


def test_earlier_years_are_compared(client_for, district_officer, programme):
    past = programme(1, year_number=2024)
    current = programme(2)
    ctx = client_for(district_officer).get(URL, {"year": current.year}).context
    history = {entry.year.year: entry.total for entry in ctx["history"]}
    assert history == {2024: 2, current.year: 4}
    assert ctx["year"] == current
    # the year chooser shows the other year
    ctx = client_for(district_officer).get(URL, {"year": 2024}).context
    assert ctx["year"] == past
    assert {step["key"]: step["count"] for step in ctx["funnel"]}["registered"] == 4


def test_unknown_year_falls_back_to_the_current_one(client_for, district_officer, programme):
    year = programme(1)
    for value in ("1999", "abc", ""):
        assert client_for(district_officer).get(URL, {"year": value}).context["year"] == year


@pytest.mark.parametrize(
    ("persona", "sees_money"),
    [
        ("district_officer", True),
        ("finance_officer", True),
        ("sysadmin", True),
        ("secretary", False),
        ("chair", False),
    ],
    indirect=["persona"],
)
def test_money_only_for_the_office_and_finance(client_for, persona, sees_money, programme):
    year = programme(1)
    BudgetLine.objects.create(year=year, name="Tuyên truyền", amount=Decimal("200000000"))
    html = client_for(persona).get(URL).content.decode()
    assert ("200.000.000 ₫" in html) is sees_money
    assert ('data-testid="money"' in html) is sees_money


def test_no_year_yet(client_for, district_officer, authority):
    html = client_for(district_officer).get(URL).content.decode()
    assert "Chưa thiết lập năm chương trình nào." in html
    assert "chart.umd.min.js" not in html


@pytest.mark.parametrize("communes", [1, 3])
def test_dashboard_query_count_does_not_grow(client_for, district_officer, programme, communes):
    """The same number of queries with 1 and with 3 communes (and 4 or 12 dossiers)."""
    year = programme(communes)
    BudgetLine.objects.create(year=year, name="Tuyên truyền", amount=Decimal("1000"))
    client = client_for(district_officer)
    client.get(URL)  # warm the session and the per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    assert Dossier.objects.count() == 4 * communes
    # session and the user with roles, profile and unread count (2), authority (1), the dashboard's aggregates (9:
    # years, recognitions, funnel, rounds, communes, groups, certificates, budget lines with their totals,
    # entitlements by status)
    assert len(captured) == 12, "\n".join(q["sql"][:150] for q in captured.captured_queries)


def test_the_aggregates_alone_are_a_fixed_number(district_officer, programme, django_assert_num_queries):
    year = programme(3)
    with django_assert_num_queries(9):
        queries.district_dashboard(year.authority, year.year, with_money=True)
    with django_assert_num_queries(7):
        queries.district_dashboard(year.authority, year.year, with_money=False)
