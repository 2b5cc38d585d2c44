"""Folding a former district's data into the province (``manage.py fold_district BACKUP_DIR --into CODE``).

The input is this application's own backup of the district's deployment (``ocop/backup.py``). A run:

1. restores it into a scratch database (PostgreSQL: a new database beside ours; SQLite: a temporary file) and a
   temporary media directory, migrates that copy to the current schema and reads it through a second database alias
   (:func:`scratch_source`);
2. in **one transaction** on our database, walks the tables in :data:`PLAN` (parents before children) and copies each
   source row that the import ledger (``takeover.LedgerEntry``) does not know yet, with its foreign keys translated
   through the ledger, its files copied into ``MEDIA_ROOT`` (SHA-256 checked) and its communes mapped through
   ``ocop.units.map_former`` (the old commune, the district, the province);
3. records every row it saw in the ledger: *imported*, *mapped* onto an existing row (a criteria set, a regime, a
   new commune), *held* for the office's review, or *refused* with the reason.

Rules (README "Taking over a former district's data"):

- The district authority is kept as a **predecessor** authority (``valid_to`` 30/06/2025, ``successor`` the
  province). Its programme years, rounds, decisions, certificate sequences and certificates stay under it: the 2024
  history stays "UBND huyện Lục Nam", and a certificate keeps its issuer, number, code and QR.
- A former commune that went into one new unit is mapped silently. A **split** one is never: its producers are
  imported in a *pending* state, in the package's provisional unit with ``Producer.former_unit`` the split unit and no
  ``UnitChoice``; they stand on the office's review page (``products.units.producers_needing_choice``) until the
  office chooses (``choose_unit``, audited, moves the producer, its products and dossiers). A former commune the
  official list does not know (e.g. one merged before 2025) is **held back whole**: its producers and everything that
  hangs from them wait as *held* ledger entries (:func:`held_entries`, ``fold_district --reviews``); once the office
  recorded where it went (``ocop.units.record_former_unit``), the next run imports them.
- A certificate whose verification code is already used here, or whose number another issuer of the province uses,
  is **refused** (with everything that hangs from it); so is a producer whose business registration number is
  already registered here.
- The district's accounts come over **inactive, without a usable password and without a role**, renamed
  ``<district code>.<username>`` (e.g. ``ln.thuky``): they keep the history's names (who scored, who issued) and
  can log in only after the province's administrator gives them a role and a password.
- The audit trail, notifications, calendar exceptions and heartbeats are not copied (:data:`SKIPPED`): they stay in
  the district's backup.

``--dry-run`` does all of this, reports, and rolls back: it writes no row and copies no file.
"""

import contextlib
import copy
import datetime
import hashlib
import shutil
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.utils import load_backend
from django.utils import timezone

from ocop import audit
from ocop.backup import BackupError, restore_backup
from ocop.models import Authority, Commune
from ocop.units import record_succession
from takeover.models import EntryStatus, LedgerEntry, Takeover

SOURCE = "fold_source"
PREDECESSOR_VALID_TO = datetime.date(2025, 6, 30)  # the district tier ended on 1/7/2025

# Parents before children. Every model with rows of the programme is either here or in SKIPPED (a test checks it).
PLAN = [
    "ocop.Authority",
    "auth.User",
    "ocop.Commune",
    "ocop.Profile",
    "programme.Regime",
    "programme.CriteriaSet",
    "programme.ProgrammeYear",
    "programme.CommuneTarget",
    "programme.Round",
    "funding.SupportPolicy",
    "funding.SupportRate",
    "funding.BudgetLine",
    "funding.Expense",
    "products.Producer",
    "products.Product",
    "products.Dossier",
    "products.Document",
    "products.ItemComment",
    "evaluations.CouncilMember",
    "evaluations.ConflictOfInterest",
    "evaluations.ScoreSheet",
    "evaluations.SheetRevision",
    "evaluations.Result",
    "evaluations.RecognitionDecision",
    "evaluations.Recognition",
    "evaluations.CertificateSequence",
    "evaluations.IssuingBatch",
    "evaluations.Certificate",
    "evaluations.Inspection",
    "funding.Entitlement",
    "funding.Payment",
]
SKIPPED = {
    "ocop.AuditEntry": "the district's audit trail stays in its backup",
    "ocop.Notification": "the district's outbox: nothing to deliver any more",
    "ocop.Heartbeat": "the district's worker heartbeats",
    "programme.CalendarException": "the province keeps its own working-day calendar",
    "ocop.FormerUnit": "the province's map of former units comes from the official list (ocop.units.map_former)",
    "ocop.FormerUnitCandidate": "part of the province's map of former units",
    "products.UnitChoice": "the province's office chooses the units of split former communes itself",
    "auth.Group": "roles are the province's; imported accounts get none",
    "auth.Permission": "Django's own",
    "auth.Group_permissions": "Django's own",
    "auth.User_groups": "imported accounts get no role",
    "auth.User_user_permissions": "imported accounts get no permission",
    "products.ReceiptCounter": "receipt numbers (Mẫu 01) are the province's own, counted per province and commune",
    "products.Registration": "the forms of Decision 26/2026 (22/05/2026): no district deployment holds them, the "
    "district tier having ended on 30/06/2025",
    "products.SelfEvidence": "part of the forms of Decision 26/2026 (see products.Registration)",
    "evaluations.ProductNumber": "the province's own sequence per commune (T-X-STT-Năm); imported codes stay as issued",
    "evaluations.MinistryReferral": "the ministry path of Decision 26/2026, which no district deployment took part in",
}


class FoldError(Exception):
    """A fold that cannot run at all (one line naming the cause)."""


@dataclass
class Report:
    source: str = ""
    into: str = ""
    dry_run: bool = False
    created: Counter = field(default_factory=Counter)
    mapped: Counter = field(default_factory=Counter)
    communes: list = field(default_factory=list)  # (former commune, new unit or None, status, candidates)
    review: list = field(default_factory=list)  # producers imported with a provisional unit: (table, pk, label, note)
    held: list = field(default_factory=list)  # (table, source pk, label, note)
    refused: list = field(default_factory=list)  # (table, source pk, label, note)
    files: int = 0
    file_bytes: int = 0
    seconds: float = 0.0
    restore_seconds: float = 0.0  # of which restoring the backup into the scratch copy and migrating it

    @property
    def rows(self) -> int:
        return sum(self.created.values())

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else "were"
        out = [f"{self.source} → {self.into}" + (" (dry run: nothing written)" if self.dry_run else "")]
        out.append(f"Created ({verb}): {self.rows} rows, {self.files} files ({self.file_bytes} bytes)")
        out += [f"  {label}: {n}" for label, n in sorted(self.created.items())]
        if self.mapped:
            out.append("Mapped onto existing rows:")
            out += [f"  {label}: {n}" for label, n in sorted(self.mapped.items())]
        out.append("Communes:")
        for former, new, status, candidates in self.communes:
            if status == "split":
                out.append(f"  {former} → split between {', '.join(candidates)} (provisionally {new})")
            else:
                out.append(f"  {former} → {new or '-'} ({status})")
        out.append(f"On the office's review page (split former commune): {len(self.review)}")
        out += [f"  {t} #{pk} {label}: {note}" for t, pk, label, note in self.review]
        out.append(f"Held back (former commune unknown): {len(self.held)}")
        out += [f"  {t} #{pk} {label}: {note}" for t, pk, label, note in self.held]
        out.append(f"Refused: {len(self.refused)}")
        out += [f"  {t} #{pk} {label}: {note}" for t, pk, label, note in self.refused]
        return out


# ---------------------------------------------------------------------------------------------- the scratch copy
def _scratch_settings(name: str) -> dict:
    cfg = copy.deepcopy(connections.settings["default"])
    cfg["NAME"] = name
    return cfg


@contextlib.contextmanager
def scratch_source(folder):
    """Restore the backup ``folder`` into a scratch database and media directory, migrated to the current schema and
    readable through the alias :data:`SOURCE`; yield the media directory. Everything is removed afterwards."""
    folder = Path(folder)
    workdir = Path(tempfile.mkdtemp(prefix="ocop-fold-"))
    default = connections.settings["default"]
    postgres = default["ENGINE"].endswith("postgresql")
    name = f"{default['NAME']}_fold_{uuid.uuid4().hex[:8]}" if postgres else str(workdir / "source.sqlite3")
    cfg = _scratch_settings(name)
    created = False
    try:
        if postgres:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
            created = True
        try:
            restore_backup(folder, db=cfg, media_root=workdir / "media")
        except BackupError as exc:
            raise FoldError(str(exc)) from None
        # A connection made here, not a configured alias: Django's test cases allow it (and nothing else sees it).
        connections[SOURCE] = load_backend(cfg["ENGINE"]).DatabaseWrapper(cfg, SOURCE)
        call_command("migrate", database=SOURCE, verbosity=0, interactive=False)
        yield workdir / "media"
    finally:
        source = getattr(connections._connections, SOURCE, None)
        if source is not None:
            source.close()
            del connections[SOURCE]
        if created:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)


def fold(folder, *, into: Authority, dry_run: bool = False, by=None) -> Report:
    """Fold the backup ``folder`` of a district deployment into ``into``; see the module's docstring."""
    started = time.perf_counter()
    with scratch_source(folder) as media_root:
        restored = time.perf_counter() - started
        report = fold_from(SOURCE, media_root, into=into, dry_run=dry_run, by=by, backup=Path(folder).name)
    report.seconds, report.restore_seconds = time.perf_counter() - started, restored
    return report


class _DryRun(Exception):
    pass


def fold_from(alias: str, media_root: Path, *, into: Authority, dry_run=False, by=None, backup="") -> Report:
    """The fold proper, from a source already readable through ``alias`` (files under ``media_root``)."""
    folder = _Fold(alias, Path(media_root), into=into, dry_run=dry_run, by=by, backup=backup)
    try:
        with transaction.atomic():
            folder.run()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except BaseException:
        folder.remove_copied_files()
        raise
    return folder.report


@contextlib.contextmanager
def _keeping_timestamps():
    """``auto_now`` / ``auto_now_add`` off while copying: an imported row keeps its dates."""
    switched = []
    for label in PLAN:
        for f in apps.get_model(label)._meta.concrete_fields:
            for attr in ("auto_now", "auto_now_add"):
                if getattr(f, attr, False):
                    setattr(f, attr, False)
                    switched.append((f, attr))
    try:
        yield
    finally:
        for f, attr in switched:
            setattr(f, attr, True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _Blocked(Exception):
    def __init__(self, status, note):
        super().__init__(note)
        self.status, self.note = status, note


class _Fold:
    def __init__(self, alias, media_root, *, into, dry_run, by, backup):
        self.src = alias
        self.media_root = media_root
        self.into = into
        self.dry_run = dry_run
        self.by = by
        self.backup = backup
        self.map = defaultdict(dict)  # label -> {source pk: target pk}
        self.blocked = defaultdict(dict)  # label -> {source pk: status}
        self.copied_files = []  # paths written (removed again if the transaction fails)
        self.file_names = {}  # source name -> target name (a file shared by rows is copied once)
        self.report = Report(dry_run=dry_run, into=str(into))

    # ------------------------------------------------------------------------------------------------ the run
    def run(self):
        source_authority = Authority.objects.using(self.src).order_by("id").first()
        if source_authority is None:
            raise FoldError("The backup holds no authority: it is not a deployment of this application.")
        if source_authority.is_province:
            raise FoldError(f"The backup is of {source_authority}, a province: only a district's data is folded in.")
        self.source_authority = source_authority
        self.report.source = str(source_authority)
        self.takeover = self._takeover(source_authority)
        self.ledger = {(e.table, e.source_pk): e for e in LedgerEntry.objects.filter(takeover=self.takeover)}
        self.new_entries, self.changed_entries = [], []
        with _keeping_timestamps():
            for label in PLAN:
                handler = getattr(self, f"_table_{label.replace('.', '_')}", None)
                (handler or self._copy_table)(label)
        LedgerEntry.objects.bulk_create(self.new_entries, batch_size=2000)
        LedgerEntry.objects.bulk_update(
            self.changed_entries, ["target_pk", "status", "label", "note", "former_commune", "candidates"], 2000
        )
        self.takeover.last_run_at = timezone.now()
        self.takeover.save(update_fields=["last_run_at"])
        audit.record(
            self.takeover,
            "takeover.fold",
            by=self.by,
            changes={
                "created": dict(self.report.created),
                "held": len(self.report.held),
                "refused": len(self.report.refused),
            },
            note=self.backup,
        )

    def _takeover(self, source_authority):
        found = Takeover.objects.filter(source_code=source_authority.code).select_related("predecessor").first()
        if found:
            if found.into_id != self.into.pk:
                raise FoldError(f"{source_authority} was already folded into {found.into}.")
            return found
        predecessor = Authority.objects.filter(code=source_authority.code).first()
        if predecessor is not None and (
            predecessor.pk == self.into.pk or predecessor.successor_id not in (None, self.into.pk)
        ):
            raise FoldError(
                f"The code {source_authority.code} is already used here by {predecessor}; the district cannot keep it."
            )
        is_new = predecessor is None
        if is_new:
            values = {
                f.attname: getattr(source_authority, f.attname)
                for f in Authority._meta.concrete_fields
                if not f.primary_key
            }
            values.update(successor=None, valid_to=None)
            predecessor = Authority.objects.create(**values)
        # Audited ("authority.succession_recorded"); nothing changes if it was recorded already.
        record_succession(predecessor, self.into, predecessor.valid_to or PREDECESSOR_VALID_TO, by=self.by)
        predecessor.refresh_from_db()
        self.report.created["ocop.Authority"] += int(is_new)
        return Takeover.objects.create(
            source_code=source_authority.code,
            source_name=source_authority.name,
            predecessor=predecessor,
            into=self.into,
            backup=self.backup,
        )

    # ------------------------------------------------------------------------------------------------ the ledger
    def _remember(self, label, source_pk, *, target_pk=None, status, text="", note="", **review):
        entry = self.ledger.get((label, source_pk))
        if entry is None:
            entry = LedgerEntry(takeover=self.takeover, table=label, source_pk=source_pk)
            self.ledger[(label, source_pk)] = entry
            self.new_entries.append(entry)
        elif entry.pk and entry not in self.changed_entries:
            self.changed_entries.append(entry)
        entry.target_pk, entry.status, entry.label, entry.note = target_pk, status, text[:300], note
        for name, value in review.items():
            setattr(entry, name, value)
        if status in (EntryStatus.IMPORTED, EntryStatus.MAPPED):
            self.map[label][source_pk] = target_pk
            self.blocked[label].pop(source_pk, None)
            if status == EntryStatus.MAPPED:
                self.report.mapped[label] += 1
        else:
            self.blocked[label][source_pk] = status
            (self.report.held if status == EntryStatus.HELD else self.report.refused).append(
                (label, source_pk, text, note)
            )
        return entry

    def _known(self, label, source_pk) -> bool:
        """Already imported or mapped by an earlier run: only remembered in this run's maps."""
        entry = self.ledger.get((label, source_pk))
        if entry is not None and entry.status in (EntryStatus.IMPORTED, EntryStatus.MAPPED):
            self.map[label][source_pk] = entry.target_pk
            return True
        return False

    # ------------------------------------------------------------------------------------------------ special tables
    def _table_ocop_Authority(self, label):
        self._known(label, self.source_authority.pk) or self._remember(
            label,
            self.source_authority.pk,
            target_pk=self.takeover.predecessor_id,
            status=EntryStatus.IMPORTED,
            text=str(self.source_authority),
        )
        self.map[label][self.source_authority.pk] = self.takeover.predecessor_id

    def _table_auth_User(self, label):
        User = get_user_model()
        prefix = self.source_authority.code.lower()
        users = [u for u in User._base_manager.using(self.src).order_by("pk") if not self._known(label, u.pk)]
        existing = dict(
            User.objects.filter(username__in=[f"{prefix}.{u.username}"[:150] for u in users]).values_list(
                "username", "pk"
            )
        )
        fresh = []
        for u in users:
            username = f"{prefix}.{u.username}"[:150]
            if username in existing:
                self._remember(label, u.pk, target_pk=existing[username], status=EntryStatus.MAPPED, text=username)
                continue
            new = User(
                username=username,
                first_name=u.first_name,
                last_name=u.last_name,
                email=u.email,
                is_active=False,
                is_staff=False,
                is_superuser=False,
                date_joined=u.date_joined,
                last_login=u.last_login,
            )
            new.set_unusable_password()
            fresh.append((u, new))
        User.objects.bulk_create([new for _u, new in fresh], batch_size=2000)
        for u, new in fresh:
            self._remember(label, u.pk, target_pk=new.pk, status=EntryStatus.IMPORTED, text=new.username)
        self.report.created[label] += len(fresh)

    def _table_ocop_Commune(self, label):
        """Each former commune through ``map_former``: whole into one new unit (mapped), split (its rows take the
        package's provisional unit and its producers wait on the office's review page), or unknown (held back)."""
        from ocop.units import KIND_BY_LABEL, map_former

        kind_words = {kind: word for word, kind in KIND_BY_LABEL.items()}

        district = self.source_authority.short_name or self.source_authority.name
        province = self.source_authority.province
        self.split = {}  # source commune pk -> former name (rows imported with a provisional unit)
        self.unknown = {}  # source commune pk -> former name (rows held back)
        self.former_units = {}  # source commune pk -> FormerUnit
        for commune in Commune.objects.using(self.src).filter(authority=self.source_authority).order_by("pk"):
            # "thị trấn Phương Sơn": the kind word tells a township from a commune of the same name.
            named = f"{kind_words.get(commune.kind, 'xã')} {commune.name}"
            former = f"{named}, {district}"
            result = map_former(named, district, province, authority=self.into)
            self.former_units[commune.pk] = result.former_unit
            candidates = [str(c) for c in result.candidates]
            if result.commune is not None and not result.needs_review:
                status, target = "mapped", result.commune
            elif result.former_unit is not None and result.former_unit.is_split and result.provisional is not None:
                status, target = "split", result.provisional
                self.split[commune.pk] = former
            else:
                status, target = "unknown", None
                self.unknown[commune.pk] = former
            self.report.communes.append((former, str(target) if target else None, status, candidates))
            if target is None:
                self._remember(
                    label,
                    commune.pk,
                    status=EntryStatus.HELD,
                    text=former,
                    note="not in the official list of former units: record where it went (load_former_units "
                    "or record_former_unit), then run the fold again",
                    former_commune=former,
                )
            elif (
                self.ledger.get((label, commune.pk)) is None or self.ledger[(label, commune.pk)].target_pk != target.pk
            ):
                self._remember(
                    label,
                    commune.pk,
                    target_pk=target.pk,
                    status=EntryStatus.MAPPED,
                    text=former,
                    note=status,
                    former_commune=former,
                    candidates=candidates,
                )
            else:
                self.map[label][commune.pk] = target.pk

    def _table_programme_Regime(self, label):
        self._by_natural_key(label, ("code",))

    def _table_programme_CriteriaSet(self, label):
        self._by_natural_key(label, ("edition", "code", "version"))

    def _by_natural_key(self, label, keys):
        """Rows shared by every deployment (regimes, criteria sets): mapped onto ours, copied only if missing."""
        Model = apps.get_model(label)
        ours = {tuple(row[1:]): row[0] for row in Model.objects.values_list("pk", *keys)}
        missing = []
        for row in Model._base_manager.using(self.src).order_by("pk"):
            if self._known(label, row.pk):
                continue
            key = tuple(getattr(row, k) for k in keys)
            if key in ours:
                self._remember(label, row.pk, target_pk=ours[key], status=EntryStatus.MAPPED, text=str(row))
            else:
                missing.append(row.pk)
        if missing:
            self._copy_table(label, only=set(missing))

    def _table_programme_CommuneTarget(self, label):
        """Targets of several former communes that went into one new unit are added together."""
        Model = apps.get_model(label)
        for row in Model._base_manager.using(self.src).order_by("pk"):
            if self._known(label, row.pk):
                continue
            year = self.map["programme.ProgrammeYear"].get(row.year_id)
            commune = self.map["ocop.Commune"].get(row.commune_id)
            if year is None or commune is None:
                self._remember(
                    label,
                    row.pk,
                    status=EntryStatus.REFUSED,
                    text=str(row),
                    note="the target of a split former commune is not divided: set the new units' targets",
                )
                continue
            target, created = Model.objects.get_or_create(year_id=year, commune_id=commune)
            if not created:
                target.new_products += row.new_products
                target.reevaluations += row.reevaluations
                target.save(update_fields=["new_products", "reevaluations"])
            self.report.created[label] += int(created)
            self._remember(label, row.pk, target_pk=target.pk, status=EntryStatus.IMPORTED, text=str(row))

    # ------------------------------------------------------------------------------------------------ the generic copy
    def _copy_table(self, label, only=None):
        Model = apps.get_model(label)
        query = Model._base_manager.using(self.src).order_by("pk")
        if label == "ocop.Profile":
            query = query.select_related("user")
        rows = [row for row in query if (only is None or row.pk in only) and not self._known(label, row.pk)]
        if not rows:
            return
        checks = getattr(self, f"_check_{label.replace('.', '_')}", None)
        refusals = checks(rows) if checks else {}
        fks = [f for f in Model._meta.concrete_fields if f.is_relation]
        self_fks = [f for f in fks if f.related_model is Model]
        files = [f for f in Model._meta.concrete_fields if f.get_internal_type() in ("FileField", "ImageField")]
        fresh, later = [], []
        for row in rows:
            text = self._label(label, row)
            try:
                if row.pk in refusals:
                    raise _Blocked(EntryStatus.REFUSED, refusals[row.pk])
                values = {}
                for f in Model._meta.concrete_fields:
                    if f.primary_key:
                        continue
                    value = getattr(row, f.attname)
                    if f in files:
                        value = value.name or ""  # the FieldFile's stored name
                    if f in self_fks:
                        if value is not None and value in self.blocked[label]:
                            raise _Blocked(self.blocked[label][value], f"its {f.name} was not imported")
                        if value is not None:
                            later.append((row.pk, f.attname, value))
                        value = None
                    elif f.is_relation and value is not None:
                        value = self._translate(label, row, f, value)
                    values[f.attname] = value
                self._extra_values(label, row, values)
                for f in files:
                    if values.get(f.attname):
                        values[f.attname] = self._copy_file(values[f.attname], row)
            except _Blocked as blocked:
                self._remember_blocked(label, row, text, blocked)
                continue
            fresh.append((row, Model(**values), text))
        Model.objects.bulk_create([obj for _row, obj, _text in fresh], batch_size=1000)
        for row, obj, text in fresh:
            note = ""
            if label == "products.Producer" and row.commune_id in self.split:
                note = f"{self.split[row.commune_id]} was split: provisionally in {obj.commune}, the office chooses"
                self.report.review.append((label, row.pk, text, note))
            self._remember(label, row.pk, target_pk=obj.pk, status=EntryStatus.IMPORTED, text=text, note=note)
        self.report.created[label] += len(fresh)
        for source_pk, attname, source_value in later:
            if source_pk in self.map[label] and source_value in self.map[label]:
                Model.objects.filter(pk=self.map[label][source_pk]).update(**{attname: self.map[label][source_value]})

    def _remember_blocked(self, label, row, text, blocked):
        review = {}
        if label == "products.Producer" and row.commune_id in self.unknown:
            review = {"former_commune": self.unknown[row.commune_id]}
        self._remember(label, row.pk, status=blocked.status, text=text, note=blocked.note, **review)

    @staticmethod
    def _label(label, row) -> str:
        """A name for the report without following a relation (``str()`` of many rows reads their parents)."""
        for attr in ("name", "number", "username", "original_name"):
            value = getattr(row, attr, None)
            if value:
                return str(value)[:300]
        return f"{label} #{row.pk}"

    def _translate(self, label, row, f, value):
        related = f.related_model._meta.label
        if related == "ocop.Commune":
            return self._commune(label, row, value)
        if value in self.map[related]:
            return self.map[related][value]
        if value in self.blocked[related]:
            raise _Blocked(self.blocked[related][value], f"its {f.name} was not imported")
        if f.null:
            return None  # e.g. a user of the source that is not there: the link is dropped, the row kept
        raise FoldError(f"{label} #{row.pk}: {f.name} #{value} of {related} is not in the import ledger.")

    def _commune(self, label, row, value):
        if value in self.map["ocop.Commune"]:
            return self.map["ocop.Commune"][value]
        if label == "ocop.Profile":
            return None
        former = self.unknown.get(value, f"commune #{value}")
        raise _Blocked(EntryStatus.HELD, f"{former} is not in the official list of former units")

    def _extra_values(self, label, row, values):
        """A producer remembers the former commune it was registered in (h21units' ``Producer.former_unit``)."""
        if label == "products.Producer" and "former_unit_id" in values:
            unit = self.former_units.get(row.commune_id)
            if unit is not None:
                values["former_unit_id"] = unit.pk

    # ------------------------------------------------------------------------------------------------ refusals
    def _check_products_Producer(self, rows) -> dict:
        from products.models import Producer

        numbers = {r.registration_number for r in rows if r.registration_number}
        taken = dict(
            Producer.objects.filter(registration_number__in=numbers).values_list("registration_number", "name")
        )
        return {
            r.pk: f"registration number {r.registration_number} is already used here by {taken[r.registration_number]}"
            for r in rows
            if r.registration_number in taken
        }

    def _check_evaluations_Certificate(self, rows) -> dict:
        from evaluations.models import Certificate

        predecessor = self.takeover.predecessor_id
        codes = set(Certificate.objects.filter(code__in=[r.code for r in rows]).values_list("code", flat=True))
        numbers = dict(
            Certificate.objects.filter(number__in=[r.number for r in rows])
            .exclude(authority_id=predecessor)
            .values_list("number", "authority__name")
        )
        refusals = {}
        for r in rows:
            if r.code in codes:
                refusals[r.pk] = f"verification code {r.code} is already used here"
            elif r.number in numbers:
                refusals[r.pk] = f"number {r.number} is already used here by {numbers[r.number]}"
        return refusals

    # ------------------------------------------------------------------------------------------------ files
    def _copy_file(self, name: str, row) -> str:
        if name in self.file_names:
            return self.file_names[name]
        source = self.media_root / name
        if not source.is_file():
            raise _Blocked(EntryStatus.REFUSED, f"the file {name} is missing from the backup")
        digest = _sha256(source)
        recorded = getattr(row, "sha256", "")
        if recorded and recorded != digest:
            raise _Blocked(EntryStatus.REFUSED, f"the file {name} does not match its recorded SHA-256")
        media = Path(settings.MEDIA_ROOT)
        target_name = name
        if (media / name).exists() and _sha256(media / name) != digest:
            target_name = f"takeover/{self.source_authority.code.lower()}/{name}"
        target = media / target_name
        if not self.dry_run and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            self.copied_files.append(target)
            if _sha256(target) != digest:
                raise FoldError(f"The copy of {name} does not match the backup's file (disk full?).")
        self.file_names[name] = target_name
        self.report.files += 1
        self.report.file_bytes += source.stat().st_size
        return target_name

    def remove_copied_files(self):
        for path in self.copied_files:
            with contextlib.suppress(OSError):
                path.unlink()


# ---------------------------------------------------------------------------------------------- the office's review
def held_entries(into: Authority):
    """What the office must look at after a fold: rows held back (their former commune is unknown) and refusals."""
    return (
        LedgerEntry.objects.filter(takeover__into=into, status__in=[EntryStatus.HELD, EntryStatus.REFUSED])
        .select_related("takeover")
        .order_by("takeover_id", "status", "table", "source_pk")
    )
