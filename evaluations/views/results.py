"""A dossier's result: the council's mean, star, flags and sheets; spread resolution; assignment; province result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluations import domain, ministry
from evaluations.enums import SheetStatus
from evaluations.forms import (
    CentralRecognitionForm,
    MinistryApprovalForm,
    MinistryOutcomeForm,
    ProvinceResultForm,
    ReasonForm,
)
from evaluations.models import CouncilMember, MinistryReferral, Recognition, Result
from ocop import rules
from ocop.security import parse_id
from ocop.view_utils import add_errors, perform
from products import forms_data
from products.models import Dossier
from programme.enums import RoundStage


def _dossier(pk):
    return get_object_or_404(
        Dossier.objects.select_related(
            "product__producer", "product__criteria_set", "commune", "round__year__authority"
        ).defer("product__criteria_set__notes", "product__criteria_set__warnings"),
        pk=pk,
    )


@login_required
def result_detail(request, pk):
    return _result_page(request, _dossier(pk))


def _result_page(request, dossier, bound=None):
    """The result page; ``bound`` = (context key, bound form) shows a refused form with what was typed."""
    user = request.user
    if rules.is_other_commune(user, dossier):
        rules.authorize(user, "result.view", dossier)  # 404
    if not rules.can(user, "result.view", dossier):
        own = dossier.sheets.filter(member__user=user).first()
        if own is not None:
            messages.info(request, _("Submit your own sheet first; then you can see the council's results."))
            return redirect("evaluations:sheet", own.pk)
        raise PermissionDenied
    result = Result.objects.filter(dossier=dossier).select_related("resolved_by__profile").first()
    round_ = dossier.round
    sheets = list(dossier.sheets.select_related("member__user__profile").prefetch_related("revisions"))
    criteria = []
    self_scores = forms_data.self_scores_for(dossier)
    if result and result.criterion_means:
        failed = {(m["criterion"]) for m in result.failed_marks}
        for part, _section, criterion in domain.scoring_set(dossier).criteria():
            if criterion["code"] in result.criterion_means:
                criteria.append(
                    {
                        "part": part["code"],
                        "code": criterion["code"],
                        "name": criterion["name"],
                        "max": criterion["max_points"],
                        "mean": result.criterion_means[criterion["code"]],
                        "failed": criterion["code"] in failed,
                        "self": self_scores.get(criterion["code"]),
                    }
                )
    manage = rules.can(user, "round.manage", round_)
    scoring_open = round_.stage == RoundStage.SCORING
    forwarded = bool(result and result.forwarded(round_.year.authority))
    assigned_ids = {s.member_id for s in sheets}
    approved = round_.stage in (RoundStage.APPROVED, RoundStage.CLOSED)
    on_path = bool(approved and result and domain.goes_to_ministry(result, round_.year.authority))
    may_record = rules.can(user, "decision.record", round_)
    path = {}
    if on_path:
        referral = MinistryReferral.objects.filter(result=result).first()
        recognition = Recognition.objects.filter(dossier=dossier).select_related("decision").first()
        step = ministry.state(result, referral, recognition is not None)
        path = {
            "state": step,
            "label": ministry.ReferralState.LABELS[step],
            "referral": referral,
            "recognition": recognition,
            "approve_form": MinistryApprovalForm()
            if may_record and step == ministry.ReferralState.TO_APPROVE
            else None,
            "outcome_form": MinistryOutcomeForm(
                initial={"decision": result.province_decision, "date": result.province_decision_date}
            )
            if may_record and step in (ministry.ReferralState.SENT, ministry.ReferralState.NOT_CONFIRMED)
            else None,
            "central_form": CentralRecognitionForm()
            if may_record and step == ministry.ReferralState.NOT_CONFIRMED
            else None,
            "may_record_certificate": rules.can(user, "certificate.record", dossier.product)
            and step == ministry.ReferralState.RECOGNISED,
        }
        if bound is not None and path.get(bound[0]) is not None:
            path[bound[0]] = bound[1]
    return render(
        request,
        "evaluations/result.html",
        {
            "dossier": dossier,
            "round": round_,
            "result": result,
            "sheets": sheets,
            "criteria": criteria,
            "self_total": sum(self_scores.values()) if self_scores else None,
            "approved": approved,
            "not_recognised": approved and result is not None and bool(result.sheet_count) and (result.star or 0) < 3,
            "path": path,
            "may_manage": manage and scoring_open,
            "may_resolve": rules.can(user, "result.resolve", dossier) and scoring_open,
            "may_province": may_record and forwarded and approved and not on_path,
            "forwarded": forwarded,
            "members": list(round_.council.exclude(role="secretary").select_related("user__profile"))
            if manage and scoring_open
            else [],
            "assigned_ids": assigned_ids,
            "reason_form": ReasonForm(),
            "province_form": ProvinceResultForm(authority=round_.year.authority),
            "submitted": SheetStatus.SUBMITTED,
        },
    )


@login_required
@require_POST
def accept_spread(request, pk):
    dossier = _dossier(pk)
    rules.authorize(request.user, "result.resolve", dossier)
    result = get_object_or_404(Result, dossier=dossier)
    perform(
        request,
        domain.accept_spread,
        result,
        by=request.user,
        reason=request.POST.get("reason", ""),
        done=_("The reason was recorded; the result can be approved."),
    )
    return redirect("evaluations:result", pk)


@login_required
@require_POST
def assign(request, pk):
    dossier = _dossier(pk)
    rules.authorize(request.user, "round.manage", dossier.round)
    ids = [i for i in map(parse_id, request.POST.getlist("members")) if i is not None]
    members = list(CouncilMember.objects.filter(round=dossier.round, pk__in=ids))
    perform(
        request, domain.set_assignment, dossier, members, by=request.user,
        done=_("Assignment saved."), already=_("Nothing changed."),
    )  # fmt: skip
    return redirect("evaluations:result", pk)


@login_required
@require_POST
def province_result(request, pk):
    dossier = _dossier(pk)
    rules.authorize(request.user, "decision.record", dossier.round)
    result = get_object_or_404(Result, dossier=dossier)
    authority = dossier.round.year.authority
    form = ProvinceResultForm(request.POST, authority=authority)
    if form.is_valid():
        perform(
            request,
            domain.record_province_result,
            result,
            by=request.user,
            done=_("The %(level)s's result was recorded.") % {"level": authority.next_level_name},
            **form.cleaned_data,
        )
    else:
        messages.error(request, _("Please correct the highlighted fields."))
    return redirect("evaluations:result", pk)


def _ministry_step(request, pk, function, form_class, key, done):
    """A POST of the ministry path (26/2026): the form's values to the domain function; a refused form comes back
    on the result page with what was typed and the reasons beside the fields."""
    dossier = _dossier(pk)
    rules.authorize(request.user, "decision.record", dossier.round)
    result = get_object_or_404(Result, dossier=dossier)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            changed = function(result, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done) if changed is not False else messages.info(request, _("Already recorded."))
            return redirect("evaluations:result", pk)
    messages.error(request, _("Please correct the highlighted fields."))
    return _result_page(request, dossier, bound=(key, form))


@login_required
@require_POST
def ministry_approve(request, pk):
    return _ministry_step(
        request, pk, ministry.approve_for_ministry, MinistryApprovalForm, "approve_form",
        _("The approval is recorded and the product is marked as sent to the ministry."),
    )  # fmt: skip


@login_required
@require_POST
def ministry_outcome(request, pk):
    return _ministry_step(
        request,
        pk,
        ministry.record_ministry_outcome,
        MinistryOutcomeForm,
        "outcome_form",
        _("The ministry's outcome is recorded."),
    )


@login_required
@require_POST
def central_recognition(request, pk):
    return _ministry_step(
        request, pk, ministry.recognise_on_central_evaluation, CentralRecognitionForm, "central_form",
        _("The province's recognition decision is recorded; the product has its code."),
    )  # fmt: skip
