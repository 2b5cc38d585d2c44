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


_outcome_hooks: list[Callable] = []


def on_dossier_outcome(fn: Callable) -> Callable:
    """Register ``fn(dossier) -> str``: the evaluation's outcome in words for the dossier's page ('' when none yet).
    Usable as a decorator."""
    if fn not in _outcome_hooks:
        _outcome_hooks.append(fn)
    return fn


def dossier_outcome(dossier) -> str:
    return next((text for fn in _outcome_hooks if (text := fn(dossier))), "")
