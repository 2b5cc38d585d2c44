"""Writing and reading the audit trail.

Only domain functions call ``record``; it must run inside their transaction so that a change
and its audit row commit or roll back together.
"""

from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import DateField, DateTimeField
from django.utils.translation import gettext_lazy as _

from ocop.models import AuditEntry

# Human labels for action codes; apps add theirs with ``register_actions``.
ACTION_LABELS = {
    "authority.settings_updated": _("Updated programme settings"),
    "user.roles_changed": _("Changed roles"),
    "user.deactivated": _("Deactivated account"),
    "user.activated": _("Activated account"),
}


def register_actions(labels: dict) -> None:
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _plain(value):
    """A JSON-safe snapshot of a field value."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 70.00 and 70 are the same setting
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def snapshot(obj, fields) -> dict:
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """Only the fields that changed, as {field: [before, after]}."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def apply_changes(obj, values: dict, action: str, *, by, clean: bool = True) -> bool:
    """Set ``values`` on a locked row, validate it, and save and audit only what changed (False when nothing did)."""
    before = snapshot(obj, values)
    for name, value in values.items():
        setattr(obj, name, value)
    if clean:
        obj.full_clean()
    changes = diff(before, snapshot(obj, values))
    if not changes:
        return False
    obj.save(update_fields=list(values))
    record(obj, action, by=by, changes=changes)
    return True


def record(obj, action: str, *, by, changes: dict | None = None, note: str = "", at=None) -> AuditEntry:
    """Write one audit row; ``at`` lets a domain function that takes ``now=`` date the row consistently."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the domain function's transaction.")
    commune = getattr(obj, "commune", None)
    return AuditEntry.objects.create(
        actor=by if by is not None and getattr(by, "pk", None) else None,
        actor_name=(by.get_username() if by is not None else "system"),
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        object_repr=str(obj)[:255],
        commune=commune if commune is not None and getattr(commune, "pk", None) else None,
        changes=changes or {},
        note=note,
        **({"created_at": at} if at is not None else {}),
    )


def history_for(obj):
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return AuditEntry.objects.filter(content_type=ct, object_id=obj.pk).select_related("actor__profile")


def field_label(model_class, name: str) -> str:
    """The translated verbose name of a field, or the name itself for derived values."""
    try:
        verbose_name = model_class._meta.get_field(name).verbose_name
    except Exception:
        return str(EXTRA_FIELD_LABELS.get(name, name))
    if verbose_name == name.replace("_", " ") and name in EXTRA_FIELD_LABELS:
        return str(EXTRA_FIELD_LABELS[name])  # a field without its own (translated) verbose name
    return str(verbose_name)


# Apps register how coded values read, e.g. {"status": {"submitted": "Đã nộp"}}.
VALUE_LABELS: dict[str, dict] = {}


def register_value_labels(field: str, labels: dict) -> None:
    VALUE_LABELS.setdefault(field, {}).update(labels)


def display_value(name: str, value):
    """Values as people read them: role and status codes become their names."""
    if name == "roles" and isinstance(value, list):
        from ocop.enums import Role

        return [str(Role(code).label) if code in Role.values else code for code in value]
    if name == "file_size" and isinstance(value, int):
        from django.template.defaultfilters import filesizeformat

        return filesizeformat(value)
    labels = VALUE_LABELS.get(name)
    if labels and isinstance(value, str) and value in labels:
        return str(labels[value])
    return value


def _as_date(model_class, name: str, value):
    """A stored "YYYY-MM-DD" becomes a date only when the model's field is a date field (never free text)."""
    if not isinstance(value, str):
        return value
    try:
        field = model_class._meta.get_field(name)
    except Exception:
        return value
    if not isinstance(field, DateField) or isinstance(field, DateTimeField):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        return value  # an impossible date stays the text it was


def _pairs(changes):
    """(name, before, after) of an entry's changes, whatever shape a stored row has."""
    if not isinstance(changes, dict):
        return []
    pairs = []
    for name, values in changes.items():
        if isinstance(values, list | tuple) and len(values) == 2:
            pairs.append((str(name), values[0], values[1]))
        else:
            pairs.append((str(name), None, values))
    return pairs


def readable_changes(entry) -> list[tuple[str, object, object]]:
    """(field label, before, after) for an entry, in the words of the page.

    Dates come back as ``date`` objects only for the model's date fields; every other value is shown as stored.
    """
    model_class = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    rows = []
    for name, before, after in _pairs(entry.changes):
        shown = []
        for value in (before, after):
            try:
                shown.append(display_value(name, _as_date(model_class, name, value)))
            except Exception:
                shown.append(value)
        rows.append((field_label(model_class, name), *shown))
    return rows


EXTRA_FIELD_LABELS = {
    "roles": _("roles"),
    "document": _("document"),
    "file_size": _("file size"),
    "commune": _("commune"),
    "is_active": _("active"),
    "member": _("council member"),
    "members": _("council members"),
    "conflict": _("conflict of interest"),
    "decision": _("recognition decision"),
    "chosen": _("criteria chosen"),
    "total": _("total score"),
    "stage": _("stage"),
    "status": _("status"),
    "number": _("number"),
    "date": _("date"),
    "star": _("star"),
    "version": _("version"),
    "province_star": _("star recognised by the next level"),
    "approval": _("decision approving the result"),
    "sent_on": _("sent to the ministry on"),
    "central_score": _("central council's score"),
    "extension_until": _("deadline extended to"),
    "amount": _("amount (VND)"),
    "certificates": _("certificates"),
    "closed": _("closed on"),
    "council": _("council members copied"),
    "failed_logins": _("failed logins"),
    "inspection_result": _("inspection result"),
    "superseded_by": _("replaced by"),
    "regime": _("legal regime"),
}

# A note of the form "SHA-256 <hex>" is a file's fingerprint: pages show it only on request.
HASH_NOTE_PREFIX = "SHA-256 "


def split_note(note: str) -> tuple[str, str]:
    """(text, fingerprint) of an audit note; the fingerprint is empty when the note has none."""
    if note.startswith(HASH_NOTE_PREFIX) and " " not in note[len(HASH_NOTE_PREFIX) :].strip():
        return "", note[len(HASH_NOTE_PREFIX) :].strip()
    return note, ""
