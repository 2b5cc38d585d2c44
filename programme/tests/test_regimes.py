"""The legal regimes are rows with validity windows (decisions.md 1-2c): which rules apply on a date, and the
defaults an authority takes when it changes level come from those rows."""

import datetime

import pytest
from django.utils import timezone

from ocop import domain as ocop_domain
from ocop.enums import AuthorityLevel
from ocop.models import DISTRICT_PRODUCT_CODE, PROVINCE_PRODUCT_CODE
from products.tests.factories import DossierFactory, ProgrammeYearFactory, RoundFactory
from programme.models import Regime
from programme.regimes import KNOWN, ensure_regimes, regime_for, regime_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def regimes():
    ensure_regimes()
    return {row.code: row for row in Regime.objects.all()}


def test_the_known_regimes_hold_their_settings(regimes):
    district, province, current = regimes["qd148-2023"], regimes["qd1489-2025"], regimes["qd26-2026"]
    assert (district.level, district.max_recognised_star, district.product_code_format) == (
        AuthorityLevel.DISTRICT,
        3,
        DISTRICT_PRODUCT_CODE,
    )
    assert (province.level, province.max_recognised_star, province.product_code_format) == (
        AuthorityLevel.PROVINCE,
        4,
        PROVINCE_PRODUCT_CODE,
    )
    assert (district.valid_to, province.valid_from) == (datetime.date(2025, 7, 5), datetime.date(2025, 7, 6))
    # Decision 26/2026 (Điều 11-12): in force from 22/05/2026; 1489's dossiers filed before finish by its dates.
    assert (province.valid_to, current.valid_from) == (datetime.date(2026, 5, 21), datetime.date(2026, 5, 22))
    assert (province.finish_first_by, province.finish_reevaluation_by) == (
        datetime.date(2026, 7, 21),
        datetime.date(2026, 6, 21),
    )
    assert (current.criteria_edition, current.commune_check_working_days, current.uses_forms) == ("qd26-2026", 15, True)
    assert [(w["cutoff"], w["end"]) for w in current.round_windows] == [("04-30", "06-30"), ("10-30", "12-30")]
    assert ensure_regimes() == 0  # idempotent


@pytest.mark.parametrize(
    ("day", "level", "code"),
    [
        (datetime.date(2024, 6, 10), None, "qd148-2023"),
        (datetime.date(2025, 7, 5), None, "qd148-2023"),  # the window is inclusive
        (datetime.date(2025, 7, 6), None, "qd1489-2025"),
        (datetime.date(2024, 6, 10), AuthorityLevel.DISTRICT, "qd148-2023"),
        # a level whose regimes all ended keeps the latest one
        (datetime.date(2026, 1, 1), AuthorityLevel.DISTRICT, "qd148-2023"),
        (datetime.date(2026, 1, 1), AuthorityLevel.PROVINCE, "qd1489-2025"),
        (datetime.date(2026, 5, 21), AuthorityLevel.PROVINCE, "qd1489-2025"),
        (datetime.date(2026, 5, 22), AuthorityLevel.PROVINCE, "qd26-2026"),
        (datetime.date(2026, 12, 8), None, "qd26-2026"),
    ],
)
def test_the_regime_in_force_on_a_date(regimes, day, level, code):
    assert regime_on(day, level).code == code


def test_a_dossier_follows_its_filing_date(regimes, commune):
    year = ProgrammeYearFactory(authority=commune.authority, year=2024)
    dossier = DossierFactory(round=RoundFactory(year=year, number=1), commune=commune)
    filed = datetime.datetime(2024, 6, 3, 9, 0, tzinfo=timezone.get_current_timezone())
    dossier.submitted_at = filed
    assert regime_for(dossier).code == "qd148-2023"
    assert regime_for(dossier, on=datetime.date(2025, 7, 6)).code == "qd148-2023"  # a district: its own level


def test_changing_level_takes_the_regime_rows_defaults(regimes, authority, sysadmin):
    """The office corrected the province regime's product code: an authority moving to the province takes it."""
    corrected = "{province}/{commune}/{seq:04d}/{year}"
    Regime.objects.filter(level=AuthorityLevel.PROVINCE).update(product_code_format=corrected)
    ocop_domain.update_authority_settings(authority, by=sysadmin, level=AuthorityLevel.PROVINCE)
    authority.refresh_from_db()
    assert (authority.max_recognised_star, authority.product_code_format) == (4, corrected)


def test_the_known_list_matches_the_migrations():
    """``KNOWN`` (what a bare database seeds from) holds what the migrations write: 0002's rows, 1489's transitional
    dates and the 26/2026 row of 0005."""
    from importlib import import_module

    first = import_module("programme.migrations.0002_regimes_and_content_types")
    later = import_module("programme.migrations.0005_regime_2026_rows")
    migrated = {row["code"]: dict(row) for row in first.REGIMES}
    migrated["qd1489-2025"].update(later.QD1489_TRANSITION)
    migrated[later.QD26["code"]] = later.QD26
    fields = {f.name for f in Regime._meta.concrete_fields} - {"id"}

    def full(row):
        return {f: str(row[f]) if f == "level" else row.get(f, Regime._meta.get_field(f).get_default()) for f in fields}

    assert [full(row) for row in KNOWN] == [full(row) for row in migrated.values()]
