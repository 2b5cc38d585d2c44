"""Accent-insensitive search: PostgreSQL's unaccent(), and the same function registered on SQLite.

"banh mat" finds "Bánh mật"; "dong trung" finds "Đông trùng".
"""

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func, Q
from django.db.models.functions import Lower
from django.dispatch import receiver

from ocop.lib.text import unaccent


class Unaccent(Func):
    function = "unaccent"
    output_field = CharField()


@receiver(connection_created)
def _register_sqlite_unaccent(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("unaccent", 1, lambda s: unaccent(s) if s is not None else None)


def folded(expression):
    return Lower(Unaccent(expression))


def search_filter(queryset, query: str, *fields: str):
    """Rows where every word of the query appears, accent- and case-insensitively, in one of the fields."""
    words = unaccent(query).lower().split()
    if not words:
        return queryset
    annotations = {f"_s_{i}": folded(field) for i, field in enumerate(fields)}
    queryset = queryset.alias(**annotations)
    for word in words:
        condition = Q()
        for name in annotations:
            condition |= Q(**{f"{name}__contains": word})
        queryset = queryset.filter(condition)
    return queryset
