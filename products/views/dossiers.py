"""Dossiers: list, opening, the commune's editing and submission, the district's checks, and file downloads."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop import audit, rules
from ocop.lib.collation import vi_order
from ocop.lib.files import file_response
from ocop.models import Commune
from ocop.view_utils import (
    SortedByIds,
    add_errors,
    confirmation_page,
    confirmed,
    filters_active,
    form_errors_as_messages,
    paginate,
    perform,
)
from products import commune_checks, domain, hooks
from products.enums import EDITABLE_STATES, UNDER_CHECK_STATES
from products.filters import DossierFilterForm, filter_dossiers
from products.forms import (
    DossierCreateForm,
    ExtensionForm,
    RegimeOverrideForm,
    RejectForm,
    ReturnForm,
    UploadsForm,
    VerificationForm,
)
from products.models import Document, Dossier, criteria_json
from products.regime import choice as regime_choice
from products.views import forms as forms_views

DETAIL_RELATED = ("product__producer", "product__criteria_set", "commune", "round__year__authority", "regime")


def _dossier(pk):
    return get_object_or_404(Dossier.objects.select_related(*DETAIL_RELATED), pk=pk)


def _dossier_rows(dossiers):
    """What a page of the dossier list shows: the joined names, and the document count as a sub-select (a join
    and GROUP BY would count every dossier's documents); the criteria set's JSON is not loaded."""
    documents = Document.objects.filter(dossier=OuterRef("pk")).order_by().values("dossier")
    return (
        dossiers.select_related(*DETAIL_RELATED)
        .defer(*criteria_json("product__criteria_set"))
        .annotate(
            document_count=Coalesce(
                Subquery(documents.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0)
            )
        )
    )


@login_required
def dossier_list(request):
    rules.authorize(request.user, "dossier.list")
    form = DossierFilterForm(request.GET or None, user=request.user)
    dossiers = filter_dossiers(Dossier.objects.visible_to(request.user), form).order_by(
        "-round__year__year", "-round__number", vi_order("product__name"), "pk"
    )
    page, query = paginate(request, SortedByIds(dossiers, _dossier_rows))
    commune_checks.attach(page)
    return render(
        request,
        "products/dossier_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "filters_active": filters_active(request),
            "may_add": rules.can(request.user, "dossier.create"),
        },
    )


@login_required
def dossier_create(request):
    rules.authorize(request.user, "dossier.create")
    initial = {"product": request.GET.get("product")} if request.GET.get("product") else None
    form = DossierCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = domain.create_dossier(
                product=data["product"],
                round=data["round"],
                registration_type=data["registration_type"],
                expected_star=data.get("expected_star"),
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Dossier opened. Upload the documents and fill the verification."))
            return redirect("products:dossier_edit", dossier.pk)
    return render(
        request,
        "products/form.html",
        {"form": form, "title": _("Open a dossier"), "cancel_url": reverse("products:dossier_list")},
    )


@login_required
def dossier_detail(request, pk):
    dossier = _dossier(pk)
    user = request.user
    rules.authorize(user, "dossier.view", dossier)
    documents = list(dossier.documents.all())
    comments = list(dossier.comments.select_related("created_by__profile"))
    may_check = rules.can(user, "dossier.check", dossier) and dossier.status in UNDER_CHECK_STATES
    editable = dossier.status in EDITABLE_STATES
    context = {
        "dossier": dossier,
        "rows": dossier.checklist_rows(documents),
        "comments": comments,
        "problems": domain.submission_problems(dossier, documents) if editable else [],
        "may_edit": editable and rules.can(user, "dossier.edit", dossier),
        "may_submit": editable and rules.can(user, "dossier.submit", dossier),
        "may_check": may_check,
        "may_extend": editable and rules.can(user, "dossier.grant_extension", dossier),
        "may_receive": rules.can(user, "dossier.receive", dossier) and domain.receipt_applies(dossier),
        "check": dossier.commune_check(),
        "deadline_passed": dossier.deadline_passed(),
        "outcome": hooks.dossier_outcome(dossier),
        "return_form": ReturnForm(dossier=dossier) if may_check else None,
        "reject_form": RejectForm() if may_check else None,
        "extension_form": ExtensionForm(),
        "history": list(audit.history_for(dossier)[:50]) if rules.can(user, "audit.view", dossier) else None,
        "regime_choice": regime_choice(dossier),
        "forms_panel": forms_views.panel(user, dossier),
    }
    return render(request, "products/dossier_detail.html", context)


@login_required
def dossier_regime(request, pk):
    """The office chooses another legal regime for one dossier, with a reason (decision 2b)."""
    dossier = _dossier(pk)
    rules.authorize(request.user, "dossier.override_regime", dossier)
    initial = {"regime": dossier.regime_id, "reason": dossier.regime_override_reason}
    form = RegimeOverrideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = domain.override_regime(
                dossier, form.cleaned_data["regime"], reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changed:
                messages.success(request, _("The dossier's legal regime is recorded, with your reason."))
            else:
                messages.info(request, _("Nothing changed: that regime and reason were already recorded."))
            return redirect("products:dossier_detail", pk)
    return render(
        request,
        "products/dossier_regime.html",
        {"dossier": dossier, "form": form, "regime_choice": regime_choice(dossier)},
    )


@login_required
def dossier_edit(request, pk):
    """The commune's page: upload documents per checklist item and fill the verification, in one form.

    Valid files are stored even when another file or a field is wrong, so nothing sent over a slow
    connection is lost; the form comes back with what was typed and a message per problem.
    """
    dossier = _dossier(pk)
    rules.authorize(request.user, "dossier.edit", dossier)
    if dossier.status not in EDITABLE_STATES:
        level = dossier.round.year.authority.level_noun
        messages.error(request, _("This dossier is with the %(level)s and cannot be changed now.") % {"level": level})
        return redirect("products:dossier_detail", pk)
    verification = VerificationForm(request.POST or None, instance=dossier)
    uploads = UploadsForm(request.POST or None, request.FILES or None, dossier=dossier)
    submit_problems, form_problems = [], False
    if request.method == "POST":
        saved_files, file_errors = [], False
        for item, upload in uploads.uploads():
            try:
                domain.add_document(dossier, item=item, upload=upload, by=request.user)
                saved_files.append(upload.name)
            except ValidationError as error:
                uploads.add_error(f"file_{item}", error)
                file_errors = True
        if verification.is_valid():
            values = {name: verification.cleaned_data[name] for name in Dossier.VERIFICATION_FIELDS}
            domain.save_verification(dossier, by=request.user, **values)
        if saved_files:
            messages.success(request, _("Uploaded: %(files)s") % {"files": ", ".join(saved_files)})
        if verification.is_valid() and not file_errors:
            if "submit" not in request.POST:
                # "Save" keeps the official on the form (issue 18): they usually go on uploading or typing.
                messages.success(request, _("Dossier saved."))
                return redirect("products:dossier_edit", pk)
            try:
                changed = domain.submit_dossier(dossier, by=request.user)
            except ValidationError as error:
                # Refused: back to this form with one summary and the fields concerned marked.
                submit_problems = error.messages
                dossier.refresh_from_db()
                _mark_submit_problems(dossier, uploads, verification)
            else:
                if changed is False:
                    messages.info(request, _("The dossier is already with the district."))
                else:
                    messages.success(request, _("The dossier was sent to the district."))
                return redirect("products:dossier_detail", pk)
        else:
            form_problems = True
        dossier.refresh_from_db()
    documents = list(dossier.documents.all())
    rows = [
        (item, docs, required, uploads[f"file_{item.code}"])
        for item, docs, required in dossier.checklist_rows(documents)
    ]
    optional_rows = [row for row in rows if not row[2]]
    return render(
        request,
        "products/dossier_edit.html",
        {
            "dossier": dossier,
            "verification": verification,
            "uploads": uploads,
            "required_rows": [row for row in rows if row[2]],
            "optional_rows": optional_rows,
            "optional_open": any(docs or field.errors for _item, docs, _req, field in optional_rows),
            "deadline_passed": dossier.deadline_passed(),
            "submit_problems": submit_problems,
            "form_problems": form_problems,
        },
    )


def _mark_submit_problems(dossier, uploads, verification):
    for item in dossier.missing_documents():
        uploads.add_error(f"file_{item.code}", _("Required before submitting: upload this document."))
    for name in Dossier.VERIFICATION_FIELDS:
        if getattr(dossier, name) in (None, "") and name in verification.fields and not verification.has_error(name):
            verification.add_error(name, _("Required before submitting."))


def _submit(request, dossier):
    level = {"level": dossier.round.year.authority.level_noun}
    perform(
        request,
        domain.submit_dossier,
        dossier,
        by=request.user,
        done=_("The dossier was sent to the %(level)s.") % level,
        already=_("The dossier is already with the %(level)s.") % level,
    )
    return redirect("products:dossier_detail", dossier.pk)


@login_required
@require_POST
def dossier_submit(request, pk):
    dossier = _dossier(pk)
    rules.authorize(request.user, "dossier.submit", dossier)
    return _submit(request, dossier)


@login_required
@require_POST
def dossier_receive(request, pk):
    """The commune records that it received the producer's dossier (Decision 26/2026): number and clock start."""
    dossier = _dossier(pk)
    rules.authorize(request.user, "dossier.receive", dossier)
    perform(
        request,
        domain.receive_dossier,
        dossier,
        by=request.user,
        done=_("Receipt recorded. The commune's 15 working days start tomorrow."),
        already=_("The receipt of this dossier was already recorded."),
    )
    return redirect("products:dossier_detail", pk)


@login_required
def late_checks(request):
    """Dossiers whose commune check passed its working days: not yet proposed, or proposed late (for the province)."""
    rules.authorize(request.user, "dossier.late_checks")
    visible = Dossier.objects.visible_to(request.user)
    communes = Commune.objects.visible_to(request.user).order_by(vi_order("name"), "pk")
    commune_id = request.GET.get("commune", "")
    # Only plain ASCII digits within an id's range; anything else shows every commune.
    commune_id = int(commune_id) if re.fullmatch(r"[0-9]{1,9}", commune_id) else None
    found = commune_checks.late(visible, commune_id=commune_id)
    page, query = paginate(request, found)
    checks = dict(page.object_list)
    rows = visible.filter(pk__in=checks).select_related(*DETAIL_RELATED).defer(*criteria_json("product__criteria_set"))
    by_pk = {dossier.pk: dossier for dossier in rows}
    items = []
    for pk, check in page.object_list:
        if pk in by_pk:
            by_pk[pk].check = check
            items.append(by_pk[pk])
    return render(
        request,
        "products/late_checks.html",
        {"page": page, "items": items, "query": query, "communes": communes, "commune_id": commune_id},
    )


@login_required
def dossier_return(request, pk):
    dossier = _dossier(pk)
    rules.authorize(request.user, "dossier.check", dossier)
    form = ReturnForm(request.POST or None, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        try:
            done = domain.return_dossier(dossier, by=request.user, comments=form.comments())
        except ValidationError as error:
            add_errors(form, error)
        else:
            if done:
                messages.success(request, _("The dossier was returned to the commune with your comments."))
            else:
                messages.info(request, _("The dossier had already been returned."))
            return redirect("products:dossier_detail", pk)
    return render(request, "products/dossier_return.html", {"dossier": dossier, "form": form})


@login_required
@require_POST
def dossier_accept(request, pk):
    dossier = _dossier(pk)
    rules.authorize(request.user, "dossier.check", dossier)
    perform(
        request,
        domain.accept_dossier,
        dossier,
        by=request.user,
        done=_("The dossier was accepted for evaluation."),
        already=_("The dossier had already been accepted."),
    )
    return redirect("products:dossier_detail", pk)


@login_required
def dossier_reject(request, pk):
    """Reject a dossier, on a page that says what rejection means (one-way: it leaves this round for good)."""
    dossier = _dossier(pk)
    rules.authorize(request.user, "dossier.check", dossier)
    detail = reverse("products:dossier_detail", args=[pk])
    form = RejectForm(request.POST or None)
    if confirmed(request) and form.is_valid():
        try:
            done = domain.reject_dossier(dossier, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The dossier was rejected.") if done else _("The dossier had already been rejected.")
            )
            return redirect(detail)
    blocking = []
    if dossier.status not in ("submitted", "resubmitted"):
        blocking.append(
            _("Only a submitted dossier can be checked; this one is “%(status)s”.")
            % {"status": dossier.get_status_display()}
        )
    return confirmation_page(
        request,
        title=_("Reject the dossier of %(product)s") % {"product": dossier.product.name},
        subject=f"{dossier.product.name} · {dossier.product.producer.name} · {dossier.commune} · {dossier.round}",
        consequences=[
            _("The dossier leaves this round for good: it is not scored, and the commune cannot submit it again."),
            _("The commune sees the reason on the dossier. To ask for missing documents, return it instead."),
            _("The product can take part in a later round with a new dossier."),
        ],
        blocking=blocking,
        form=form,
        button=_("Reject the dossier"),
        danger=True,
        cancel_url=detail,
        breadcrumbs=[(_("Dossiers"), reverse("products:dossier_list")), (dossier.product.name, detail)],
    )


@login_required
@require_POST
def dossier_extend(request, pk):
    dossier = _dossier(pk)
    rules.authorize(request.user, "dossier.grant_extension", dossier)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect("products:dossier_detail", pk)
    perform(
        request,
        domain.grant_extension,
        dossier,
        by=request.user,
        until=form.cleaned_data["until"],
        reason=form.cleaned_data["reason"],
        done=_("Extension granted."),
        already=_("That extension was already granted."),
    )
    return redirect("products:dossier_detail", pk)


@login_required
def document_download(request, pk):
    document = get_object_or_404(Document.objects.select_related("dossier__commune"), pk=pk)
    rules.authorize(request.user, "dossier.view", document.dossier)
    inline = document.content_type in ("application/pdf", "image/jpeg", "image/png")
    return file_response(
        document.file, filename=document.original_name, content_type=document.content_type, as_attachment=not inline
    )
