"""Criteria sets: the catalogue, one sheet, and the staff check of an unverified set (decision 12)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluations import domain
from ocop import rules
from ocop.view_utils import paginate
from programme.models import CriteriaSet, criteria_json

CRITERIA_PAGE_SIZE = 26  # one edition per page: the 26 sets of 2026 first, then those of Decision 148


@login_required
def criteria_list(request):
    rules.authorize(request.user, "criteria.view")
    sets = (
        CriteriaSet.objects.select_related("confirmed_by__profile")
        .defer(*criteria_json())
        .annotate(product_count=Count("products", distinct=True), sheet_count=Count("sheets", distinct=True))
        .order_by("-edition", "code", "-version")
    )
    page, query = paginate(request, sets, per_page=CRITERIA_PAGE_SIZE)
    return render(request, "evaluations/criteria_list.html", {"sets": page, "page": page, "query": query})


@login_required
def criteria_detail(request, pk):
    criteria_set = get_object_or_404(CriteriaSet.objects.select_related("confirmed_by__profile"), pk=pk)
    rules.authorize(request.user, "criteria.view", criteria_set)
    placed, general = criteria_set.warnings_by_criterion()
    disqualifiers, header_disqualifiers = criteria_set.disqualifiers_by_code()
    parts = [
        {
            **part,
            "sections": [
                {
                    **section,
                    "disqualifiers": []
                    if any(c["code"] == section["code"] for c in section["criteria"])
                    else disqualifiers.get(section["code"], []),
                    "criteria": [
                        {
                            **criterion,
                            "warnings": placed.get(criterion["code"], []),
                            "disqualifiers": disqualifiers.get(criterion["code"], []),
                        }
                        for criterion in section["criteria"]
                    ],
                }
                for section in part["sections"]
            ],
        }
        for part in criteria_set.sheet
    ]
    return render(
        request,
        "evaluations/criteria_detail.html",
        {
            "set": criteria_set,
            "parts": parts,
            "general_warnings": general,
            "placed_count": sum(len(w) for w in placed.values()),
            "header_disqualifiers": header_disqualifiers,
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
