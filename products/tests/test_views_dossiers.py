"""Dossier pages per role: allowed, forbidden, 404 for another commune; POST-only changes; bounded queries."""

import pytest
from django.urls import reverse

from ocop import audit
from products.enums import DossierStatus
from products.tests.factories import COMPLETE_VERIFICATION, PDF_BYTES, DossierFactory, ProducerFactory, pdf

VIEWERS = [
    ("district_officer", 200),
    ("secretary", 200),
    ("chair", 200),
    ("commune_official", 200),
    ("outsider_official", 404),
    ("council_member", 403),
    ("finance_officer", 403),
]


@pytest.mark.parametrize(("persona", "status"), VIEWERS, indirect=["persona"])
def test_dossier_detail_per_role(client_for, persona, status, dossier):
    response = client_for(persona).get(reverse("products:dossier_detail", args=[dossier.pk]))
    assert response.status_code == status
    if status == 200:
        assert "Bánh mật Thanh Lâm" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("district_officer", 200), ("secretary", 200), ("chair", 200), ("commune_official", 200),
     ("outsider_official", 200), ("council_member", 403), ("finance_officer", 403)],
    indirect=["persona"],
)  # fmt: skip
def test_dossier_list_per_role_shows_only_visible_rows(client_for, persona, status, dossier, other_dossier, request):
    response = client_for(persona).get(reverse("products:dossier_list"))
    assert response.status_code == status
    if status != 200:
        return
    names = {d.product.name for d in response.context["page"]}
    expected = {
        "commune_official": {"Bánh mật Thanh Lâm"},
        "outsider_official": {"Mì Chũ Yên Sơn"},
    }.get(request.node.callspec.params["persona"], {"Bánh mật Thanh Lâm", "Mì Chũ Yên Sơn"})
    assert names == expected


@pytest.mark.parametrize("item_count", [1, 3])
def test_dossier_list_query_count_does_not_grow(
    client_for, secretary, commune, round_open, item_count, django_assert_num_queries
):
    for i in range(item_count):
        d = DossierFactory(product__producer=ProducerFactory(commune=commune), round=round_open)
        d.documents.create(
            item="khac",
            file=f"x{i}.pdf",
            original_name="x.pdf",
            content_type="application/pdf",
            size=5,
            sha256="0" * 64,
        )
    client = client_for(secretary)
    client.get(reverse("products:dossier_list"))
    # 9: session, user; count, ids, rows (ocop.view_utils.SortedByIds: sorted on a narrow query of ids, then the
    # page's rows); the choices of the commune, product group, year and round filters, each read once
    with django_assert_num_queries(9):
        response = client.get(reverse("products:dossier_list"))
    assert len(response.context["page"]) == item_count


def test_dossier_list_filters_and_accent_insensitive_search(client_for, secretary, dossier, other_dossier):
    client = client_for(secretary)
    response = client.get(reverse("products:dossier_list"), {"q": "banh mat"})
    assert [d.product.name for d in response.context["page"]] == ["Bánh mật Thanh Lâm"]
    response = client.get(reverse("products:dossier_list"), {"commune": other_dossier.commune.pk})
    assert [d.product.name for d in response.context["page"]] == ["Mì Chũ Yên Sơn"]
    response = client.get(reverse("products:dossier_list"), {"status": "submitted"})
    assert list(response.context["page"]) == []


def test_detail_lists_exactly_what_is_missing(client_for, commune_official, dossier):
    html = client_for(commune_official).get(reverse("products:dossier_detail", args=[dossier.pk])).content.decode()
    assert "Trước khi nộp hồ sơ:" in html
    assert "Thiếu tài liệu: Phương án, kế hoạch kinh doanh" in html
    assert 'data-testid="submit"' not in html


def test_edit_uploads_good_files_and_keeps_typed_text_when_one_file_is_bad(client_for, commune_official, dossier):
    response = client_for(commune_official).post(
        reverse("products:dossier_edit", args=[dossier.pk]),
        {
            "file_phieu_dang_ky": pdf("phieu.pdf"),
            "file_nhan_san_pham": pdf("nhan.pdf", b"MZ not a pdf"),
            "raw_material_origin": "Gạo nếp địa phương",
            "local_labour_percent": "150",
            "save": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đã tải lên: phieu.pdf" in html
    assert "không phải tệp PDF, JPEG, PNG, DOCX hoặc XLSX" in html
    assert "Gạo nếp địa phương" in html  # typed text kept
    assert "Đảm bảo giá trị này là nhỏ hơn hoặc bằng với 100" in html
    assert [d.original_name for d in dossier.documents.all()] == ["phieu.pdf"]
    dossier.refresh_from_db()
    assert dossier.raw_material_origin == ""  # invalid form: nothing half-saved


def test_edit_and_submit_in_one_go(client_for, commune_official, complete_dossier):
    response = client_for(commune_official).post(
        reverse("products:dossier_edit", args=[complete_dossier.pk]),
        {"submit": "1", **COMPLETE_VERIFICATION, "verified_on": "20/11/2026"},
        follow=True,
    )
    complete_dossier.refresh_from_db()
    assert complete_dossier.status == DossierStatus.SUBMITTED
    assert "Hồ sơ đã được gửi lên huyện." in response.content.decode()


def test_state_changes_reject_get(client_for, secretary, commune_official, submitted_dossier):
    for name, user in [("dossier_submit", commune_official), ("dossier_accept", secretary),
                       ("dossier_extend", secretary)]:  # fmt: skip
        response = client_for(user).get(reverse(f"products:{name}", args=[submitted_dossier.pk]))
        assert response.status_code == 405
    submitted_dossier.refresh_from_db()
    assert submitted_dossier.status == DossierStatus.SUBMITTED


def test_reject_goes_through_its_confirmation_page(client_for, secretary, submitted_dossier):
    client = client_for(secretary)
    url = reverse("products:dossier_reject", args=[submitted_dossier.pk])
    page = client.get(url)
    assert page.templates[0].name == "confirm.html"
    assert "không thể nộp lại" in page.content.decode()
    client.post(url, {"reason": "Hồ sơ giả mạo"})  # no confirmation: nothing changes
    submitted_dossier.refresh_from_db()
    assert submitted_dossier.status == DossierStatus.SUBMITTED
    refused = client.post(url, {"reason": "", "confirmed": "1"})
    assert refused.context["form"].errors["reason"]
    client.post(url, {"reason": "Hồ sơ giả mạo", "confirmed": "1"})
    submitted_dossier.refresh_from_db()
    assert (submitted_dossier.status, submitted_dossier.rejection_reason) == (DossierStatus.REJECTED, "Hồ sơ giả mạo")


def test_return_page_and_post(client_for, secretary, submitted_dossier):
    client = client_for(secretary)
    page = client.get(reverse("products:dossier_return", args=[submitted_dossier.pk])).content.decode()
    assert "Nhãn sản phẩm" in page
    response = client.post(
        reverse("products:dossier_return", args=[submitted_dossier.pk]),
        {"item_nhan_san_pham": "Nhãn thiếu hạn sử dụng"},
        follow=True,
    )
    submitted_dossier.refresh_from_db()
    assert submitted_dossier.status == DossierStatus.RETURNED
    assert "Nhãn thiếu hạn sử dụng" in response.content.decode()


def test_commune_cannot_accept_its_own_dossier(client_for, commune_official, submitted_dossier):
    response = client_for(commune_official).post(reverse("products:dossier_accept", args=[submitted_dossier.pk]))
    assert response.status_code == 403
    submitted_dossier.refresh_from_db()
    assert submitted_dossier.status == DossierStatus.SUBMITTED


def test_outsider_gets_404_on_every_dossier_action(client_for, outsider_official, submitted_dossier):
    for name in ["dossier_detail", "dossier_edit", "dossier_submit", "dossier_return", "dossier_accept",
                 "dossier_reject", "dossier_extend"]:  # fmt: skip
        response = client_for(outsider_official).post(reverse(f"products:{name}", args=[submitted_dossier.pk]))
        assert response.status_code == 404, name


def test_accept_is_audited_and_idempotent_over_http(client_for, secretary, submitted_dossier):
    client = client_for(secretary)
    client.post(reverse("products:dossier_accept", args=[submitted_dossier.pk]))
    response = client.post(reverse("products:dossier_accept", args=[submitted_dossier.pk]), follow=True)
    assert "Hồ sơ đã được tiếp nhận từ trước." in response.content.decode()
    assert audit.history_for(submitted_dossier).filter(action="dossier.accepted").count() == 1


def test_server_refuses_submission_after_deadline(client_for, commune_official, complete_dossier):
    import datetime

    round_ = complete_dossier.round
    round_.commune_deadline = datetime.date(2024, 6, 10)
    round_.save()
    response = client_for(commune_official).post(
        reverse("products:dossier_submit", args=[complete_dossier.pk]), follow=True
    )
    assert "Đã quá hạn nộp hồ sơ (10/06/2024, 23:59)" in response.content.decode()
    complete_dossier.refresh_from_db()
    assert complete_dossier.status == DossierStatus.DRAFT


# ------------------------------------------------------------------ downloads
@pytest.fixture
def document(dossier, commune_official):
    from products import domain

    return domain.add_document(dossier, item="phieu_dang_ky", upload=pdf("phiếu.pdf"), by=commune_official)


@pytest.mark.parametrize(("persona", "status"), VIEWERS, indirect=["persona"])
def test_document_download_per_role(client_for, persona, status, document):
    response = client_for(persona).get(reverse("products:document_download", args=[document.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["X-Content-Type-Options"] == "nosniff"


def test_guessing_document_ids_of_another_commune_gives_404(client_for, outsider_official, document):
    client = client_for(outsider_official)
    for pk in range(document.pk - 2, document.pk + 3):
        response = client.get(reverse("products:document_download", args=[pk]))
        assert response.status_code == 404


def test_uploaded_files_are_not_reachable_under_a_media_url(client, document):
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get(f"/{document.file.name}").status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("secretary", 200), ("commune_official", 200), ("outsider_official", 404), ("council_member", 403)],
    indirect=["persona"],
)
def test_dossier_history_page_per_role(client_for, persona, status, submitted_dossier):
    response = client_for(persona).get(reverse("history", args=["products.dossier", submitted_dossier.pk]))
    assert response.status_code == status
    if status == 200:
        assert "Nộp hồ sơ" in response.content.decode()


def test_list_pages_sort_on_ids_and_load_only_the_pages_rows(client_for, secretary, round_open, commune):
    """SortedByIds: the page's order and its rows are those of the full query; the rows are loaded by id."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from products.models import Dossier

    names = ["Ổi", "An", "Bánh", "Đường", "Ếch", "Chè"]
    for name in names:
        DossierFactory(product__name=name, product__producer=ProducerFactory(commune=commune), round=round_open)
    client = client_for(secretary)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("products:dossier_list")).context["page"]
    assert [d.product.name for d in page] == ["An", "Bánh", "Chè", "Đường", "Ếch", "Ổi"]  # Vietnamese order
    assert page.paginator.count == Dossier.objects.count() == 6
    ids_query = next(q["sql"] for q in queries.captured_queries if 'SELECT "products_dossier"."id" AS "pk"' in q["sql"])
    assert "LIMIT 6" in ids_query and "products_producer" not in ids_query  # narrow: no producer join
    page2 = client.get(reverse("products:dossier_list") + "?page=2").context["page"]
    assert page2.number == 1  # one page only: get_page falls back to the last page
