"""The staff pages of certificates, per role: register, detail, file, revoke, re-issue, inspect, record, a round's
batch, the expiry list and the ceremony list (HTML, PDF, .xlsx)."""

import datetime
import hashlib
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook
from pypdf import PdfReader

from evaluations import certificates
from evaluations.enums import BatchStatus, CertificateStatus
from evaluations.models import Certificate, Inspection, IssuingBatch
from evaluations.tests import test_certificates as shared
from evaluations.tests.test_certificates import SIGNATORY, number, recognise, scan
from ocop.models import AuditEntry

# The shared fixtures (pytest finds them by name in this module).
decision = shared.decision
noodles = shared.noodles
tea = shared.tea
tea_certificate = shared.tea_certificate

ALL = ["district_officer", "secretary", "chair", "council_member", "commune_official", "outsider_official",
       "finance_officer", "sysadmin"]  # fmt: skip


def today():
    return timezone.localdate()


def expect(persona_statuses, default):
    return [(p, persona_statuses.get(p, default)) for p in ALL]


# ---------------------------------------------------------------------------------------------------- register
@pytest.mark.parametrize(
    ("persona", "status"),
    expect({"council_member": 403, "finance_officer": 403}, 200),
    indirect=["persona"],
)
def test_certificate_list_per_role(client_for, persona, status, tea_certificate):
    response = client_for(persona).get(reverse("evaluations:certificate_list"))
    assert response.status_code == status
    if status == 200:
        # A commune official of another commune sees none of Thanh Lâm's certificates.
        expected = [] if persona.username == "xa-yen-son" else [tea_certificate]
        assert list(response.context["page"]) == expected


def test_certificate_list_filters(client_for, district_officer, tea_certificate, noodles):
    other = certificates.issue_certificate(noodles, by=district_officer)
    certificates.revoke_certificate(
        other, ground="mark_misuse", decision_number="7/QĐ", decision_date=today(), by=district_officer
    )
    client = client_for(district_officer)
    url = reverse("evaluations:certificate_list")
    assert list(client.get(url, {"status": "revoked"}).context["page"]) == [other]
    assert list(client.get(url, {"status": "valid"}).context["page"]) == [tea_certificate]
    assert list(client.get(url, {"q": "tra hoa vang"}).context["page"]) == [tea_certificate]
    assert list(client.get(url, {"q": number(2)}).context["page"]) == [other]


@pytest.mark.parametrize("item_count", [1, 3])
def test_certificate_list_query_count(client_for, district_officer, decision, commune, item_count,
                                      django_assert_num_queries):  # fmt: skip
    for i in range(item_count):
        certificates.issue_certificate(recognise(decision, commune, f"SP {i}", f"CT {i}"), by=district_officer)
    client = client_for(district_officer)
    client.get(reverse("evaluations:certificate_list"))
    with django_assert_num_queries(5):
        response = client.get(reverse("evaluations:certificate_list"))
    assert len(response.context["page"]) == item_count


# ---------------------------------------------------------------------------------------------------- one certificate
@pytest.mark.parametrize(
    ("persona", "status"),
    expect({"council_member": 403, "finance_officer": 403, "outsider_official": 404}, 200),
    indirect=["persona"],
)
def test_certificate_detail_per_role(client_for, persona, status, tea_certificate):
    response = client_for(persona).get(reverse("evaluations:certificate", args=[tea_certificate.pk]))
    assert response.status_code == status


def test_detail_shows_buttons_by_right(client_for, tea_certificate, district_officer, secretary, commune_official):
    url = reverse("evaluations:certificate", args=[tea_certificate.pk])
    office = client_for(district_officer).get(url).context
    assert (office["may_revoke"], office["may_reissue"], office["may_inspect"]) == (True, True, True)
    staff = client_for(secretary).get(url).context
    assert (staff["may_revoke"], staff["may_reissue"], staff["may_inspect"]) == (False, False, True)
    commune = client_for(commune_official).get(url).context
    assert (commune["may_revoke"], commune["may_reissue"], commune["may_inspect"]) == (False, False, False)
    assert commune["history"] is not None  # their own commune's object


@pytest.mark.parametrize(
    ("persona", "status"),
    expect({"council_member": 403, "finance_officer": 403, "outsider_official": 404}, 200),
    indirect=["persona"],
)
def test_certificate_file_per_role(client_for, persona, status, tea_certificate):
    response = client_for(persona).get(reverse("evaluations:certificate_file", args=[tea_certificate.pk]))
    assert response.status_code == status
    if status == 200:
        content = b"".join(response.streaming_content)
        stored = Certificate.objects.get(pk=tea_certificate.pk)
        assert content.startswith(b"%PDF-")
        assert hashlib.sha256(content).hexdigest() == stored.sha256
        assert response["Content-Type"] == "application/pdf"
        assert (
            f'filename="gcn-{tea_certificate.number.replace("/", "-").lower()}.pdf"' in response["Content-Disposition"]
        )
        assert response["Cache-Control"] == "private, no-store"


def test_file_is_rendered_once_on_first_download(client_for, district_officer, chair, tea_certificate):
    client_for(district_officer).get(reverse("evaluations:certificate_file", args=[tea_certificate.pk]))
    first = Certificate.objects.get(pk=tea_certificate.pk)
    client_for(chair).get(reverse("evaluations:certificate_file", args=[tea_certificate.pk]))
    second = Certificate.objects.get(pk=tea_certificate.pk)
    assert (second.file.name, second.sha256) == (first.file.name, first.sha256)
    assert AuditEntry.objects.filter(action="certificate.file_stored").count() == 1


def test_file_post_is_refused(client_for, district_officer, tea_certificate):
    response = client_for(district_officer).post(reverse("evaluations:certificate_file", args=[tea_certificate.pk]))
    assert response.status_code == 405


# ---------------------------------------------------------------------------------------------------- revoke
@pytest.mark.parametrize(
    ("persona", "status"),
    expect({"district_officer": 200, "sysadmin": 200, "outsider_official": 404}, 403),
    indirect=["persona"],
)
def test_revoke_form_per_role_and_get_changes_nothing(client_for, persona, status, tea_certificate):
    response = client_for(persona).get(reverse("evaluations:certificate_revoke", args=[tea_certificate.pk]))
    assert response.status_code == status
    assert Certificate.objects.get(pk=tea_certificate.pk).revoked_at is None


def test_revoke_post(client_for, district_officer, tea_certificate):
    response = client_for(district_officer).post(
        reverse("evaluations:certificate_revoke", args=[tea_certificate.pk]),
        {
            "ground": "mark_misuse",
            "decision_number": "3120/QĐ-UBND",
            "decision_date": today().strftime("%d/%m/%Y"),
            "note": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:certificate", args=[tea_certificate.pk])
    certificate = Certificate.objects.get(pk=tea_certificate.pk)
    assert certificate.status() == CertificateStatus.REVOKED
    assert certificate.revocation_decision == "3120/QĐ-UBND"


def test_revoke_refused_input_keeps_what_was_typed(client_for, district_officer, tea_certificate):
    tomorrow = (today() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client_for(district_officer).post(
        reverse("evaluations:certificate_revoke", args=[tea_certificate.pk]),
        {"ground": "other_decision", "decision_number": "3120/QĐ-UBND", "decision_date": tomorrow, "note": ""},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "decision_date": [gettext("The decision date cannot be in the future.")],
        "note": [gettext("Name the decision or reason when the ground is “other decision”.")],
    }
    html = response.content.decode()
    assert 'value="3120/QĐ-UBND"' in html
    assert gettext("The decision date cannot be in the future.") in html
    assert Certificate.objects.get(pk=tea_certificate.pk).revoked_at is None


# ---------------------------------------------------------------------------------------------------- re-issue
@pytest.mark.parametrize(
    ("persona", "status"),
    expect({"district_officer": 200, "sysadmin": 200, "outsider_official": 404}, 403),
    indirect=["persona"],
)
def test_reissue_form_per_role(client_for, persona, status, tea_certificate):
    response = client_for(persona).get(reverse("evaluations:certificate_reissue", args=[tea_certificate.pk]))
    assert response.status_code == status
    assert Certificate.objects.count() == 1


def test_reissue_post_redirects_to_the_new_version(client_for, district_officer, tea_certificate):
    response = client_for(district_officer).post(
        reverse("evaluations:certificate_reissue", args=[tea_certificate.pk]), {"reason": "Sửa tên chủ thể."}
    )
    new = Certificate.objects.get(version=2)
    assert response["Location"] == reverse("evaluations:certificate", args=[new.pk])
    assert Certificate.objects.get(pk=tea_certificate.pk).status() == CertificateStatus.SUPERSEDED


# ---------------------------------------------------------------------------------------------------- inspect
@pytest.mark.parametrize(
    ("persona", "status"),
    expect({"district_officer": 200, "secretary": 200, "sysadmin": 200, "outsider_official": 404}, 403),
    indirect=["persona"],
)
def test_inspection_form_per_role(client_for, persona, status, tea_certificate):
    response = client_for(persona).get(reverse("evaluations:certificate_inspect", args=[tea_certificate.pk]))
    assert response.status_code == status


def test_inspection_post(client_for, secretary, tea_certificate):
    data = {
        "date": today().strftime("%d/%m/%Y"),
        "inspectors": "Đoàn kiểm tra huyện",
        "findings": "Đạt yêu cầu.",
        "result": "compliant",
    }
    response = client_for(secretary).post(reverse("evaluations:certificate_inspect", args=[tea_certificate.pk]), data)
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert (inspection.inspectors, inspection.findings, inspection.date) == (
        "Đoàn kiểm tra huyện",
        "Đạt yêu cầu.",
        today(),
    )


# ---------------------------------------------------------------------------------------------------- record
@pytest.mark.parametrize(
    ("persona", "status"),
    expect({"district_officer": 200, "secretary": 200, "sysadmin": 200}, 403),
    indirect=["persona"],
)
def test_record_form_per_role(client_for, persona, status):
    assert client_for(persona).get(reverse("evaluations:certificate_record")).status_code == status


def test_record_post(client_for, secretary, tea):
    response = client_for(secretary).post(
        reverse("evaluations:certificate_record"),
        {
            "product": tea.dossier.product_id,
            "number": "112/GCN-UBND",
            "issued_on": "28/08/2024",
            "issuer": "UBND tỉnh Bắc Giang",
            "decision_number": "1234/QĐ-UBND",
            "star": "4",
            "valid_until": "",
            "scan": scan(),
        },
    )
    certificate = Certificate.objects.get()
    assert response["Location"] == reverse("evaluations:certificate", args=[certificate.pk])
    assert (certificate.number, certificate.star, certificate.valid_until) == (
        "112/GCN-UBND",
        4,
        datetime.date(2027, 8, 28),
    )


def test_record_refuses_a_bad_scan_and_keeps_the_form(client_for, secretary, tea):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(secretary).post(
        reverse("evaluations:certificate_record"),
        {
            "product": tea.dossier.product_id,
            "number": "112/GCN-UBND",
            "issued_on": "28/08/2024",
            "issuer": "UBND tỉnh Bắc Giang",
            "star": "4",
            "scan": SimpleUploadedFile("gcn.pdf", b"hello", content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() or response.context["form"].errors
    assert 'value="112/GCN-UBND"' in response.content.decode()
    assert not Certificate.objects.exists()


# ---------------------------------------------------------------------------------------------------- a round's batch
@pytest.mark.parametrize(
    ("persona", "status"),
    expect({"council_member": 403, "finance_officer": 403}, 200),
    indirect=["persona"],
)
def test_round_certificates_per_role(client_for, persona, status, decision, tea, noodles):
    response = client_for(persona).get(reverse("evaluations:round_certificates", args=[decision.round.pk]))
    assert response.status_code == status
    if status == 200:
        names = [r.dossier.product.name for r in response.context["recognitions"]]
        expected = {
            "xa-thanh-lam": ["Trà hoa vàng đông trùng túi lọc"],
            "xa-yen-son": ["Mì Chũ Đồng Hưu"],
        }.get(persona.username, ["Mì Chũ Đồng Hưu", "Trà hoa vàng đông trùng túi lọc"])
        assert names == expected
        assert response.context["may_issue"] is (persona.username in ("phong", "sysadmin"))


@pytest.mark.parametrize("item_count", [1, 3])
def test_round_certificates_query_count(client_for, district_officer, decision, commune, item_count,
                                        django_assert_num_queries):  # fmt: skip
    for i in range(item_count):
        recognition = recognise(decision, commune, f"SP {i}", f"CT {i}")
        certificates.issue_certificate(recognition, by=district_officer)
    client = client_for(district_officer)
    url = reverse("evaluations:round_certificates", args=[decision.round.pk])
    client.get(url)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["recognitions"]) == item_count


def test_issue_round_shows_a_confirmation_first(client_for, district_officer, decision, tea, noodles):
    url = reverse("evaluations:issue_certificates", args=[decision.round.pk])
    response = client_for(district_officer).get(url)
    page = response.content.decode()
    assert response.templates[0].name == "confirm.html"
    assert f"2 giấy chứng nhận sẽ được đánh số từ {number(1)}" in page
    names = [r.dossier.product.name for r in decision.recognitions.select_related("dossier__product")]
    assert len(names) == 2 and all(name in page for name in names)
    # A POST without the confirmation (an old button, a replayed request) changes nothing.
    client_for(district_officer).post(url, {"issued_on": today().strftime("%d/%m/%Y")})
    assert not IssuingBatch.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    expect({"district_officer": 302, "sysadmin": 302}, 403),
    indirect=["persona"],
)
def test_issue_round_per_role(client_for, persona, status, decision, tea, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(persona).post(
            reverse("evaluations:issue_certificates", args=[decision.round.pk]),
            {"issued_on": today().strftime("%d/%m/%Y"), "confirmed": "1"},
        )
    assert response.status_code == status
    assert Certificate.objects.count() == (1 if status == 302 else 0)


def test_issue_round_shows_progress(client_for, district_officer, decision, tea, noodles,
                                    django_capture_on_commit_callbacks):  # fmt: skip
    client = client_for(district_officer)
    url = reverse("evaluations:round_certificates", args=[decision.round.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("evaluations:issue_certificates", args=[decision.round.pk]),
            {"issued_on": today().strftime("%d/%m/%Y"), "confirmed": "1"},
        )
    queued = client.get(url)
    assert queued.context["refresh"] is True
    assert '<meta http-equiv="refresh" content="2">' in queued.content.decode()
    for callback in callbacks:
        callback()
    done = client.get(url)
    assert done.context["batch"].status == BatchStatus.DONE
    assert (done.context["batch"].done, done.context["batch"].total) == (2, 2)
    assert done.context["refresh"] is False
    assert [r.certificate.number for r in done.context["recognitions"]] == [number(1), number(2)]


def test_issue_round_refuses_a_bad_date(client_for, district_officer, decision, tea):
    before = (decision.date - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client_for(district_officer).post(
        reverse("evaluations:issue_certificates", args=[decision.round.pk]),
        {"issued_on": before, "confirmed": "1"},
    )
    # The refusal comes back on the confirmation page, with the date as typed.
    assert response.context["form"].errors["__all__"] == [
        gettext("A certificate cannot be dated before its decision (%(date)s).")
        % {"date": decision.date.strftime("%d/%m/%Y")}
    ]
    assert f'value="{before}"' in response.content.decode()
    assert not IssuingBatch.objects.exists()


# ---------------------------------------------------------------------------------------------------- expiry
@pytest.mark.parametrize(
    ("persona", "status"),
    expect({"council_member": 403, "finance_officer": 403}, 200),
    indirect=["persona"],
)
def test_expiry_list_per_role(client_for, persona, status, tea_certificate):
    Certificate.objects.filter(pk=tea_certificate.pk).update(valid_until=today() + datetime.timedelta(days=50))
    response = client_for(persona).get(reverse("evaluations:certificate_expiry"))
    assert response.status_code == status
    if status == 200:
        listed = {g.key: [c.pk for c in g.certificates] for g in response.context["groups"]}
        expected = [] if persona.username == "xa-yen-son" else [tea_certificate.pk]
        assert listed == {"30": [], "60": expected, "120": [], "expired": []}


@pytest.mark.parametrize("item_count", [1, 3])
def test_expiry_list_query_count(client_for, district_officer, decision, commune, item_count,
                                 django_assert_num_queries):  # fmt: skip
    for i in range(item_count):
        made = certificates.issue_certificate(recognise(decision, commune, f"SP {i}", f"CT {i}"), by=district_officer)
        Certificate.objects.filter(pk=made.pk).update(valid_until=today() + datetime.timedelta(days=20 + 40 * i))
    client = client_for(district_officer)
    client.get(reverse("evaluations:certificate_expiry"))
    with django_assert_num_queries(6):
        response = client.get(reverse("evaluations:certificate_expiry"))
    assert sum(len(g.certificates) for g in response.context["groups"]) == item_count


def test_expiry_list_sorts_products_expiring_the_same_day_in_vietnamese_order(
    client_for, district_officer, decision, commune
):
    for name in ["Gạo nếp", "Đậu phụ", "Bánh đa"]:
        made = certificates.issue_certificate(recognise(decision, commune, name, f"CT {name}"), by=district_officer)
        Certificate.objects.filter(pk=made.pk).update(valid_until=today() + datetime.timedelta(days=20))
    response = client_for(district_officer).get(reverse("evaluations:certificate_expiry"))
    names = [c.product_name for c in response.context["soon"]]
    assert names == ["Bánh đa", "Đậu phụ", "Gạo nếp"]  # Đ with D, not after Z


# ---------------------------------------------------------------------------------------------------- ceremony
@pytest.fixture
def ceremony_year(decision):
    year = decision.round.year
    year.ceremony_by = today()
    year.save()
    return year


@pytest.mark.parametrize(
    ("persona", "status"),
    expect({"district_officer": 200, "secretary": 200, "chair": 200, "sysadmin": 200}, 403),
    indirect=["persona"],
)
def test_ceremony_per_role(client_for, persona, status, ceremony_year, tea_certificate):
    response = client_for(persona).get(reverse("evaluations:certificate_ceremony"))
    assert response.status_code == status
    if status == 200:
        assert response.context["rows"] == [tea_certificate]


@pytest.mark.parametrize("item_count", [1, 3])
def test_ceremony_query_count(client_for, district_officer, ceremony_year, decision, commune, item_count,
                              django_assert_num_queries):  # fmt: skip
    for i in range(item_count):
        certificates.issue_certificate(recognise(decision, commune, f"SP {i}", f"CT {i}"), by=district_officer)
    client = client_for(district_officer)
    client.get(reverse("evaluations:certificate_ceremony"))
    with django_assert_num_queries(7):
        response = client.get(reverse("evaluations:certificate_ceremony"))
    assert len(response.context["rows"]) == item_count


def test_ceremony_pdf_and_xlsx(client_for, chair, ceremony_year, tea_certificate, commune_official):
    client = client_for(chair)
    query = {"year": ceremony_year.pk, "until": today().strftime("%d/%m/%Y")}
    pdf = client.get(reverse("evaluations:certificate_ceremony_pdf"), query)
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())  # cells wrap lines
    for expected in ("Trà hoa vàng đông trùng túi lọc", "Hợp tác xã Dược liệu Trường Sơn", number(1), "3★"):
        assert expected in text
    xlsx = client.get(reverse("evaluations:certificate_ceremony_xlsx"), query)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == 1]
    assert rows == [
        (
            1,
            "Trà hoa vàng đông trùng túi lọc",
            "Hợp tác xã Dược liệu Trường Sơn",
            "Thanh Lâm",
            3,
            number(1),
            datetime.datetime.combine(tea_certificate.issued_on, datetime.time()),
            datetime.datetime.combine(tea_certificate.valid_until, datetime.time()),
            "UBND huyện Lục Nam",
            None,
        )
    ]
    assert client_for(commune_official).get(reverse("evaluations:certificate_ceremony_pdf")).status_code == 403


def test_signatory_is_split_into_title_and_name():
    assert certificates.signatory_parts(SIGNATORY) == ("Phó Chủ tịch UBND huyện", "Lê Văn Thành")
    assert certificates.signatory_parts("Lê Văn Thành") == ("", "Lê Văn Thành")
