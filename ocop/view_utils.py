"""Small helpers shared by views (they take the request; nothing below views may import this)."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict

PAGE_SIZE = 25


def filters_active(request) -> bool:
    """Whether any list filter other than the search box is set (keeps the filter panel open)."""
    return any(value for key, value in request.GET.items() if key not in ("q", "page"))


def paginate(request, queryset, per_page=PAGE_SIZE, param="page"):
    """The requested page and the query string without it (``param`` names the page number's parameter, for a
    second list on the same page; the partial then needs ``page_param``)."""
    page = Paginator(queryset, per_page).get_page(request.GET.get(param))
    params = request.GET.copy()
    params.pop(param, None)
    return page, params.urlencode()


class SortedByIds:
    """A list for ``Paginator`` that sorts and slices on a narrow query of ids, then loads the page's rows in full.

    On a province's thousands of rows, sorting the wide joined rows (every column of six tables) costs several
    times what sorting the ids with the sort columns does. ``queryset`` carries the filters and the order;
    ``load(queryset)`` adds what the rows show (``select_related``, annotations) and is applied to the page's ids
    only. Three queries per page whatever its size: the count, the ids, the rows.
    """

    def __init__(self, queryset, load):
        self.queryset = queryset
        self.load = load

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        ids = list(self.queryset.values_list("pk", flat=True)[key])
        if not ids:
            return []
        rows = {row.pk: row for row in self.load(self.queryset.model._base_manager.filter(pk__in=ids))}
        return [rows[pk] for pk in ids if pk in rows]


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


def form_errors_as_messages(request, form) -> None:
    """For a form posted from a button on another page: show its errors as messages there."""
    from django.contrib import messages

    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def perform(request, action, *args, done: str, already: str = "", **kwargs):
    """Call a domain function and tell the user how it went.

    ``done`` is shown when it changed something, ``already`` when the request repeated a change that had been
    made (the function returned False), and each message of a ValidationError as an error. Returns the
    function's result, or None when it was refused.
    """
    from django.contrib import messages

    try:
        result = action(*args, **kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None
    if result is False:
        messages.info(request, already or done)
    else:
        messages.success(request, done)
    return result


# ---------------------------------------------------------------------------------------------------- confirmation
# One-way actions (approve results, record a decision, issue certificates, revoke, reject a dossier, close a year)
# go through a page that says what will happen and lists what is unfinished. GET shows it; its form posts back with
# ``confirmed=1``; a POST without it (an old button, a replayed request) shows the page again and changes nothing.
def confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get("confirmed") == "1"


def confirmation_page(
    request,
    *,
    title,
    consequences,
    button,
    cancel_url: str,
    form=None,
    subject: str = "",
    unfinished=(),
    blocking=(),
    danger: bool = False,
    breadcrumbs=(),
):
    """Render the shared confirmation page (templates/confirm.html)."""
    from django.shortcuts import render

    context = {
        "title": title,
        "subject": subject,
        "consequences": list(consequences),
        "unfinished": list(unfinished),
        "blocking": list(blocking),
        "form": form,
        "button": button,
        "danger": danger,
        "cancel_url": cancel_url,
        "breadcrumbs": list(breadcrumbs),
    }
    return render(request, "confirm.html", context)


def same_site_referer(request) -> str | None:
    """The page the request came from (its Referer), when it is a page of this site; otherwise None."""
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None
