"""The 26 sheets of Decision 26/2026 beside the 148 ones: loaded and validated, with the third level of sets 11 and
13, the transcription's warnings, remarks, inferred options and disqualifiers kept; versioned per edition."""

import shutil

import pytest
import yaml

from evaluations.models import CouncilMember, ScoreSheet
from ocop.tests.factories import UserFactory
from products.tests.factories import DossierFactory
from programme.criteria import (
    CRITERIA_2026_DIR,
    CRITERIA_DIR,
    EDITION_148,
    EDITION_2026,
    load_all,
    load_file,
    set_for,
    sync,
)
from programme.models import CriteriaSet

SHARED = {"24", "25"}  # the two sets the transcription found no defect in
THIRD_LEVEL = {
    # set: {level-2 heading: (maximum, level-3 criteria)}
    "11": {"6.1": (4, ["6.1.1", "6.1.2"]), "6.2": (11, ["6.2.1", "6.2.2", "6.2.3"])},
    "13": {"6.1": (10, None), "6.2": (5, None)},
}


def raw(code):
    (path,) = CRITERIA_2026_DIR.glob(f"{code}-*.yaml")
    with path.open(encoding="utf-8") as fh:
        return path, yaml.safe_load(fh)


def test_all_26_files_of_2026_load_and_validate():
    sets = load_all(CRITERIA_2026_DIR)
    assert [s.code for s in sets] == [f"{n:02d}" for n in range(1, 27)]
    assert {s.edition for s in sets} == {EDITION_2026}
    assert {s.code for s in sets if s.verified} == SHARED
    for loaded in sets:
        _path, data = raw(loaded.code)
        assert [p["max_points"] for p in loaded.parts] == [40, 25, 35], loaded.code
        # the file's own warnings reach the set, in Vietnamese, and nothing else (its arithmetic adds up)
        assert loaded.warnings == data.get("warnings_vi", []), loaded.code
        assert len(loaded.warnings) == len(data["warnings"]), loaded.code
        assert bool(loaded.warnings) is (not loaded.verified)
        assert loaded.source["commit"].startswith("94397bf")
        codes = [c["code"] for p in loaded.parts for s in p["sections"] for c in s["criteria"]]
        assert len(codes) == len(set(codes))
        raw_codes = [c["code"] for p in data["parts"] for s in p["sections"] for c in s["criteria"]]
        assert codes == raw_codes
    # the 148 files keep their edition
    assert {s.edition for s in load_all(CRITERIA_DIR)} == {EDITION_148}


@pytest.mark.parametrize("code", sorted(THIRD_LEVEL))
def test_the_third_level_of_sets_11_and_13_is_kept(code):
    (path,) = CRITERIA_2026_DIR.glob(f"{code}-*.yaml")
    loaded = load_file(path)
    (section,) = [s for p in loaded.parts for s in p["sections"] if s["code"] == "6"]
    by_code = {sub["code"]: sub for sub in section["subsections"]}
    assert sorted(by_code) == ["6.1", "6.2"]
    criteria = {c["code"]: c for c in section["criteria"]}
    for sub_code, (maximum, members) in THIRD_LEVEL[code].items():
        sub = by_code[sub_code]
        assert sub["max_points"] == maximum
        if members is not None:
            assert sub["criteria"] == members
        assert all(m.startswith(sub_code + ".") for m in sub["criteria"])
        assert sum(criteria[m]["max_points"] for m in sub["criteria"]) == maximum
        # the first criterion of each heading carries it, for the sheet pages
        assert criteria[sub["criteria"][0]]["subsection_heading"]["code"] == sub_code
        assert all(criteria[m]["subsection"] == sub_code for m in sub["criteria"])
    assert section["max_points"] == sum(sub["max_points"] for sub in section["subsections"])


@pytest.mark.django_db
def test_criteria_yields_every_third_level_criterion_with_its_code():
    sync(CRITERIA_2026_DIR)
    set11 = set_for(EDITION_2026, "11")
    codes = [criterion["code"] for _part, _section, criterion in set11.criteria()]
    assert [c for c in codes if c.startswith("6.")] == ["6.1.1", "6.1.2", "6.2.1", "6.2.2", "6.2.3"]
    assert set11.max_total == 100


def test_remarks_inferred_options_and_disqualifiers_are_kept():
    path, data = raw("11")
    loaded = load_file(path)
    criteria = {c["code"]: c for p in loaded.parts for s in p["sections"] for c in s["criteria"]}
    assert criteria["2.4"]["options"][0].get("inferred") is True
    assert all(o.get("inferred") for o in criteria["2.4"]["options"])
    assert not any(o.get("inferred") for o in criteria["1.1"]["options"])
    hinted = [c for p in data["parts"] for s in p["sections"] for c in s["criteria"] if c.get("hint")]
    assert hinted and all(criteria[c["code"]]["hint"] == c["hint"] for c in hinted)
    header = [d for d in loaded.disqualifiers if d["criterion"] is None]
    assert len(header) == 1 and header[0]["text"].startswith("Hồ sơ bị loại khi")
    assert {"criterion": "6.1.1", "effect": "stop_evaluation"}.items() <= next(
        d for d in loaded.disqualifiers if d["criterion"] == "6.1.1"
    ).items()


def test_the_148_sheets_json_is_unchanged_by_the_new_keys():
    """No key appears in a 148 sheet that the 2026 schema added (a changed checksum would version every set)."""
    for loaded in load_all(CRITERIA_DIR):
        for part in loaded.parts:
            for section in part["sections"]:
                assert "subsections" not in section
                for criterion in section["criteria"]:
                    assert "subsection" not in criterion and "subsection_heading" not in criterion
                    assert all("inferred" not in option for option in criterion["options"])


# ---------------------------------------------------------------------------------------------------------------------
# Sync: both editions, idempotent, versioned per edition.
# ---------------------------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_sync_loads_both_editions_and_twice_adds_nothing():
    assert sync() == {"created": 52, "updated": 0, "unchanged": 0, "new_versions": 0}
    assert sync() == {"created": 0, "updated": 0, "unchanged": 52, "new_versions": 0}
    assert CriteriaSet.objects.filter(edition=EDITION_148).count() == 26
    assert CriteriaSet.objects.filter(edition=EDITION_2026).count() == 26
    set11 = CriteriaSet.objects.get(edition=EDITION_2026, code="11")
    assert set11.warnings and set11.disqualifiers and set11.source
    assert not set11.usable  # unverified and unchecked: decision 12
    assert CriteriaSet.objects.get(edition=EDITION_2026, code="24").usable


@pytest.fixture
def copy_2026(tmp_path):
    for path in CRITERIA_2026_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _score(criteria_set):
    dossier = DossierFactory(product__criteria_set=criteria_set)
    member = CouncilMember.objects.create(round=dossier.round, user=UserFactory())
    first = next(criteria_set.criteria())[2]
    return ScoreSheet.objects.create(
        dossier=dossier,
        member=member,
        criteria_set=criteria_set,
        choices={first["code"]: first["options"][0]["points"]},
    )


@pytest.mark.django_db
def test_a_corrected_file_makes_version_2_and_a_scored_sheet_keeps_version_1(copy_2026):
    sync(CRITERIA_DIR)
    sync(copy_2026)
    version1 = set_for(EDITION_2026, "11")
    old_148 = CriteriaSet.objects.get(edition=EDITION_148, code="11")
    sheet = _score(version1)

    # the office checks the official text and corrects the 6.1.1 option that read "11"
    (path,) = copy_2026.glob("11-*.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Có rất ít tạp chất, chấp nhận được", "Có rất ít tạp chất (đã đối chiếu)"), "utf-8")
    counts = sync(copy_2026)
    assert counts == {"created": 0, "updated": 0, "unchanged": 25, "new_versions": 1}
    version2 = set_for(EDITION_2026, "11")
    assert (version1.version, version2.version) == (1, 2)
    assert version2.confirmed_at is None
    sheet.refresh_from_db()
    assert sheet.criteria_set_id == version1.pk  # the scored sheet keeps its version
    version1.refresh_from_db()
    assert "Có rất ít tạp chất, chấp nhận được" in str(version1.sheet)
    # the 148 set of the same code is another edition: untouched
    assert CriteriaSet.objects.filter(edition=EDITION_148, code="11").get() == old_148
    assert sync(copy_2026)["new_versions"] == 0  # idempotent after the correction too


@pytest.mark.django_db
def test_an_unscored_set_is_corrected_in_place_and_needs_a_new_check(copy_2026, district_officer):
    from evaluations.domain import confirm_criteria_set

    sync(copy_2026)
    set11 = set_for(EDITION_2026, "11")
    confirm_criteria_set(set11, by=district_officer)
    (path,) = copy_2026.glob("11-*.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace("Có tạp chất", "Có tạp chất lạ"), "utf-8")
    assert sync(copy_2026)["updated"] == 1
    set11.refresh_from_db()
    assert (set11.version, set11.confirmed_at) == (1, None)
