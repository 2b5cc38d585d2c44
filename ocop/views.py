"""Views of the shared core: communes, programme settings, history, health. (The home and the dashboards are in
``insights``, above the apps.)"""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, F, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ocop import audit, domain, rules
from ocop.enums import Role, UnitKind
from ocop.forms import AuthoritySettingsForm
from ocop.lib.collation import vi_order
from ocop.models import Authority, Commune, Heartbeat

# Models whose history may be shown; a history URL for anything else is a 404.
AUDITABLE_MODELS = {
    "ocop.authority",
    "ocop.commune",
    "ocop.profile",
    "products.producer",
    "products.product",
    "products.dossier",
    "evaluations.certificate",
    "programme.programmeyear",
    "programme.round",
}
# Links written before the programme models moved out of ``evaluations`` (issue 19) keep working.
FORMER_LABELS = {"evaluations.programmeyear": "programme.programmeyear", "evaluations.round": "programme.round"}


@login_required
def commune_list(request):
    rules.authorize(request.user, "commune.list")
    communes = (
        Commune.objects.visible_to(request.user)
        .annotate(
            official_count=Count(
                "profiles",
                filter=Q(
                    profiles__user__is_active=True,
                    profiles__user__groups__name=Role.COMMUNE_OFFICIAL.value,
                ),
                distinct=True,
            )
        )
        .order_by(F("retired_on").asc(nulls_first=True), "kind", vi_order("name"))  # units still listed first
    )
    query = request.GET.get("q", "").strip()
    if query:
        communes = communes.filter(Q(name__icontains=query) | Q(code=query))
    return render(
        request,
        "ocop/commune_list.html",
        {"communes": communes, "query": query, "township": UnitKind.TOWNSHIP},
    )


@login_required
def commune_detail(request, slug):
    commune = get_object_or_404(Commune.objects.select_related("authority"), slug=slug)
    rules.authorize(request.user, "commune.view", commune)
    officials = (
        commune.profiles.filter(user__is_active=True, user__groups__name=Role.COMMUNE_OFFICIAL.value)
        .select_related("user")
        .order_by("full_name")
    )
    return render(request, "ocop/commune_detail.html", {"commune": commune, "officials": officials})


@login_required
def authority_settings(request):
    authority = Authority.objects.current()
    if authority is None:
        raise Http404
    rules.authorize(request.user, "authority.view_settings", authority)
    may_edit = rules.can(request.user, "authority.edit_settings", authority)
    form = AuthoritySettingsForm(instance=authority)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = AuthoritySettingsForm(request.POST, instance=Authority.objects.get(pk=authority.pk))
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in Authority.SETTINGS_FIELDS}
            changed = domain.update_authority_settings(authority, by=request.user, **values)
            if changed:
                messages.success(request, _("Programme settings saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("authority_settings")
        messages.error(request, _("Please correct the highlighted fields."))
    return render(
        request,
        "ocop/authority_settings.html",
        {"authority": authority, "form": form, "may_edit": may_edit},
    )


@login_required
def history(request, model, pk):
    model = FORMER_LABELS.get(model, model)
    if model not in AUDITABLE_MODELS:
        raise Http404
    model_class = apps.get_model(model)
    obj = get_object_or_404(model_class, pk=pk)
    rules.authorize(request.user, "audit.view", obj)
    entries = list(audit.history_for(obj)[:200])
    for entry in entries:
        entry.readable_changes = audit.readable_changes(entry)
    return render(request, "ocop/history.html", {"object": obj, "entries": entries})


@require_GET
@never_cache
def healthz(request):
    """Database and broker status as JSON; 200 while the database answers."""
    status = {"database": "ok", "broker": "eager", "worker_last_seen": None}
    http_status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        beat = Heartbeat.objects.filter(name="worker").first()
        status["worker_last_seen"] = beat.seen_at.isoformat() if beat else None
    except Exception as exc:
        status["database"] = f"error: {exc.__class__.__name__}"
        http_status = 503
    from django.conf import settings

    if settings.CELERY_BROKER_URL and not settings.CELERY_TASK_ALWAYS_EAGER:
        status["broker"] = _broker_status(settings.CELERY_BROKER_URL)
    if not _may_see_health_details(request):
        # Anonymous callers from outside learn up or down, nothing about the stack.
        return JsonResponse({"status": "ok" if http_status == 200 else "error"}, status=http_status)
    return JsonResponse({"status": "ok" if http_status == 200 else "error", **status}, status=http_status)


def _may_see_health_details(request) -> bool:
    """Staff (district office, system administrator), or a probe on this machine that did not come through a proxy."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and rules.has_role(user, Role.DISTRICT_OFFICE, Role.SYSADMIN):
        return True
    local = request.META.get("REMOTE_ADDR") in ("127.0.0.1", "::1")
    proxied = any(key in request.META for key in ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED"))
    return local and not proxied


def _broker_status(url: str) -> str:
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=1, transport_options={"max_retries": 0}) as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
        return "ok"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without a valid security token (most often a page left open past the end of the
    session, or signed in again in another tab). The site's own page in the user's language, with the site's static
    CSS (Django's page has an inline style that the content policy blocks), and what to do about it."""
    from ocop.view_utils import same_site_referer

    return render(
        request,
        "403_csrf.html",
        {"reload_url": same_site_referer(request) or request.get_full_path()},
        status=403,
    )


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def favicon(request):
    """/favicon.ico for clients that ask for it without reading the page's <link rel="icon">."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
