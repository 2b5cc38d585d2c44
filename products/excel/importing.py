"""The Excel import of producers and products, all or nothing: every row of both sheets is checked, and one bad row
means nothing is saved. Rows are created through ``products.domain``, so permission checks and audit rows are the
same as for the web forms. No request objects here: the views pass the user and the uploaded file."""

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ocop import rules
from ocop.lib.text import unaccent
from ocop.models import Commune
from products import domain
from products.enums import Gender, ProducerKind
from products.excel.common import (
    EXAMPLE_PRODUCER,
    EXAMPLE_PRODUCT,
    PRODUCER_KEYS,
    PRODUCER_SHEET,
    PRODUCT_KEYS,
    PRODUCT_SHEET,
    _label,
)
from products.excel.template import _latest_criteria_sets
from products.models import Producer, Product

logger = logging.getLogger("products.excel")

MAX_ROWS = 2000  # data rows per sheet; a district registers a few hundred producers at most
MAX_SCANNED_ROWS = 20000  # rows of a sheet looked at, empty or not; the rest is refused
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # a 5 MB upload that unpacks to more is not a registry list


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
