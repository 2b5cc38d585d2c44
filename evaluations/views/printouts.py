"""PDF and Excel printouts of score sheets and the council's summary minutes."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from evaluations import printouts
from evaluations.models import ScoreSheet
from ocop import rules
from ocop.lib.pdf import pdf_response
from products.excel import XLSX_CONTENT_TYPE
from programme.models import Round


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # names and scores: no copies in shared caches
    return response


def _round_for_printout(request, pk) -> Round:
    """The round, for those who run it (district office, secretariat) and the council's chair."""
    round_ = get_object_or_404(Round.objects.select_related("year__authority"), pk=pk)
    if not rules.can(request.user, "round.approve", round_):
        rules.authorize(request.user, "round.manage", round_)
    return round_


def _sheet_for_printout(request, pk) -> ScoreSheet:
    try:
        sheet = printouts.load_sheet(pk)
    except ScoreSheet.DoesNotExist:
        raise Http404 from None
    rules.authorize(request.user, "sheet.view", sheet)
    return sheet


@login_required
@require_GET
def minutes_pdf(request, pk):
    round_ = _round_for_printout(request, pk)
    return pdf_response(printouts.minutes_pdf(round_), printouts.minutes_filename(round_, "pdf"))


@login_required
@require_GET
def minutes_xlsx(request, pk):
    round_ = _round_for_printout(request, pk)
    return _xlsx_response(printouts.minutes_xlsx(round_), printouts.minutes_filename(round_, "xlsx"))


@login_required
@require_GET
def forwarded_xlsx(request, pk):
    round_ = _round_for_printout(request, pk)
    return _xlsx_response(printouts.forwarded_xlsx(round_), printouts.forwarded_filename(round_))


@login_required
@require_GET
def sheet_pdf(request, pk):
    sheet = _sheet_for_printout(request, pk)
    return pdf_response(printouts.sheet_pdf(sheet), printouts.sheet_filename(sheet, "pdf"))


@login_required
@require_GET
def sheet_xlsx(request, pk):
    sheet = _sheet_for_printout(request, pk)
    return _xlsx_response(printouts.sheet_xlsx(sheet), printouts.sheet_filename(sheet, "xlsx"))
