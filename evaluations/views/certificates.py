"""Certificates for staff: the register, one certificate (file, versions, inspections, revocation), issuing a
round's certificates in a batch, recording a higher level's certificate, the expiry list and the ceremony list.

Views authenticate, authorize, call one function of ``evaluations.certificates`` and turn its result into a
message; a refused input re-renders the form with the Vietnamese message and what was typed. The small forms of
these pages are defined here (input → Python values, no layout; rendered with ``{{ form|crispy }}``).
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from evaluations import certificate_lists, printouts
from evaluations import certificates as domain
from evaluations.enums import (
    BATCH_ACTIVE,
    CertificateKind,
    CertificateStatus,
    InspectionResult,
    RevocationGround,
)
from evaluations.models import Certificate, CertificateSequence, IssuingBatch, Recognition
from ocop import audit, rules
from ocop.forms import ALL_CHOICE, EMPTY_CHOICE
from ocop.lib.collation import vi_order
from ocop.lib.files import file_response
from ocop.lib.pdf import pdf_response, render_pdf
from ocop.lib.search import folded, search_filter
from ocop.models import Authority, Commune
from ocop.view_utils import add_errors, confirmation_page, confirmed, filters_active, paginate
from products.excel import XLSX_CONTENT_TYPE
from products.forms import DATE_WIDGET
from products.models import Product
from programme.models import ProgrammeYear, Round


# ---------------------------------------------------------------------------------------------------- forms
class CertificateFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=[ALL_CHOICE, *CertificateStatus.choices]
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Issued by"), required=False, choices=[ALL_CHOICE, *CertificateKind.choices]
    )
    commune = forms.ModelChoiceField(label=gettext_lazy("Commune"), queryset=Commune.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if rules.commune_id_of(user):
            del self.fields["commune"]
        else:
            self.fields["commune"].queryset = Commune.objects.visible_to(user).order_by(vi_order("name"))


class IssueForm(forms.Form):
    issued_on = forms.DateField(
        label=gettext_lazy("Issue date"), widget=DATE_WIDGET, help_text=gettext_lazy("Printed on every certificate.")
    )


class ReissueForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for re-issuing"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The current version stays on record, marked as replaced."),
    )


class RevokeForm(forms.Form):
    # No ground is preselected: the officer picks the one the decision names.
    ground = forms.ChoiceField(
        label=gettext_lazy("Ground for revocation"), choices=[EMPTY_CHOICE, *RevocationGround.choices]
    )
    decision_number = forms.CharField(label=gettext_lazy("Revocation decision number"), max_length=100)
    decision_date = forms.DateField(label=gettext_lazy("Decision date"), widget=DATE_WIDGET)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when the ground is “other decision”. Not shown on the public page."),
    )


class InspectionForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Inspection date"), widget=DATE_WIDGET)
    inspectors = forms.CharField(label=gettext_lazy("Inspectors"), max_length=300)
    findings = forms.CharField(label=gettext_lazy("Findings"), widget=forms.Textarea(attrs={"rows": 4}))
    result = forms.ChoiceField(label=gettext_lazy("Result"), choices=[EMPTY_CHOICE, *InspectionResult.choices])


class RecordForm(forms.Form):
    product = forms.ModelChoiceField(label=gettext_lazy("Product"), queryset=Product.objects.none())
    number = forms.CharField(label=gettext_lazy("Certificate number"), max_length=100)
    issued_on = forms.DateField(label=gettext_lazy("Date of the certificate"), widget=DATE_WIDGET)
    issuer = forms.CharField(
        label=gettext_lazy("Issued by"), max_length=200, help_text=gettext_lazy("e.g. UBND tỉnh Bắc Giang")
    )
    decision_number = forms.CharField(label=gettext_lazy("Decision number"), max_length=100, required=False)
    star = forms.TypedChoiceField(
        label=gettext_lazy("Star"), coerce=int, choices=[(4, "4★"), (5, "5★"), (3, "3★")], initial=4
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until"),
        widget=DATE_WIDGET,
        required=False,
        help_text=gettext_lazy(
            "Leave empty: the programme's validity (36 months by default) from the certificate's date."
        ),
    )
    scan = forms.FileField(label=gettext_lazy("Scanned certificate (PDF, JPEG or PNG)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = (
            Product.objects.visible_to(user).select_related("producer").order_by(vi_order("name"), "pk")
        )
        self.fields["product"].label_from_instance = lambda p: f"{p.name} – {p.producer.name}"


class CeremonyForm(forms.Form):
    year = forms.ModelChoiceField(label=gettext_lazy("Programme year"), queryset=ProgrammeYear.objects.none())
    until = forms.DateField(label=gettext_lazy("Ceremony date"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = ProgrammeYear.objects.filter(authority=authority).order_by("-year")
        self.fields["year"].empty_label = None


# ---------------------------------------------------------------------------------------------------- helpers
def _certificate(user, pk, action="certificate.view") -> Certificate:
    certificate = get_object_or_404(
        Certificate.objects.select_related(
            "product__commune", "product__producer__commune", "product__producer__former_unit", "authority__successor"
        ),
        pk=pk,
    )
    rules.authorize(user, action, certificate)
    return certificate


def _dated(certificates, today):
    for certificate in certificates:
        certificate.current_status = certificate.status(today)
    return certificates


# ---------------------------------------------------------------------------------------------------- register
@login_required
def certificate_list(request):
    user = request.user
    rules.authorize(user, "certificate.list")
    form = CertificateFilterForm(request.GET or None, user=user)
    certificates = Certificate.objects.visible_to(user)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})  # the valid filters apply; an invalid one is shown as an error
    today = timezone.localdate()
    if data.get("status"):
        certificates = certificates.with_status(data["status"], today)
    if data.get("kind"):
        certificates = certificates.filter(kind=data["kind"])
    if data.get("commune"):
        certificates = certificates.filter(product__commune=data["commune"])
    if data.get("q"):
        certificates = search_filter(certificates, data["q"], "number", "product_name", "producer_name")
    page, query = paginate(request, certificates.select_related("product__commune").order_by("-issued_on", "-pk"))
    _dated(page.object_list, today)
    return render(
        request,
        "evaluations/certificate_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "filters_active": filters_active(request),
            "may_record": rules.can(user, "certificate.record"),
            "may_ceremony": rules.can(user, "certificate.ceremony"),
        },
    )


@login_required
def certificate_detail(request, pk):
    user = request.user
    certificate = _certificate(user, pk)
    today = timezone.localdate()
    status = certificate.status(today)
    if certificate.recognition_id:
        versions = list(Certificate.objects.filter(recognition_id=certificate.recognition_id).order_by("-version"))
    else:
        versions = [certificate]
    live = status not in (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED)
    context = {
        "certificate": certificate,
        "status": status,
        "statuses": CertificateStatus,
        "days_left": certificate.days_left(today),
        "versions": _dated(versions, today),
        "inspections": list(certificate.inspections.select_related("recorded_by__profile")),
        "may_revoke": live and rules.can(user, "certificate.revoke", certificate),
        "may_reissue": live and not certificate.is_recorded and rules.can(user, "certificate.issue", certificate),
        "may_inspect": live and rules.can(user, "inspection.record", certificate),
        "history": list(audit.history_for(certificate)[:30]) if rules.can(user, "audit.view", certificate) else None,
    }
    return render(request, "evaluations/certificate_detail.html", context)


@login_required
@require_GET
def certificate_file(request, pk):
    """The stored PDF (or scan). An issued certificate whose file is not stored yet is rendered and stored now."""
    certificate = _certificate(request.user, pk)
    if not certificate.file:
        domain.store_certificate_pdf(certificate, by=request.user)
        certificate.refresh_from_db()
    if not certificate.file:
        raise Http404
    return file_response(
        certificate.file,
        filename=domain.certificate_filename(certificate),
        content_type=certificate.content_type or "application/pdf",
        as_attachment=False,
    )


# ---------------------------------------------------------------------------------------------------- changes
def _change_view(request, pk, *, action, form_class, call, success, title, intro="", button, danger=False):
    """GET shows the form; POST validates it and calls the domain function; a refusal keeps what was typed."""
    certificate = _certificate(request.user, pk, action)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = call(certificate, form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, success(done))
            target = done if isinstance(done, Certificate) else certificate
            return redirect("evaluations:certificate", target.pk)
    context = {
        "certificate": certificate,
        "form": form,
        "title": title,
        "intro": intro,
        "button": button,
        "danger": danger,
    }
    return render(request, "evaluations/certificate_form.html", context)


@login_required
def revoke(request, pk):
    return _change_view(
        request,
        pk,
        action="certificate.revoke",
        form_class=RevokeForm,
        call=lambda c, data: domain.revoke_certificate(c, by=request.user, **data),
        success=lambda done: (
            _("The certificate is revoked; the public page now says so.")
            if done
            else _("The certificate was already revoked.")
        ),
        title=_("Revoke the certificate"),
        intro=_(
            "From the moment you confirm, the public verification page says the certificate is revoked, with the "
            "date and ground, and the product leaves the public catalogue."
        ),
        button=_("Revoke"),
        danger=True,
    )


@login_required
def reissue(request, pk):
    return _change_view(
        request,
        pk,
        action="certificate.issue",
        form_class=ReissueForm,
        call=lambda c, data: domain.reissue_certificate(c, by=request.user, reason=data["reason"]),
        success=lambda done: (
            _("A new version was issued with the number %(number)s.") % {"number": done.number}
            if done
            else _("This certificate had already been replaced.")
        ),
        title=_("Re-issue the certificate"),
        intro=_(
            "A new version gets a new number and verification code, with the product's facts as they stand now "
            "and the same validity. This version stays on record and its page says it was replaced."
        ),
        button=_("Re-issue"),
    )


@login_required
def inspect(request, pk):
    return _change_view(
        request,
        pk,
        action="inspection.record",
        form_class=InspectionForm,
        call=lambda c, data: domain.record_inspection(c, by=request.user, **data),
        success=lambda done: _("The inspection was recorded.") if done else _("This inspection was already recorded."),
        title=_("Record an inspection"),
        button=_("Save"),
    )


@login_required
def record(request):
    user = request.user
    rules.authorize(user, "certificate.record")
    form = RecordForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rules.authorize(user, "certificate.record", data["product"])
            certificate = domain.record_certificate(
                data["product"],
                number=data["number"],
                issued_on=data["issued_on"],
                issuer=data["issuer"],
                star=data["star"],
                scan=data["scan"],
                decision_number=data["decision_number"],
                valid_until=data["valid_until"],
                by=user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if certificate:
                messages.success(request, _("The certificate was recorded."))
                return redirect("evaluations:certificate", certificate.pk)
            messages.info(request, _("This certificate was already recorded for the product."))
            return redirect("evaluations:certificate_list")
    context = {
        "form": form,
        "title": _("Record a certificate issued by another level"),
        "intro": _(
            "A certificate issued by the province (4★) or the ministry (5★) is not generated here: enter its "
            "number, date and issuer and attach the scan. The public pages then show the product at that star."
        ),
        "button": _("Record"),
        "multipart": True,
    }
    return render(request, "evaluations/certificate_form.html", context)


# ---------------------------------------------------------------------------------------------------- a round's batch
def _round(request, pk, action) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("year__authority"), pk=pk)
    rules.authorize(request.user, action, round_)
    return round_


ROUND_CERTIFICATES_PAGE_SIZE = 50


@login_required
def round_certificates(request, pk):
    """The round's recognised products with their certificates, and the progress of the latest issuing batch."""
    round_ = _round(request, pk, "certificate.list")
    user = request.user
    today = timezone.localdate()
    decision = getattr(round_, "decision", None)
    recognitions = (
        Recognition.objects.filter(decision__round=round_)
        .select_related("dossier__product__producer", "dossier__commune")
        .order_by(folded("dossier__product__name"), "pk")
    )
    commune_id = rules.commune_id_of(user) if not rules.sees_all_communes(user) else None
    pending_rows = domain.pending_recognitions(round_)
    if commune_id:
        recognitions = recognitions.filter(dossier__commune_id=commune_id)
        pending_rows = pending_rows.filter(dossier__commune_id=commune_id)
    page, query = paginate(request, recognitions, ROUND_CERTIFICATES_PAGE_SIZE)
    recognitions = list(page.object_list)
    live = {
        c.recognition_id: c
        for c in Certificate.objects.filter(recognition__in=recognitions, superseded_at__isnull=True)
    }
    for recognition in recognitions:
        recognition.certificate = live.get(recognition.pk)
        if recognition.certificate:
            recognition.certificate.current_status = recognition.certificate.status(today)
    batch = IssuingBatch.objects.filter(round=round_).first()
    may_issue = rules.can(user, "certificate.issue", round_) and decision is not None
    pending = pending_rows.count()
    context = {
        "round": round_,
        "decision": decision,
        "recognitions": recognitions,
        "page": page,
        "query": query,
        "batch": batch,
        "refresh": batch is not None and batch.status in BATCH_ACTIVE,
        "may_issue": may_issue and pending > 0,
        "pending": pending,
    }
    return render(request, "evaluations/certificate_round.html", context)


@login_required
def issue_round(request, pk):
    """Issue the round's certificates, on a page that says how many, from which number, and what becomes fixed."""
    round_ = _round(request, pk, "certificate.issue")
    back = reverse("evaluations:round_certificates", args=[pk])
    form = IssueForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if confirmed(request) and form.is_valid():
        try:
            batch = domain.start_issuing(round_, by=request.user, issued_on=form.cleaned_data["issued_on"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            if batch:
                messages.success(
                    request,
                    ngettext(
                        "Issuing %(count)s certificate: the page shows the progress.",
                        "Issuing %(count)s certificates: the page shows the progress.",
                        batch.total,
                    )
                    % {"count": batch.total},
                )
            else:
                messages.info(request, _("Nothing to issue now: the certificates are issued or being issued."))
            return redirect(back)
    decision = getattr(round_, "decision", None)
    pending = domain.pending_recognitions(round_) if decision else Recognition.objects.none()
    count = pending.count()
    names = list(pending.order_by("dossier__product__name").values_list("dossier__product__name", flat=True)[:20])
    authority = round_.year.authority
    sequence = CertificateSequence.objects.filter(authority=authority, year=timezone.localdate().year).first()
    first = domain.format_number(authority, (sequence.last if sequence else 0) + 1, timezone.localdate().year)
    consequences = [
        ngettext(
            "%(count)s certificate will be numbered from %(first)s and get its verification code and QR.",
            "%(count)s certificates will be numbered from %(first)s and get their verification codes and QR.",
            count,
        )
        % {"count": count, "first": first},
        ", ".join(names) + (" …" if count > len(names) else ""),
        _("Numbers are never reused: a wrong certificate is re-issued with a new number, not deleted."),
        _("The public verification page of each certificate is live at once."),
        _("The decision can no longer be corrected once its first certificate exists."),
    ]
    blocking = [] if decision else [_("The recognition decision of this round is not recorded yet.")]
    if decision and not count:
        blocking.append(_("Nothing to issue now: the certificates are issued or being issued."))
    return confirmation_page(
        request,
        title=_("Issue the certificates of %(round)s") % {"round": round_},
        consequences=consequences,
        blocking=blocking,
        form=form,
        button=_("Issue the certificates"),
        cancel_url=back,
        breadcrumbs=[(_("Certificates"), reverse("evaluations:certificate_list")), (str(round_), back)],
    )


# ---------------------------------------------------------------------------------------------------- expiry
EXPIRY_PAGE_SIZE = 50


@login_required
def expiry_list(request):
    """Certificates expiring within 120, 60 or 30 days, and expired ones not followed by a newer certificate: the
    products to re-evaluate. A commune official sees their commune's."""
    rules.authorize(request.user, "certificate.list")
    today = timezone.localdate()
    rows = certificate_lists.expiry_queryset(Certificate.objects.visible_to(request.user), today)
    # Two paginated lists (the expired one grows every year): expiring soonest first, expired latest first.
    soon, soon_query = paginate(
        request,
        rows.filter(valid_until__gte=today).order_by("valid_until", vi_order("product_name"), "pk"),
        EXPIRY_PAGE_SIZE,
    )
    expired, expired_query = paginate(
        request,
        rows.filter(valid_until__lt=today).order_by("-valid_until", vi_order("product_name"), "pk"),
        EXPIRY_PAGE_SIZE,
        param="expired",
    )
    groups = certificate_lists.expiry_groups(
        None, today, rows=[*soon.object_list, *expired.object_list], counts=certificate_lists.expiry_counts(rows, today)
    )
    return render(
        request,
        "evaluations/certificate_expiry.html",
        {
            "groups": groups,
            "soon": soon,
            "soon_query": soon_query,
            "expired": expired,
            "expired_query": expired_query,
        },
    )


# ---------------------------------------------------------------------------------------------------- ceremony
def _ceremony(request):
    """(authority, form, year, ceremony date, certificates) from ?year=&until= (default: this year's plan)."""
    rules.authorize(request.user, "certificate.ceremony")
    authority = Authority.objects.current()
    years = ProgrammeYear.objects.filter(authority=authority)
    year = years.filter(year=timezone.localdate().year).first() or years.order_by("-year").first()
    if year is None:
        raise Http404
    form = CeremonyForm(request.GET or None, authority=authority, initial={"year": year, "until": year.ceremony_by})
    until = year.ceremony_by
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
        until = form.cleaned_data["until"] or year.ceremony_by
    until = until or datetime.date(year.year, 12, 31)
    return authority, form, year, until, list(certificate_lists.ceremony_certificates(year, until))


@login_required
def ceremony(request):
    _authority, form, year, until, rows = _ceremony(request)
    query = f"year={year.pk}&until={until:%d/%m/%Y}"
    return render(
        request,
        "evaluations/certificate_ceremony.html",
        {"form": form, "year": year, "until": until, "rows": rows, "query": query},
    )


def _ceremony_filename(year, extension):
    return f"trao-chung-nhan-ocop-{year.year}.{extension}"


@login_required
@require_GET
def ceremony_pdf(request):
    authority, _form, year, until, rows = _ceremony(request)
    content = render_pdf(
        "pdf/ceremony.html",
        {
            "title": _("Certificates to hand out at the OCOP ceremony"),
            "authority": authority,
            "year": year,
            "until": printouts.date_text(until),
            "rows": rows,
            "place_date": printouts.place_and_date(authority, timezone.localdate()),
        },
    )
    return pdf_response(content, _ceremony_filename(year, "pdf"))


@login_required
@require_GET
def ceremony_xlsx(request):
    authority, _form, year, until, rows = _ceremony(request)
    content = ceremony_workbook(authority, year, until, rows)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_ceremony_filename(year, "xlsx")}"'
    response["Cache-Control"] = "private, no-store"
    return response


def ceremony_workbook(authority, year, until, rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = "Trao chung nhan"
    printouts._title_rows(
        ws,
        [_("Certificates to hand out at the OCOP ceremony"), f"{authority.name} – {year}"],
        [(_("Ceremony date"), until)],
    )
    headers = [
        _("No."),
        _("Product"),
        _("Producer"),
        _("Commune"),
        _("Star"),
        _("Certificate number"),
        _("Issue date"),
        _("Valid until"),
        _("Issued by"),
        _("Received by (signature)"),
    ]
    table = [
        [
            number,
            c.product_name,
            c.producer_name,
            c.product.commune.name,
            c.star,
            c.number,
            c.issued_on,
            c.valid_until,
            c.issuer,
            "",
        ]
        for number, c in enumerate(rows, start=1)
    ]
    printouts._table(ws, headers, table, widths={2: 32, 3: 32, 4: 16, 6: 22, 9: 24, 10: 24}, default_width=12)
    return printouts._to_bytes(workbook)
