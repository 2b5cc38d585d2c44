"""The import template: the two sheets with their headers, an example row, drop-down lists and the guide sheet."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from ocop import rules
from ocop.models import Commune
from products.enums import Gender, ProducerKind
from products.excel.common import (
    EXAMPLE_FONT,
    EXAMPLE_PRODUCER,
    EXAMPLE_PRODUCT,
    GUIDE_SHEET,
    PRODUCER_SHEET,
    PRODUCT_KEYS,
    PRODUCT_SHEET,
    TEMPLATE_ROWS,
    _cell_value,
    _label,
    _to_bytes,
    _write_table,
    safe_text,
)
from products.models import Producer, Product
from programme.criteria import product_groups
from programme.models import CriteriaSet


# ---------------------------------------------------------------------------- the import template
def producer_headers() -> list[str]:
    return [
        _label(Producer, "commune"),
        _label(Producer, "kind"),
        _("Producer name"),
        _label(Producer, "registration_number"),
        _label(Producer, "representative_name"),
        _label(Producer, "representative_gender"),
        _label(Producer, "representative_ethnicity"),
        _label(Producer, "address"),
        _label(Producer, "phone"),
        _label(Producer, "email"),
    ]


def product_headers() -> list[str]:
    return [
        _("Producer name"),
        _label(Product, "name"),
        _("Product group code (01–26)"),
        _label(Product, "description"),
    ]


def _latest_criteria_sets() -> list[CriteriaSet]:
    latest = {}
    for criteria_set in product_groups():
        latest.setdefault(criteria_set.code, criteria_set)
    return list(latest.values())


def build_import_template(user=None) -> bytes:
    """The empty import workbook: two data sheets with an example row each, and the allowed values.

    With a user, the commune list holds only the communes the user may import for.
    """
    communes = Commune.objects.order_by("name")
    if user is not None:
        communes = [c for c in communes.visible_to(user) if rules.can(user, "registry.import", c)]
    communes = list(communes)
    criteria_sets = _latest_criteria_sets()

    workbook = Workbook()
    producers = workbook.active
    producers.title = PRODUCER_SHEET
    example_commune = communes[0].name if communes else ""
    example = EXAMPLE_PRODUCER
    _write_table(
        producers,
        producer_headers(),
        [
            [
                example_commune,
                example["kind"].label,
                example["name"],
                example["registration_number"],
                example["representative_name"],
                example["representative_gender"].label,
                example["representative_ethnicity"],
                example["address"],
                example["phone"],
                example["email"],
            ]
        ],
        required=(0, 1, 2, 4, 7),
    )
    products = workbook.create_sheet(PRODUCT_SHEET)
    _write_table(
        products,
        product_headers(),
        [[EXAMPLE_PRODUCT[key] for key in PRODUCT_KEYS]],
        required=(0, 1, 2),
    )
    for ws in (producers, products):
        for cell in ws[2]:
            cell.font = EXAMPLE_FONT
    # Numbers typed into these columns stay text (a phone number keeps its leading 0).
    for ws, letters in ((producers, "DI"), (products, "C")):
        for letter in letters:
            ws.column_dimensions[letter].number_format = "@"
            for row in range(2, TEMPLATE_ROWS + 2):
                ws[f"{letter}{row}"].number_format = "@"

    guide = workbook.create_sheet(GUIDE_SHEET)
    ranges = _write_guide(guide, communes, criteria_sets)
    _add_drop_down(producers, "A", ranges["commune"])
    _add_drop_down(producers, "B", ranges["kind"])
    _add_drop_down(producers, "F", ranges["gender"])
    _add_drop_down(products, "C", ranges["criteria_set"])
    return _to_bytes(workbook)


def _write_guide(ws, communes, criteria_sets) -> dict:
    """The instructions and the allowed values; returns the row range of each list of values."""
    bold = Font(bold=True)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 70
    ws.append([_("How to fill in the import file")])
    ws["A1"].font = Font(bold=True, size=14)
    lines = [
        _("Sheet “%(sheet)s”: one row per producer.") % {"sheet": PRODUCER_SHEET},
        _("Sheet “%(sheet)s”: one row per product; name its producer as in the first sheet or as already registered.")
        % {"sheet": PRODUCT_SHEET},
        _("Columns marked * must be filled in. Do not change the order of the columns."),
        _("Row 2 of each sheet is an example; it is skipped while its names are unchanged. Overwrite or delete it."),
        _(
            "Kind, gender, product group and commune must be one of the values below "
            "(accents and capitals do not matter)."
        ),
        _("If any row has a mistake, nothing is imported: correct the rows listed and upload the file again."),
    ]
    for line in lines:
        ws.append([safe_text(f"• {line}")])
    ranges = {}

    def section(key, title, headers, rows):
        ws.append([])
        ws.append([safe_text(title)])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=12)
        ws.append([safe_text(str(h)) for h in headers])
        for cell in ws[ws.max_row]:
            cell.font = bold
        start = ws.max_row + 1
        for row in rows:
            ws.append([_cell_value(v) for v in row])
        ranges[key] = (start, max(ws.max_row, start))

    section(
        "kind", _("Kinds of producer"), [_("Value to enter"), _("Code")], [(k.label, k.value) for k in ProducerKind]
    )
    section("gender", _("Genders"), [_("Value to enter"), _("Code")], [(g.label, g.value) for g in Gender])
    section(
        "criteria_set",
        _("Product groups (criteria sets)"),
        [_("Code"), _("Name")],
        [(c.code, c.name) for c in criteria_sets],
    )
    section("commune", _("Communes"), [_("Commune")], [(c.name,) for c in communes])
    # Codes such as "01" must stay text.
    start, end = ranges["criteria_set"]
    for row in range(start, end + 1):
        ws.cell(row=row, column=1).number_format = "@"
    return ranges


def _add_drop_down(ws, letter, rows):
    start, end = rows
    validation = DataValidation(
        type="list",
        formula1=f"'{GUIDE_SHEET}'!$A${start}:$A${end}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        error=_("This value is not in the list on the “%(sheet)s” sheet.") % {"sheet": GUIDE_SHEET},
    )
    ws.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
