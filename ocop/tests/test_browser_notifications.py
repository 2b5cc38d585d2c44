"""Journey in headless Chromium: a council member sees the bell's badge, opens the centre and the reminder."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from evaluations import reminders
from evaluations.enums import CouncilRole
from evaluations.models import CouncilMember, ScoreSheet
from ocop.enums import Role
from ocop.models import Notification, NotificationChannel
from products.enums import DossierStatus
from products.tests.factories import CriteriaSetFactory, DossierFactory, ProducerFactory, RoundFactory
from programme.enums import RoundStage

VN = timezone.get_fixed_timezone(7 * 60)


@pytest.fixture
def member_with_reminder(transactional_db, authority, commune, make_user):
    """A member with a draft sheet in a round whose scoring closes today; yesterday's scan reminded them."""
    today = timezone.localdate()
    member = make_user(Role.COUNCIL_MEMBER, username="hoidong1", email="hoidong1@example.vn")
    member.profile.full_name = "Phạm Thị Hoa"
    member.profile.save()
    round_ = RoundFactory(
        year__authority=authority,
        commune_deadline=today - datetime.timedelta(days=10),
        district_deadline=today,
        stage=RoundStage.SCORING,
    )
    criteria_set = CriteriaSetFactory()
    dossier = DossierFactory(
        product__producer=ProducerFactory(commune=commune),
        product__name="Bánh mật Thanh Lâm",
        product__criteria_set=criteria_set,
        round=round_,
        status=DossierStatus.ACCEPTED,
    )
    seat = CouncilMember.objects.create(round=round_, user=member, role=CouncilRole.MEMBER)
    ScoreSheet.objects.create(dossier=dossier, member=seat, criteria_set=criteria_set)
    yesterday_morning = datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time(9), tzinfo=VN)
    reminders.scan(now=yesterday_morning)
    return member, round_


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_member_sees_the_badge_and_opens_the_reminder(member_with_reminder, live_server, page, screenshot):
    member, round_ = member_with_reminder
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", "hoidong1")
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")

    badge = page.locator("[data-testid=notification-badge]")
    badge.wait_for()
    assert badge.inner_text().split()[0] == "1"
    screenshot(page, "notifications-badge")

    page.click("[data-testid=notification-bell]")
    page.wait_for_selector("[data-testid=notification]")
    with translation.override("vi"):
        assert page.locator("h1").inner_text() == translation.gettext("Notifications")
    items = page.locator("[data-testid=notification]")
    assert items.count() == 1
    # The subject names the round the fixture created ("Đợt đánh giá OCOP <number>/<year>: còn 1 ngày…"), whatever
    # number the factory's sequence gave it.
    with translation.override("vi"):
        subject = render_to_string(
            "emails/scoring-deadline-subject.txt",
            {"round_number": round_.number, "year": round_.year.year, "days_left": 1},
        ).strip()
    assert subject in items.first.inner_text()
    screenshot(page, "notifications-centre")

    page.click("[data-testid=notification-open]")
    page.wait_for_selector("[data-testid=notification-detail]")
    detail = page.locator("[data-testid=notification-detail]").inner_text()
    assert "23:59" in detail
    assert timezone.localdate().strftime("%d/%m/%Y") in detail
    assert page.locator("[data-testid=notification-badge]").count() == 0  # read: the badge is gone
    screenshot(page, "notifications-detail")

    page.click("[data-testid=notification-target]")
    page.wait_for_url(f"{base}/cham-diem/")
    assert page.locator("[data-testid=notification-badge]").count() == 0
    row = Notification.objects.get(recipient=member, channel=NotificationChannel.IN_APP)
    assert row.read_at is not None
