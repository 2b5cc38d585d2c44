"""Folding the Lục Nam district's backup into UBND tỉnh Bắc Ninh (issue 21, item 4)."""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from evaluations.enums import CertificateKind
from evaluations.models import Certificate
from ocop import units
from ocop.enums import Role
from ocop.models import AuditEntry, Authority, Commune
from ocop.units import record_former_unit
from products.models import Document, Producer, Product
from products.tests.factories import ProductFactory
from products.units import choose_unit, producers_needing_choice
from programme.models import ProgrammeYear
from takeover import fold
from takeover.models import EntryStatus, LedgerEntry

pytestmark = pytest.mark.django_db


def counts():
    return {label: apps.get_model(label)._base_manager.count() for label in fold.PLAN}


def media_files():
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def test_every_table_of_the_programme_is_folded_or_skipped_for_a_reason():
    labels = {
        m._meta.label
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in {"ocop", "programme", "products", "evaluations", "funding", "auth"}
        and not m._meta.proxy
    }
    # Tables added since the fold was written must be placed in PLAN (copied) or SKIPPED (with the reason).
    assert labels - set(fold.PLAN) - set(fold.SKIPPED) == set()
    assert set(fold.PLAN) & set(fold.SKIPPED) == set()
    for position, label in enumerate(fold.PLAN):
        for f in apps.get_model(label)._meta.concrete_fields:
            related = f.related_model._meta.label if f.is_relation else None
            if related and related != label and related in fold.PLAN:
                assert fold.PLAN.index(related) < position, f"{label}.{f.name} needs {related} first"


def test_fold_keeps_the_district_history_under_its_authority(lucnam_backup, bac_ninh, client):
    report = fold.fold(lucnam_backup, into=bac_ninh)

    lucnam = Authority.objects.get(code="LN")
    assert (lucnam.name, lucnam.valid_to, lucnam.successor) == (
        "UBND huyện Lục Nam",
        datetime.date(2025, 6, 30),
        bac_ninh,
    )
    years = set(ProgrammeYear.objects.values_list("authority__code", "year"))
    assert ("LN", 2024) in years and {code for code, _year in years} == {"LN"}
    # Every producer came over, in its new unit. Vũ Xá (merged before 2025) is not in the official list of former
    # units: held, with no producer of the demo in it.
    assert Producer.objects.count() == report.created["products.Producer"] > 0
    assert [(e[0], e[2]) for e in report.held] == [("ocop.Commune", "xã Vũ Xá, Lục Nam")]
    assert ("thị trấn Phương Sơn, Lục Nam", "xã Lục Nam", "mapped", ["xã Lục Nam"]) in report.communes
    thanh_lam = Producer.objects.filter(former_unit__name="Thanh Lâm")
    assert thanh_lam.exists()
    assert {p.commune.name for p in thanh_lam} == {"Bảo Đài"}
    assert set(Producer.objects.values_list("commune__authority", flat=True)) == {bac_ninh.pk}
    # Files came over with their checksums.
    documents = list(Document.objects.all())
    assert documents and report.files > 0
    for document in documents:
        path = Path(settings.MEDIA_ROOT) / document.file.name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == document.sha256
    # Accounts: inactive, no usable password, no role.
    thuky = apps.get_model("auth.User").objects.get(username="ln.thuky")
    assert (thuky.is_active, thuky.has_usable_password(), thuky.groups.count()) == (False, False, 0)
    assert AuditEntry.objects.filter(action="takeover.fold").count() == 1


def test_a_lucnam_2024_certificate_verifies_after_the_fold_with_its_original_issuer(lucnam_backup, bac_ninh, client):
    fold.fold(lucnam_backup, into=bac_ninh)

    certificates = Certificate.objects.filter(authority__code="LN", year=2024).order_by("number")
    assert certificates.exists()
    certificate = certificates.first()
    assert certificate.number.endswith("/GCN-LN-2024")
    response = client.get(reverse("evaluations:verify", args=[certificate.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert certificate.number in page
    assert certificate.issuer in page and "Lục Nam" in certificate.issuer
    assert certificate.authority.name == "UBND huyện Lục Nam"
    assert certificate.authority.current_manager == bac_ninh


def test_a_second_run_adds_nothing(lucnam_backup, bac_ninh):
    first = fold.fold(lucnam_backup, into=bac_ninh)
    before, files = counts(), media_files()
    ledger = LedgerEntry.objects.count()

    second = fold.fold(lucnam_backup, into=bac_ninh)

    assert first.rows > 100
    assert second.rows == 0 and sum(second.created.values()) == 0
    assert counts() == before
    assert media_files() == files
    assert LedgerEntry.objects.count() == ledger
    assert len(second.held) == len(first.held)


def test_dry_run_reports_what_a_run_does_and_writes_nothing(lucnam_backup, bac_ninh):
    before, files = counts(), media_files()

    dry = fold.fold(lucnam_backup, into=bac_ninh, dry_run=True)

    assert counts() == before
    assert media_files() == files
    assert not Authority.objects.filter(code="LN").exists()
    real = fold.fold(lucnam_backup, into=bac_ninh)
    assert dry.dry_run and not real.dry_run
    assert dry.created == real.created and dry.rows > 100
    assert dry.communes == real.communes
    assert [e[:3] for e in dry.held] == [e[:3] for e in real.held]
    assert dry.files == real.files


def test_dry_run_through_the_command_prints_the_report(lucnam_backup, bac_ninh, capsys):
    call_command("fold_district", str(lucnam_backup), "--into", "24", "--dry-run")

    out = capsys.readouterr().out
    assert "(dry run: nothing written)" in out
    assert "xã Thanh Lâm, Lục Nam → xã Bảo Đài (mapped)" in out
    assert "Held back (former commune unknown):" in out
    assert not Producer.objects.exists()


def test_a_split_commune_needs_the_office_s_review_and_is_never_mapped_silently(lucnam_backup, bac_ninh, make_user):
    bao_dai, luc_nam = (Commune.objects.get(authority=bac_ninh, name=n) for n in ("Bảo Đài", "Lục Nam"))
    record_former_unit("Thanh Lâm", "Lục Nam", "Bắc Giang", candidates=[luc_nam, bao_dai])

    report = fold.fold(lucnam_backup, into=bac_ninh)

    producers = list(Producer.objects.filter(former_unit__name="Thanh Lâm"))
    assert producers
    # On the review page, each one, in the provisional unit until the office chooses.
    assert set(producers_needing_choice().filter(former_unit__name="Thanh Lâm")) == set(producers)
    assert {p.commune for p in producers} == {luc_nam}
    assert sorted(e[2] for e in report.review) == sorted(p.name for p in producers)
    assert ("xã Thanh Lâm, Lục Nam", "xã Lục Nam", "split", ["xã Lục Nam", "xã Bảo Đài"]) in report.communes
    office = make_user(Role.DISTRICT_OFFICE, username="so-nn")
    choose_unit(producers[0], bao_dai, by=office, reason="Thôn Sơn Đình về xã Bảo Đài")
    assert producers[0] not in producers_needing_choice()
    assert set(Product.objects.filter(producer=producers[0]).values_list("commune", flat=True)) == {bao_dai.pk}


def test_a_held_producer_is_imported_once_the_office_records_where_its_commune_went(
    lucnam_backup, bac_ninh, monkeypatch
):
    # The official list does not know Thanh Lâm (as it does not know Vũ Xá, merged before 2025).
    real = units.map_former
    monkeypatch.setattr(
        units,
        "map_former",
        lambda name, *args, **kwargs: (
            units.MappingResult(commune=None, needs_review=True)
            if name.endswith("Thanh Lâm")
            else real(name, *args, **kwargs)
        ),
    )
    first = fold.fold(lucnam_backup, into=bac_ninh)
    held = [e for e in first.held if e[0] == "products.Producer"]
    assert held
    assert not Producer.objects.filter(former_unit__name="Thanh Lâm").exists()
    assert not Product.objects.filter(producer__name__in=[e[2] for e in held]).exists()
    assert {e.former_commune for e in fold.held_entries(bac_ninh).filter(table="products.Producer")} == {
        "xã Thanh Lâm, Lục Nam"
    }
    before = Producer.objects.count()
    monkeypatch.setattr(units, "map_former", real)  # the office recorded it (record_former_unit)

    second = fold.fold(lucnam_backup, into=bac_ninh)

    assert second.created["products.Producer"] == len(held)
    assert Producer.objects.count() == before + len(held)
    assert {p.commune.name for p in Producer.objects.filter(former_unit__name="Thanh Lâm")} == {"Bảo Đài"}
    assert [e for e in second.held if e[0] != "ocop.Commune"] == []
    assert not LedgerEntry.objects.filter(status=EntryStatus.HELD).exclude(table="ocop.Commune").exists()
    third = fold.fold(lucnam_backup, into=bac_ninh)
    assert third.rows == 0


def test_a_certificate_whose_code_is_already_used_here_is_refused(lucnam_backup, bac_ninh):
    first = fold.fold(lucnam_backup, into=bac_ninh, dry_run=True)
    assert first.refused == []
    # Another issuer of the province already printed a certificate with the number of a Lục Nam one.
    taken = "001/GCN-LN-2024"
    product = ProductFactory(producer__commune=Commune.objects.filter(authority=bac_ninh).first())
    Certificate.objects.create(
        kind=CertificateKind.RECORDED,
        authority=bac_ninh,
        product=product,
        number=taken,
        decision_date=datetime.date(2025, 9, 1),
        product_name=product.name,
        producer_name=product.producer.name,
        producer_address="Thôn Sơn Đình 2",
        star=3,
        issued_on=datetime.date(2025, 9, 1),
        valid_until=datetime.date(2028, 9, 1),
        issuer="UBND tỉnh Bắc Ninh",
    )

    report = fold.fold(lucnam_backup, into=bac_ninh)

    refused = [e for e in report.refused if e[0] == "evaluations.Certificate"]
    assert [(label, note) for _t, _pk, label, note in refused] == [
        (taken, f"number {taken} is already used here by UBND tỉnh Bắc Ninh")
    ]
    assert Certificate.objects.filter(number=taken).count() == 1
