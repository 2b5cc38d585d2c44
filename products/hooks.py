"""Extension points that higher apps (``evaluations``) register, so that ``products`` never imports them.

Each hook runs inside the caller's transaction: a hook that raises ``ValidationError`` refuses the whole change.
"""

from collections.abc import Callable

_accepted_hooks: list[Callable] = []


def on_dossier_accepted(fn: Callable) -> Callable:
    """Register ``fn(dossier, *, by, now)``, called when a dossier is accepted for evaluation. Usable as a decorator."""
    if fn not in _accepted_hooks:
        _accepted_hooks.append(fn)
    return fn


def dossier_accepted(dossier, *, by, now) -> None:
    for fn in _accepted_hooks:
        fn(dossier, by=by, now=now)


_finished_lookups: list[Callable] = []


def on_finished_lookup(fn: Callable) -> Callable:
    """Register ``fn(dossier) -> date | None``: the day a higher app's outcome finished the dossier (e.g. the
    round's recognition decision), for the transitional rules of decision 2b. Usable as a decorator."""
    if fn not in _finished_lookups:
        _finished_lookups.append(fn)
    return fn


def finished_on(dossier):
    """The earliest day a registered lookup says the dossier finished, or None."""
    days = [day for fn in _finished_lookups if (day := fn(dossier)) is not None]
    return min(days, default=None)


_self_scorers: list[Callable] = []


def on_self_score(fn: Callable) -> Callable:
    """Register ``fn(sheet_def, choices) -> dict`` (``total``, ``band``, ``star``, ``failed_marks``, ``missing``),
    which scores the producer's self-assessment (Mẫu 02) with the council's scoring rules. ``evaluations`` registers
    it: the rules live there, and ``products`` does not import them. The latest registration wins."""
    _self_scorers[:] = [fn]
    return fn


def self_score(sheet_def, choices) -> dict | None:
    """The outcome of one self-assessed sheet, or None when no scorer is registered."""
    return _self_scorers[0](sheet_def, choices) if _self_scorers else None


_outcome_hooks: list[Callable] = []


def on_dossier_outcome(fn: Callable) -> Callable:
    """Register ``fn(dossier) -> str``: the evaluation's outcome in words for the dossier's page ('' when none yet).
    Usable as a decorator."""
    if fn not in _outcome_hooks:
        _outcome_hooks.append(fn)
    return fn


def dossier_outcome(dossier) -> str:
    return next((text for fn in _outcome_hooks if (text := fn(dossier))), "")
