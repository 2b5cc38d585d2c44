"""Accent-insensitive search: PostgreSQL's unaccent(), and the same function registered on SQLite.

"banh mat" finds "Bánh mật"; "dong trung" finds "Đông trùng".

Searches compare ``ocop_fold(column)`` (lower-case, accents removed) with each word. On PostgreSQL ``ocop_fold`` is
an IMMUTABLE SQL function (migration ``ocop/0005``) so that trigram GIN indexes can be built on it: the product and
producer names have one (``products/0002``), which serves ``LIKE '%word%'`` without reading the whole table.
"""

from django.db.backends.signals import connection_created
from django.db.models import BooleanField, CharField, Expression, F, Func, Q, Subquery
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


class _AmongIds(Expression):
    """``column = ANY(ARRAY(sub-select))`` on PostgreSQL (``IN (sub-select)`` elsewhere).

    The array form runs the sub-select once, planned on its own, so that it uses its table's trigram index; the
    planner turns ``IN (…) OR IN (…)`` into hashed sub-plans that fold every row instead.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, queryset):
        super().__init__()
        self.column, self.subquery = F(column), Subquery(queryset)

    def get_source_expressions(self):
        return [self.column, self.subquery]

    def set_source_expressions(self, expressions):
        self.column, self.subquery = expressions

    def as_sql(self, compiler, connection):
        column_sql, column_params = compiler.compile(self.column)
        subquery_sql, subquery_params = compiler.compile(self.subquery)
        template = "%s = ANY(ARRAY%s)" if connection.vendor == "postgresql" else "%s IN %s"
        return template % (column_sql, subquery_sql), (*column_params, *subquery_params)


def _owner(model, path: str):
    """(the model that holds the column at ``path``, the column, the foreign key that reaches its rows)."""
    *relations, column = path.split("__")
    for name in relations:
        model = model._meta.get_field(name).related_model
    return model, column, "__".join(relations) or "pk"


def search_filter(queryset, query: str, *fields: str):
    """Rows where every word of the query appears, accent- and case-insensitively, in one of the fields.

    Fields of the queryset's own table are compared directly (``ocop_fold(name) LIKE '%word%'``). A field of a
    related table (``producer__name``) is a sub-select on that table, matched by id: an OR across joined tables
    cannot use either table's trigram index and would fold every row of both.
    """
    words = unaccent(query).lower().split()
    if not words:
        return queryset
    owners = [_owner(queryset.model, field) for field in fields]
    local = {
        f"_s_{i}": Fold(field) for i, (field, owner) in enumerate(zip(fields, owners, strict=True)) if owner[2] == "pk"
    }
    queryset = queryset.alias(**local)
    for word in words:
        condition = Q()
        for name in local:
            condition |= Q(**{f"{name}__contains": word})
        for model, column, key in owners:
            if key != "pk":
                matching = model._base_manager.alias(_s=Fold(column)).filter(_s__contains=word).order_by().values("pk")
                condition |= Q(_AmongIds(key, matching))
        queryset = queryset.filter(condition)
    return queryset
