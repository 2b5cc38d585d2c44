from django.urls import path

from funding import views

app_name = "funding"

urlpatterns = [
    path("ho-tro/", views.entitlement_list, name="entitlement_list"),
    path("ho-tro/ho-tro.xlsx", views.entitlement_export, name="entitlement_export"),
    path("ho-tro/danh-sach-chi-tra.pdf", views.payment_list_pdf, name="payment_list_pdf"),
    path("ho-tro/danh-sach-chi-tra.xlsx", views.payment_list_xlsx, name="payment_list_xlsx"),
    path("ho-tro/khong-duoc-ho-tro/", views.uncovered_list, name="uncovered_list"),
    path("ho-tro/<int:pk>/", views.entitlement_detail, name="entitlement"),
    path("ho-tro/<int:pk>/phe-duyet/", views.entitlement_approve, name="entitlement_approve"),
    path("ho-tro/<int:pk>/tu-choi/", views.entitlement_reject, name="entitlement_reject"),
    path("ho-tro/<int:pk>/chi-tra/", views.entitlement_pay, name="entitlement_pay"),
    path("ho-tro/<int:pk>/chi-loi/", views.entitlement_failed, name="entitlement_failed"),
    path("ho-tro/cong-nhan/<int:pk>/", views.recognition_funding, name="recognition"),
    path("ho-tro/chu-the/<int:pk>/", views.producer_funding, name="producer"),
    path("ngan-sach/", views.budget, name="budget"),
    path("ngan-sach/them/", views.budget_line_form, name="budget_line_add"),
    path("ngan-sach/<int:pk>/", views.budget_line, name="budget_line"),
    path("ngan-sach/<int:pk>/sua/", views.budget_line_form, name="budget_line_edit"),
    path("ngan-sach/<int:pk>/chi/", views.expense_add, name="expense_add"),
    path("chinh-sach-ho-tro/", views.policy_list, name="policy_list"),
    path("chinh-sach-ho-tro/them/", views.policy_form, name="policy_add"),
    path("chinh-sach-ho-tro/<int:pk>/sua/", views.policy_form, name="policy_edit"),
]
