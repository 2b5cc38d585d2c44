"""Every funding page and export per role (allowed, 403, 404 for another commune's objects), POST-only state changes,
bad input kept with a Vietnamese-ready message, bounded queries on every list, the payment list's PDF text."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from funding import domain
from funding.enums import BudgetKind, EntitlementStatus, Payer
from funding.models import BudgetLine, Entitlement, Expense, Payment
from funding.tests.conftest import NEW
from ocop.models import AuditEntry
from products.tests.factories import ProducerFactory, ProductFactory

ALL = [
    "district_officer",
    "secretary",
    "chair",
    "council_member",
    "commune_official",
    "outsider_official",
    "finance_officer",
    "sysadmin",
]
DAY = datetime.date(2024, 6, 20)


def expect(statuses, default):
    return [(p, statuses.get(p, default)) for p in ALL]


NO_MONEY = {"secretary": 403, "chair": 403, "council_member": 403}
LIST = expect(NO_MONEY, 200)
OBJECT = expect(NO_MONEY | {"outsider_official": 404}, 200)
MONEY_ONLY = expect(NO_MONEY | {"commune_official": 403, "outsider_official": 403}, 200)
EDIT_BUDGET = expect(NO_MONEY | {"commune_official": 403, "outsider_official": 403, "sysadmin": 403}, 200)
EDIT_POLICY = expect(NO_MONEY | {"commune_official": 403, "outsider_official": 403, "finance_officer": 403}, 200)


@pytest.fixture
def funded(nq67, make_decision, year_2024, support_line_2024):
    """Three new 3★ products of Thanh Lâm recognised on 20/06/2024: three entitlements of 50,000,000."""
    decision = make_decision(DAY, [(NEW, 3, None)] * 3, year=year_2024)
    return list(Entitlement.objects.filter(decision=decision).order_by("pk"))


@pytest.fixture
def entitlement(funded):
    return funded[0]


@pytest.fixture
def uncovered(nq67, make_decision):
    """A 2026 recognition that no policy covers."""
    decision = make_decision(datetime.date(2026, 3, 5), [(NEW, 3, None)])
    return decision.recognitions.get()


# ---------------------------------------------------------------------------------------------------- lists
@pytest.mark.parametrize(("persona", "status"), LIST, indirect=["persona"])
def test_entitlement_list_per_role(client_for, persona, status, funded):
    response = client_for(persona).get(reverse("funding:entitlement_list"))
    assert response.status_code == status
    if status == 200:
        expected = 0 if persona.username == "xa-yen-son" else 3
        assert len(response.context["page"]) == expected


def test_entitlement_list_filters_and_accent_insensitive_search(client_for, finance_officer, funded):
    funded[0].product.name = "Bánh mật Thanh Lâm"
    funded[0].product.save()
    domain.approve_entitlement(funded[1], by=finance_officer)
    client = client_for(finance_officer)
    url = reverse("funding:entitlement_list")
    assert list(client.get(url, {"q": "banh mat"}).context["page"]) == [funded[0]]
    assert list(client.get(url, {"status": "approved"}).context["page"]) == [funded[1]]
    assert len(client.get(url, {"payer": Payer.PROVINCE}).context["page"]) == 0
    assert len(client.get(url, {"year": funded[0].year.pk, "commune": funded[0].commune_id}).context["page"]) == 3


@pytest.mark.parametrize(("persona", "status"), LIST, indirect=["persona"])
def test_uncovered_list_per_role_shows_the_reason(client_for, persona, status, uncovered):
    response = client_for(persona).get(reverse("funding:uncovered_list"))
    assert response.status_code == status
    if status == 200 and persona.username != "xa-yen-son":
        assert "Không có chính sách hỗ trợ nào áp dụng cho quyết định ngày 05/03/2026" in response.content.decode()
    elif status == 200:
        assert len(response.context["page"]) == 0


@pytest.mark.parametrize(("persona", "status"), MONEY_ONLY, indirect=["persona"])
def test_exports_per_role(client_for, persona, status, funded):
    client = client_for(persona)
    for name in ("funding:entitlement_export", "funding:payment_list_pdf", "funding:payment_list_xlsx"):
        assert client.get(reverse(name)).status_code == status


def test_excel_export_has_rows_and_the_decimal_total(client_for, finance_officer, funded):
    response = client_for(finance_officer).get(reverse("funding:entitlement_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] in (1, 2, 3)]
    assert len(rows) == 3
    total_row = [row for row in sheet.iter_rows(values_only=True) if row and row[0] is None and row[9]]
    assert total_row == [(None, "Tổng cộng", None, None, None, None, None, None, None, 150000000, None, None, None)]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_payment_list_pdf_lists_the_approved_with_the_total_in_words(client_for, finance_officer, funded):
    for entitlement in funded:
        domain.approve_entitlement(entitlement, by=finance_officer)
    response = client_for(finance_officer).get(reverse("funding:payment_list_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for entitlement in funded:
        assert entitlement.product.name in text
    assert "150.000.000" in text
    assert "Một trăm năm mươi triệu đồng" in text
    xlsx = client_for(finance_officer).get(reverse("funding:payment_list_xlsx"))
    cells = [c for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True) for c in row if c]
    assert any("Một trăm năm mươi triệu đồng" in str(c) for c in cells)
    assert 150000000 in cells


def test_payment_list_leaves_out_what_is_not_waiting_for_payment(client_for, finance_officer, funded):
    domain.approve_entitlement(funded[0], by=finance_officer)
    text = pdf_text(client_for(finance_officer).get(reverse("funding:payment_list_pdf")).content)
    assert funded[0].product.name in text
    assert funded[1].product.name not in text
    assert "Năm mươi triệu đồng" in text


# ---------------------------------------------------------------------------------------------------- one entitlement
@pytest.mark.parametrize(("persona", "status"), OBJECT, indirect=["persona"])
def test_entitlement_detail_per_role(client_for, persona, status, entitlement):
    response = client_for(persona).get(reverse("funding:entitlement", args=[entitlement.pk]))
    assert response.status_code == status
    if status == 200:
        assert response.context["may_approve"] is (persona.username == "taichinh")


@pytest.mark.parametrize(
    ("persona", "status"), expect({"finance_officer": 302, "outsider_official": 404}, 403), indirect=["persona"]
)
def test_approve_per_role(client_for, persona, status, entitlement):
    response = client_for(persona).post(reverse("funding:entitlement_approve", args=[entitlement.pk]))
    assert response.status_code == status
    entitlement.refresh_from_db()
    assert (entitlement.status == EntitlementStatus.APPROVED) is (status == 302)


def test_state_changes_are_post_only(client_for, finance_officer, entitlement):
    client = client_for(finance_officer)
    for name in ("entitlement_approve", "entitlement_reject", "entitlement_pay", "entitlement_failed"):
        assert client.get(reverse(f"funding:{name}", args=[entitlement.pk])).status_code == 405
    entitlement.refresh_from_db()
    assert entitlement.status == EntitlementStatus.PROPOSED


@pytest.mark.parametrize(
    ("persona", "status"), expect({"finance_officer": 302, "outsider_official": 404}, 403), indirect=["persona"]
)
def test_pay_per_role(client_for, persona, status, entitlement, finance_officer):
    domain.approve_entitlement(entitlement, by=finance_officer)
    data = {"date": "01/08/2024", "voucher_number": "UNC 1", "amount": "50.000.000"}
    response = client_for(persona).post(reverse("funding:entitlement_pay", args=[entitlement.pk]), data)
    assert response.status_code == status
    assert Payment.objects.filter(entitlement=entitlement, outcome="paid").exists() is (status == 302)


def test_bad_payment_input_is_kept_with_a_message(client_for, finance_officer, entitlement):
    domain.approve_entitlement(entitlement, by=finance_officer)
    data = {"date": "01/08/2024", "voucher_number": "UNC 7", "amount": "45.000.000"}
    response = client_for(finance_officer).post(reverse("funding:entitlement_pay", args=[entitlement.pk]), data)
    assert response.status_code == 400
    form = response.context["payment_form"]
    assert "difference_reason" in form.errors
    assert form["voucher_number"].value() == "UNC 7"  # nothing typed is lost
    assert not Payment.objects.exists()


def test_reject_and_failed_payment_through_the_pages(client_for, finance_officer, funded):
    client = client_for(finance_officer)
    response = client.post(reverse("funding:entitlement_reject", args=[funded[0].pk]), {"reason": ""})
    assert response.status_code == 400
    client.post(reverse("funding:entitlement_reject", args=[funded[0].pk]), {"reason": "Chủ thể giải thể"})
    domain.approve_entitlement(funded[1], by=finance_officer)
    client.post(
        reverse("funding:entitlement_failed", args=[funded[1].pk]), {"date": "02/08/2024", "reason": "Sai số TK"}
    )
    statuses = dict(Entitlement.objects.filter(pk__in=[funded[0].pk, funded[1].pk]).values_list("pk", "status"))
    assert statuses == {funded[0].pk: "rejected", funded[1].pk: "payment_failed"}


@pytest.mark.parametrize(("persona", "status"), OBJECT, indirect=["persona"])
def test_producer_history_per_role(client_for, persona, status, funded, uncovered):
    response = client_for(persona).get(reverse("funding:producer", args=[funded[0].producer_id]))
    assert response.status_code == status
    if status == 200:
        assert [row["entitlement"] for row in response.context["rows"]] == [funded[0]]


@pytest.mark.parametrize(("persona", "status"), OBJECT, indirect=["persona"])
def test_recognition_without_support_says_why(client_for, persona, status, uncovered):
    response = client_for(persona).get(reverse("funding:recognition", args=[uncovered.pk]))
    assert response.status_code == status
    if status == 200:
        assert "31/12/2025" in response.context["assessment"].reason


def test_a_covered_recognition_leads_to_its_entitlement(client_for, finance_officer, entitlement):
    response = client_for(finance_officer).get(reverse("funding:recognition", args=[entitlement.recognition_id]))
    assert response.url == reverse("funding:entitlement", args=[entitlement.pk])


# ---------------------------------------------------------------------------------------------------- budgets
@pytest.mark.parametrize(("persona", "status"), MONEY_ONLY, indirect=["persona"])
def test_budget_pages_per_role(client_for, persona, status, support_line_2024):
    client = client_for(persona)
    assert client.get(reverse("funding:budget"), {"year": 2024}).status_code == status
    assert client.get(reverse("funding:budget_line", args=[support_line_2024.pk])).status_code == status


@pytest.mark.parametrize(("persona", "status"), EDIT_BUDGET, indirect=["persona"])
def test_budget_line_form_per_role(client_for, persona, status, support_line_2024):
    client = client_for(persona)
    assert client.get(reverse("funding:budget_line_add")).status_code == status
    assert client.get(reverse("funding:budget_line_edit", args=[support_line_2024.pk])).status_code == status


def test_budget_page_shows_budget_committed_and_paid(client_for, finance_officer, funded, support_line_2024):
    for entitlement in funded:
        domain.approve_entitlement(entitlement, by=finance_officer)
    domain.record_payment(funded[0], date=DAY, voucher_number="UNC 1", amount=Decimal("50000000"), by=finance_officer)
    response = client_for(finance_officer).get(reverse("funding:budget"), {"year": 2024})
    (line,) = response.context["lines"]
    assert (line.amount, line.committed, line.paid, line.available) == (
        Decimal("300000000"),
        Decimal("100000000"),
        Decimal("50000000"),
        Decimal("150000000"),
    )


def test_expense_through_the_page_and_overspend_refused(client_for, finance_officer, district_officer, year_2024):
    line = BudgetLine.objects.create(
        year=year_2024, name="Tuyên truyền", amount=Decimal("10000000"), payer=Payer.PROVINCE, kind=BudgetKind.PROGRAMME
    )
    url = reverse("funding:expense_add", args=[line.pk])
    data = {"date": "05/04/2024", "purpose": "Hội nghị", "amount": "8.000.000", "document": "PC 18"}
    assert client_for(district_officer).post(url, data).status_code == 302
    response = client_for(district_officer).post(url, data | {"purpose": "In tờ rơi", "amount": "3000000"})
    assert response.status_code == 400
    assert "override_reason" in response.context["expense_form"].errors
    assert response.context["expense_form"]["purpose"].value() == "In tờ rơi"
    client_for(finance_officer).post(
        url, data | {"purpose": "In tờ rơi", "amount": "3000000", "override_reason": "Bổ sung"}
    )
    assert list(Expense.objects.order_by("pk").values_list("purpose", flat=True)) == ["Hội nghị", "In tờ rơi"]
    assert AuditEntry.objects.filter(action="budget.overridden").count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    expect(NO_MONEY | {"commune_official": 403, "outsider_official": 403}, 200),
    indirect=["persona"],
)
def test_policy_list_per_role(client_for, persona, status, nq67):
    assert client_for(persona).get(reverse("funding:policy_list")).status_code == status


@pytest.mark.parametrize(("persona", "status"), EDIT_POLICY, indirect=["persona"])
def test_policy_form_per_role(client_for, persona, status, nq67):
    assert client_for(persona).get(reverse("funding:policy_edit", args=[nq67.pk])).status_code == status


def test_a_new_policy_through_the_form_covers_the_2026_recognition(client_for, district_officer, authority, uncovered):
    data = {
        "legal_basis": "Nghị quyết số 01/2026/NQ-HĐND",
        "valid_from": "01/01/2026",
        "valid_to": "",
        "payer_3": "district",
        "payer_4": "province",
        "payer_5": "province",
        "rate_new_3": "40.000.000",
    }
    response = client_for(district_officer).post(reverse("funding:policy_add"), data)
    assert response.status_code == 302
    entitlement = Entitlement.objects.get(recognition=uncovered)
    assert (entitlement.amount, entitlement.legal_basis) == (Decimal("40000000"), "Nghị quyết số 01/2026/NQ-HĐND")


def test_an_overlapping_policy_is_refused_with_what_was_typed(client_for, district_officer, nq67):
    data = {"legal_basis": "NQ mới", "valid_from": "01/06/2025", "payer_3": "district", "payer_4": "province",
            "payer_5": "province", "rate_new_3": "1"}  # fmt: skip
    response = client_for(district_officer).post(reverse("funding:policy_add"), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert response.context["form"]["legal_basis"].value() == "NQ mới"


# ---------------------------------------------------------------------------------------------------- bounded queries
def _add_rows(make_decision, year_2024, line, producer, by, count):
    """``count`` more entitlements (of one producer), recognitions without support, expenses and budget lines."""
    make_decision(DAY, [(NEW, 3, ProductFactory(producer=producer)) for _ in range(count)], year=year_2024)
    make_decision(datetime.date(2026, 3, 5), [(NEW, 3, ProductFactory(producer=producer)) for _ in range(count)])
    for _ in range(count):
        n = Expense.objects.count()
        domain.record_expense(line, date=DAY, purpose=f"Chi {n}", amount=Decimal(1), document="PC", by=by)
        BudgetLine.objects.create(year=year_2024, name=f"Dòng {n}", amount=Decimal(5))


def _query_counts(client, urls) -> dict:
    counts = {}
    for url in urls:
        client.get(url)  # warm caches (session, content types)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    return counts


def test_every_list_makes_as_many_queries_for_one_row_as_for_three(client_for, finance_officer, nq67, make_decision,
                                                                  year_2024, support_line_2024, commune):  # fmt: skip
    producer = ProducerFactory(commune=commune)
    client = client_for(finance_officer)
    urls = [
        reverse("funding:entitlement_list"),
        reverse("funding:uncovered_list"),
        reverse("funding:budget") + "?year=2024",
        reverse("funding:budget_line", args=[support_line_2024.pk]),
        reverse("funding:policy_list"),
        reverse("funding:producer", args=[producer.pk]),
        reverse("funding:entitlement_export"),
    ]
    _add_rows(make_decision, year_2024, support_line_2024, producer, finance_officer, 1)
    one = _query_counts(client, urls)
    assert len(client.get(urls[0]).context["page"]) == 1
    _add_rows(make_decision, year_2024, support_line_2024, producer, finance_officer, 2)
    three = _query_counts(client, urls)
    assert three == one
    assert len(client.get(urls[0]).context["page"]) == 3
    assert len(client.get(urls[1]).context["page"]) == 3
    assert len(client.get(urls[2]).context["lines"]) == 4
    assert len(client.get(urls[3]).context["page"]) == 3
    assert len(client.get(urls[5]).context["rows"]) == 6
