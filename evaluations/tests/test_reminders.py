"""The deadline scan (decisions.md 21-22) with a frozen clock: every kind and offset, once each."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from evaluations import domain as evaluation_domain
from evaluations import reminders
from evaluations.enums import CertificateKind
from evaluations.models import Certificate
from evaluations.tests.conftest import option_points, sheet_of
from ocop.enums import Role
from ocop.models import Notification, NotificationChannel, NotificationKind, NotificationStatus
from products import domain as product_domain
from products.enums import DossierStatus
from products.tests.factories import DossierFactory, ProducerFactory, ProductFactory, RoundFactory
from programme.enums import RoundStage
from programme.models import ProgrammeYear

VN = timezone.get_fixed_timezone(7 * 60)


def at(day: datetime.date, hour=9, minute=0) -> datetime.datetime:
    """A moment of a local (Asia/Ho_Chi_Minh) day."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VN)


def scan_at(moment):
    with time_machine.travel(moment, tick=False):
        return reminders.scan()


def keys(kind=None, channel=NotificationChannel.IN_APP):
    rows = Notification.objects.filter(channel=channel)
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("dedup_key", flat=True))


def give_email(*users):
    for user in users:
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])


# ---------------------------------------------------------------------------------------------------- offsets
@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(8, None), (7, 7), (5, 7), (4, 7), (3, 3), (2, 3), (1, 1), (0, 1), (-1, None)],
)
def test_offset_for_commune_deadline_windows(days_left, expected):
    assert reminders.offset_for(days_left, (7, 3, 1)) == expected


@pytest.mark.parametrize(
    ("days_left", "expected"), [(121, None), (120, 120), (61, 120), (60, 60), (31, 60), (30, 30), (0, 30)]
)
def test_offset_for_certificate_windows(days_left, expected):
    assert reminders.offset_for(days_left, (120, 60, 30)) == expected


# ---------------------------------------------------------------------------------------------------- commune deadline
@pytest.fixture
def open_round(authority):
    return RoundFactory(
        year__authority=authority,
        commune_deadline=datetime.date(2027, 6, 10),
        district_deadline=datetime.date(2027, 6, 15),
    )


@pytest.fixture
def draft_dossiers(open_round, commune, other_commune):
    """Thanh Lâm has a draft and a returned dossier; Yên Sơn has only a submitted one."""
    producer = ProducerFactory(commune=commune)
    draft = DossierFactory(product__producer=producer, product__name="Bánh mật", round=open_round)
    returned = DossierFactory(
        product__producer=producer, product__name="Mật ong", round=open_round, status=DossierStatus.RETURNED
    )
    submitted = DossierFactory(
        product__producer=ProducerFactory(commune=other_commune), round=open_round, status=DossierStatus.SUBMITTED
    )
    return draft, returned, submitted


@pytest.mark.parametrize("days", [7, 3, 1])
def test_commune_deadline_reminds_officials_of_communes_with_unsubmitted_dossiers(
    open_round, draft_dossiers, commune, commune_official, outsider_official, district_officer, days
):
    deadline = open_round.commune_deadline
    created = scan_at(at(deadline - datetime.timedelta(days=days)))

    assert created[NotificationKind.COMMUNE_DEADLINE] == 2  # in-app + email for the one official
    key = f"commune-deadline:{open_round.pk}:{commune.pk}:2027-06-10:{days}:{commune_official.pk}"
    assert keys() == [key]
    row = Notification.objects.get(channel=NotificationChannel.IN_APP)
    assert row.recipient == commune_official
    assert row.kind == NotificationKind.COMMUNE_DEADLINE
    assert row.status == NotificationStatus.SENT
    assert row.context["days"] == days
    assert row.context["count"] == 2
    assert row.context["products"] == ["Bánh mật", "Mật ong"]
    assert row.context["deadline"] == "2027-06-10"
    assert row.context["url"] == f"/ho-so/?round={open_round.pk}"
    email = Notification.objects.get(channel=NotificationChannel.EMAIL)
    assert (email.status, email.last_error) == (NotificationStatus.SKIPPED, "The recipient has no email address.")


def test_commune_deadline_sends_each_offset_once_over_the_whole_period(open_round, draft_dossiers, commune_official):
    deadline = open_round.commune_deadline
    for days_before in range(10, -3, -1):  # every day from 10 days before to 2 days after, twice an hour apart
        scan_at(at(deadline - datetime.timedelta(days=days_before), 9))
        scan_at(at(deadline - datetime.timedelta(days=days_before), 10))

    offsets = [key.split(":")[4] for key in keys(NotificationKind.COMMUNE_DEADLINE)]
    assert offsets == ["1", "3", "7"]


def test_commune_deadline_catches_up_a_missed_day(open_round, draft_dossiers, commune_official):
    # The scan did not run on day -7 nor day -3: the reminder of the window it runs in is still sent.
    scan_at(at(open_round.commune_deadline - datetime.timedelta(days=5)))
    scan_at(at(open_round.commune_deadline - datetime.timedelta(days=2)))
    assert [key.split(":")[4] for key in keys()] == ["3", "7"]


@pytest.mark.parametrize("days", [8, -1])
def test_commune_deadline_outside_the_window_creates_nothing(open_round, draft_dossiers, commune_official, days):
    created = scan_at(at(open_round.commune_deadline - datetime.timedelta(days=days)))
    assert created[NotificationKind.COMMUNE_DEADLINE] == 0
    assert Notification.objects.count() == 0


def test_commune_deadline_skips_communes_whose_dossiers_are_all_submitted(
    open_round, draft_dossiers, commune_official, outsider_official
):
    draft, returned, _submitted = draft_dossiers
    for dossier in (draft, returned):
        dossier.status = DossierStatus.SUBMITTED
        dossier.save(update_fields=["status"])
    scan_at(at(open_round.commune_deadline - datetime.timedelta(days=3)))
    assert Notification.objects.count() == 0


def test_commune_deadline_counts_an_extension_against_its_own_date(open_round, commune, commune_official):
    extended = DossierFactory(
        product__producer=ProducerFactory(commune=commune),
        round=open_round,
        extension_until=open_round.commune_deadline + datetime.timedelta(days=5),
    )
    scan_at(at(open_round.commune_deadline - datetime.timedelta(days=3)))
    assert keys() == []
    scan_at(at(extended.extension_until - datetime.timedelta(days=3)))
    assert keys() == [f"commune-deadline:{open_round.pk}:{commune.pk}:2027-06-15:3:{commune_official.pk}"]


def test_commune_deadline_ignores_a_round_no_longer_open(open_round, draft_dossiers, commune_official):
    open_round.stage = RoundStage.SCORING
    open_round.save(update_fields=["stage"])
    scan_at(at(open_round.commune_deadline - datetime.timedelta(days=1)))
    assert Notification.objects.count() == 0


def test_moving_the_deadline_is_a_new_event(open_round, draft_dossiers, commune, commune_official):
    scan_at(at(datetime.date(2027, 6, 7)))
    open_round.commune_deadline = datetime.date(2027, 6, 20)
    open_round.save(update_fields=["commune_deadline"])
    scan_at(at(datetime.date(2027, 6, 17)))
    assert keys() == [
        f"commune-deadline:{open_round.pk}:{commune.pk}:2027-06-10:3:{commune_official.pk}",
        f"commune-deadline:{open_round.pk}:{commune.pk}:2027-06-20:3:{commune_official.pk}",
    ]


# ---------------------------------------------------------------------------------------------------- scoring deadline
@pytest.mark.parametrize("days", [3, 1])
def test_scoring_deadline_reminds_members_with_unsubmitted_sheets(started, members, accepted, set06, days):
    chair_seat, first, second, third = members[:4]
    give_email(first.user, second.user)
    evaluation_domain.submit_sheet(sheet_of(accepted, first), choices=option_points(set06, -1), by=first.user)
    deadline = started.district_deadline

    with time_machine.travel(at(deadline - datetime.timedelta(days=days)), tick=False):
        created = reminders.scan()

    assert created[NotificationKind.SCORING_DEADLINE] == 6  # chair, second, third; two channels each
    expected = sorted(
        f"scoring-deadline:{started.pk}:{deadline.isoformat()}:{days}:{seat.user.pk}"
        for seat in (chair_seat, second, third)
    )
    assert keys(NotificationKind.SCORING_DEADLINE) == expected
    row = Notification.objects.get(channel=NotificationChannel.EMAIL, recipient=second.user)
    assert row.status == NotificationStatus.PENDING
    assert row.address == "tv2@example.vn"
    assert row.context["count"] == 1
    assert row.context["url"] == "/cham-diem/"


def test_scoring_deadline_has_no_seven_day_reminder(started, members):
    created = scan_at(at(started.district_deadline - datetime.timedelta(days=4)))
    assert created[NotificationKind.SCORING_DEADLINE] == 0


def test_scoring_deadline_emails_are_delivered_once(started, members, django_capture_on_commit_callbacks):
    give_email(*(seat.user for seat in members[:4]))
    moment = at(started.district_deadline - datetime.timedelta(days=1))
    with time_machine.travel(moment, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            reminders.scan()
        with django_capture_on_commit_callbacks(execute=True):
            reminders.scan()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chu-tich@example.vn",
        "tv1@example.vn",
        "tv2@example.vn",
        "tv3@example.vn",
    ]
    assert Notification.objects.filter(channel=NotificationChannel.EMAIL, status=NotificationStatus.SENT).count() == 4


# ---------------------------------------------------------------------------------------------------- certificates
@pytest.fixture
def certificate(authority, commune):
    product = ProductFactory(producer=ProducerFactory(commune=commune), name="Mỳ Chũ")
    return Certificate.objects.create(
        kind=CertificateKind.RECORDED,
        authority=authority,
        product=product,
        number="012/GCN-BG-2024",
        decision_date=datetime.date(2024, 3, 1),
        product_name="Mỳ Chũ",
        producer_name="HTX Mỳ Chũ",
        producer_address="Thôn Chũ",
        star=4,
        issued_on=datetime.date(2024, 3, 1),
        valid_until=datetime.date(2027, 3, 1),
        issuer="UBND tỉnh Bắc Giang",
    )


@pytest.mark.parametrize("days", [120, 60, 30])
def test_certificate_expiry_reminds_the_district_and_the_producers_commune(
    certificate, commune, district_officer, secretary, commune_official, outsider_official, days
):
    scan_at(at(certificate.valid_until - datetime.timedelta(days=days)))

    assert keys(NotificationKind.CERTIFICATE_EXPIRY) == sorted(
        f"certificate-expiry:{certificate.pk}:{days}:{user.pk}" for user in (district_officer, commune_official)
    )
    row = Notification.objects.filter(channel=NotificationChannel.IN_APP).first()
    assert row.context["number"] == "012/GCN-BG-2024"
    assert row.context["valid_until"] == "2027-03-01"
    assert row.context["url"] == f"/san-pham/{certificate.product_id}/"
    assert row.subject_id == certificate.pk


def test_certificate_expiry_sends_three_reminders_in_all(certificate, district_officer):
    day = certificate.valid_until - datetime.timedelta(days=130)
    while day <= certificate.valid_until + datetime.timedelta(days=2):
        scan_at(at(day))
        day += datetime.timedelta(days=1)
    assert [key.split(":")[2] for key in keys()] == ["120", "30", "60"]


@pytest.mark.parametrize("event", ["revoked_at", "superseded_at"])
def test_certificate_expiry_ignores_revoked_and_superseded_certificates(certificate, district_officer, event):
    setattr(certificate, event, timezone.now())
    certificate.save(update_fields=[event])
    scan_at(at(certificate.valid_until - datetime.timedelta(days=30)))
    assert Notification.objects.count() == 0


# ---------------------------------------------------------------------------------------------------- ceremony
@pytest.fixture
def year_with_ceremony(authority):
    return ProgrammeYear.objects.create(authority=authority, year=2027, ceremony_by=datetime.date(2027, 12, 15))


def test_ceremony_reminds_the_district_office_and_secretariat_fourteen_days_before(
    year_with_ceremony, district_officer, secretary, chair, council_member, commune_official
):
    assert scan_at(at(datetime.date(2027, 11, 30)))[NotificationKind.CEREMONY] == 0  # 15 days before
    created = scan_at(at(datetime.date(2027, 12, 1)))  # 14 days before

    assert created[NotificationKind.CEREMONY] == 4
    assert keys(NotificationKind.CEREMONY) == sorted(
        f"ceremony:{year_with_ceremony.pk}:2027-12-15:14:{user.pk}" for user in (district_officer, secretary)
    )
    for day in (2, 10, 15):  # later scans in the window add nothing
        scan_at(at(datetime.date(2027, 12, day)))
    assert len(keys(NotificationKind.CEREMONY)) == 2


# ------------------------------------------------------------------------------------------ the scan as a whole
def test_scanning_the_same_hour_twice_creates_nothing_new(
    open_round, draft_dossiers, commune_official, certificate, district_officer
):
    moment = at(datetime.date(2027, 3, 1) - datetime.timedelta(days=60))
    open_round.commune_deadline = moment.date() + datetime.timedelta(days=3)
    open_round.save(update_fields=["commune_deadline"])
    first = scan_at(moment)
    count = Notification.objects.count()
    second = scan_at(moment + datetime.timedelta(minutes=30))

    assert first[NotificationKind.COMMUNE_DEADLINE] == 2
    assert first[NotificationKind.CERTIFICATE_EXPIRY] == 4
    assert set(second.values()) == {0}
    assert Notification.objects.count() == count == 6


def test_a_scan_at_night_is_due_at_seven_in_the_morning(open_round, draft_dossiers, commune_official):
    give_email(commune_official)
    night = at(open_round.commune_deadline - datetime.timedelta(days=3), 1, 30)
    scan_at(night)

    rows = Notification.objects.order_by("channel")
    assert [row.due_at for row in rows] == [at(night.date(), 7)] * 2
    assert [row.status for row in rows] == [NotificationStatus.PENDING] * 2
    assert Notification.objects.inbox_of(commune_official, night).count() == 0
    assert Notification.objects.inbox_of(commune_official, at(night.date(), 7)).count() == 1


def test_the_scan_skips_inactive_users(open_round, draft_dossiers, commune_official):
    commune_official.is_active = False
    commune_official.save(update_fields=["is_active"])
    scan_at(at(open_round.commune_deadline - datetime.timedelta(days=1)))
    assert Notification.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_create_each_reminder_once(open_round, draft_dossiers, commune_official, make_user, commune):
    for i in range(5):
        make_user(Role.COMMUNE_OFFICIAL, commune=commune, username=f"xa-{i}")
    moment = at(open_round.commune_deadline - datetime.timedelta(days=3))
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            reminders.scan(now=moment)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Notification.objects.filter(kind=NotificationKind.COMMUNE_DEADLINE).count() == 12  # 6 officials × 2


# ---------------------------------------------------------------------------------------------------- dossier returned
@pytest.fixture
def submitted(open_round, commune, commune_official):
    from products.tests.conftest import _complete

    dossier = _complete(DossierFactory(product__producer=ProducerFactory(commune=commune), round=open_round))
    with time_machine.travel(at(datetime.date(2027, 6, 1)), tick=False):
        product_domain.submit_dossier(dossier, by=commune_official)
    dossier.refresh_from_db()
    return dossier


def test_returning_a_dossier_notifies_the_communes_officials_at_once(
    submitted, commune, commune_official, outsider_official, secretary, make_user, django_capture_on_commit_callbacks
):
    second = make_user(Role.COMMUNE_OFFICIAL, commune=commune, username="xa-thanh-lam-2", email="pho@example.vn")
    moment = at(datetime.date(2027, 6, 2), 14)
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        product_domain.return_dossier(submitted, by=secretary, comments=[("", "Thiếu giấy chứng nhận VSATTP")])

    assert keys(NotificationKind.DOSSIER_RETURNED) == sorted(
        f"dossier-returned:{submitted.pk}:1:{user.pk}" for user in (commune_official, second)
    )
    row = Notification.objects.get(recipient=second, channel=NotificationChannel.IN_APP)
    assert (row.due_at, row.status) == (moment, NotificationStatus.SENT)
    assert row.context["comments"] == ["Thiếu giấy chứng nhận VSATTP"]
    assert row.context["url"] == f"/ho-so/{submitted.pk}/"
    assert [m.to for m in mail.outbox] == [["pho@example.vn"]]
    assert Notification.objects.filter(recipient=outsider_official).count() == 0


def test_a_second_return_after_resubmission_is_a_new_notice(submitted, commune_official, secretary):
    product_domain.return_dossier(submitted, by=secretary, comments=[("", "Bổ sung ảnh sản phẩm")])
    product_domain.return_dossier(submitted, by=secretary, comments=[("", "Lặp lại")])  # already returned: no-op
    submitted.refresh_from_db()
    with time_machine.travel(at(datetime.date(2027, 6, 5)), tick=False):
        product_domain.submit_dossier(submitted, by=commune_official)
    submitted.refresh_from_db()
    product_domain.return_dossier(submitted, by=secretary, comments=[("", "Ảnh còn mờ")])

    assert keys(NotificationKind.DOSSIER_RETURNED) == [
        f"dossier-returned:{submitted.pk}:1:{commune_official.pk}",
        f"dossier-returned:{submitted.pk}:2:{commune_official.pk}",
    ]


def test_the_notice_rolls_back_with_the_return(submitted, commune_official, secretary):
    with pytest.raises(RuntimeError), transaction.atomic():
        product_domain.return_dossier(submitted, by=secretary, comments=[("", "Thiếu hồ sơ")])
        raise RuntimeError("the caller's transaction fails after the return")
    assert Notification.objects.count() == 0


# ---------------------------------------------------------------------------------------------------- demo
def test_seed_notifications_runs_the_scan_and_sends(open_round, draft_dossiers, commune_official):
    give_email(commune_official)
    moment = at(open_round.commune_deadline - datetime.timedelta(days=7))
    with time_machine.travel(moment, tick=False):
        result = reminders.seed_notifications()
        again = reminders.seed_notifications()
    assert result["created"][NotificationKind.COMMUNE_DEADLINE] == 2
    assert result["sent"]["sent"] == 1
    assert [m.to for m in mail.outbox] == [["xa-thanh-lam@example.vn"]]
    assert again["created"][NotificationKind.COMMUNE_DEADLINE] == 0
    assert again["sent"]["sent"] == 0
