"""Receipt numbers of Mẫu 01 under Decision 26/2026 (decisions.md 26): ``{seq}/PĐK-{province code}-{commune code}-
{year}``, without gaps per commune and year (the commune's receipt) and per province and year (the province's).

A number is taken from a ``ReceiptCounter`` row locked in the transaction that records the receipt, so a rollback
gives it back and concurrent receipts get consecutive numbers. The codes are the official ones (Decision 19/2025:
the province's two digits, the commune's five); until they are loaded, the authority's own code and the commune's
name stand in, so a number is never blank.
"""

from products.models import ReceiptCounter

RECEIPT_NUMBER = "{seq}/PĐK-{province}-{commune}-{year}"


def province_code(authority) -> str:
    return (authority.province_code or authority.code or "T").strip().upper()


def commune_code(commune) -> str:
    return (commune.code or "").strip() or commune.slug.replace("-", "").upper()


def next_seq(scope: str, key: int, year: int) -> int:
    """The next number of a scope and year. Call inside the transaction that stores it (it locks the counter)."""
    ReceiptCounter.objects.bulk_create([ReceiptCounter(scope=scope, key=key, year=year)], ignore_conflicts=True)
    counter = ReceiptCounter.objects.select_for_update().get(scope=scope, key=key, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def allocate(scope: str, *, authority, commune, year: int) -> str:
    key = commune.pk if scope == ReceiptCounter.Scope.COMMUNE else authority.pk
    seq = next_seq(scope, key, year)
    return RECEIPT_NUMBER.format(seq=seq, province=province_code(authority), commune=commune_code(commune), year=year)
