"""Scores to stars: pure functions, no database (decisions.md 4-10).

Everything is exact: totals are whole numbers, the mean is a Fraction, and bands and marks are compared without
rounding (69.99… is 3★). Decimals are produced only for display.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

BANDS = ((5, 90), (4, 70), (3, 50), (2, 30))


def band_star(mean: Fraction | Decimal | int) -> int:
    """Decision 6: ≥ 90 → 5★; ≥ 70 → 4★; ≥ 50 → 3★; ≥ 30 → 2★; otherwise 1★."""
    for star, floor in BANDS:
        if mean >= floor:
            return star
    return 1


def sheet_total(sheet_def: list, choices: dict) -> int:
    return sum(int(points) for points in choices.values())


def missing_criteria(sheet_def: list, choices: dict) -> list[dict]:
    """Criteria a member still has to choose. In a choose-one section exactly one of its criteria is scored."""
    missing = []
    for part in sheet_def:
        for section in part["sections"]:
            answered = [c for c in section["criteria"] if c["code"] in choices]
            if section.get("choose_one"):
                if len(answered) != 1:
                    missing.append(section["criteria"][0] | {"code": section["code"], "name": section["name"]})
                continue
            missing += [c for c in section["criteria"] if c["code"] not in choices]
    return missing


def required_count(sheet_def: list) -> int:
    """How many choices a complete sheet has: every criterion, but one per choose-one section."""
    sections = [section for part in sheet_def for section in part["sections"]]
    return sum(1 if section.get("choose_one") else len(section["criteria"]) for section in sections)


def valid_choice(criterion: dict, points) -> bool:
    return any(option["points"] == points for option in criterion["options"])


@dataclass(frozen=True)
class FailedMark:
    star: int
    criterion: str
    name: str
    required: int
    mean: Fraction

    def as_dict(self):
        return {
            "star": self.star,
            "criterion": self.criterion,
            "name": self.name,
            "required": self.required,
            "mean": str(to_decimal(self.mean)),
        }


@dataclass
class Outcome:
    sheet_count: int
    expected_count: int
    totals: list[int]
    mean: Fraction | None
    band: int | None
    star: int | None
    failed_marks: list[FailedMark] = field(default_factory=list)
    criterion_means: dict = field(default_factory=dict)
    spread: int | None = None
    spread_flag: bool = False
    quorum_met: bool = False
    chair_missing: bool = False

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.spread_flag:
            flags.append("spread")
        if not self.quorum_met:
            flags.append("quorum")
        if self.chair_missing:
            flags.append("chair")
        return flags


def to_decimal(value: Fraction, places: int = 2) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


def criterion_means(sheet_def: list, choice_sets: list[dict]) -> dict[str, Fraction]:
    """The council's consolidated sheet: for each criterion, the mean of the points the members chose."""
    means = {}
    for part in sheet_def:
        for section in part["sections"]:
            for criterion in section["criteria"]:
                chosen = [c[criterion["code"]] for c in choice_sets if criterion["code"] in c]
                if chosen:
                    means[criterion["code"]] = Fraction(sum(chosen), len(chosen))
    return means


def failed_marks(sheet_def: list, means: dict[str, Fraction]) -> list[FailedMark]:
    """Decision 7: a mark for s★ is met when the criterion's mean is ≥ the marked option's points."""
    failed = []
    for part in sheet_def:
        for section in part["sections"]:
            for criterion in section["criteria"]:
                mean = means.get(criterion["code"])
                if mean is None:
                    continue  # the other case of a choose-one section
                for option in criterion["options"]:
                    star = option.get("min_for_star")
                    if star and mean < option["points"]:
                        failed.append(FailedMark(star, criterion["code"], criterion["name"], option["points"], mean))
    return sorted(failed, key=lambda f: (f.star, f.criterion))


def final_star(band: int, failed: list[FailedMark]) -> int:
    """Decision 8: the highest s ≤ band whose marks for 3..s are all met; below 3★ the band stands."""
    if band < 3:
        return band
    failed_levels = {mark.star for mark in failed}
    star = band
    while star >= 3 and any(level <= star for level in failed_levels):
        star -= 1
    return star if star >= 3 else 2


def quorum_met(sheet_count: int, expected_count: int, quorum_percent: int) -> bool:
    """Decision 10: submitted sheets ≥ quorum % of the base (exact, no rounding). The base is the round's scoring
    council less the members excused by a declared conflict, not the members the dossier happens to be assigned to."""
    if expected_count == 0 or sheet_count == 0:
        return False
    return Fraction(sheet_count, expected_count) * 100 >= quorum_percent


def compute(
    sheet_def: list,
    choice_sets: list[dict],
    *,
    expected_count: int,
    spread_threshold: Decimal | int = 10,
    quorum_percent: int = 75,
    chair_submitted: bool = True,
) -> Outcome:
    """The result of the submitted sheets (``choice_sets``: one {criterion: points} per submitted sheet).

    ``expected_count`` is the quorum base (decision 10); ``chair_submitted`` is False while the chair (when not
    excused) has not submitted: the chair's own sheet is required for the quorum."""
    totals = [sheet_total(sheet_def, choices) for choices in choice_sets]
    if not totals:
        return Outcome(0, expected_count, [], None, None, None, chair_missing=not chair_submitted)
    mean = Fraction(sum(totals), len(totals))
    band = band_star(mean)
    means = criterion_means(sheet_def, choice_sets)
    failed = failed_marks(sheet_def, means)
    spread = max(totals) - min(totals)
    return Outcome(
        sheet_count=len(totals),
        expected_count=expected_count,
        totals=totals,
        mean=mean,
        band=band,
        star=final_star(band, failed),
        failed_marks=failed,
        criterion_means=means,
        spread=spread,
        spread_flag=Decimal(spread) > Decimal(spread_threshold),
        quorum_met=quorum_met(len(totals), expected_count, quorum_percent),
        chair_missing=not chair_submitted,
    )


def exact_mean(points_sum: int, sheet_count: int) -> Fraction | None:
    return Fraction(points_sum, sheet_count) if sheet_count else None


def reaches_next_level(points_sum: int, sheet_count: int, star: int | None, *, next_star: int, threshold) -> bool:
    """Decision 2a: a product goes on to the next level when the council's star computed without this authority's
    cap reaches that level's star (band and every mark up to it met) and the exact mean reaches the level's
    threshold (a setting). 69.995 is not 70: the mean is compared as a fraction, never as its 2-decimal display."""
    mean = exact_mean(points_sum, sheet_count)
    if mean is None or star is None or next_star > 5:
        return False
    return star >= next_star and mean >= Fraction(Decimal(threshold))
