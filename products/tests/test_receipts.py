"""Decision 26/2026 at the commune: receipt numbers (decisions.md 26) and the 15 working days (decision 23)."""

import datetime
import threading
import zoneinfo

import holidays
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from ocop import audit
from products import domain
from products.enums import DossierStatus
from products.models import Dossier, ReceiptCounter
from products.tests.conftest import _complete
from products.tests.factories import DossierFactory, ProducerFactory, known_regime
from programme.models import CalendarException
from programme.regimes import ensure_regimes

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: datetime.date, hour=9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=HCM)


@pytest.fixture
def regime26(db):
    ensure_regimes()  # a transactional test starts from an emptied database
    return known_regime("qd26-2026")


@pytest.fixture
def province(authority):
    authority.level = "province"
    authority.province_code = "24"
    authority.save()
    return authority


@pytest.fixture
def coded_commune(commune):
    commune.code = "07420"
    commune.save()
    return commune


@pytest.fixture
def d26(province, coded_commune, round_open, regime26):
    return DossierFactory(product__producer=ProducerFactory(commune=coded_commune), round=round_open, regime=regime26)


def _dossier26(commune, round_, regime):
    return DossierFactory(product__producer=ProducerFactory(commune=commune), round=round_, regime=regime)


# ---------------------------------------------------------------------------------------------------- the clock
def test_the_package_has_tet_2027_where_the_tests_expect_it():
    """Looked up once in ``holidays`` (VN): Tết 2027 runs Thursday 04/02 to Wednesday 10/02."""
    days_off = {d for d in holidays.country_holidays("VN", years=2027) if d.month == 2}
    assert {datetime.date(2027, 2, d) for d in range(4, 11)} <= days_off


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # 30/04 and 01/05/2026 (Thursday, Friday) are off: 24/04 → 20/05 (decisions.md 23's example).
        (datetime.date(2026, 4, 24), datetime.date(2026, 5, 20)),
        # Before Tết 2027: Friday 22/01 → 19/02 (without Tết it would be 12/02).
        (datetime.date(2027, 1, 22), datetime.date(2027, 2, 19)),
        # Received on Tết's eve itself, a day off: the count starts the next working day, 11/02 → 15th is 03/03.
        (datetime.date(2027, 2, 5), datetime.date(2027, 3, 3)),
    ],
)
def test_commune_check_due_is_fifteen_working_days_after_receipt(d26, received, due):
    d26.commune_received_at = at(received, hour=23)  # late in the evening still counts as that day
    assert d26.commune_check_due() == due


def test_an_office_day_off_moves_the_due_date(d26):
    d26.commune_received_at = at(datetime.date(2026, 4, 24))
    CalendarException.objects.create(date=datetime.date(2026, 5, 20), kind="day_off", reason="Nghỉ đột xuất")
    assert d26.commune_check_due() == datetime.date(2026, 5, 21)


def test_old_regime_has_no_fifteen_day_clock(dossier):
    dossier.regime = known_regime("qd1489-2025")
    dossier.commune_received_at = at(datetime.date(2026, 4, 24))
    assert dossier.commune_check_due() is None
    assert dossier.commune_check() is None


def test_commune_check_counts_working_days_left_and_late(d26):
    d26.commune_received_at = at(datetime.date(2026, 4, 24))  # due Wednesday 20/05/2026
    check = d26.commune_check(today=datetime.date(2026, 5, 15))  # Friday: 18, 19, 20 left
    assert (check.due, check.left, check.late, check.pending) == (datetime.date(2026, 5, 20), 3, 0, True)
    assert d26.commune_check(today=datetime.date(2026, 5, 20)).due_today
    late = d26.commune_check(today=datetime.date(2026, 5, 25))  # Monday: 21, 22, 25 late
    assert (late.left, late.late) == (0, 3)
    d26.province_received_at = at(datetime.date(2026, 5, 22))
    d26.submission_count = 1
    proposed = d26.commune_check(today=datetime.date(2026, 6, 30))
    assert (proposed.done_on, proposed.late, proposed.pending) == (datetime.date(2026, 5, 22), 2, False)


# ---------------------------------------------------------------------------------------------------- receive
def test_receive_records_time_number_and_regime_and_is_idempotent(
    province, coded_commune, round_open, commune_official
):
    dossier = DossierFactory(product__producer=ProducerFactory(commune=coded_commune), round=round_open)
    now = at(datetime.date(2026, 6, 1))
    assert domain.receive_dossier(dossier, by=commune_official, now=now) is True
    assert domain.receive_dossier(dossier, by=commune_official, now=now + datetime.timedelta(hours=1)) is False
    dossier.refresh_from_db()
    assert dossier.commune_received_at == now
    assert dossier.commune_receipt_number == "1/PĐK-24-07420-2026"
    assert dossier.regime.code == "qd26-2026"  # filed (received) after 22/05/2026
    entries = list(audit.history_for(dossier).filter(action="dossier.received"))
    assert len(entries) == 1
    assert entries[0].changes["commune_receipt_number"] == [None, "1/PĐK-24-07420-2026"]
    assert ReceiptCounter.objects.get(scope="commune", key=coded_commune.pk, year=2026).last == 1


def test_numbers_run_per_commune_and_restart_each_year(
    province, coded_commune, other_commune, round_open, regime26, district_officer
):
    other_commune.code = "07432"
    other_commune.save()

    def receive(commune, day):
        dossier = _dossier26(commune, round_open, regime26)
        domain.receive_dossier(dossier, by=district_officer, now=at(day))
        dossier.refresh_from_db()
        return dossier.commune_receipt_number

    assert receive(coded_commune, datetime.date(2026, 6, 1)) == "1/PĐK-24-07420-2026"
    assert receive(other_commune, datetime.date(2026, 6, 1)) == "1/PĐK-24-07432-2026"
    assert receive(coded_commune, datetime.date(2026, 6, 2)) == "2/PĐK-24-07420-2026"
    assert receive(coded_commune, datetime.date(2027, 1, 4)) == "1/PĐK-24-07420-2027"


def test_blank_codes_fall_back_to_the_authority_and_the_commune_name(commune, round_open, regime26, commune_official):
    dossier = _dossier26(commune, round_open, regime26)  # authority LN without a province code; commune no code
    domain.receive_dossier(dossier, by=commune_official, now=at(datetime.date(2026, 6, 1)))
    dossier.refresh_from_db()
    assert dossier.commune_receipt_number == "1/PĐK-LN-THANHLAM-2026"


def test_receive_refused_under_the_old_rules(dossier, commune_official):
    dossier.regime = known_regime("qd1489-2025")
    dossier.save()
    with pytest.raises(ValidationError):
        domain.receive_dossier(dossier, by=commune_official)
    dossier.refresh_from_db()
    assert (dossier.commune_received_at, dossier.commune_receipt_number) == (None, "")
    assert not ReceiptCounter.objects.exists()


def test_receive_permissions(d26, outsider_official, council_member, secretary, commune_official):
    for user in (outsider_official, council_member):
        with pytest.raises(PermissionDenied):
            domain.receive_dossier(d26, by=user)
    assert domain.receive_dossier(d26, by=secretary) is True  # the office may record it for the commune
    assert domain.receive_dossier(d26, by=commune_official) is False


# ---------------------------------------------------------------------------------------------------- province
def test_proposal_gets_the_province_number_once(d26, commune_official, secretary):
    domain.receive_dossier(d26, by=commune_official, now=at(datetime.date(2026, 6, 1)))
    _complete(d26)
    domain.submit_dossier(d26, by=commune_official, now=at(datetime.date(2026, 6, 10)))
    d26.refresh_from_db()
    assert d26.province_received_at == at(datetime.date(2026, 6, 10))
    assert d26.province_receipt_number == "1/PĐK-24-07420-2026"
    domain.return_dossier(d26, by=secretary, comments=[("", "Bổ sung ảnh")])
    domain.submit_dossier(d26, by=commune_official, now=at(datetime.date(2026, 6, 15)))
    d26.refresh_from_db()
    assert d26.status == DossierStatus.RESUBMITTED
    assert d26.province_received_at == at(datetime.date(2026, 6, 10))  # the first proposal stays the receipt
    assert ReceiptCounter.objects.get(scope="province", year=2026).last == 1


def test_province_numbers_run_across_communes(province, coded_commune, other_commune, round_open, regime26, secretary):
    other_commune.code = "07432"
    other_commune.save()
    numbers = []
    for commune in (coded_commune, other_commune, coded_commune):
        dossier = _complete(_dossier26(commune, round_open, regime26))
        domain.submit_dossier(dossier, by=secretary, now=at(datetime.date(2026, 6, 10)))
        dossier.refresh_from_db()
        numbers.append((dossier.commune_receipt_number, dossier.province_receipt_number))
    assert [p for _c, p in numbers] == ["1/PĐK-24-07420-2026", "2/PĐK-24-07432-2026", "3/PĐK-24-07420-2026"]
    # Never received by hand: received at the proposal, with the commune's own sequence.
    assert [c for c, _p in numbers] == ["1/PĐK-24-07420-2026", "1/PĐK-24-07432-2026", "2/PĐK-24-07420-2026"]


def test_old_regime_submission_gets_no_receipt(complete_dossier, commune_official):
    complete_dossier.regime = known_regime("qd1489-2025")
    complete_dossier.save()
    domain.submit_dossier(complete_dossier, by=commune_official)
    complete_dossier.refresh_from_db()
    assert complete_dossier.status == DossierStatus.SUBMITTED
    assert (complete_dossier.province_receipt_number, complete_dossier.commune_receipt_number) == ("", "")
    assert complete_dossier.province_received_at is None
    assert not ReceiptCounter.objects.exists()


# ---------------------------------------------------------------------------------------------------- concurrency
def _race(targets, work):
    barrier = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            barrier.wait(timeout=10)
            work(target)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_give_consecutive_numbers(province, coded_commune, round_open, regime26, make_user):
    official = make_user("commune_official", commune=coded_commune)
    dossiers = [_dossier26(coded_commune, round_open, regime26) for _ in range(8)]
    now = at(datetime.date(2026, 6, 1))
    _race(dossiers, lambda d: domain.receive_dossier(d, by=official, now=now))
    numbers = sorted(Dossier.objects.values_list("commune_receipt_number", flat=True))
    assert sorted(numbers, key=lambda n: int(n.split("/")[0])) == [f"{i}/PĐK-24-07420-2026" for i in range(1, 9)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_proposals_give_consecutive_province_numbers(
    province, coded_commune, other_commune, round_open, regime26, make_user
):
    other_commune.code = "07432"
    other_commune.save()
    office = make_user("district_office")
    dossiers = [_complete(_dossier26(c, round_open, regime26)) for c in [coded_commune, other_commune] * 4]
    now = at(datetime.date(2026, 6, 10))
    _race(dossiers, lambda d: domain.submit_dossier(d, by=office, now=now))
    rows = list(Dossier.objects.values_list("province_receipt_number", "commune_id"))
    assert sorted(int(n.split("/")[0]) for n, _c in rows) == list(range(1, 9))
    for number, commune_id in rows:
        assert number.endswith("-07420-2026" if commune_id == coded_commune.pk else "-07432-2026")
    assert ReceiptCounter.objects.get(scope="province", key=province.pk, year=2026).last == 8
