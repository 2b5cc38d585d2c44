"""Issue 18, item 7, page by page: every link a role is shown opens for that role (the demo-wide crawl is
``ocop/tests/test_role_crawl.py``). Finance saw the dashboard's figures as links into the dossier list, the rounds
and the certificate register, all of which answer 403 for finance."""

import re
from html import unescape

import pytest
from django.urls import reverse

from evaluations.models import CouncilMember, ScoreSheet
from ocop import rules
from ocop.enums import Role
from products.models import Dossier

HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"]*)"')
LISTS = {"dossier.list": "/ho-so/", "round.list": "/dot-danh-gia/", "certificate.list": "/giay-chung-nhan/"}


def _links(html: str) -> set[str]:
    return {unescape(href) for href in HREF.findall(html)}


def _broken(client, links) -> list[tuple[str, int]]:
    answers = ((link, client.get(link).status_code) for link in sorted(links))
    return [(link, status) for link, status in answers if status in (403, 404) or status >= 500]


@pytest.mark.parametrize(
    "persona", ["district_officer", "secretary", "chair", "finance_officer", "sysadmin"], indirect=True
)
def test_the_dashboard_links_only_into_lists_the_role_may_open(client_for, persona, programme):
    programme(2)
    client = client_for(persona)
    links = _links(client.get(reverse("insights:dashboard")).content.decode())
    for action, prefix in LISTS.items():
        shown = any(link.startswith(prefix) for link in links)
        assert shown is rules.can(persona, action), (action, sorted(links))
    assert _broken(client, links) == []


def test_the_product_page_links_to_its_dossiers_only_for_who_may_open_them(
    client_for, programme, finance_officer, chair
):
    programme(1)
    dossier = Dossier.objects.order_by("pk").first()
    url = reverse("products:product_detail", args=[dossier.product_id])
    target = reverse("products:dossier_detail", args=[dossier.pk])
    for user, shown in ((finance_officer, False), (chair, True)):
        client = client_for(user)
        links = _links(client.get(url).content.decode())
        assert (target in links) is shown
        assert _broken(client, links) == []


def test_a_council_members_dossier_page_leads_back_to_their_sheets(client_for, programme, make_user):
    programme(1)
    dossier = Dossier.objects.order_by("pk").first()
    member = make_user(Role.COUNCIL_MEMBER, username="tv-links")
    seat = CouncilMember.objects.create(round=dossier.round, user=member, role="member")
    ScoreSheet.objects.create(dossier=dossier, member=seat, criteria_set=dossier.product.criteria_set)
    client = client_for(member)
    links = _links(client.get(reverse("products:dossier_detail", args=[dossier.pk])).content.decode())
    assert reverse("products:dossier_list") not in links
    assert reverse("evaluations:my_sheets") in links
    assert _broken(client, links) == []
