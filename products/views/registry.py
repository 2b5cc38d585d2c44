"""Producers and products: lists, detail pages, registration and editing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ocop import audit, rules
from ocop.lib.collation import vi_order
from ocop.view_utils import add_errors, filters_active, paginate
from products import domain
from products.filters import ListFilterForm, filter_producers, filter_products
from products.forms import ProducerForm, ProductForm
from products.models import Producer, Product, criteria_json


@login_required
def producer_list(request):
    rules.authorize(request.user, "producer.list")
    form = ListFilterForm(request.GET or None, user=request.user)
    producers = filter_producers(Producer.objects.visible_to(request.user), form)
    # Counted per row of the page (a sub-select), not over the whole table before the limit.
    counts = Product.objects.filter(producer=OuterRef("pk")).order_by().values("producer").annotate(n=Count("pk"))
    producers = producers.select_related("commune").annotate(
        product_count=Coalesce(Subquery(counts.values("n"), output_field=IntegerField()), Value(0))
    )
    page, query = paginate(request, producers.order_by(vi_order("name"), "pk"))
    return render(
        request,
        "products/producer_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "filters_active": filters_active(request),
            "may_add": rules.can(request.user, "producer.edit"),
            "may_import": rules.can(request.user, "registry.import"),
        },
    )


@login_required
def producer_detail(request, pk):
    producer = get_object_or_404(Producer.objects.select_related("commune", "former_unit"), pk=pk)
    rules.authorize(request.user, "producer.view", producer)
    products = producer.products.select_related("criteria_set").order_by(vi_order("name"))
    return render(
        request,
        "products/producer_detail.html",
        {
            "producer": producer,
            "products": products,
            "may_edit": rules.can(request.user, "producer.edit", producer),
            "history": audit.history_for(producer)[:20] if rules.can(request.user, "audit.view", producer) else None,
        },
    )


@login_required
def producer_create(request):
    rules.authorize(request.user, "producer.edit")
    form = ProducerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in domain.PRODUCER_FIELDS}
        try:
            producer = domain.create_producer(commune=form.cleaned_data["commune"], by=request.user, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Producer “%(name)s” registered.") % {"name": producer.name})
            return redirect("products:producer_detail", producer.pk)
    return render(
        request,
        "products/form.html",
        {"form": form, "title": _("Register a producer"), "cancel_url": reverse("products:producer_list")},
    )


@login_required
def producer_edit(request, pk):
    producer = get_object_or_404(Producer.objects.select_related("commune"), pk=pk)
    rules.authorize(request.user, "producer.edit", producer)
    form = ProducerForm(request.POST or None, instance=producer, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in domain.PRODUCER_FIELDS}
        try:
            changed = domain.update_producer(Producer.objects.get(pk=pk), by=request.user, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect("products:producer_detail", pk)
    return render(
        request,
        "products/form.html",
        {
            "form": form,
            "title": producer.name,
            "object": producer,
            "cancel_url": reverse("products:producer_detail", args=[pk]),
        },
    )


@login_required
def product_list(request):
    rules.authorize(request.user, "product.list")
    form = ListFilterForm(request.GET or None, user=request.user)
    products = filter_products(Product.objects.visible_to(request.user), form)
    products = products.select_related("producer", "commune", "criteria_set").defer(*criteria_json("criteria_set"))
    page, query = paginate(request, products.order_by(vi_order("name"), "pk"))
    return render(
        request,
        "products/product_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "filters_active": filters_active(request),
            "may_add": rules.can(request.user, "product.edit"),
        },
    )


@login_required
def product_detail(request, pk):
    product = get_object_or_404(
        Product.objects.select_related("producer__former_unit", "commune", "criteria_set"), pk=pk
    )
    rules.authorize(request.user, "product.view", product)
    dossiers = product.dossiers.select_related("round__year", "commune").order_by(
        "-round__year__year", "-round__number"
    )
    return render(
        request,
        "products/product_detail.html",
        {
            "product": product,
            "dossiers": dossiers,
            "may_edit": rules.can(request.user, "product.edit", product),
            "may_open_dossier": rules.can(request.user, "dossier.create", product),
            "history": audit.history_for(product)[:20] if rules.can(request.user, "audit.view", product) else None,
        },
    )


@login_required
def product_create(request):
    rules.authorize(request.user, "product.edit")
    initial = {"producer": request.GET.get("producer")} if request.GET.get("producer") else None
    form = ProductForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            product = domain.create_product(
                producer=data["producer"],
                by=request.user,
                photo=data.get("photo"),
                name=data["name"],
                criteria_set=data["criteria_set"],
                description=data["description"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Product “%(name)s” registered.") % {"name": product.name})
            return redirect("products:product_detail", product.pk)
    return render(
        request,
        "products/form.html",
        {
            "form": form,
            "title": _("Register a product"),
            "multipart": True,
            "cancel_url": reverse("products:product_list"),
        },
    )


@login_required
def product_edit(request, pk):
    product = get_object_or_404(Product.objects.select_related("producer", "commune", "criteria_set"), pk=pk)
    rules.authorize(request.user, "product.edit", product)
    form = ProductForm(request.POST or None, request.FILES or None, instance=product, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {"name": data["name"], "description": data["description"], "criteria_set": data["criteria_set"]}
        photo = request.FILES.get("photo")
        try:
            changed = domain.update_product(Product.objects.get(pk=pk), by=request.user, photo=photo, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect("products:product_detail", pk)
    return render(
        request,
        "products/form.html",
        {
            "form": form,
            "title": product.name,
            "object": product,
            "multipart": True,
            "cancel_url": reverse("products:product_detail", args=[pk]),
        },
    )


@login_required
def product_photo(request, pk):
    product = get_object_or_404(Product.objects.select_related("commune"), pk=pk)
    rules.authorize(request.user, "product.view", product)
    if not product.photo:
        raise Http404
    return FileResponse(product.photo.open("rb"), filename=product.photo.name.rsplit("/", 1)[-1])
