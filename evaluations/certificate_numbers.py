"""Certificate numbers (decision 13): the authority's format, and the next number of its year taken from a locked
``CertificateSequence`` row inside the issuing transaction, so concurrent issuing gives consecutive numbers, no gap."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluations.models import (
    CertificateSequence,
)


# ---------------------------------------------------------------------------------------------------- numbers
def format_number(authority, seq: int, year: int) -> str:
    """The number as the authority's format says (setting, decision 13), e.g. ``001/GCN-LN-2024``."""
    try:
        return authority.certificate_number_format.format(seq=seq, authority=authority.code, year=year)
    except (KeyError, IndexError, ValueError, AttributeError) as error:
        raise ValidationError(
            _(
                "The certificate number format “%(format)s” in the programme settings is not valid; use {seq}, "
                "{authority} and {year}, e.g. {seq:03d}/GCN-{authority}-{year}."
            ),
            params={"format": authority.certificate_number_format},
        ) from error


def allocate_number(authority, year: int) -> tuple[int, str]:
    """The next (sequence, number) of the authority's year. Call it inside the transaction that saves the
    certificate: the sequence row stays locked until that transaction ends, and a rollback gives the number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_number must run inside the issuing transaction.")
    # INSERT … ON CONFLICT DO NOTHING: two first issuers of a year do not both try to create the row.
    CertificateSequence.objects.bulk_create(
        [CertificateSequence(authority=authority, year=year)], ignore_conflicts=True
    )
    sequence = CertificateSequence.objects.select_for_update().get(authority=authority, year=year)
    sequence.last += 1
    number = format_number(authority, sequence.last, year)
    sequence.save(update_fields=["last"])
    return sequence.last, number
