"""Excel import of producers and products, and the Excel exports of the filtered lists."""

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from ocop.lib.text import unaccent
from ocop.models import AuditEntry
from products import excel
from products.enums import DossierStatus, Gender, ProducerKind, RegistrationType
from products.excel import importing
from products.models import Dossier, Producer, Product, phone_validator, registration_number_validator
from programme.catalogue import sync_catalogue
from programme.models import CriteriaSet, ProgrammeYear, Round

XLSX = excel.XLSX_CONTENT_TYPE


# ---------------------------------------------------------------------------- helpers
@pytest.fixture(autouse=True)
def vietnamese():
    """The app's default language, also for strings the tests compute."""
    with translation.override("vi"):
        yield


@pytest.fixture
def catalogue(db):
    sync_catalogue()
    return {c.code: c for c in CriteriaSet.objects.filter(edition="qd148-2023")}


def fill(producers=(), products=(), template=None, keep_examples=False) -> bytes:
    """The import template with the given rows from row 2 (the example rows removed unless kept)."""
    workbook = load_workbook(io.BytesIO(template or excel.build_import_template()))
    for name, rows in ((excel.PRODUCER_SHEET, producers), (excel.PRODUCT_SHEET, products)):
        ws = workbook[name]
        first = 3 if keep_examples else 2
        if not keep_examples:
            for cell in ws[2]:
                cell.value = None
        for number, row in enumerate(rows, start=first):
            for column, value in enumerate(row, start=1):
                ws.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="dang-ky.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def producer_row(
    name="HTX Mật ong Đồi Ngô",
    commune="Thanh Lâm",
    kind="hop_tac_xa",
    registration="",
    representative="Nguyễn Thị Lan",
    gender="nu",
    ethnicity="Kinh",
    address="Thôn Sơn Đình 2",
    phone="0912345678",
    email="",
):
    return [commune, kind, name, registration, representative, gender, ethnicity, address, phone, email]


def make_producer(commune, name, **values):
    values = {"kind": ProducerKind.COOPERATIVE, "representative_name": "Trần Văn An", "address": "Thôn 1"} | values
    return Producer.objects.create(commune=commune, name=name, **values)


def make_product(producer, name, criteria_set, **values):
    return Product.objects.create(
        producer=producer, commune=producer.commune, name=name, criteria_set=criteria_set, **values
    )


def sheet_rows(content: bytes, sheet=None) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    ws = workbook[sheet] if sheet else workbook.active
    return list(ws.iter_rows(values_only=True))


def registry_audit():
    """Audit rows of producers and products (the personas' role changes are audited too)."""
    return AuditEntry.objects.filter(action__in=["producer.created", "product.created"])


def rejected_rows(exc_info) -> list[tuple]:
    return [(e.sheet, e.row) for e in exc_info.value.errors]


def reason_of(exc_info, sheet, row) -> str:
    return next(e.reason for e in exc_info.value.errors if (e.sheet, e.row) == (sheet, row))


P, S = excel.PRODUCER_SHEET, excel.PRODUCT_SHEET


# ---------------------------------------------------------------------------- the template
def test_template_has_data_sheets_example_rows_and_allowed_values(catalogue, commune, other_commune):
    workbook = load_workbook(io.BytesIO(excel.build_import_template()))
    assert workbook.sheetnames == ["Chu the", "San pham", "Huong dan"]

    producers = list(workbook["Chu the"].iter_rows(min_row=1, max_row=2, values_only=True))
    assert len([h for h in producers[0] if h]) == 10
    assert producers[0][2] == _("Producer name") + " *"
    assert producers[1][:3] == ("Thanh Lâm", str(ProducerKind.COOPERATIVE.label), "HTX Mật ong Ví Dụ")
    products = list(workbook["San pham"].iter_rows(min_row=1, max_row=2, values_only=True))
    assert len([h for h in products[0] if h]) == 4
    assert products[1][:3] == ("HTX Mật ong Ví Dụ", "Mật ong hoa nhãn (ví dụ)", "04")

    guide = [row for row in workbook["Huong dan"].iter_rows(values_only=True) if any(row)]
    first_column = [row[0] for row in guide]
    for kind in ProducerKind:
        assert (str(kind.label), kind.value) in [row[:2] for row in guide]
    for gender in Gender:
        assert str(gender.label) in first_column
    codes = [row for row in guide if isinstance(row[0], str) and len(row[0]) == 2 and row[0].isdigit()]
    assert [code for code, _name in codes] == [f"{n:02d}" for n in range(1, 27)]
    assert ("04", "Mật ong, mật khác và nông sản thực phẩm khác") in codes
    assert "Thanh Lâm" in first_column
    assert "Yên Sơn" in first_column


def test_template_for_a_commune_official_lists_only_their_commune(catalogue, commune_official, other_commune):
    workbook = load_workbook(io.BytesIO(excel.build_import_template(user=commune_official)))
    first_column = [row[0] for row in workbook["Huong dan"].iter_rows(values_only=True)]
    assert "Thanh Lâm" in first_column
    assert "Yên Sơn" not in first_column


def test_template_download_view(client_for, district_officer, catalogue, commune):
    response = client_for(district_officer).get(reverse("products:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-ocop.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["Chu the", "San pham", "Huong dan"]


# ---------------------------------------------------------------------------- a good import
def test_round_trip_through_the_views(client_for, district_officer, catalogue, commune, other_commune):
    tea = make_producer(other_commune, "HTX Chè Yên Sơn")
    client = client_for(district_officer)
    template = client.get(reverse("products:import_template")).content
    cooperative = unaccent(str(ProducerKind.COOPERATIVE.label)).upper()  # label without accents, in capitals
    data = fill(
        producers=[
            producer_row(
                kind=cooperative,
                registration="2400123456",
                gender="NU",
                ethnicity="Tày",
                phone=912345678,  # typed as a number: Excel dropped the leading 0
                email="htx.doingo@example.vn",
            ),
            producer_row(
                name="Hộ kinh doanh Bánh chưng Lâm",
                commune="xã yen son",
                kind="HO_KINH_DOANH",
                representative="Lê Văn Bình",
                gender=str(Gender.MALE.label),
                ethnicity="",
                address="Thôn Kép",
                phone="+84 987 654 321",
            ),
        ],
        products=[
            ["htx mat ong doi ngo", "Mật ong hoa nhãn", "04", "Chai 500 ml"],
            ["HTX Chè Yên Sơn", "Chè búp khô", 11, ""],
        ],
        template=template,
    )

    response = client.post(reverse("products:import"), {"file": upload(data)})

    assert response.status_code == 302
    assert response["Location"] == reverse("products:producer_list")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        _("Imported %(producers)s producers and %(products)s products.") % {"producers": 2, "products": 2}
    ]
    honey = Producer.objects.get(name="HTX Mật ong Đồi Ngô")
    assert honey.commune == commune
    assert honey.kind == ProducerKind.COOPERATIVE
    assert honey.registration_number == "2400123456"
    assert honey.representative_gender == Gender.FEMALE
    assert honey.representative_ethnicity == "Tày"
    assert honey.phone == "0912345678"
    assert honey.email == "htx.doingo@example.vn"
    assert honey.created_by == district_officer
    cake = Producer.objects.get(name="Hộ kinh doanh Bánh chưng Lâm")
    assert cake.commune == other_commune
    assert cake.kind == ProducerKind.HOUSEHOLD_BUSINESS
    assert cake.representative_gender == Gender.MALE
    assert cake.representative_ethnicity == "Kinh"  # blank keeps the model's default
    assert cake.phone == "+84987654321"
    assert sorted(Product.objects.values_list("producer__name", "name", "criteria_set__code", "commune__name")) == [
        ("HTX Chè Yên Sơn", "Chè búp khô", "11", "Yên Sơn"),
        ("HTX Mật ong Đồi Ngô", "Mật ong hoa nhãn", "04", "Thanh Lâm"),
    ]
    assert Product.objects.get(name="Mật ong hoa nhãn").description == "Chai 500 ml"
    assert Product.objects.get(name="Chè búp khô").producer == tea

    audit = AuditEntry.objects.filter(actor=district_officer).order_by("id")
    assert [(a.action, a.object_repr) for a in audit] == [
        ("producer.created", "HTX Mật ong Đồi Ngô"),
        ("producer.created", "Hộ kinh doanh Bánh chưng Lâm"),
        ("product.created", "Mật ong hoa nhãn"),
        ("product.created", "Chè búp khô"),
    ]
    assert audit[0].changes["phone"] == [None, "0912345678"]
    assert audit[0].commune == commune


def test_import_page_shows_form_and_template_link(client_for, commune_official, catalogue):
    response = client_for(commune_official).get(reverse("products:import"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="file"' in html
    assert 'name="file"' in html
    assert reverse("products:import_template") in html
    assert 'enctype="multipart/form-data"' in html


def test_unchanged_example_rows_are_skipped(district_officer, catalogue, commune):
    with pytest.raises(excel.ImportRejected) as exc_info:
        excel.import_workbook(upload(excel.build_import_template()), by=district_officer)
    assert [str(e) for e in exc_info.value.errors] == [_("The file has no rows to import.")]

    data = fill(producers=[producer_row()], keep_examples=True)
    result = excel.import_workbook(upload(data), by=district_officer)
    assert (result.producers, result.products) == (1, 0)
    assert list(Producer.objects.values_list("name", flat=True)) == ["HTX Mật ong Đồi Ngô"]


# ---------------------------------------------------------------------------- bad rows
def test_bad_rows_are_reported_with_their_row_numbers_and_nothing_is_imported(
    district_officer, catalogue, commune, other_commune
):
    data = fill(
        producers=[
            producer_row(name="HTX Tốt"),  # row 2: fine
            producer_row(name="HTX Ma", commune="Xã Không Có"),  # 3
            producer_row(name="HTX Sai Loại", kind="hợp tác"),  # 4
            producer_row(name="HTX Lỗi Số", phone="12345"),  # 5
            producer_row(name="HTX Sai Mã", registration="ab"),  # 6
            producer_row(name="HTX Thiếu", gender="khác", representative=""),  # 7
        ],
        products=[
            ["HTX Tốt", "Mật ong rừng", "99", ""],  # row 2: unknown group
            ["Không Ai Cả", "Chè", "11", ""],  # 3: unknown producer
            ["HTX Tốt", "Mật ong hoa nhãn", "04", ""],  # 4: fine
            ["HTX Lỗi Số", "Bánh gai", "06", ""],  # 5: fine itself; its producer's row is reported
        ],
    )

    with pytest.raises(excel.ImportRejected) as exc_info:
        excel.import_workbook(upload(data), by=district_officer)

    assert rejected_rows(exc_info) == [(P, 3), (P, 4), (P, 5), (P, 6), (P, 7), (S, 2), (S, 3)]
    assert reason_of(exc_info, P, 3) == _("Unknown commune “%(value)s”.") % {"value": "Xã Không Có"}
    assert reason_of(exc_info, P, 4) == _("Unknown kind of producer “%(value)s”.") % {"value": "hợp tác"}
    assert str(phone_validator.message) in reason_of(exc_info, P, 5)
    assert str(registration_number_validator.message) in reason_of(exc_info, P, 6)
    row7 = reason_of(exc_info, P, 7)
    assert _("Unknown gender “%(value)s”.") % {"value": "khác"} in row7
    assert capfirst(str(Producer._meta.get_field("representative_name").verbose_name)) in row7
    assert reason_of(exc_info, S, 2) == _("Unknown product group code “%(value)s”; use a code from 01 to 26.") % {
        "value": "99"
    }
    assert reason_of(exc_info, S, 3) == _(
        "No producer named “%(name)s” in this file or among the producers you manage."
    ) % {"name": "Không Ai Cả"}
    assert str(exc_info.value.errors[0]) == _("%(sheet)s, row %(row)s: %(reason)s") % {
        "sheet": "Chu the",
        "row": 3,
        "reason": reason_of(exc_info, P, 3),
    }
    assert Producer.objects.count() == 0
    assert Product.objects.count() == 0
    assert registry_audit().count() == 0


def test_import_page_lists_bad_rows_and_keeps_nothing(client_for, district_officer, catalogue, commune):
    data = fill(
        producers=[producer_row(name="HTX Tốt"), producer_row(name="HTX Lỗi", phone="abc")],
        products=[["HTX Tốt", "Mật ong", "4", ""]],  # "4" is read as "04"
    )
    response = client_for(district_officer).post(reverse("products:import"), {"file": upload(data)})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="import-errors"' in html
    errors = response.context["errors"]
    assert [(e.sheet, e.row) for e in errors] == [("Chu the", 3)]
    assert escape(str(errors[0])) in html
    assert Producer.objects.count() == 0
    assert Product.objects.count() == 0


def test_a_failing_domain_call_rolls_back_the_rows_already_created(district_officer, catalogue, commune, monkeypatch):
    """Even a problem only the domain function finds leaves nothing half-imported."""
    from django.core.exceptions import ValidationError

    from products import domain

    def refuse(**kwargs):
        raise ValidationError("Từ chối")

    monkeypatch.setattr(domain, "create_product", refuse)
    data = fill(producers=[producer_row()], products=[["HTX Mật ong Đồi Ngô", "Mật ong", "04", ""]])
    with pytest.raises(excel.ImportRejected) as exc_info:
        excel.import_workbook(upload(data), by=district_officer)
    assert rejected_rows(exc_info) == [(S, 2)]
    assert reason_of(exc_info, S, 2) == "Từ chối"
    assert Producer.objects.count() == 0
    assert registry_audit().count() == 0


# ---------------------------------------------------------------------------- communes and permissions
def test_commune_official_cannot_import_rows_of_another_commune(commune_official, catalogue, commune, other_commune):
    make_producer(other_commune, "HTX Chè Yên Sơn")
    data = fill(
        producers=[
            producer_row(name="HTX Ngoài Xã", commune="Yên Sơn"),  # row 2: not their commune
            producer_row(name="HTX Trong Xã", commune=""),  # 3: blank means their own commune
        ],
        products=[["HTX Chè Yên Sơn", "Chè búp", "11", ""]],  # another commune's producer is not visible
    )
    with pytest.raises(excel.ImportRejected) as exc_info:
        excel.import_workbook(upload(data), by=commune_official)
    assert rejected_rows(exc_info) == [(P, 2), (S, 2)]
    assert reason_of(exc_info, P, 2) == _("You may not import producers of %(commune)s.") % {"commune": other_commune}
    assert Producer.objects.filter(commune=commune).count() == 0

    result = excel.import_workbook(upload(fill(producers=[producer_row(commune="")])), by=commune_official)
    assert result.producers == 1
    assert Producer.objects.get(name="HTX Mật ong Đồi Ngô").commune == commune


def test_outsider_official_upload_for_thanh_lam_is_refused(client_for, outsider_official, catalogue, commune):
    data = fill(producers=[producer_row(commune="Thanh Lâm")])
    response = client_for(outsider_official).post(reverse("products:import"), {"file": upload(data)})
    assert response.status_code == 200
    assert [(e.sheet, e.row) for e in response.context["errors"]] == [("Chu the", 2)]
    assert Producer.objects.count() == 0


@pytest.mark.parametrize("persona", ["chair", "council_member", "finance_officer"], indirect=True)
def test_roles_without_import_right_get_403(client_for, persona, catalogue, commune):
    client = client_for(persona)
    assert client.get(reverse("products:import")).status_code == 403
    assert client.get(reverse("products:import_template")).status_code == 403
    data = fill(producers=[producer_row()])
    assert client.post(reverse("products:import"), {"file": upload(data)}).status_code == 403
    assert Producer.objects.count() == 0


def test_import_requires_login(client, commune):
    response = client.get(reverse("products:import"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# ---------------------------------------------------------------------------- duplicates
def test_duplicate_producer_names_ignore_accents_case_and_spaces(district_officer, catalogue, commune, other_commune):
    make_producer(commune, "Bánh mật Đồi Ngô")
    data = fill(
        producers=[
            producer_row(name="banh mat doi ngo"),  # row 2: already registered in Thanh Lâm
            producer_row(name="Chè xanh Thanh Lâm"),  # 3
            producer_row(name="CHE  XANH thanh lam"),  # 4: same as row 3
            producer_row(name="BÁNH MẬT ĐỒI NGÔ", commune="Yên Sơn"),  # 5: another commune, allowed
        ]
    )
    with pytest.raises(excel.ImportRejected) as exc_info:
        excel.import_workbook(upload(data), by=district_officer)
    assert rejected_rows(exc_info) == [(P, 2), (P, 4)]
    assert reason_of(exc_info, P, 2) == _("A producer named “%(name)s” is already registered in %(commune)s.") % {
        "name": "Bánh mật Đồi Ngô",
        "commune": commune,
    }
    assert reason_of(exc_info, P, 4) == _("Same producer as row %(row)s (“%(name)s” in %(commune)s).") % {
        "row": 3,
        "name": "CHE XANH thanh lam",
        "commune": commune,
    }
    assert Producer.objects.count() == 1

    result = excel.import_workbook(
        upload(fill(producers=[producer_row(name="BÁNH MẬT ĐỒI NGÔ", commune="Yên Sơn")])), by=district_officer
    )
    assert result.producers == 1
    assert sorted(Producer.objects.values_list("commune__name", "name")) == [
        ("Thanh Lâm", "Bánh mật Đồi Ngô"),
        ("Yên Sơn", "BÁNH MẬT ĐỒI NGÔ"),
    ]


def test_duplicate_registration_number_in_the_file(district_officer, catalogue, commune):
    data = fill(
        producers=[
            producer_row(name="HTX Một", registration="2400123456"),
            producer_row(name="HTX Hai", registration="2400123456"),
        ]
    )
    with pytest.raises(excel.ImportRejected) as exc_info:
        excel.import_workbook(upload(data), by=district_officer)
    assert rejected_rows(exc_info) == [(P, 3)]
    assert Producer.objects.count() == 0


# ---------------------------------------------------------------------------- files that are not the template
@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"Ten,Dien thoai\nHTX A,0912345678\n", "danh-sach.csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "cu.xls"),
        (b"PK\x03\x04 not really a zip", "hong.xlsx"),
    ],
)
def test_a_file_that_is_not_xlsx_gets_a_clear_message(client_for, district_officer, commune, content, name):
    message = _("The file is not an Excel workbook (.xlsx). Download the template, fill it in and upload it again.")
    with pytest.raises(excel.ImportRejected) as exc_info:
        excel.import_workbook(SimpleUploadedFile(name, content), by=district_officer)
    assert [str(e) for e in exc_info.value.errors] == [message]

    response = client_for(district_officer).post(
        reverse("products:import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_workbook_without_the_template_sheets_is_refused(district_officer, commune):
    workbook = Workbook()
    workbook.active.append(["Tên", "Xã"])
    workbook.active.append(["HTX A", "Thanh Lâm"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(excel.ImportRejected) as exc_info:
        excel.import_workbook(upload(buffer.getvalue()), by=district_officer)
    assert len(exc_info.value.errors) == 1
    assert "Chu the" in str(exc_info.value.errors[0])
    assert exc_info.value.errors[0].row is None


def test_a_sheet_with_missing_columns_is_refused(district_officer, catalogue, commune):
    workbook = load_workbook(io.BytesIO(fill(producers=[producer_row()])))
    workbook["Chu the"].delete_cols(9, 2)  # phone and email columns removed
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(excel.ImportRejected) as exc_info:
        excel.import_workbook(upload(buffer.getvalue()), by=district_officer)
    assert rejected_rows(exc_info) == [(P, 1)]
    assert Producer.objects.count() == 0


def test_oversized_files_are_refused(district_officer, catalogue, commune, monkeypatch):
    rows = [producer_row(name=f"HTX {n}") for n in range(3)]
    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    with pytest.raises(excel.ImportRejected) as exc_info:
        excel.import_workbook(upload(fill(producers=rows)), by=district_officer)
    assert [str(e) for e in exc_info.value.errors] == [
        "Chu the: " + _("More than %(max)s rows; split the file into smaller ones.") % {"max": 2}
    ]

    monkeypatch.setattr(importing, "MAX_SCANNED_ROWS", 50)
    workbook = load_workbook(io.BytesIO(fill(producers=rows[:1])))
    workbook["Chu the"].cell(row=51, column=3, value="HTX Rất Xa")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(excel.ImportRejected) as exc_info:
        excel.import_workbook(upload(buffer.getvalue()), by=district_officer)
    assert rejected_rows(exc_info) == [(P, None)]

    monkeypatch.setattr(importing, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(excel.ImportRejected) as exc_info:
        excel.import_workbook(upload(fill(producers=rows[:1])), by=district_officer)
    assert [str(e) for e in exc_info.value.errors] == [_("The workbook is too large; split it into smaller files.")]
    assert Producer.objects.count() == 0


# ---------------------------------------------------------------------------- exports
@pytest.fixture
def registry(catalogue, commune, other_commune):
    cake = make_producer(commune, "Bánh mật Đồi Ngô", phone="0912345678")
    tea = make_producer(commune, "HTX Chè Thanh Lâm")
    hill = make_producer(other_commune, "HTX Chè Yên Sơn", representative_gender=Gender.FEMALE)
    make_product(cake, "Bánh mật hộp 500g", catalogue["06"])
    make_product(tea, "Chè búp khô", catalogue["11"])
    make_product(hill, "Chè Yên Sơn túi lọc", catalogue["11"])
    return {"cake": cake, "tea": tea, "hill": hill}


def export_names(response, column) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return sorted(row[column] for row in sheet_rows(response.content)[1:])


def test_district_export_of_producers_has_every_row_and_the_filter(client_for, district_officer, registry, commune):
    client = client_for(district_officer)
    url = reverse("products:producer_export")
    response = client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="chu-the-ocop.xlsx"'
    assert export_names(response, 2) == ["Bánh mật Đồi Ngô", "HTX Chè Thanh Lâm", "HTX Chè Yên Sơn"]
    assert export_names(client.get(url, {"commune": commune.pk}), 2) == ["Bánh mật Đồi Ngô", "HTX Chè Thanh Lâm"]
    assert export_names(client.get(url, {"q": "banh mat"}), 2) == ["Bánh mật Đồi Ngô"]
    tea_group = CriteriaSet.objects.get(edition="qd148-2023", code="11")
    assert export_names(client.get(url, {"criteria_set": tea_group.pk}), 2) == [
        "HTX Chè Thanh Lâm",
        "HTX Chè Yên Sơn",
    ]

    rows = sheet_rows(client.get(url, {"q": "banh mat"}).content)
    assert rows[0][:3] == (
        capfirst(str(Producer._meta.get_field("commune").verbose_name)),
        capfirst(str(Producer._meta.get_field("kind").verbose_name)),
        _("Producer name"),
    )
    cake = rows[1]
    assert cake[:3] == ("Thanh Lâm", str(ProducerKind.COOPERATIVE.label), "Bánh mật Đồi Ngô")
    assert cake[8] == "0912345678"
    assert cake[10] == "Bánh mật hộp 500g"
    assert cake[11] == datetime.datetime.combine(timezone.localdate(registry["cake"].created_at), datetime.time())


def test_outsider_official_export_never_contains_thanh_lam(client_for, outsider_official, registry, commune):
    client = client_for(outsider_official)
    assert export_names(client.get(reverse("products:producer_export")), 2) == ["HTX Chè Yên Sơn"]
    # Asking for Thanh Lâm explicitly is not a way in: the choice is invalid and the scope stays.
    assert export_names(client.get(reverse("products:producer_export"), {"commune": commune.pk}), 2) == [
        "HTX Chè Yên Sơn"
    ]
    assert export_names(client.get(reverse("products:product_export"), {"commune": commune.pk}), 0) == [
        "Chè Yên Sơn túi lọc"
    ]
    for url in ("products:producer_export", "products:product_export", "products:dossier_export"):
        assert "Thanh Lâm" not in str(sheet_rows(client.get(reverse(url)).content))


def test_commune_official_product_export(client_for, commune_official, registry):
    response = client_for(commune_official).get(reverse("products:product_export"), {"q": "che"})
    assert response["Content-Disposition"] == 'attachment; filename="san-pham-ocop.xlsx"'
    rows = sheet_rows(response.content)
    assert rows[1:] == [
        (
            "Chè búp khô",
            "HTX Chè Thanh Lâm",
            "Thanh Lâm",
            "11",
            CriteriaSet.objects.get(edition="qd148-2023", code="11").name,
            None,
            datetime.datetime.combine(timezone.localdate(), datetime.time()),
        )
    ]


@pytest.mark.parametrize("url", ["products:producer_export", "products:product_export", "products:dossier_export"])
def test_council_member_cannot_export(client_for, council_member, registry, url):
    response = client_for(council_member).get(reverse(url))
    assert response.status_code == 403
    assert response["Content-Type"] != XLSX


def test_dossier_export_respects_the_dossier_rule(client_for, chair, finance_officer, registry):
    assert client_for(finance_officer).get(reverse("products:dossier_export")).status_code == 403
    assert client_for(chair).get(reverse("products:dossier_export")).status_code == 200


@pytest.fixture
def round_(authority):
    year = ProgrammeYear.objects.create(authority=authority, year=2024)
    return Round.objects.create(
        year=year, number=1, commune_deadline=datetime.date(2024, 6, 30), district_deadline=datetime.date(2024, 7, 15)
    )


def make_dossier(product, round_, **values):
    return Dossier.objects.create(product=product, round=round_, commune=product.commune, **values)


def test_dossier_export_values_and_dates(client_for, district_officer, registry, round_, commune):
    products = {p.name: p for p in Product.objects.all()}
    make_dossier(
        products["Bánh mật hộp 500g"],
        round_,
        status=DossierStatus.SUBMITTED,
        submission_count=1,
        # 18:00 UTC on 15 June is 01:00 on 16 June in Vietnam: the local date is exported.
        submitted_at=datetime.datetime(2024, 6, 15, 18, 0, tzinfo=datetime.UTC),
        extension_until=datetime.date(2024, 7, 5),
    )
    make_dossier(products["Chè Yên Sơn túi lọc"], round_, registration_type=RegistrationType.UPGRADE)

    client = client_for(district_officer)
    response = client.get(reverse("products:dossier_export"), {"status": DossierStatus.SUBMITTED})
    assert response["Content-Disposition"] == 'attachment; filename="ho-so-ocop.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    ws = workbook.active
    assert ws.max_row == 2
    row = [cell.value for cell in ws[2]]
    assert row[:9] == [
        "Bánh mật hộp 500g",
        "Bánh mật Đồi Ngô",
        "Thanh Lâm",
        "06",
        str(round_),
        str(RegistrationType.NEW.label),
        str(DossierStatus.SUBMITTED.label),
        datetime.datetime(2024, 6, 16),
        1,
    ]
    assert row[9] is None
    assert row[11] == datetime.datetime(2024, 7, 5)
    assert ws.cell(row=2, column=8).number_format == "dd/mm/yyyy"
    assert ws.cell(row=2, column=12).number_format == "dd/mm/yyyy"

    everything = sheet_rows(client.get(reverse("products:dossier_export")).content)
    assert sorted(r[0] for r in everything[1:]) == ["Bánh mật hộp 500g", "Chè Yên Sơn túi lọc"]
    only_commune = sheet_rows(client.get(reverse("products:dossier_export"), {"commune": commune.pk}).content)
    assert [r[0] for r in only_commune[1:]] == ["Bánh mật hộp 500g"]


# ---------------------------------------------------------------------------- formula injection
def test_text_that_looks_like_a_formula_is_neutralised(client_for, district_officer, catalogue, commune):
    evil = make_producer(
        commune,
        "=1+1",
        representative_name="@SUM(A1:A2)",
        address="-2+3",
        phone="+84912345678",
        representative_ethnicity='\t=HYPERLINK("http://x")',
    )
    group_01 = CriteriaSet.objects.get(edition="qd148-2023", code="01")
    make_product(evil, "+cmd|' /C calc'!A0", group_01, description="=2*3")

    content = client_for(district_officer).get(reverse("products:producer_export")).content
    ws = load_workbook(io.BytesIO(content)).active
    row = {cell.column: cell for cell in ws[2]}
    assert row[3].value == "'=1+1"
    assert row[5].value == "'@SUM(A1:A2)"
    assert row[7].value == '\'\t=HYPERLINK("http://x")'
    assert row[8].value == "'-2+3"
    assert row[9].value == "'+84912345678"
    assert row[11].value == "'+cmd|' /C calc'!A0"
    assert all(cell.data_type != "f" for line in ws.iter_rows() for cell in line)

    content = client_for(district_officer).get(reverse("products:product_export")).content
    products = sheet_rows(content)
    assert products[1][:2] == ("'+cmd|' /C calc'!A0", "'=1+1")
    assert products[1][5] == "'=2*3"


def test_safe_text():
    assert excel.safe_text("=1+1") == "'=1+1"
    assert excel.safe_text("\r=1") == "'\r=1"
    assert excel.safe_text("Bánh = ngon") == "Bánh = ngon"
    assert excel.safe_text(-5) == -5


# ---------------------------------------------------------------------------- query counts
def _registry_of(size, commune, catalogue, round_):
    for n in range(size):
        producer = make_producer(commune, f"HTX Số {n}")
        for m in range(2):
            product = make_product(producer, f"Sản phẩm {n}.{m}", catalogue["04"])
            make_dossier(product, round_)


@pytest.mark.parametrize("size", [1, 3])
def test_exports_take_the_same_number_of_queries_for_1_and_3_rows(
    size, catalogue, commune, round_, django_assert_num_queries
):
    _registry_of(size, commune, catalogue, round_)
    with django_assert_num_queries(2):  # producers + their products
        content = excel.export_producers(Producer.objects.all())
    assert len(sheet_rows(content)) == size + 1
    with django_assert_num_queries(1):
        content = excel.export_products(Product.objects.all())
    assert len(sheet_rows(content)) == 2 * size + 1
    with django_assert_num_queries(1):
        content = excel.export_dossiers(Dossier.objects.all())
    assert len(sheet_rows(content)) == 2 * size + 1


def test_export_views_query_count_does_not_grow_with_rows(
    client_for, district_officer, catalogue, commune, round_, django_assert_num_queries
):
    client = client_for(district_officer)
    params = {"commune": commune.pk, "q": "htx"}
    counts = {}
    for url in ("products:producer_export", "products:product_export", "products:dossier_export"):
        client.get(reverse(url), params)  # warm caches (content types, session)
    _registry_of(1, commune, catalogue, round_)
    for url in ("products:producer_export", "products:product_export", "products:dossier_export"):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(url), params)
        counts[url] = len(queries)
    for n in range(1, 3):
        producer = make_producer(commune, f"HTX Thêm {n}")
        make_dossier(make_product(producer, f"Thêm {n}", catalogue["04"]), round_)
    for url, count in counts.items():
        with django_assert_num_queries(count):
            response = client.get(reverse(url), params)
        assert len(sheet_rows(response.content)) > 2
