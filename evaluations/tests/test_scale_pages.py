"""Province scale: the round's results and a member's sheets are paginated, with flat query counts (1 vs 3 rows)."""

import pytest
from django.urls import reverse

from evaluations import domain
from evaluations.views import rounds as round_views
from evaluations.views import sheets as sheet_views
from products.enums import DossierStatus
from products.tests.factories import DossierFactory, ProducerFactory
from programme.enums import RoundStage


def _accept_more(round_, commune, set06, count):
    for i in range(count):
        DossierFactory(
            product__producer=ProducerFactory(commune=commune, name=f"HTX Số {i}"),
            product__name=f"Sản phẩm {i:03d}",
            product__criteria_set=set06,
            round=round_,
            status=DossierStatus.ACCEPTED,
        )


@pytest.mark.parametrize("item_count", [1, 3])
def test_round_results_query_count_is_flat(
    client_for, scoring_round, members, commune, set06, secretary, item_count, django_assert_num_queries
):
    _accept_more(scoring_round, commune, set06, item_count)
    domain.start_scoring(scoring_round, by=secretary)
    chair = members[0].user
    client = client_for(chair)
    url = reverse("evaluations:round_detail", args=[scoring_round.pk])
    client.get(url)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["page"]) == item_count
    assert [d.sheets_all for d in response.context["page"]] == [4] * item_count
    assert [d.sheets_done for d in response.context["page"]] == [0] * item_count


def test_round_results_are_paginated_and_problems_capped(
    client_for, scoring_round, members, commune, set06, secretary, monkeypatch
):
    monkeypatch.setattr(round_views, "RESULTS_PAGE_SIZE", 2)
    monkeypatch.setattr(round_views, "SHOWN", 3)
    _accept_more(scoring_round, commune, set06, 5)
    domain.start_scoring(scoring_round, by=secretary)
    domain.approval_problems(scoring_round)
    client = client_for(members[0].user)
    url = reverse("evaluations:round_detail", args=[scoring_round.pk])
    first = client.get(url)
    assert [d.product.name for d in first.context["page"]] == ["Sản phẩm 000", "Sản phẩm 001"]
    last = client.get(url, {"page": 3})
    assert [d.product.name for d in last.context["page"]] == ["Sản phẩm 004"]
    assert first.context["page"].paginator.count == 5
    # No sheet submitted: every product lacks its quorum and the chair's sheet (10 problems); three shown, the rest
    # counted.
    assert len(first.context["problems"]) == 3
    assert first.context["problems_more"] == 7
    html = first.content.decode()
    assert "và 7 vấn đề khác" in html
    assert "?page=2" in html


@pytest.mark.parametrize("item_count", [1, 3])
def test_members_sheets_query_count_is_flat(
    client_for, scoring_round, members, commune, set06, secretary, item_count, django_assert_num_queries
):
    _accept_more(scoring_round, commune, set06, item_count)
    domain.start_scoring(scoring_round, by=secretary)
    client = client_for(members[1].user)
    client.get(reverse("evaluations:my_sheets"))
    # session, user; open sheets: count, ids, rows; earlier rounds: count (no ids or rows when it is empty)
    with django_assert_num_queries(6):
        response = client.get(reverse("evaluations:my_sheets"))
    assert len(response.context["page"]) == item_count
    assert response.context["past_page"].paginator.count == 0


def test_members_sheets_split_open_and_earlier_and_paginate_both(
    client_for, scoring_round, members, commune, set06, secretary, monkeypatch
):
    monkeypatch.setattr(sheet_views, "PAST_PAGE_SIZE", 2)
    _accept_more(scoring_round, commune, set06, 3)
    domain.start_scoring(scoring_round, by=secretary)
    client = client_for(members[1].user)
    response = client.get(reverse("evaluations:my_sheets"))
    assert [s.dossier.product.name for s in response.context["page"]] == [f"Sản phẩm {i:03d}" for i in range(3)]
    assert response.context["past_page"].paginator.count == 0

    scoring_round.stage = RoundStage.APPROVED  # the round is over: its sheets move to "earlier rounds"
    scoring_round.save(update_fields=["stage"])
    response = client.get(reverse("evaluations:my_sheets"), {"earlier": 2})
    assert len(response.context["page"]) == 0
    assert [s.dossier.product.name for s in response.context["past_page"]] == ["Sản phẩm 002"]
    html = response.content.decode()
    assert "earlier=1" in html  # the earlier list's own page links
    assert 'data-testid="past-sheets"' in html
    # Another member's sheets are not listed.
    other = client_for(members[2].user).get(reverse("evaluations:my_sheets"), {"earlier": 1})
    assert all(s.member_id == members[2].pk for s in other.context["past_page"])
