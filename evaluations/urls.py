from django.urls import path, register_converter

from evaluations.models import CODE_ALPHABET, CODE_LENGTH
from evaluations.views import certificates, criteria, lookup, printouts, programme, public, results, rounds, sheets


class VerificationCodeConverter:
    """A certificate's verification code: 20 characters of its alphabet, typed in either case."""

    regex = f"[{CODE_ALPHABET}{CODE_ALPHABET.lower()}]{{{CODE_LENGTH}}}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value


register_converter(VerificationCodeConverter, "code")

app_name = "evaluations"

urlpatterns = [
    path("nam/", programme.year_list, name="year_list"),
    path("nam/moi/", programme.year_create, name="year_create"),
    path("nam/lich-ngay-lam-viec/", programme.workday_calendar, name="workday_calendar"),
    path("nam/lich-ngay-lam-viec/<int:pk>/xoa/", programme.workday_exception_remove, name="workday_exception_remove"),
    path("nam/<int:pk>/", programme.year_detail, name="year_detail"),
    path("nam/<int:pk>/sua/", programme.year_edit, name="year_edit"),
    path("nam/<int:pk>/chi-tieu-xa/", programme.year_targets, name="year_targets"),
    path("nam/<int:pk>/ket-thuc/", programme.year_close, name="year_close"),
    path("nam/<int:pk>/them-dot/", programme.round_create, name="round_create"),
    path("dot-danh-gia/", rounds.round_list, name="round_list"),
    path("dot-danh-gia/<int:pk>/sua/", programme.round_edit, name="round_edit"),
    path("dot-danh-gia/<int:pk>/quyet-dinh/sua/", rounds.correct_decision, name="correct_decision"),
    path("dot-danh-gia/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("dot-danh-gia/<int:pk>/hoi-dong/", rounds.council, name="council"),
    path("dot-danh-gia/<int:pk>/bat-dau-cham/", rounds.start_scoring, name="start_scoring"),
    path("dot-danh-gia/<int:pk>/phien-hop/", rounds.set_meeting, name="set_meeting"),
    path("dot-danh-gia/<int:pk>/phe-duyet/", rounds.approve, name="approve"),
    path("dot-danh-gia/<int:pk>/quyet-dinh/", rounds.record_decision, name="record_decision"),
    path("dot-danh-gia/<int:pk>/bien-ban.pdf", printouts.minutes_pdf, name="minutes_pdf"),
    path("dot-danh-gia/<int:pk>/bien-ban.xlsx", printouts.minutes_xlsx, name="minutes_xlsx"),
    path("dot-danh-gia/<int:pk>/de-nghi-cap-tren.xlsx", printouts.forwarded_xlsx, name="forwarded_xlsx"),
    path("cham-diem/", sheets.my_sheets, name="my_sheets"),
    path("phieu/<int:pk>/", sheets.sheet, name="sheet"),
    path("phieu/<int:pk>/mo-lai/", sheets.reopen, name="reopen_sheet"),
    path("phieu/<int:pk>/phieu.pdf", printouts.sheet_pdf, name="sheet_pdf"),
    path("phieu/<int:pk>/phieu.xlsx", printouts.sheet_xlsx, name="sheet_xlsx"),
    path("ket-qua/<int:pk>/", results.result_detail, name="result"),
    path("ket-qua/<int:pk>/chap-nhan/", results.accept_spread, name="accept_spread"),
    path("ket-qua/<int:pk>/phan-cong/", results.assign, name="assign"),
    path("ket-qua/<int:pk>/ket-qua-tinh/", results.province_result, name="province_result"),
    path("ket-qua/<int:pk>/gui-bo/", results.ministry_approve, name="ministry_approve"),
    path("ket-qua/<int:pk>/ket-qua-bo/", results.ministry_outcome, name="ministry_outcome"),
    path("ket-qua/<int:pk>/cong-nhan-theo-hdtw/", results.central_recognition, name="central_recognition"),
    path("bo-tieu-chi/", criteria.criteria_list, name="criteria_list"),
    path("bo-tieu-chi/<int:pk>/", criteria.criteria_detail, name="criteria_detail"),
    path("bo-tieu-chi/<int:pk>/xac-nhan/", criteria.confirm, name="confirm_criteria"),
    # Certificates (decisions 13-17)
    path("giay-chung-nhan/", certificates.certificate_list, name="certificate_list"),
    path("giay-chung-nhan/sap-het-han/", certificates.expiry_list, name="certificate_expiry"),
    path("giay-chung-nhan/trao-chung-nhan/", certificates.ceremony, name="certificate_ceremony"),
    path("giay-chung-nhan/trao-chung-nhan.pdf", certificates.ceremony_pdf, name="certificate_ceremony_pdf"),
    path("giay-chung-nhan/trao-chung-nhan.xlsx", certificates.ceremony_xlsx, name="certificate_ceremony_xlsx"),
    path("giay-chung-nhan/ghi-nhan/", certificates.record, name="certificate_record"),
    path("giay-chung-nhan/<int:pk>/", certificates.certificate_detail, name="certificate"),
    path("giay-chung-nhan/<int:pk>/tep/", certificates.certificate_file, name="certificate_file"),
    path("giay-chung-nhan/<int:pk>/thu-hoi/", certificates.revoke, name="certificate_revoke"),
    path("giay-chung-nhan/<int:pk>/cap-lai/", certificates.reissue, name="certificate_reissue"),
    path("giay-chung-nhan/<int:pk>/kiem-tra/", certificates.inspect, name="certificate_inspect"),
    path("dot-danh-gia/<int:pk>/giay-chung-nhan/", certificates.round_certificates, name="round_certificates"),
    path("dot-danh-gia/<int:pk>/cap-giay-chung-nhan/", certificates.issue_round, name="issue_certificates"),
    # Public pages (no login)
    path("san-pham-ocop/", public.catalogue, name="public_catalogue"),
    path("san-pham-ocop/<int:pk>/", public.product, name="public_product"),
    path("san-pham-ocop/<int:pk>/anh/", public.product_photo, name="public_photo"),
    path("tra-cuu-chung-nhan/", lookup.lookup, name="certificate_lookup"),
    path("verify/<code:code>/", public.verify, name="verify"),
    path("verify/<str:code>/", public.verify_not_found, name="verify_malformed"),
]
