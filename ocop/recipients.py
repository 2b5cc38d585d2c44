"""Who receives a notification: the active users of a role or of a commune."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import F

from ocop.enums import Role


def active_users(**filters):
    return get_user_model().objects.filter(is_active=True, **filters).distinct().order_by("pk")


def commune_officials(commune_ids) -> dict[int, list]:
    """The active commune officials of each commune, by commune id."""
    officials = defaultdict(list)
    for user in active_users(
        groups__name=Role.COMMUNE_OFFICIAL.value, profile__commune_id__in=set(commune_ids)
    ).annotate(commune_id=F("profile__commune_id")):
        officials[user.commune_id].append(user)
    return officials
