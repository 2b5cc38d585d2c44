"""Issue 9 pages: programme years, rounds, the decision's correction and the confirmation pages, for every role."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONAS
from evaluations import domain, programme
from evaluations.enums import CouncilRole
from evaluations.models import CouncilMember
from evaluations.tests.conftest import option_points, sheet_of
from products.tests.factories import ProgrammeYearFactory
from programme.enums import RoundStage
from programme.models import ProgrammeYear, Round

ALL = PERSONAS


def expect(allowed, status=200):
    return [(p, status if p in allowed else 403) for p in ALL]


VIEWERS = {"district_officer", "secretary", "chair", "finance_officer", "sysadmin"}
OFFICE = {"district_officer", "sysadmin"}
MANAGERS = {"district_officer", "secretary", "sysadmin"}


@pytest.fixture
def year(authority):
    year = ProgrammeYearFactory(authority=authority, year=2026, target_new_products=7, target_reevaluations=2)
    year.budget = Decimal("200000000")
    year.save()
    return year


@pytest.mark.parametrize(("persona", "status"), expect(VIEWERS), indirect=["persona"])
def test_year_list_and_detail_per_role(client_for, persona, status, year):
    client = client_for(persona)
    listing = client.get(reverse("evaluations:year_list"))
    detail = client.get(reverse("evaluations:year_detail", args=[year.pk]))
    assert (listing.status_code, detail.status_code) == (status, status)
    if status == 200:
        assert [y.year for y in listing.context["page"]] == [2026]
        page = detail.content.decode()
        assert "0/7" in page and "0/2" in page
        # Money is for the office and finance: the chair and the secretariat see targets, not the budget.
        assert ("200.000.000" in page) is (persona.username in ("phong", "taichinh", "sysadmin"))


@pytest.mark.parametrize(("persona", "status"), expect(OFFICE), indirect=["persona"])
def test_year_forms_per_role(client_for, persona, status, year):
    client = client_for(persona)
    for name, args in [("year_create", []), ("year_edit", [year.pk]), ("year_targets", [year.pk]),
                       ("year_close", [year.pk])]:  # fmt: skip
        assert client.get(reverse(f"evaluations:{name}", args=args)).status_code == status, name


@pytest.mark.parametrize(("persona", "status"), expect(MANAGERS), indirect=["persona"])
def test_round_forms_per_role(client_for, persona, status, year):
    round_ = programme.create_round(year, by=_office(year))
    client = client_for(persona)
    assert client.get(reverse("evaluations:round_create", args=[year.pk])).status_code == status
    assert client.get(reverse("evaluations:round_edit", args=[round_.pk])).status_code == status


def _office(year):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="phong")


@pytest.fixture(autouse=True)
def _office_exists(district_officer):
    return district_officer


def test_year_list_queries_do_not_grow(client_for, district_officer, authority, django_assert_num_queries):
    client = client_for(district_officer)
    counts = []
    for n in (1, 3):
        ProgrammeYear.objects.all().delete()
        for i in range(n):
            ProgrammeYearFactory(authority=authority, year=2020 + i)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("evaluations:year_list"))
        assert len(response.context["page"]) == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_office_creates_a_year_from_last_years_plan(client_for, district_officer, year):
    client = client_for(district_officer)
    form = client.get(reverse("evaluations:year_create"))
    initial = form.context["form"].initial
    assert (initial["year"], initial["target_new_products"], initial["ceremony_by"]) == (
        2027,
        7,
        datetime.date(2027, 12, 15),
    )
    duplicate = client.post(reverse("evaluations:year_create"), {"year": 2026, "target_new_products": 3,
                                                                   "target_reevaluations": 1, "budget": 0})  # fmt: skip
    assert duplicate.status_code == 200 and duplicate.context["form"].errors["year"]
    assert duplicate.context["form"]["target_new_products"].value() == "3"  # nothing typed is lost
    response = client.post(
        reverse("evaluations:year_create"),
        {"year": 2027, "plan_reference": "KH 15/KH-UBND", "target_new_products": 9, "target_reevaluations": 3,
         "budget": 250000000, "ceremony_by": "15/12/2027"},
    )  # fmt: skip
    created = ProgrammeYear.objects.get(year=2027)
    assert response.url == reverse("evaluations:year_detail", args=[created.pk])
    assert (created.target_new_products, created.budget, created.ceremony_by) == (
        9,
        Decimal("250000000"),
        datetime.date(2027, 12, 15),
    )


def test_office_sets_commune_targets_and_closes_the_year(client_for, district_officer, year, commune, other_commune):
    client = client_for(district_officer)
    url = reverse("evaluations:year_targets", args=[year.pk])
    data = {
        f"new_{commune.pk}": 2,
        f"reev_{commune.pk}": 1,
        f"new_{other_commune.pk}": 0,
        f"reev_{other_commune.pk}": 0,
    }
    bad = client.post(url, data | {f"new_{other_commune.pk}": -1})
    assert bad.status_code == 200 and bad.context["form"].errors
    client.post(url, data)
    assert [(t.commune, t.new_products) for t in year.commune_targets.all()] == [(commune, 2)]
    close = reverse("evaluations:year_close", args=[year.pk])
    page = client.get(close)
    assert page.templates[0].name == "confirm.html" and page.context["blocking"] == []
    client.post(close)  # without confirmation: nothing
    year.refresh_from_db()
    assert not year.is_closed
    client.post(close, {"confirmed": "1"})
    year.refresh_from_db()
    assert year.is_closed
    edit = client.get(reverse("evaluations:year_edit", args=[year.pk]), follow=True)
    assert "đã kết thúc" in edit.content.decode()


def test_close_page_lists_the_open_round(client_for, district_officer, year):
    round_ = programme.create_round(year, by=district_officer)
    page = client_for(district_officer).get(reverse("evaluations:year_close", args=[year.pk]))
    assert page.context["blocking"] and str(round_) in page.context["blocking"][0]
    assert 'data-testid="confirm"' not in page.content.decode()


def test_secretariat_adds_a_round_with_the_plan_dates_and_last_council(client_for, secretary, year, chair):
    first = programme.create_round(year, by=secretary)
    CouncilMember.objects.create(round=first, user=chair, role=CouncilRole.CHAIR)
    client = client_for(secretary)
    url = reverse("evaluations:round_create", args=[year.pk])
    form = client.get(url).context["form"]
    assert form.initial["commune_deadline"] == datetime.date(2026, 10, 10)
    assert form.initial["district_deadline"] == datetime.date(2026, 10, 15)
    assert form.initial["copy_council_from"] == first.pk
    bad = client.post(url, {"commune_deadline": "10/10/2026", "district_deadline": "01/10/2026"})
    assert bad.context["form"].errors["district_deadline"]
    response = client.post(
        url,
        {"commune_deadline": "10/10/2026", "district_deadline": "15/10/2026", "meeting_date": "14/10/2026",
         "meeting_place": "Hội trường UBND", "copy_council_from": first.pk},
    )  # fmt: skip
    second = Round.objects.get(year=year, number=2)
    assert response.url == reverse("evaluations:round_detail", args=[second.pk])
    assert list(second.council.values_list("user__username", "role")) == [("chair", "chair")]
    edit = reverse("evaluations:round_edit", args=[second.pk])
    client.post(edit, {"commune_deadline": "10/10/2026", "district_deadline": "16/10/2026"})
    second.refresh_from_db()
    assert second.district_deadline == datetime.date(2026, 10, 16)


# ---------------------------------------------------------------------------------------------------- approval
@pytest.mark.parametrize(("persona", "status"), expect({"chair"}), indirect=["persona"])
def test_approval_page_per_role(client_for, persona, status, started):
    assert client_for(persona).get(reverse("evaluations:approve", args=[started.pk])).status_code == status


def test_approval_page_lists_drafts_and_the_deadline(client_for, started, accepted, members, set06):
    for seat in members[:3]:
        domain.submit_sheet(sheet_of(accepted, seat), choices=option_points(set06, 1), by=seat.user)
    client = client_for(members[0].user)
    url = reverse("evaluations:approve", args=[started.pk])
    page = client.get(url)
    unfinished = " ".join(page.context["unfinished"])
    assert "Hạn chấm điểm là 23:59" in unfinished and "tv3 chưa nộp phiếu chấm Bánh mật Thanh Lâm" in unfinished
    client.post(url, {"confirmed": "1"})
    started.refresh_from_db()
    assert started.stage == RoundStage.APPROVED
    sheet = client_for(members[3].user).get(reverse("evaluations:sheet", args=[sheet_of(accepted, members[3]).pk]))
    assert "Không nộp (đợt đã được phê duyệt ngày" in sheet.content.decode()
    assert "0/100" not in sheet.content.decode()


# ---------------------------------------------------------------------------------------------------- decisions
@pytest.fixture
def approved(started, accepted, members, set06):
    for seat in members:
        domain.submit_sheet(sheet_of(accepted, seat), choices=option_points(set06, -1), by=seat.user)
    domain.approve_results(started, by=members[0].user)
    started.refresh_from_db()
    return started


@pytest.mark.parametrize(("persona", "status"), expect(OFFICE), indirect=["persona"])
def test_decision_pages_per_role(client_for, persona, status, approved, district_officer):
    assert client_for(persona).get(reverse("evaluations:record_decision", args=[approved.pk])).status_code == status
    domain.record_decision(approved, number="1/QĐ", date=timezone.localdate(), signed_by="A", by=district_officer)
    assert client_for(persona).get(reverse("evaluations:correct_decision", args=[approved.pk])).status_code == status


def test_record_then_correct_a_decision_over_http(client_for, district_officer, approved):
    client = client_for(district_officer)
    url = reverse("evaluations:record_decision", args=[approved.pk])
    page = client.get(url).content.decode()
    assert "Bánh mật Thanh Lâm (Tổ hợp tác bánh mật): công nhận 3★." in page
    today = timezone.localdate().strftime("%d/%m/%Y")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    refused = client.post(url, {"number": "5/QĐ-UBND", "date": tomorrow, "signed_by": "Ông A", "confirmed": "1"})
    assert refused.context["form"].errors["date"] and refused.context["form"]["number"].value() == "5/QĐ-UBND"
    client.post(url, {"number": "5/QĐ-UBND", "date": today, "signed_by": "Ông A", "confirmed": "1"})
    approved.refresh_from_db()
    assert approved.decision.number == "5/QĐ-UBND"
    detail = client.get(reverse("evaluations:round_detail", args=[approved.pk])).content.decode()
    assert 'data-testid="correct-decision"' in detail
    client.post(
        reverse("evaluations:correct_decision", args=[approved.pk]),
        {"number": "6/QĐ-UBND", "date": today, "signed_by": "Ông A"},
    )
    approved.decision.refresh_from_db()
    assert approved.decision.number == "6/QĐ-UBND"
    history = client.get(reverse("history", args=["evaluations.round", approved.pk])).content.decode()
    assert "Đính chính quyết định công nhận" in history


def test_sheet_warns_for_every_unverified_set(client_for, started, accepted, members, secretary):
    from programme.models import CriteriaSet

    unverified = CriteriaSet.objects.filter(verified=False, warnings=[]).first()
    assert unverified is not None  # an unverified set whose arithmetic is fine still warns
    sheet = sheet_of(accepted, members[1])
    sheet.criteria_set = unverified
    sheet.save()
    page = client_for(members[1].user).get(reverse("evaluations:sheet", args=[sheet.pk])).content.decode()
    assert 'data-testid="unverified-warning"' in page
