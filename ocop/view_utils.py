"""Small helpers shared by views (they take the request; nothing below views may import this)."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict

PAGE_SIZE = 25


def filters_active(request) -> bool:
    """Whether any list filter other than the search box is set (keeps the filter panel open)."""
    return any(value for key, value in request.GET.items() if key not in ("q", "page"))


def paginate(request, queryset, per_page=PAGE_SIZE):
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def query_without_page(request) -> str:
    params: QueryDict = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def add_errors(form, error: ValidationError):
    """Put a domain ValidationError on the form, field by field where it names fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
