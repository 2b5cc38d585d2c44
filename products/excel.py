"""Excel (.xlsx) import of producers and products, and Excel exports of the filtered lists.

No request objects here: the views pass the user and the uploaded file.

The import is all or nothing: every row of both sheets is checked, and one bad row means nothing is
saved. Rows are created through ``products.domain`` so permission checks and audit rows are the same
as for the web forms.

Every text cell an export writes goes through ``safe_text``: a value beginning with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so spreadsheet software shows it
as text and never runs it as a formula (CSV/formula injection).
"""

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ocop import rules
from ocop.lib.text import unaccent
from ocop.models import Commune
from products import domain
from products.enums import DossierStatus, Gender, ProducerKind, RegistrationType
from products.models import Dossier, Producer, Product
from programme.models import CriteriaSet

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Sheet names are part of the file format, not translated text (the template is shared across languages).
PRODUCER_SHEET = "Chu the"
PRODUCT_SHEET = "San pham"
GUIDE_SHEET = "Huong dan"

MAX_ROWS = 2000  # data rows per sheet; a district registers a few hundred producers at most
MAX_SCANNED_ROWS = 20000  # rows of a sheet looked at, empty or not; the rest is refused
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # a 5 MB upload that unpacks to more is not a registry list
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
    for criteria_set in CriteriaSet.objects.order_by("code", "-version"):
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


# ---------------------------------------------------------------------------- the import
@dataclass(frozen=True)
class RowError:
    """A bad row: its sheet, its row number as Excel shows it (None for the file or a whole sheet), why."""

    sheet: str
    row: int | None
    reason: str

    def __str__(self):
        if self.row is None:
            return f"{self.sheet}: {self.reason}" if self.sheet else self.reason
        return _("%(sheet)s, row %(row)s: %(reason)s") % {"sheet": self.sheet, "row": self.row, "reason": self.reason}


class ImportRejected(Exception):
    """The workbook was not imported; ``errors`` says why, row by row."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


@dataclass
class ImportResult:
    producers: int = 0
    products: int = 0


def fold(text) -> str:
    """Accent-, case- and spacing-insensitive form of a name: 'Bánh  Mật' -> 'banh mat'."""
    return " ".join(unaccent(str(text or "")).lower().split())


def _text(value) -> str:
    """A cell as text: numbers without '.0', dates as dd/mm/yyyy, stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _line(value) -> str:
    """A one-line text cell with runs of spaces collapsed."""
    return " ".join(_text(value).split())


def _phone(value) -> str:
    text = re.sub(r"[\s.\-()]", "", _text(value))
    if isinstance(value, int | float) and len(text) == 9 and not text.startswith("0"):
        text = "0" + text  # Excel dropped the leading 0 of a number typed as a number
    return text


def _criteria_code(value) -> str | None:
    if isinstance(value, int | float) and float(value).is_integer():
        return f"{int(value):02d}"
    match = re.match(r"^\s*(\d{1,2})(?!\d)", _text(value))
    return match.group(1).zfill(2) if match else None


def _choice_lookup(choices) -> dict[str, str]:
    """Folded code and label (in every language) -> code."""
    lookup = {}
    languages = [code for code, _name in settings.LANGUAGES]
    for choice in choices:
        lookup[fold(choice.value)] = choice.value
        lookup[fold(choice.label)] = choice.value
        for language in languages:
            with translation.override(language):
                lookup[fold(choice.label)] = choice.value
    return lookup


def _commune_lookup() -> dict[str, Commune]:
    """Folded name, and 'xã Name' in every language -> commune."""
    lookup = {}
    languages = [code for code, _name in settings.LANGUAGES]
    for commune in Commune.objects.all():
        lookup[fold(commune.name)] = commune
        for language in languages:
            with translation.override(language):
                lookup[fold(f"{commune.get_kind_display()} {commune.name}")] = commune
    return lookup


@dataclass
class _FileProducer:
    row: int
    producer: Producer | None = None  # None while, or because, its row is bad


@dataclass
class _Sheet:
    name: str
    rows: list = field(default_factory=list)  # [(row number, tuple of cells)]


def _read_workbook(file) -> tuple[_Sheet, _Sheet]:
    not_xlsx = _("The file is not an Excel workbook (.xlsx). Download the template, fill it in and upload it again.")
    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(file)
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNCOMPRESSED_BYTES:
            raise ImportRejected([RowError("", None, _("The workbook is too large; split it into smaller files."))])
        file.seek(0)
        workbook = load_workbook(file, read_only=True, data_only=True)
    except ImportRejected:
        raise
    except Exception as exc:  # openpyxl raises many kinds of errors for a file that is not a workbook
        logger.info("Excel import: unreadable upload", exc_info=True)
        raise ImportRejected([RowError("", None, not_xlsx)]) from exc
    try:
        by_name = {fold(ws.title): ws for ws in workbook.worksheets}
        producer_ws = by_name.get(fold(PRODUCER_SHEET))
        product_ws = by_name.get(fold(PRODUCT_SHEET))
        if producer_ws is None and product_ws is None:
            raise ImportRejected(
                [
                    RowError(
                        "",
                        None,
                        _(
                            "The workbook has no “%(producers)s” or “%(products)s” sheet. "
                            "Download the template and copy your rows into it."
                        )
                        % {"producers": PRODUCER_SHEET, "products": PRODUCT_SHEET},
                    )
                ]
            )
        errors = _formula_errors(file, producer_ws, product_ws)
        sheets = (
            _read_sheet(producer_ws, PRODUCER_SHEET, len(PRODUCER_KEYS), errors),
            _read_sheet(product_ws, PRODUCT_SHEET, len(PRODUCT_KEYS), errors),
        )
    except ImportRejected:
        raise
    except Exception as exc:  # a damaged workbook can fail while its rows are read
        logger.info("Excel import: damaged workbook", exc_info=True)
        raise ImportRejected([RowError("", None, not_xlsx)]) from exc
    finally:
        workbook.close()
    if errors:
        raise ImportRejected(errors)
    return sheets


def _formula_errors(file, producer_ws, product_ws) -> list:
    """A formula in any cell of the two sheets is refused with its row and column (its value is not reliable:
    the workbook keeps only the result last computed, or nothing)."""
    file.seek(0)
    formulas = load_workbook(file, read_only=True, data_only=False)
    errors = []
    try:
        by_title = {ws.title: ws for ws in formulas.worksheets}
        for ws, name, width in (
            (producer_ws, PRODUCER_SHEET, len(PRODUCER_KEYS)),
            (product_ws, PRODUCT_SHEET, len(PRODUCT_KEYS)),
        ):
            if ws is None:
                continue
            for number, cells in enumerate(by_title[ws.title].iter_rows(max_row=MAX_SCANNED_ROWS, max_col=width), 1):
                for column, cell in enumerate(cells, 1):
                    if getattr(cell, "data_type", None) == "f":
                        errors.append(
                            RowError(
                                name,
                                number,
                                _("Cell %(cell)s contains a formula; type its value instead.")
                                % {"cell": f"{get_column_letter(column)}{number}"},
                            )
                        )
    finally:
        formulas.close()
    return errors


def _read_sheet(ws, name, width, errors) -> _Sheet:
    sheet = _Sheet(name)
    if ws is None:
        return sheet
    rows = ws.iter_rows(min_row=1, max_col=width, values_only=True)
    header = next(rows, None)
    if header is None or sum(1 for cell in header if _text(cell)) < width:
        errors.append(
            RowError(
                name,
                1,
                _("The columns do not match the template. Download the template and copy your rows into it."),
            )
        )
        return sheet
    too_many = RowError(name, None, _("More than %(max)s rows; split the file into smaller ones.") % {"max": MAX_ROWS})
    for number, cells in enumerate(rows, start=2):
        cells = tuple(cells) + (None,) * (width - len(cells))
        empty = not any(_text(cell) for cell in cells)
        if number > MAX_SCANNED_ROWS:
            if not empty:
                errors.append(too_many)
            break  # rows this far down are formatting left over, or a file far too long
        if empty:
            continue
        if len(sheet.rows) >= MAX_ROWS:
            errors.append(too_many)
            break
        sheet.rows.append((number, cells))
    return sheet


def _is_example(values: dict, example: dict, keys) -> bool:
    return all(fold(values[key]) == fold(example[key]) for key in keys)


def _validation_messages(exc: ValidationError, model) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    messages = []
    for name, errors in exc.message_dict.items():
        if name == NON_FIELD_ERRORS:
            messages.extend(errors)
            continue
        try:
            label = _label(model, name)
        except FieldDoesNotExist:
            label = name
        messages.extend(f"{label}: {error}" for error in errors)
    return messages


class _Importer:
    def __init__(self, by):
        self.by = by
        self.errors: list[RowError] = []
        self.result = ImportResult()
        self.kinds = _choice_lookup(ProducerKind)
        self.genders = _choice_lookup(Gender)
        self.communes = _commune_lookup()
        self.criteria_sets = {c.code: c for c in _latest_criteria_sets()}
        own_id = rules.commune_id_of(by)
        self.own_commune = Commune.objects.filter(pk=own_id).first() if own_id else None
        # Producers already registered in the communes the user may see: for duplicates and product rows.
        self.db_producers: dict[str, list[Producer]] = {}
        for producer in Producer.objects.visible_to(by).select_related("commune"):
            self.db_producers.setdefault(fold(producer.name), []).append(producer)
        self.file_producers: dict[str, list[_FileProducer]] = {}
        self.seen: dict[tuple[int, str], int] = {}  # (commune id, folded name) -> row

    def fail(self, sheet, row, problems):
        self.errors.append(RowError(sheet, row, " ".join(str(p) for p in problems)))

    # -------------------------------------------------------------- producers
    def producer_row(self, row, cells):
        values = dict(zip(PRODUCER_KEYS, cells, strict=True))
        problems = []
        exclude = ["created_by"]
        name = _line(values["name"])

        commune = None
        commune_text = _line(values["commune"])
        if not commune_text:
            if self.own_commune is not None:
                commune = self.own_commune
            else:
                problems.append(_("Fill in the commune."))
        else:
            commune = self.communes.get(fold(commune_text))
            if commune is None:
                problems.append(_("Unknown commune “%(value)s”.") % {"value": commune_text})
            elif not rules.can(self.by, "registry.import", commune):
                problems.append(_("You may not import producers of %(commune)s.") % {"commune": commune})
                commune = None
        if commune is None:
            exclude.append("commune")

        kind_text = _line(values["kind"])
        kind = self.kinds.get(fold(kind_text), "") if kind_text else ""
        if kind_text and not kind:
            problems.append(_("Unknown kind of producer “%(value)s”.") % {"value": kind_text})
            exclude.append("kind")
        gender_text = _line(values["representative_gender"])
        gender = self.genders.get(fold(gender_text), "") if gender_text else ""
        if gender_text and not gender:
            problems.append(_("Unknown gender “%(value)s”.") % {"value": gender_text})
            exclude.append("representative_gender")

        entry = _FileProducer(row)
        if name:
            self.file_producers.setdefault(fold(name), []).append(entry)
        if name and commune is not None:
            key = (commune.pk, fold(name))
            existing = [p for p in self.db_producers.get(key[1], []) if p.commune_id == commune.pk]
            if existing:
                problems.append(
                    _("A producer named “%(name)s” is already registered in %(commune)s.")
                    % {"name": existing[0].name, "commune": commune}
                )
            elif key in self.seen:
                problems.append(
                    _("Same producer as row %(row)s (“%(name)s” in %(commune)s).")
                    % {"row": self.seen[key], "name": name, "commune": commune}
                )
            else:
                self.seen[key] = row

        fields = {
            "kind": kind,
            "name": name,
            "registration_number": _text(values["registration_number"]).upper(),
            "representative_name": _line(values["representative_name"]),
            "representative_gender": gender,
            "address": _line(values["address"]),
            "phone": _phone(values["phone"]),
            "email": _text(values["email"]),
        }
        ethnicity = _line(values["representative_ethnicity"])
        if ethnicity:
            fields["representative_ethnicity"] = ethnicity  # blank keeps the model's default
        candidate = Producer(commune=commune, **fields)
        try:
            candidate.full_clean(exclude=exclude)
        except ValidationError as exc:
            problems.extend(_validation_messages(exc, Producer))
        if problems:
            self.fail(PRODUCER_SHEET, row, problems)
            return
        try:
            entry.producer = domain.create_producer(commune=commune, by=self.by, **fields)
        except ValidationError as exc:
            self.fail(PRODUCER_SHEET, row, _validation_messages(exc, Producer))
        except PermissionDenied:
            self.fail(PRODUCER_SHEET, row, [_("You may not import producers of %(commune)s.") % {"commune": commune}])
        else:
            self.result.producers += 1

    # -------------------------------------------------------------- products
    def product_row(self, row, cells):
        values = dict(zip(PRODUCT_KEYS, cells, strict=True))
        problems = []
        name = _line(values["name"])
        description = _text(values["description"])

        code_text = _line(values["criteria_set"])
        criteria_set = None
        if not code_text:
            problems.append(_("Fill in the product group code."))
        else:
            criteria_set = self.criteria_sets.get(_criteria_code(values["criteria_set"]) or "")
            if criteria_set is None:
                problems.append(
                    _("Unknown product group code “%(value)s”; use a code from 01 to 26.") % {"value": code_text}
                )

        producer_name = _line(values["producer"])
        producer = None
        producer_row_is_bad = False
        if not producer_name:
            problems.append(_("Fill in the producer name."))
        else:
            in_file = self.file_producers.get(fold(producer_name), [])
            in_db = self.db_producers.get(fold(producer_name), [])
            if len(in_file) == 1:
                producer = in_file[0].producer
                producer_row_is_bad = producer is None
            elif len(in_file) > 1 or (not in_file and len(in_db) > 1):
                problems.append(
                    _("Several producers are named “%(name)s”; give them distinct names.") % {"name": producer_name}
                )
            elif in_db:
                producer = in_db[0]
                if not rules.can(self.by, "registry.import", producer):
                    problems.append(_("You may not import products of %(commune)s.") % {"commune": producer.commune})
            else:
                problems.append(
                    _("No producer named “%(name)s” in this file or among the producers you manage.")
                    % {"name": producer_name}
                )

        candidate = Product(producer=producer, commune=producer.commune if producer else None, name=name)
        candidate.criteria_set = criteria_set
        candidate.description = description
        exclude = [] if producer else ["producer", "commune"]
        if criteria_set is None:
            exclude.append("criteria_set")
        try:
            candidate.full_clean(exclude=exclude, validate_unique=producer is not None)
        except ValidationError as exc:
            problems.extend(_validation_messages(exc, Product))
        if problems:
            self.fail(PRODUCT_SHEET, row, problems)
            return
        if producer_row_is_bad:
            return  # the producer's own row is reported; nothing will be imported anyway
        try:
            domain.create_product(
                producer=producer, by=self.by, name=name, criteria_set=criteria_set, description=description
            )
        except ValidationError as exc:
            self.fail(PRODUCT_SHEET, row, _validation_messages(exc, Product))
        except PermissionDenied:
            self.fail(
                PRODUCT_SHEET, row, [_("You may not import products of %(commune)s.") % {"commune": producer.commune}]
            )
        else:
            self.result.products += 1


def import_workbook(file, *, by) -> ImportResult:
    """Import the producers and products of an uploaded workbook, all or nothing.

    Raises ImportRejected (nothing saved) with every bad row; PermissionDenied if ``by`` may not import.
    """
    if not rules.can(by, "registry.import"):
        raise PermissionDenied
    producer_sheet, product_sheet = _read_workbook(file)
    producer_rows = [
        (row, cells)
        for row, cells in producer_sheet.rows
        if not _is_example(
            dict(zip(PRODUCER_KEYS, cells, strict=True)),
            EXAMPLE_PRODUCER,
            ("name", "representative_name", "phone"),
        )
    ]
    product_rows = [
        (row, cells)
        for row, cells in product_sheet.rows
        if not _is_example(dict(zip(PRODUCT_KEYS, cells, strict=True)), EXAMPLE_PRODUCT, ("producer", "name"))
    ]
    if not producer_rows and not product_rows:
        raise ImportRejected([RowError("", None, _("The file has no rows to import."))])
    with transaction.atomic():
        importer = _Importer(by)
        for row, cells in producer_rows:
            importer.producer_row(row, cells)
        for row, cells in product_rows:
            importer.product_row(row, cells)
        if importer.errors:
            raise ImportRejected(importer.errors)  # leaving the block rolls back every row
    return importer.result


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
    ]
    rows = (
        [
            product, producer, commune, code,
            _("Round %(number)s/%(year)s") % {"number": number, "year": year},
            registration_types.get(registration, registration), statuses.get(status, status),
            submitted_at, submission_count, decided_at, rejection_reason, extension_until, created_at,
        ]
        for (
            product, producer, commune, code, number, year, registration, status, submitted_at, submission_count,
            decided_at, rejection_reason, extension_until, created_at,
        ) in dossiers
    )  # fmt: skip
    return _export("Ho so", headers, rows)
