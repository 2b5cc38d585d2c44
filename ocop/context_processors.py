from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from ocop import rules

# (label, url name, action that shows it). The main bar holds daily work; catalogues sit in a "More" menu.
NAV_ITEMS = [
    (_("Home"), "home", "dashboard.view"),
    (_("Scoring"), "evaluations:my_sheets", "scoring.my_sheets"),
    (_("Dossiers"), "products:dossier_list", "dossier.list"),
    (_("Rounds"), "evaluations:round_list", "round.list"),
    (_("Products"), "products:product_list", "product.list"),
    (_("Certificates"), "evaluations:certificate_list", "certificate.list"),
]
MORE_ITEMS = [
    (_("Producers"), "products:producer_list", "producer.list"),
    (_("Communes"), "communes", "commune.list"),
    (_("Criteria sets"), "evaluations:criteria_list", "criteria.confirm"),
    (_("Programme settings"), "authority_settings", "authority.view_settings"),
    (_("Outbox"), "outbox", "outbox.view"),
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
