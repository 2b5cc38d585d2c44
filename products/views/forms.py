"""Decision 26/2026's forms of a dossier: the commune official enters Mẫu 01/02 from the producer's paper and writes
Mẫu 03; whoever may see them prints them as PDF. Shown only for dossiers whose regime uses the forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ocop import rules
from ocop.lib.pdf import pdf_response
from ocop.security import parse_id
from ocop.view_utils import add_errors
from products import domain, forms_data, printing, registration
from products.enums import EDITABLE_STATES
from products.forms import CommuneReportForm, RegistrationForm, VerificationForm
from products.models import Dossier

RELATED = ("product__producer", "product__criteria_set", "commune", "round__year__authority", "regime")


def _dossier(request, pk, action) -> Dossier:
    dossier = get_object_or_404(Dossier.objects.select_related(*RELATED), pk=pk)
    rules.authorize(request.user, action, dossier)
    if not forms_data.uses_forms(dossier):
        raise Http404  # the dossier's rules have no such forms: the page does not exist for it
    return dossier


def _editable_or_back(request, dossier):
    if dossier.status in EDITABLE_STATES:
        return None
    messages.error(request, _("This dossier is with the %(level)s and cannot be changed now.")
                   % {"level": dossier.round.year.authority.level_noun})  # fmt: skip
    return redirect("products:dossier_detail", dossier.pk)


@login_required
def registration_edit(request, pk):
    """Mẫu 01 and Mẫu 02 parts I, II and IV in one form; the producer's own facts stay on the producer's page."""
    dossier = _dossier(request, pk, "forms.edit")
    back = _editable_or_back(request, dossier)
    if back:
        return back
    current = forms_data.registration_of(dossier)
    initial = {"sample_count": forms_data.sample_count(current)} if current.pk is None else None
    form = RegistrationForm(request.POST or None, instance=current, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            changed = registration.save_registration(dossier, by=request.user, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            if "next" in request.POST:
                return redirect("products:self_assessment", pk)
            return redirect("products:registration_edit", pk)
    return render(
        request,
        "products/forms/registration_edit.html",
        {"dossier": dossier, "form": form, "criteria_set": forms_data.scoring_set(dossier)},
    )


def _posted_self_assessment(post, sheet_def):
    choices, evidence = {}, {}
    for part in sheet_def:
        for section in part["sections"]:
            for criterion in section["criteria"]:
                code = criterion["code"]
                value = post.get(f"c-{code}")
                if value not in (None, ""):
                    choices[code] = value
                note = post.get(f"n-{code}", "")
                document = post.get(f"d-{code}", "")
                if note.strip() or document:
                    evidence[code] = (note, parse_id(document) if document else None)
                    if document and parse_id(document) is None:
                        evidence[code] = (note, -1)  # refused by the domain with a message, typed note kept
    return choices, evidence


@login_required
def self_assessment(request, pk):
    """Mẫu 02 part III: one option per criterion of the product's sheet, with a note and a document as evidence.
    Each part folds away (the list is long on a phone); a draft can be saved at any point."""
    dossier = _dossier(request, pk, "forms.edit")
    back = _editable_or_back(request, dossier)
    if back:
        return back
    current = forms_data.registration_of(dossier)
    criteria_set = forms_data.self_sheet(current)
    sheet_def = criteria_set.sheet if criteria_set else []
    errors = []
    if request.method == "POST":
        choices, evidence = _posted_self_assessment(request.POST, sheet_def)
        try:
            changed = registration.save_self_assessment(
                dossier, by=request.user, choices=choices, evidence=evidence, complete="complete" in request.POST
            )
        except ValidationError as error:
            errors = error.messages
            # What was typed comes back as it was, valid or not.
            current.self_choices = choices
            posted = {code: note for code, (note, _doc) in evidence.items()}
            posted_docs = {code: doc for code, (_note, doc) in evidence.items()}
        else:
            if "complete" in request.POST:
                messages.success(request, _("The self-assessment is complete."))
            else:
                messages.success(request, _("Draft saved.") if changed else _("Nothing changed."))
            return redirect("products:self_assessment", pk)
    parts = forms_data.self_sheet_rows(current)
    if errors:
        for part in parts:
            for section in part["sections"]:
                for criterion in section["criteria"]:
                    criterion["note"] = posted.get(criterion["code"], "")
                    criterion["document_id"] = posted_docs.get(criterion["code"])
    else:
        for part in parts:
            for section in part["sections"]:
                for criterion in section["criteria"]:
                    criterion["document_id"] = criterion["document"].pk if criterion["document"] else None
    outcome = forms_data.self_outcome(current)
    documents = list(dossier.documents.only("pk", "item", "original_name", "dossier_id"))
    return render(
        request,
        "products/forms/self_assessment.html",
        {
            "dossier": dossier,
            "registration": current,
            "criteria_set": criteria_set,
            "parts": parts,
            "outcome": outcome,
            "documents": documents,
            "errors": errors,
        },
    )


@login_required
def commune_report(request, pk):
    """Mẫu 03: the four contents (the dossier's verification) and the commune's own lines, in one form."""
    dossier = _dossier(request, pk, "forms.edit")
    back = _editable_or_back(request, dossier)
    if back:
        return back
    rules.authorize(request.user, "dossier.edit", dossier)
    current = forms_data.registration_of(dossier)
    verification = VerificationForm(request.POST or None, instance=dossier, prefix="v")
    form = CommuneReportForm(request.POST or None, instance=current, prefix="r")
    if request.method == "POST" and verification.is_valid() and form.is_valid():
        values = {name: verification.cleaned_data[name] for name in Dossier.VERIFICATION_FIELDS}
        report = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            with transaction.atomic():  # both or neither
                changed = domain.save_verification(dossier, by=request.user, **values)
                changed = registration.save_commune_report(dossier, by=request.user, **report) or changed
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect("products:commune_report", pk)
    return render(
        request,
        "products/forms/commune_report.html",
        {"dossier": dossier, "verification": verification, "form": form},
    )


PDFS = {
    "01": ("forms.view", printing.form_01_pdf),
    "02": ("forms.view", printing.form_02_pdf),
    "03": ("forms.view_commune_report", printing.form_03_pdf),
}


@login_required
def form_pdf(request, pk, number):
    action, render_pdf = PDFS[number]
    dossier = _dossier(request, pk, action)
    return pdf_response(render_pdf(dossier), printing.filename(dossier, number))


def panel(user, dossier) -> dict | None:
    """What the dossier page shows of the forms, or None when its rules have none or the user may not see them."""
    if not rules.can(user, "forms.view", dossier) or not forms_data.uses_forms(dossier):
        return None
    current = forms_data.registration_of(dossier)
    return {
        "may_edit": dossier.status in EDITABLE_STATES and rules.can(user, "forms.edit", dossier),
        "may_view_report": rules.can(user, "forms.view_commune_report", dossier),
        "outcome": forms_data.self_outcome(current),
        "completed": current.self_assessed_at is not None,
    }
