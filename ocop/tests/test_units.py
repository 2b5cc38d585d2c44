"""Administrative units after 1/7/2025: the official list, the old map as history, successor authorities."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from ocop import units
from ocop.enums import AuthorityLevel, UnitKind
from ocop.models import AuditEntry, Authority, Commune, FormerUnit
from ocop.tests.factories import AuthorityFactory, CommuneFactory
from products.tests.factories import ProducerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bac_ninh(db):
    return AuthorityFactory(
        name="UBND tỉnh Bắc Ninh", short_name="Bắc Ninh", code="BN", province="Bắc Ninh", level=AuthorityLevel.PROVINCE
    )


@pytest.fixture
def loaded(bac_ninh):
    units.sync_units(bac_ninh, "24")
    return bac_ninh


# ------------------------------------------------------------------------------------------------ today's units
def test_bac_ninh_has_99_units_with_five_digit_codes(bac_ninh):
    out = io.StringIO()
    call_command("sync_units", "--province", "24", "--authority", "BN", stdout=out)
    communes = Commune.objects.filter(authority=bac_ninh)
    assert communes.count() == 99
    assert all(len(c.code) == 5 and c.code.isdigit() for c in communes)
    assert communes.values("code").distinct().count() == 99
    kinds = {kind: communes.filter(kind=kind).count() for kind in (UnitKind.COMMUNE, UnitKind.WARD)}
    assert kinds == {UnitKind.COMMUNE: 66, UnitKind.WARD: 33}
    bao_dai = communes.get(code="07462")
    assert (bao_dai.name, bao_dai.kind, bao_dai.retired_on) == ("Bảo Đài", UnitKind.COMMUNE, None)
    assert "99 created" in out.getvalue()
    # Idempotent: a second run changes nothing and says so.
    out = io.StringIO()
    call_command("sync_units", "--province", "24", "--authority", "BN", stdout=out)
    assert "0 created, 0 adopted, 0 renamed, 0 retired, 0 restored, 99 unchanged" in out.getvalue()
    assert Commune.objects.filter(authority=bac_ninh).count() == 99


def test_a_rename_in_the_list_renames_the_same_row(loaded):
    listed = units.official_units("24")
    bao_dai = Commune.objects.get(authority=loaded, code="07462")
    renamed = [dict(u, name="Bảo Đài Mới") if u["code"] == "07462" else u for u in listed]
    summary = units.sync_units(loaded, "24", units=renamed)
    assert [c.pk for c in summary.renamed] == [bao_dai.pk]
    bao_dai.refresh_from_db()
    assert bao_dai.name == "Bảo Đài Mới" and bao_dai.code == "07462"
    entry = AuditEntry.objects.get(action="commune.renamed_from_list", object_id=bao_dai.pk)
    assert entry.changes["name"] == ["Bảo Đài", "Bảo Đài Mới"]


def test_a_referenced_unit_no_longer_listed_is_retired_not_deleted(loaded):
    bao_dai = Commune.objects.get(authority=loaded, code="07462")
    producer = ProducerFactory(commune=bao_dai)
    without = [u for u in units.official_units("24") if u["code"] != "07462"]
    summary = units.sync_units(loaded, "24", units=without, today=datetime.date(2026, 12, 1))
    bao_dai.refresh_from_db()
    assert bao_dai.retired_on == datetime.date(2026, 12, 1)
    assert [c.pk for c in summary.retired] == [bao_dai.pk]
    producer.refresh_from_db()
    assert producer.commune_id == bao_dai.pk
    # Listed again: restored, same row.
    summary = units.sync_units(loaded, "24")
    bao_dai.refresh_from_db()
    assert bao_dai.retired_on is None and [c.pk for c in summary.restored] == [bao_dai.pk]


def test_a_typed_commune_without_code_is_adopted_by_its_listed_unit(bac_ninh):
    typed = CommuneFactory(authority=bac_ninh, name="bảo đài", slug="bao-dai", code="")
    old = CommuneFactory(authority=bac_ninh, name="Thanh Lâm", slug="thanh-lam", code="")
    summary = units.sync_units(bac_ninh, "24")
    assert ([c.pk for c in summary.adopted], len(summary.created)) == ([typed.pk], 98)
    typed.refresh_from_db()
    old.refresh_from_db()
    assert (typed.code, typed.name, typed.slug) == ("07462", "Bảo Đài", "bao-dai")
    assert old.retired_on is not None  # not in today's list: kept, marked
    assert Commune.objects.filter(authority=bac_ninh, retired_on__isnull=True).count() == 99


def test_an_unknown_province_code_is_refused(bac_ninh):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sync_units", "--province", "99", "--authority", "BN", stdout=io.StringIO())


# ------------------------------------------------------------------------------------------------ the old map
def test_luc_nam_former_communes_are_linked_to_todays_units(loaded):
    out = io.StringIO()
    call_command(
        "load_former_units", "--district", "Lục Nam", "--province", "Bắc Giang", "--authority", "BN", stdout=out
    )
    formers = FormerUnit.objects.filter(district_key="luc nam", province_key="bac giang")
    assert formers.count() == 24  # the package's list (Vũ Xá had gone into another commune before 2025)
    assert not formers.filter(successor__isnull=True).exists()
    thanh_lam = formers.get(name="Thanh Lâm")
    assert str(thanh_lam) == "Xã Thanh Lâm, Huyện Lục Nam, Tỉnh Bắc Giang"
    assert thanh_lam.old_code == "07465" and not thanh_lam.is_split
    assert (thanh_lam.successor.name, thanh_lam.successor.code) == ("Bảo Đài", "07462")
    assert formers.get(name="Đồi Ngô").kind == UnitKind.TOWNSHIP
    assert formers.get(name="Đồi Ngô").successor.name == "Lục Nam"
    assert formers.get(name="Yên Sơn").successor.name == "Bắc Lũng"
    assert "24 former units, 24 linked" in out.getvalue()
    call_command("load_former_units", "--district", "Lục Nam", "--province", "Bắc Giang", stdout=io.StringIO())
    assert FormerUnit.objects.count() == 24  # idempotent


def test_map_former_ignores_prefixes_accents_and_case(loaded):
    result = units.map_former("xa thanh lam", "huyen luc nam", "BAC GIANG", authority=loaded)
    assert result.commune == Commune.objects.get(authority=loaded, code="07462")
    assert not result.needs_review
    assert str(result.former_unit) == "Xã Thanh Lâm, Huyện Lục Nam, Tỉnh Bắc Giang"
    again = units.map_former("Xã Thanh Lâm", "Huyện Lục Nam", "Tỉnh Bắc Giang", authority=loaded)
    assert again.former_unit.pk == result.former_unit.pk and FormerUnit.objects.count() == 1


def test_map_former_before_the_units_are_loaded_needs_review_then_links(bac_ninh):
    early = units.map_former("Thanh Lâm", "Lục Nam", "Bắc Giang", authority=bac_ninh)
    assert early.commune is None and early.needs_review and early.former_unit.new_code == "07462"
    units.sync_units(bac_ninh, "24")  # links the former units it can
    early.former_unit.refresh_from_db()
    assert early.former_unit.successor.code == "07462"
    assert units.map_former("Thanh Lâm", "Lục Nam", "Bắc Giang", authority=bac_ninh).commune.code == "07462"


def test_an_unknown_former_commune_needs_review(loaded):
    result = units.map_former("Vũ Xá", "Lục Nam", "Bắc Giang", authority=loaded)
    assert (result.commune, result.needs_review, result.former_unit) == (None, True, None)
    cam_ly = Commune.objects.get(authority=loaded, name="Cẩm Lý")
    units.record_former_unit("Vũ Xá", "Huyện Lục Nam", "Tỉnh Bắc Giang", successor=cam_ly)
    result = units.map_former("Vũ Xá", "Lục Nam", "Bắc Giang", authority=loaded)
    assert result.commune == cam_ly and not result.needs_review
    assert AuditEntry.objects.filter(action="former_unit.recorded").count() == 1


def test_a_split_commune_is_reported_with_its_candidates_and_never_mapped(db):
    """The package knows splits (its DICT_PROVINCE_WARD_DIVIDED): Tân Hồng of Bình Giang (Hải Dương) went partly
    into Đường An and partly into Thượng Hồng (Hải Phòng, code 31)."""
    hai_phong = AuthorityFactory(name="UBND thành phố Hải Phòng", code="HP", province="Hải Phòng")
    units.sync_units(hai_phong, "31")
    result = units.map_former("Tân Hồng", "Bình Giang", "Hải Dương", authority=hai_phong)
    assert result.commune is None and result.needs_review
    assert result.former_unit.is_split and result.former_unit.successor is None
    assert sorted(c.name for c in result.candidates) == ["Thượng Hồng", "Đường An"]
    assert result.provisional == result.candidates[0]
    assert result.provisional.name == "Đường An"  # the package's default part


# ------------------------------------------------------------------------------------------------ successors
def test_succession_names_the_authority_that_manages_the_records_now(bac_ninh):
    luc_nam = AuthorityFactory(name="UBND huyện Lục Nam", code="LN")
    bac_giang = AuthorityFactory(name="UBND tỉnh Bắc Giang", code="BG", level=AuthorityLevel.PROVINCE)
    end = datetime.date(2025, 6, 30)
    assert units.record_succession(luc_nam, bac_ninh, end) is True
    assert units.record_succession(bac_giang, bac_ninh, end) is True
    assert units.record_succession(luc_nam, bac_ninh, end) is False  # idempotent
    luc_nam.refresh_from_db()
    assert (luc_nam.valid_to, luc_nam.successor, luc_nam.current_manager) == (end, bac_ninh, bac_ninh)
    assert bac_ninh.current_manager == bac_ninh
    assert set(bac_ninh.predecessors.values_list("code", flat=True)) == {"LN", "BG"}
    assert AuditEntry.objects.filter(action="authority.succession_recorded").count() == 2
    with pytest.raises(ValueError):
        units.record_succession(bac_ninh, luc_nam, end)  # a loop
    assert Authority.objects.get(pk=bac_ninh.pk).successor is None


def test_names_that_begin_like_a_kind_word_and_units_of_one_name(loaded):
    # "Phương Sơn" is a name, not "phường Sơn".
    phuong_son = units.map_former("Phương Sơn", "Lục Nam", "Bắc Giang", authority=loaded)
    assert phuong_son.former_unit.kind == UnitKind.TOWNSHIP and phuong_son.commune.name == "Lục Nam"
    # Huyện Chi Lăng had a township and a commune both called Chi Lăng: the kind word chooses; without it the name
    # is ambiguous and left for review.
    township = units.map_former("Thị trấn Chi Lăng", "Huyện Chi Lăng", "Tỉnh Lạng Sơn")
    commune = units.map_former("Xã Chi Lăng", "Huyện Chi Lăng", "Tỉnh Lạng Sơn")
    assert (township.former_unit.kind, commune.former_unit.kind) == (UnitKind.TOWNSHIP, UnitKind.COMMUNE)
    assert township.former_unit.pk != commune.former_unit.pk
    assert township.former_unit.old_code != commune.former_unit.old_code
    unclear = units.map_former("Chi Lăng", "Chi Lăng", "Lạng Sơn")
    assert unclear.former_unit is None and unclear.needs_review


def test_the_communes_page_shows_codes_and_units_no_longer_listed(loaded, make_user, client_for):
    from ocop.enums import Role

    office = make_user(Role.DISTRICT_OFFICE, username="phong-bn")
    gone = CommuneFactory(authority=loaded, name="Thanh Lâm", slug="thanh-lam-cu", code="")
    units.sync_units(loaded, "24")
    client = client_for(office)
    page = client.get(reverse("communes"), {"q": "07462"}).content.decode()
    assert "Bảo Đài" in page and "07462" in page
    page = client.get(reverse("communes"), {"q": "Thanh Lâm"}).content.decode()
    assert gone.name in page and "không còn trong danh mục chính thức" in page
