"""Accent-insensitive search: PostgreSQL's unaccent(), and the same function registered on SQLite.

"banh mat" finds "Bánh mật"; "dong trung" finds "Đông trùng".

Searches compare ``ocop_fold(column)`` (lower-case, accents removed) with each word. On PostgreSQL ``ocop_fold`` is
an IMMUTABLE SQL function (migration ``ocop/0005``) so that trigram GIN indexes can be built on it: the product and
producer names have one (``products/0002``), which serves ``LIKE '%word%'`` without reading the whole table.
"""

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func, Q
from django.db.models.functions import Lower
from django.dispatch import receiver

from ocop.lib.text import unaccent


class Unaccent(Func):
    function = "unaccent"
    output_field = CharField()


class Fold(Func):
    """``ocop_fold(expression)``: lower-case without accents; the expression the trigram indexes are built on."""

    function = "ocop_fold"
    output_field = CharField()


@receiver(connection_created)
def _register_sqlite_unaccent(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("unaccent", 1, lambda s: unaccent(s) if s is not None else None)
        connection.connection.create_function(
            "ocop_fold", 1, lambda s: unaccent(s).lower() if s is not None else None, deterministic=True
        )


def folded(expression):
    return Lower(Unaccent(expression))


def search_filter(queryset, query: str, *fields: str):
    """Rows where every word of the query appears, accent- and case-insensitively, in one of the fields."""
    words = unaccent(query).lower().split()
    if not words:
        return queryset
    annotations = {f"_s_{i}": Fold(field) for i, field in enumerate(fields)}
    queryset = queryset.alias(**annotations)
    for word in words:
        condition = Q()
        for name in annotations:
            condition |= Q(**{f"{name}__contains": word})
        queryset = queryset.filter(condition)
    return queryset
