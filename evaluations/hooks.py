"""Extension points that higher apps (``funding``) register, so that ``evaluations`` never imports them.

Imports point one way (core ← products ← evaluations ← funding): evaluations calls up only through these hooks.
Every hook runs inside the caller's transaction, so what it writes commits or rolls back with the decision.
"""

from collections.abc import Callable

_decision_hooks: list[Callable] = []


def on_decision_recorded(fn: Callable) -> Callable:
    """Register ``fn(decision, *, by, now, corrected: bool)``, called after a recognition decision's recognitions
    are written (``corrected`` is True when an existing decision was corrected). Usable as a decorator."""
    if fn not in _decision_hooks:
        _decision_hooks.append(fn)
    return fn


def decision_recorded(decision, *, by, now, corrected: bool = False) -> None:
    for fn in _decision_hooks:
        fn(decision, by=by, now=now, corrected=corrected)


_higher_result_hooks: list[Callable] = []


def on_higher_result_recorded(fn: Callable) -> Callable:
    """Register ``fn(result, *, by, now)``, called after a higher level's result (the province's or the ministry's
    star, decision and date) is recorded or changed on a council's result. Usable as a decorator."""
    if fn not in _higher_result_hooks:
        _higher_result_hooks.append(fn)
    return fn


def higher_result_recorded(result, *, by, now) -> None:
    for fn in _higher_result_hooks:
        fn(result, by=by, now=now)
