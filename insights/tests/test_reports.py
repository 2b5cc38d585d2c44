"""Reports: Appendix 1 regenerated from the demo, a round's results, recognised products, the year-end summary
(PDF text checked, workbooks read back) and the national CSV; who may download them."""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from funding.models import BudgetLine
from insights import reports
from ocop import demo as ocop_demo
from ocop.models import Authority
from programme.models import ProgrammeYear, Round


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def sheet_values(content: bytes) -> list[list]:
    workbook = load_workbook(io.BytesIO(content))
    return [list(row) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)]


# The seed plan (docs/sources/seed-plan-luc-nam-2024.txt, a copy of ../shared/domain/seed-plan-luc-nam-2024.txt, the
# text of the plan's PDF) ends with Appendix 1. Its table comes out one cell fragment per line.
SEED_PLAN = Path(__file__).resolve().parents[2] / "docs" / "sources" / "seed-plan-luc-nam-2024.txt"
PLAN_NOTE = re.compile(r"\s+(Đăng ký mới|Dự kiến \d sao)$")
PLAN_ROW = re.compile(r"^(?P<producer>.+?)\s+(?P<address>Thôn .+?, huyện Lục Nam)\s+(?P<product>.+)$")


@dataclass(frozen=True)
class PlanRow:
    section: str
    producer: str
    address: str
    product: str
    note: str


def plan_appendix1() -> list[PlanRow]:
    """Appendix 1's rows read from the seed plan: sections "I"/"II", rows numbered 1, 2, … within each; a row's
    fragments joined up to the next row's number."""
    text = SEED_PLAN.read_text(encoding="utf-8")
    lines = [" ".join(line.split()) for line in text[text.index("Phụ lục 1") :].splitlines()]
    rows, section, number, current = [], None, 0, None
    for line in filter(None, lines):
        heading = re.match(r"^(I|II) Sản phẩm", line)
        start = re.match(r"^(\d+) (.+)$", line)
        if heading or (start and section and int(start.group(1)) == number + 1):
            if current:
                rows.append((section, " ".join(current)))
            if heading:
                section, number, current = heading.group(1), 0, None
                continue
            number, current = number + 1, [start.group(2)]
        elif current is not None:
            current.append(line)
    rows.append((section, " ".join(current)))
    parsed = []
    for section, joined in rows:
        note = PLAN_NOTE.search(joined)
        cells = PLAN_ROW.match(joined[: note.start()])
        parsed.append(PlanRow(section, cells["producer"], cells["address"], cells["product"], note.group(1)))
    return parsed


def same_text(text: str) -> str:
    """The plan's spelling next to the app's: case, spacing, its typo "Hộ kinh doang:", the old accent placement of
    "Thuỷ", and the abbreviation "Công ty trách nhiệm hữu hạn"."""
    text = " ".join(unicodedata.normalize("NFC", text).lower().split())
    return text.replace("hộ kinh doang:", "hộ kinh doanh").replace("uỷ", "ủy")


def test_the_seed_plans_appendix_1_is_read_whole():
    rows = plan_appendix1()
    assert [(r.section, r.note) for r in rows] == [("I", "Đăng ký mới")] * 7 + [("II", "Dự kiến 4 sao")] * 2
    assert rows[0] == PlanRow(
        "I", "Hộ kinh doang: Dương Văn Sỹ", "Thôn Nội Chùa, xã Yên Sơn, huyện Lục Nam", "Khoai Lang Yên Sơn",
        "Đăng ký mới",
    )  # fmt: skip
    assert rows[7].producer == rows[7].product == "Đông trùng hạ thảo khô"  # the plan names no producer here


# The demo's invented products of this year (not in the plan).
INVENTED = {"Rượu nếp cái hoa vàng Bảo Sơn", "Gà đồi Lục Nam"}
MAYBE_INVENTED = {"Trứng gà đồi Bắc Lũng"}


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    return ocop_demo.seed_all()


def test_appendix1_of_2024_holds_the_plans_nine_rows_as_the_plan_gives_them(seeded):
    authority = seeded["authority"]
    data = reports.appendix1(authority, ProgrammeYear.objects.get(authority=authority, year=2024))
    report = [
        (section["number"], same_text(r.producer), same_text(r.address), same_text(r.product), same_text(r.note))
        for section in data["sections"]
        for r in section["rows"]
    ]
    plan = plan_appendix1()
    expected = []
    for row in plan:
        producer = row.producer
        if producer == row.product:  # no producer named: the one the plan lists at the same address
            producer = next(p.producer for p in plan if p.address == row.address and p.producer != p.product)
        expected.append((row.section, *(same_text(x) for x in (producer, row.address, row.product, row.note))))
    assert sorted(report) == sorted(expected)
    assert data["total"] == 9
    # the expected star of the two re-evaluations, as a field of the row too
    again = data["sections"][1]["rows"]
    assert {(r.product, r.expected_star) for r in again} == {("Đông trùng hạ thảo khô", 4), ("Trà hoa vàng", 4)}
    # this year's appendix holds none of the plan's products
    current = reports.appendix1(
        authority, ProgrammeYear.objects.get(authority=authority, year=timezone.localdate().year)
    )
    names = {r.product for section in current["sections"] for r in section["rows"]}
    assert not names & {r.product for r in plan} and names >= INVENTED


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

    # the national heading, as on the other printouts: issuer, state and motto, place and date
    upper = text.upper()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in upper and "Độc lập - Tự do - Hạnh phúc" in text
    assert Authority.objects.get().name.upper() in upper
    assert re.search(r"Lục Nam, ngày \d{2} tháng \d{2} năm \d{4}", text)
    assert text.count("Dự kiến 4 sao") == 2 and text.count("Đăng ký mới") == 7

    response = client.get(reverse("insights:appendix1", args=[2024, "xlsx"]))
    values = sheet_values(response.content)
    assert values[0][0] == "Phụ lục 1"
    data_rows = [row for row in values if isinstance(row[0], int)]
    assert len(data_rows) == 9
    assert (1, "Công ty trách nhiệm hữu hạn dược thảo Trường Thọ", "Thôn Đông Sơn, xã Đông Hưng, huyện Lục Nam") in {
        tuple(row[:3]) for row in data_rows
    }
    assert [row[4] for row in data_rows].count("Dự kiến 4 sao") == 2


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
    assert "Trà hoa vàng" in text and "75,17" in text
    values = sheet_values(client.get(reverse("insights:round_results", args=[round_1.pk, "xlsx"])).content)
    rows = {row[1]: row for row in values if isinstance(row[0], int)}
    assert rows["Trà hoa vàng"][6:9] == ["75,17", "4★", "3★"]  # the council's 4★, capped at 3★ by the district

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
    # an official report: a number for the records office, "Nơi nhận" and the signature block
    assert re.search(r"Số: \s*/BC-UBND", text)
    assert "Nơi nhận:" in text and "- UBND tỉnh;" in text and "- Lưu: VT, Phòng Nông nghiệp" in text
    upper = text.upper()
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in upper and "(KÝ, GHI RÕ HỌ TÊN, ĐÓNG DẤU)" in upper
    assert upper.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") < upper.index("BÁO CÁO TỔNG KẾT") < upper.index("NƠI NHẬN")
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
    # proposed: Đông trùng hạ thảo khô, and the province's 4★ of Trà hoa vàng (paid by the province)
    assert 'data-testid="entitlements-proposed">2<' in html
    home = finance.get(reverse("home")).content.decode()
    assert 'data-testid="finance-card"' in home  # what waits for approval or payment
    assert 'data-testid="to-approve">2<' in home
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
    ("insights:ptnt_ocop_csv", []),
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
