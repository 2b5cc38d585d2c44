"""The PTNT_OCOP export (Decision 5277/QĐ-BNNMT) of the province after the fold: the former district's certificates
with the official codes of today's communes (issue 21, item 5)."""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from evaluations.models import Certificate
from insights import reports
from ocop import domain
from ocop.enums import Role
from takeover import fold

pytestmark = pytest.mark.django_db


def test_ptnt_ocop_lists_the_folded_certificates_with_official_unit_codes(lucnam_backup, bac_ninh, client):
    fold.fold(lucnam_backup, into=bac_ninh)
    certificates = list(Certificate.objects.filter(superseded_at__isnull=True).select_related("product__commune"))
    expired = next(c for c in certificates if c.revoked_at is None)
    Certificate.objects.filter(pk=expired.pk).update(valid_until=datetime.date(2025, 1, 31))
    office = get_user_model().objects.create_user("so-nn")
    domain.set_user_roles(office, [Role.DISTRICT_OFFICE], by=None)
    client.force_login(office)

    response = client.get(reverse("insights:ptnt_ocop_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == reports.PTNT_OCOP_COLUMNS == [
        "MA_OCOP", "Ma_DonViHanhChinh", "Ma_ThoiGian", "Ma_SanPham", "TenSanPham", "XepHang", "ChuTheSXKD",
        "DoanhThuNam", "TrangThai",
    ]  # fmt: skip
    by_id = {int(row[0]): row for row in rows[1:]}
    assert set(by_id) == {c.pk for c in certificates}
    for c in certificates:
        row = by_id[c.pk]
        assert len(row[1]) == 5 and row[1] == c.product.commune.code and c.product.commune.authority == bac_ninh
        assert row[2] == c.decision_date.strftime("%Y%m")
        assert (row[4], row[5], row[6]) == (c.product_name, f"{c.star}*", c.producer_name)
        c.refresh_from_db()
        status = c.status()
        assert row[8] == {"expired": "HETHAN", "revoked": "THUHOI"}.get(status, "CONHIEULUC")
        assert (c.pk == expired.pk) <= (row[8] == "HETHAN")
    # A product of a former commune carries the official code of the unit it went into (e.g. Thanh Lâm → Bảo Đài).
    for c in certificates:
        assert by_id[c.pk][1] == c.product.producer.former_unit.successor.code
    assert any(c.product.producer.former_unit.name != c.product.commune.name for c in certificates)
