"""Uploads named after their content, neutral constraint messages, Excel formulas refused, filters that keep the
valid values (issue 14, points 4-6)."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ocop.security import clean_file_name
from products import domain, excel
from products.models import Producer
from products.tests.factories import PDF_BYTES, ProducerFactory
from products.tests.test_excel import P, catalogue, fill, producer_row, rejected_rows, upload  # noqa: F401


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


# ---------------------------------------------------------------------------------------------------- uploads
@pytest.mark.parametrize(
    ("name", "content", "suffix"),
    [
        ("bao-cao.html", PDF_BYTES, ".pdf"),
        ("logo.svg", PNG, ".png"),
        ("a" * 40 + "." + "b" * 300, PDF_BYTES, ".pdf"),
        ("x" * 400 + ".pdf", PDF_BYTES, ".pdf"),
        ("no-suffix", PDF_BYTES, ".pdf"),
    ],
)
def test_stored_suffix_comes_from_the_detected_type(dossier, commune_official, name, content, suffix):
    document = domain.add_document(
        dossier, item="phieu_dang_ky", upload=SimpleUploadedFile(name, content), by=commune_official
    )
    stored = os.path.basename(document.file.name)
    assert stored.endswith(suffix)
    assert len(stored) <= 40  # a random stem and the type's suffix, whatever the client sent
    assert len(document.original_name) <= 120
    assert "\x00" not in document.original_name
    assert document.file.storage.exists(document.file.name)


def test_display_names_are_sanitised_and_bounded():
    assert clean_file_name("C:\\Users\\lan\\Biên bản.pdf") == "Biên bản.pdf"
    assert clean_file_name("../../etc/passwd") == "passwd"
    assert clean_file_name("ok\u202egpj.exe") == "okgpj.exe"  # no right-to-left override
    assert clean_file_name("\x01\x02") == "tệp"
    long_name = clean_file_name("Đơn đăng ký " * 30 + ".pdf")
    assert len(long_name) == 120
    assert long_name.endswith("….pdf")
    assert len(clean_file_name("x" * 40 + "." + "y" * 300)) == 120


def test_over_long_file_name_in_the_dossier_form_is_no_server_error(client_for, commune_official, dossier):
    response = client_for(commune_official).post(
        reverse("products:dossier_edit", args=[dossier.pk]),
        {"file_phieu_dang_ky": SimpleUploadedFile("a" * 40 + "." + "b" * 300, PDF_BYTES), "save": "1"},
    )
    assert response.status_code in (200, 302)
    document = dossier.documents.get()
    assert os.path.basename(document.file.name).endswith(".pdf")


def test_product_photo_is_stored_with_the_suffix_of_its_content(client_for, district_officer, dossier):
    product = dossier.product
    response = client_for(district_officer).post(
        reverse("products:product_edit", args=[product.pk]),
        {
            "name": product.name,
            "criteria_set": product.criteria_set_id,
            "description": "",
            "photo": SimpleUploadedFile("anh.jpg", PNG, content_type="image/jpeg"),  # the name lies
        },
    )
    assert response.status_code == 302, [
        line for line in response.content.decode().splitlines() if "invalid-feedback" in line
    ]
    product.refresh_from_db()
    assert product.photo.name.endswith(".png")


# ------------------------------------------------------------------------------------------------- messages
def test_duplicate_registration_number_in_another_commune_reveals_nothing(
    client_for, commune_official, other_commune, commune
):
    ProducerFactory(commune=other_commune, name="HTX Yên Sơn bí mật", registration_number="2400999888")
    response = client_for(commune_official).post(
        reverse("products:producer_create"),
        {
            "kind": "hop_tac_xa",
            "name": "HTX Thanh Lâm",
            "registration_number": "2400999888",
            "representative_name": "Nguyễn Văn A",
            "address": "Thôn 1",
            "representative_ethnicity": "Kinh",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Số đăng ký hoặc mã số thuế này đã được đăng ký" in html
    for leak in ("Yên Sơn", "bí mật", "Constraint", "producer_unique_registration_number"):
        assert leak not in html
    assert Producer.objects.filter(registration_number="2400999888").count() == 1


def test_excel_import_gives_the_same_neutral_message(district_officer, catalogue, commune, other_commune):  # noqa: F811
    ProducerFactory(commune=other_commune, name="HTX Yên Sơn", registration_number="2400999888")
    data = fill(producers=[producer_row(registration="2400999888")])
    with pytest.raises(excel.ImportRejected) as exc_info:
        excel.import_workbook(upload(data), by=district_officer)
    messages = " ".join(str(e) for e in exc_info.value.errors)
    assert "đã được đăng ký" in messages
    assert "Yên Sơn" not in messages and "Constraint" not in messages


def test_excel_import_refuses_a_formula_in_any_cell_with_row_and_column(
    district_officer,
    catalogue,  # noqa: F811
    commune,
):
    row = producer_row()
    row[9] = '=HYPERLINK("http://evil.example","x")'  # the optional email column (J)
    data = fill(producers=[producer_row(name="HTX Một"), row])
    with pytest.raises(excel.ImportRejected) as exc_info:
        excel.import_workbook(upload(data), by=district_officer)
    assert rejected_rows(exc_info) == [(P, 3)]
    assert "J3" in str(exc_info.value.errors[0])
    assert "công thức" in str(exc_info.value.errors[0])
    assert Producer.objects.count() == 0


# -------------------------------------------------------------------------------------------------- filters
def test_an_invalid_filter_is_an_error_and_the_valid_ones_still_apply(client_for, secretary, dossier, other_dossier):
    client = client_for(secretary)
    response = client.get(
        reverse("products:dossier_list"), {"commune": dossier.commune_id, "status": "zz-unknown", "round": "²"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="filter-errors"' in html
    assert dossier.product.name in html
    assert other_dossier.product.name not in html  # the commune filter still applies
    export = client.get(reverse("products:dossier_export"), {"commune": dossier.commune_id, "status": "zz"})
    rows = excel_rows(export.content)
    names = {row[i] for row in rows for i in range(len(row)) if row[i]}
    assert dossier.product.name in names
    assert other_dossier.product.name not in names


def test_outbox_and_certificate_filters_keep_valid_values(client_for, district_officer):
    client = client_for(district_officer)
    for url in (reverse("outbox"), reverse("evaluations:certificate_list")):
        response = client.get(url, {"status": "zz-unknown", "q": "abc"})
        assert response.status_code == 200
        assert 'data-testid="filter-errors"' in response.content.decode()
        assert 'value="abc"' in response.content.decode()


def excel_rows(content):
    import io

    from openpyxl import load_workbook

    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
