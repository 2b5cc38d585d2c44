"""The criteria sets: validation of the YAML sheets and their versioned sync into CriteriaSet rows (decisions 3, 12)."""

import copy
import shutil

import pytest
import yaml
from django.utils import timezone
from django.utils.translation import override

from evaluations.models import CouncilMember, ScoreSheet
from ocop.tests.factories import UserFactory
from products.tests.factories import DossierFactory
from programme.criteria import CRITERIA_DIR, CriteriaError, load_all, load_file, sync, validate
from programme.models import CriteriaSet

SET_06 = "06-che-bien-tu-gao-ngu-coc.yaml"
SET_01 = "01-rau-cu-qua-hat-tuoi.yaml"
UNVERIFIED = {"07", "11", "12", "13", "17", "18", "24", "25", "26"}
PART_C_SHORT = {"11": 32, "12": 32, "13": 33}


def raw(filename=SET_06):
    with (CRITERIA_DIR / filename).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def find_criterion(data, code):
    for part in data["parts"]:
        for section in part["sections"]:
            for criterion in section["criteria"]:
                if criterion["code"] == code:
                    return criterion
    raise KeyError(code)


def find_section(data, code):
    for part in data["parts"]:
        for section in part["sections"]:
            if section["code"] == code:
                return part, section
    raise KeyError(code)


def refused(data):
    """validate() must refuse; return its message (in the source language, so words can be checked too)."""
    with override("en"), pytest.raises(CriteriaError) as excinfo:
        validate(data)
    return str(excinfo.value)


# ---------------------------------------------------------------------------------------------------------------------
# The 26 shipped files.
# ---------------------------------------------------------------------------------------------------------------------
def test_all_26_files_load():
    sets = load_all()
    assert [s.code for s in sets] == [f"{n:02d}" for n in range(1, 27)]
    assert {s.code for s in sets if not s.verified} == UNVERIFIED
    for loaded in sets:
        assert [p["code"] for p in loaded.parts] == ["A", "B", "C"]
        assert loaded.name and loaded.industry and loaded.group and loaded.legal_basis


@pytest.mark.parametrize("path", sorted(CRITERIA_DIR.glob("*.yaml")), ids=lambda p: p.name[:2])
def test_each_file_loads(path):
    loaded = load_file(path)
    assert loaded.code == path.name[:2]
    if loaded.verified:
        assert loaded.warnings == []
        assert [p["max_points"] for p in loaded.parts] == [40, 25, 35]
    codes = [c["code"] for p in loaded.parts for s in p["sections"] for c in s["criteria"]]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize(("code", "part_c"), sorted(PART_C_SHORT.items()))
def test_sets_11_12_13_load_with_part_c_warnings(code, part_c):
    (path,) = CRITERIA_DIR.glob(f"{code}-*.yaml")
    with override("en"):
        loaded = load_file(path)
    assert loaded.verified is False
    assert loaded.warnings
    assert any(w.startswith("part C") and str(part_c) in w for w in loaded.warnings)
    assert [p["max_points"] for p in loaded.parts] == [40, 25, part_c]


def test_checksum_covers_the_sheet():
    first, second = load_file(CRITERIA_DIR / SET_06), load_file(CRITERIA_DIR / SET_06)
    assert first.checksum == second.checksum
    data = raw()
    find_criterion(data, "1b")["options"][0]["text"] += " (sửa)"
    assert validate(data).checksum != first.checksum


# ---------------------------------------------------------------------------------------------------------------------
# Structural errors refuse every set, verified or not, naming the set and the criterion.
# ---------------------------------------------------------------------------------------------------------------------
def non_integer_points(data):
    find_criterion(data, "1c")["options"][1]["points"] = 1.5


def string_points(data):
    find_criterion(data, "1c")["options"][1]["points"] = "2"


def negative_points(data):
    find_criterion(data, "1c")["options"][0]["points"] = -1


def options_not_ascending(data):
    options = find_criterion(data, "1c")["options"]
    options[0], options[1] = options[1], options[0]


def options_repeating_points(data):
    find_criterion(data, "1c")["options"][1]["points"] = 1


def repeated_star_mark(data):
    options = find_criterion(data, "1c")["options"]
    options[2]["min_for_star"] = 4  # 4★ already sits on option 2


def inverted_star_marks(data):
    options = find_criterion(data, "1c")["options"]
    options[1]["min_for_star"] = 5  # 5★ on the 2-pt option, 4★ on the 3-pt one
    options[2]["min_for_star"] = 4


def unknown_star_mark(data):
    find_criterion(data, "1c")["options"][0]["min_for_star"] = 6


def missing_criterion_name(data):
    del find_criterion(data, "1c")["name"]


def missing_criterion_options(data):
    del find_criterion(data, "1c")["options"]


def missing_option_points(data):
    del find_criterion(data, "1c")["options"][1]["points"]


def missing_option_text(data):
    del find_criterion(data, "1c")["options"][1]["text"]


def empty_options(data):
    find_criterion(data, "1c")["options"] = []


def repeated_criterion_code(data):
    find_criterion(data, "1d")["code"] = "1c"


STRUCTURAL = [
    (non_integer_points, "1.5"),
    (string_points, "not a whole number"),
    (negative_points, "not a whole number"),
    (options_not_ascending, "rise"),
    (options_repeating_points, "rise"),
    (repeated_star_mark, "repeated"),
    (inverted_star_marks, "higher star"),
    (unknown_star_mark, "3, 4 or 5"),
    (missing_criterion_name, "name"),
    (missing_criterion_options, "options"),
    (missing_option_points, "no points"),
    (missing_option_text, "no text"),
    (empty_options, "no options"),
    (repeated_criterion_code, "repeated"),
]


@pytest.mark.parametrize("verified", [True, False], ids=["verified", "unverified"])
@pytest.mark.parametrize(("mutate", "words"), STRUCTURAL, ids=[m.__name__ for m, _ in STRUCTURAL])
def test_structural_errors_name_the_set_and_criterion(mutate, words, verified):
    data = raw()
    data["verified"] = verified
    mutate(data)
    message = refused(data)
    assert "06" in message
    assert "criterion 1c" in message
    assert words in message


def test_error_message_names_the_set_in_the_active_language():
    # without forcing English the codes still appear (the words may be translated)
    data = raw()
    find_criterion(data, "1đ")["options"][0]["points"] = 0.5
    with pytest.raises(CriteriaError) as excinfo:
        validate(data)
    assert "06" in str(excinfo.value)
    assert "1đ" in str(excinfo.value)


@pytest.mark.parametrize("field", ["code", "name", "industry", "group", "legal_basis", "parts"])
def test_missing_header_field(field):
    data = raw()
    del data[field]
    with override("en"), pytest.raises(CriteriaError) as excinfo:
        validate(data, source="06")  # as load_file does: the file name stands in for a missing code
    message = str(excinfo.value)
    assert "06" in message
    assert f"“{field}”" in message


def test_missing_section_and_part_fields():
    data = raw()
    del find_section(data, "5")[1]["max_points"]
    message = refused(data)
    assert "06" in message and "part B" in message and "max_points" in message

    data = raw()
    del data["parts"][2]["sections"]
    message = refused(data)
    assert "06" in message and "sections" in message


def test_parts_must_be_a_b_c_in_order():
    data = raw()
    data["parts"] = [data["parts"][1], data["parts"][0], data["parts"][2]]
    assert "06" in refused(data)

    data = raw()
    data["parts"][2]["code"] = "D"
    message = refused(data)
    assert "06" in message and "part D" in message


# ---------------------------------------------------------------------------------------------------------------------
# Arithmetic: refuses a verified set; only a warning in an unverified one.
# ---------------------------------------------------------------------------------------------------------------------
def criterion_max_differs(data):
    find_criterion(data, "1c")["max_points"] = 4  # best option is 3
    return "criterion 1c"


def section_max_differs(data):
    find_section(data, "2")[1]["max_points"] = 11  # 2a + 2b + 2c = 10
    return "section 2"


def part_declared_max_differs(data):
    data["parts"][0]["max_points"] = 41  # sections add up to 40
    return "part A"


def part_total_not_decision(data):
    # a consistent but wrong part: 1c worth 4 (a new 4-pt option), section 1 and part A follow → A totals 41, not 40
    criterion = find_criterion(data, "1c")
    criterion["options"].append({"text": "Thêm một mức", "points": 4})
    criterion["max_points"] = 4
    find_section(data, "1")[1]["max_points"] += 1
    data["parts"][0]["max_points"] = 41
    return "part A"


def part_c_short(data):
    # like sets 11-13: a criterion of part C and its section lose a point, so part C totals 34
    criterion = find_criterion(data, "11")
    criterion["options"].pop()
    criterion["max_points"] = 2
    find_section(data, "11")[1]["max_points"] = 2
    return "part C"


ARITHMETIC = [
    criterion_max_differs,
    section_max_differs,
    part_declared_max_differs,
    part_total_not_decision,
    part_c_short,
]


@pytest.mark.parametrize("mutate", ARITHMETIC, ids=[m.__name__ for m in ARITHMETIC])
def test_arithmetic_refuses_a_verified_set(mutate):
    data = raw()
    assert data["verified"] is True
    where = mutate(data)
    message = refused(data)
    assert "06" in message
    assert where in message


@pytest.mark.parametrize("mutate", ARITHMETIC, ids=[m.__name__ for m in ARITHMETIC])
def test_arithmetic_only_warns_in_an_unverified_set(mutate):
    data = raw()
    data["verified"] = False
    where = mutate(data)
    with override("en"):
        loaded = validate(data)
    assert loaded.verified is False
    assert any(w.startswith(where) for w in loaded.warnings), loaded.warnings


def test_choose_one_section_counts_one_case():
    data = raw("26-dich-vu-du-lich-cong-dong-du-lich-sinh-thai-va-diem-du-lich.yaml")
    loaded = validate(copy.deepcopy(data))
    assert loaded.warnings == []
    section = find_section({"parts": loaded.parts}, "8")[1]
    assert section["choose_one"] is True
    assert section["max_points"] == 3
    # the same section without choose_one adds both cases up: 6 ≠ 3
    find_section(data, "8")[1]["choose_one"] = False
    with override("en"):
        loaded = validate(data)
    assert any(w.startswith("section 8") for w in loaded.warnings)


# ---------------------------------------------------------------------------------------------------------------------
# sync(): CriteriaSet rows, idempotent, versioned once a set has scores (decision 3).
# ---------------------------------------------------------------------------------------------------------------------
@pytest.fixture
def criteria_copy(tmp_path):
    """All 26 files, copied so a test may edit them."""
    for path in CRITERIA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


@pytest.fixture
def two_sets(tmp_path):
    """Sets 01 and 06 only: parsing all 26 files takes about a second per sync."""
    for name in (SET_01, SET_06):
        shutil.copy(CRITERIA_DIR / name, tmp_path / name)
    return tmp_path


def edit(directory, filename, old, new):
    path = directory / filename
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def score(criteria_set, choices):
    dossier = DossierFactory(product__criteria_set=criteria_set)
    member = CouncilMember.objects.create(round=dossier.round, user=UserFactory())
    return ScoreSheet.objects.create(dossier=dossier, member=member, criteria_set=criteria_set, choices=choices)


@pytest.mark.django_db
def test_sync_creates_every_set_and_is_idempotent(criteria_copy):
    assert sync(criteria_copy) == {"created": 26, "updated": 0, "unchanged": 0, "new_versions": 0}
    assert CriteriaSet.objects.count() == 26
    assert sync(criteria_copy) == {"created": 0, "updated": 0, "unchanged": 26, "new_versions": 0}
    assert CriteriaSet.objects.count() == 26

    set06 = CriteriaSet.objects.get(edition="qd148-2023", code="06")
    loaded = load_file(criteria_copy / SET_06)
    assert set06.version == 1
    assert set06.sheet == loaded.parts
    assert set06.checksum == loaded.checksum
    assert set06.verified is True
    assert set06.max_total == 100
    assert set06.loaded_at is not None
    set11 = CriteriaSet.objects.get(edition="qd148-2023", code="11")
    assert set11.verified is False
    assert set11.warnings
    assert set11.max_total == 97


@pytest.mark.django_db
def test_changing_a_scored_set_creates_a_new_version(criteria_copy):
    sync(criteria_copy)
    version1 = CriteriaSet.objects.get(edition="qd148-2023", code="06", version=1)
    original_sheet = copy.deepcopy(version1.sheet)
    original_checksum = version1.checksum
    sheet = score(version1, {"1a": 1})
    assert version1.has_scores()

    edit(criteria_copy, SET_06, '"Chế biến đơn giản"', '"Chế biến đơn giản, thủ công"')
    counts = sync(criteria_copy)
    assert counts == {"created": 0, "updated": 0, "unchanged": 25, "new_versions": 1}

    versions = list(CriteriaSet.objects.filter(edition="qd148-2023", code="06").order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    old, new = versions
    assert old.sheet == original_sheet
    assert old.checksum == original_checksum
    assert new.checksum != original_checksum
    assert find_criterion({"parts": new.sheet}, "1b")["options"][0]["text"] == "Chế biến đơn giản, thủ công"
    assert find_criterion({"parts": old.sheet}, "1b")["options"][0]["text"] == "Chế biến đơn giản"
    sheet.refresh_from_db()
    assert sheet.criteria_set_id == old.pk

    # idempotent again: the latest version matches the file
    assert sync(criteria_copy) == {"created": 0, "updated": 0, "unchanged": 26, "new_versions": 0}
    assert CriteriaSet.objects.filter(edition="qd148-2023", code="06").count() == 2


@pytest.mark.django_db
def test_changing_an_unscored_set_updates_it_in_place(two_sets):
    sync(two_sets)
    set01 = CriteriaSet.objects.get(edition="qd148-2023", code="01")
    old_checksum = set01.checksum
    first_option = find_criterion({"parts": set01.sheet}, "1a")["options"][0]["text"]

    edit(two_sets, SET_01, f'"{first_option}"', f'"{first_option} (đã sửa)"')
    counts = sync(two_sets)
    assert counts == {"created": 0, "updated": 1, "unchanged": 1, "new_versions": 0}

    (set01,) = CriteriaSet.objects.filter(edition="qd148-2023", code="01")
    assert set01.version == 1
    assert set01.checksum != old_checksum
    assert find_criterion({"parts": set01.sheet}, "1a")["options"][0]["text"] == f"{first_option} (đã sửa)"


# Decision 12: a staff check covers one sheet; a sheet changed in place needs a new check.
@pytest.mark.django_db
def test_changing_an_unscored_set_clears_the_staff_check(two_sets):
    sync(two_sets)
    set01 = CriteriaSet.objects.get(edition="qd148-2023", code="01")
    set01.confirmed_by, set01.confirmed_at = UserFactory(), timezone.now()
    set01.save()
    first_option = find_criterion({"parts": set01.sheet}, "1a")["options"][0]["text"]

    edit(two_sets, SET_01, f'"{first_option}"', f'"{first_option} (đã sửa)"')
    assert sync(two_sets)["updated"] == 1

    set01.refresh_from_db()
    assert set01.checksum == load_file(two_sets / SET_01).checksum
    # a changed sheet needs a new staff check (decision 12)
    assert set01.confirmed_by is None
    assert set01.confirmed_at is None


@pytest.mark.django_db
def test_an_unchanged_sync_keeps_the_staff_check(two_sets):
    sync(two_sets)
    set01 = CriteriaSet.objects.get(edition="qd148-2023", code="01")
    staff = UserFactory()
    set01.confirmed_by, set01.confirmed_at = staff, timezone.now()
    set01.save()
    assert sync(two_sets)["unchanged"] == 2
    set01.refresh_from_db()
    assert set01.confirmed_by == staff
    assert set01.confirmed_at is not None


@pytest.mark.django_db
def test_a_blank_draft_sheet_is_not_a_score(two_sets):
    sync(two_sets)
    version1 = CriteriaSet.objects.get(edition="qd148-2023", code="06")
    score(version1, {})
    assert not version1.has_scores()

    edit(two_sets, SET_06, '"Chế biến đơn giản"', '"Chế biến đơn giản, thủ công"')
    assert sync(two_sets)["updated"] == 1
    (set06,) = CriteriaSet.objects.filter(edition="qd148-2023", code="06")
    assert find_criterion({"parts": set06.sheet}, "1b")["options"][0]["text"] == "Chế biến đơn giản, thủ công"


@pytest.mark.django_db
def test_a_header_change_of_a_scored_set_keeps_the_version(two_sets):
    # only the sheet (parts) is versioned: a corrected name does not change what was scored
    sync(two_sets)
    version1 = CriteriaSet.objects.get(edition="qd148-2023", code="06")
    score(version1, {"1a": 1})
    edit(two_sets, SET_06, 'name: "Chế biến từ gạo, ngũ cốc"', 'name: "Chế biến từ gạo và ngũ cốc"')
    assert sync(two_sets)["updated"] == 1
    (set06,) = CriteriaSet.objects.filter(edition="qd148-2023", code="06")
    assert set06.name == "Chế biến từ gạo và ngũ cốc"


@pytest.mark.django_db
def test_an_invalid_file_stops_the_sync_without_writing(two_sets):
    edit(two_sets, SET_06, "points: 1\n        min_for_star: 3", "points: 1.5\n        min_for_star: 3")
    with pytest.raises(CriteriaError):
        sync(two_sets)
    assert CriteriaSet.objects.count() == 0
