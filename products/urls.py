from django.urls import path

from products.views import dossiers, excel, forms, registry, units

app_name = "products"

urlpatterns = [
    # producers and products
    path("chu-the/", registry.producer_list, name="producer_list"),
    path("chu-the/them/", registry.producer_create, name="producer_create"),
    path("chu-the/<int:pk>/", registry.producer_detail, name="producer_detail"),
    path("chu-the/<int:pk>/sua/", registry.producer_edit, name="producer_edit"),
    path("san-pham/", registry.product_list, name="product_list"),
    path("san-pham/them/", registry.product_create, name="product_create"),
    path("san-pham/<int:pk>/", registry.product_detail, name="product_detail"),
    path("san-pham/<int:pk>/sua/", registry.product_edit, name="product_edit"),
    path("san-pham/<int:pk>/anh/", registry.product_photo, name="product_photo"),
    # dossiers
    path("ho-so/", dossiers.dossier_list, name="dossier_list"),
    path("ho-so/tao/", dossiers.dossier_create, name="dossier_create"),
    path("ho-so/<int:pk>/", dossiers.dossier_detail, name="dossier_detail"),
    path("ho-so/<int:pk>/cap-nhat/", dossiers.dossier_edit, name="dossier_edit"),
    path("ho-so/<int:pk>/nop/", dossiers.dossier_submit, name="dossier_submit"),
    path("ho-so/<int:pk>/nhan-ho-so/", dossiers.dossier_receive, name="dossier_receive"),
    path("ho-so/xa-danh-gia-tre-han/", dossiers.late_checks, name="late_checks"),
    path("ho-so/<int:pk>/tra-lai/", dossiers.dossier_return, name="dossier_return"),
    path("ho-so/<int:pk>/tiep-nhan/", dossiers.dossier_accept, name="dossier_accept"),
    path("ho-so/<int:pk>/tu-choi/", dossiers.dossier_reject, name="dossier_reject"),
    path("ho-so/<int:pk>/gia-han/", dossiers.dossier_extend, name="dossier_extend"),
    path("ho-so/<int:pk>/che-do-ap-dung/", dossiers.dossier_regime, name="dossier_regime"),
    path("tai-lieu/<int:pk>/", dossiers.document_download, name="document_download"),
    # Decision 26/2026's forms (Mẫu 01, 02, 03)
    path("ho-so/<int:pk>/phieu-dang-ky/", forms.registration_edit, name="registration_edit"),
    path("ho-so/<int:pk>/tu-danh-gia/", forms.self_assessment, name="self_assessment"),
    path("ho-so/<int:pk>/bao-cao-xa/", forms.commune_report, name="commune_report"),
    path("ho-so/<int:pk>/mau-01.pdf", forms.form_pdf, {"number": "01"}, name="form_01_pdf"),
    path("ho-so/<int:pk>/mau-02.pdf", forms.form_pdf, {"number": "02"}, name="form_02_pdf"),
    path("ho-so/<int:pk>/mau-03.pdf", forms.form_pdf, {"number": "03"}, name="form_03_pdf"),
    # the 2025 reorganisation: producers of a split former commune
    path("xa-bi-chia-tach/", units.units_review, name="units_review"),
    path("chu-the/<int:pk>/chon-xa/", units.producer_choose_unit, name="producer_choose_unit"),
    # Excel
    path("nhap-excel/mau/", excel.import_template, name="import_template"),
    path("nhap-excel/", excel.import_registry, name="import"),
    path("chu-the/xuat-excel/", excel.export_producers, name="producer_export"),
    path("san-pham/xuat-excel/", excel.export_products, name="product_export"),
    path("ho-so/xuat-excel/", excel.export_dossiers, name="dossier_export"),
]
