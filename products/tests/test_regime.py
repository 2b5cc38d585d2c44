"""The regime of a dossier (decision 2b): set from the filing date when the dossier is filed, moved on when the old
rules lapse before it finishes, overridden only by the office with a reason (audited), shown on the dossier."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ocop.enums import AuthorityLevel
from ocop.models import AuditEntry
from products import domain
from products.enums import DossierStatus, RegistrationType
from products.models import Dossier
from products.regime import choice
from products.tests.conftest import _complete
from products.tests.factories import DossierFactory, ProducerFactory, RoundFactory
from programme.models import Regime
from programme.regimes import ensure_regimes

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(day: datetime.date, hour=9):
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)


@pytest.fixture
def regimes():
    ensure_regimes()
    return {row.code: row for row in Regime.objects.all()}


@pytest.fixture
def province(authority):
    authority.level = AuthorityLevel.PROVINCE
    authority.save(update_fields=["level"])
    return authority


@pytest.fixture
def dossier_2026(province, commune, regimes):
    round_ = RoundFactory(year__authority=province, year__year=2026, number=1)
    producer = ProducerFactory(commune=commune, name="HTX chè Thanh Lâm")
    return DossierFactory(product__producer=producer, product__name="Chè búp Thanh Lâm", round=round_)


def audit_rows(dossier, action):
    return AuditEntry.objects.filter(object_id=dossier.pk, action=action)


def test_submitting_sets_the_regime_of_the_filing_date(dossier_2026, commune_official, regimes):
    _complete(dossier_2026)
    domain.submit_dossier(dossier_2026, by=commune_official, now=at(datetime.date(2026, 5, 21)))
    dossier_2026.refresh_from_db()
    assert dossier_2026.regime == regimes["qd1489-2025"]
    (row,) = audit_rows(dossier_2026, "dossier.regime_assigned")
    assert row.changes == {"regime": [None, str(regimes["qd1489-2025"])]}
    assert "21/05/2026" in row.note


def test_the_commune_receipt_is_the_filing_date(dossier_2026, regimes):
    dossier_2026.submitted_at = at(datetime.date(2026, 5, 25))
    dossier_2026.commune_received_at = at(datetime.date(2026, 5, 21))
    dossier_2026.status = DossierStatus.SUBMITTED
    dossier_2026.save()
    now = at(datetime.date(2026, 5, 25))
    assert domain.assign_regime(dossier_2026, now=now) == regimes["qd1489-2025"]
    assert domain.assign_regime(dossier_2026, now=now) == regimes["qd1489-2025"]  # idempotent
    assert audit_rows(dossier_2026, "dossier.regime_assigned").count() == 1


def test_filed_on_22_05_2026_under_26_2026(dossier_2026, regimes):
    dossier_2026.submitted_at = at(datetime.date(2026, 5, 22))
    dossier_2026.save()
    assert domain.assign_regime(dossier_2026, now=at(datetime.date(2026, 5, 22))) == regimes["qd26-2026"]


def test_an_unfinished_old_dossier_moves_after_21_07_2026(dossier_2026, regimes):
    dossier_2026.submitted_at = at(datetime.date(2026, 5, 21))
    dossier_2026.status = DossierStatus.ACCEPTED
    dossier_2026.save()
    assert domain.assign_regime(dossier_2026, now=at(datetime.date(2026, 7, 21))) == regimes["qd1489-2025"]
    assert domain.assign_regime(dossier_2026, now=at(datetime.date(2026, 7, 22))) == regimes["qd26-2026"]
    moved = audit_rows(dossier_2026, "dossier.regime_assigned").order_by("pk").last()
    assert moved.changes["regime"] == [str(regimes["qd1489-2025"]), str(regimes["qd26-2026"])]
    assert "21/07/2026" in moved.note


def test_a_reevaluation_moves_after_21_06_2026(dossier_2026, regimes):
    dossier_2026.registration_type = RegistrationType.REEVALUATION
    dossier_2026.submitted_at = at(datetime.date(2026, 5, 18))
    dossier_2026.save()
    assert domain.assign_regime(dossier_2026, now=at(datetime.date(2026, 6, 21))) == regimes["qd1489-2025"]
    assert domain.assign_regime(dossier_2026, now=at(datetime.date(2026, 6, 22))) == regimes["qd26-2026"]


def test_a_rejection_in_time_finishes_the_dossier(dossier_2026, regimes):
    dossier_2026.submitted_at = at(datetime.date(2026, 5, 21))
    dossier_2026.status = DossierStatus.REJECTED
    dossier_2026.decided_at = at(datetime.date(2026, 6, 30))
    dossier_2026.save()
    assert domain.assign_regime(dossier_2026, now=at(datetime.date(2026, 9, 1))) == regimes["qd1489-2025"]


# ---------------------------------------------------------------------------------------------------------------------
# The office's override.
# ---------------------------------------------------------------------------------------------------------------------
def test_override_needs_the_office_and_a_reason_and_is_audited(
    dossier_2026, regimes, district_officer, secretary, commune_official
):
    dossier_2026.submitted_at = at(datetime.date(2026, 5, 21))
    dossier_2026.save()
    domain.assign_regime(dossier_2026, now=at(datetime.date(2026, 5, 21)))
    new = regimes["qd26-2026"]
    for user in (secretary, commune_official):
        with pytest.raises(PermissionDenied):
            domain.override_regime(dossier_2026, new, reason="Theo công văn của tỉnh", by=user)
    with pytest.raises(ValidationError):
        domain.override_regime(dossier_2026, new, reason="   ", by=district_officer)
    assert domain.override_regime(dossier_2026, new, reason="Theo công văn số 12 của tỉnh", by=district_officer)
    assert not domain.override_regime(dossier_2026, new, reason="Theo công văn số 12 của tỉnh", by=district_officer)
    dossier_2026.refresh_from_db()
    assert (dossier_2026.regime, dossier_2026.regime_override_reason) == (new, "Theo công văn số 12 của tỉnh")
    (row,) = audit_rows(dossier_2026, "dossier.regime_overridden")
    assert row.changes == {
        "regime": [str(regimes["qd1489-2025"]), str(new)],
        "regime_override_reason": ["", "Theo công văn số 12 của tỉnh"],
    }
    assert row.actor == district_officer
    # an override is never changed by the automatic assignment, even after the old rules lapse
    assert domain.assign_regime(dossier_2026, now=at(datetime.date(2026, 12, 1))) == new
    assert choice(dossier_2026).reason.endswith("Theo công văn số 12 của tỉnh")


OVERRIDE_PAGE = {
    "district_officer": 200,
    "sysadmin": 200,
    "secretary": 403,
    "chair": 403,
    "council_member": 403,
    "finance_officer": 403,
    "commune_official": 403,
    "outsider_official": 404,
}


@pytest.mark.parametrize(("persona", "status"), OVERRIDE_PAGE.items(), indirect=["persona"])
def test_override_page_per_role(persona, status, dossier_2026, client_for, regimes):
    url = reverse("products:dossier_regime", args=[dossier_2026.pk])
    client = client_for(persona)
    assert client.get(url).status_code == status
    response = client.post(url, {"regime": regimes["qd26-2026"].pk, "reason": "Theo công văn của tỉnh"})
    assert response.status_code == (302 if status == 200 else status)
    dossier_2026.refresh_from_db()
    assert (dossier_2026.regime == regimes["qd26-2026"]) is (status == 200)
    detail = client.get(reverse("products:dossier_detail", args=[dossier_2026.pk]))
    if detail.status_code == 200:  # the link is shown exactly to those who may use it
        assert (url in detail.content.decode()) is (status == 200)


def test_override_form_keeps_what_was_typed(dossier_2026, client_for, district_officer, regimes):
    url = reverse("products:dossier_regime", args=[dossier_2026.pk])
    response = client_for(district_officer).post(url, {"regime": regimes["qd26-2026"].pk, "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert response.context["form"]["regime"].value() == str(regimes["qd26-2026"].pk)
    dossier_2026.refresh_from_db()
    assert dossier_2026.regime_override_reason == ""


def regime_block(html):
    start = html.index('data-testid="regime"')
    return html[start : html.index("</dd>", start)]


@pytest.mark.parametrize("persona", ["district_officer", "commune_official", "secretary", "chair"], indirect=True)
def test_the_dossier_page_shows_the_regime_and_why(persona, dossier_2026, client_for, regimes):
    # filed the day before 26/2026 and rejected in time: it stays under 1489
    dossier_2026.submitted_at = at(datetime.date(2026, 5, 21))
    dossier_2026.status = DossierStatus.REJECTED
    dossier_2026.decided_at = at(datetime.date(2026, 6, 30))
    dossier_2026.rejection_reason = "Thiếu giấy chứng nhận an toàn thực phẩm"
    dossier_2026.save()
    domain.assign_regime(dossier_2026, now=at(datetime.date(2026, 5, 21)))
    client = client_for(persona)
    url = reverse("products:dossier_detail", args=[dossier_2026.pk])
    block = regime_block(client.get(url).content.decode())
    assert regimes["qd1489-2025"].name in block
    assert "Nộp ngày 21/05/2026, trước 22/05/2026: áp dụng Quyết định 1489/QĐ-TTg ngày 06/07/2025." in block

    # not finished: after 21/07/2026 the page says it moved, and why
    Dossier.objects.filter(pk=dossier_2026.pk).update(status=DossierStatus.ACCEPTED, decided_at=None)
    block = regime_block(client.get(url).content.decode())
    assert regimes["qd26-2026"].name in block and regimes["qd1489-2025"].name not in block
    assert "chưa hoàn thành trước hết ngày 21/07/2026" in block
