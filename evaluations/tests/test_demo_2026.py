"""`seed_demo --regime province` runs 2026 under Decision 26/2026 (issue 20, item 8): a round closed before 30/06 with
a product above 70 held below 3★ by a minimum, one at 2★, recognitions with product codes, the ministry path with the
province's fallback, and the year's open round with its window; the 2024 history is untouched; idempotent."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from evaluations.demo_2026 import CUTOFF, END, seed_2026
from evaluations.models import Certificate, MinistryReferral, Recognition, Result
from ocop.models import AuditEntry, Authority
from programme.enums import RoundStage
from programme.models import Round


@pytest.mark.django_db
def test_the_province_demo_holds_2026_under_26_2026(settings):
    settings.DEBUG = True
    call_command("seed_demo", regime="province", stdout=io.StringIO())
    authority = Authority.objects.get()
    round_ = Round.objects.get(year__year=2026, proposal_cutoff=CUTOFF, closes_by=END)
    assert round_.stage == RoundStage.APPROVED
    assert timezone.localdate(round_.approved_at) < datetime.date(2026, 6, 30) and not round_.closed_late()
    results = {
        r.dossier.product.name: r
        for r in Result.objects.filter(dossier__round=round_).select_related("dossier__product")
    }
    recognised = dict(Recognition.objects.filter(dossier__round=round_).values_list("dossier__product__name", "star"))

    held = results["Mật ong hoa vải Bà Thu"]
    assert held.mean > 70 and held.band_star == 4 and held.star == 2
    assert any(mark["star"] == 3 for mark in held.failed_marks)
    low = results["Tương nếp Làng Nội"]
    assert low.star == 2 and low.mean < 50
    assert "Mật ong hoa vải Bà Thu" not in recognised and "Tương nếp Làng Nội" not in recognised
    assert not Certificate.objects.filter(product__in=[held.dossier.product, low.dossier.product]).exists()
    assert recognised["Chè xanh Đồi Mây"] == 4 and recognised["Bánh đa nem Sông Cầu"] == 3

    # The ministry path: approved and sent, not confirmed at 90, recognised 4★ by the province on the central score.
    chicken = results["Gà đồi Kinh Bắc"]
    assert chicken.mean == 100 and chicken.province_result_star == 0
    assert MinistryReferral.objects.get(result=chicken).central_score == 84.5
    assert recognised["Gà đồi Kinh Bắc"] == 4
    fallback = Recognition.objects.get(dossier=chicken.dossier)
    assert fallback.decision.on_central_evaluation and round_.decision != fallback.decision
    assert Certificate.objects.filter(recognition=fallback).exists()

    # Codes: the official form when the province and the commune have codes, else initials (with the warning).
    for code in Recognition.objects.filter(dossier__round=round_).values_list("product_code", flat=True):
        assert code.endswith("-2026") and code.startswith(f"{authority.province_code}-")

    # The open round of the year carries a window around the clock; the 2024 round keeps none.
    today = timezone.localdate()
    if today.year == 2026:
        assert Round.objects.filter(year__year=2026, stage=RoundStage.OPEN, proposal_cutoff__gte=today).exists()
    assert Round.objects.get(year__year=2024, number=1).closes_by is None

    # Idempotent: a second run writes nothing.
    audit_rows = AuditEntry.objects.count()
    seed_2026(authority)
    assert AuditEntry.objects.count() == audit_rows


@pytest.mark.django_db
def test_the_district_demo_has_no_2026_story(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert not Round.objects.filter(proposal_cutoff=CUTOFF).exists()
