import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django import template
from django.utils import formats, numberformat
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.translation import gettext as _

from ocop import audit, rules

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj=None):
    """{% can "commune.view" commune as allowed %}: the same rule the view enforces."""
    return rules.can(context["request"].user, action, obj)


@register.simple_tag
def link_if(allowed, url, text, testid="", css=""):
    """``text`` as a link to ``url`` only when ``allowed``, else the text alone: no role is shown a link into a
    refusal. ``allowed`` is the target view's own rule, read with ``{% can %}`` (``{% can "dossier.list" as
    may_dossiers %}{% link_if may_dossiers row.url row.count %}``)."""
    if not allowed or not url:
        return conditional_escape(text)
    return format_html(
        '<a href="{}"{}{}>{}</a>',
        url,
        format_html(' class="{}"', css) if css else "",
        format_html(' data-testid="{}"', testid) if testid else "",
        text,
    )


@register.filter
def vnd(value):
    """150000000 -> '150.000.000 ₫' in Vietnamese (the locale's separator in English)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value).quantize(Decimal(1))
    except (InvalidOperation, TypeError, ValueError):
        return value
    grouped = numberformat.format(
        amount,
        decimal_sep=formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=0,
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
    return f"{grouped} ₫"


@register.simple_tag(takes_context=True)
def back_url(context, fallback=""):
    """Where a form's "Cancel" goes: the page of this site the user came from, else ``fallback`` (the view's own
    list or detail page), else the home page (a link, not a ``javascript:`` URL, which the content policy blocks)."""
    from django.urls import reverse

    from ocop.view_utils import same_site_referer

    request = context.get("request")
    referer = same_site_referer(request) if request is not None else None
    if referer and urlsplit(referer).path != request.path:  # not the form itself (shown again after an error)
        return referer
    return fallback or reverse("home")


@register.filter
def money(value):
    """``vnd`` that never breaks between the figure and "₫": for amounts outside a ``text-nowrap`` cell."""
    text = vnd(value)
    return format_html('<span class="text-nowrap">{}</span>', text) if text else ""


@register.filter
def action_label(action):
    return audit.action_label(action)


@register.filter
def change_value(value):
    """One value of a history entry as text; never raises, whatever a stored row holds.

    Dates arrive as ``date`` objects (``audit.readable_changes`` converts only the model's date fields): stored text
    that looks like a date is shown as the text it is.
    """
    try:
        if value is None or value == "":
            return "—"
        if value is True:
            return _("yes")
        if value is False:
            return _("no")
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return date_format(value, "SHORT_DATE_FORMAT")  # 2027-12-15 → 15/12/2027
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) or "—"
        return str(value)
    except Exception:
        return "—"


@register.filter
def readable_changes(entry):
    return audit.readable_changes(entry)


@register.filter
def note_parts(note):
    """(text, fingerprint) of an audit note: the page shows the fingerprint only on request."""
    return audit.split_note(note or "")


@register.filter
def stars(value):
    """3 -> '★★★' (empty for no star)."""
    try:
        count = int(value)
    except (TypeError, ValueError):
        return ""
    return "★" * max(count, 0)


@register.filter
def vn_decimal(value, places=2):
    """72.33 -> '72,33' in Vietnamese (the language's decimal separator)."""
    if value in (None, ""):
        return "—"
    return formats.number_format(Decimal(value), decimal_pos=int(places))


@register.filter
def notification_error(error):
    """An outbox row's last error: ours translated; a mail server's own text marked as such (lang="en")."""
    from ocop.delivery import KNOWN_ERRORS, error_text

    if not error:
        return ""
    if error in KNOWN_ERRORS:
        return error_text(error)
    return format_html('{} <span lang="en" class="text-token">{}</span>', _("The mail server answered:"), error[:160])


@register.simple_tag
def filter_select(field):
    """A list filter's ``<select>`` (``partials/filters.html``), written in Python.

    The template loop it replaces asked each ModelChoiceField for its length (a COUNT query) before iterating it,
    and took about 10 ms for a province's 200 communes; the choices are read here once.
    """
    value = field.value()
    current = "" if value is None else str(value)
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (str(choice), " selected" if str(choice) == current else "", _("All") if choice == "" else label)
            for choice, label in field.field.choices
        ),
    )
    invalid = " is-invalid" if field.errors else ""
    return format_html(
        '<select name="{}" id="{}" class="form-select form-select-sm{}">{}</select>',
        field.html_name,
        field.id_for_label,
        invalid,
        options,
    )
