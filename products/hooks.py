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
