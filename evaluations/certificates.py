"""Certificates (decisions 13-17): starting a round's batch, re-issuing, recording a higher level's certificate,
inspections, revocation. Numbering is in ``certificate_numbers``, issuing one certificate in ``issuing``, the PDF in
``rendering``, the batch's work in ``batches`` (re-exported here), the expiry and ceremony lists in
``certificate_lists``.

Every state change is one function here: it checks the rule and the state, locks the row, saves, writes the audit
row in the same transaction and queues side effects after commit. A repeated request returns False.

Numbers come from ``CertificateSequence`` (one row per authority and year, locked while a number is taken, in the
transaction that creates the certificate), so concurrent issuing gives consecutive numbers with no gap. The PDF is
rendered once, outside that lock, and stored with its SHA-256 (``store_certificate_pdf``); a stored file is never
replaced. Nothing here takes a request.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import KombuError

from evaluations.batches import RENDER_CHUNK, render_batch_chunk, run_issuing_batch  # noqa: F401 - re-exported
from evaluations.certificate_numbers import allocate_number, format_number  # noqa: F401 - re-exported
from evaluations.enums import (
    BATCH_ACTIVE,
    BatchStatus,
    CertificateKind,
    CertificateStatus,
    InspectionResult,
    RevocationGround,
)
from evaluations.issuing import (  # noqa: F401 - re-exported
    _check_issue_date,
    _create,
    _load_recognition,
    _printed_facts,
    _require,
    _today,
    full_address,
    issue_certificate,
    pending_recognitions,
)
from evaluations.models import (
    Certificate,
    Inspection,
    IssuingBatch,
    RecognitionDecision,
    add_months,
)
from evaluations.rendering import (  # noqa: F401 - re-exported
    PDF_TEMPLATE,
    certificate_context,
    certificate_filename,
    certificate_pdf,
    signatory_parts,
    store_certificate_pdf,
    verification_url,
)
from ocop import audit
from programme.models import Round

logger = logging.getLogger(__name__)
# Publishing to a broker that is down or unreachable (not errors of a task run eagerly, which propagate).
BROKER_ERRORS = (KombuError, OSError)

audit.register_actions(
    {
        "certificate.issued": gettext_lazy("Issued the certificate"),
        "certificate.reissued": gettext_lazy("Re-issued the certificate (new version)"),
        "certificate.superseded": gettext_lazy("Replaced by a new version"),
        "certificate.file_stored": gettext_lazy("Stored the certificate's file"),
        "certificate.recorded": gettext_lazy("Recorded a certificate issued by another level"),
        "certificate.revoked": gettext_lazy("Revoked the certificate"),
        "certificate.inspected": gettext_lazy("Recorded an inspection"),
        "certificate.batch_started": gettext_lazy("Started issuing the round's certificates"),
        "certificate.batch_finished": gettext_lazy("Finished issuing the round's certificates"),
        "certificate.batch_failed": gettext_lazy("Issuing the round's certificates stopped with an error"),
    }
)
audit.register_value_labels("revocation_ground", dict(RevocationGround.choices))
audit.register_value_labels("inspection_result", dict(InspectionResult.choices))
audit.register_value_labels("certificate_status", dict(CertificateStatus.choices))
# Labels of the derived values these functions record (the model fields have their verbose names).
audit.EXTRA_FIELD_LABELS.update(
    {
        "inspection_result": gettext_lazy("inspection result"),
        "certificate_status": gettext_lazy("certificate status"),
        "superseded_by": gettext_lazy("replaced by"),
        "certificates": gettext_lazy("certificates"),
    }
)


def _lock(certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("product__commune", "authority")
        .get(pk=certificate.pk)
    )


@transaction.atomic
def reissue_certificate(certificate, *, by, reason: str, now=None):
    """A new version with a new number (the facts as they stand now, the same decision and validity); the old one
    stays, marked superseded (decision 15). Returns the new version, or False if this one was already replaced."""
    _require(by, "certificate.issue", certificate)
    now = now or timezone.now()
    old = _lock(certificate)
    if old.superseded_at:
        return False
    if old.kind != CertificateKind.ISSUED:
        raise ValidationError(_("A certificate issued by another level is re-issued by that level, not here."))
    if old.revoked_at:
        raise ValidationError(_("A revoked certificate cannot be re-issued."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for re-issuing (e.g. a corrected producer name).")})
    recognition = _load_recognition(old.recognition)
    old.superseded_at = now
    old.save(update_fields=["superseded_at"])  # first: one live version per recognition (database constraint)
    new = _create(
        _printed_facts(recognition),
        by=by,
        issued_on=_today(now),
        now=now,
        version=old.version + 1,
        previous=old,
        reason=reason,
    )
    audit.record(old, "certificate.superseded", by=by, changes={"superseded_by": [None, new.number]}, at=now)
    audit.record(
        new,
        "certificate.reissued",
        by=by,
        changes={"number": [old.number, new.number], "version": [old.version, new.version]},
        note=reason,
        at=now,
    )
    transaction.on_commit(lambda: queue_render(new.pk), robust=True)
    return new


def queue_render(certificate_id: int) -> None:
    """Ask a worker to render and store a certificate's PDF (the download renders it if this never runs)."""
    from evaluations.tasks import render_certificate

    try:
        render_certificate.apply_async(kwargs={"certificate_id": certificate_id})
    except BROKER_ERRORS as error:  # broker down: the file is rendered on the first download instead
        logger.warning("Could not queue certificate %s for rendering (%s).", certificate_id, error.__class__.__name__)


@transaction.atomic
def start_issuing(round_, *, by, issued_on=None, now=None):
    """Queue the issuing of every certificate of the round's decision; returns the batch, or False when there is
    nothing to issue or a batch is already under way (a queued batch whose task never started is queued again)."""
    _require(by, "certificate.issue", round_)
    now = now or timezone.now()
    round_ = Round.objects.select_for_update().select_related("year__authority").get(pk=round_.pk)
    decision = RecognitionDecision.objects.filter(round=round_, on_central_evaluation=False).first()
    if decision is None:
        raise ValidationError(_("Record the round's recognition decision before issuing certificates."))
    active = IssuingBatch.objects.filter(round=round_, status__in=BATCH_ACTIVE).first()
    if active is not None:
        if active.status == BatchStatus.QUEUED and now - active.created_at > datetime.timedelta(minutes=5):
            transaction.on_commit(lambda: queue_batch(active.pk), robust=True)
        return False
    total = pending_recognitions(round_).count()
    if not total:
        return False
    issued_on = issued_on or _today(now)
    _check_issue_date(issued_on, decision, _today(now))
    batch = IssuingBatch.objects.create(round=round_, total=total, started_by=by, created_at=now, issue_date=issued_on)
    audit.record(
        round_,
        "certificate.batch_started",
        by=by,
        changes={"certificates": [None, total]},
        at=now,
    )
    transaction.on_commit(lambda: queue_batch(batch.pk), robust=True)
    return batch


def queue_batch(batch_id: int) -> None:
    from evaluations.tasks import issue_batch

    try:
        issue_batch.apply_async(kwargs={"batch_id": batch_id})
    except BROKER_ERRORS as error:  # broker down: the batch stays queued; starting again re-queues it
        logger.warning("Could not queue issuing batch %s (%s).", batch_id, error.__class__.__name__)


# ---------------------------------------------------------------------------------------------------- recorded
@transaction.atomic
def record_certificate(
    product,
    *,
    number: str,
    issued_on: datetime.date,
    issuer: str,
    star: int,
    scan,
    by,
    decision_number: str = "",
    valid_until: datetime.date | None = None,
    now=None,
):
    """Record a certificate issued by a higher level (decision 14) with its scanned file; returns it, or False
    when the same number from the same issuer is already recorded for the product."""
    from products.models import Product
    from products.uploads import check_upload, stored_name

    _require(by, "certificate.record", product)
    now = now or timezone.now()
    product = (
        Product.objects.select_for_update(of=("self",))
        .select_related("producer__commune__authority", "criteria_set", "commune")
        .get(pk=product.pk)
    )
    number, issuer = (number or "").strip(), (issuer or "").strip()
    errors = {}
    if not number:
        errors["number"] = _("Enter the certificate's number.")
    if not issuer:
        errors["issuer"] = _("Enter who issued the certificate (e.g. UBND tỉnh Bắc Giang).")
    if star not in (3, 4, 5):
        errors["star"] = _("A certificate recognises 3, 4 or 5 stars.")
    if issued_on > _today(now):
        errors["issued_on"] = _("The date cannot be in the future.")
    if valid_until is not None and valid_until <= issued_on:
        errors["valid_until"] = _("The certificate must be valid after the date it was issued.")
    if scan is None:
        errors["scan"] = _("Attach the scanned certificate (PDF, JPEG or PNG).")
    if errors:
        raise ValidationError(errors)
    content_type, digest = check_upload(scan)
    if content_type not in ("application/pdf", "image/jpeg", "image/png"):
        raise ValidationError({"scan": _("The scan must be a PDF, JPEG or PNG file.")})
    recorded = Certificate.objects.filter(kind=CertificateKind.RECORDED, product=product, number=number, issuer=issuer)
    if recorded.exists():
        return False
    authority = product.commune.authority
    with translation.override(settings.LANGUAGE_CODE):
        address = full_address(product.producer)
    certificate = Certificate(
        kind=CertificateKind.RECORDED,
        authority=authority,
        product=product,
        criteria_set=product.criteria_set,
        number=number,
        decision_number=(decision_number or "").strip(),
        decision_date=issued_on,
        product_name=product.name,
        producer_name=product.producer.name,
        producer_address=address,
        product_group=f"{product.criteria_set.code}. {product.criteria_set.name}",
        star=star,
        issued_on=issued_on,
        valid_until=valid_until or add_months(issued_on, authority.certificate_validity_months),
        issuer=issuer,
        issued_at=now,
        issued_by=by,
        content_type=content_type,
        size=scan.size,
        sha256=digest,
    )
    certificate.file.save(stored_name(content_type), scan, save=False)
    certificate.save()
    audit.record(
        certificate,
        "certificate.recorded",
        by=by,
        changes={"number": [None, number], "star": [None, star], "issuer": [None, issuer]},
        at=now,
    )
    return certificate


# ---------------------------------------------------------------------------------------------------- monitoring
@transaction.atomic
def record_inspection(certificate, *, date, inspectors: str, findings: str, result: str, by, now=None):
    """An inspection of a certified product; returns the record, or False for an exact repeat."""
    _require(by, "inspection.record", certificate)
    now = now or timezone.now()
    certificate = _lock(certificate)
    if certificate.superseded_at:
        raise ValidationError(_("This version was replaced; record the inspection on the current certificate."))
    inspectors, findings = (inspectors or "").strip(), (findings or "").strip()
    errors = {}
    if not inspectors:
        errors["inspectors"] = _("Enter who inspected.")
    if not findings:
        errors["findings"] = _("Enter what the inspection found.")
    if result not in InspectionResult.values:
        errors["result"] = _("Choose the result of the inspection.")
    if date > _today(now):
        errors["date"] = _("The inspection date cannot be in the future.")
    elif date < certificate.issued_on:
        errors["date"] = _("The inspection cannot be dated before the certificate (%(date)s).") % {
            "date": date_format(certificate.issued_on, "SHORT_DATE_FORMAT")
        }
    if errors:
        raise ValidationError(errors)
    same = {"date": date, "inspectors": inspectors, "findings": findings, "result": result}
    if Inspection.objects.filter(certificate=certificate, **same).exists():
        return False
    inspection = Inspection.objects.create(certificate=certificate, recorded_by=by, recorded_at=now, **same)
    audit.record(
        certificate,
        "certificate.inspected",
        by=by,
        changes={"inspection_result": [None, result]},
        note=f"{date_format(date, 'SHORT_DATE_FORMAT')}: {findings}"[:2000],
        at=now,
    )
    return inspection


@transaction.atomic
def revoke_certificate(
    certificate, *, ground: str, decision_number: str, decision_date: datetime.date, note: str = "", by, now=None
) -> bool:
    """Record the decision revoking a certificate (decision 16). The public pages show it at once."""
    _require(by, "certificate.revoke", certificate)
    now = now or timezone.now()
    certificate = _lock(certificate)
    if certificate.revoked_at:
        return False
    if certificate.superseded_at:
        raise ValidationError(_("This version was replaced by a newer one; revoke the current version."))
    decision_number, note = (decision_number or "").strip(), (note or "").strip()
    errors = {}
    if ground not in RevocationGround.values:
        errors["ground"] = _("Choose the ground for revocation.")
    elif ground == RevocationGround.OTHER_DECISION and not note:
        errors["note"] = _("Name the decision or reason when the ground is “other decision”.")
    if not decision_number:
        errors["decision_number"] = _("Enter the number of the revocation decision.")
    if decision_date > _today(now):
        errors["decision_date"] = _("The decision date cannot be in the future.")
    elif decision_date < certificate.issued_on:
        errors["decision_date"] = _("The decision cannot be dated before the certificate (%(date)s).") % {
            "date": date_format(certificate.issued_on, "SHORT_DATE_FORMAT")
        }
    if errors:
        raise ValidationError(errors)
    before = certificate.status(_today(now))
    certificate.revoked_at = now
    certificate.revoked_on = decision_date
    certificate.revocation_decision = decision_number
    certificate.revocation_ground = ground
    certificate.revocation_note = note
    certificate.revoked_by = by
    certificate.save(
        update_fields=[
            "revoked_at",
            "revoked_on",
            "revocation_decision",
            "revocation_ground",
            "revocation_note",
            "revoked_by",
        ]
    )
    audit.record(
        certificate,
        "certificate.revoked",
        by=by,
        changes={
            "certificate_status": [str(before), CertificateStatus.REVOKED.value],
            "revocation_ground": [None, ground],
            "revocation_decision": [None, decision_number],
        },
        note=note,
        at=now,
    )
    return True
