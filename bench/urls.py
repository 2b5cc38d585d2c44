"""The application's URLs plus ``/_bench/floor/``: the floor every page is compared with."""

from django.http import HttpResponse
from django.urls import include, path
from django.utils.html import escape

from products.models import Product


def floor(request):
    """A minimal view fetching a 50-row page: one query, a few lines of HTML, no template, no session."""
    rows = Product.objects.order_by("pk").values_list("pk", "name")[:50]
    items = "".join(f"<li>{pk}: {escape(name)}</li>" for pk, name in rows)
    return HttpResponse(f"<!doctype html><title>floor</title><ul>{items}</ul>")


urlpatterns = [
    path("_bench/floor/", floor),
    path("", include("ocop.urls")),
]
