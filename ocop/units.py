"""Administrative units after the 2025 reorganisation: today's official list, the old map as history.

- ``sync_units(authority, province_code)``: the province's communes and wards from ``vietnam-provinces`` (official
  codes, names, kinds) into the authority's ``Commune`` rows: new units created, renamed ones renamed, units no
  longer listed marked ``retired_on`` (never deleted: producers, dossiers and certificates refer to them).
- ``load_former_units(district, province)``: the former communes of a district before 1/7/2025 from
  ``vietnamadminunits`` as ``FormerUnit`` rows, each linked to the unit of today it went into, or marked split with
  its candidates (the package's ``DICT_PROVINCE_WARD_DIVIDED``).
- ``map_former(name, district, province)``: the one function that maps an old commune into today's map
  (``MappingResult``); a split unit is never mapped silently (``needs_review``).
- ``record_succession(predecessor, successor, valid_to)``: an authority that no longer exists and the one that
  manages its records now.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop import audit
from ocop.enums import UnitKind
from ocop.lib.text import vn_slugify
from ocop.lib.unitnames import KIND_BY_LABEL, fold, former_keys, split_kind, unit_key  # noqa: F401 - re-exported
from ocop.models import Authority, Commune, FormerUnit, FormerUnitCandidate

audit.register_actions(
    {
        "commune.created_from_list": _("Added from the official list of units"),
        "commune.renamed_from_list": _("Renamed from the official list of units"),
        "commune.adopted_from_list": _("Given its official code from the list of units"),
        "commune.retired_from_list": _("No longer in the official list of units"),
        "commune.restored_to_list": _("Back in the official list of units"),
        "authority.succession_recorded": _("Recorded the authority that took over"),
        "former_unit.recorded": _("Recorded a former commune"),
    }
)


# --------------------------------------------------------------------------------------------- today's units
@dataclass
class SyncSummary:
    created: list = field(default_factory=list)
    renamed: list = field(default_factory=list)
    adopted: list = field(default_factory=list)  # typed without a code, now matched to their listed unit
    retired: list = field(default_factory=list)
    restored: list = field(default_factory=list)
    unchanged: int = 0
    linked_former: int = 0

    def line(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.adopted)} adopted, {len(self.renamed)} renamed, "
            f"{len(self.retired)} retired, "
            f"{len(self.restored)} restored, {self.unchanged} unchanged, {self.linked_former} former units linked"
        )


def official_units(province_code: str) -> list[dict]:
    """The province's units from ``vietnam-provinces``: [{"code": "07462", "name": "Bảo Đài", "kind": "xa"}, …]."""
    from vietnam_provinces import ProvinceCode, Ward

    try:
        province = ProvinceCode(int(province_code))
    except ValueError as error:
        raise ValueError(f"Unknown province code {province_code!r}.") from error
    units = []
    for ward in Ward.iter_by_province(province):
        kind, name = split_kind(ward.name)
        units.append({"code": f"{int(ward.code):05d}", "name": name, "kind": kind})
    return sorted(units, key=lambda unit: unit["code"])


def _free_slug(authority, name: str, taken: set) -> str:
    base = vn_slugify(name) or "don-vi"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


@transaction.atomic
def sync_units(authority: Authority, province_code: str, *, by=None, units: list[dict] | None = None, today=None):
    """Bring the authority's communes in line with the official list (``units`` replaces the package in tests).

    Matched by official code; a commune without a code is adopted by the listed unit of the same name and kind. A
    listed unit absent here is created; a changed name or kind is applied; a commune no longer listed is marked
    retired (kept, never deleted); one listed again is restored. Idempotent: a second run changes nothing.
    """
    today = today or timezone.localdate()
    units = official_units(province_code) if units is None else units
    summary = SyncSummary()
    communes = list(Commune.objects.select_for_update().filter(authority=authority).order_by("id"))
    by_code = {c.code: c for c in communes if c.code}
    uncoded = {(fold(c.name), c.kind): c for c in communes if not c.code}
    slugs = {c.slug for c in communes}
    listed = set()
    for unit in units:
        commune = by_code.get(unit["code"]) or uncoded.pop((fold(unit["name"]), unit["kind"]), None)
        if commune is None:
            commune = Commune.objects.create(
                authority=authority,
                name=unit["name"],
                kind=unit["kind"],
                code=unit["code"],
                slug=_free_slug(authority, unit["name"], slugs),
            )
            audit.record(commune, "commune.created_from_list", by=by, note=unit["code"])
            summary.created.append(commune)
            listed.add(commune.pk)
            continue
        listed.add(commune.pk)
        before = audit.snapshot(commune, ["name", "kind", "code", "retired_on"])
        commune.name, commune.kind, commune.code = unit["name"], unit["kind"], unit["code"]
        restored = commune.retired_on is not None
        commune.retired_on = None
        changes = audit.diff(before, audit.snapshot(commune, ["name", "kind", "code", "retired_on"]))
        if not changes:
            summary.unchanged += 1
            continue
        commune.save(update_fields=["name", "kind", "code", "retired_on"])
        if restored:
            audit.record(commune, "commune.restored_to_list", by=by, changes=changes)
            summary.restored.append(commune)
        elif not before["code"]:
            audit.record(commune, "commune.adopted_from_list", by=by, changes=changes)
            summary.adopted.append(commune)
        else:
            audit.record(commune, "commune.renamed_from_list", by=by, changes=changes)
            summary.renamed.append(commune)
    for commune in communes:
        if commune.pk not in listed and commune.retired_on is None:
            commune.retired_on = today
            commune.save(update_fields=["retired_on"])
            audit.record(commune, "commune.retired_from_list", by=by, changes={"retired_on": [None, str(today)]})
            summary.retired.append(commune)
    summary.linked_former = link_former_units(authority)
    return summary


# --------------------------------------------------------------------------------------------- the old map
def _package_tables():
    from vietnamadminunits.converter.converter_2025 import (
        DICT_PROVINCE,
        DICT_PROVINCE_WARD_DIVIDED,
        DICT_PROVINCE_WARD_NO_DIVIDED,
    )

    return DICT_PROVINCE, DICT_PROVINCE_WARD_NO_DIVIDED, DICT_PROVINCE_WARD_DIVIDED


def _package_query(sql: str, params: tuple = ()) -> list[dict]:
    import sqlite3
    from pathlib import Path

    import vietnamadminunits

    path = Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(sql, params).fetchall()]


def _legacy_rows(district: str, province: str, name: str | None = None) -> list[dict]:
    """The package's pre-2025 units of a district (or one of them), matched accent- and case-insensitively."""
    rows = _package_query(
        "SELECT ward, wardType, wardCode, wardKey, district, districtKey, province, provinceKey FROM admin_units_legacy"
    )
    district_key, province_key = unit_key(district), unit_key(province)
    found = [
        r
        for r in rows
        if r["ward"] and unit_key(r["district"]) == district_key and unit_key(r["province"]) == province_key
    ]
    found = _narrow(found, district, lambda r: r["district"])
    if name is None:
        return found
    return _pick(
        found, name, key_of=lambda r: fold(split_kind(r["ward"])[1]), kind_of=lambda r: split_kind(r["ward"])[0]
    )


def _narrow(items, district: str, district_of) -> list:
    """Where a district and a town of the same name existed ("Huyện Kỳ Anh", "Thị xã Kỳ Anh"), the one written."""
    exact = [item for item in items if fold(district_of(item)) == fold(district)]
    return exact or items


def _pick(items, name: str, *, key_of, kind_of, strict: bool = False) -> list:
    """The items named ``name`` (the likeliest reading first); a kind word written ("Thị trấn Chũ" beside "Xã Chũ")
    chooses between units of the same name (``strict``: only that kind). More than one left: the caller treats it
    as unknown."""
    kind, _bare = split_kind(name)
    has_kind = fold(_bare) != fold(name)
    for key in former_keys(name):
        matching = [item for item in items if key_of(item) == key]
        if has_kind and (strict or len(matching) > 1):
            of_kind = [item for item in matching if kind_of(item) == kind]
            matching = of_kind if strict else (of_kind or matching)
        if matching:
            return matching
    return []


def _new_codes(province_key: str) -> dict:
    """The package's new ward key -> official code, for the new province a former province went into."""
    rows = _package_query(
        "SELECT wardKey, wardCode, provinceKey FROM admin_units WHERE provinceKey = ?", (province_key,)
    )
    return {row["wardKey"]: row["wardCode"] for row in rows}


def _successor_of(row: dict) -> dict:
    """{"code": …} for a unit that went whole into one; {"split": [{"code", "default"}, …]} for a divided one."""
    provinces, whole, divided = _package_tables()
    new_province = next((key for key, old in provinces.items() if row["provinceKey"] in old), None)
    if new_province is None:
        return {}
    codes = _new_codes(new_province)
    old_key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"
    parts = divided.get(new_province, {}).get(old_key)
    if parts:
        return {
            "split": [
                {"code": codes[part["newWardKey"]], "default": bool(part["isDefaultNewWard"])}
                for part in parts
                if part["newWardKey"] in codes
            ]
        }
    for new_key, old_keys in whole.get(new_province, {}).items():
        if old_key in old_keys and new_key in codes:
            return {"code": codes[new_key]}
    return {}


def _save_former(row: dict) -> FormerUnit:
    kind, name = split_kind(row["ward"])
    successor = _successor_of(row)
    former = FormerUnit.objects.filter(
        name_key=fold(name), kind=kind, district_name=row["district"], province_key=unit_key(row["province"])
    ).first() or FormerUnit(name=name, kind=kind, district_name=row["district"], province_name=row["province"])
    former.kind, former.old_code = kind, row["wardCode"] or ""
    former.is_split = "split" in successor
    former.new_code = successor.get("code", "")
    former.candidate_codes = successor.get("split", [])
    former.save()
    return former


@transaction.atomic
def load_former_units(district: str, province: str, *, authority: Authority | None = None) -> list[FormerUnit]:
    """Create or refresh the ``FormerUnit`` rows of a former district ("Lục Nam", "Bắc Giang") from the package and
    link them to the loaded units of today (``authority``'s, else any authority's). Idempotent."""
    formers = [_save_former(row) for row in _legacy_rows(district, province)]
    link_former_units(authority, formers)
    return formers


def _communes_by_code(authority: Authority | None, codes) -> dict:
    communes = Commune.objects.filter(code__in=set(codes)).order_by("retired_on", "id")
    if authority is not None:
        communes = communes.filter(authority=authority)
    found = {}
    for commune in communes:
        found.setdefault(commune.code, commune)
    return found


def link_former_units(authority: Authority | None, formers=None) -> int:
    """Point former units at the loaded communes their package codes name; returns how many links were made."""
    formers = list(FormerUnit.objects.all() if formers is None else formers)
    codes = {f.new_code for f in formers if f.new_code} | {
        c["code"] for f in formers for c in f.candidate_codes if c.get("code")
    }
    communes = _communes_by_code(authority, codes)
    existing = set(
        FormerUnitCandidate.objects.filter(former_unit__in=[f.pk for f in formers]).values_list(
            "former_unit_id", "commune_id"
        )
    )
    linked = 0
    for former in formers:
        if not former.is_split and former.new_code in communes and former.successor_id is None:
            former.successor = communes[former.new_code]
            former.save(update_fields=["successor"])
            linked += 1
        for candidate in former.candidate_codes:
            commune = communes.get(candidate.get("code"))
            if commune is not None and (former.pk, commune.pk) not in existing:
                FormerUnitCandidate.objects.create(
                    former_unit=former, commune=commune, is_default=bool(candidate.get("default"))
                )
                existing.add((former.pk, commune.pk))
                linked += 1
    return linked


@dataclass
class MappingResult:
    """Where an old commune is today.

    ``commune``: the unit it went into (None when split or not loaded); ``needs_review``: the office must choose
    (split, or the unit is unknown or not loaded); ``candidates``: the possible units for a split one;
    ``provisional``: the package's default candidate, to hold a row until the office chooses (never final);
    ``former_unit``: the history row (None when the package does not know the address).
    """

    commune: Commune | None
    needs_review: bool
    candidates: list = field(default_factory=list)
    former_unit: FormerUnit | None = None
    provisional: Commune | None = None


def find_former(name: str, district: str, province: str) -> FormerUnit | None:
    """The recorded former unit of that name, district and province (None when unknown or ambiguous)."""
    rows = list(
        FormerUnit.objects.filter(
            name_key__in=former_keys(name), district_key=unit_key(district), province_key=unit_key(province)
        )
    )
    rows = _pick(
        _narrow(rows, district, lambda f: f.district_name),
        name,
        key_of=lambda f: f.name_key,
        kind_of=lambda f: f.kind,
        strict=True,  # not recorded yet under that kind: the package decides
    )
    return rows[0] if len(rows) == 1 else None


def map_former(name: str, district: str, province: str, *, authority: Authority | None = None) -> MappingResult:
    """Map an old commune ("Thanh Lâm", "Lục Nam", "Bắc Giang"; prefixes, accents and case ignored) into today's map.

    Uses the ``FormerUnit`` row, creating it from the package on first use and linking it to ``authority``'s
    units. A unit that went whole into one of today's maps to it; a split one needs the office's choice.
    """
    former = find_former(name, district, province)
    if former is None:
        rows = _legacy_rows(district, province, name)
        if len(rows) != 1:
            return MappingResult(commune=None, needs_review=True)
        with transaction.atomic():
            former = _save_former(rows[0])
            link_former_units(authority, [former])
    elif (former.new_code and former.successor_id is None) or (former.is_split and former.candidate_codes):
        link_former_units(authority, [former])
        former.refresh_from_db()
    if former.is_split:
        links = list(
            FormerUnitCandidate.objects.filter(former_unit=former)
            .select_related("commune")
            .order_by("-is_default", "commune__name")
        )
        if authority is not None:
            links = [link for link in links if link.commune.authority_id == authority.pk]
        candidates = [link.commune for link in links]
        provisional = next((link.commune for link in links if link.is_default), candidates[0] if candidates else None)
        return MappingResult(
            commune=None, needs_review=True, candidates=candidates, former_unit=former, provisional=provisional
        )
    successor = former.successor
    if successor is not None and authority is not None and successor.authority_id != authority.pk:
        successor = _communes_by_code(authority, [former.new_code]).get(former.new_code)
    return MappingResult(
        commune=successor,
        needs_review=successor is None,
        candidates=[successor] if successor else [],
        former_unit=former,
        provisional=successor,
    )


@transaction.atomic
def record_former_unit(
    name: str, district: str, province: str, *, kind=UnitKind.COMMUNE, successor=None, candidates=(), by=None
) -> FormerUnit:
    """The office records a former commune the package does not know (e.g. one merged before 2025) or corrects one:
    whole into ``successor``, or split between ``candidates`` (the first is the provisional one). Audited."""
    former = FormerUnit.objects.filter(
        name_key=fold(name), kind=kind, district_name=district, province_key=unit_key(province)
    ).first() or FormerUnit(name=name, district_name=district, province_name=province)
    before = audit.snapshot(former, ["kind", "successor", "is_split"]) if former.pk else {}
    former.kind = kind
    former.successor = None if candidates else successor
    former.is_split = bool(candidates)
    former.new_code = (successor.code if successor and not candidates else "") or ""
    former.candidate_codes = [{"code": c.code, "default": i == 0} for i, c in enumerate(candidates)]
    former.save()
    FormerUnitCandidate.objects.filter(former_unit=former).exclude(commune__in=list(candidates)).delete()
    for i, commune in enumerate(candidates):
        FormerUnitCandidate.objects.update_or_create(
            former_unit=former, commune=commune, defaults={"is_default": i == 0}
        )
    changes = audit.diff(before, audit.snapshot(former, ["kind", "successor", "is_split"]))
    audit.record(former, "former_unit.recorded", by=by, changes=changes)
    return former


# --------------------------------------------------------------------------------------------- successor authorities
@transaction.atomic
def record_succession(predecessor: Authority, successor: Authority, valid_to: date, *, by=None) -> bool:
    """Record that ``predecessor`` acted until ``valid_to`` and ``successor`` manages its records now (audited,
    idempotent: False when nothing changed). Refuses a loop."""
    predecessor = Authority.objects.select_for_update().get(pk=predecessor.pk)
    if successor.pk == predecessor.pk or successor.current_manager.pk == predecessor.pk:
        raise ValueError("An authority cannot succeed itself.")
    before = audit.snapshot(predecessor, ["valid_to", "successor"])
    predecessor.valid_to, predecessor.successor = valid_to, successor
    changes = audit.diff(before, audit.snapshot(predecessor, ["valid_to", "successor"]))
    if not changes:
        return False
    predecessor.save(update_fields=["valid_to", "successor"])
    audit.record(predecessor, "authority.succession_recorded", by=by, changes=changes)
    return True
