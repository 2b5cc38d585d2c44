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
