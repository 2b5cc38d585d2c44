"""Official reports regenerated from the data, each as PDF (``ocop.lib.pdf``) and .xlsx, and the flat CSV for the
national OCOP system.

* Appendix 1 of the year's plan ("Danh sách sản phẩm dự kiến tham gia Chương trình OCOP năm …"): the dossiers of the
  year's rounds, new registrations and upgrades (part I) then re-evaluations (part II), in the seed plan's columns
  (No., producer, address, product, note).
* A round's results; the year's recognised products with their certificates; the year-end summary.
* The national CSV: one row per product holding a current certificate, UTF-8 with a BOM so that Excel reads its
  diacritics.

Nothing here takes a request: views check ``report.view`` (and ``money.view`` for money) and pass the objects.
Every text cell of a workbook or CSV goes through ``products.excel.safe_text`` (no formula injection).
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from evaluations.enums import CertificateStatus
from evaluations.models import Certificate, Recognition
from evaluations.printouts import decimal_text, place_and_date, star_text
from insights import queries
from ocop.enums import AuthorityLevel
from ocop.lib.pdf import render_pdf
from ocop.lib.text import unaccent, vn_slugify
from products.enums import RegistrationType
from products.excel import DATE_FORMAT, HEADER_FILL, HEADER_FONT, safe_text
from products.models import Dossier


def date_text(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


# The word before the authority's name at the end of an address ("huyện Lục Nam", "tỉnh Bắc Giang").
ADDRESS_WORDS = {
    AuthorityLevel.DISTRICT: pgettext_lazy("address", "district"),
    AuthorityLevel.PROVINCE: pgettext_lazy("address", "province"),
}


def place_of(authority) -> str:
    """'huyện Lục Nam': the authority's level and short name, as an address ends."""
    word = ADDRESS_WORDS.get(authority.level, authority.get_level_display().lower())
    return f"{word} {authority.short_name}"


def producer_address(producer, commune, authority) -> str:
    """'Thôn Nội Chùa, xã Yên Sơn, huyện Lục Nam', as the plan prints it."""
    parts = [producer.address.strip(), str(commune), place_of(authority)]
    return ", ".join(part for part in parts if part)


def filename(stem: str, year_or_name, extension: str) -> str:
    return f"{vn_slugify(stem)}-{vn_slugify(str(year_or_name))}.{extension}"


# ---------------------------------------------------------------------------------------------------- Appendix 1
@dataclass
class AppendixRow:
    producer: str
    address: str
    product: str
    note: str
    registration_type: str
    commune: str
    expected_star: int | None = None


def expected_star_text(star) -> str:
    return _("Expected %(star)s stars") % {"star": star}


def appendix_note(dossier) -> str:
    """The plan's "Ghi chú": the registration type ("Đăng ký mới"), or for a re-evaluation the star the plan expects
    ("Dự kiến 4 sao", as the plan prints it); a new product with an expected star has both."""
    expected = expected_star_text(dossier.expected_star) if dossier.expected_star else ""
    if dossier.registration_type == RegistrationType.REEVALUATION and expected:
        return expected
    label = str(dossier.get_registration_type_display())
    return f"{label}; {expected[:1].lower()}{expected[1:]}" if expected else label


def appendix1(authority, year) -> dict:
    """The plan's Appendix 1 for ``year`` from its rounds' dossiers: one query."""
    dossiers = (
        Dossier.objects.filter(round__year=year)
        .select_related("product__producer", "commune")
        .order_by("round__number", "created_at", "pk")
    )
    new, reevaluations = [], []
    for dossier in dossiers:
        producer = dossier.product.producer
        row = AppendixRow(
            producer=producer.name,
            address=producer_address(producer, dossier.commune, authority),
            product=dossier.product.name,
            note=appendix_note(dossier),
            registration_type=dossier.registration_type,
            commune=dossier.commune.name,
            expected_star=dossier.expected_star,
        )
        (reevaluations if dossier.registration_type == RegistrationType.REEVALUATION else new).append(row)
    return {
        "authority": authority,
        "year": year,
        "title": _("List of products expected to take part in the OCOP programme in %(year)s") % {"year": year.year},
        "sections": [
            {"number": "I", "title": _("New registrations and upgrades"), "rows": new},
            {"number": "II", "title": _("Re-evaluated products"), "rows": reevaluations},
        ],
        "total": len(new) + len(reevaluations),
        "place_date": place_and_date(authority, timezone.localdate()),
    }


def appendix1_headers() -> list[str]:
    return [_("No."), _("Enterprise, cooperative or producer"), _("Address"), _("Product"), _("Note")]


def appendix1_pdf(data: dict) -> bytes:
    return render_pdf("pdf/insights/appendix1.html", data)


def appendix1_xlsx(data: dict) -> bytes:
    rows = []
    for section in data["sections"]:
        rows.append(Bold([section["number"], section["title"], "", "", ""]))
        rows.extend([n, r.producer, r.address, r.product, r.note] for n, r in enumerate(section["rows"], start=1))
    return workbook(
        _("Appendix 1"),
        [_("Appendix 1"), data["title"]],
        appendix1_headers(),
        rows,
        widths={1: 6, 2: 40, 3: 44, 4: 32, 5: 18},
    )


# ---------------------------------------------------------------------------------------------------- a round's results
def round_results(round_) -> dict:
    """Each dossier of the round accepted for evaluation: its council result, recognition and certificate. Two
    queries (dossiers with their result and recognition; the certificates)."""
    dossiers = list(
        Dossier.objects.filter(round=round_, result__isnull=False)
        .select_related("product__producer", "product__criteria_set", "commune", "result", "recognition")
        .prefetch_related(
            Prefetch(
                "recognition__certificates",
                queryset=Certificate.objects.filter(superseded_at__isnull=True).order_by("-version"),
                to_attr="live_certificates",
            )
        )
        .order_by("product__name", "pk")
    )
    rows = []
    for dossier in dossiers:
        recognition = getattr(dossier, "recognition", None)
        certificate = recognition.live_certificates[0] if recognition and recognition.live_certificates else None
        rows.append(
            {
                "product": dossier.product.name,
                "producer": dossier.product.producer.name,
                "commune": dossier.commune.name,
                "group": f"{dossier.product.criteria_set.code}. {dossier.product.criteria_set.name}",
                "type": dossier.get_registration_type_display(),
                "mean": dossier.result.mean,
                "star": dossier.result.star,
                "recognised": recognition.star if recognition else None,
                "certificate": certificate.number if certificate else "",
            }
        )
    decision = getattr(round_, "decision", None)
    return {
        "authority": round_.year.authority,
        "round": round_,
        "year": round_.year,
        "decision": decision,
        "title": _("Results of %(round)s") % {"round": round_},
        "rows": rows,
    }


def round_results_headers() -> list[str]:
    return [
        _("No."),
        _("Product"),
        _("Producer"),
        _("Commune"),
        _("Product group"),
        _("Registration type"),
        _("Mean score"),
        _("Council's star"),
        _("Recognised star"),
        _("Certificate number"),
    ]


def round_results_pdf(data: dict) -> bytes:
    return render_pdf("pdf/insights/round_results.html", data)


def round_results_xlsx(data: dict) -> bytes:
    rows = [
        [
            n,
            r["product"],
            r["producer"],
            r["commune"],
            r["group"],
            r["type"],
            decimal_text(r["mean"]),
            star_text(r["star"]),
            star_text(r["recognised"]),
            r["certificate"],
        ]
        for n, r in enumerate(data["rows"], start=1)
    ]
    facts = []
    if data["decision"]:
        facts.append(
            (_("Recognition decision"), f"{data['decision'].number} ({date_text(data['decision'].date)})"),
        )
    return workbook(
        _("Results"),
        [data["title"]],
        round_results_headers(),
        rows,
        facts=facts,
        widths={1: 6, 2: 30, 3: 32, 4: 16, 5: 30, 6: 16, 10: 20},
    )


# ---------------------------------------------------------------------------------------------------- recognised
def recognised(authority, year, today=None) -> dict:
    """The year's recognitions with their current certificate (number, dates, status): two queries."""
    today = today or timezone.localdate()
    recognitions = (
        Recognition.objects.filter(decision__round__year=year)
        .select_related("decision__round", "dossier__product__producer", "dossier__product__criteria_set")
        .select_related("dossier__commune")
        .prefetch_related(
            Prefetch(
                "certificates",
                queryset=Certificate.objects.filter(superseded_at__isnull=True).order_by("-version"),
                to_attr="live_certificates",
            )
        )
        .order_by("decision__round__number", "-star", "dossier__product__name", "pk")
    )
    rows = []
    for recognition in recognitions:
        product = recognition.dossier.product
        certificate = recognition.live_certificates[0] if recognition.live_certificates else None
        rows.append(
            {
                "product": product.name,
                "producer": product.producer.name,
                "address": producer_address(product.producer, recognition.dossier.commune, authority),
                "group": f"{product.criteria_set.code}. {product.criteria_set.name}",
                "star": recognition.star,
                "decision": recognition.decision.number,
                "decision_date": recognition.decision.date,
                "certificate": certificate.number if certificate else "",
                "issued_on": certificate.issued_on if certificate else None,
                "valid_until": certificate.valid_until if certificate else recognition.decision.valid_until,
                "status": certificate.status(today).label if certificate else _("Not issued yet"),
            }
        )
    return {
        "authority": authority,
        "year": year,
        "title": _("OCOP products recognised in %(year)s and their certificates") % {"year": year.year},
        "rows": rows,
    }


def recognised_headers() -> list[str]:
    return [
        _("No."),
        _("Product"),
        _("Producer"),
        _("Address"),
        _("Product group"),
        _("Star"),
        _("Decision number"),
        _("Decision date"),
        _("Certificate number"),
        _("Issue date"),
        _("Valid until"),
        _("Status"),
    ]


def recognised_pdf(data: dict) -> bytes:
    return render_pdf("pdf/insights/recognised.html", data)


def recognised_xlsx(data: dict) -> bytes:
    rows = [
        [
            n,
            r["product"],
            r["producer"],
            r["address"],
            r["group"],
            star_text(r["star"]),
            r["decision"],
            r["decision_date"],
            r["certificate"],
            r["issued_on"],
            r["valid_until"],
            str(r["status"]),
        ]
        for n, r in enumerate(data["rows"], start=1)
    ]
    return workbook(
        _("Recognised"),
        [data["title"]],
        recognised_headers(),
        rows,
        widths={1: 6, 2: 30, 3: 32, 4: 40, 5: 28, 7: 18, 9: 20},
        default_width=12,
    )


# ---------------------------------------------------------------------------------------------------- year-end
def year_end(authority, year, *, with_money: bool, today=None) -> dict:
    """Results against targets, the funnel, by commune and group, stars, rounds and (for those who may see money)
    the budget: the dashboard's fixed set of queries."""
    data = queries.district_dashboard(authority, year.year, with_money=with_money, today=today)
    return {
        **data,
        "authority": authority,
        "title": _("Year-end summary of the OCOP programme %(year)s") % {"year": year.year},
        "with_money": with_money,
        "place_date": place_and_date(authority, timezone.localdate()),
        # The number is left for the records office to write when the report is registered, as printed drafts are.
        "document_number": _("No.: %(blank)s/BC-UBND") % {"blank": "\u2003" * 4},
        "recipients": report_recipients(authority),
    }


def report_recipients(authority) -> list[str]:
    """ "Nơi nhận" of a report the authority sends up: the next level, its own leaders, the council, the communes, and
    the archive copy (records office and the standing body)."""
    if authority.is_province:
        above = [_("The Ministry of Agriculture and Environment")]
    else:
        above = [_("The province's People's Committee"), _("The province's Department of Agriculture")]
    return [
        *above,
        _("The chair and vice-chairs of the People's Committee"),
        _("Members of the OCOP evaluation council"),
        _("People's Committees of the communes"),
        _("Archived: records office, %(office)s") % {"office": authority.standing_body or authority.short_name},
    ]


def year_end_pdf(data: dict) -> bytes:
    return render_pdf("pdf/insights/year_end.html", data)


def year_end_xlsx(data: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = safe_text(str(_("Summary")))[:31]
    _title_rows(ws, [data["title"], data["year"].plan_reference])
    _table(
        ws, [_("Target"), _("Plan"), _("Recognised")], [[r["label"], r["target"], r["actual"]] for r in data["targets"]]
    )
    ws.append([])
    _table(ws, [_("Step"), _("Dossiers")], [[s["label"], s["count"]] for s in data["funnel"]])
    ws.append([])
    _table(ws, [_("Star"), _("Recognised")], [[f"{r['star']}★", r["count"]] for r in data["stars"].star_rows()])
    if data.get("with_money") and data.get("budget"):
        money = data["budget"]
        ws.append([])
        _table(
            ws,
            [_("Support and budget"), _("Amount (VND)")],
            [
                [_("Budget of the year (all lines)"), money["total"] or 0],
                [_("Committed (approved, not yet paid)"), money["committed"]],
                [pgettext("money", "Paid"), money["paid"]],
                [_("Still available"), money["available"]],
                *([row["label"], row["amount"]] for row in money["entitlements"] if row["count"]),
            ],
        )
    _widths(ws, {1: 44, 2: 14, 3: 14})
    for title, key in ((_("By commune"), "by_commune"), (_("By product group"), "by_group")):
        sheet = wb.create_sheet(safe_text(str(title))[:31])
        _table(
            sheet,
            [_("Name"), _("Dossiers"), _("Recognised")],
            [[r["name"], r["dossiers"], r["recognised"]] for r in data[key]],
        )
        _widths(sheet, {1: 44, 2: 12, 3: 12})
    sheet = wb.create_sheet(safe_text(str(_("Rounds")))[:31])
    _table(
        sheet,
        [
            _("Round"),
            _("Stage"),
            _("Commune deadline"),
            _("District deadline"),
            _("Dossiers"),
            _("Accepted"),
            _("Recognised"),
        ],
        [
            [
                str(r),
                r.current_stage,
                r.commune_deadline,
                r.district_deadline,
                r.dossier_total,
                r.dossier_accepted,
                r.recognised,
            ]
            for r in data["rounds"]
        ],
    )
    _widths(sheet, {1: 16, 2: 22, 3: 16, 4: 16})
    return _to_bytes(wb)


# ---------------------------------------------------------------------------------------------------- national CSV
def national_rows(authority, today=None) -> list[list]:
    """One row per product holding a current certificate of the authority (highest star, then the latest expiry):
    one query."""
    today = today or timezone.localdate()
    certificates = (
        Certificate.objects.filter(authority=authority)
        .current(today)
        .select_related("product")
        .order_by("product_id", "-star", "-valid_until", "-pk")
    )
    rows, seen = [], set()
    for c in certificates:
        if c.product_id in seen:
            continue
        seen.add(c.product_id)
        rows.append(
            [
                c.product_code or product_code(authority, c.product_id),
                c.product_name,
                c.product_group,
                c.producer_name,
                c.producer_address,
                c.star,
                c.decision_number,
                date_text(c.decision_date),
                date_text(c.valid_until),
            ]
        )
    rows.sort(key=lambda row: (unaccent(row[1]).casefold(), row[0]))
    return rows


def product_code(authority, product_id: int) -> str:
    """The code of a product whose certificate predates product codes (recorded or paper certificates): the
    authority's code and the product's number (stable, unique). Certificates issued here print the recognition's
    code in the regime's format (T-H-X-STT-Năm), which the export uses first."""
    return f"{authority.code.upper()}-{product_id:06d}"


def national_headers() -> list[str]:
    return [
        _("Product code"),
        _("Product name"),
        _("Product group"),
        _("Producer"),
        _("Address"),
        _("Star"),
        _("Decision number"),
        _("Decision date"),
        _("Valid until"),
    ]


def national_csv(authority, today=None) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads the diacritics), comma-separated, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_text(str(h)) for h in national_headers()])
    for row in national_rows(authority, today):
        writer.writerow([safe_text(value) if isinstance(value, str) else value for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---------------------------------------------------------------------------------------------------- PTNT_OCOP
# The table PTNT_OCOP of the agricultural database standard of Decision 5277/QĐ-BNNMT, its columns in the order of
# the DDL a public implementation publishes (docs/ptnt-ocop-export.md says which values are confirmed and which are
# our reading).
PTNT_OCOP_COLUMNS = [
    "MA_OCOP",
    "Ma_DonViHanhChinh",
    "Ma_ThoiGian",
    "Ma_SanPham",
    "TenSanPham",
    "XepHang",
    "ChuTheSXKD",
    "DoanhThuNam",
    "TrangThai",
]
PTNT_OCOP_STATUS = {  # TrangThai, VARCHAR(10)
    CertificateStatus.VALID: "CONHIEULUC",
    CertificateStatus.EXPIRING: "CONHIEULUC",
    CertificateStatus.EXPIRED: "HETHAN",
    CertificateStatus.REVOKED: "THUHOI",
}


def ptnt_ocop_rows(authority, today=None) -> list[list]:
    """One row per certificate the authority manages (its own and its predecessors', e.g. a former district's),
    the latest version of each (a superseded one is replaced by its new version), valid, expired or revoked: one
    query. The unit is the product's commune of today, by its official code (Decision 19/2025/QĐ-TTg)."""
    today = today or timezone.localdate()
    issuers = [authority.pk, *authority.predecessors.values_list("pk", flat=True)]
    certificates = (
        Certificate.objects.filter(authority_id__in=issuers, superseded_at__isnull=True)
        .select_related("product__commune")
        .order_by("pk")
    )
    return [
        [
            c.pk,
            c.product.commune.code,
            c.decision_date.strftime("%Y%m"),
            "",
            c.product_name,
            f"{c.star}*",
            c.producer_name,
            "",
            PTNT_OCOP_STATUS[c.status(today)],
        ]
        for c in certificates
    ]


def ptnt_ocop_csv(authority, today=None) -> bytes:
    """UTF-8 without a byte-order mark (the first column's name must read MA_OCOP), comma-separated, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PTNT_OCOP_COLUMNS)
    for row in ptnt_ocop_rows(authority, today):
        writer.writerow([safe_text(value) if isinstance(value, str) else value for value in row])
    return buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------------------------------- workbooks
class Bold(list):
    """A row of a workbook written in bold (a section heading)."""


def _cell(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, date | int | float | Decimal):
        return value
    return safe_text(str(value))


def _title_rows(ws, titles):
    for index, title in enumerate(t for t in titles if t):
        ws.append([safe_text(str(title))])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=14 if index == 0 else 11)
    ws.append([])


def _table(ws, headers, rows):
    ws.append([safe_text(str(h)) for h in headers])
    for cell in ws[ws.max_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        ws.append([_cell(v) for v in row])
        for column, value in enumerate(row, start=1):
            cell = ws.cell(row=ws.max_row, column=column)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, Decimal):
                cell.number_format = "#,##0"  # money in đồng, grouped by the reader's separator
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str))
            if isinstance(row, Bold):
                cell.font = Font(bold=True)


def _widths(ws, widths, default_width=12):
    for column in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(column)].width = widths.get(column, default_width)


def _to_bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def workbook(sheet_title, titles, headers, rows, *, facts=(), widths=None, default_width=12) -> bytes:
    """One sheet: title lines, facts (label, value), a header row and the rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = safe_text(str(sheet_title))[:31]
    _title_rows(ws, titles)
    for label, value in facts:
        ws.append([safe_text(str(label)), _cell(value)])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    if facts:
        ws.append([])
    header_row = ws.max_row + 1
    _table(ws, headers, rows)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    _widths(ws, widths or {}, default_width)
    return _to_bytes(wb)
