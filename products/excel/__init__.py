"""Excel (.xlsx) files of the registry, one module per job: the shared cells and styles (``common``), the import
template (``template``), the import (``importing``) and the exports (``export``). The names the views and the
reports use are gathered here."""

from products.excel.common import (
    DATE_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    PRODUCER_SHEET,
    PRODUCT_SHEET,
    XLSX_CONTENT_TYPE,
    safe_text,
)
from products.excel.export import export_dossiers, export_producers, export_products
from products.excel.importing import ImportRejected, ImportResult, RowError, import_workbook
from products.excel.template import build_import_template

__all__ = [
    "DATE_FORMAT",
    "HEADER_FILL",
    "HEADER_FONT",
    "PRODUCER_SHEET",
    "PRODUCT_SHEET",
    "XLSX_CONTENT_TYPE",
    "ImportRejected",
    "ImportResult",
    "RowError",
    "build_import_template",
    "export_dossiers",
    "export_producers",
    "export_products",
    "import_workbook",
    "safe_text",
]
