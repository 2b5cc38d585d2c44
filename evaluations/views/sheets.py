"""Score sheets: a member's list, the sheet itself (save draft, submit), and reopening by the secretariat."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluations import domain, scoring
from evaluations.enums import SheetStatus
from evaluations.forms import ReasonForm
from evaluations.models import ScoreSheet
from ocop import rules
from ocop.lib.collation import vi_order
from ocop.security import parse_id
from ocop.view_utils import SortedByIds, paginate, perform
from products import forms_data
from programme.enums import RoundStage

PAST_PAGE_SIZE = 50

SHEET_RELATED = (
    "dossier__product__producer",
    "dossier__commune",
    "dossier__round__year__authority",
    "criteria_set",
    "member__user__profile",
)


def _sheet_rows(sheets):
    """What the member's sheet list shows: names and totals, not the criteria sheet's JSON."""
    return sheets.select_related("dossier__product__producer", "dossier__round__year").only(
        "status",
        "total",
        "dossier__product__name",
        "dossier__product__producer__name",
        "dossier__round__number",
        "dossier__round__stage",
        "dossier__round__district_deadline",
        "dossier__round__year__year",
    )


@login_required
def my_sheets(request):
    rules.authorize(request.user, "scoring.my_sheets")
    # A member of a province council holds thousands of sheets: both lists are paginated, and the rows skip the
    # criteria sheet's JSON (the list shows names and totals only).
    sheets = ScoreSheet.objects.filter(member__user=request.user)
    # Sheets still to score come first in the rounds being scored ("draft" sorts before "submitted").
    open_page, open_query = paginate(
        request,
        SortedByIds(
            sheets.filter(dossier__round__stage=RoundStage.SCORING).order_by(
                "status", "dossier__round__district_deadline", vi_order("dossier__product__name"), "pk"
            ),
            _sheet_rows,
        ),
    )
    past_page, past_query = paginate(
        request,
        SortedByIds(
            sheets.exclude(dossier__round__stage=RoundStage.SCORING).order_by(
                "-dossier__round__year__year", "-dossier__round__number", vi_order("dossier__product__name"), "pk"
            ),
            _sheet_rows,
        ),
        param="earlier",
        per_page=PAST_PAGE_SIZE,
    )
    return render(
        request,
        "evaluations/my_sheets.html",
        {"page": open_page, "query": open_query, "past_page": past_page, "past_query": past_query},
    )


def _structure(sheet_def, choices, disqualifiers=None, self_scores=None):
    """Parts → sections → criteria with the chosen option marked and subtotals, for the template; each section and
    criterion carries the disqualifying conditions that name it; ``self_scores`` adds the producer's own score per
    criterion (Mẫu 02), which is not another member's sheet (decision 11)."""
    disqualifiers = disqualifiers or {}
    self_scores = self_scores or {}
    parts = []
    for part in sheet_def:
        sections = []
        subtotal = 0
        for section in part["sections"]:
            criteria = []
            for criterion in section["criteria"]:
                chosen = choices.get(criterion["code"])
                subtotal += chosen or 0
                criteria.append(
                    {
                        **criterion,
                        "chosen": chosen,
                        "disqualifiers": disqualifiers.get(criterion["code"], []),
                        "self": self_scores.get(criterion["code"]),
                    }
                )
            section_notes = (
                [] if section["code"] in {c["code"] for c in criteria} else disqualifiers.get(section["code"], [])
            )
            sections.append({**section, "criteria": criteria, "disqualifiers": section_notes})
        parts.append({**part, "sections": sections, "subtotal": subtotal})
    return parts


def _posted_choices(post, sheet_def) -> dict:
    choices = {}
    for part in sheet_def:
        for section in part["sections"]:
            for criterion in section["criteria"]:
                value = post.get(f"c-{criterion['code']}")
                if value not in (None, ""):
                    choices[criterion["code"]] = value
    return choices


@login_required
def sheet(request, pk):
    sheet = get_object_or_404(ScoreSheet.objects.select_related(*SHEET_RELATED), pk=pk)
    user = request.user
    if not rules.can(user, "sheet.view", sheet):
        # Another member's draft, or a sheet of a dossier the user may not see at all.
        raise Http404
    own = rules.can(user, "sheet.edit", sheet)
    round_ = sheet.dossier.round
    editable = own and sheet.status == SheetStatus.DRAFT and round_.stage == RoundStage.SCORING
    choices = {k: int(v) for k, v in sheet.choices.items()}
    comment = sheet.comment
    errors = []
    if request.method == "POST":
        if not editable:
            messages.error(request, _("This sheet cannot be changed now."))
            return redirect("evaluations:sheet", pk)
        posted = _posted_choices(request.POST, sheet.criteria_set.sheet)
        comment = request.POST.get("comment", "")
        try:
            domain.save_sheet(sheet, choices=posted, comment=comment, by=user)
            if "submit" in request.POST:
                domain.submit_sheet(sheet, attested=request.POST.get("attest") == "1", by=user)
                messages.success(request, _("Your sheet is submitted. You can now see the council's results."))
                return redirect("evaluations:result", sheet.dossier_id)
        except ValidationError as error:
            errors = error.messages
            choices = {k: parse_id(v) for k, v in posted.items() if parse_id(v) is not None}
            sheet.refresh_from_db()
        else:
            messages.success(request, _("Draft saved."))
            return redirect("evaluations:sheet", pk)
    disqualifiers, header_disqualifiers = sheet.criteria_set.disqualifiers_by_code()
    self_scores = forms_data.self_scores_for(sheet.dossier)
    parts = _structure(sheet.criteria_set.sheet, choices, disqualifiers, self_scores)
    missing = scoring.missing_criteria(sheet.criteria_set.sheet, choices)
    late = round_.scoring_closed() and not sheet.late_submission_allowed
    return render(
        request,
        "evaluations/sheet.html",
        {
            "sheet": sheet,
            "round": round_,
            "parts": parts,
            "total": sum(choices.values()),
            "self_total": sum(self_scores.values()) if self_scores else None,
            "max_total": sheet.criteria_set.max_total,
            "comment": comment,
            "header_disqualifiers": header_disqualifiers,
            "attest_ticked": request.method == "POST" and request.POST.get("attest") == "1",
            "errors": errors,
            "own": own,
            "editable": editable,
            "missing_count": len(missing),
            "required_count": scoring.required_count(sheet.criteria_set.sheet),
            "chosen_count": len(choices),
            "late": late,
            "may_reopen": rules.can(user, "round.manage", round_) and round_.stage == RoundStage.SCORING,
            "may_see_result": rules.can(user, "result.view", sheet.dossier),
            "reason_form": ReasonForm(),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def reopen(request, pk):
    sheet = get_object_or_404(ScoreSheet.objects.select_related(*SHEET_RELATED), pk=pk)
    rules.authorize(request.user, "round.manage", sheet.dossier.round)
    perform(
        request,
        domain.reopen_sheet,
        sheet,
        by=request.user,
        reason=request.POST.get("reason", ""),
        done=_("The sheet is reopened; the member can change and submit it again."),
        already=_("The sheet was already open."),
    )
    return redirect("evaluations:result", sheet.dossier_id)
