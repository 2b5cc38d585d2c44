"""Vietnamese alphabetical order for names (communes, producers, products).

PostgreSQL orders with the ICU collation ``vi_icu`` (migration ocop/0005): a ă â b c d đ e ê …, tones after the
base letter, so "Đông Hưng" comes after "Dương" and before "Yên Sơn", not after "Z" as code-point order puts it.
SQLite (the development copy) has no ICU: it orders by the lower-cased, accent-folded text, which keeps Đ with D.
"""

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate

from ocop.lib.search import folded

COLLATION = "vi_icu"


def vi_order(field: str, *, descending: bool = False):
    """An order_by() expression sorting ``field`` in Vietnamese alphabetical order."""
    expression = Collate(F(field), COLLATION) if connection.vendor == "postgresql" else folded(field)
    return expression.desc() if descending else expression.asc()
