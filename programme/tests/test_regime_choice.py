"""Which regime a dossier falls under (decision 2b), as a pure function over the regime rows: the filing date picks
the regime, and a dossier under the old rules that has not finished by their transitional date moves on."""

import datetime

import pytest
from django.utils.translation import override

from ocop.enums import AuthorityLevel
from programme.models import Regime
from programme.regimes import KNOWN, choose_regime

D = datetime.date
PROVINCE, DISTRICT = AuthorityLevel.PROVINCE, AuthorityLevel.DISTRICT
# Unsaved rows, exactly the known regimes: no database is needed.
REGIMES = [Regime(**row) for row in KNOWN]


def choose(filed_on, today, *, reevaluation=False, finished_on=None, level=PROVINCE, current=None):
    with override("vi"):
        return choose_regime(
            REGIMES,
            level=level,
            filed_on=filed_on,
            today=today,
            reevaluation=reevaluation,
            finished_on=finished_on,
            current=current,
        )


def test_filed_on_21_05_2026_finishes_under_1489():
    chosen = choose(D(2026, 5, 21), D(2026, 6, 1))
    assert chosen.regime.code == "qd1489-2025"
    assert not chosen.moved
    assert chosen.reason == ("Nộp ngày 21/05/2026, trước 22/05/2026: áp dụng Quyết định 1489/QĐ-TTg ngày 06/07/2025.")


def test_filed_on_22_05_2026_falls_under_26_2026():
    chosen = choose(D(2026, 5, 22), D(2026, 6, 1))
    assert chosen.regime.code == "qd26-2026"
    assert "22/05/2026" in chosen.reason and "26/2026/QĐ-TTg" in chosen.reason


def test_a_first_evaluation_not_finished_by_21_07_2026_moves_to_26_2026():
    # on the last day of the old rules it still belongs to them
    assert choose(D(2026, 5, 21), D(2026, 7, 21)).regime.code == "qd1489-2025"
    chosen = choose(D(2026, 5, 21), D(2026, 7, 22))
    assert chosen.regime.code == "qd26-2026"
    assert chosen.moved
    assert "21/07/2026" in chosen.reason and "1489" in chosen.reason and "26/2026" in chosen.reason
    assert "22/07/2026" in chosen.reason  # from when the new rules apply


def test_finished_in_time_it_stays_under_the_old_rules():
    assert choose(D(2026, 5, 10), D(2026, 12, 1), finished_on=D(2026, 7, 21)).regime.code == "qd1489-2025"
    # a decision taken after the deadline does not count: the old rules had lapsed
    assert choose(D(2026, 5, 10), D(2026, 12, 1), finished_on=D(2026, 7, 22)).regime.code == "qd26-2026"


def test_a_reevaluation_must_finish_by_21_06_2026():
    assert choose(D(2026, 5, 20), D(2026, 6, 21), reevaluation=True).regime.code == "qd1489-2025"
    chosen = choose(D(2026, 5, 20), D(2026, 6, 22), reevaluation=True)
    assert chosen.regime.code == "qd26-2026"
    assert "21/06/2026" in chosen.reason and "đánh giá lại" in chosen.reason
    # a first evaluation filed the same day still has a month left
    assert choose(D(2026, 5, 20), D(2026, 6, 22)).regime.code == "qd1489-2025"


def test_a_draft_takes_the_rules_in_force_today():
    chosen = choose(None, D(2026, 5, 21))
    assert chosen.regime.code == "qd1489-2025"
    assert "21/05/2026" in chosen.reason
    assert choose(None, D(2026, 5, 22)).regime.code == "qd26-2026"


def test_the_stored_regime_is_kept_when_a_dossier_is_resubmitted_later():
    """A dossier filed under 1489 and resubmitted after 22/05 keeps 1489 (its last submission is not its filing)."""
    old = next(r for r in REGIMES if r.code == "qd1489-2025")
    chosen = choose(D(2026, 6, 2), D(2026, 6, 3), current=old)
    assert chosen.regime is old
    # ... until the old rules lapse without a decision
    assert choose(D(2026, 6, 2), D(2026, 7, 22), current=old).regime.code == "qd26-2026"


@pytest.mark.parametrize("filed", [D(2024, 6, 3), D(2026, 5, 21), D(2026, 8, 1)])
def test_a_district_keeps_the_148_rules(filed):
    """The district tier has one regime; its window ended, and a district deployment keeps it."""
    chosen = choose(filed, D(2026, 12, 1), level=DISTRICT)
    assert chosen.regime.code == "qd148-2023"
    assert not chosen.moved


def test_a_province_dossier_filed_before_1489_falls_under_148():
    """The province's 2024 history was filed under Decision 148 (the district tier then)."""
    chosen = choose(D(2024, 6, 3), D(2026, 12, 1))
    assert chosen.regime.code == "qd148-2023"
    assert not chosen.moved
