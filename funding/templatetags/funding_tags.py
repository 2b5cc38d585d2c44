"""{% finance_home %}: what waits for the finance officer, for the home page (renders nothing for others)."""

from django import template

from funding.figures import waiting_for_finance

register = template.Library()


@register.inclusion_tag("funding/_home_card.html", takes_context=True)
def finance_home(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"waiting": waiting_for_finance(user) if user is not None else None}
