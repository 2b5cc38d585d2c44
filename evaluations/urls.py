from django.urls import path

from evaluations.views import criteria, printouts, results, rounds, sheets

app_name = "evaluations"

urlpatterns = [
    path("dot-danh-gia/", rounds.round_list, name="round_list"),
    path("dot-danh-gia/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("dot-danh-gia/<int:pk>/hoi-dong/", rounds.council, name="council"),
    path("dot-danh-gia/<int:pk>/bat-dau-cham/", rounds.start_scoring, name="start_scoring"),
    path("dot-danh-gia/<int:pk>/phien-hop/", rounds.set_meeting, name="set_meeting"),
    path("dot-danh-gia/<int:pk>/phe-duyet/", rounds.approve, name="approve"),
    path("dot-danh-gia/<int:pk>/quyet-dinh/", rounds.record_decision, name="record_decision"),
    path("dot-danh-gia/<int:pk>/bien-ban.pdf", printouts.minutes_pdf, name="minutes_pdf"),
    path("dot-danh-gia/<int:pk>/bien-ban.xlsx", printouts.minutes_xlsx, name="minutes_xlsx"),
    path("dot-danh-gia/<int:pk>/de-nghi-tinh.xlsx", printouts.forwarded_xlsx, name="forwarded_xlsx"),
    path("cham-diem/", sheets.my_sheets, name="my_sheets"),
    path("phieu/<int:pk>/", sheets.sheet, name="sheet"),
    path("phieu/<int:pk>/mo-lai/", sheets.reopen, name="reopen_sheet"),
    path("phieu/<int:pk>/phieu.pdf", printouts.sheet_pdf, name="sheet_pdf"),
    path("phieu/<int:pk>/phieu.xlsx", printouts.sheet_xlsx, name="sheet_xlsx"),
    path("ket-qua/<int:pk>/", results.result_detail, name="result"),
    path("ket-qua/<int:pk>/chap-nhan/", results.accept_spread, name="accept_spread"),
    path("ket-qua/<int:pk>/phan-cong/", results.assign, name="assign"),
    path("ket-qua/<int:pk>/ket-qua-tinh/", results.province_result, name="province_result"),
    path("bo-tieu-chi/", criteria.criteria_list, name="criteria_list"),
    path("bo-tieu-chi/<int:pk>/", criteria.criteria_detail, name="criteria_detail"),
    path("bo-tieu-chi/<int:pk>/xac-nhan/", criteria.confirm, name="confirm_criteria"),
]
