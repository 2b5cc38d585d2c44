"""Criteria sets as versioned data: load and validate the YAML sheets kept in programme/criteria/.

A sheet is refused with a message naming the set and the criterion when its structure is wrong (a missing field,
points that are not whole numbers, options out of order, a repeated or inverted star mark). Arithmetic that does
not add up (criterion, section or part maxima; parts 40/25/35) refuses a *verified* set; in a set the source
already marks ``verified: false`` it is recorded as a warning, shown wherever the set is used, and the set needs a
staff confirmation before a round may use it (decision 12).
"""

import copy
import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

CRITERIA_DIR = Path(__file__).resolve().parent / "criteria"
CRITERIA_2026_DIR = Path(__file__).resolve().parent / "criteria-2026"
EDITION_148 = "qd148-2023"
EDITION_2026 = "qd26-2026"
# Each edition's folder; a file may name its edition (``edition:``), otherwise it takes its folder's.
EDITIONS = {EDITION_148: CRITERIA_DIR, EDITION_2026: CRITERIA_2026_DIR}
# The edition whose sets name a product's group ("bộ sản phẩm"): a product keeps its set's code, and a dossier is
# scored on the set of that code in its regime's edition (``set_for``).
PRODUCT_GROUP_EDITION = EDITION_148
DISQUALIFIER_EFFECTS = {"disqualified", "stop_evaluation"}
PART_MAXIMA = {"A": 40, "B": 25, "C": 35}
STAR_MARKS = {3, 4, 5}


class CriteriaError(ValueError):
    """An invalid criteria file; the message names the set and the criterion."""


@dataclass
class LoadedSet:
    code: str
    name: str
    industry: str
    group: str
    legal_basis: str
    verified: bool
    notes: list
    parts: list
    warnings: list = field(default_factory=list)
    edition: str = EDITION_148
    disqualifiers: list = field(default_factory=list)
    source: dict = field(default_factory=dict)

    @property
    def checksum(self) -> str:
        canonical = json.dumps(self.parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def _fail(code, where, message):
    raise CriteriaError(
        _("Criteria set %(code)s, %(where)s: %(message)s") % {"code": code, "where": where, "message": message}
    )


def _require(data, keys, code, where):
    for key in keys:
        if key not in data or data[key] in (None, ""):
            _fail(code, where, _("the field “%(key)s” is missing") % {"key": key})


def validate(data: dict, source: str = "", edition: str = EDITION_148) -> LoadedSet:
    """Check one sheet and return it normalised; raise CriteriaError naming the set and criterion.

    The 2026 sheets add (all optional, so the 148 sheets' JSON is unchanged): a third level under a section
    (``subsections``: headings with their maxima over the scored criteria, kept in the section and marked on the
    first criterion of each as ``subsection_heading``), options the transcriber inferred (``inferred: true``), the
    file's own ``warnings`` (before any arithmetic warning), ``disqualifiers`` (``criterion: null`` for the sheet
    header's "Hồ sơ bị loại khi …") and ``source``."""
    code = str(data.get("code") or source or "?")
    _require(data, ["code", "name", "industry", "group", "legal_basis", "parts"], code, _("header"))
    verified = bool(data.get("verified", False))
    # the file's warnings, in Vietnamese where the project added them (``warnings_vi``, same order), for the pages
    warnings: list[str] = [str(w) for w in (data.get("warnings_vi") or data.get("warnings") or [])]
    edition = str(data.get("edition") or edition)

    def arithmetic(where, message):
        if verified:
            _fail(code, where, message)
        warnings.append(f"{where}: {message}")

    parts = []
    total = 0
    seen_codes = set()
    for part in data["parts"]:
        _require(part, ["code", "name", "max_points", "sections"], code, _("part"))
        part_code = str(part["code"])
        if part_code not in PART_MAXIMA:
            _fail(code, _("part %(code)s") % {"code": part_code}, _("a part must be A, B or C"))
        sections = []
        part_sum = 0
        for section in part["sections"]:
            _require(
                section, ["code", "name", "max_points", "criteria"], code, _("part %(code)s") % {"code": part_code}
            )
            section_code = str(section["code"])
            choose_one = bool(section.get("choose_one", False))
            criteria = []
            maxima = []
            for criterion in section["criteria"]:
                where = _("criterion %(code)s") % {"code": criterion.get("code", "?")}
                _require(criterion, ["code", "name", "max_points", "options"], code, where)
                criterion_code = str(criterion["code"])
                if criterion_code in seen_codes:
                    _fail(code, where, _("the criterion code is repeated"))
                seen_codes.add(criterion_code)
                options = []
                previous_points = None
                marks_seen = set()
                highest_mark = 0
                for option in criterion["options"]:
                    if "text" not in option or "points" not in option:
                        _fail(code, where, _("an option has no text or no points"))
                    points = option["points"]
                    if not isinstance(points, int) or isinstance(points, bool) or points < 0:
                        _fail(
                            code,
                            where,
                            _("points “%(points)s” are not a whole number of 0 or more") % {"points": points},
                        )
                    if previous_points is not None and points <= previous_points:
                        _fail(code, where, _("option points must rise and not repeat"))
                    previous_points = points
                    mark = option.get("min_for_star")
                    if mark is not None:
                        if mark not in STAR_MARKS:
                            _fail(code, where, _("star mark “%(mark)s” must be 3, 4 or 5") % {"mark": mark})
                        if mark in marks_seen:
                            _fail(code, where, _("the %(mark)s-star mark is repeated") % {"mark": mark})
                        if mark < highest_mark:
                            _fail(code, where, _("a higher star mark sits on a lower-scoring option"))
                        marks_seen.add(mark)
                        highest_mark = mark
                    kept = {"text": str(option["text"]), "points": points, "min_for_star": mark}
                    if option.get("inferred"):
                        kept["inferred"] = True
                    options.append(kept)
                if not options:
                    _fail(code, where, _("there are no options"))
                if criterion["max_points"] != options[-1]["points"]:
                    arithmetic(
                        where,
                        _("maximum %(max)s differs from the best option") % {"max": criterion["max_points"]},
                    )
                maxima.append(criterion["max_points"])
                criteria.append(
                    {
                        "code": criterion_code,
                        "name": str(criterion["name"]),
                        "hint": str(criterion.get("hint") or ""),
                        "max_points": criterion["max_points"],
                        "options": options,
                    }
                )
            subsections = _subsections(code, section, criteria, arithmetic)
            expected = max(maxima) if choose_one else sum(maxima)
            if section["max_points"] != expected:
                arithmetic(
                    _("section %(code)s") % {"code": section_code},
                    _("maximum %(max)s differs from the sum %(sum)s") % {"max": section["max_points"], "sum": expected},
                )
            part_sum += section["max_points"]
            kept_section = {
                "code": section_code,
                "name": str(section["name"]),
                "hint": str(section.get("hint") or ""),
                "max_points": section["max_points"],
                "choose_one": choose_one,
                "criteria": criteria,
            }
            if subsections:
                kept_section["subsections"] = subsections
            sections.append(kept_section)
        if part["max_points"] != part_sum:
            arithmetic(
                _("part %(code)s") % {"code": part_code},
                _("maximum %(max)s differs from the sum %(sum)s") % {"max": part["max_points"], "sum": part_sum},
            )
        if part_sum != PART_MAXIMA[part_code]:
            arithmetic(
                _("part %(code)s") % {"code": part_code},
                _("totals %(sum)s points where the decision sets %(max)s")
                % {"sum": part_sum, "max": PART_MAXIMA[part_code]},
            )
        total += part_sum
        parts.append({"code": part_code, "name": str(part["name"]), "max_points": part_sum, "sections": sections})
    if [p["code"] for p in parts] != ["A", "B", "C"]:
        _fail(code, _("parts"), _("the sheet needs parts A, B and C in that order"))
    if total != 100:
        arithmetic(_("total"), _("totals %(sum)s points where the decision sets %(max)s") % {"sum": total, "max": 100})
    disqualifiers = []
    known = seen_codes | {section["code"] for part in parts for section in part["sections"]}
    for item in data.get("disqualifiers") or []:
        target = item.get("criterion")
        if not item.get("text") or item.get("effect") not in DISQUALIFIER_EFFECTS:
            _fail(code, _("disqualifiers"), _("each needs a text and an effect"))
        if target is not None and str(target) not in known:
            _fail(code, _("disqualifiers"), _("criterion %(code)s does not exist") % {"code": target})
        disqualifiers.append(
            {"criterion": None if target is None else str(target), "effect": item["effect"], "text": str(item["text"])}
        )
    return LoadedSet(
        code=code,
        name=str(data["name"]),
        industry=str(data["industry"]),
        group=str(data["group"]),
        legal_basis=str(data["legal_basis"]),
        verified=verified,
        notes=list(data.get("notes") or []),
        parts=parts,
        warnings=warnings,
        edition=edition,
        disqualifiers=disqualifiers,
        source=dict(data.get("source") or {}),
    )


def _subsections(code, section, criteria, arithmetic) -> list[dict]:
    """The third level of a section (sets 11 and 13 of 2026): headings 6.1/6.2 with their maxima over the scored
    criteria they list. Each criterion belongs to at most one; the first of each carries the heading."""
    kept = []
    by_code = {c["code"]: c for c in criteria}
    taken = set()
    for sub in section.get("subsections") or []:
        _require(
            sub, ["code", "name", "max_points", "criteria"], code, _("section %(code)s") % {"code": section["code"]}
        )
        sub_code = str(sub["code"])
        where = _("subsection %(code)s") % {"code": sub_code}
        members = [str(c) for c in sub["criteria"]]
        for member in members:
            if member not in by_code or member in taken:
                _fail(code, where, _("criterion %(code)s is not in the section or is listed twice") % {"code": member})
            taken.add(member)
        total = sum(by_code[m]["max_points"] for m in members)
        if sub["max_points"] != total:
            arithmetic(
                where, _("maximum %(max)s differs from the sum %(sum)s") % {"max": sub["max_points"], "sum": total}
            )
        heading = {"code": sub_code, "name": str(sub["name"]), "max_points": sub["max_points"]}
        by_code[members[0]]["subsection_heading"] = heading
        for member in members:
            by_code[member]["subsection"] = sub_code
        kept.append(heading | {"criteria": members})
    return kept


def load_file(path: Path) -> LoadedSet:
    stat = Path(path).stat()
    # A copy, so that callers never change the cached object.
    language = translation.get_language()  # messages are worded in the active language
    return copy.deepcopy(_load_file_cached(str(path), stat.st_mtime_ns, stat.st_size, language))


@functools.lru_cache(maxsize=128)
def _load_file_cached(path: str, _mtime_ns: int, _size: int, _language: str) -> LoadedSet:
    """Parsing YAML is the slow part (~25 ms a file); a file is parsed again only when it changes."""
    try:
        with Path(path).open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise CriteriaError(
            _("File %(name)s: not readable YAML (%(error)s)") % {"name": Path(path).name, "error": exc}
        ) from exc
    if not isinstance(data, dict):
        raise CriteriaError(_("File %(name)s: not a criteria set") % {"name": Path(path).name})
    return validate(data, source=Path(path).stem[:2])


def load_all(directory: Path = CRITERIA_DIR) -> list[LoadedSet]:
    return [load_file(path) for path in sorted(Path(directory).glob("*.yaml"))]


@transaction.atomic
def sync(directory: Path | None = None) -> dict:
    """Bring the database in line with the files: both editions' folders, or one ``directory``. Within an edition,
    a set whose sheet changed after it was used for scoring gets a new version (scored sheets keep theirs);
    otherwise the latest version is updated in place. Idempotent."""
    from programme.models import CriteriaSet

    directories = [directory] if directory is not None else list(EDITIONS.values())
    counts = {"created": 0, "updated": 0, "unchanged": 0, "new_versions": 0}
    for loaded in (item for folder in directories for item in load_all(folder)):
        latest = CriteriaSet.objects.filter(edition=loaded.edition, code=loaded.code).order_by("-version").first()
        values = {
            "name": loaded.name,
            "industry": loaded.industry,
            "group": loaded.group,
            "legal_basis": loaded.legal_basis,
            "verified": loaded.verified,
            "notes": loaded.notes,
            "warnings": loaded.warnings,
            "disqualifiers": loaded.disqualifiers,
            "source": loaded.source,
            "sheet": loaded.parts,
            "checksum": loaded.checksum,
        }
        if latest is None:
            CriteriaSet.objects.create(
                edition=loaded.edition, code=loaded.code, version=1, loaded_at=timezone.now(), **values
            )
            counts["created"] += 1
        elif latest.checksum == loaded.checksum and all(getattr(latest, k) == v for k, v in values.items()):
            counts["unchanged"] += 1
        elif latest.checksum != loaded.checksum and latest.has_scores():
            CriteriaSet.objects.create(
                edition=loaded.edition,
                code=loaded.code,
                version=latest.version + 1,
                loaded_at=timezone.now(),
                **values,
            )
            counts["new_versions"] += 1
        else:
            sheet_changed = latest.checksum != loaded.checksum
            for key, value in values.items():
                setattr(latest, key, value)
            if sheet_changed:  # a changed sheet needs a new staff check (decision 12)
                latest.confirmed_by = None
                latest.confirmed_at = None
            latest.loaded_at = timezone.now()
            latest.save()
            counts["updated"] += 1
    return counts


def set_for(edition: str, code: str):
    """The set a dossier is scored on: the latest version of ``code`` in ``edition`` (None when not loaded)."""
    from programme.models import CriteriaSet

    return CriteriaSet.objects.filter(edition=edition, code=code).order_by("-version").first()


def product_groups(keep_pk=None):
    """The sets a product may be registered on (its "product group"): the sets of ``PRODUCT_GROUP_EDITION``, every
    version, plus ``keep_pk`` (a product's current set). A dossier is scored on its regime's edition (``set_for``)."""
    from django.db.models import Q

    from programme.models import CriteriaSet, criteria_json

    wanted = Q(edition=PRODUCT_GROUP_EDITION) | (Q(pk=keep_pk) if keep_pk else Q(pk__in=[]))
    return CriteriaSet.objects.filter(wanted).defer(*criteria_json()).order_by("code", "-version")
