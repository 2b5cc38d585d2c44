"""Changes to Decision 26/2026's forms of a dossier (Mẫu 01, 02, 03). Each checks permission, the dossier's state and
regime, locks the dossier, saves and writes one audit row; saving the same values again changes nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop import audit, rules
from products import forms_data, hooks
from products.enums import EDITABLE_STATES
from products.models import Document, Dossier, IpTitle, Registration, SelfEvidence

audit.register_actions(
    {
        "registration.saved": gettext_lazy("Saved the registration (Mẫu 01) and self-assessment report (Mẫu 02)"),
        "registration.self_assessment_saved": gettext_lazy("Saved the producer's self-assessment (Mẫu 02, part III)"),
        "registration.self_assessment_completed": gettext_lazy("Completed the producer's self-assessment"),
        "registration.commune_report_saved": gettext_lazy("Saved the commune's report (Mẫu 03)"),
    }
)

audit.EXTRA_FIELD_LABELS.update(
    {
        **{
            name: Registration._meta.get_field(name).verbose_name
            for name in Registration.FORM_01_FIELDS + Registration.FORM_02_FIELDS + Registration.FORM_03_FIELDS
        },
        "self_score_total": gettext_lazy("self-assessed total"),
    }
)

MAX_NOTE = 2000


def _locked_dossier(dossier, by, action="forms.edit") -> Dossier:
    if not rules.can(by, action, dossier):
        raise PermissionDenied
    dossier = (
        Dossier.objects.select_for_update().select_related("product__criteria_set", "round__year").get(pk=dossier.pk)
    )
    if not forms_data.uses_forms(dossier):
        raise ValidationError(_("This dossier's rules have no registration forms."))
    if dossier.status not in EDITABLE_STATES:
        raise ValidationError(
            _("This dossier is “%(status)s” and cannot be changed now."),
            params={"status": dossier.get_status_display()},
        )
    return dossier


def _registration(dossier) -> Registration:
    registration = Registration.objects.select_for_update().filter(dossier=dossier).first()
    return registration or forms_data.registration_of(dossier)


def _save_fields(dossier, values, names, action, by, now) -> bool:
    unknown = set(values) - set(names)
    if unknown:
        raise ValueError(f"Not fields of this form: {sorted(unknown)}")
    registration = _registration(dossier)
    created = registration.pk is None
    before = {} if created else audit.snapshot(registration, values)
    for name, value in values.items():
        setattr(registration, name, value)
    registration.full_clean(exclude=["dossier", "criteria_set"])
    changes = audit.diff(before, audit.snapshot(registration, values))
    if not changes and not created:
        return False
    registration.save()
    audit.record(dossier, action, by=by, changes=changes, at=now)
    return True


@transaction.atomic
def save_registration(dossier, *, by, now=None, **values) -> bool:
    """Mẫu 01 and the text parts of Mẫu 02 (I, II, IV). False when nothing changed."""
    dossier = _locked_dossier(dossier, by)
    titles = values.get("ip_titles")
    if titles is not None:
        values["ip_titles"] = [t for t in IpTitle.values if t in titles]
        if IpTitle.OTHER not in values["ip_titles"] and "ip_other" in values:
            values["ip_other"] = ""
    names = Registration.FORM_01_FIELDS + Registration.FORM_02_FIELDS
    return _save_fields(dossier, values, names, "registration.saved", by, now or timezone.now())


@transaction.atomic
def save_commune_report(dossier, *, by, now=None, **values) -> bool:
    """Mẫu 03's own fields (the four contents are the dossier's verification, saved by ``save_verification``)."""
    dossier = _locked_dossier(dossier, by)
    return _save_fields(
        dossier, values, Registration.FORM_03_FIELDS, "registration.commune_report_saved", by, now or timezone.now()
    )


@transaction.atomic
def save_self_assessment(dossier, *, by, choices: dict, evidence: dict, complete: bool = False, now=None) -> bool:
    """Mẫu 02 part III: the producer's points per criterion and its evidence (``{code: (note, document or None)}``).

    A draft keeps whatever is chosen; ``complete`` also needs a choice for every criterion (one per choose-one
    section), like a member's sheet. A point that is not an option of its criterion, or a document of another dossier,
    refuses the whole save with a message (the form keeps what was typed). False when nothing changed."""
    dossier = _locked_dossier(dossier, by)
    now = now or timezone.now()
    registration = _registration(dossier)
    criteria_set = forms_data.self_sheet(registration)
    if criteria_set is None or not criteria_set.sheet:
        raise ValidationError(_("The product has no criteria set to assess itself against."))
    codes = {c["code"]: c for _p, _s, c in criteria_set.criteria()}
    errors = []
    cleaned = {}
    for code, points in choices.items():
        criterion = codes.get(code)
        try:
            points = int(points)
        except (TypeError, ValueError):
            points = None
        if criterion is None or points not in {o["points"] for o in criterion["options"]}:
            errors.append(_("Criterion %(code)s: choose one of its options.") % {"code": code})
            continue
        cleaned[code] = points
    documents = {d.pk: d for d in Document.objects.filter(dossier=dossier)}
    notes = {}
    for code, (note, document_id) in evidence.items():
        if code not in codes:
            continue
        note = (note or "").strip()
        if len(note) > MAX_NOTE:
            errors.append(
                _("Criterion %(code)s: the evidence is longer than %(n)s characters.") % {"code": code, "n": MAX_NOTE}
            )
        document = None
        if document_id not in (None, ""):
            document = documents.get(document_id)
            if document is None:
                errors.append(_("Criterion %(code)s: choose one of this dossier's documents.") % {"code": code})
        if note or document:
            notes[code] = (note, document)
    if errors:
        raise ValidationError(errors)
    outcome_missing = (hooks.self_score(criteria_set.sheet, cleaned) or {}).get("missing", [])
    if complete and outcome_missing:
        raise ValidationError(
            _("Choose an option for every criterion before completing the self-assessment (%(n)s left)."),
            params={"n": len(outcome_missing)},
        )
    created = registration.pk is None
    old_choices = forms_data.clean_choices(criteria_set.sheet, registration.self_choices)
    old_notes = {}
    if not created:
        old_notes = {e.criterion: (e.note, e.document_id) for e in registration.evidence.all()}
    new_notes = {code: (note, document.pk if document else None) for code, (note, document) in notes.items()}
    completed_at = registration.self_assessed_at
    if complete and completed_at is None:
        completed_at = now
    elif not complete and outcome_missing:
        completed_at = None  # a criterion was cleared: back to a draft
    unchanged = old_choices == cleaned and old_notes == new_notes and completed_at == registration.self_assessed_at
    if unchanged and not created:
        return False
    registration.criteria_set = criteria_set
    registration.self_choices = cleaned
    registration.self_assessed_at = completed_at
    registration.save()
    registration.evidence.all().delete()
    SelfEvidence.objects.bulk_create(
        SelfEvidence(registration=registration, criterion=code, note=note, document=document)
        for code, (note, document) in notes.items()
    )
    total = sum(cleaned.values())
    changes = {"self_score_total": [sum(old_choices.values()) if not created else None, total]}
    changed_codes = sorted(set(old_choices.items()) ^ set(cleaned.items()))
    note = ", ".join(sorted({code for code, _points in changed_codes}))
    action = (
        "registration.self_assessment_completed"
        if complete and registration.self_assessed_at == now
        else "registration.self_assessment_saved"
    )
    audit.record(dossier, action, by=by, changes=changes, note=note, at=now)
    return True
