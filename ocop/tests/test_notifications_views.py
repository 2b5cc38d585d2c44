"""The notification centre and the outbox pages: who sees what, POST-only changes, query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from ocop import delivery, notify
from ocop.enums import Role
from ocop.models import AuditEntry, Notification, NotificationChannel, NotificationKind, NotificationStatus
from ocop.tests.test_notifications import CONTEXT

ALL_PERSONAS = [
    "district_officer",
    "secretary",
    "chair",
    "council_member",
    "commune_official",
    "outsider_official",
    "finance_officer",
    "sysadmin",
]


def send(user, n=1, **kwargs):
    context = {**CONTEXT, "product": f"Sản phẩm {n}"}
    return notify.notify(
        user, NotificationKind.DOSSIER_RETURNED, None, f"test:{n}:{user.pk}", context=context, **kwargs
    )


def in_app(user, n=1) -> Notification:
    return Notification.objects.get(recipient=user, channel=NotificationChannel.IN_APP, dedup_key=f"test:{n}:{user.pk}")


# ---------------------------------------------------------------------------------------------------- the centre
@pytest.mark.parametrize("persona", ALL_PERSONAS, indirect=True)
def test_every_role_has_a_notification_centre_with_only_its_own(persona, client_for, make_user):
    other = make_user(Role.COUNCIL_MEMBER, username="someone-else")
    send(persona, 1)
    send(other, 2)
    response = client_for(persona).get(reverse("notifications"))
    assert response.status_code == 200
    subjects = [subject for _row, subject in response.context["items"]]
    assert subjects == [delivery.render_message(in_app(persona, 1), "vi")[0]]
    assert subjects[0].endswith(": Sản phẩm 1")
    assert "Sản phẩm 2" not in response.content.decode()


def test_the_centre_needs_a_login_and_a_role(client, client_for, no_role_user):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client_for(no_role_user).get(reverse("notifications")).status_code == 403


def test_the_centre_lists_newest_first_and_hides_emails_and_future_rows(council_member, client_for):
    now = timezone.now()
    send(council_member, 1, now=now - datetime.timedelta(days=2))
    send(council_member, 2, now=now - datetime.timedelta(days=1))
    send(council_member, 3, due_at=now + datetime.timedelta(hours=3))
    response = client_for(council_member).get(reverse("notifications"))
    rows = [row for row, _subject in response.context["items"]]
    assert [row.dedup_key for row in rows] == [f"test:2:{council_member.pk}", f"test:1:{council_member.pk}"]
    assert {row.channel for row in rows} == {NotificationChannel.IN_APP}


@pytest.mark.parametrize("item_count", [1, 3])
def test_the_centre_query_count(council_member, client_for, item_count, django_assert_num_queries):
    for n in range(item_count):
        send(council_member, n)
    client = client_for(council_member)
    # session, user, roles, page count, rows, unread badge, the navbar's profile
    with django_assert_num_queries(4):
        response = client.get(reverse("notifications"))
    assert len(response.context["items"]) == item_count


def test_the_badge_shows_the_unread_count(council_member, client_for):
    send(council_member, 1)
    send(council_member, 2)
    client = client_for(council_member)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="notification-badge">2<' in page
    notify.mark_all_read(by=council_member)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="notification-badge"' not in page
    assert 'data-testid="notification-bell"' in page


# ---------------------------------------------------------------------------------------------------- one notification
def test_the_recipient_reads_a_notification(council_member, client_for):
    send(council_member)
    row = in_app(council_member)
    response = client_for(council_member).get(reverse("notification_detail", args=[row.pk]))
    assert response.status_code == 200
    assert response.context["subject"].endswith("Sản phẩm 1")
    assert "- Thiếu giấy chứng nhận VSATTP" in response.context["body"]
    assert 'href="/ho-so/7/"' in response.content.decode()
    assert [c.channel for c in response.context["copies"]] == [NotificationChannel.EMAIL]
    row.refresh_from_db()
    assert row.read_at is None  # GET changes nothing


@pytest.mark.parametrize("persona", ALL_PERSONAS, indirect=True)
def test_nobody_else_sees_a_notification(persona, client_for, make_user):
    owner = make_user(Role.COUNCIL_MEMBER, username="owner")
    send(owner)
    row = in_app(owner)
    client = client_for(persona)
    assert client.get(reverse("notification_detail", args=[row.pk])).status_code == 404
    assert client.post(reverse("notification_open", args=[row.pk])).status_code == 404
    assert client.post(reverse("notification_mark_read", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_the_email_row_is_not_opened_through_the_centre(council_member, client_for):
    send(council_member)
    email = Notification.objects.get(recipient=council_member, channel=NotificationChannel.EMAIL)
    assert client_for(council_member).get(reverse("notification_detail", args=[email.pk])).status_code == 404


def test_opening_marks_read_and_shows_it(council_member, client_for):
    send(council_member)
    row = in_app(council_member)
    client = client_for(council_member)
    assert client.get(reverse("notification_open", args=[row.pk])).status_code == 405
    row.refresh_from_db()
    assert row.read_at is None
    response = client.post(reverse("notification_open", args=[row.pk]))
    assert response.status_code == 302
    assert response.url == reverse("notification_detail", args=[row.pk])
    row.refresh_from_db()
    assert row.read_at is not None


def test_mark_read_and_mark_all_read_are_post_only(council_member, client_for):
    send(council_member, 1)
    send(council_member, 2)
    client = client_for(council_member)
    assert client.get(reverse("notification_mark_read", args=[in_app(council_member, 1).pk])).status_code == 405
    assert client.get(reverse("notifications_mark_all_read")).status_code == 405
    assert Notification.objects.inbox_of(council_member).unread().count() == 2

    response = client.post(reverse("notification_mark_read", args=[in_app(council_member, 1).pk]))
    assert (response.status_code, response.url) == (302, reverse("notifications"))
    assert Notification.objects.inbox_of(council_member).unread().count() == 1
    client.post(reverse("notifications_mark_all_read"))
    assert Notification.objects.inbox_of(council_member).unread().count() == 0


# ---------------------------------------------------------------------------------------------------- the outbox
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("district_officer", 200),
        ("secretary", 403),
        ("chair", 403),
        ("council_member", 403),
        ("commune_official", 403),
        ("outsider_official", 403),
        ("finance_officer", 403),
        ("sysadmin", 200),
    ],
    indirect=["persona"],
)
def test_outbox_is_for_the_district_office_and_sysadmin(persona, status, client_for):
    assert client_for(persona).get(reverse("outbox")).status_code == status


@pytest.fixture
def mixed_outbox(make_user, commune):
    """Three users, each with an in-app row (sent) and an email row: pending, failed, skipped."""
    pending = make_user(Role.COMMUNE_OFFICIAL, commune=commune, username="pending", email="p@example.vn")
    failed = make_user(Role.COUNCIL_MEMBER, username="failed", email="f@example.vn")
    skipped = make_user(Role.COUNCIL_MEMBER, username="skipped")
    for user in (pending, failed, skipped):
        send(user)
    Notification.objects.filter(recipient=failed, channel="email").update(
        status=NotificationStatus.FAILED, attempts=6, last_error="SMTPRecipientsRefused: 550"
    )
    return pending, failed, skipped


@pytest.mark.parametrize(
    ("query", "usernames"),
    [
        ("", ["failed", "failed", "pending", "pending", "skipped", "skipped"]),
        ("?status=failed", ["failed"]),
        ("?status=skipped", ["skipped"]),
        ("?status=pending", ["pending"]),
        ("?channel=in_app", ["failed", "pending", "skipped"]),
        ("?kind=dossier-returned&channel=email", ["failed", "pending", "skipped"]),
        ("?kind=ceremony", []),
        ("?q=fail", ["failed", "failed"]),
    ],
)
def test_outbox_filters(mixed_outbox, district_officer, client_for, query, usernames):
    response = client_for(district_officer).get(reverse("outbox") + query)
    assert sorted(row.recipient.username for row in response.context["page"]) == usernames


def test_outbox_shows_totals_and_errors(mixed_outbox, district_officer, client_for):
    response = client_for(district_officer).get(reverse("outbox"))
    totals = {status.value: count for status, count in response.context["totals"]}
    assert totals == {"pending": 1, "sending": 0, "sent": 3, "failed": 1, "skipped": 1}
    assert "SMTPRecipientsRefused: 550" in response.content.decode()


@pytest.mark.parametrize("item_count", [1, 3])
def test_outbox_query_count(district_officer, make_user, client_for, item_count, django_assert_num_queries):
    for n in range(item_count):
        send(make_user(Role.COUNCIL_MEMBER, email=f"m{n}@example.vn"), n)
    client = client_for(district_officer)
    # session, user, roles, totals, page count, rows with recipients and profiles, unread badge, navbar profile
    with django_assert_num_queries(5):
        response = client.get(reverse("outbox"))
    assert len(response.context["page"].object_list) == item_count * 2


def test_the_district_office_sends_a_failed_row_again(mixed_outbox, district_officer, client_for):
    _pending, failed, _skipped = mixed_outbox
    row = Notification.objects.get(recipient=failed, channel="email")
    client = client_for(district_officer)
    assert client.get(reverse("outbox_retry", args=[row.pk])).status_code == 405
    response = client.post(reverse("outbox_retry", args=[row.pk]), {"query": "status=failed"})
    assert (response.status_code, response.url) == (302, reverse("outbox") + "?status=failed")
    row.refresh_from_db()
    assert row.status == NotificationStatus.PENDING  # committed; the worker sends it (tests do not run on_commit)
    assert AuditEntry.objects.filter(action="notification.requeued", actor=district_officer).count() == 1


def test_retry_of_an_address_less_row_explains_why_not(mixed_outbox, district_officer, client_for):
    _pending, _failed, skipped = mixed_outbox
    row = Notification.objects.get(recipient=skipped, channel="email")
    response = client_for(district_officer).post(reverse("outbox_retry", args=[row.pk]), follow=True)
    with translation.override("vi"):
        expected = translation.gettext("The recipient still has no email address; add one to their account first.")
    assert [str(m) for m in response.context["messages"]] == [expected]
    row.refresh_from_db()
    assert row.status == NotificationStatus.SKIPPED


@pytest.mark.parametrize(
    "persona", ["secretary", "council_member", "commune_official", "finance_officer"], indirect=True
)
def test_other_roles_cannot_retry(mixed_outbox, persona, client_for):
    _pending, failed, _skipped = mixed_outbox
    row = Notification.objects.get(recipient=failed, channel="email")
    assert client_for(persona).post(reverse("outbox_retry", args=[row.pk])).status_code == 403
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED
