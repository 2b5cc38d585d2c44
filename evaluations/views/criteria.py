"""Criteria sets: the catalogue, one sheet, and the staff check of an unverified set (decision 12)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluations import domain
from ocop import rules
from programme.models import CriteriaSet


@login_required
def criteria_list(request):
    rules.authorize(request.user, "criteria.view")
    sets = (
        CriteriaSet.objects.select_related("confirmed_by__profile")
        .annotate(product_count=Count("products", distinct=True))
        .order_by("code", "-version")
    )
    return render(request, "evaluations/criteria_list.html", {"sets": sets})


@login_required
def criteria_detail(request, pk):
    criteria_set = get_object_or_404(CriteriaSet.objects.select_related("confirmed_by__profile"), pk=pk)
    rules.authorize(request.user, "criteria.view", criteria_set)
    return render(
        request,
        "evaluations/criteria_detail.html",
        {
            "set": criteria_set,
            "may_confirm": rules.can(request.user, "criteria.confirm", criteria_set) and not criteria_set.usable,
        },
    )


@login_required
@require_POST
def confirm(request, pk):
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    rules.authorize(request.user, "criteria.confirm", criteria_set)
    if domain.confirm_criteria_set(criteria_set, by=request.user):
        messages.success(request, _("Recorded: you checked this set against the official text."))
    return redirect("evaluations:criteria_detail", pk)
