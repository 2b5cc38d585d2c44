from django import template

from products.enums import DossierStatus

register = template.Library()

_CLASSES = {
    DossierStatus.DRAFT: "text-bg-light border",
    DossierStatus.SUBMITTED: "text-bg-primary",
    DossierStatus.RETURNED: "text-bg-warning",
    DossierStatus.RESUBMITTED: "text-bg-info",
    DossierStatus.ACCEPTED: "text-bg-success",
    DossierStatus.REJECTED: "text-bg-danger",
}


@register.filter
def status_class(status):
    return _CLASSES.get(status, "text-bg-secondary")


@register.filter
def form_field(form, name):
    """``form|form_field:"name"``: a bound field by name, for templates that lay a form out in sections."""
    return form[name]
