"""Views of the shared core: dashboard, communes, programme settings, history, health."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Q, Sum
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from evaluations.models import ProgrammeYear
from funding.models import BudgetLine
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
}


def _current_year(authority):
    today = timezone.localdate()
    years = ProgrammeYear.objects.filter(authority=authority)
    return years.filter(year=today.year).first() or years.order_by("-year").first()


@login_required
def home(request):
    user = request.user
    rules.authorize(user, "dashboard.view")
    authority = Authority.objects.current()
    year = _current_year(authority) if authority else None
    budget_total = None
    if year is not None and rules.can(user, "funding.area"):
        budget_total = BudgetLine.objects.filter(year=year).aggregate(total=Sum("amount"))["total"]
    roles = rules.roles_of(user)
    commune = None
    commune_id = rules.commune_id_of(user)
    if commune_id:
        commune = Commune.objects.get(pk=commune_id)
    context = {
        "authority": authority,
        "year": year,
        "budget_total": budget_total,
        "commune": commune,
        "is_district": bool(roles & {Role.DISTRICT_OFFICE, Role.SECRETARIAT, Role.SYSADMIN}),
        "is_council": bool(roles & {Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER}),
        "is_chair": Role.COUNCIL_CHAIR in roles,
        "is_finance": Role.FINANCE in roles,
        "is_commune": Role.COMMUNE_OFFICIAL in roles,
        "commune_count": Commune.objects.count() if rules.can(user, "commune.list") else None,
        "dossier_counts": _dossier_counts(user) if rules.can(user, "dossier.list") else None,
        "sheets_to_score": _sheets_to_score(user) if rules.can(user, "scoring.my_sheets") else None,
        "progress": _plan_progress(year) if year is not None else None,
    }
    return render(request, "ocop/home.html", context)


def _dossier_counts(user):
    """Dossiers the user can see, by status, in one query (the dashboard's work queue)."""
    from products.enums import DossierStatus
    from products.models import Dossier

    rows = Dossier.objects.visible_to(user).values("status").annotate(n=Count("id")).order_by()
    counts = {row["status"]: row["n"] for row in rows}
    return [{"status": status, "label": status.label, "count": counts.get(status.value, 0)} for status in DossierStatus]


def _plan_progress(year) -> dict:
    """Recognitions of the year's decisions against the plan's targets, in one query."""
    from evaluations.models import Recognition
    from products.enums import RegistrationType

    return Recognition.objects.filter(decision__round__year=year, star__gte=3).aggregate(
        new=Count("id", filter=Q(dossier__registration_type=RegistrationType.NEW)),
        reevaluated=Count("id", filter=Q(dossier__registration_type=RegistrationType.REEVALUATION)),
    )


def _sheets_to_score(user) -> int:
    from evaluations.enums import RoundStage, SheetStatus
    from evaluations.models import ScoreSheet

    return ScoreSheet.objects.filter(
        member__user=user, status=SheetStatus.DRAFT, dossier__round__stage=RoundStage.SCORING
    ).count()


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
        .order_by("kind", vi_order("name"))
    )
    query = request.GET.get("q", "").strip()
    if query:
        communes = communes.filter(name__icontains=query)
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
    return JsonResponse(status, status=http_status)


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


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def favicon(request):
    """/favicon.ico for clients that ask for it without reading the page's <link rel="icon">."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
