"""Decision 26/2026's three forms as data (Mẫu 01 registration, Mẫu 02 self-assessment, Mẫu 03 the commune's report):
which dossiers have them, which sheet the producer scores itself on, and the self-score's outcome. Reads only; the
changes are ``products.registration``."""

from dataclasses import dataclass, field

from products import hooks
from products.models import Registration, SelfEvidence
from products.regime import criteria_set_for_scoring
from programme import regimes

# Set 26 (tourism services, điểm du lịch) sends no samples; every other set five (Decision 26/2026, Điều 6).
NO_SAMPLE_SETS = frozenset({"26"})
SAMPLES = 5


def dossier_regime(dossier):
    """The regime of a dossier: the one the office set on it, else the one its filing date gives."""
    return dossier.regime if dossier.regime_id else regimes.regime_for(dossier)


def uses_forms(dossier) -> bool:
    """True when the dossier's regime has the forms (Decision 26/2026)."""
    regime = dossier_regime(dossier)
    return bool(regime and regime.uses_forms)


def scoring_set(dossier):
    """The criteria set the dossier is scored on, hence the one the producer scores itself on.

    Its regime's edition and the product's set code (``products.regime.criteria_set_for_scoring``)."""
    return criteria_set_for_scoring(dossier)


def default_sample_count(criteria_set) -> int:
    return 0 if criteria_set is not None and criteria_set.code in NO_SAMPLE_SETS else SAMPLES


def registration_of(dossier) -> Registration:
    """The dossier's forms, or a blank unsaved one (nothing is written by reading)."""
    try:
        return dossier.registration
    except Registration.DoesNotExist:
        return Registration(dossier=dossier)


def sample_count(registration) -> int:
    if registration.sample_count is not None:
        return registration.sample_count
    return default_sample_count(scoring_set(registration.dossier))


def self_sheet(registration):
    """The criteria set the self-assessment was made on (kept once saved), else the dossier's scoring set."""
    return registration.criteria_set if registration.criteria_set_id else scoring_set(registration.dossier)


def clean_choices(sheet_def, choices) -> dict[str, int]:
    """Only choices that are an option of their criterion: a stored value that no longer fits is left out."""
    options = {}
    for part in sheet_def:
        for section in part["sections"]:
            for criterion in section["criteria"]:
                options[criterion["code"]] = {option["points"] for option in criterion["options"]}
    kept = {}
    for code, points in (choices if isinstance(choices, dict) else {}).items():
        try:
            points = int(points)
        except (TypeError, ValueError):
            continue
        if points in options.get(code, ()):
            kept[code] = points
    return kept


@dataclass
class SelfOutcome:
    """The producer's self-score: total, parts, band and provisional star, what is missing and the evidence."""

    total: int = 0
    max_total: int = 0
    part_totals: dict = field(default_factory=dict)
    band: int | None = None
    star: int | None = None
    failed_marks: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    chosen: int = 0
    required: int = 0

    @property
    def complete(self) -> bool:
        return self.chosen > 0 and not self.missing


def self_outcome(registration) -> SelfOutcome:
    """Score the self-assessment with the council's rules (``products.hooks.self_score``, registered by evaluations)."""
    criteria_set = self_sheet(registration)
    if criteria_set is None:
        return SelfOutcome()
    sheet_def = criteria_set.sheet or []
    choices = clean_choices(sheet_def, registration.self_choices)
    part_totals = {}
    for part in sheet_def:
        codes = {c["code"] for s in part["sections"] for c in s["criteria"]}
        part_totals[part["code"]] = sum(points for code, points in choices.items() if code in codes)
    scored = hooks.self_score(sheet_def, choices) or {}
    missing = scored.get("missing", [])
    return SelfOutcome(
        total=sum(choices.values()),
        max_total=sum(part["max_points"] for part in sheet_def),
        part_totals=part_totals,
        band=scored.get("band") if choices else None,
        star=scored.get("star"),
        failed_marks=scored.get("failed_marks", []),
        missing=missing,
        chosen=len(choices),
        required=len(choices) + len(missing),
    )


def evidence_by_criterion(registration) -> dict[str, SelfEvidence]:
    if registration.pk is None:
        return {}
    return {e.criterion: e for e in registration.evidence.select_related("document")}


def self_sheet_rows(registration) -> list[dict]:
    """Parts → sections → criteria with the producer's choice and evidence, for the form and the PDF."""
    criteria_set = self_sheet(registration)
    sheet_def = criteria_set.sheet if criteria_set else []
    choices = clean_choices(sheet_def, registration.self_choices)
    evidence = evidence_by_criterion(registration)
    parts = []
    for part in sheet_def:
        sections = []
        subtotal = 0
        for section in part["sections"]:
            criteria = []
            for criterion in section["criteria"]:
                chosen = choices.get(criterion["code"])
                subtotal += chosen or 0
                found = evidence.get(criterion["code"])
                criteria.append(
                    {
                        **criterion,
                        "chosen": chosen,
                        "note": found.note if found else "",
                        "document": found.document if found else None,
                    }
                )
            sections.append({**section, "criteria": criteria})
        parts.append({**part, "sections": sections, "subtotal": subtotal})
    return parts


def self_scores_for(dossier) -> dict[str, int]:
    """{criterion: points} of the producer's self-assessment, for the council's pages ({} when there is none)."""
    try:
        registration = dossier.registration
    except Registration.DoesNotExist:
        return {}
    criteria_set = self_sheet(registration)
    return clean_choices(criteria_set.sheet if criteria_set else [], registration.self_choices)
