"""The reports page and each report as PDF or .xlsx; the national CSV. GET only, read-only."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from insights import queries, reports
from ocop import rules
from ocop.lib.pdf import pdf_response
from ocop.models import Authority
from ocop.security import parse_id
from products.excel import XLSX_CONTENT_TYPE
from programme.models import ProgrammeYear, Round

FORMATS = ("pdf", "xlsx")


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _authority(request) -> Authority:
    rules.authorize(request.user, "report.view")
    authority = Authority.objects.current()
    if authority is None:
        raise Http404
    return authority


def _year(authority, number: int) -> ProgrammeYear:
    return get_object_or_404(ProgrammeYear, authority=authority, year=number)


def _respond(fmt: str, data: dict, pdf, xlsx, stem: str, suffix) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    if fmt == "pdf":
        return pdf_response(pdf(data), reports.filename(stem, suffix, "pdf"))
    return _xlsx_response(xlsx(data), reports.filename(stem, suffix, "xlsx"))


@login_required
@require_GET
def index(request):
    authority = _authority(request)
    years = queries.years_of(authority)
    wanted = request.GET.get("year", "")
    year = queries.choose_year(years, parse_id(wanted))
    rounds = list(Round.objects.filter(year=year).order_by("number")) if year else []
    return render(
        request,
        "insights/reports.html",
        {"authority": authority, "years": years, "year": year, "rounds": rounds},
    )


@login_required
@require_GET
def appendix1(request, year, fmt):
    authority = _authority(request)
    data = reports.appendix1(authority, _year(authority, year))
    return _respond(fmt, data, reports.appendix1_pdf, reports.appendix1_xlsx, "phu-luc-1", year)


@login_required
@require_GET
def recognised(request, year, fmt):
    authority = _authority(request)
    data = reports.recognised(authority, _year(authority, year))
    return _respond(fmt, data, reports.recognised_pdf, reports.recognised_xlsx, "san-pham-duoc-cong-nhan", year)


@login_required
@require_GET
def year_end(request, year, fmt):
    authority = _authority(request)
    data = reports.year_end(authority, _year(authority, year), with_money=rules.can(request.user, "money.view"))
    return _respond(fmt, data, reports.year_end_pdf, reports.year_end_xlsx, "tong-ket", year)


@login_required
@require_GET
def round_results(request, pk, fmt):
    authority = _authority(request)
    round_ = get_object_or_404(Round.objects.select_related("year__authority"), pk=pk, year__authority=authority)
    data = reports.round_results(round_)
    return _respond(
        fmt,
        data,
        reports.round_results_pdf,
        reports.round_results_xlsx,
        "ket-qua",
        f"{round_.year.year}-{round_.number}",
    )


def _csv(request, build, prefix: str):
    """A CSV of the user's authority, named ``{prefix}-{authority}-{yyyymmdd}.csv`` and never cached."""
    authority = _authority(request)
    response = HttpResponse(build(authority), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{prefix}-{authority.code.lower()}-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def national_csv(request):
    return _csv(request, reports.national_csv, "ocop")


@login_required
@require_GET
def ptnt_ocop_csv(request):
    """The table PTNT_OCOP of Decision 5277/QĐ-BNNMT's agricultural database (docs/ptnt-ocop-export.md)."""
    return _csv(request, reports.ptnt_ocop_csv, "ptnt-ocop")
