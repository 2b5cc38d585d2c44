"""Which rules apply: the legal regimes as rows of ``Regime`` (decisions.md 1-2c).

A regime has a validity window; the one that applies to a dossier follows its filing date (decision 2b), and an
authority that changes level starts from the regime of that level. Adding a regime (Decision 26/2026) adds a row to
``KNOWN`` (and a data migration), not a code path.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

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


@dataclass(frozen=True)
class RegimeChoice:
    """The regime that applies to a dossier and why, in words for the page (decision 2b)."""

    regime: Regime | None
    reason: str
    filed_on: datetime.date | None = None
    moved: bool = False  # the old regime lapsed before the dossier finished


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _holding(rows, day):
    current = [r for r in rows if r.valid_from <= day and (r.valid_to is None or r.valid_to >= day)]
    return max(current, key=lambda r: r.valid_from, default=None)


def _in_force(regimes, day: datetime.date, level: str):
    """The level's regime on ``day``; before the level's first regime, the one in force that day at any level (a
    province's 2024 dossiers were filed under 148); after all of them ended, the level's latest."""
    rows = [r for r in regimes if r.level == level]
    found = _holding(rows, day)
    if found is None and rows and day < min(r.valid_from for r in rows):
        found = _holding(regimes, day)
    return found or max(rows, key=lambda r: r.valid_from, default=None)


def choose_regime(
    regimes,
    *,
    level: str,
    filed_on: datetime.date | None,
    today: datetime.date,
    reevaluation: bool = False,
    finished_on: datetime.date | None = None,
    current: Regime | None = None,
) -> RegimeChoice:
    """Decision 2b as a pure function over the regime rows (no database).

    ``filed_on`` is the filing date: the day the commune received the producer's dossier, else the day it was
    submitted; None for a draft, which takes the regime in force ``today``. ``current`` is the regime already given
    to the dossier (kept: a later resubmission does not move it). A regime with a ``finish_first_by`` (first
    evaluations, upgrades) or ``finish_reevaluation_by`` (re-evaluations) date hands every dossier it governs that is
    not *finished* by the end of that day to the regime in force the day after. Finished means a recognition
    decision or a rejection dated on or before that day (``finished_on``: the caller's date of the earlier one)."""
    regimes = list(regimes)
    if filed_on is None:
        regime = current or _in_force(regimes, today, level)
        if regime is None:
            return RegimeChoice(None, _("No legal regime is recorded for this level."))
        reason = _("Not filed yet: the rules in force today (%(today)s) apply, %(regime)s.") % {
            "today": _day(today),
            "regime": regime.legal_basis,
        }
        return RegimeChoice(regime, reason)
    regime = current or _in_force(regimes, filed_on, level)
    if regime is None:
        return RegimeChoice(None, _("No legal regime is recorded for this level."), filed_on)
    if regime.valid_to is not None and filed_on <= regime.valid_to:
        reason = _("Filed on %(filed)s, before %(next)s: %(regime)s applies.") % {
            "filed": _day(filed_on),
            "next": _day(regime.valid_to + datetime.timedelta(days=1)),
            "regime": regime.legal_basis,
        }
    else:
        reason = _("Filed on %(filed)s: %(regime)s applies, in force since %(since)s.") % {
            "filed": _day(filed_on),
            "regime": regime.legal_basis,
            "since": _day(regime.valid_from),
        }
    finish_by = regime.finish_reevaluation_by if reevaluation else regime.finish_first_by
    finished_in_time = finished_on is not None and finished_on <= finish_by if finish_by else True
    if finish_by and today > finish_by and not finished_in_time:
        successor = _in_force(regimes, finish_by + datetime.timedelta(days=1), level)
        if successor is not None and successor.code != regime.code:
            what = (
                pgettext("transitional deadline", "re-evaluations")
                if reevaluation
                else pgettext("transitional deadline", "first evaluations and upgrades")
            )
            reason = _(
                "Filed on %(filed)s under %(old)s, but not finished by %(deadline)s (the deadline for %(what)s under "
                "those rules): %(regime)s applies from %(from)s."
            ) % {
                "filed": _day(filed_on),
                "old": regime.legal_basis,
                "deadline": _day(finish_by),
                "what": what,
                "regime": successor.legal_basis,
                "from": _day(finish_by + datetime.timedelta(days=1)),
            }
            return RegimeChoice(successor, reason, filed_on, moved=True)
    return RegimeChoice(regime, reason, filed_on)


def filing_date(dossier) -> datetime.date | None:
    """The day the dossier was filed: received by the commune, else submitted; None for a draft."""
    filed = dossier.commune_received_at or dossier.submitted_at
    return timezone.localdate(filed) if filed else None


def regime_for(dossier, on: datetime.date | None = None) -> Regime | None:
    """The rules that apply to a dossier (decision 2b): see ``choose_regime``. ``on`` stands for the filing date.
    ``products.regime.choice`` adds what this layer cannot know: the stored regime, the office's override, and
    when the dossier finished."""
    return choice_for(dossier, on=on).regime


def choice_for(dossier, *, on=None, today=None, finished_on=None, current=None) -> RegimeChoice:
    """``choose_regime`` for one dossier, over the database's regime rows."""
    if not Regime.objects.exists():
        ensure_regimes()
    return choose_regime(
        Regime.objects.all(),
        level=dossier.round.year.authority.level,
        filed_on=on or filing_date(dossier),
        today=today or timezone.localdate(),
        reevaluation=bool(getattr(dossier, "is_reevaluation", False)),
        finished_on=finished_on,
        current=current,
    )


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
