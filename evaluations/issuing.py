"""Issuing one certificate (decision 13): the printed facts copied from the recognition, a number from the sequence,
an unguessable verification code, the audit row, in one transaction. The PDF is rendered later
(``evaluations.rendering``), by the batch (``evaluations.batches``) or on first download."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from evaluations.certificate_numbers import allocate_number
from evaluations.enums import (
    CertificateKind,
)
from evaluations.models import (
    Certificate,
    Recognition,
    RecognitionDecision,
)
from ocop import audit, rules
from ocop.lib.search import folded
from products.regime import criteria_set_for_scoring


def _require(user, action, obj=None):
    if not rules.can(user, action, obj):
        raise PermissionDenied


def _today(now=None) -> datetime.date:
    return timezone.localdate(now or timezone.now())


# ---------------------------------------------------------------------------------------------------- issuing
def full_address(producer) -> str:
    commune = producer.commune
    authority = commune.authority
    if authority.is_province:  # no district tier since Decision 1489 (1 July 2025)
        return _("%(address)s, %(commune)s, %(province)s province") % {
            "address": producer.address,
            "commune": commune,
            "province": authority.province,
        }
    return _("%(address)s, %(commune)s, %(district)s district, %(province)s province") % {
        "address": producer.address,
        "commune": commune,
        "district": authority.short_name,
        "province": authority.province,
    }


def _printed_facts(recognition: Recognition) -> dict:
    """What the certificate prints, copied from the recognition as it stands now (in the programme's language)."""
    decision = recognition.decision
    product = recognition.dossier.product
    authority = decision.round.year.authority
    criteria_set = criteria_set_for_scoring(recognition.dossier)  # the sheet it was scored on (its regime's edition)
    with translation.override(settings.LANGUAGE_CODE):
        address = full_address(product.producer)
    return {
        "kind": CertificateKind.ISSUED,
        "authority": authority,
        "recognition": recognition,
        "product": product,
        "criteria_set": criteria_set,
        "decision_number": decision.number,
        "decision_date": decision.date,
        "product_name": product.name,
        "producer_name": product.producer.name,
        "producer_address": address,
        "product_group": f"{criteria_set.code}. {criteria_set.name}",
        "product_code": recognition.product_code,
        "star": recognition.star,
        "valid_until": decision.valid_until,
        "issuer": authority.name,
        "signatory": decision.signed_by,
    }


def _load_recognition(recognition) -> Recognition:
    """Lock the recognition (one issuer at a time per product) and load what the certificate prints."""
    Recognition.objects.select_for_update().filter(pk=recognition.pk).first()
    return Recognition.objects.select_related(
        "decision__round__year__authority",
        "dossier__product__producer__commune__authority",
        "dossier__product__criteria_set",
        "dossier__regime",
    ).get(pk=recognition.pk)


def _check_issue_date(issued_on: datetime.date, decision: RecognitionDecision, today: datetime.date):
    if issued_on < decision.date:
        raise ValidationError(
            _("A certificate cannot be dated before its decision (%(date)s)."),
            params={"date": date_format(decision.date, "SHORT_DATE_FORMAT")},
        )
    if issued_on > today:
        raise ValidationError(_("The issue date cannot be in the future."))


def _create(facts: dict, *, by, issued_on, now, batch=None, version=1, previous=None, reason="") -> Certificate:
    seq, number = allocate_number(facts["authority"], issued_on.year)
    return Certificate.objects.create(
        **facts,
        number=number,
        year=issued_on.year,
        sequence=seq,
        version=version,
        previous=previous,
        issued_on=issued_on,
        issued_at=now,
        issued_by=by,
        batch=batch,
        reissue_reason=reason,
    )


@transaction.atomic
def issue_certificate(recognition, *, by, issued_on=None, batch=None, now=None):
    """Issue the certificate of one recognised product; returns it, or False when the product already has one.

    The file is not rendered here (the number's lock would be held meanwhile): ``store_certificate_pdf`` does it.
    """
    _require(by, "certificate.issue", recognition)
    now = now or timezone.now()
    recognition = _load_recognition(recognition)
    live = Certificate.objects.filter(recognition=recognition, superseded_at__isnull=True).first()
    if live is not None:
        if live.revoked_at:
            raise ValidationError(
                _("The certificate %(number)s of “%(product)s” was revoked; it is not issued again."),
                params={"number": live.number, "product": live.product_name},
            )
        return False
    issued_on = issued_on or _today(now)
    _check_issue_date(issued_on, recognition.decision, _today(now))
    certificate = _create(_printed_facts(recognition), by=by, issued_on=issued_on, now=now, batch=batch)
    audit.record(
        certificate,
        "certificate.issued",
        by=by,
        changes={"number": [None, certificate.number], "star": [None, certificate.star]},
        at=now,
    )
    _supersede_renewed(certificate, by=by, now=now)
    return certificate


# ------------------------------------------------------------------------------ renewals, and what a batch issues
def _supersede_renewed(new, *, by, now):
    """A renewal (the product re-evaluated and certified again by the same authority) replaces the product's older
    live certificates of that authority: they read "superseded" everywhere, on the public page too."""
    older = Certificate.objects.select_for_update().filter(
        product_id=new.product_id,
        authority_id=new.authority_id,
        kind=CertificateKind.ISSUED,
        revoked_at__isnull=True,
        superseded_at__isnull=True,
        valid_until__lt=new.valid_until,
    )
    for old in older.exclude(pk=new.pk):
        old.superseded_at = now
        old.save(update_fields=["superseded_at"])
        audit.record(old, "certificate.superseded", by=by, changes={"superseded_by": [None, new.number]}, at=now)


def pending_recognitions(round_):
    """The round's recognitions without a live certificate (a revoked certificate counts: it is not re-issued)."""
    live = Certificate.objects.filter(recognition=OuterRef("pk"), superseded_at__isnull=True)
    return (
        Recognition.objects.filter(decision__round=round_)
        .exclude(Exists(live))
        .order_by(folded("dossier__product__name"), "pk")  # Vietnamese order: Đ with D, not after Z
    )
