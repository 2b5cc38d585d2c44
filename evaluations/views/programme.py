"""Programme years (targets, budget, ceremony, communes' targets, closing) and creating or changing rounds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluations import programme
from evaluations.forms import CalendarExceptionForm, CommuneTargetsForm, ConfirmForm, ProgrammeYearForm, RoundForm
from ocop import audit, rules
from ocop.lib.collation import vi_order
from ocop.models import Authority, Commune
from ocop.view_utils import add_errors, confirmation_page, confirmed, paginate
from programme import calendar_exceptions, workdays
from programme.models import CalendarException, ProgrammeYear, Round


def _year(pk) -> ProgrammeYear:
    return get_object_or_404(ProgrammeYear.objects.select_related("authority", "closed_by__profile"), pk=pk)


def _closed(request, year):
    messages.error(
        request, _("The programme year %(year)s is closed; it can no longer be changed.") % {"year": year.year}
    )
    return redirect("evaluations:year_detail", year.pk)


@login_required
def year_list(request):
    rules.authorize(request.user, "year.view")
    years = (
        ProgrammeYear.objects.select_related("authority")
        .annotate(round_count=Count("rounds", distinct=True))
        .order_by("-year")
    )
    page, query = paginate(request, years)
    return render(
        request,
        "evaluations/year_list.html",
        {
            "page": page,
            "query": query,
            "may_manage": rules.can(request.user, "year.manage"),
            "may_manage_calendar": rules.can(request.user, "calendar.manage"),
        },
    )


@login_required
def year_create(request):
    rules.authorize(request.user, "year.manage")
    authority = Authority.objects.current()
    latest = ProgrammeYear.objects.filter(authority=authority).order_by("-year").first()
    next_year = latest.year + 1 if latest else timezone.localdate().year
    form = ProgrammeYearForm(request.POST or None, initial=programme.year_initial(authority, next_year))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        year_number = data.pop("year")
        try:
            year = programme.create_year(authority, year=year_number, by=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The programme year %(year)s is created.") % {"year": year.year})
            return redirect("evaluations:year_detail", year.pk)
    return render(
        request,
        "evaluations/year_form.html",
        {"form": form, "title": _("New programme year"), "previous": latest, "creating": True},
    )


@login_required
def year_detail(request, pk):
    year = _year(pk)
    rules.authorize(request.user, "year.view", year)
    user = request.user
    rounds = list(
        year.rounds.annotate(
            dossier_count=Count("dossiers", distinct=True),
            member_count=Count("council", filter=~Q(council__role="secretary"), distinct=True),
        ).order_by("number")
    )
    targets = list(year.commune_targets.select_related("commune").order_by(vi_order("commune__name")))
    may_manage = rules.can(user, "year.manage", year) and not year.is_closed
    context = {
        "year": year,
        "rounds": rounds,
        "targets": targets,
        "progress": programme.plan_progress(year),
        "may_manage": may_manage,
        "may_add_round": rules.can(user, "round.create", year) and not year.is_closed,
        "may_see_budget": rules.can(user, "funding.area"),
        "history": list(audit.history_for(year)[:20]) if rules.can(user, "audit.view", year) else None,
    }
    return render(request, "evaluations/year_detail.html", context)


@login_required
def year_edit(request, pk):
    year = _year(pk)
    rules.authorize(request.user, "year.manage", year)
    if year.is_closed:
        return _closed(request, year)
    form = ProgrammeYearForm(request.POST or None, instance=ProgrammeYear.objects.get(pk=pk), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            changed = programme.update_year(year, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect("evaluations:year_detail", pk)
    return render(
        request,
        "evaluations/year_form.html",
        {"form": form, "title": _("Change the programme year %(year)s") % {"year": year.year}, "year": year},
    )


@login_required
def year_targets(request, pk):
    year = _year(pk)
    rules.authorize(request.user, "year.manage", year)
    if year.is_closed:
        return _closed(request, year)
    communes = list(Commune.objects.filter(authority=year.authority).order_by(vi_order("name")))
    current = {t.commune_id: (t.new_products, t.reevaluations) for t in year.commune_targets.all()}
    form = CommuneTargetsForm(request.POST or None, communes=communes, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            changed = programme.set_commune_targets(year, form.targets(), by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect("evaluations:year_detail", pk)
    return render(request, "evaluations/year_targets.html", {"year": year, "form": form})


@login_required
def year_close(request, pk):
    year = _year(pk)
    rules.authorize(request.user, "year.manage", year)
    if year.is_closed:
        messages.info(request, _("The programme year %(year)s is already closed.") % {"year": year.year})
        return redirect("evaluations:year_detail", pk)
    form = ConfirmForm(request.POST or None)
    if confirmed(request):
        try:
            programme.close_year(year, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The programme year %(year)s is closed.") % {"year": year.year})
            return redirect("evaluations:year_detail", pk)
    blocking, unfinished = programme.close_problems(year)
    detail = reverse("evaluations:year_detail", args=[pk])
    return confirmation_page(
        request,
        title=_("Close the programme year %(year)s") % {"year": year.year},
        subject=str(year),
        consequences=[
            _("The year's targets, budget, ceremony date and rounds become read-only."),
            _("Rounds whose results are approved are closed; no dossier can be added to this year."),
            _("Certificates, inspections and revocations of the year's products can still be recorded."),
            _("This cannot be undone."),
        ],
        blocking=blocking + [str(e) for e in form.non_field_errors()],
        unfinished=unfinished,
        button=_("Close the year"),
        danger=True,
        cancel_url=detail,
        form=None,
        breadcrumbs=[(_("Programme years"), reverse("evaluations:year_list")), (str(year.year), detail)],
    )


@login_required
def round_create(request, pk):
    year = _year(pk)
    rules.authorize(request.user, "round.create", year)
    if year.is_closed:
        return _closed(request, year)
    initial = programme.round_initial(year)
    last_with_council = Round.objects.filter(year__authority=year.authority, council__isnull=False).order_by(
        "-year__year", "-number"
    )
    form = RoundForm(
        request.POST or None,
        year=year,
        initial=initial | {"copy_council_from": last_with_council.values_list("pk", flat=True).first()},
        windowed="closes_by" in initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            round_ = programme.create_round(year, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(round)s is created.") % {"round": round_})
            return redirect("evaluations:round_detail", round_.pk)
    title = _("Round %(number)s/%(year)s") % {"number": initial["number"], "year": year.year}
    return render(
        request,
        "evaluations/round_form.html",
        {"form": form, "year": year, "title": _("New round: %(round)s") % {"round": title}},
    )


@login_required
def round_edit(request, pk):
    round_ = get_object_or_404(Round.objects.select_related("year__authority"), pk=pk)
    rules.authorize(request.user, "round.manage", round_)
    initial = {name: getattr(round_, name) for name in programme.ROUND_FIELDS}
    windowed = round_.closes_by is not None or round_.proposal_cutoff is not None
    form = RoundForm(request.POST or None, initial=initial, editing=True, windowed=windowed)
    if request.method == "POST" and form.is_valid():
        try:
            changed = programme.update_round(round_, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect("evaluations:round_detail", pk)
    return render(
        request,
        "evaluations/round_form.html",
        {"form": form, "year": round_.year, "round": round_, "title": _("Change %(round)s") % {"round": round_}},
    )


# ---------------------------------------------------------------------------
# The working-day calendar (decision 23): the package's holidays and the office's exceptions.
# ---------------------------------------------------------------------------
def _calendar_year(request) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        year = 0
    return year if 2018 <= year <= 2100 else timezone.localdate().year


@login_required
def workday_calendar(request):
    rules.authorize(request.user, "calendar.manage")
    year = _calendar_year(request)
    form = CalendarExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exception = calendar_exceptions.add_calendar_exception(
                day=data["date"], kind=data["kind"], reason=data["reason"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The calendar now has %(exception)s.") % {"exception": exception})
            return redirect(f"{reverse('evaluations:workday_calendar')}?nam={exception.date.year}")
    exceptions = CalendarException.objects.filter(date__year=year).select_related("created_by__profile")
    return render(
        request,
        "evaluations/workday_calendar.html",
        {
            "year": year,
            "previous_year": year - 1 if year > 2018 else None,
            "next_year": year + 1 if year < 2100 else None,
            "holidays": workdays.public_holidays(year),
            "working_saturdays": workdays.working_saturdays(year),
            # the package's days in date order: its holidays and the weekend days worked in exchange
            "days": sorted(
                [(day, name, False) for day, name in workdays.public_holidays(year)]
                + [
                    (day, _("Working day (worked in exchange for a day off)"), True)
                    for day in workdays.working_saturdays(year)
                ]
            ),
            "exceptions": exceptions,
            "form": form,
        },
    )


@login_required
@require_POST
def workday_exception_remove(request, pk):
    rules.authorize(request.user, "calendar.manage")
    exception = CalendarException.objects.filter(pk=pk).first()
    year = exception.date.year if exception else timezone.localdate().year
    if calendar_exceptions.remove_calendar_exception(pk, by=request.user):
        messages.success(
            request, _("The change to the calendar on %(date)s is removed.") % {"date": f"{exception.date:%d/%m/%Y}"}
        )
    return redirect(f"{reverse('evaluations:workday_calendar')}?nam={year}")
