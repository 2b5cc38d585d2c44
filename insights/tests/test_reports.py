"""Reports: Appendix 1 regenerated from the demo, a round's results, recognised products, the year-end summary
(PDF text checked, workbooks read back) and the national CSV; who may download them."""

import csv
import io
import re
import unicodedata
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from funding.models import BudgetLine
from insights import reports
from ocop import demo as ocop_demo
from programme.models import ProgrammeYear, Round


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def sheet_values(content: bytes) -> list[list]:
    workbook = load_workbook(io.BytesIO(content))
    return [list(row) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)]


# The seed plan's Appendix 1 (../shared/domain/seed-plan-luc-nam-2024.txt) as the demo loads it: the PDF's line breaks
# joined, "Hộ kinh doang: Dương Văn Sỹ" → "Hộ kinh doanh Dương Văn Sỹ", "Khoai Lang"/"Long Nhãn" in sentence case,
# "Tư Thuỷ" → "Tư Thủy", and part II row 1 (whose producer column repeats the product name) given the demo's
# producer (products/demo.py explains it). Columns: producer, address, product, type.
PLAN_ROWS = {
    (
        "Hộ kinh doanh Dương Văn Sỹ",
        "Thôn Nội Chùa, xã Yên Sơn, huyện Lục Nam",
        "Khoai lang Yên Sơn",
        "moi",
    ),
    (
        "Hợp tác xã dịch vụ nông nghiệp xã Lục Sơn",
        "Thôn Vĩnh Tân, xã Lục Sơn, huyện Lục Nam",
        "Long nhãn Lục Sơn",
        "moi",
    ),
    (
        "Công ty trách nhiệm hữu hạn dược thảo Trường Thọ",
        "Thôn Đông Sơn, xã Đông Hưng, huyện Lục Nam",
        "Rượu đông trùng hạ thảo",
        "moi",
    ),
    (
        "Công ty trách nhiệm hữu hạn dược thảo Trường Thọ",
        "Thôn Đông Sơn, xã Đông Hưng, huyện Lục Nam",
        "Mật ong đông trùng hạ thảo",
        "moi",
    ),
    ("Tổ hợp tác bánh mật", "Thôn Sơn Đình 2, xã Thanh Lâm, huyện Lục Nam", "Bánh mật Thanh Lâm", "moi"),
    ("Hộ kinh doanh Trần Văn Tư", "Thôn Lầm, xã Trường Sơn, huyện Lục Nam", "Nem chua Tư Thủy", "moi"),
    (
        "Hợp tác xã dược liệu công nghệ cao Trường Sơn",
        "Thôn Nhân Lý, xã Trường Sơn, huyện Lục Nam",
        "Trà hoa vàng đông trùng túi lọc",
        "moi",
    ),
    (
        "Hợp tác xã dược liệu Đông Sơn",
        "Thôn Đông Sơn, xã Đông Hưng, huyện Lục Nam",
        "Đông trùng hạ thảo khô",
        "danh_gia_lai",
    ),
    (
        "Hợp tác xã dược liệu công nghệ cao Trường Sơn",
        "Thôn Nhân Lý, xã Trường Sơn, huyện Lục Nam",
        "Trà hoa vàng",
        "danh_gia_lai",
    ),
}
# The demo's invented products of this year (not in the plan): the two of the scoring round, and the one funding's
# newer demo adds in an extra round (recognised after NQ 67 ended), present or not depending on the funding demo.
INVENTED = {"Rượu nếp cái hoa vàng Bảo Sơn", "Gà đồi Lục Nam"}
MAYBE_INVENTED = {"Trứng gà đồi Bắc Lũng"}


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    return ocop_demo.seed_all()


def _rows(data):
    return [
        (row.producer, row.address, row.product, row.registration_type)
        for section in data["sections"]
        for row in section["rows"]
    ]


def test_appendix1_regenerated_from_the_demo_finds_the_plans_nine_rows(seeded):
    """The demo keeps the plan's products in 2024 round 1 (the five scored in June 2024) and, so that commune officials
    have work today, the other four in this year's open round: together the two years' appendices hold the nine."""
    authority = seeded["authority"]
    year_2024 = ProgrammeYear.objects.get(authority=authority, year=2024)
    current = ProgrammeYear.objects.get(authority=authority, year=timezone.localdate().year)
    rows = _rows(reports.appendix1(authority, year_2024)) + _rows(reports.appendix1(authority, current))
    plan_rows = [row for row in rows if row[2] not in INVENTED | MAYBE_INVENTED]
    assert len(plan_rows) == 9
    assert set(plan_rows) == PLAN_ROWS
    extras = {row[2] for row in rows} - {row[2] for row in plan_rows}
    assert INVENTED <= extras <= INVENTED | MAYBE_INVENTED

    data_2024 = reports.appendix1(authority, year_2024)
    new, again = data_2024["sections"]
    assert (new["number"], len(new["rows"]), again["number"], len(again["rows"])) == ("I", 3, "II", 2)
    assert {r.product for r in again["rows"]} == {"Đông trùng hạ thảo khô", "Trà hoa vàng"}
    assert {r.note for r in again["rows"]} == {"Đánh giá lại"}
    assert {r.note for r in new["rows"]} == {"Đăng ký mới"}


def _appendix1_pdf_and_xlsx(client_for):
    from django.contrib.auth import get_user_model

    office = get_user_model().objects.get(username="phongnn")
    client = client_for(office)
    response = client.get(reverse("insights:appendix1", args=[2024, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="phu-luc-1-2024.pdf"'
    text = pdf_text(response.content)
    assert "Phụ lục 1: Danh sách sản phẩm dự kiến tham gia Chương trình OCOP năm 2024" in text
    assert "Tên doanh nghiệp, HTX, chủ thể" in text
    assert "Sản phẩm đăng ký mới" in text and "Sản phẩm đánh giá lại" in text
    assert "Thôn Đông Sơn, xã Đông Hưng, huyện Lục Nam" in text
    assert "Trà hoa vàng đông trùng túi lọc" in text

    response = client.get(reverse("insights:appendix1", args=[2024, "xlsx"]))
    values = sheet_values(response.content)
    assert values[0][0] == "Phụ lục 1"
    data_rows = [row for row in values if isinstance(row[0], int)]
    assert len(data_rows) == 5
    # 2024 holds no Khoai lang: it is in this year's open round
    assert all("Hộ kinh doanh Dương Văn Sỹ" not in row for row in data_rows)
    assert (1, "Hợp tác xã dược liệu Đông Sơn", "Thôn Đông Sơn, xã Đông Hưng, huyện Lục Nam") in {
        tuple(row[:3]) for row in data_rows
    }


def _recognised_round_results_and_year_end(client_for):
    from django.contrib.auth import get_user_model

    client = client_for(get_user_model().objects.get(username="phongnn"))
    text = pdf_text(client.get(reverse("insights:recognised", args=[2024, "pdf"])).content)
    assert "Sản phẩm OCOP được công nhận năm 2024 và giấy chứng nhận".upper() in text
    assert "2345/QĐ-UBND" in text.replace(" ", "")  # (a narrow cell may wrap a number)
    assert "001/GCN-LN-2024" in text.replace(" ", "")
    assert "Đã bị thu hồi" in text  # the honey's certificate, revoked after the 2025 inspection
    values = sheet_values(client.get(reverse("insights:recognised", args=[2024, "xlsx"])).content)
    assert len([row for row in values if isinstance(row[0], int)]) == 5

    round_1 = Round.objects.get(year__year=2024, number=1)
    text = pdf_text(client.get(reverse("insights:round_results", args=[round_1.pk, "pdf"])).content)
    assert "Kết quả Đợt 1/2024".upper() in text
    assert "Quyết định công nhận số 2345/QĐ-UBND" in text
    assert "Trà hoa vàng" in text and "75,43" in text
    values = sheet_values(client.get(reverse("insights:round_results", args=[round_1.pk, "xlsx"])).content)
    rows = {row[1]: row for row in values if isinstance(row[0], int)}
    assert rows["Trà hoa vàng"][6:9] == ["75,43", "4★", "3★"]  # the council's 4★, capped at 3★ by the district

    text = pdf_text(client.get(reverse("insights:year_end", args=[2024, "pdf"])).content)
    assert "Báo cáo tổng kết Chương trình OCOP năm 2024".upper() in text
    assert "Sản phẩm mới đạt 3★ trở lên 7 3" in text  # plan 7, recognised 3
    assert "Sản phẩm đánh giá lại 2 2 100%" in text
    # the office sees the money: 2024's two lines (200.000.000 programme + 250.000.000 support), the failed transfer
    # still committed (Trà hoa vàng, 20.000.000), paid = two payments (100.000.000) + the expenses (135.100.000)
    assert "Hỗ trợ và kinh phí" in text
    assert "Tổng kinh phí năm (mọi dòng) 450.000.000 ₫" in text
    assert "Đã cam kết (đã duyệt, chưa chi) 20.000.000 ₫" in text
    assert "Đã chi 235.100.000 ₫" in text
    assert "Còn lại 194.900.000 ₫" in text
    values = sheet_values(client.get(reverse("insights:year_end", args=[2024, "xlsx"])).content)
    assert ("Sản phẩm mới đạt 3★ trở lên", 7, 3) in {tuple(row[:3]) for row in values}


def _year_end_hides_money_from_the_chair(client_for):
    from django.contrib.auth import get_user_model

    chair = get_user_model().objects.get(username="chutich")
    text = pdf_text(client_for(chair).get(reverse("insights:year_end", args=[2024, "pdf"])).content)
    assert "Báo cáo tổng kết".upper() in text
    assert "450.000.000" not in text
    assert "Hỗ trợ và kinh phí" not in text


def _national_csv(client_for):
    from django.contrib.auth import get_user_model

    response = client_for(get_user_model().objects.get(username="phongnn")).get(reverse("insights:national_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="ocop-ln-')
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel reads the diacritics
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Mã sản phẩm",
        "Tên sản phẩm",
        "Nhóm sản phẩm",
        "Chủ thể",
        "Địa chỉ",
        "Hạng sao",
        "Số quyết định",
        "Ngày quyết định",
        "Có hiệu lực đến",
    ]
    by_name = {row[1]: row for row in rows[1:]}
    # one row per product: Trà hoa vàng holds the district's 3★ and the province's 4★ certificate → the 4★ one
    assert len(rows[1:]) == len(by_name)
    assert by_name["Trà hoa vàng"][5] == "4"
    assert "Mật ong đông trùng hạ thảo" not in by_name  # revoked
    assert by_name["Rượu đông trùng hạ thảo"][6:8] == ["2345/QĐ-UBND", "20/06/2024"]
    # certificates issued here carry the recognition's code (T-H-X-STT-Năm); the province's recorded 4★ has none
    assert re.fullmatch(r"BG-LN-DH-\d{3}-2024", by_name["Rượu đông trùng hạ thảo"][0])
    assert by_name["Trà hoa vàng"][0].startswith("LN-")


def _money_on_the_dashboard_and_homes(client_for):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    finance = client_for(User.objects.get(username="taichinh"))
    html = finance.get(reverse("insights:dashboard"), {"year": 2024}).content.decode()
    assert 'data-testid="paid">235.100.000 ₫<' in html
    assert 'data-testid="committed">20.000.000 ₫<' in html
    assert 'data-testid="entitlements-proposed">1<' in html
    home = finance.get(reverse("home")).content.decode()
    assert 'data-testid="finance-card"' in home  # what waits for approval or payment
    assert 'data-testid="to-approve">1<' in home
    # the secretariat and the chair see the dashboard without money; a member sees no dashboard at all
    for username in ("thuky", "chutich"):
        html = client_for(User.objects.get(username=username)).get(reverse("insights:dashboard")).content.decode()
        assert 'data-testid="money"' not in html and "235.100.000" not in html
    member = client_for(User.objects.get(username="hoidong1"))
    assert member.get(reverse("insights:dashboard")).status_code == 403
    assert "₫" not in member.get(reverse("home")).content.decode()
    # a commune official sees their own commune's entitlements only
    truong_son = client_for(User.objects.get(username="xa-truong-son")).get(reverse("home"))
    names = {e.product.name for e in truong_son.context["entitlements"]}
    assert names == {"Trà hoa vàng", "Trà hoa vàng đông trùng túi lọc"}
    html = truong_son.content.decode()
    assert "Đông trùng hạ thảo khô" not in html and "Rượu đông trùng hạ thảo" not in html
    assert 'data-testid="finance-card"' not in html and "235.100.000" not in html


def test_reports_and_money_from_the_demo(seeded, client_for):
    """Each report of the demo rendered and read back, and who sees which money (one demo load for all of it)."""
    _appendix1_pdf_and_xlsx(client_for)
    _recognised_round_results_and_year_end(client_for)
    _year_end_hides_money_from_the_chair(client_for)
    _national_csv(client_for)
    _money_on_the_dashboard_and_homes(client_for)


def test_csv_and_workbooks_never_carry_a_formula(authority, programme, client_for, district_officer):
    from products.models import Product

    year = programme(1)
    for product in Product.objects.all():
        product.name = f'=HYPERLINK("http://x/{product.pk}")'
        product.save(update_fields=["name"])
    from evaluations.models import Certificate

    Certificate.objects.update(product_name="=1+1")
    content = reports.national_csv(authority).decode("utf-8-sig")
    assert "'=1+1" in content
    values = sheet_values(
        client_for(district_officer).get(reverse("insights:appendix1", args=[year.year, "xlsx"])).content
    )
    texts = [cell for row in values for cell in row if isinstance(cell, str)]
    assert not any(text.startswith("=") for text in texts)
    assert any(text.startswith("'=HYPERLINK") for text in texts)


REPORT_URLS = [
    ("insights:reports", []),
    ("insights:appendix1", ["YEAR", "pdf"]),
    ("insights:appendix1", ["YEAR", "xlsx"]),
    ("insights:recognised", ["YEAR", "xlsx"]),
    ("insights:year_end", ["YEAR", "xlsx"]),
    ("insights:national_csv", []),
]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("district_officer", 200),
        ("secretary", 200),
        ("chair", 200),
        ("sysadmin", 200),
        ("finance_officer", 403),
        ("council_member", 403),
        ("commune_official", 403),
    ],
    indirect=["persona"],
)
def test_reports_per_role(client_for, persona, status, programme):
    year = programme(1)
    client = client_for(persona)
    for name, args in REPORT_URLS:
        url = reverse(name, args=[year.year if a == "YEAR" else a for a in args])
        response = client.get(url)
        assert response.status_code == status, url
        if status == 403:
            assert b"PK" not in response.content[:2] and not response.content.startswith(b"%PDF")


def test_round_results_per_role_and_unknown_things_are_404(client_for, district_officer, council_member, programme):
    year = programme(1)
    round_ = Round.objects.get(year=year, number=1)
    assert client_for(council_member).get(reverse("insights:round_results", args=[round_.pk, "pdf"])).status_code == 403
    office = client_for(district_officer)
    response = office.get(reverse("insights:round_results", args=[round_.pk, "xlsx"]))
    assert response.status_code == 200
    assert len([row for row in sheet_values(response.content) if isinstance(row[0], int)]) == 2
    assert office.get(reverse("insights:round_results", args=[round_.pk, "docx"])).status_code == 404
    assert office.get(reverse("insights:appendix1", args=[1999, "pdf"])).status_code == 404
    assert office.get(reverse("insights:round_results", args=[99999, "pdf"])).status_code == 404


def test_reports_are_get_only(client_for, district_officer, programme):
    year = programme(1)
    response = client_for(district_officer).post(reverse("insights:appendix1", args=[year.year, "pdf"]))
    assert response.status_code == 405


def test_reports_page_lists_the_years_reports(client_for, district_officer, programme):
    year = programme(1)
    BudgetLine.objects.create(year=year, name="x", amount=Decimal("1"))
    html = client_for(district_officer).get(reverse("insights:reports"), {"year": year.year}).content.decode()
    assert reverse("insights:appendix1", args=[year.year, "pdf"]) in html
    assert reverse("insights:national_csv") in html
    for round_ in Round.objects.filter(year=year):
        assert reverse("insights:round_results", args=[round_.pk, "xlsx"]) in html
