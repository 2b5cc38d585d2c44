"""Rounds: list, detail with progress and the steps of each stage, the council."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from evaluations import domain, ministry, product_codes, programme
from evaluations.enums import CouncilRole, SheetStatus
from evaluations.forms import ConfirmForm, ConflictForm, CouncilMemberForm, DecisionForm, MeetingForm
from evaluations.models import CouncilMember, RecognitionDecision, Result, ScoreSheet
from ocop import audit, rules
from ocop.lib.collation import vi_order
from ocop.security import parse_id
from ocop.view_utils import add_errors, confirmation_page, confirmed, form_errors_as_messages, paginate
from products.enums import UNDER_CHECK_STATES, DossierStatus
from products.models import Dossier
from programme.enums import RoundStage
from programme.models import Round

RESULTS_PAGE_SIZE = 50
RESULT_JSON = ("criterion_means", "failed_marks")  # a result's columns that lists never show
SHOWN = 20  # approval problems, forwarded products and recognitions listed on the round's page


def short_date(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _round(pk):
    return get_object_or_404(Round.objects.select_related("year__authority", "approved_by__profile"), pk=pk)


def _count(queryset):
    """The number of the queryset's rows that belong to the outer round, as a sub-select."""
    rows = queryset.filter(round=OuterRef("pk")).order_by().values("round").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


@login_required
def round_list(request):
    rules.authorize(request.user, "round.list")
    # One counting sub-select per round and figure (each served by an index), not a join of every dossier with
    # every council seat.
    rounds = (
        Round.objects.select_related("year")
        .annotate(
            accepted=_count(Dossier.objects.filter(status=DossierStatus.ACCEPTED)),
            submitted=_count(Dossier.objects.filter(status__in=UNDER_CHECK_STATES)),
            members=_count(CouncilMember.objects.exclude(role=CouncilRole.SECRETARY)),
        )
        .order_by("-year__year", "-number")
    )
    return render(request, "evaluations/round_list.html", {"rounds": rounds})


@login_required
def round_detail(request, pk):
    round_ = _round(pk)
    user = request.user
    rules.authorize(user, "round.list", round_)
    may_manage = rules.can(user, "round.manage", round_)
    may_see_results = rules.can(user, "result.view")
    council = list(round_.council.select_related("user__profile").order_by("role", "user__username"))
    # A province round holds a thousand products or more: the table is paginated, the sheet counts are sub-selects
    # of the page's rows only, and the result's JSON columns (criterion means, marks) stay in the database.
    sheets = ScoreSheet.objects.filter(dossier=OuterRef("pk")).order_by().values("dossier")
    dossiers = (
        round_.dossiers.filter(status=DossierStatus.ACCEPTED)
        .select_related("product__producer", "commune", "result")
        .defer(*(f"result__{name}" for name in RESULT_JSON))
        .annotate(
            sheets_done=Coalesce(
                Subquery(
                    sheets.filter(status=SheetStatus.SUBMITTED).annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            sheets_all=Coalesce(
                Subquery(sheets.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0)
            ),
        )
        .order_by(vi_order("product__name"), "pk")
    )
    page, query = paginate(request, dossiers, per_page=RESULTS_PAGE_SIZE)
    # Members see scores only once their own sheet is submitted (decision 11): the table shows results to those
    # who may see every result (managers, the chair), others follow the links per dossier.
    show_scores = may_manage or rules.can(user, "round.approve", round_)
    decision = getattr(round_, "decision", None) if round_.stage in (RoundStage.APPROVED, RoundStage.CLOSED) else None
    problems = domain.approval_problems(round_) if round_.stage == RoundStage.SCORING and show_scores else []
    # The forwarded products and the recognitions: the first SHOWN on the page, the whole lists in the Excel
    # list for the province and on the round's certificate page.
    forwarded = domain.forwarded_results(round_).defer(*RESULT_JSON) if show_scores else Result.objects.none()
    context = {
        "round": round_,
        "council": council,
        "page": page,
        "query": query,
        "show_scores": show_scores,
        "may_manage": may_manage,
        "may_see_results": may_see_results,
        "may_approve": rules.can(user, "round.approve", round_) and round_.stage == RoundStage.SCORING,
        "may_decide": rules.can(user, "decision.record", round_) and round_.stage == RoundStage.APPROVED,
        "problems": problems[:SHOWN],
        "problems_more": max(0, len(problems) - SHOWN),
        "decision": decision,
        "recognitions": list(
            decision.recognitions.select_related("dossier__product__producer").order_by(
                vi_order("dossier__product__name"), "pk"
            )[:SHOWN]
        )
        if decision
        else [],
        "recognitions_count": decision.recognitions.count() if decision else 0,
        "may_correct": decision is not None
        and rules.can(user, "decision.record", round_)
        and not programme.decision_has_certificates(decision),
        "may_edit": may_manage and round_.stage in (RoundStage.OPEN, RoundStage.SCORING) and not round_.year.is_closed,
        "meeting_form": MeetingForm(initial={"date": round_.meeting_date, "place": round_.meeting_place}),
        "forwarded": ministry.with_states(forwarded[:SHOWN]),
        "days_left": round_.days_to_close(),
        "round_late": round_.closed_late(),
        "results_final": round_.stage in (RoundStage.APPROVED, RoundStage.CLOSED),
        "forwarded_count": forwarded.count() if show_scores else 0,
        "stage": RoundStage,
        "history": list(audit.history_for(round_)[:30]) if may_manage else None,
    }
    return render(request, "evaluations/round_detail.html", context)


@login_required
def council(request, pk):
    round_ = _round(pk)
    rules.authorize(request.user, "round.manage", round_)
    member_form = CouncilMemberForm(round=round_, prefix="m")
    conflict_form = ConflictForm(round=round_, prefix="c")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                member_form = CouncilMemberForm(request.POST, round=round_, prefix="m")
                if member_form.is_valid():
                    data = member_form.cleaned_data
                    domain.add_council_member(
                        round_, data["user"], role=data["role"], title=data["title"], by=request.user
                    )
                    messages.success(request, _("Added to the council."))
                    return redirect("evaluations:council", pk)
            elif action == "remove":
                member = get_object_or_404(CouncilMember, pk=parse_id(request.POST.get("member")), round=round_)
                domain.remove_council_member(member, by=request.user)
                messages.success(request, _("Removed from the council."))
                return redirect("evaluations:council", pk)
            elif action == "conflict":
                conflict_form = ConflictForm(request.POST, round=round_, prefix="c")
                if conflict_form.is_valid():
                    data = conflict_form.cleaned_data
                    domain.declare_conflict(data["member"], data["producer"], note=data["note"], by=request.user)
                    messages.success(
                        request, _("Conflict of interest recorded; the member will not score that producer.")
                    )
                    return redirect("evaluations:council", pk)
        except ValidationError as error:
            add_errors(conflict_form if action == "conflict" else member_form, error)
    members = round_.council.select_related("user__profile").prefetch_related("conflicts__producer")
    return render(
        request,
        "evaluations/council.html",
        {"round": round_, "members": members, "member_form": member_form, "conflict_form": conflict_form},
    )


@login_required
@require_POST
def start_scoring(request, pk):
    round_ = _round(pk)
    rules.authorize(request.user, "round.manage", round_)
    try:
        started = domain.start_scoring(round_, by=request.user)
    except domain.CriteriaNotChecked as refused:
        # Decision 12: name each set and link to the page where the office checks it.
        links = format_html_join(
            "; ",
            '<a href="{}">{} ({}, v{})</a>',
            (
                (reverse("evaluations:criteria_detail", args=[s.pk]), str(s), s.edition_label, s.version)
                for s in refused.sets
            ),
        )
        messages.error(
            request,
            format_html(
                "{} {}",
                _("Scoring cannot start: these criteria sets must be checked against the official text first:"),
                links,
            ),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if started:
            messages.success(request, _("Scoring started: every member has a sheet for each accepted dossier."))
        else:
            messages.info(request, _("Scoring had already started."))
    return redirect("evaluations:round_detail", pk)


@login_required
def approve(request, pk):
    """The chair approves the round's results on a page that lists what is unfinished (drafts, the deadline)."""
    round_ = _round(pk)
    rules.authorize(request.user, "round.approve", round_)
    form = ConfirmForm(request.POST or None)
    if confirmed(request):
        try:
            done = domain.approve_results(round_, by=request.user, drafts_confirmed=True)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The round's results are approved.") if done else _("Already approved."))
            return redirect("evaluations:round_detail", pk)
    detail = reverse("evaluations:round_detail", args=[pk])
    if round_.stage != RoundStage.SCORING:
        messages.info(request, _("The results of this round are not being scored now."))
        return redirect(detail)
    drafts = list(domain.draft_sheets(round_))
    unfinished = []
    if not round_.scoring_closed():
        unfinished.append(
            _("The scoring deadline is 23:59 on %(date)s: members could still submit until then.")
            % {"date": short_date(round_.district_deadline)}
        )
    unfinished += [
        _("%(member)s has not submitted the sheet for %(product)s.")
        % {"member": sheet.member, "product": sheet.dossier.product.name}
        for sheet in drafts
    ]
    recognised = Result.objects.filter(
        dossier__round=round_, dossier__status=DossierStatus.ACCEPTED, star__gte=3
    ).count()
    consequences = [
        _("The results become final: no sheet can be submitted, reopened or re-scored."),
        ngettext(
            "%(n)s product reaches 3★ or more; the office can then record the recognition decision.",
            "%(n)s products reach 3★ or more; the office can then record the recognition decision.",
            recognised,
        )
        % {"n": recognised},
    ]
    if drafts:
        consequences.append(
            _("Sheets still in draft do not count: they will show “not submitted (the round was approved on …)”.")
        )
    return confirmation_page(
        request,
        title=_("Approve the results of %(round)s") % {"round": round_},
        consequences=consequences,
        blocking=domain.approval_problems(round_) + [str(e) for e in form.non_field_errors()],
        unfinished=unfinished,
        button=_("Approve the round's results"),
        cancel_url=detail,
        breadcrumbs=[(_("Evaluation rounds"), reverse("evaluations:round_list")), (str(round_), detail)],
    )


@login_required
def record_decision(request, pk):
    """The office records the recognition decision on a page that lists the products it recognises."""
    round_ = _round(pk)
    rules.authorize(request.user, "decision.record", round_)
    detail = reverse("evaluations:round_detail", args=[pk])
    if round_.decision is not None:
        messages.info(request, _("The decision of this round is already recorded."))
        return redirect(detail)
    form = DecisionForm(request.POST or None)
    if confirmed(request) and form.is_valid():
        try:
            domain.record_decision(round_, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The recognition decision was recorded."))
            return redirect(detail)
    authority = round_.year.authority
    results = domain.decision_results(round_)
    to_ministry = [
        r
        for r in domain.forwarded_results(round_).select_related("dossier__product__producer")
        if domain.goes_to_ministry(r, authority)
    ]
    consequences = [
        _("%(product)s (%(producer)s): recognised at %(star)s★.")
        % {
            "product": r.dossier.product.name,
            "producer": r.dossier.product.producer.name,
            "star": min(r.star, authority.max_recognised_star),
        }
        for r in results
    ] or [_("No product reached 3★ in this round: the decision recognises none.")]
    consequences += [
        _(
            "%(product)s (%(producer)s): %(mean)s points, not in this decision: the province approves the result "
            "and sends it to the ministry (Decision 26/2026)."
        )
        % {
            "product": r.dossier.product.name,
            "producer": r.dossier.product.producer.name,
            "mean": number_format(r.mean, 2),
        }
        for r in to_ministry
    ]
    official = [r for r in results if product_codes.uses_official_codes(product_codes.dossier_regime(r.dossier))]
    warnings = product_codes.missing_codes(authority, [r.dossier.commune for r in official]) if official else []
    consequences += [
        _("Product codes: %(problem)s The codes of these products use the commune's initials.") % {"problem": p}
        for p in warnings
    ]
    consequences += [
        _("Each recognised product gets its product code; support payments are computed where a policy applies."),
        _("The decision can be corrected until its first certificate is issued."),
    ]
    blocking = [] if round_.stage == RoundStage.APPROVED else [_("The round's results are not approved yet.")]
    return confirmation_page(
        request,
        title=_("Record the recognition decision of %(round)s") % {"round": round_},
        consequences=consequences,
        blocking=blocking,
        form=form,
        button=_("Record the decision"),
        cancel_url=detail,
        breadcrumbs=[(_("Evaluation rounds"), reverse("evaluations:round_list")), (str(round_), detail)],
    )


@login_required
def correct_decision(request, pk):
    """Correct the decision's number, date or signatory until a certificate exists (audited)."""
    round_ = _round(pk)
    rules.authorize(request.user, "decision.record", round_)
    decision = get_object_or_404(RecognitionDecision, round=round_, on_central_evaluation=False)
    detail = reverse("evaluations:round_detail", args=[pk])
    if programme.decision_has_certificates(decision):
        messages.error(
            request, _("Certificates of this decision exist; re-issue them instead of correcting the decision.")
        )
        return redirect(detail)
    initial = {"number": decision.number, "date": decision.date, "signed_by": decision.signed_by}
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = programme.correct_decision(decision, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The decision is corrected.") if changed else _("Nothing changed."))
            return redirect(detail)
    return render(request, "evaluations/decision_form.html", {"round": round_, "decision": decision, "form": form})


@login_required
@require_POST
def set_meeting(request, pk):
    round_ = _round(pk)
    rules.authorize(request.user, "round.manage", round_)
    form = MeetingForm(request.POST)
    if form.is_valid():
        domain.set_meeting(round_, date=form.cleaned_data["date"], place=form.cleaned_data["place"], by=request.user)
        messages.success(request, _("Saved."))
    else:
        form_errors_as_messages(request, form)
    return redirect("evaluations:round_detail", pk)
