"""The office's review of producers whose former commune was split in the 2025 reorganisation."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop import rules
from ocop.lib.collation import vi_order
from ocop.models import FormerUnitCandidate
from ocop.view_utils import paginate, perform
from products import units
from products.forms import UnitChoiceForm
from products.models import Producer, UnitChoice


def _rows(producers):
    return producers.select_related("commune", "former_unit").prefetch_related(
        Prefetch(
            "former_unit__candidate_links",
            queryset=FormerUnitCandidate.objects.select_related("commune").order_by("-is_default", "commune__name"),
        )
    )


def _page(request, bound=None):
    """The producers still to decide, a page at a time, each with its form (``bound`` keeps what was typed)."""
    pending = units.producers_needing_choice().visible_to(request.user)
    page, query = paginate(request, _rows(pending).order_by("former_unit__name_key", vi_order("name"), "pk"))
    rows = []
    for producer in page:
        form = bound if bound is not None and bound.producer.pk == producer.pk else UnitChoiceForm(producer=producer)
        rows.append({"producer": producer, "form": form})
    if bound is not None and all(row["producer"].pk != bound.producer.pk for row in rows):
        rows.insert(0, {"producer": bound.producer, "form": bound})
    recent = (
        UnitChoice.objects.filter(producer__in=Producer.objects.visible_to(request.user))
        .select_related("producer", "commune", "former_unit", "chosen_by__profile")
        .order_by("-chosen_at")[:10]
    )
    return render(
        request,
        "products/units_review.html",
        {"rows": rows, "page": page, "query": query, "recent": recent},
        status=400 if bound is not None else 200,
    )


@login_required
def units_review(request):
    rules.authorize(request.user, "units.review")
    return _page(request)


@login_required
@require_POST
def producer_choose_unit(request, pk):
    producer = get_object_or_404(_rows(Producer.objects.all()), pk=pk)
    rules.authorize(request.user, "units.review", producer)
    if not producer.former_unit_id or not producer.former_unit.is_split:
        raise Http404
    form = UnitChoiceForm(request.POST, producer=producer)
    if not form.is_valid():
        return _page(request, bound=form)
    result = perform(
        request,
        units.choose_unit,
        producer,
        form.cleaned_data["commune"],
        by=request.user,
        reason=form.cleaned_data["reason"],
        done=_("%(producer)s now belongs to %(commune)s.")
        % {"producer": producer.name, "commune": form.cleaned_data["commune"]},
        already=_("That choice was already recorded."),
    )
    if result is None:
        return _page(request, bound=form)
    return redirect("products:units_review")
