"""Public pages, no login: the catalogue of the district's OCOP products, a product's page, its photo, and the
verification page a certificate's QR code opens.

They show only what a certificate prints (product, producer, commune, group, star, validity) and the product's own
description and photo: nothing from dossiers, score sheets or results (decision 17). A product appears only while
it holds a current (valid or expiring) certificate; the status is read from the database on every request, so a
revocation shows at once. The templates extend ``public/base.html`` (no Bootstrap, no JavaScript).
"""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from evaluations.enums import CertificateStatus
from evaluations.models import Certificate
from ocop.lib.collation import vi_order
from ocop.lib.search import search_filter
from ocop.lib.text import unaccent
from ocop.models import Authority
from products.models import Product

PAGE_SIZE = 24
STAR_CHOICES = [("", _("All")), ("3", "3★"), ("4", "4★"), ("5", "5★")]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    group = forms.ChoiceField(label=_("Product group"), required=False)
    commune = forms.ChoiceField(label=_("Commune"), required=False)
    star = forms.ChoiceField(label=_("Star"), required=False, choices=STAR_CHOICES)

    def __init__(self, *args, groups, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("All")), *((g, g) for g in groups)]
        self.fields["commune"].choices = [("", _("All")), *communes]


def certified_products(today=None):
    """Products holding a current certificate, annotated with the best one's star, number and expiry."""
    today = today or timezone.localdate()
    best = Certificate.objects.current(today).filter(product=OuterRef("pk")).order_by("-star", "-valid_until", "-pk")
    return Product.objects.filter(Exists(best)).annotate(
        star=Subquery(best.values("star")[:1]),
        valid_until=Subquery(best.values("valid_until")[:1]),
        certificate_number=Subquery(best.values("number")[:1]),
        issuer=Subquery(best.values("issuer")[:1]),
    )


def _public(response, max_age=0):
    """Pages answer with the status of the moment (a revoked product leaves at once): caches must ask again."""
    response["Cache-Control"] = f"public, max-age={max_age}" if max_age else "public, no-cache"
    return response


@require_GET
def catalogue(request):
    authority = Authority.objects.current()
    products = certified_products().filter(commune__authority=authority)
    # The filter's options: the groups and communes that have certified products (one query).
    options = sorted(
        set(products.values_list("criteria_set__group", "commune__slug", "commune__name").order_by()),
        key=lambda row: unaccent(row[2]).lower(),
    )
    groups = sorted({group for group, _slug, _name in options}, key=lambda group: unaccent(group).lower())
    communes = list(dict.fromkeys((slug, name) for _group, slug, name in options))
    form = CatalogueFilterForm(request.GET or None, groups=groups, communes=communes)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})  # the valid filters apply even if another one is not an option
    if data.get("group"):
        products = products.filter(criteria_set__group=data["group"])
    if data.get("commune"):
        products = products.filter(commune__slug=data["commune"])
    if data.get("star"):
        products = products.filter(star=int(data["star"]))
    if data.get("q"):
        products = search_filter(
            products, data["q"], "name", "producer__name", "commune__name", "producer__former_unit__name"
        )
    products = products.select_related("producer", "commune").order_by("-star", vi_order("name"), "pk")
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return _public(
        render(
            request,
            "public/catalogue.html",
            {"authority": authority, "form": form, "page": page, "query": params.urlencode()},
        )
    )


@require_GET
def product(request, pk):
    authority = Authority.objects.current()
    item = get_object_or_404(
        certified_products().filter(commune__authority=authority).select_related("producer", "commune", "criteria_set"),
        pk=pk,
    )
    return _public(render(request, "public/product.html", {"authority": authority, "product": item}))


@require_GET
def product_photo(request, pk):
    """A certified product's photo (only theirs: other products' photos stay behind the login)."""
    item = get_object_or_404(certified_products(), pk=pk)
    if not item.photo:
        raise Http404
    response = FileResponse(item.photo.open("rb"))
    return _public(response, max_age=3600)


def _not_found(request, authority=None):
    context = {"authority": authority or Authority.objects.current()}
    return render(request, "public/verify_not_found.html", context, status=404)


@never_cache
@require_GET
def verify(request, code):
    """The status of the certificate whose code this is: valid, expiring soon, expired, revoked or superseded."""
    certificate = (
        Certificate.objects.select_related("authority__successor", "product__commune", "next_version")
        .filter(code=code)
        .first()
    )
    if certificate is None:
        return _not_found(request)
    today = timezone.localdate()
    status = certificate.status(today)
    context = {
        "authority": certificate.authority,
        "certificate": certificate,
        "status": status,
        "statuses": CertificateStatus,
        "days_left": certificate.days_left(today),
        "replacement": _replacement(certificate) if status == CertificateStatus.SUPERSEDED else None,
    }
    return render(request, "public/verify.html", context)


def _replacement(certificate):
    """The re-issued version, or for a renewal the product's newest live certificate of the same authority."""
    newer = getattr(certificate, "next_version", None)
    if newer is not None:
        return newer
    return (
        Certificate.objects.live()
        .filter(product_id=certificate.product_id, authority_id=certificate.authority_id)
        .exclude(pk=certificate.pk)
        .order_by("-valid_until", "-pk")
        .first()
    )


@never_cache
@require_GET
def verify_not_found(request, code):
    """A code that cannot be one (wrong length or characters): the same plain "not found" page."""
    return _not_found(request)
