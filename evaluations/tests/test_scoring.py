"""Scores to stars (decisions.md 4-10): evaluations.scoring is pure, so none of these tests touch the database."""

import functools
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from evaluations.scoring import (
    FailedMark,
    band_star,
    compute,
    criterion_means,
    failed_marks,
    final_star,
    missing_criteria,
    quorum_met,
    sheet_total,
    to_decimal,
    valid_choice,
)
from programme.criteria import load_file

CRITERIA_DIR = Path(__file__).resolve().parents[2] / "programme" / "criteria"
SET_06 = CRITERIA_DIR / "06-che-bien-tu-gao-ngu-coc.yaml"
SET_26 = CRITERIA_DIR / "26-dich-vu-du-lich-cong-dong-du-lich-sinh-thai-va-diem-du-lich.yaml"


# ---------------------------------------------------------------------------------------------------------------------
# Hand-built sheets, in the schema of programme/criteria (parts → sections → criteria → options).
# ---------------------------------------------------------------------------------------------------------------------
def option(points, star=None):
    return {"text": f"{points} điểm", "points": points, "min_for_star": star}


def criterion(code, options, name=None):
    return {
        "code": code,
        "name": name or f"Tiêu chí {code}",
        "hint": "",
        "max_points": options[-1]["points"],
        "options": options,
    }


def section(code, criteria, choose_one=False):
    maxima = [c["max_points"] for c in criteria]
    return {
        "code": code,
        "name": f"Mục {code}",
        "hint": "",
        "max_points": max(maxima) if choose_one else sum(maxima),
        "choose_one": choose_one,
        "criteria": criteria,
    }


def part(code, sections):
    return {
        "code": code,
        "name": f"Phần {code}",
        "max_points": sum(s["max_points"] for s in sections),
        "sections": sections,
    }


def marks_sheet():
    """Three gated criteria (the 2-pt option is the minimum for 3★, 4★, 5★ respectively) and a free filler 0..94."""
    return [
        part(
            "A",
            [
                section(
                    "1",
                    [
                        criterion("m3", [option(0), option(1), option(2, 3)]),
                        criterion("m4", [option(0), option(1), option(2, 4)]),
                        criterion("m5", [option(0), option(1), option(2, 5)]),
                    ],
                )
            ],
        ),
        part("B", [section("2", [criterion("fill", [option(p) for p in range(95)])])]),
    ]


def marks_choices(total, m3=2, m4=2, m5=2):
    """One member's choices adding up to ``total`` with the given gated points."""
    fill = total - m3 - m4 - m5
    assert 0 <= fill <= 94
    return {"m3": m3, "m4": m4, "m5": m5, "fill": fill}


def choose_one_sheet():
    """Like set 26 §8: two alternative cases, exactly one is scored; case 1 carries a 3★ mark."""
    return [
        part("A", [section("1", [criterion("1a", [option(1), option(2), option(3)])])]),
        part(
            "C",
            [
                section(
                    "8",
                    [
                        criterion("8a", [option(0), option(1), option(2, 3)], "Trường hợp 1"),
                        criterion("8b", [option(0), option(1), option(2, 3)], "Trường hợp 2"),
                    ],
                    choose_one=True,
                )
            ],
        ),
    ]


@pytest.fixture(scope="module")
def set06():
    return load_file(SET_06).parts


@pytest.fixture(scope="module")
def set26():
    return load_file(SET_26).parts


# ---------------------------------------------------------------------------------------------------------------------
# Bands (decision 6): exact comparison, no rounding.
# ---------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mean", "star"),
    [
        ("0", 1),
        ("29.99", 1),
        ("30", 2),
        ("49.99", 2),
        ("50", 3),
        ("69.99", 3),
        ("70", 4),
        ("89.99", 4),
        ("90", 5),
        ("100", 5),
    ],
)
def test_band_edges_as_fraction_and_decimal(mean, star):
    assert band_star(Fraction(mean)) == star
    assert band_star(Decimal(mean)) == star


def test_band_edges_just_below_a_floor_are_not_rounded_up():
    assert band_star(Fraction(70) - Fraction(1, 10**12)) == 3
    assert band_star(Decimal("89.9999999999")) == 4


def test_band_of_a_repeating_mean_is_not_rounded():
    assert band_star(Fraction(209, 3)) == 3  # 69.666…, would be 70 rounded to a whole point
    assert band_star(Fraction(210, 3)) == 4  # exactly 70
    # 3 members with totals 70, 70, 69: mean 69.67 → 3★, even though it is shown as 69.67 and the band edge is 70.
    outcome = compute(marks_sheet(), [marks_choices(70), marks_choices(70), marks_choices(69)], expected_count=3)
    assert outcome.mean == Fraction(209, 3)
    assert (outcome.band, outcome.star) == (3, 3)
    assert to_decimal(outcome.mean) == Decimal("69.67")


# ---------------------------------------------------------------------------------------------------------------------
# Mandatory minimums (decisions 7 and 8): marks are cumulative.
# ---------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("total", "gated", "band", "star", "failed"),
    [
        # every mark met: the band stands
        (95, {}, 5, 5, []),
        (75, {}, 4, 4, []),
        (55, {}, 3, 3, []),
        # a failed 5★ mark on a 95 mean → 4★
        (95, {"m5": 1}, 5, 4, [(5, "m5")]),
        # a failed 4★ mark at 75 → 3★; at 95 it also caps the 5★ band at 3★
        (75, {"m4": 1}, 4, 3, [(4, "m4")]),
        (95, {"m4": 1}, 5, 3, [(4, "m4")]),
        # a failed 3★ mark drops a 4★-band product to 2★ (not recognised), and a 5★-band one too
        (75, {"m3": 1}, 4, 2, [(3, "m3")]),
        (95, {"m3": 0}, 5, 2, [(3, "m3")]),
        # mean 55 with a failed 3★ mark → 2★
        (55, {"m3": 1}, 3, 2, [(3, "m3")]),
        # marks above the band do not matter
        (55, {"m4": 0, "m5": 0}, 3, 3, [(4, "m4"), (5, "m5")]),
        (75, {"m5": 0}, 4, 4, [(5, "m5")]),
        # failed 4★ and 5★ marks together at 95 → 3★
        (95, {"m4": 0, "m5": 0}, 5, 3, [(4, "m4"), (5, "m5")]),
        # band 2 and band 1 stand regardless of marks
        (35, {}, 2, 2, []),
        (35, {"m3": 0, "m4": 0, "m5": 0}, 2, 2, [(3, "m3"), (4, "m4"), (5, "m5")]),
        (20, {"m3": 0, "m4": 0, "m5": 0}, 1, 1, [(3, "m3"), (4, "m4"), (5, "m5")]),
    ],
)
def test_failed_marks_are_cumulative(total, gated, band, star, failed):
    choices = marks_choices(total, **gated)
    outcome = compute(marks_sheet(), [choices, dict(choices)], expected_count=2)
    assert outcome.mean == total
    assert outcome.band == band
    assert outcome.star == star
    assert [(f.star, f.criterion) for f in outcome.failed_marks] == failed


@pytest.mark.parametrize(
    ("band", "failed_levels", "star"),
    [
        (5, set(), 5),
        (5, {5}, 4),
        (5, {4}, 3),
        (5, {3}, 2),
        (5, {4, 5}, 3),
        (5, {3, 5}, 2),
        (4, {5}, 4),
        (4, {4}, 3),
        (4, {3}, 2),
        (3, {4, 5}, 3),
        (3, {3}, 2),
        (2, {3, 4, 5}, 2),
        (1, {3}, 1),
    ],
)
def test_final_star(band, failed_levels, star):
    failed = [FailedMark(level, f"c{level}", "x", 2, Fraction(1)) for level in failed_levels]
    assert final_star(band, failed) == star


def test_failed_mark_records_the_requirement_and_the_mean():
    sheet = marks_sheet()
    outcome = compute(
        sheet, [marks_choices(75, m4=1), marks_choices(75, m4=2), marks_choices(75, m4=1)], expected_count=3
    )
    assert outcome.failed_marks == [FailedMark(4, "m4", "Tiêu chí m4", 2, Fraction(4, 3))]
    assert outcome.failed_marks[0].as_dict() == {
        "star": 4,
        "criterion": "m4",
        "name": "Tiêu chí m4",
        "required": 2,
        "mean": "1.33",
    }


# ---------------------------------------------------------------------------------------------------------------------
# The consolidated sheet: marks are checked on the mean of the members' chosen points, per criterion.
# ---------------------------------------------------------------------------------------------------------------------
def consolidated_sheet():
    return [
        part(
            "A",
            [
                section(
                    "1",
                    [
                        criterion("1c", [option(1), option(2, 4), option(3)]),
                        criterion("fill", [option(p) for p in range(80)]),
                    ],
                )
            ],
        )
    ]


def test_mark_met_on_average_when_one_member_chose_below_it():
    # marked option 2 pts; members chose 1, 3, 2 → mean 2 → met
    choice_sets = [{"1c": 1, "fill": 74}, {"1c": 3, "fill": 72}, {"1c": 2, "fill": 73}]
    outcome = compute(consolidated_sheet(), choice_sets, expected_count=3)
    assert outcome.criterion_means["1c"] == 2
    assert outcome.failed_marks == []
    assert outcome.mean == 75
    assert outcome.star == 4


def test_mark_failed_when_the_mean_is_just_below_it():
    # 99 members choose the marked option, one chooses below it: mean 1.99 → failed
    choice_sets = [{"1c": 2, "fill": 73}] * 99 + [{"1c": 1, "fill": 74}]
    outcome = compute(consolidated_sheet(), choice_sets, expected_count=100)
    assert outcome.criterion_means["1c"] == Fraction(199, 100)
    assert [(f.star, f.criterion, f.required) for f in outcome.failed_marks] == [(4, "1c", 2)]
    assert outcome.mean == 75
    assert (outcome.band, outcome.star) == (4, 3)


def test_failed_marks_compare_exactly():
    sheet = consolidated_sheet()
    assert failed_marks(sheet, {"1c": Fraction(2) - Fraction(1, 10**9)})[0].criterion == "1c"
    assert failed_marks(sheet, {"1c": Fraction(2)}) == []
    assert failed_marks(sheet, {"1c": Fraction(5, 3)})[0].mean == Fraction(5, 3)


def test_criterion_means_are_exact_fractions():
    means = criterion_means(consolidated_sheet(), [{"1c": 1, "fill": 1}, {"1c": 2, "fill": 1}, {"1c": 2, "fill": 2}])
    assert means == {"1c": Fraction(5, 3), "fill": Fraction(4, 3)}
    assert all(isinstance(value, Fraction) for value in means.values())


# ---------------------------------------------------------------------------------------------------------------------
# Sheets: totals, blanks, valid choices, choose-one sections (set 26 §8, §9, §15).
# ---------------------------------------------------------------------------------------------------------------------
def test_sheet_total_and_missing_criteria():
    sheet = marks_sheet()
    assert sheet_total(sheet, marks_choices(75)) == 75
    assert missing_criteria(sheet, marks_choices(75)) == []
    missing = missing_criteria(sheet, {"m3": 2, "fill": 10})
    assert [c["code"] for c in missing] == ["m4", "m5"]


def test_valid_choice():
    crit = criterion("1a", [option(1, 3), option(3), option(5)])
    assert valid_choice(crit, 3)
    assert not valid_choice(crit, 2)
    assert not valid_choice(crit, 6)


def test_choose_one_requires_exactly_one_case():
    sheet = choose_one_sheet()
    assert missing_criteria(sheet, {"1a": 1, "8a": 2}) == []
    assert missing_criteria(sheet, {"1a": 1, "8b": 0}) == []
    for choices in ({"1a": 1}, {"1a": 1, "8a": 2, "8b": 1}):
        missing = missing_criteria(sheet, choices)
        assert [c["code"] for c in missing] == ["8"], choices
        assert missing[0]["name"] == "Mục 8"


def test_choose_one_ignores_the_unscored_case():
    sheet = choose_one_sheet()
    # case 2 unscored: its 3★ mark (which would fail with a mean of 0) is not checked
    choice_sets = [{"1a": 3, "8a": 2}, {"1a": 2, "8a": 2}]
    means = criterion_means(sheet, choice_sets)
    assert means == {"1a": Fraction(5, 2), "8a": 2}
    assert "8b" not in means
    assert failed_marks(sheet, means) == []
    # case 1 scored below its mark
    assert [f.criterion for f in failed_marks(sheet, criterion_means(sheet, [{"1a": 3, "8a": 1}]))] == ["8a"]


def test_choose_one_in_set_26(set26):
    choose_one = [s for p in set26 for s in p["sections"] if s["choose_one"]]
    assert [s["code"] for s in choose_one] == ["8", "9", "15"]
    full = {}
    for p in set26:
        for s in p["sections"]:
            for c in s["criteria"][:1] if s["choose_one"] else s["criteria"]:
                full[c["code"]] = c["options"][-1]["points"]
    assert missing_criteria(set26, full) == []
    assert sheet_total(set26, full) == 100
    both = full | {"8b": 1}
    assert [c["code"] for c in missing_criteria(set26, both)] == ["8"]
    neither = {k: v for k, v in full.items() if k not in ("9a", "9b")}
    assert [c["code"] for c in missing_criteria(set26, neither)] == ["9"]
    means = criterion_means(set26, [full, full])
    assert "8a" in means
    assert not {"8b", "9b", "15b"} & set(means)


# ---------------------------------------------------------------------------------------------------------------------
# Spread (decision 9) and quorum (decision 10).
# ---------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("totals", "threshold", "flagged"),
    [
        ((80, 90), 10, False),
        ((80, 91), 10, True),
        ((80, 85, 90), 10, False),
        ((79, 85, 90), 10, True),
        ((80, 92), Decimal("12.5"), False),
        ((80, 93), Decimal("12.5"), True),
        ((80, 90), Decimal("10"), False),
        ((80, 80), 0, False),
        ((80, 81), 0, True),
    ],
)
def test_spread_flag(totals, threshold, flagged):
    outcome = compute(
        marks_sheet(), [marks_choices(t) for t in totals], expected_count=len(totals), spread_threshold=threshold
    )
    assert outcome.spread == max(totals) - min(totals)
    assert outcome.spread_flag is flagged
    assert ("spread" in outcome.flags) is flagged


def test_spread_default_threshold_is_10():
    assert not compute(marks_sheet(), [marks_choices(80), marks_choices(90)], expected_count=2).spread_flag
    assert compute(marks_sheet(), [marks_choices(80), marks_choices(91)], expected_count=2).spread_flag


@pytest.mark.parametrize(
    ("submitted", "expected", "percent", "met"),
    [
        (6, 8, 75, True),
        (5, 8, 75, False),
        (8, 8, 75, True),
        (0, 8, 75, False),
        (0, 0, 75, False),
        (3, 4, 75, True),
        (2, 3, 75, False),  # 66.7 %
        (5, 7, 75, False),  # 71.4 %
        (6, 7, 75, True),
        (2, 3, Decimal("66.67"), False),  # 66.666… < 66.67: no rounding
        (2, 3, Decimal("66.66"), True),
    ],
)
def test_quorum(submitted, expected, percent, met):
    assert quorum_met(submitted, expected, percent) is met


def test_compute_quorum_flag():
    sheets = [marks_choices(80)] * 6
    assert compute(marks_sheet(), sheets, expected_count=8).quorum_met
    outcome = compute(marks_sheet(), sheets[:5], expected_count=8)
    assert not outcome.quorum_met
    assert outcome.flags == ["quorum"]


def test_compute_without_sheets():
    outcome = compute(marks_sheet(), [], expected_count=8)
    assert outcome.mean is None
    assert outcome.band is None
    assert outcome.star is None
    assert outcome.sheet_count == 0
    assert outcome.expected_count == 8
    assert outcome.totals == []
    assert outcome.failed_marks == []
    assert not outcome.quorum_met
    assert outcome.flags == ["quorum"]


def test_mean_is_exact_and_shown_with_two_decimals():
    outcome = compute(marks_sheet(), [marks_choices(t) for t in (71, 72, 72)], expected_count=3)
    assert outcome.mean == Fraction(215, 3)
    assert isinstance(outcome.mean, Fraction)
    assert to_decimal(outcome.mean) == Decimal("71.67")
    assert to_decimal(Fraction(145, 2)) == Decimal("72.50")


# ---------------------------------------------------------------------------------------------------------------------
# A realistic council: set 06, 7 members, mean ≈ 72, the 4★ mark on 1c (2 pts, "quy mô trung bình") fails.
# ---------------------------------------------------------------------------------------------------------------------
SET_06_BASE = {
    # Part A (32)
    "1a": 5,
    "1b": 2,
    "1c": 1,  # 4★ mark sits on 2
    "1d": 2,
    "1đ": 2,
    "1e": 1,
    "2a": 4,
    "2b": 2,
    "2c": 3,
    "3a": 2,
    "3b": 1,
    "3c": 3,
    "3d": 2,
    "3đ": 1,
    "3e": 1,
    # Part B (18)
    "4a": 3,
    "4b": 3,
    "4c": 3,
    "5a": 3,
    "5b": 5,
    "5c": 1,
    # Part C (22)
    "6a": 1,
    "6b": 2,
    "6c": 2,
    "6d": 2,
    "6đ": 3,
    "7": 3,
    "8a": 2,
    "8b": 1,
    "9": 3,
    "10": 1,
    "11": 2,
}
SET_06_MEMBERS = [
    {},  # 72
    {"1c": 2, "5a": 2},  # 72
    {"4c": 4},  # 73
    {"4c": 2},  # 71
    {"1c": 2, "11": 3},  # 74
    {"5a": 1, "11": 1},  # 69
    {"1c": 2, "4c": 4, "5a": 1},  # 72
]


def test_set_06_council_with_a_failed_4_star_mark(set06):
    choice_sets = [SET_06_BASE | changes for changes in SET_06_MEMBERS]
    for choices in choice_sets:
        assert missing_criteria(set06, choices) == []
        crits = {c["code"]: c for p in set06 for s in p["sections"] for c in s["criteria"]}
        assert all(valid_choice(crits[code], points) for code, points in choices.items())

    outcome = compute(set06, choice_sets, expected_count=7)

    assert outcome.totals == [72, 72, 73, 71, 74, 69, 72]
    assert outcome.mean == Fraction(503, 7)  # 71.857…
    assert to_decimal(outcome.mean) == Decimal("71.86")
    assert outcome.band == 4
    assert outcome.star == 3
    assert outcome.criterion_means["1c"] == Fraction(10, 7)
    up_to_4 = [f for f in outcome.failed_marks if f.star <= 4]
    assert up_to_4 == [FailedMark(4, "1c", "Năng lực sản xuất để đáp ứng yêu cầu phân phối", 2, Fraction(10, 7))]
    assert up_to_4[0].as_dict()["mean"] == "1.43"
    assert outcome.spread == 5
    assert outcome.flags == []

    # the same council with every member at the 1c mark: 4★
    fixed = [choices | {"1c": 2} for choices in choice_sets]
    outcome = compute(set06, fixed, expected_count=7)
    assert outcome.band == 4
    assert outcome.star == 4
    assert [f for f in outcome.failed_marks if f.star <= 4] == []


# ---------------------------------------------------------------------------------------------------------------------
# Property-based tests.
# ---------------------------------------------------------------------------------------------------------------------
@st.composite
def random_criterion(draw, code):
    points = sorted(draw(st.sets(st.integers(0, 12), min_size=1, max_size=6)))
    options = []
    highest = 0
    for p in points:
        mark = draw(st.sampled_from([None, None, 3, 4, 5]))
        if mark is not None and mark > highest:  # valid marks: rising, never repeated
            highest = mark
        else:
            mark = None
        options.append(option(p, mark))
    return criterion(code, options)


@st.composite
def random_sheet(draw):
    count = draw(st.integers(1, 12))
    criteria = [draw(random_criterion(f"c{i}")) for i in range(count)]
    # a coarse free criterion (0..100 in steps of ``scale``) so every band from 1★ to 5★ is reachable
    scale = draw(st.integers(1, 10))
    criteria.append(criterion("bulk", [option(p * scale) for p in range(0, 100 // scale + 1)]))
    return [part("A", [section("1", criteria)])]


@functools.cache
def real_sheets():
    return [load_file(SET_06).parts, load_file(SET_26).parts]


@st.composite
def sheet_and_council(draw):
    """A sheet and 3-8 members' valid choices. The council shares a level (0 = lowest options, 1 = best) and each
    member strays one option either way from it, so every band occurs, with marks both met and missed."""
    sheet = draw(st.one_of(random_sheet(), st.sampled_from(real_sheets())))
    level = draw(st.sampled_from([0, 0.25, 0.5, 0.7, 0.8, 0.9, 1]))
    members = draw(st.integers(3, 8))
    choice_sets = []
    for _ in range(members):
        choices = {}
        for p in sheet:
            for s in p["sections"]:
                crits = [draw(st.sampled_from(s["criteria"]))] if s.get("choose_one") else s["criteria"]
                for c in crits:
                    last = len(c["options"]) - 1
                    centre = round(level * last)
                    index = draw(st.integers(max(0, centre - 1), min(last, centre + 1)))
                    choices[c["code"]] = c["options"][index]["points"]
        choice_sets.append(choices)
    return sheet, choice_sets


@settings(max_examples=200, deadline=None)
@given(sheet_and_council())
def test_star_never_exceeds_band(case):
    sheet, choice_sets = case
    assert all(missing_criteria(sheet, c) == [] for c in choice_sets)
    outcome = compute(sheet, choice_sets, expected_count=len(choice_sets))
    event(f"band {outcome.band}, star {outcome.star}")
    assert outcome.mean == Fraction(sum(outcome.totals), len(outcome.totals))
    assert outcome.band == band_star(outcome.mean)
    assert 1 <= outcome.star <= band_star(outcome.mean)
    # the star is exactly the definition of decision 8
    failed_levels = {f.star for f in outcome.failed_marks}
    expected = max(
        [s for s in range(3, 6) if outcome.band >= s and not failed_levels & set(range(3, s + 1))],
        default=min(outcome.band, 2),
    )
    assert outcome.star == expected


@settings(max_examples=200, deadline=None)
@given(sheet_and_council(), st.data())
def test_star_never_rises_when_a_member_lowers_a_choice(case, data):
    sheet, choice_sets = case
    before = compute(sheet, choice_sets, expected_count=len(choice_sets))

    index = data.draw(st.integers(0, len(choice_sets) - 1), label="member")
    crits = {c["code"]: c for p in sheet for s in p["sections"] for c in s["criteria"]}
    lowerable = [
        code for code, points in choice_sets[index].items() if any(o["points"] < points for o in crits[code]["options"])
    ]
    if not lowerable:
        return
    code = data.draw(st.sampled_from(sorted(lowerable)), label="criterion")
    current = choice_sets[index][code]
    lower = data.draw(st.sampled_from([o["points"] for o in crits[code]["options"] if o["points"] < current]))
    changed = [dict(c) for c in choice_sets]
    changed[index][code] = lower

    after = compute(sheet, changed, expected_count=len(changed))
    assert after.mean < before.mean
    assert after.band <= before.band
    assert after.star <= before.star
    before_marks = {(f.star, f.criterion) for f in before.failed_marks}
    assert before_marks <= {(f.star, f.criterion) for f in after.failed_marks}
