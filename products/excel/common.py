"""What the Excel files share: the sheet names and columns, the styles, and the cell helpers (``safe_text``: a
value beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so spreadsheet
software shows it as text and never runs it as a formula)."""

import io
from datetime import date, datetime

from django.utils import timezone
from django.utils.text import capfirst
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from products.enums import Gender, ProducerKind

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Sheet names are part of the file format, not translated text (the template is shared across languages).
PRODUCER_SHEET = "Chu the"
PRODUCT_SHEET = "San pham"
GUIDE_SHEET = "Huong dan"

TEMPLATE_ROWS = 500  # rows of the template that get drop-down lists and text formatting
DATE_FORMAT = "dd/mm/yyyy"

PRODUCER_KEYS = (
    "commune",
    "kind",
    "name",
    "registration_number",
    "representative_name",
    "representative_gender",
    "representative_ethnicity",
    "address",
    "phone",
    "email",
)
PRODUCT_KEYS = ("producer", "name", "criteria_set", "description")

# The example rows of the template. An import skips a row that still carries the example's names.
EXAMPLE_PRODUCER = {
    "kind": ProducerKind.COOPERATIVE,
    "name": "HTX Mật ong Ví Dụ",
    "registration_number": "2400123456",
    "representative_name": "Nguyễn Thị Mẫu",
    "representative_gender": Gender.FEMALE,
    "representative_ethnicity": "Kinh",
    "address": "Thôn Sơn Đình 2",
    "phone": "0912345678",
    "email": "htx.vidu@example.vn",
}
EXAMPLE_PRODUCT = {
    "producer": EXAMPLE_PRODUCER["name"],
    "name": "Mật ong hoa nhãn (ví dụ)",
    "criteria_set": "04",
    "description": "Mật ong nguyên chất, chai 500 ml.",
}

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="2E7D32")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
EXAMPLE_FONT = Font(italic=True, color="777777")


# ---------------------------------------------------------------------------- cell helpers
def safe_text(value):
    """Text that spreadsheet software will not run as a formula; other values unchanged."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def _cell_value(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    if isinstance(value, date | int | float):
        return value
    return safe_text(str(value))


def _label(model, name) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _write_table(ws, headers, rows, *, required=()):
    """Header row, data rows (made safe), date formats, column widths, frozen header."""
    ws.append([safe_text(f"{h} *" if i in required else str(h)) for i, h in enumerate(headers)])
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    widths = [len(str(h)) + 4 for h in headers]
    for row in rows:
        values = [_cell_value(v) for v in row]
        ws.append(values)
        row_number = ws._current_row  # what append just wrote (max_row would scan the sheet)
        for col, value in enumerate(values):
            if isinstance(value, date):
                ws.cell(row=row_number, column=col + 1).number_format = DATE_FORMAT
            if value is not None:
                widths[col] = max(widths[col], min(len(str(value)) + 2, 60))
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = max(width, 10)
    ws.freeze_panes = "A2"


def _to_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
