"""Pages of the funding app: entitlements (list, export, payment list for signature, one entitlement with its
approval and payment), recognitions without support, a producer's funding history, budget lines and expenses,
support policies. Views authenticate, authorize, call one function of ``funding.domain`` and report its result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from evaluations.models import Recognition
from funding import assessment, domain, figures, printouts
from funding.enums import PAYABLE_STATES, REJECTABLE_STATES, EntitlementSource, EntitlementStatus, Payer
from funding.forms import (
    BudgetLineForm,
    EntitlementFilterForm,
    ExpenseForm,
    FailedPaymentForm,
    PaymentForm,
    PolicyForm,
    RejectForm,
)
from funding.models import BudgetLine, Entitlement, SupportPolicy
from ocop import audit, rules
from ocop.lib.pdf import pdf_response
from ocop.lib.search import search_filter
from ocop.models import Authority
from ocop.view_utils import add_errors, filters_active, paginate, perform
from products.excel import XLSX_CONTENT_TYPE
from products.models import Producer
from programme.models import ProgrammeYear


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _entitlements(user):
    return Entitlement.objects.visible_to(user).select_related("product", "producer", "commune", "decision", "year")


def _filtered(request):
    """The entitlements a user may see, filtered by the list's form."""
    form = EntitlementFilterForm(request.GET or None, user=request.user)
    entitlements = _entitlements(request.user)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("year"):
        entitlements = entitlements.filter(year=data["year"])
    if data.get("payer"):
        entitlements = entitlements.filter(payer=data["payer"])
    if data.get("status"):
        entitlements = entitlements.filter(status=data["status"])
    if data.get("commune"):
        entitlements = entitlements.filter(commune=data["commune"])
    if data.get("q"):
        entitlements = search_filter(entitlements, data["q"], "product__name", "producer__name", "decision__number")
    return form, data, entitlements.order_by("-decision__date", "product__name", "pk")


# ---------------------------------------------------------------------------------------------------- entitlements
@login_required
def entitlement_list(request):
    user = request.user
    rules.authorize(user, "entitlement.list")
    form, _data, entitlements = _filtered(request)
    page, query = paginate(request, entitlements)
    may_export = rules.can(user, "entitlement.export")
    return render(
        request,
        "funding/entitlement_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "filters_active": filters_active(request),
            "export_url": reverse("funding:entitlement_export") if may_export else None,
            "may_export": may_export,
        },
    )


@login_required
@require_GET
def entitlement_export(request):
    rules.authorize(request.user, "entitlement.export")
    _form, _data, entitlements = _filtered(request)
    content = printouts.entitlements_xlsx(entitlements, title=_("OCOP support entitlements"))
    return _xlsx_response(content, printouts.filename("ho-tro-ocop", "xlsx"))


def _payment_list_context(request):
    rules.authorize(request.user, "entitlement.export")
    _form, data, entitlements = _filtered(request)
    if not data.get("status"):
        entitlements = entitlements.filter(status__in=sorted(PAYABLE_STATES))
    payer = data.get("payer")
    return printouts.payment_list_context(
        entitlements,
        authority=Authority.objects.current(),
        year=data.get("year"),
        payer_label=str(Payer(payer).label) if payer else "",
    )


@login_required
@require_GET
def payment_list_pdf(request):
    context = _payment_list_context(request)
    return pdf_response(printouts.payment_list_pdf(context), printouts.filename("danh-sach-chi-tra", "pdf"))


@login_required
@require_GET
def payment_list_xlsx(request):
    context = _payment_list_context(request)
    return _xlsx_response(printouts.payment_list_xlsx(context), printouts.filename("danh-sach-chi-tra", "xlsx"))


def _entitlement(user, pk) -> Entitlement:
    entitlement = get_object_or_404(
        Entitlement.objects.select_related(
            "product", "producer", "commune", "decision__round__year", "year", "policy", "approved_by__profile"
        ),
        pk=pk,
    )
    rules.authorize(user, "entitlement.view", entitlement)
    return entitlement


@login_required
def entitlement_detail(request, pk, forms=None):
    user = request.user
    entitlement = _entitlement(user, pk)
    forms = forms or {}
    may_decide = rules.can(user, "entitlement.approve", entitlement)
    may_pay = rules.can(user, "entitlement.pay", entitlement)
    status = entitlement.status
    line = figures.support_line(entitlement.year, entitlement.payer)
    context = {
        "entitlement": entitlement,
        "payments": list(entitlement.payments.select_related("line", "recorded_by__profile")),
        "line": line,
        "line_totals": figures.line_totals(line) if line and rules.can(user, "budget.view") else None,
        "may_approve": may_decide and status == EntitlementStatus.PROPOSED,
        "may_reject": may_decide and status in REJECTABLE_STATES,
        "may_pay": may_pay and status in PAYABLE_STATES,
        "reject_form": forms.get("reject") or RejectForm(),
        "payment_form": forms.get("pay")
        or PaymentForm(initial={"date": timezone.localdate(), "amount": f"{int(entitlement.amount)}"}),
        "failed_form": forms.get("failed") or FailedPaymentForm(initial={"date": timezone.localdate()}),
        "open_form": next(iter(forms), ""),
        "history": list(audit.history_for(entitlement).select_related("actor__profile")[:30]),
    }
    return render(request, "funding/entitlement_detail.html", context, status=400 if forms else 200)


@login_required
@require_POST
def entitlement_approve(request, pk):
    entitlement = _entitlement(request.user, pk)
    rules.authorize(request.user, "entitlement.approve", entitlement)
    perform(
        request,
        domain.approve_entitlement,
        entitlement,
        by=request.user,
        done=_("The support payment was approved."),
        already=_("The support payment had already been approved."),
    )
    return redirect("funding:entitlement", pk)


def _posted(request, pk, form_class, key, action, done, already, values):
    entitlement = _entitlement(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            changed = action(entitlement, by=request.user, **values(form.cleaned_data))
        except ValidationError as error:
            add_errors(form, error)
        else:
            (messages.success if changed else messages.info)(request, done if changed else already)
            return redirect("funding:entitlement", pk)
    messages.error(request, _("Please correct the highlighted fields."))
    return entitlement_detail(request, pk, forms={key: form})


@login_required
@require_POST
def entitlement_reject(request, pk):
    if not rules.can(request.user, "entitlement.approve"):
        _entitlement(request.user, pk)  # 404 before 403 for another commune
        raise PermissionDenied
    return _posted(
        request,
        pk,
        RejectForm,
        "reject",
        domain.reject_entitlement,
        _("The support payment was rejected."),
        _("The support payment had already been rejected."),
        lambda data: {"reason": data["reason"]},
    )


@login_required
@require_POST
def entitlement_pay(request, pk):
    if not rules.can(request.user, "entitlement.pay"):
        _entitlement(request.user, pk)
        raise PermissionDenied
    return _posted(
        request,
        pk,
        PaymentForm,
        "pay",
        domain.record_payment,
        _("The payment was recorded."),
        _("This support payment had already been paid."),
        lambda data: data,
    )


@login_required
@require_POST
def entitlement_failed(request, pk):
    if not rules.can(request.user, "entitlement.pay"):
        _entitlement(request.user, pk)
        raise PermissionDenied
    return _posted(
        request,
        pk,
        FailedPaymentForm,
        "failed",
        domain.record_failed_payment,
        _("The failed payment was recorded; it can be tried again."),
        _("This failed payment had already been recorded."),
        lambda data: data,
    )


# ---------------------------------------------------------------------------------------------------- recognitions
def _recognitions(user):
    return (
        Recognition.objects.filter(dossier__commune__in=_visible_communes(user))
        .select_related("decision__round__year__authority", "dossier__product__producer", "dossier__commune")
        .order_by("-decision__date", "dossier__product__name", "pk")
    )


def _visible_communes(user):
    from ocop.models import Commune

    return Commune.objects.visible_to(user)


@login_required
def uncovered_list(request):
    """Recognitions that got no entitlement, each with the reason."""
    rules.authorize(request.user, "entitlement.list")
    recognitions = _recognitions(request.user).exclude(entitlements__source=EntitlementSource.DECISION)
    page, query = paginate(request, recognitions)
    assessments = assessment.assess_many(page.object_list)
    return render(request, "funding/uncovered_list.html", {"page": page, "query": query, "assessments": assessments})


@login_required
def recognition_funding(request, pk):
    """The support of one recognition: its entitlement, or why there is none."""
    recognition = get_object_or_404(
        Recognition.objects.select_related(
            "decision__round__year__authority", "dossier__product__producer", "dossier__commune"
        ),
        pk=pk,
    )
    rules.authorize(request.user, "entitlement.view", recognition)
    entitlement = Entitlement.objects.filter(recognition=recognition, source=EntitlementSource.DECISION).first()
    if entitlement is not None:
        return redirect("funding:entitlement", entitlement.pk)
    return render(
        request,
        "funding/recognition_funding.html",
        {"recognition": recognition, "assessment": assessment.assess(recognition)},
    )


@login_required
def producer_funding(request, pk):
    """A producer's funding history: every recognition of its products with its entitlement and payments, or why
    there is none."""
    producer = get_object_or_404(Producer.objects.select_related("commune"), pk=pk)
    rules.authorize(request.user, "entitlement.view", producer)
    recognitions = list(
        _recognitions(request.user)
        .filter(dossier__product__producer=producer)
        .prefetch_related(Prefetch("entitlements", queryset=Entitlement.objects.order_by("source", "pk")))[:100]
    )
    rows = []
    own = {r.pk: _own(r) for r in recognitions}
    assessments = {a.recognition.pk: a for a in assessment.assess_many(r for r in recognitions if own[r.pk] is None)}
    for recognition in recognitions:
        rows.append({"recognition": recognition, "entitlement": own[recognition.pk],
                     "assessment": assessments.get(recognition.pk)})  # fmt: skip
        # A higher level's recognition of the same product (the province's 4★) has its own row.
        rows.extend(
            {"recognition": recognition, "entitlement": e, "assessment": None}
            for e in recognition.entitlements.all()
            if e.is_higher_level
        )
    entitlements = [row["entitlement"] for row in rows if row["entitlement"]]
    paid = sum((e.paid_amount or 0 for e in entitlements if e.status == EntitlementStatus.PAID), 0)
    return render(request, "funding/producer_funding.html", {"producer": producer, "rows": rows, "paid": paid})


def _own(recognition):
    """The entitlement of this authority's own recognition (prefetched), or None."""
    return next((e for e in recognition.entitlements.all() if not e.is_higher_level), None)


# ---------------------------------------------------------------------------------------------------- budgets
def _year_choice(request):
    years = list(ProgrammeYear.objects.order_by("-year"))
    wanted = request.GET.get("year")
    year = next((y for y in years if str(y.year) == wanted), None)
    if year is None:
        today = timezone.localdate()
        year = next((y for y in years if y.year == today.year), years[0] if years else None)
    return years, year


@login_required
def budget(request):
    rules.authorize(request.user, "budget.view")
    years, year = _year_choice(request)
    lines = figures.decorate_totals(
        list(figures.lines_with_totals(BudgetLine.objects.filter(year=year)).order_by("kind", "name"))
    )
    totals = {
        key: sum((getattr(line, key) for line in lines), 0) for key in ("amount", "committed", "paid", "available")
    }
    return render(
        request,
        "funding/budget.html",
        {
            "years": years,
            "year": year,
            "lines": lines,
            "totals": totals,
            "may_edit": rules.can(request.user, "budget.edit"),
        },
    )


@login_required
def budget_line_form(request, pk=None):
    line = get_object_or_404(BudgetLine, pk=pk) if pk else None
    rules.authorize(request.user, "budget.edit", line)
    initial = {}
    if line is not None:
        initial = {"year": line.year, "name": line.name, "source": line.source, "kind": line.kind,
                   "payer": line.payer, "amount": f"{int(line.amount)}"}  # fmt: skip
    form = BudgetLineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = domain.save_budget_line(line, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The budget line was saved."))
            return redirect("funding:budget_line", saved.pk)
    if request.method == "POST":
        messages.error(request, _("Please correct the highlighted fields."))
    return render(request, "funding/budget_line_form.html", {"form": form, "line": line})


@login_required
def budget_line(request, pk, expense_form=None):
    line = get_object_or_404(BudgetLine.objects.select_related("year"), pk=pk)
    rules.authorize(request.user, "budget.view", line)
    expenses, query = paginate(request, line.expenses.select_related("recorded_by__profile").order_by("-date", "-pk"))
    payments = line.payments.select_related("entitlement__product", "entitlement__producer").order_by("-date", "-pk")
    context = {
        "line": line,
        "totals": figures.line_totals(line),
        "page": expenses,
        "query": query,
        "payments": list(payments[:50]),
        "payment_count": payments.count(),
        "may_expense": rules.can(request.user, "expense.record", line),
        "may_edit": rules.can(request.user, "budget.edit", line),
        "expense_form": expense_form or ExpenseForm(initial={"date": timezone.localdate()}),
        "history": list(audit.history_for(line).select_related("actor__profile")[:30]),
    }
    return render(request, "funding/budget_line.html", context, status=400 if expense_form else 200)


@login_required
@require_POST
def expense_add(request, pk):
    line = get_object_or_404(BudgetLine, pk=pk)
    rules.authorize(request.user, "expense.record", line)
    form = ExpenseForm(request.POST)
    if form.is_valid():
        try:
            expense = domain.record_expense(line, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if expense is False:
                messages.info(request, _("This expense had already been recorded."))
            else:
                messages.success(request, _("The expense was recorded."))
            return redirect("funding:budget_line", pk)
    messages.error(request, _("Please correct the highlighted fields."))
    return budget_line(request, pk, expense_form=form)


# ---------------------------------------------------------------------------------------------------- policies
@login_required
def policy_list(request):
    rules.authorize(request.user, "policy.view")
    policies = SupportPolicy.objects.prefetch_related("rates").order_by("-valid_from")
    return render(
        request,
        "funding/policy_list.html",
        {"policies": policies, "may_edit": rules.can(request.user, "policy.edit"), "today": timezone.localdate()},
    )


@login_required
def policy_form(request, pk=None):
    policy = get_object_or_404(SupportPolicy.objects.prefetch_related("rates"), pk=pk) if pk else None
    rules.authorize(request.user, "policy.edit", policy)
    authority = policy.authority if policy else Authority.objects.current()
    form = PolicyForm(request.POST or None, initial=PolicyForm.initial_for(policy) if policy else None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.save_policy(policy, authority=authority, by=request.user, **form.domain_values())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The support policy was saved."))
            return redirect("funding:policy_list")
    if request.method == "POST":
        messages.error(request, _("Please correct the highlighted fields."))
    return render(request, "funding/policy_form.html", {"form": form, "policy": policy})
