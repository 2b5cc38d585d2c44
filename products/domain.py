"""State changes of producers, products and dossiers. Each checks permission and state, saves and audits."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop import audit, rules
from ocop.lib.text import unaccent
from ocop.security import clean_file_name
from products import checklist, hooks, notifications
from products.enums import (
    EDITABLE_STATES,
    UNDER_CHECK_STATES,
    DossierStatus,
    Gender,
    ProducerKind,
    RegistrationType,
)
from products.models import Document, Dossier, ItemComment, Producer, Product
from products.uploads import check_upload, stored_name

audit.register_actions(
    {
        "producer.created": gettext_lazy("Registered producer"),
        "producer.updated": gettext_lazy("Updated producer"),
        "product.created": gettext_lazy("Registered product"),
        "product.updated": gettext_lazy("Updated product"),
        "dossier.created": gettext_lazy("Opened dossier"),
        "dossier.verification_saved": gettext_lazy("Saved commune verification"),
        "dossier.document_added": gettext_lazy("Uploaded document"),
        "dossier.submitted": gettext_lazy("Dossier submitted"),
        "dossier.resubmitted": gettext_lazy("Dossier resubmitted"),
        "dossier.returned": gettext_lazy("Returned for supplement"),
        "dossier.accepted": gettext_lazy("Accepted for evaluation"),
        "dossier.rejected": gettext_lazy("Rejected"),
        "dossier.extension_granted": gettext_lazy("Granted a deadline extension"),
    }
)

audit.register_value_labels("status", dict(DossierStatus.choices))
audit.register_value_labels("registration_type", dict(RegistrationType.choices))
audit.register_value_labels("kind", dict(ProducerKind.choices))
audit.register_value_labels("representative_gender", dict(Gender.choices))

PRODUCER_FIELDS = (
    "kind",
    "name",
    "registration_number",
    "representative_name",
    "representative_gender",
    "representative_ethnicity",
    "address",
    "phone",
    "email",
)
PRODUCT_FIELDS = ("name", "criteria_set", "description")


def _require(user, action, obj):
    if not rules.can(user, action, obj):
        raise PermissionDenied


def _lock(dossier) -> Dossier:
    return Dossier.objects.select_for_update().select_related("round").get(pk=dossier.pk)


# ---------------------------------------------------------------------------- producers and products
def find_duplicate_producer(commune, name, exclude_pk=None):
    """A producer of the same commune whose name matches ignoring case and accents."""
    folded = unaccent(name or "").lower().strip()
    candidates = Producer.objects.filter(commune=commune).exclude(pk=exclude_pk).only("pk", "name")
    return next((p for p in candidates if unaccent(p.name).lower().strip() == folded), None)


def _check_duplicate(producer):
    duplicate = find_duplicate_producer(producer.commune, producer.name, exclude_pk=producer.pk)
    if duplicate:
        raise ValidationError(
            {
                "name": _("%(commune)s already has a producer named “%(name)s”.")
                % {"commune": capfirst(str(producer.commune)), "name": duplicate.name}
            }
        )


@transaction.atomic
def create_producer(*, commune, by, **values) -> Producer:
    producer = Producer(commune=commune, created_by=by, **values)
    _require(by, "producer.edit", producer)
    _check_duplicate(producer)
    producer.full_clean()
    producer.save()
    audit.record(producer, "producer.created", by=by, changes=_initial(producer, PRODUCER_FIELDS))
    return producer


@transaction.atomic
def update_producer(producer, *, by, **values) -> bool:
    _require(by, "producer.edit", producer)
    producer = Producer.objects.select_for_update().get(pk=producer.pk)
    if "name" in values:
        _check_duplicate(Producer(pk=producer.pk, commune=producer.commune, name=values["name"]))
    return _update(producer, values, "producer.updated", by)


@transaction.atomic
def create_product(*, producer, by, photo=None, **values) -> Product:
    product = Product(producer=producer, commune=producer.commune, **values)
    _require(by, "product.edit", product)
    if photo:
        product.photo = photo
    product.full_clean()
    product.save()
    audit.record(product, "product.created", by=by, changes=_initial(product, PRODUCT_FIELDS))
    return product


@transaction.atomic
def update_product(product, *, by, photo=None, **values) -> bool:
    _require(by, "product.edit", product)
    product = Product.objects.select_for_update().get(pk=product.pk)
    if "criteria_set" in values and values["criteria_set"] != product.criteria_set:
        _require(by, "product.change_criteria_set", product)
        if product.dossiers.filter(status=DossierStatus.ACCEPTED).exists():
            raise ValidationError(_("The product group cannot change once a dossier is accepted for evaluation."))
    changed = _update(product, values, "product.updated", by, extra_changed=bool(photo))
    if photo:
        product.photo = photo
        product.save(update_fields=["photo"])
    return changed


def _initial(obj, fields):
    return {name: [None, v] for name, v in audit.snapshot(obj, fields).items() if v not in ("", None)}


def _update(obj, values, action, by, extra_changed=False, at=None) -> bool:
    before = audit.snapshot(obj, values)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    changes = audit.diff(before, audit.snapshot(obj, values))
    if not changes and not extra_changed:
        return False
    if changes:
        obj.save(update_fields=list(values))
    audit.record(obj, action, by=by, changes=changes, note=_("Photo replaced.") if extra_changed else "", at=at)
    return True


# ---------------------------------------------------------------------------- dossiers
@transaction.atomic
def create_dossier(*, product, round, registration_type, by, expected_star=None, now=None) -> Dossier:
    now = now or timezone.now()
    dossier = Dossier(
        product=product,
        round=round,
        commune=product.commune,
        registration_type=registration_type,
        expected_star=expected_star,
        created_at=now,
    )
    _require(by, "dossier.create", dossier)
    if Dossier.objects.filter(product=product, round=round).exists():
        raise ValidationError(_("This product already has a dossier in this round."))
    if round.year.closed_at is not None or round.stage not in ("open", "scoring"):
        raise ValidationError(_("This round no longer takes dossiers."))
    if dossier.deadline_passed(now):
        raise ValidationError(
            _("The commune deadline of this round (%(date)s) has passed; ask the %(level)s for an extension."),
            params={
                "date": date_format(round.commune_deadline, "SHORT_DATE_FORMAT"),
                "level": round.year.authority.level_noun,
            },
        )
    dossier.full_clean()
    dossier.save()
    audit.record(dossier, "dossier.created", by=by, changes={"registration_type": [None, registration_type]}, at=now)
    return dossier


def _require_editable(dossier):
    if dossier.status not in EDITABLE_STATES:
        raise ValidationError(
            _("This dossier is “%(status)s” and cannot be changed now."),
            params={"status": dossier.get_status_display()},
        )


@transaction.atomic
def save_verification(dossier, *, by, now=None, **values) -> bool:
    _require(by, "dossier.edit", dossier)
    dossier = _lock(dossier)
    _require_editable(dossier)
    unknown = set(values) - set(Dossier.VERIFICATION_FIELDS)
    if unknown:
        raise ValueError(f"Not verification fields: {sorted(unknown)}")
    return _update(dossier, values, "dossier.verification_saved", by, at=now)


@transaction.atomic
def add_document(dossier, *, item, upload, by, now=None) -> Document:
    _require(by, "dossier.edit", dossier)
    dossier = _lock(dossier)
    _require_editable(dossier)
    if item not in checklist.BY_CODE:
        raise ValidationError(_("Unknown checklist item."))
    content_type, sha256 = check_upload(upload)
    document = Document(
        dossier=dossier,
        item=item,
        original_name=clean_file_name(upload.name),
        content_type=content_type,
        size=upload.size,
        sha256=sha256,
        uploaded_by=by,
        uploaded_at=now or timezone.now(),
    )
    document.file.save(stored_name(content_type), upload, save=False)
    document.save()
    audit.record(
        dossier,
        "dossier.document_added",
        by=by,
        changes={
            "document": [None, f"{checklist.BY_CODE[item].label}: {document.original_name}"],
            "file_size": [None, document.size],
        },
        note=f"SHA-256 {sha256}",
        at=now,
    )
    return document


def submission_problems(dossier, documents=None) -> list[str]:
    """What stops the dossier from being submitted, in words for the commune official."""
    problems = [_("Missing document: %(item)s") % {"item": item.label} for item in dossier.missing_documents(documents)]
    problems += [
        _("Commune verification incomplete: %(field)s") % {"field": field}
        for field in dossier.missing_verification_fields()
    ]
    return problems


@transaction.atomic
def submit_dossier(dossier, *, by, now=None) -> bool:
    """Draft → submitted, or returned → resubmitted. False if it is already with the district."""
    _require(by, "dossier.submit", dossier)
    dossier = _lock(dossier)
    if dossier.status in UNDER_CHECK_STATES:
        return False
    _require_editable(dossier)
    now = now or timezone.now()
    _check_proposal_cutoff(dossier, now)
    if dossier.deadline_passed(now):
        raise ValidationError(
            _("The submission deadline (%(date)s, 23:59) has passed. Ask the district office for an extension."),
            params={"date": date_format(dossier.deadline(), "SHORT_DATE_FORMAT")},
        )
    problems = submission_problems(dossier)
    if problems:
        raise ValidationError(problems)
    old = dossier.status
    dossier.status = DossierStatus.SUBMITTED if old == DossierStatus.DRAFT else DossierStatus.RESUBMITTED
    dossier.submitted_at = now
    dossier.submission_count += 1
    dossier.save(update_fields=["status", "submitted_at", "submission_count", "updated_at"])
    action = "dossier.submitted" if dossier.status == DossierStatus.SUBMITTED else "dossier.resubmitted"
    audit.record(dossier, action, by=by, changes={"status": [old, dossier.status]}, at=now)
    return True


def next_round_text(round_, today: datetime.date) -> str:
    """Which round takes a proposal made today, in words: the authority's next round whose cut-off has not passed,
    else the next window of the regime (26/2026 Điều 5)."""
    from programme.models import Round
    from programme.regimes import regime_on, round_window

    later = (
        Round.objects.filter(year__authority_id=round_.year.authority_id, proposal_cutoff__gte=today)
        .select_related("year")
        .order_by("proposal_cutoff", "number")
        .first()
    )
    if later is not None:
        return _("%(round)s (proposals until %(date)s)") % {
            "round": later,
            "date": date_format(later.proposal_cutoff, "SHORT_DATE_FORMAT"),
        }
    # The windows of the regime the round ends under (a round of 2026 that ends after 22/05 follows 26/2026).
    regime = regime_on(max(today, round_.closes_by or today), round_.year.authority.level)
    for year, number in ((round_.year, round_.number + 1), (None, 1)):
        if year is None:
            from programme.models import ProgrammeYear

            year = ProgrammeYear(authority=round_.year.authority, year=round_.year.year + 1)
        window = round_window(year, number, today, regime=regime)
        if window and window[0] >= today:
            return _("round %(number)s/%(year)s (proposals until %(date)s)") % {
                "number": number,
                "year": year.year,
                "date": date_format(window[0], "SHORT_DATE_FORMAT"),
            }
    return _("the next round")


def _check_proposal_cutoff(dossier, now):
    """Decision 26/2026 Điều 5: a round takes the dossiers the communes proposed by its cut-off; no extension passes
    it. A dossier the province returned for supplement was proposed in time and may come back."""
    round_ = dossier.round
    if dossier.status != DossierStatus.DRAFT or not round_.proposal_closed(now):
        return
    raise ValidationError(
        _(
            "%(round)s takes the dossiers the communes proposed until 23:59 on %(date)s. "
            "Propose this product in %(next)s."
        ),
        params={
            "round": round_,
            "date": date_format(round_.proposal_cutoff, "SHORT_DATE_FORMAT"),
            "next": next_round_text(round_, timezone.localdate(now)),
        },
    )


@transaction.atomic
def return_dossier(dossier, *, by, comments: list[tuple[str, str]], now=None) -> bool:
    """Submitted/resubmitted → returned, with the district's comments per item ('' = whole dossier)."""
    _require(by, "dossier.check", dossier)
    dossier = _lock(dossier)
    if dossier.status == DossierStatus.RETURNED:
        return False
    _require_under_check(dossier)
    comments = [(item, text.strip()) for item, text in comments if text and text.strip()]
    if not comments:
        raise ValidationError(_("Write at least one comment so the commune knows what to supplement."))
    for item, _text in comments:
        if item and item not in checklist.BY_CODE:
            raise ValidationError(_("Unknown checklist item."))
    now = now or timezone.now()
    ItemComment.objects.bulk_create(
        ItemComment(
            dossier=dossier,
            item=item,
            text=text,
            created_by=by,
            created_at=now,
            submission_number=dossier.submission_count,
        )
        for item, text in comments
    )
    old = dossier.status
    dossier.status = DossierStatus.RETURNED
    dossier.save(update_fields=["status", "updated_at"])
    note = "\n".join(f"{checklist.BY_CODE[i].label if i else _('Whole dossier')}: {t}" for i, t in comments)
    audit.record(dossier, "dossier.returned", by=by, changes={"status": [old, dossier.status]}, note=note, at=now)
    # outbox rows commit (or roll back) with the return
    notifications.notify_dossier_returned(dossier, now=now)
    return True


def _require_under_check(dossier):
    if dossier.status not in UNDER_CHECK_STATES:
        raise ValidationError(
            _("Only a submitted dossier can be checked; this one is “%(status)s”."),
            params={"status": dossier.get_status_display()},
        )


@transaction.atomic
def accept_dossier(dossier, *, by, now=None) -> bool:
    _require(by, "dossier.check", dossier)
    dossier = _lock(dossier)
    if dossier.status == DossierStatus.ACCEPTED:
        return False
    _require_under_check(dossier)
    old = dossier.status
    dossier.status = DossierStatus.ACCEPTED
    dossier.decided_at = now or timezone.now()
    dossier.save(update_fields=["status", "decided_at", "updated_at"])
    audit.record(dossier, "dossier.accepted", by=by, changes={"status": [old, dossier.status]}, at=dossier.decided_at)
    hooks.dossier_accepted(dossier, by=by, now=dossier.decided_at)  # e.g. sheets in a round already scoring
    return True


@transaction.atomic
def reject_dossier(dossier, *, by, reason: str, now=None) -> bool:
    _require(by, "dossier.check", dossier)
    dossier = _lock(dossier)
    if dossier.status == DossierStatus.REJECTED:
        return False
    _require_under_check(dossier)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for rejecting the dossier."))
    old = dossier.status
    dossier.status = DossierStatus.REJECTED
    dossier.rejection_reason = reason
    dossier.decided_at = now or timezone.now()
    dossier.save(update_fields=["status", "rejection_reason", "decided_at", "updated_at"])
    audit.record(
        dossier,
        "dossier.rejected",
        by=by,
        changes={"status": [old, dossier.status]},
        note=reason,
        at=dossier.decided_at,
    )
    return True


@transaction.atomic
def grant_extension(dossier, *, by, until: datetime.date, reason: str = "") -> bool:
    _require(by, "dossier.grant_extension", dossier)
    dossier = _lock(dossier)
    if dossier.status not in EDITABLE_STATES:
        raise ValidationError(_("An extension only helps a dossier the commune can still submit."))
    if dossier.round.proposal_cutoff is not None and until > dossier.round.proposal_cutoff:
        raise ValidationError(
            _(
                "Under Decision 26/2026 the round's cut-off (%(date)s) cannot be extended; "
                "propose the dossier in the next round."
            ),
            params={"date": date_format(dossier.round.proposal_cutoff, "SHORT_DATE_FORMAT")},
        )
    if until <= dossier.round.commune_deadline:
        raise ValidationError(
            _("The extension must end after the round's commune deadline (%(date)s)."),
            params={"date": date_format(dossier.round.commune_deadline, "SHORT_DATE_FORMAT")},
        )
    if dossier.extension_until == until:
        return False
    old = dossier.extension_until
    dossier.extension_until = until
    dossier.save(update_fields=["extension_until", "updated_at"])
    audit.record(
        dossier,
        "dossier.extension_granted",
        by=by,
        changes={"extension_until": [old.isoformat() if old else None, until.isoformat()]},
        note=reason,
    )
    return True
