"""Scoring pages per role: the sheet, the result (hidden until one's own sheet is submitted), rounds, criteria."""

import pytest
from django.urls import reverse

from evaluations import domain
from evaluations.enums import SheetStatus
from evaluations.tests.conftest import option_points, sheet_of


def _post_choices(choices, **extra):
    return {**{f"c-{code}": points for code, points in choices.items()}, **extra}


def test_member_scores_saves_draft_then_submits(client_for, started, accepted, members, set06):
    seat = members[1]
    sheet = sheet_of(accepted, seat)
    client = client_for(seat.user)
    page = client.get(reverse("evaluations:sheet", args=[sheet.pk])).content.decode()
    assert "Nguồn nguyên liệu" in page  # criterion 1a of set 06
    assert 'name="c-1a"' in page
    choices = option_points(set06, 1)
    partial = dict(list(choices.items())[:5])
    response = client.post(reverse("evaluations:sheet", args=[sheet.pk]), _post_choices(partial, save="1"), follow=True)
    assert "Đã lưu nháp." in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.choices == partial
    form = _post_choices(choices, submit="1", comment="Sản phẩm tốt", attest="1")
    response = client.post(reverse("evaluations:sheet", args=[sheet.pk]), form, follow=True)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    assert sheet.comment == "Sản phẩm tốt"
    assert sheet.attested_by == seat.user  # the tick signed it
    assert response.redirect_chain[-1][0] == reverse("evaluations:result", args=[accepted.pk])


def test_incomplete_submit_keeps_choices_and_lists_missing(client_for, started, accepted, members, set06):
    seat = members[1]
    sheet = sheet_of(accepted, seat)
    choices = dict(list(option_points(set06, 1).items())[:3])
    response = client_for(seat.user).post(
        reverse("evaluations:sheet", args=[sheet.pk]), _post_choices(choices, submit="1", attest="1")
    )
    html = response.content.decode()
    assert "Còn thiếu:" in html
    assert 'value="{}" checked'.format(choices["1a"]) in html
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    assert sheet.choices == choices  # the draft was saved: nothing lost


def test_scoring_page_has_no_query_per_criterion(client_for, started, accepted, members, django_assert_max_num_queries):
    sheet = sheet_of(accepted, members[1])
    client = client_for(members[1].user)
    client.get(reverse("evaluations:sheet", args=[sheet.pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("evaluations:sheet", args=[sheet.pk]))


def test_member_sees_result_only_after_submitting(client_for, started, accepted, members, set06):
    first, second = members[1], members[2]
    domain.submit_sheet(sheet_of(accepted, first), choices=option_points(set06, 1), by=first.user)
    url = reverse("evaluations:result", args=[accepted.pk])
    response = client_for(second.user).get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:sheet", args=[sheet_of(accepted, second).pk])
    html = client_for(first.user).get(url).content.decode()
    assert 'data-testid="mean"' in html


def test_member_cannot_open_another_members_draft_or_unassigned_sheet(
    client_for, started, accepted, members, make_user
):
    other_draft = sheet_of(accepted, members[2])
    assert client_for(members[1].user).get(reverse("evaluations:sheet", args=[other_draft.pk])).status_code == 404
    from ocop.enums import Role

    stranger = make_user(Role.COUNCIL_MEMBER, username="khong-phan-cong")
    assert client_for(stranger).get(reverse("evaluations:sheet", args=[other_draft.pk])).status_code == 404
    assert client_for(stranger).get(reverse("evaluations:result", args=[accepted.pk])).status_code == 403


def test_conflicted_member_has_no_sheet_and_cannot_open_others(client_for, scoring_round, members, accepted,
                                                               secretary, set06):  # fmt: skip
    domain.declare_conflict(members[3], accepted.product.producer, note="Họ hàng", by=secretary)
    domain.start_scoring(scoring_round, by=secretary)
    assert not accepted.sheets.filter(member=members[3]).exists()
    domain.submit_sheet(sheet_of(accepted, members[1]), choices=option_points(set06, 1), by=members[1].user)
    client = client_for(members[3].user)
    assert client.get(reverse("evaluations:sheet", args=[sheet_of(accepted, members[1]).pk])).status_code == 404
    assert client.get(reverse("evaluations:result", args=[accepted.pk])).status_code == 403


@pytest.mark.parametrize(("persona", "status"), [("commune_official", 403), ("outsider_official", 404),
                                                 ("finance_officer", 403), ("secretary", 200)],
                         indirect=["persona"])  # fmt: skip
def test_commune_sees_no_scores_before_approval(client_for, persona, status, started, accepted, members, set06):
    domain.submit_sheet(sheet_of(accepted, members[1]), choices=option_points(set06, 1), by=members[1].user)
    client = client_for(persona)
    assert client.get(reverse("evaluations:result", args=[accepted.pk])).status_code == status
    sheet_status = client.get(reverse("evaluations:sheet", args=[sheet_of(accepted, members[1]).pk])).status_code
    assert sheet_status == (200 if status == 200 else 404)


def test_commune_sees_its_result_after_approval(client_for, started, accepted, members, set06, commune_official):
    for seat in members:
        domain.submit_sheet(sheet_of(accepted, seat), choices=option_points(set06, 1), by=seat.user)
    domain.approve_results(started, by=members[0].user)
    html = client_for(commune_official).get(reverse("evaluations:result", args=[accepted.pk])).content.decode()
    assert 'data-testid="star"' in html


def test_secretariat_reopens_a_sheet_over_http(client_for, started, accepted, members, set06, secretary):
    sheet = sheet_of(accepted, members[1])
    domain.submit_sheet(sheet, choices=option_points(set06, 1), by=members[1].user)
    client = client_for(secretary)
    assert client.get(reverse("evaluations:reopen_sheet", args=[sheet.pk])).status_code == 405
    client.post(reverse("evaluations:reopen_sheet", args=[sheet.pk]), {"reason": "Chấm lại tiêu chí 1a"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    assert (
        client_for(members[2].user)
        .post(reverse("evaluations:reopen_sheet", args=[sheet.pk]), {"reason": "x"})
        .status_code
        == 403
    )


def test_chair_approves_over_http_and_member_cannot(client_for, started, accepted, members, set06):
    for seat in members:
        domain.submit_sheet(sheet_of(accepted, seat), choices=option_points(set06, 1), by=seat.user)
    url = reverse("evaluations:approve", args=[started.pk])
    assert client_for(members[1].user).post(url, {"confirmed": "1"}).status_code == 403
    chair = client_for(members[0].user)
    page = chair.get(url)
    assert page.templates[0].name == "confirm.html" and "Bánh mật Thanh Lâm" not in page.context["blocking"]
    chair.post(url)  # without the confirmation nothing happens
    started.refresh_from_db()
    assert started.stage == "scoring"
    chair.post(url, {"confirmed": "1"})
    started.refresh_from_db()
    assert started.stage == "approved"


@pytest.mark.parametrize(("persona", "status"), [("secretary", 200), ("district_officer", 200), ("chair", 200),
                                                 ("council_member", 200), ("commune_official", 403),
                                                 ("finance_officer", 403)], indirect=["persona"])  # fmt: skip
def test_round_pages_per_role(client_for, persona, status, started):
    assert client_for(persona).get(reverse("evaluations:round_list")).status_code == status
    assert client_for(persona).get(reverse("evaluations:round_detail", args=[started.pk])).status_code == status


def test_round_detail_hides_scores_from_members(client_for, started, accepted, members, set06):
    domain.submit_sheet(sheet_of(accepted, members[1]), choices=option_points(set06, 1), by=members[1].user)
    member_html = client_for(members[2].user).get(reverse("evaluations:round_detail", args=[started.pk])).content
    chair_html = client_for(members[0].user).get(reverse("evaluations:round_detail", args=[started.pk])).content
    assert "Điểm bình quân" not in member_html.decode()
    assert "Điểm bình quân" in chair_html.decode()


@pytest.mark.parametrize("item_count", [1, 3])
def test_round_list_query_count(client_for, secretary, authority, item_count, django_assert_num_queries):
    from products.tests.factories import RoundFactory

    for _ in range(item_count):
        RoundFactory(year__authority=authority)
    client = client_for(secretary)
    client.get(reverse("evaluations:round_list"))
    with django_assert_num_queries(3):
        response = client.get(reverse("evaluations:round_list"))
    assert len(response.context["rounds"]) == item_count


def test_unverified_set_is_confirmed_by_staff(client_for, set06, secretary, council_member):
    from programme.models import CriteriaSet

    tea = CriteriaSet.objects.get(edition="qd148-2023", code="11")
    page = client_for(secretary).get(reverse("evaluations:criteria_detail", args=[tea.pk])).content.decode()
    assert "phần C" in page  # the warning names the part that does not add up
    assert client_for(council_member).post(reverse("evaluations:confirm_criteria", args=[tea.pk])).status_code == 403
    client_for(secretary).post(reverse("evaluations:confirm_criteria", args=[tea.pk]))
    tea.refresh_from_db()
    assert tea.confirmed_by == secretary


def test_assigned_member_reads_the_dossier(client_for, started, accepted, members, make_user):
    from ocop.enums import Role

    assert client_for(members[1].user).get(reverse("products:dossier_detail", args=[accepted.pk])).status_code == 200
    stranger = make_user(Role.COUNCIL_MEMBER)
    assert client_for(stranger).get(reverse("products:dossier_detail", args=[accepted.pk])).status_code == 403
