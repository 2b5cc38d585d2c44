"""Excel import of producers and products, and exports of the filtered lists (owned by the Excel work)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ocop import rules
from products import excel
from products.filters import DossierFilterForm, ListFilterForm, filter_dossiers, filter_producers, filter_products
from products.models import Dossier, Producer, Product

MAX_UPLOAD_MB = 5


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy("The template filled in, at most 5 MB."),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{excel.XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_MB})
        return upload


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # personal data: no copies in shared caches
    return response


@login_required
@require_GET
def import_template(request):
    rules.authorize(request.user, "registry.import")
    return _xlsx_response(excel.build_import_template(user=request.user), "mau-nhap-ocop.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_registry(request):
    rules.authorize(request.user, "registry.import")
    errors = []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = excel.import_workbook(form.cleaned_data["file"], by=request.user)
            except excel.ImportRejected as rejected:
                errors = rejected.errors
            else:
                messages.success(
                    request,
                    _("Imported %(producers)s producers and %(products)s products.")
                    % {"producers": result.producers, "products": result.products},
                )
                return redirect("products:producer_list")
    else:
        form = ImportForm()
    return render(request, "products/import.html", {"form": form, "errors": errors})


@login_required
@require_GET
def export_producers(request):
    rules.authorize(request.user, "producer.list")
    form = ListFilterForm(request.GET, user=request.user)
    producers = filter_producers(Producer.objects.visible_to(request.user), form)
    return _xlsx_response(excel.export_producers(producers), "chu-the-ocop.xlsx")


@login_required
@require_GET
def export_products(request):
    rules.authorize(request.user, "product.list")
    form = ListFilterForm(request.GET, user=request.user)
    products = filter_products(Product.objects.visible_to(request.user), form)
    return _xlsx_response(excel.export_products(products), "san-pham-ocop.xlsx")


@login_required
@require_GET
def export_dossiers(request):
    rules.authorize(request.user, "dossier.list")
    form = DossierFilterForm(request.GET, user=request.user)
    dossiers = filter_dossiers(Dossier.objects.visible_to(request.user), form)
    return _xlsx_response(excel.export_dossiers(dossiers), "ho-so-ocop.xlsx")
