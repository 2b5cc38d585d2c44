"""The dossier form's "Lưu" keeps the commune official on the form with the saved message (issue 18, item 14);
"Lưu và nộp" still goes to the dossier."""

from django.urls import reverse

from products.enums import DossierStatus


def test_save_comes_back_to_the_form_with_the_saved_message(client_for, commune_official, dossier):
    url = reverse("products:dossier_edit", args=[dossier.pk])
    response = client_for(commune_official).post(
        url, {"raw_material_origin": "Gạo nếp cái hoa vàng", "save": "1"}, follow=True
    )
    assert response.redirect_chain == [(url, 302)]
    html = response.content.decode()
    assert "Đã lưu hồ sơ." in html
    assert 'name="raw_material_origin"' in html and "Gạo nếp cái hoa vàng" in html  # the form, as saved
    dossier.refresh_from_db()
    assert dossier.raw_material_origin == "Gạo nếp cái hoa vàng"
    assert dossier.status == DossierStatus.DRAFT
