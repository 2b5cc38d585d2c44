"""The application's URLs plus ``/_bench/floor/``: the floor every page is compared with."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import include, path
from django.utils.html import escape

from products.models import Product


def floor(request):
    """A minimal view fetching a 50-row page: one query, a few lines of HTML, no template, no session."""
    rows = Product.objects.order_by("pk").values_list("pk", "name")[:50]
    items = "".join(f"<li>{pk}: {escape(name)}</li>" for pk, name in rows)
    return HttpResponse(f"<!doctype html><title>floor</title><ul>{items}</ul>")


@login_required
def layout(request):
    """The application's own floor: a logged-in page with the layout (menu, header) and the same 50 rows as a
    plain list. What every page of the application pays before its own work: middleware, session, user, layout."""
    rows = Product.objects.order_by("pk").values_list("pk", "name")[:50]
    return render(request, "bench_layout.html", {"rows": rows})


urlpatterns = [
    path("_bench/floor/", floor),
    path("_bench/layout/", layout),
    path("", include("ocop.urls")),
]
