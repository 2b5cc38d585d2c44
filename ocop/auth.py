"""The authentication backend: Django's ModelBackend whose ``get_user`` loads, in one query, what every page needs.

Each request used to run four queries before its view (user, groups, profile, unread count). On PostgreSQL this
backend fetches the user joined with the profile and, as sub-selects of the same query, the names of the user's
groups and the number of unread in-app notifications. The roles are stored where ``ocop.rules.roles_of`` looks
(``user._ocop_roles``) and the count where the navigation looks (``user._ocop_unread``). On SQLite (the development
copy) it falls back to Django's behaviour (separate queries).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ocop.enums import Role


def users_with_request_facts(queryset=None, now=None):
    """Users with ``profile`` joined and, on PostgreSQL, ``group_names`` and ``unread_count`` annotated."""
    from django.contrib.auth.models import Group

    from ocop.models import Notification

    queryset = queryset if queryset is not None else get_user_model()._default_manager.all()
    queryset = queryset.select_related("profile")
    if connection.vendor != "postgresql":
        return queryset
    from django.contrib.postgres.expressions import ArraySubquery

    unread = (
        Notification.objects.inbox_of(OuterRef("pk"), now=now or timezone.now())
        .unread()
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        group_names=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).order_by().values("name")),
        unread_count=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
    )


def remember_facts(user) -> None:
    """Cache the annotated facts where the rules and the navigation look for them."""
    names = getattr(user, "group_names", None)
    if names is None:
        return
    roles = frozenset(Role(name) for name in names if name in Role.values)
    if user.is_superuser:
        roles |= {Role.SYSADMIN}
    user._ocop_roles = roles if user.is_active else frozenset()
    user._ocop_unread = user.unread_count


class ProfileBackend(ModelBackend):
    def get_user(self, user_id):
        user = users_with_request_facts().filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        remember_facts(user)
        return user
