"""Certificate lists, read-only: the expiry list grouped by how soon (decisions 16 and 22: within 30, 60 and 120
days, and expired without a successor or a re-evaluation under way), and the certificates to hand out at the year's
ceremony."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.enums import (
    EXPIRY_BUCKETS,
    CertificateKind,
)
from evaluations.models import (
    Certificate,
)
from ocop.lib.collation import vi_order
from programme.models import ProgrammeYear


# ---------------------------------------------------------------------------------------------------- lists
def _has_successor():
    """A live certificate of the same product valid for longer (the product was re-evaluated and re-certified)."""
    return Exists(
        Certificate.objects.live().filter(product=OuterRef("product"), valid_until__gt=OuterRef("valid_until"))
    )


def _has_reevaluation():
    """A re-evaluation dossier of the product opened after the certificate was issued."""
    from products.enums import RegistrationType
    from products.models import Dossier

    return Exists(
        Dossier.objects.filter(
            product=OuterRef("product"),
            registration_type=RegistrationType.REEVALUATION,
            created_at__date__gte=OuterRef("issued_on"),
        )
    )


@dataclass
class ExpiryGroup:
    key: str
    label: str
    certificates: list
    total: int = 0


def expiry_queryset(queryset, today=None):
    """Live certificates that expire within 120 days or have expired, not followed by a newer one, each with
    ``reevaluation`` (a re-evaluation dossier exists). Unordered."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=EXPIRY_BUCKETS[-1])
    return (
        queryset.live()
        .filter(valid_until__lte=horizon)
        .alias(successor=_has_successor())
        .filter(successor=False)
        .annotate(reevaluation=_has_reevaluation())
        .select_related("product__commune")
    )


def expiry_counts(queryset, today=None) -> dict:
    """How many certificates of ``expiry_queryset`` fall in each bucket, in one query."""
    today = today or timezone.localdate()
    buckets, start = {}, today
    for limit in EXPIRY_BUCKETS:
        end = today + datetime.timedelta(days=limit)
        buckets[str(limit)] = Count("pk", filter=Q(valid_until__gte=start, valid_until__lte=end))
        start = end + datetime.timedelta(days=1)
    buckets["expired"] = Count("pk", filter=Q(valid_until__lt=today))
    return queryset.order_by().aggregate(**buckets)


def expiry_groups(queryset, today=None, *, rows=None, counts=None) -> list[ExpiryGroup]:
    """Live certificates that expire within 30, 60 or 120 days or have expired (and were not followed by a newer
    one), each with ``days_left`` and ``reevaluation`` (a re-evaluation dossier exists), soonest first.

    ``rows`` (e.g. the page shown) replaces the query; ``counts`` (``expiry_counts``) gives each group's total."""
    today = today or timezone.localdate()
    if rows is None:
        rows = list(expiry_queryset(queryset, today).order_by("valid_until", vi_order("product_name"), "pk"))
    labels = {
        "expired": _("Expired"),
        30: _("Expiring within 30 days"),
        60: _("Expiring within 31 to 60 days"),
        120: _("Expiring within 61 to 120 days"),
    }
    groups = {key: ExpiryGroup(str(key), labels[key], []) for key in ("expired", *EXPIRY_BUCKETS)}
    for certificate in rows:
        certificate.days = (certificate.valid_until - today).days
        certificate.days_ago = -certificate.days
        if certificate.days < 0:
            groups["expired"].certificates.append(certificate)
            continue
        bucket = next(limit for limit in EXPIRY_BUCKETS if certificate.days <= limit)
        groups[bucket].certificates.append(certificate)
    for group in groups.values():
        group.total = counts[group.key] if counts is not None else len(group.certificates)
    return [groups[key] for key in (*EXPIRY_BUCKETS, "expired")]


def ceremony_certificates(year: ProgrammeYear, until: datetime.date | None = None):
    """Certificates to hand out at the year's ceremony, neither revoked nor replaced: those issued for the
    recognitions of the year's rounds, and those a higher level issued during the year for products evaluated in
    them (the province's 4★ after the district forwarded the product); up to the ceremony date. Highest star first,
    then by commune and product."""
    from products.models import Dossier

    until = until or year.ceremony_by or datetime.date(year.year, 12, 31)
    of_the_year = Q(kind=CertificateKind.ISSUED, recognition__decision__round__year=year) | Q(
        Exists(Dossier.objects.filter(product=OuterRef("product"), round__year=year)),
        kind=CertificateKind.RECORDED,
        issued_on__year=year.year,
    )
    return (
        Certificate.objects.live()
        .filter(of_the_year, authority_id=year.authority_id, issued_on__lte=until)
        .select_related("product__commune")
        .order_by("-star", vi_order("product__commune__name"), vi_order("product_name"), "pk")
    )
