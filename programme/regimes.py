"""Which rules apply: the legal regimes as rows of ``Regime`` (decisions.md 1-2c).

A regime has a validity window; the one that applies to a dossier follows its filing date (decision 2b), and an
authority that changes level starts from the regime of that level. Adding a regime (Decision 26/2026) adds a row to
``KNOWN`` (and a data migration), not a code path.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ocop.enums import AuthorityLevel
from ocop.models import DISTRICT_PRODUCT_CODE, PROVINCE_PRODUCT_CODE
from programme.models import Regime

CERTIFICATE_NUMBER = "{seq:03d}/GCN-{authority}-{year}"
# Decision 26/2026 Điều 5: round 1 before 30/06 for dossiers the communes proposed by 30/04, round 2 before 30/12 for
# those proposed by 30/10.
ROUND_WINDOWS_2026 = [{"cutoff": "04-30", "end": "06-30"}, {"cutoff": "10-30", "end": "12-30"}]

# The regimes this programme knows, as data (the same rows as migration ``programme/0002_regimes``).
KNOWN = [
    {
        "code": "qd148-2023",
        "name": "Quyết định 148/QĐ-TTg, cấp huyện",
        "legal_basis": "Quyết định 148/QĐ-TTg ngày 24/02/2023",
        "valid_from": datetime.date(2023, 2, 24),
        "valid_to": datetime.date(2025, 7, 5),
        "level": AuthorityLevel.DISTRICT,
        "max_recognised_star": 3,
        "province_threshold": Decimal("70"),
        "ministry_threshold": Decimal("90"),
        "certificate_number_format": CERTIFICATE_NUMBER,
        "product_code_format": DISTRICT_PRODUCT_CODE,
        "criteria_legal_basis": "148/QĐ-TTg ngày 24/02/2023",
    },
    {
        "code": "qd1489-2025",
        "name": "Quyết định 1489/QĐ-TTg, cấp tỉnh",
        "legal_basis": "Quyết định 1489/QĐ-TTg ngày 06/07/2025",
        "valid_from": datetime.date(2025, 7, 6),
        # Decision 26/2026 (Điều 11-12): dossiers filed before 22/05/2026 finish under the old rules, first
        # evaluations and upgrades within 60 days, re-evaluations within 30 days.
        "valid_to": datetime.date(2026, 5, 21),
        "finish_first_by": datetime.date(2026, 7, 21),
        "finish_reevaluation_by": datetime.date(2026, 6, 21),
        "level": AuthorityLevel.PROVINCE,
        "max_recognised_star": 4,
        "province_threshold": Decimal("70"),
        "ministry_threshold": Decimal("90"),
        "certificate_number_format": CERTIFICATE_NUMBER,
        "product_code_format": PROVINCE_PRODUCT_CODE,
        "criteria_legal_basis": "148/QĐ-TTg ngày 24/02/2023",
    },
    {
        "code": "qd26-2026",
        "name": "Quyết định 26/2026/QĐ-TTg, cấp tỉnh",
        "legal_basis": "Quyết định 26/2026/QĐ-TTg ngày 22/05/2026",
        "valid_from": datetime.date(2026, 5, 22),
        "valid_to": None,
        "level": AuthorityLevel.PROVINCE,
        "max_recognised_star": 4,
        "province_threshold": Decimal("70"),
        "ministry_threshold": Decimal("90"),
        "certificate_number_format": CERTIFICATE_NUMBER,
        "product_code_format": PROVINCE_PRODUCT_CODE,
        "criteria_legal_basis": "26/2026/QĐ-TTg ngày 22/05/2026",
        "criteria_edition": "qd26-2026",
        "commune_check_working_days": 15,
        "round_windows": ROUND_WINDOWS_2026,
        "uses_forms": True,
        "province_approves_for_ministry": True,
    },
]


@transaction.atomic
def ensure_regimes() -> int:
    """Create the known regimes that are missing (idempotent; rows the office corrected are left alone)."""
    created = 0
    for row in KNOWN:
        _regime, was_created = Regime.objects.get_or_create(code=row["code"], defaults=row)
        created += was_created
    return created


def regime_on(day: datetime.date, level: str | None = None) -> Regime | None:
    """The regime in force on ``day`` (of one level if given); for a level whose regimes all ended, the latest."""
    if not Regime.objects.exists():
        ensure_regimes()
    found = Regime.objects.on(day, level).first()
    if found is None and level:
        found = Regime.objects.filter(level=level).order_by("-valid_from").first()
    return found


def regime_for(dossier, on: datetime.date | None = None) -> Regime | None:
    """The rules that apply to a dossier: the regime of its authority's level in force on its filing date (or
    ``on``; today for a dossier not yet filed)."""
    filed = dossier.submitted_at
    day = on or (timezone.localdate(filed) if filed else timezone.localdate())
    return regime_on(day, dossier.round.year.authority.level)


def authority_defaults(authority, level: str) -> dict | None:
    """The settings an authority moving to ``level`` takes from today's regime of that level."""
    regime = regime_on(timezone.localdate(), level)
    return {name: getattr(regime, name) for name in Regime.AUTHORITY_FIELDS} if regime else None


def regime_of_year(year, today: datetime.date | None = None) -> Regime | None:
    """The regime a programme year's new rounds follow: the one in force for its authority's level today, or on the
    nearest day of that year when today falls outside it."""
    today = today or timezone.localdate()
    day = min(max(today, datetime.date(year.year, 1, 1)), datetime.date(year.year, 12, 31))
    return regime_on(day, year.authority.level)


def round_window(
    year, number: int, today: datetime.date | None = None, regime: Regime | None = None
) -> tuple[datetime.date, datetime.date] | None:
    """(proposal cut-off, end) of a year's round ``number`` under its regime's windows (26/2026 Điều 5), or None when
    the regime has none. Rounds past the last window repeat it; a malformed window is ignored."""
    regime = regime or regime_of_year(year, today)
    windows = regime.round_windows if regime and isinstance(regime.round_windows, list) else []
    if not windows:
        return None
    window = windows[min(number, len(windows)) - 1]
    try:
        cutoff = datetime.date(year.year, *map(int, str(window["cutoff"]).split("-")))
        end = datetime.date(year.year, *map(int, str(window["end"]).split("-")))
    except (KeyError, TypeError, ValueError):
        return None
    return cutoff, end
