"""Which rules apply to a dossier, as the pages show it (decision 2b).

``programme.regimes.choose_regime`` decides from the filing date and the transitional dates; this module adds what
the programme layer cannot know: the regime stored on the dossier (``Dossier.regime``, set by
``products.domain.assign_regime``), the office's override with its reason, and when the dossier finished — its
rejection, or the outcome a higher app reports through ``hooks.on_finished_lookup`` (the round's recognition
decision).
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from products import hooks
from products.enums import DossierStatus
from programme.regimes import RegimeChoice, choice_for


def finished_on(dossier) -> datetime.date | None:
    """The day the dossier finished: rejected, or covered by a recognition decision; None while it is open."""
    days = []
    if dossier.status == DossierStatus.REJECTED and dossier.decided_at:
        days.append(timezone.localdate(dossier.decided_at))
    if (other := hooks.finished_on(dossier)) is not None:
        days.append(other)
    return min(days, default=None)


def choice(dossier, *, today: datetime.date | None = None) -> RegimeChoice:
    """The regime that applies now and why. An office override wins, with its reason; otherwise the stored regime
    (or the filing date's) under the transitional rules."""
    if dossier.regime_id and dossier.regime_override_reason:
        return RegimeChoice(
            dossier.regime,
            _("Chosen by the programme office: %(reason)s") % {"reason": dossier.regime_override_reason},
        )
    return choice_for(
        dossier,
        today=today or timezone.localdate(),
        finished_on=finished_on(dossier),
        current=dossier.regime if dossier.regime_id else None,
    )


def regime_of(dossier, *, today: datetime.date | None = None):
    """``dossier.regime`` as it stands now (falls back to the filing date's regime)."""
    return choice(dossier, today=today).regime


def criteria_set_for_scoring(dossier, *, today: datetime.date | None = None):
    """The set the dossier is scored on: its regime's edition and the product's set code; the product's own set
    when that edition holds no set of its code."""
    from programme.criteria import set_for

    product_set = dossier.product.criteria_set
    regime = regime_of(dossier, today=today)
    if regime is None or regime.criteria_edition == product_set.edition:
        return product_set
    return set_for(regime.criteria_edition, product_set.code) or product_set
