"""Stars agree on the sheets of Decision 26/2026: for random councils on every one of the 26 sets, the application's
star (the loaded sheet through ``evaluations.scoring``) equals decisions 5-8 computed here, independently, from the
raw YAML file: the mean of the members' totals, its band, and the cumulative minimums on the per-criterion mean."""

import functools
from fractions import Fraction

import pytest
import yaml
from hypothesis import event, given, settings
from hypothesis import strategies as st

from evaluations.scoring import compute, missing_criteria
from programme.criteria import CRITERIA_2026_DIR, load_file

FILES = sorted(CRITERIA_2026_DIR.glob("*.yaml"))


@functools.cache
def loaded(code):
    (path,) = [p for p in FILES if p.name.startswith(code + "-")]
    return load_file(path).parts


@functools.cache
def raw_criteria(code):
    """From the YAML as written: (section code, choose_one, criterion code, [(points, mark)]) for every scored
    criterion, third level included (sets 11 and 13 list them under their section)."""
    (path,) = [p for p in FILES if p.name.startswith(code + "-")]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = []
    for part in data["parts"]:
        for section in part["sections"]:
            for criterion in section["criteria"]:
                options = [(o["points"], o.get("min_for_star")) for o in criterion["options"]]
                rows.append((section["code"], bool(section.get("choose_one")), criterion["code"], options))
    return rows


def expected_star(code, choice_sets):
    """Decisions 5-8, written out again: mean of totals; band ≥90/70/50/30; a mark for s★ is met when the mean of the
    members' points on its criterion reaches the marked option; the star is the highest s ≤ band whose marks for
    3..s are all met (below 3★ the band stands; a failed 3★ mark gives 2★)."""
    totals = [sum(choices.values()) for choices in choice_sets]
    mean = Fraction(sum(totals), len(totals))
    band = 5 if mean >= 90 else 4 if mean >= 70 else 3 if mean >= 50 else 2 if mean >= 30 else 1
    failed_levels = set()
    for _section, _one, criterion, options in raw_criteria(code):
        chosen = [choices[criterion] for choices in choice_sets if criterion in choices]
        if not chosen:
            continue  # the unscored case of a choose-one section
        criterion_mean = Fraction(sum(chosen), len(chosen))
        failed_levels |= {mark for points, mark in options if mark and criterion_mean < points}
    if band < 3:
        return mean, band, band
    star = 2
    for s in (3, 4, 5):
        if band >= s and not failed_levels & set(range(3, s + 1)):
            star = s
    return mean, band, star


@st.composite
def council(draw, code):
    """3-8 members around a shared level (0 = lowest options, 1 = best), each straying one option either way, so
    every band occurs with marks both met and missed. In a choose-one section each member scores one case."""
    rows = raw_criteria(code)
    level = draw(st.sampled_from([0, 0.3, 0.5, 0.65, 0.75, 0.85, 0.95, 1]))
    members = draw(st.integers(3, 8))
    choice_sets = []
    for _ in range(members):
        choices = {}
        cases = {}
        for section, choose_one, _criterion, _options in rows:
            if choose_one and section not in cases:
                cases[section] = draw(st.sampled_from([r[2] for r in rows if r[0] == section]))
        for section, choose_one, criterion, options in rows:
            if choose_one and cases[section] != criterion:
                continue
            last = len(options) - 1
            centre = round(level * last)
            index = draw(st.integers(max(0, centre - 1), min(last, centre + 1)))
            choices[criterion] = options[index][0]
        choice_sets.append(choices)
    return choice_sets


@pytest.mark.parametrize("code", [f"{n:02d}" for n in range(1, 27)])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_stars_agree_on_every_2026_set(code, data):
    choice_sets = data.draw(council(code), label="council")
    sheet = loaded(code)
    assert all(missing_criteria(sheet, choices) == [] for choices in choice_sets)
    outcome = compute(sheet, choice_sets, expected_count=len(choice_sets))
    mean, band, star = expected_star(code, choice_sets)
    event(f"star {star}")
    assert (outcome.mean, outcome.band, outcome.star) == (mean, band, star)


@pytest.mark.parametrize("code", [f"{n:02d}" for n in range(1, 27)])
def test_a_council_at_the_best_options_reaches_5_stars_and_at_the_lowest_1_star(code):
    best = {c: options[-1][0] for s, one, c, options in raw_criteria(code) if not one}
    worst = {c: options[0][0] for s, one, c, options in raw_criteria(code) if not one}
    for section, one, criterion, options in raw_criteria(code):
        if one and not any(r[0] == section and r[2] in best for r in raw_criteria(code)):
            best[criterion], worst[criterion] = options[-1][0], options[0][0]
    assert compute(loaded(code), [best] * 3, expected_count=3).star == 5
    assert compute(loaded(code), [worst] * 3, expected_count=3).star == expected_star(code, [worst] * 3)[2] <= 2
