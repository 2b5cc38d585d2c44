"""The homes of each role and the district dashboard. Read-only: nothing here changes state."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from insights import homes, queries
from ocop import rules
from ocop.enums import Role
from ocop.models import Authority, Commune
from products import commune_checks
from products.models import Dossier


def _year_param(request) -> int | None:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return None


@login_required
@require_GET
def home(request):
    """Each role's work first: the commune official's dossiers to finish, the member's sheets to score, the
    office's queue and the plan's progress."""
    user = request.user
    rules.authorize(user, "dashboard.view")
    roles = rules.roles_of(user)
    authority = Authority.objects.current()
    year = homes.current_year(authority)
    commune = None
    commune_id = rules.commune_id_of(user)
    if commune_id:
        commune = Commune.objects.get(pk=commune_id)
    is_commune = Role.COMMUNE_OFFICIAL in roles
    context = {
        "authority": authority,
        "year": year,
        "commune": commune,
        "is_district": bool(roles & {Role.DISTRICT_OFFICE, Role.SECRETARIAT, Role.SYSADMIN}),
        "is_council": bool(roles & {Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER}),
        "is_chair": Role.COUNCIL_CHAIR in roles,
        "is_finance": Role.FINANCE in roles,
        "is_commune": is_commune,
        "may_dashboard": rules.can(user, "dashboard.district"),
        "may_reports": rules.can(user, "report.view"),
        "commune_count": Commune.objects.count() if rules.can(user, "commune.list") else None,
        "dossier_counts": homes.dossier_counts(user) if rules.can(user, "dossier.list") else None,
        "late_checks": commune_checks.late_count(Dossier.objects.visible_to(user))
        if rules.can(user, "dossier.late_checks")
        else None,
        "progress": homes.plan_progress(year) if year is not None else None,
        "budget_total": homes.budget_total(year) if year is not None and rules.can(user, "money.view") else None,
        "to_finish": homes.dossiers_to_finish(user) if is_commune and commune else None,
        "certified": homes.commune_certificates(user) if is_commune and commune else None,
        "entitlements": homes.commune_entitlements(user)
        if is_commune and commune and rules.can(user, "entitlement.list")
        else None,
        "sheets": homes.sheets_of(user) if rules.can(user, "scoring.my_sheets") else None,
    }
    return render(request, "insights/home.html", context)


@login_required
@require_GET
def dashboard(request):
    """The district dashboard for a chosen year: targets, funnel, rounds, breakdowns, certificates, money."""
    user = request.user
    rules.authorize(user, "dashboard.district")
    authority = Authority.objects.current()
    with_money = rules.can(user, "money.view")
    data = queries.district_dashboard(authority, _year_param(request), with_money=with_money) if authority else {}
    return render(
        request,
        "insights/dashboard.html",
        {
            "authority": authority,
            **data,
            "chart_data": queries.chart_data(data) if data else {},
            "with_money": with_money,
            "may_reports": rules.can(user, "report.view"),
        },
    )
