"""Excel exports of the filtered lists, streamed: a write-only workbook fed from a server-side cursor, every text
cell through ``safe_text``."""

from datetime import date

from django.db.models import Prefetch
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from products.enums import DossierStatus, RegistrationType
from products.excel.common import (
    DATE_FORMAT,
    HEADER_ALIGNMENT,
    HEADER_FILL,
    HEADER_FONT,
    PRODUCER_SHEET,
    PRODUCT_SHEET,
    _cell_value,
    _label,
    _to_bytes,
    safe_text,
)
from products.excel.template import producer_headers
from products.models import Dossier, Producer, Product

# ---------------------------------------------------------------------------- exports
EXPORT_CHUNK = 2000  # rows fetched at a time (a server-side cursor on PostgreSQL)

WIDTH_SAMPLE = 200  # rows looked at to size the columns before streaming the rest


def _export(title, headers, rows) -> bytes:
    """A one-sheet workbook streamed row by row (openpyxl's write-only mode): memory stays flat with the rows.

    Column widths are taken from the header and the first rows (a write-only sheet needs them before the first row);
    the header is frozen and filtered as before."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title)
    rows = iter(rows)
    sample = []
    for row in rows:
        sample.append([_cell_value(v) for v in row])
        if len(sample) >= WIDTH_SAMPLE:
            break
    widths = [len(str(h)) + 4 for h in headers]
    for values in sample:
        for col, value in enumerate(values):
            if value is not None:
                widths[col] = max(widths[col], min(len(str(value)) + 2, 60))
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = max(width, 10)
    ws.freeze_panes = "A2"
    header = []
    for text in headers:
        cell = WriteOnlyCell(ws, safe_text(str(text)))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        header.append(cell)
    ws.append(header)
    count = 0

    def cells(values):
        out = []
        for value in values:
            if isinstance(value, date):
                cell = WriteOnlyCell(ws, value)
                cell.number_format = DATE_FORMAT
                out.append(cell)
            else:
                out.append(value)
        return out

    for values in sample:
        ws.append(cells(values))
        count += 1
    for row in rows:
        ws.append(cells([_cell_value(v) for v in row]))
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    return _to_bytes(workbook)


def export_producers(queryset) -> bytes:
    """The producers of the (filtered, permitted) queryset; two queries whatever the number of rows."""
    producers = (
        queryset.select_related("commune")
        .prefetch_related(
            Prefetch("products", queryset=Product.objects.only("id", "name", "producer_id").order_by("name"))
        )
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    headers = [
        *producer_headers(),
        capfirst(str(Product._meta.verbose_name_plural)),
        _label(Producer, "created_at"),
    ]
    rows = (
        [
            p.commune.name,
            p.get_kind_display(),
            p.name,
            p.registration_number,
            p.representative_name,
            p.get_representative_gender_display(),
            p.representative_ethnicity,
            p.address,
            p.phone,
            p.email,
            "; ".join(product.name for product in p.products.all()),
            p.created_at,
        ]
        for p in producers
    )
    return _export(PRODUCER_SHEET, headers, rows)


def export_products(queryset) -> bytes:
    """The products of the (filtered, permitted) queryset; one query whatever the number of rows."""
    # Plain tuples, not model instances: the export needs the values only.
    products = queryset.values_list(
        "name", "producer__name", "commune__name", "criteria_set__code", "criteria_set__name", "description",
        "created_at",
    ).iterator(chunk_size=EXPORT_CHUNK)  # fmt: skip
    headers = [
        _label(Product, "name"),
        _label(Product, "producer"),
        _label(Product, "commune"),
        _("Product group code"),
        _label(Product, "criteria_set"),
        _label(Product, "description"),
        _label(Product, "created_at"),
    ]
    return _export(PRODUCT_SHEET, headers, products)


def export_dossiers(queryset) -> bytes:
    """The dossiers of the (filtered, permitted) queryset; one query whatever the number of rows."""
    # Plain tuples, not model instances (seven per row with the related objects): the export needs the values only.
    dossiers = queryset.values_list(
        "product__name", "product__producer__name", "commune__name", "product__criteria_set__code",
        "round__number", "round__year__year", "registration_type", "status", "submitted_at", "submission_count",
        "decided_at", "rejection_reason", "extension_until", "created_at",
        "commune_receipt_number", "commune_received_at", "province_receipt_number", "province_received_at",
    ).iterator(chunk_size=EXPORT_CHUNK)  # fmt: skip
    registration_types = dict(RegistrationType.choices)
    statuses = dict(DossierStatus.choices)
    headers = [
        _label(Dossier, "product"),
        _label(Product, "producer"),
        _label(Dossier, "commune"),
        _("Product group code"),
        _label(Dossier, "round"),
        _label(Dossier, "registration_type"),
        _label(Dossier, "status"),
        _label(Dossier, "submitted_at"),
        _label(Dossier, "submission_count"),
        _label(Dossier, "decided_at"),
        _label(Dossier, "rejection_reason"),
        _label(Dossier, "extension_until"),
        _label(Dossier, "created_at"),
        _label(Dossier, "commune_receipt_number"),
        _label(Dossier, "commune_received_at"),
        _label(Dossier, "province_receipt_number"),
        _label(Dossier, "province_received_at"),
    ]
    rows = (
        [
            product, producer, commune, code,
            _("Round %(number)s/%(year)s") % {"number": number, "year": year},
            registration_types.get(registration, registration), statuses.get(status, status),
            submitted_at, submission_count, decided_at, rejection_reason, extension_until, created_at,
            commune_receipt, commune_received, province_receipt, province_received,
        ]
        for (
            product, producer, commune, code, number, year, registration, status, submitted_at, submission_count,
            decided_at, rejection_reason, extension_until, created_at,
            commune_receipt, commune_received, province_receipt, province_received,
        ) in dossiers
    )  # fmt: skip
    return _export("Ho so", headers, rows)
