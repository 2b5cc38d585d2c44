from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop import rules

# (label, url name, action that shows it). Later issues add their sections here.
NAV_ITEMS = [
    (_("Home"), "home", "dashboard.view"),
    (_("Scoring"), "evaluations:my_sheets", "scoring.my_sheets"),
    (_("Dossiers"), "products:dossier_list", "dossier.list"),
    (_("Rounds"), "evaluations:round_list", "round.list"),
    (_("Products"), "products:product_list", "product.list"),
    (_("Producers"), "products:producer_list", "producer.list"),
    (_("Communes"), "communes", "commune.list"),
    (_("Criteria"), "evaluations:criteria_list", "criteria.confirm"),
    (_("Programme settings"), "authority_settings", "authority.view_settings"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": []}
    path = request.path
    items = []
    for label, url_name, action in NAV_ITEMS:
        if rules.can(user, action):
            url = reverse(url_name)
            active = path == url if url_name == "home" else path.startswith(url)
            items.append({"label": label, "url": url, "active": active})
    roles = sorted(rules.roles_of(user), key=lambda r: list(type(r)).index(r))
    return {"nav_items": items, "user_roles": [r.label for r in roles]}
