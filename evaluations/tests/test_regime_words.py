"""Issue 18, item 9: the words of a regime come from its data (the authority's level and the next level), never a
hard-coded "huyện" or "tỉnh": the dashboard's title, the form that records the next level's result, its message and
the forwarded list's file name, under Decision 148 (district) and Decision 1489 (province)."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from evaluations.models import Result
from ocop import domain as ocop_domain
from ocop.enums import AuthorityLevel
from products.enums import DossierStatus
from products.tests.factories import DossierFactory, ProducerFactory, RoundFactory, known_regime
from programme.enums import RoundStage
from programme.regimes import ensure_regimes

REGIMES = {
    "district-148": {
        "settings": {"level": AuthorityLevel.DISTRICT, "name": "UBND huyện Lục Nam", "province_code": "BG"},
        "level": "huyện",
        "next": "tỉnh",
        "file": "de-nghi-tinh",
        "forwarded_star": 4,
    },
    "province-1489": {
        "settings": {"level": AuthorityLevel.PROVINCE, "name": "UBND tỉnh Bắc Giang", "code": "BG"},
        "level": "tỉnh",
        "next": "Bộ Nông nghiệp và Môi trường",
        "file": "de-nghi-bo",
        "forwarded_star": 5,
        "regime": "qd1489-2025",  # under 26/2026 a product at 90 takes the ministry path (test_results_2026.py)
    },
}


@pytest.fixture(params=sorted(REGIMES))
def regime(request, authority, sysadmin):
    spec = REGIMES[request.param]
    ocop_domain.update_authority_settings(authority, by=sysadmin, **spec["settings"])
    authority.refresh_from_db()
    return spec


@pytest.fixture
def forwarded(regime, authority, commune):
    """An approved round with one result at the next level's star and a mean of 95: forwarded under both regimes."""
    round_ = RoundFactory(year__authority=authority, stage=RoundStage.APPROVED)
    regime_row = None
    if regime.get("regime"):
        ensure_regimes()
        regime_row = known_regime(regime["regime"])
    dossier = DossierFactory(
        product__producer=ProducerFactory(commune=commune),
        round=round_,
        status=DossierStatus.ACCEPTED,
        regime=regime_row,
    )
    result = Result.objects.create(
        dossier=dossier, sheet_count=4, expected_count=4, points_sum=380, mean=95, min_total=94, max_total=96,
        band_star=5, star=5,
    )  # fmt: skip
    assert result.forwarded(authority)
    return result


def test_the_dashboard_is_named_after_the_authoritys_level(regime, district_officer, client_for):
    client = client_for(district_officer)
    title = f"Bảng điều khiển của {regime['level']}"
    dashboard = client.get(reverse("insights:dashboard")).content.decode()
    assert re.search(r"<h1[^>]*>\s*" + re.escape(title) + r"\s*</h1>", dashboard)
    assert f"<title>{title}" in dashboard
    other = {"huyện", "tỉnh"} - {regime["level"]}
    assert not any(f"Bảng điều khiển của {word}" in dashboard for word in other)


def test_the_next_levels_result_is_recorded_under_its_own_name(regime, forwarded, district_officer, client_for):
    client = client_for(district_officer)
    url = reverse("evaluations:result", args=[forwarded.dossier_id])
    page = client.get(url).content.decode()
    assert f"Kết quả của {regime['next']}" in page
    assert f"Số quyết định của {regime['next']}" in page
    if regime["next"] != "tỉnh":
        assert "Kết quả của tỉnh" not in page and "quyết định của tỉnh" not in page

    star = regime["forwarded_star"]
    answer = client.post(
        reverse("evaluations:province_result", args=[forwarded.dossier_id]),
        {"star": star, "decision": "12/QĐ", "date": timezone.localdate().strftime("%d/%m/%Y")},
        follow=True,
    ).content.decode()
    assert f"Đã ghi nhận kết quả của {regime['next']}." in answer
    forwarded.refresh_from_db()
    assert forwarded.province_result_star == star


def test_the_forwarded_list_is_named_for_the_next_level(regime, forwarded, district_officer, client_for):
    round_ = forwarded.dossier.round
    response = client_for(district_officer).get(reverse("evaluations:forwarded_xlsx", args=[round_.pk]))
    expected = f"{regime['file']}-dot-{round_.number}-{round_.year.year}.xlsx"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == f"De nghi {regime['file'].removeprefix('de-nghi-')}"
    assert regime["next"] in sheet["A1"].value
