"""Forms that forgive and pages that speak Vietnamese (issue 13): dates as officials type them, "— Chọn —", a
refused submit back on its form with one summary, history in plain words with the hash on request, Vietnamese
alphabetical order, settings written as an official writes them."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from ocop import audit
from ocop.forms import AuthoritySettingsForm
from ocop.models import Commune
from ocop.tests.factories import CommuneFactory
from products import domain
from products.enums import DossierStatus
from products.forms import DATE_WIDGET, VerificationForm
from products.models import Producer
from products.tests.factories import COMPLETE_VERIFICATION, ProducerFactory, ProductFactory, pdf

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------------------------------------------ dates
@pytest.mark.parametrize("typed", ["28/11/2026", "28.11.2026", "28-11-2026", "2026-11-28", " 28.11.2026 "])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_accept_the_separators_officials_type(typed, language):
    field = forms.DateField(widget=DATE_WIDGET)
    with translation.override(language):
        assert field.clean(typed) == datetime.date(2026, 11, 28)


@pytest.mark.parametrize("typed", ["28.13.2026", "2026.11.28", "28/11", "hôm nay"])
def test_wrong_dates_are_refused_in_vietnamese(typed):
    field = forms.DateField(widget=DATE_WIDGET)
    with translation.override("vi"), pytest.raises(forms.ValidationError) as error:
        field.clean(typed)
    assert error.value.messages == ["Nhập một ngày hợp lệ."]


def test_date_field_renders_as_text_with_the_picker_hook_and_a_vietnamese_placeholder():
    with translation.override("vi"):
        html = forms.DateField(widget=DATE_WIDGET).widget.render("d", datetime.date(2026, 11, 28))
    assert 'type="text"' in html and 'value="28/11/2026"' in html
    assert "data-date-input" in html and 'inputmode="numeric"' in html
    assert 'placeholder="ngày/tháng/năm"' in html and 'data-picker-label="Chọn ngày trên lịch"' in html


def test_verification_form_takes_a_dotted_date(dossier):
    with translation.override("vi"):
        form = VerificationForm({**COMPLETE_VERIFICATION, "verified_on": "28.11.2026"}, instance=dossier)
        assert form.is_valid(), form.errors
    assert form.cleaned_data["verified_on"] == datetime.date(2026, 11, 28)


# ------------------------------------------------------------------------------------------------ empty choice
def test_empty_choices_read_choose_not_dashes(commune_official, commune):
    from products.forms import ProducerForm

    with translation.override("vi"):
        html = str(ProducerForm(user=commune_official))
    assert "---------" not in html
    assert "— Chọn —" in html


def test_filter_empty_choice_reads_all(client_for, secretary):
    html = client_for(secretary).get(reverse("products:dossier_list")).content.decode()
    assert "---------" not in html
    assert ">Tất cả<" in html


# ------------------------------------------------------------------------------------------ refused submission
def test_refused_submit_returns_to_the_form_with_one_summary_and_marked_fields(client_for, commune_official, dossier):
    response = client_for(commune_official).post(
        reverse("products:dossier_edit", args=[dossier.pk]),
        {"file_phieu_dang_ky": pdf("phieu.pdf"), "raw_material_origin": "Gạo nếp địa phương", "submit": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "products/dossier_edit.html"
    assert html.count('class="alert alert-danger"') == 1
    summary = re.search(r'data-testid="form-summary".*?</div>', html, re.S).group(0)
    assert "Hồ sơ chưa được nộp" in summary and "Thiếu tài liệu" in summary
    assert "Cần có trước khi nộp: hãy tải tài liệu này lên." in html  # a missing document's field is marked
    assert "Cần điền trước khi nộp." in html  # an empty verification field is marked
    assert 'value="Gạo nếp địa phương"' in html or "Gạo nếp địa phương</textarea>" in html
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
    assert dossier.raw_material_origin == "Gạo nếp địa phương"  # what was typed is saved
    assert [d.original_name for d in dossier.documents.all()] == ["phieu.pdf"]


def test_upload_form_carries_progress_texts_and_its_own_file_button(client_for, commune_official, dossier):
    html = client_for(commune_official).get(reverse("products:dossier_edit", args=[dossier.pk])).content.decode()
    assert "data-upload-form" in html and 'data-msg-uploading="Đang tải lên… {percent}"' in html
    assert 'data-testid="upload-progress"' in html and "Thử lại" in html
    assert "Chọn tệp…" in html and "Chưa chọn tệp" in html
    assert "/static/js/upload.js" in html
    assert "<script>" not in html and "onclick=" not in html


# ------------------------------------------------------------------------------------------------------ history
def test_document_history_shows_name_and_size_and_the_hash_only_on_request(client_for, commune_official, dossier):
    domain.add_document(dossier, item="phieu_dang_ky", upload=pdf("phieu.pdf"), by=commune_official)
    document = dossier.documents.get()
    html = client_for(commune_official).get(reverse("products:dossier_detail", args=[dossier.pk])).content.decode()
    history = html[html.index('data-testid="history"') :]
    assert "phieu.pdf" in history
    assert "Dung lượng tệp" in history and "byte" in history
    hidden = re.search(r'<details class="history-hash"><summary[^>]*>([^<]*)</summary><code[^>]*>(\w+)</code>', history)
    assert hidden.groups() == ("Mã kiểm tra tệp (SHA-256)", document.sha256)
    assert history.count(document.sha256) == 1


def _change_keys_in_code():
    keys = set()
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        keys |= set(re.findall(r'changes=\{"([a-z_]+)"', path.read_text()))
        keys |= set(re.findall(r'^\s+"([a-z_]+)": \[(?:None|old|before)', path.read_text(), re.M))
    return keys


def test_every_recorded_change_has_a_vietnamese_label():
    """History reads "Thành viên hội đồng: …", never "Member: …": every key the code records has a label."""
    keys = _change_keys_in_code()
    assert {"member", "conflict", "decision", "chosen", "document", "file_size"} <= keys
    from django.apps import apps

    models = [
        m for m in apps.get_models() if m._meta.app_label in ("ocop", "programme", "products", "evaluations", "funding")
    ]
    with translation.override("vi"):
        for key in sorted(keys):
            labels = {audit.field_label(model, key) for model in models}
            assert labels != {key}, f"{key} has no label"
            assert all(label.lower() != key.replace("_", " ") for label in labels), key


def test_sheet_saved_history_reads_chosen_out_of_required():
    from evaluations import scoring

    sheet_def = [
        {"sections": [{"criteria": [{}, {}, {}]}, {"choose_one": True, "criteria": [{}, {}]}]},
        {"sections": [{"criteria": [{}]}]},
    ]
    assert scoring.required_count(sheet_def) == 5


# ----------------------------------------------------------------------------------------------------- settings
def test_settings_read_as_an_official_writes_them(client_for, secretary, authority):
    authority.province_threshold = Decimal("70.00")
    authority.spread_threshold = Decimal("12.50")
    authority.save()
    html = client_for(secretary).get(reverse("authority_settings")).content.decode()
    values = re.findall(r'data-testid="setting-value">([^<]*)<', html)
    year = timezone.localdate().year  # the application's year: Asia/Ho_Chi_Minh, not the machine's zone
    assert "70" in values and "12,5" in values
    assert f"001/GCN-{authority.code}-{year}" in values
    assert "70.00" not in html and "{seq:03d}" not in html


def test_settings_form_shows_decimals_localised_and_the_pattern_explained(authority):
    with translation.override("vi"):
        form = AuthoritySettingsForm(instance=authority)
        html = str(form["province_threshold"]) + str(form)
        assert 'value="70"' in str(form["province_threshold"])
        assert "{seq:03d} là số thứ tự gồm 3 chữ số" in html
        bound = AuthoritySettingsForm(
            {**{n: getattr(authority, n) for n in authority.SETTINGS_FIELDS}, "spread_threshold": "12,5"},
            instance=authority,
        )
        assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["spread_threshold"] == Decimal("12.5")


# ---------------------------------------------------------------------------------------------------- collation
NAMES = ["Yên Sơn", "Đông Hưng", "Dương Đức", "An Lập", "Ăn Chơi", "Bảo Sơn", "Đan Hội", "Cẩm Lý", "Zô"]
VIETNAMESE_ORDER = ["An Lập", "Ăn Chơi", "Bảo Sơn", "Cẩm Lý", "Dương Đức", "Đan Hội", "Đông Hưng", "Yên Sơn", "Zô"]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the ICU collation is PostgreSQL's")
def test_communes_producers_and_products_sort_in_vietnamese_order(client_for, district_officer, authority):
    for index, name in enumerate(NAMES):
        commune = CommuneFactory(authority=authority, name=name, slug=f"c{index}")
        ProductFactory(name=name, producer=ProducerFactory(commune=commune, name=name))
    client = client_for(district_officer)
    communes = [c.name for c in client.get(reverse("communes")).context["communes"]]
    producers = [p.name for p in client.get(reverse("products:producer_list")).context["page"]]
    products = [p.name for p in client.get(reverse("products:product_list")).context["page"]]
    assert communes == producers == products == VIETNAMESE_ORDER


def test_vi_order_falls_back_to_folded_text_off_postgresql(authority):
    from ocop.lib.collation import vi_order

    expression = vi_order("name")
    if connection.vendor == "postgresql":
        assert "vi_icu" in str(Commune.objects.order_by(expression).query)
    names = list(Producer.objects.order_by(vi_order("name")).values_list("name", flat=True))
    assert names == sorted(names, key=lambda n: n)  # empty or ordered; the SQL is valid on this database


# ------------------------------------------------------------------------------------------------------ details
def test_favicon_is_served(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
    assert (ROOT / "static" / "img" / "favicon.svg").read_text().startswith("<svg")
