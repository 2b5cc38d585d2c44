"""The notification centre (each user's own notifications) and the outbox (the district office's view of every row)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop import delivery, notify, rules
from ocop.forms import ALL_CHOICE
from ocop.models import Notification, NotificationChannel, NotificationKind, NotificationStatus
from ocop.view_utils import filters_active, paginate, perform


def _own(request, pk) -> Notification:
    """One of the user's own notifications; anybody else's is a 404 (its existence is not revealed)."""
    rules.authorize(request.user, "notification.inbox")
    return get_object_or_404(Notification.objects.inbox_of(request.user), pk=pk)


@login_required
def notification_list(request):
    rules.authorize(request.user, "notification.inbox")
    rows = Notification.objects.inbox_of(request.user).order_by("-due_at", "-id")
    page, query = paginate(request, rows)
    language = get_language()
    items = [(row, delivery.render_subject(row, language)) for row in page]
    return render(request, "ocop/notifications.html", {"page": page, "query": query, "items": items})


@login_required
def notification_detail(request, pk):
    row = _own(request, pk)
    subject, body = delivery.render_message(row, get_language())
    copies = list(notify.sent_copies(row).order_by("channel"))
    return render(
        request,
        "ocop/notification_detail.html",
        {"notification": row, "subject": subject, "body": body, "copies": copies},
    )


@login_required
@require_POST
def notification_open(request, pk):
    """Open a notification from the list: marks it read, then shows it."""
    row = _own(request, pk)
    notify.mark_read(row, by=request.user)
    return redirect("notification_detail", row.pk)


@login_required
@require_POST
def notification_mark_read(request, pk):
    row = _own(request, pk)
    notify.mark_read(row, by=request.user)
    return redirect("notifications")


@login_required
@require_POST
def notifications_mark_all_read(request):
    count = notify.mark_all_read(by=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications")


class OutboxFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Recipient"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=[ALL_CHOICE, *NotificationStatus.choices], required=False
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[ALL_CHOICE, *NotificationKind.choices], required=False
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), choices=[ALL_CHOICE, *NotificationChannel.choices], required=False
    )


@login_required
def outbox(request):
    rules.authorize(request.user, "outbox.view")
    form = OutboxFilterForm(request.GET or None)
    rows = Notification.objects.select_related("recipient__profile").order_by("-due_at", "-id")
    form.is_valid()
    data = getattr(form, "cleaned_data", {})  # the valid filters apply; an invalid one is shown as an error
    if data.get("q"):
        rows = rows.filter(
            Q(recipient__username__icontains=data["q"]) | Q(recipient__profile__full_name__icontains=data["q"])
        )
    for name in ("status", "kind", "channel"):
        if data.get(name):
            rows = rows.filter(**{name: data[name]})
    totals = dict(Notification.objects.order_by().values_list("status").annotate(n=Count("id")))
    page, query = paginate(request, rows)
    return render(
        request,
        "ocop/outbox.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "filters_active": filters_active(request),
            "totals": [(status, totals.get(status.value, 0)) for status in NotificationStatus],
            "max_attempts": delivery.MAX_ATTEMPTS,
            "may_retry": rules.can(request.user, "outbox.retry"),
            "retryable": {NotificationStatus.FAILED.value, NotificationStatus.SKIPPED.value},
        },
    )


@login_required
@require_POST
def outbox_retry(request, pk):
    rules.authorize(request.user, "outbox.retry")
    row = get_object_or_404(Notification, pk=pk)
    perform(
        request,
        notify.requeue,
        row,
        by=request.user,
        done=_("The notification is queued to be sent again."),
        already=_("This notification is not waiting for a retry."),
    )
    query = request.POST.get("query", "")
    return redirect(reverse("outbox") + (f"?{query}" if query else ""))
