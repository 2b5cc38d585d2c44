"""The entitlement list (.xlsx) and the payment list for signature (PDF through ``ocop.lib.pdf``, and .xlsx), with
totals and the total in Vietnamese words. No request here: views check permission and pass the rows."""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from evaluations.printouts import date_text, place_and_date
from ocop.lib.pdf import render_pdf
from ocop.lib.vnwords import amount_in_words
from products.excel import DATE_FORMAT, HEADER_FILL, HEADER_FONT, safe_text

MONEY_FORMAT = "#,##0"


def total_of(entitlements) -> Decimal:
    return sum((e.amount for e in entitlements), Decimal(0))


def _headers_list():
    return [
        _("No."),
        _("Producer"),
        _("Product"),
        _("Commune"),
        _("Recognition decision"),
        _("Star"),
        _("Case"),
        _("Payer"),
        _("Status"),
        _("Amount (VND)"),
        _("Paid on"),
        _("Amount paid (VND)"),
        _("Legal basis"),
    ]


def _write(ws, titles, headers, rows, *, money_columns, date_columns, widths, total_row=None, footer=()):
    for index, title in enumerate(titles):
        ws.append([safe_text(str(title))])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=14 if index == 0 else 11)
    ws.append([])
    ws.append([safe_text(str(h)) for h in headers])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for values in rows + ([total_row] if total_row else []):
        ws.append(
            [
                v if isinstance(v, int | Decimal) or v is None or hasattr(v, "year") else safe_text(str(v))
                for v in values
            ]
        )
        for column in money_columns:
            ws.cell(row=ws.max_row, column=column).number_format = MONEY_FORMAT
        for column in date_columns:
            ws.cell(row=ws.max_row, column=column).number_format = DATE_FORMAT
    if total_row:
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    for line in footer:
        ws.append([safe_text(str(line))])
        ws.cell(row=ws.max_row, column=1).font = Font(italic=True)
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def _to_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def entitlements_xlsx(entitlements, *, title) -> bytes:
    entitlements = list(entitlements)
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Ho tro OCOP"
    rows = [
        [
            number,
            e.producer.name,
            e.product.name,
            e.commune.name,
            f"{e.decision_number} ({date_text(e.decision_date)})",
            e.star,
            e.get_case_display(),
            e.get_payer_display(),
            e.get_status_display(),
            e.amount,
            e.paid_on,
            e.paid_amount,
            e.legal_basis,
        ]
        for number, e in enumerate(entitlements, start=1)
    ]
    total = ["", pgettext("money", "Total"), "", "", "", None, "", "", "", total_of(entitlements), None, None, ""]
    _write(
        ws,
        [title],
        _headers_list(),
        rows,
        money_columns=(10, 12),
        date_columns=(11,),
        widths=(6, 30, 28, 14, 24, 6, 22, 16, 14, 16, 12, 16, 40),
        total_row=total,
    )
    return _to_bytes(workbook)


def payment_list_context(entitlements, *, authority, year, payer_label, today=None) -> dict:
    entitlements = list(entitlements)
    total = total_of(entitlements)
    today = today or timezone.localdate()
    bases = sorted({e.legal_basis for e in entitlements})
    return {
        "authority": authority,
        "year": year,
        "payer_label": payer_label,
        "entitlements": entitlements,
        "total": total,
        "total_words": amount_in_words(total),
        "legal_bases": bases,
        "sign_place_date": place_and_date(authority, today) if authority else "",
        "title": _("List of OCOP support payments for approval"),
    }


def payment_list_pdf(context) -> bytes:
    return render_pdf("pdf/payment_list.html", context)


def payment_list_xlsx(context) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Danh sach chi tra"
    entitlements = context["entitlements"]
    headers = [
        _("No."),
        _("Producer"),
        _("Product"),
        _("Commune"),
        _("Recognition decision"),
        _("Star"),
        _("Case"),
        _("Amount (VND)"),
        _("Signature of the recipient"),
    ]
    rows = [
        [
            number,
            e.producer.name,
            e.product.name,
            e.commune.name,
            f"{e.decision_number} ({date_text(e.decision_date)})",
            e.star,
            e.get_case_display(),
            e.amount,
            "",
        ]
        for number, e in enumerate(entitlements, start=1)
    ]
    titles = [context["title"]]
    if context["authority"]:
        titles.append(context["authority"].name)
    subtitle = " – ".join(str(v) for v in (context["year"], context["payer_label"]) if v)
    if subtitle:
        titles.append(subtitle)
    titles += context["legal_bases"]
    _write(
        ws,
        titles,
        headers,
        rows,
        money_columns=(8,),
        date_columns=(),
        widths=(6, 30, 28, 14, 24, 6, 22, 16, 20),
        total_row=["", pgettext("money", "Total"), "", "", "", None, "", context["total"], ""],
        footer=[_("In words: %(words)s.") % {"words": context["total_words"]}],
    )
    return _to_bytes(workbook)


def filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate():%Y%m%d}.{extension}"
