"""The notice a commune gets at once when the district returns its dossier for supplement (decision 22)."""

from django.urls import reverse
from django.utils import timezone

from ocop.models import NotificationKind
from ocop.notify import notify
from ocop.recipients import commune_officials


def notify_dossier_returned(dossier, *, now=None) -> int:
    """Tell the officials of the dossier's commune, at once, that the district returned it for supplement.

    Called by ``products.domain.return_dossier`` inside its transaction (after its audit row)."""
    now = now or timezone.now()
    kind = NotificationKind.DOSSIER_RETURNED
    comments = dossier.comments.filter(submission_number=dossier.submission_count).order_by("pk")
    comments = list(comments.values_list("text", flat=True))
    context = {
        "product": dossier.product.name,
        "commune": dossier.commune.name,
        "round_number": dossier.round.number,
        "year": dossier.round.year.year,
        "comments": comments[:20],
        "url": reverse("products:dossier_detail", args=[dossier.pk]),
    }
    created = 0
    for user in commune_officials([dossier.commune_id]).get(dossier.commune_id, []):
        key = f"{kind}:{dossier.pk}:{dossier.submission_count}:{user.pk}"
        created += len(notify(user, kind, dossier, key, due_at=now, context=context, now=now))
    return created
