"""The producer's self-assessment (Decision 26/2026, Mẫu 02 part III) scored with the council's rules: one sheet, its
total, band and star as decisions 4-8 compute them for a council of one. Registered on ``products.hooks``."""

from evaluations import scoring


def score_self_assessment(sheet_def: list, choices: dict) -> dict:
    """{total, band, star, failed_marks, missing}: ``star`` is provisional (the producer's view of itself, never a
    result) and None until every criterion has a choice, like a member's sheet that cannot be submitted half done."""
    choices = {code: int(points) for code, points in choices.items()}
    total = scoring.sheet_total(sheet_def, choices)
    missing = [c["code"] for c in scoring.missing_criteria(sheet_def, choices)]
    failed = scoring.failed_marks(sheet_def, scoring.criterion_means(sheet_def, [choices])) if choices else []
    band = scoring.band_star(total)
    return {
        "total": total,
        "band": band,
        "star": None if missing else scoring.final_star(band, failed),
        "failed_marks": [mark.as_dict() for mark in failed],
        "missing": missing,
    }
