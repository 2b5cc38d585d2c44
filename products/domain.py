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
from products import checklist, hooks, notifications, receipts
from products.enums import (
    EDITABLE_STATES,
    UNDER_CHECK_STATES,
    DossierStatus,
    Gender,
    ProducerKind,
    RegistrationType,
)
from products.models import Document, Dossier, ItemComment, Producer, Product, ReceiptCounter
from products.regime import choice as regime_choice
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
        "dossier.regime_assigned": gettext_lazy("Legal regime set from the filing date"),
        "dossier.regime_overridden": gettext_lazy("Legal regime chosen by the office"),
        "dossier.received": gettext_lazy("Received the dossier at the commune"),
        "dossier.province_received": gettext_lazy("Received the commune's proposal at the province"),
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
    if old == DossierStatus.DRAFT:
        _receipts_on_proposal(dossier, by=by, now=now)
    dossier.status = DossierStatus.SUBMITTED if old == DossierStatus.DRAFT else DossierStatus.RESUBMITTED
    dossier.submitted_at = now
    dossier.submission_count += 1
    dossier.save(update_fields=["status", "submitted_at", "submission_count", "updated_at"])
    action = "dossier.submitted" if dossier.status == DossierStatus.SUBMITTED else "dossier.resubmitted"
    audit.record(dossier, action, by=by, changes={"status": [old, dossier.status]}, at=now)
    assign_regime(dossier, by=by, now=now)
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


# ---------------------------------------------------------------------------- legal regime (decision 2b)
@transaction.atomic
def assign_regime(dossier, *, by=None, now=None):
    """Store the regime that applies to the dossier (``products.regime.choice``): from its filing date, moved on
    when the old rules lapsed before it finished. Called when the commune receives or submits it and before
    scoring. Idempotent; an office override is never changed. Returns the dossier's regime."""
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("round__year__authority", "regime")
        .get(pk=dossier.pk)
    )
    if dossier.regime_id and dossier.regime_override_reason:
        return dossier.regime
    today = timezone.localdate(now) if now else timezone.localdate()
    chosen = regime_choice(dossier, today=today)
    if chosen.regime is None or chosen.regime.pk == dossier.regime_id:
        return dossier.regime
    old = str(dossier.regime) if dossier.regime_id else None
    dossier.regime = chosen.regime
    dossier.save(update_fields=["regime", "updated_at"])
    audit.record(
        dossier,
        "dossier.regime_assigned",
        by=by,
        changes={"regime": [old, str(chosen.regime)]},
        note=chosen.reason,
        at=now,
    )
    return dossier.regime


@transaction.atomic
def override_regime(dossier, regime, *, reason: str, by, now=None) -> bool:
    """The office chooses another regime for one dossier, with a reason (decision 2b). False when nothing
    changes."""
    _require(by, "dossier.override_regime", dossier)
    dossier = Dossier.objects.select_for_update(of=("self",)).select_related("regime").get(pk=dossier.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for choosing this regime."))
    if regime is None:
        raise ValidationError(_("Choose a regime."))
    if dossier.regime_id == regime.pk and dossier.regime_override_reason == reason:
        return False
    changes = audit.diff(
        {
            "regime": str(dossier.regime) if dossier.regime_id else None,
            "regime_override_reason": dossier.regime_override_reason,
        },
        {"regime": str(regime), "regime_override_reason": reason},
    )
    dossier.regime = regime
    dossier.regime_override_reason = reason
    dossier.save(update_fields=["regime", "regime_override_reason", "updated_at"])
    audit.record(dossier, "dossier.regime_overridden", by=by, changes=changes, note=reason, at=now)
    return True


# ---------------------------------------------------------------------------- receipts (Decision 26/2026, Mẫu 01)
def _regime_of(dossier, now):
    """The dossier's regime, chosen now from the filing date (the commune's receipt) if not chosen yet.

    h20regime's ``assign_regime`` replaces this once merged (it also audits the choice); until then the regime the
    programme layer gives for the day (``programme.regimes.regime_for``) is stored with the receipt."""
    if dossier.regime_id is None:
        from programme.regimes import regime_for

        day = timezone.localdate(now)
        regime = regime_for(dossier, on=day)
        # Before any regime of the level began (e.g. a province's 2024 history), none is chosen here.
        dossier.regime = regime if regime is not None and regime.valid_from <= day else None
    return dossier.regime


def _authority_of(dossier):
    return dossier.round.year.authority


def _record_commune_receipt(dossier, now) -> dict:
    year = timezone.localdate(now).year
    dossier.commune_received_at = now
    dossier.commune_receipt_number = receipts.allocate(
        ReceiptCounter.Scope.COMMUNE, authority=_authority_of(dossier), commune=dossier.commune, year=year
    )
    return {"commune_receipt_number": [None, dossier.commune_receipt_number]}


def receipt_applies(dossier, now=None) -> bool:
    """Whether the commune records a receipt for this dossier now: a draft not yet received, under a regime with
    the forms of Decision 26/2026 (the dossier's own, or the one a receipt today would choose)."""
    if dossier.commune_received_at is not None or dossier.status != DossierStatus.DRAFT:
        return False
    if dossier.regime_id is not None:
        return dossier.regime.uses_forms
    from programme.regimes import regime_for

    day = timezone.localdate(now or timezone.now())
    regime = regime_for(dossier, on=day)
    return bool(regime and regime.valid_from <= day and regime.uses_forms)


@transaction.atomic
def receive_dossier(dossier, *, by, now=None) -> bool:
    """The commune receives the producer's dossier (Decision 26/2026, Mẫu 01): records when, gives the commune's
    receipt number (no gap per commune and year) and fixes the regime; its 15 working days start the next day.
    Only under a regime with the forms (``Regime.uses_forms``). False if the dossier was already received."""
    _require(by, "dossier.receive", dossier)
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("round__year__authority", "commune", "regime")
        .get(pk=dossier.pk)
    )
    if dossier.commune_received_at is not None:
        return False
    if dossier.status != DossierStatus.DRAFT:
        raise ValidationError(
            _("Only a dossier not yet proposed can be received; this one is “%(status)s”."),
            params={"status": dossier.get_status_display()},
        )
    now = now or timezone.now()
    had_regime = dossier.regime_id is not None
    regime = _regime_of(dossier, now)
    if regime is None or not regime.uses_forms:
        raise ValidationError(_("Under this dossier's rules the commune does not record a receipt."))
    changes = _record_commune_receipt(dossier, now)
    fields = ["commune_received_at", "commune_receipt_number", "updated_at"]
    if not had_regime:
        fields.append("regime")
        changes["regime"] = [None, str(regime)]
    dossier.save(update_fields=fields)
    audit.record(dossier, "dossier.received", by=by, changes=changes, at=now)
    return True


def _receipts_on_proposal(dossier, *, by, now) -> None:
    """The commune proposes the dossier (its first submission) under 26/2026: the province receives it at once and
    gives its number (no gap per province and year). A dossier the commune never recorded as received is received
    at the same moment (the clock then shows it on time: the receipt button is what starts it)."""
    had_regime = dossier.regime_id is not None
    regime = _regime_of(dossier, now)
    if regime is None or not regime.uses_forms:
        if not had_regime:
            dossier.regime = None  # the old regimes: the choice stays with whoever assigns it
        return
    if dossier.province_received_at is not None:
        return
    fields = ["province_received_at", "province_receipt_number"] + ([] if had_regime else ["regime"])
    changes = {} if had_regime else {"regime": [None, str(regime)]}
    if dossier.commune_received_at is None:
        changes |= _record_commune_receipt(dossier, now)
        fields += ["commune_received_at", "commune_receipt_number"]
    dossier.province_received_at = now
    dossier.province_receipt_number = receipts.allocate(
        ReceiptCounter.Scope.PROVINCE,
        authority=_authority_of(dossier),
        commune=dossier.commune,
        year=timezone.localdate(now).year,
    )
    changes["province_receipt_number"] = [None, dossier.province_receipt_number]
    dossier.save(update_fields=fields)
    audit.record(
        dossier,
        "dossier.province_received",
        by=by,
        changes=changes,
        at=now,
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
