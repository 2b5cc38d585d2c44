from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from ocop import rules

# (label, url name, action that shows it). The main bar holds daily work; catalogues sit in a "More" menu.
NAV_ITEMS = [
    (_("Home"), "home", "dashboard.view"),
    (_("Dashboard"), "insights:dashboard", "dashboard.district"),
    (_("Scoring"), "evaluations:my_sheets", "scoring.my_sheets"),
    (_("Dossiers"), "products:dossier_list", "dossier.list"),
    (_("Rounds"), "evaluations:round_list", "round.list"),
    (_("Products"), "products:product_list", "product.list"),
    (_("Certificates"), "evaluations:certificate_list", "certificate.list"),
    (_("Support"), "funding:entitlement_list", "entitlement.list"),
]
MORE_ITEMS = [
    (_("Programme years"), "evaluations:year_list", "year.view"),
    (_("Working-day calendar"), "evaluations:workday_calendar", "calendar.manage"),
    (_("Producers"), "products:producer_list", "producer.list"),
    (_("Communes"), "communes", "commune.list"),
    (_("Split communes"), "products:units_review", "units.review"),
    (_("Criteria sets"), "evaluations:criteria_list", "criteria.confirm"),
    (_("Reports"), "insights:reports", "report.view"),
    (_("Programme settings"), "authority_settings", "authority.view_settings"),
    (_("Outbox"), "outbox", "outbox.view"),
    (_("Budgets"), "funding:budget", "budget.view"),
    (_("Support policies"), "funding:policy_list", "policy.view"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_more": [], "user_roles": [], "notifications_unread": 0}
    roles = sorted(rules.roles_of(user), key=lambda r: list(type(r)).index(r))
    return {
        "nav_items": _items(user, request.path, NAV_ITEMS),
        "nav_more": _items(user, request.path, MORE_ITEMS),
        "user_roles": [r.label for r in roles],
        # Loaded with the user by ocop.auth.ProfileBackend; otherwise one COUNT query, run only when a template
        # shows the badge.
        "notifications_unread": SimpleLazyObject(lambda: _unread(user)),
    }


def _unread(user) -> int:
    from ocop.models import Notification

    cached = getattr(user, "_ocop_unread", None)
    if cached is not None:
        return cached
    return Notification.objects.inbox_of(user).unread().count()


def _items(user, path, entries):
    items = []
    for label, url_name, action in entries:
        if rules.can(user, action):
            url = reverse(url_name)
            active = path == url if url_name == "home" else path.startswith(url)
            items.append({"label": label, "url": url, "active": active})
    return items


def programme(request):
    """The authority's regime words for every template: ``level`` reads "huyện" or "tỉnh" ("Nộp lên {{ level }}"),
    ``standing_body`` the office to ask. Fetched once per request, and only by a template that uses them."""
    authority = SimpleLazyObject(_current_authority)
    return {
        "programme_authority": authority,
        "level": SimpleLazyObject(lambda: authority.level_noun if authority else _("district")),
        "standing_body": SimpleLazyObject(lambda: _standing_body(authority)),
    }


def _current_authority():
    from ocop.models import Authority

    return Authority.objects.current()


def _standing_body(authority) -> str:
    if authority and authority.standing_body:
        return authority.standing_body
    return str(_("the agriculture office"))
