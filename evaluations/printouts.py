"""Printouts of the evaluation: a member's score sheet and the council's summary minutes (PDF and .xlsx), and the
list of products forwarded to the province (.xlsx).

No request here: the views check permission and pass the objects. PDFs are rendered by ``ocop.lib.pdf``;
every text cell of a workbook goes through ``products.excel.safe_text`` (no formula injection).
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from evaluations import scoring
from evaluations.domain import forwarded_results
from evaluations.enums import SCORING_ROLES, CouncilRole, Flag, SheetStatus
from evaluations.models import CouncilMember, Result, ScoreSheet
from ocop.lib.collation import vi_order
from ocop.lib.pdf import render_pdf
from ocop.lib.text import vn_slugify
from products.enums import DossierStatus
from products.excel import DATE_FORMAT, HEADER_FILL, HEADER_FONT, safe_text
from products.models import Dossier

ROLE_ORDER = {CouncilRole.CHAIR: 0, CouncilRole.VICE_CHAIR: 1, CouncilRole.MEMBER: 2, CouncilRole.SECRETARY: 3}
MEAN_FORMAT = "0.00"


# ---------------------------------------------------------------------------- formatting
def decimal_text(value, places: int = 2) -> str:
    """72.333 -> '72,33' in Vietnamese ('72.33' in English); '' for no value."""
    if value in (None, ""):
        return ""
    return number_format(Decimal(value), places)


def star_text(star) -> str:
    return f"{star}★" if star else ""


def date_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return date_format(value, "SHORT_DATE_FORMAT")


def place_and_date(authority, day: date) -> str:
    """'Lục Nam, ngày 05 tháng 12 năm 2024': the place-and-date line of an administrative document."""
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": authority.short_name,
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}",
        "year": day.year,
    }


def member_name(member: CouncilMember) -> str:
    return str(member)


def flag_labels(flags) -> list[str]:
    return [Flag.words(f) for f in flags]


def _council(round_) -> list[CouncilMember]:
    members = list(round_.council.select_related("user__profile"))
    return sorted(members, key=lambda m: (ROLE_ORDER.get(m.role, 9), member_name(m).lower(), m.pk))


# ---------------------------------------------------------------------------- the member's score sheet
def _sheet_queryset():
    return ScoreSheet.objects.select_related(
        "dossier__product__producer",
        "dossier__commune",
        "dossier__round__year__authority",
        "criteria_set",
        "member__user__profile",
    )


def load_sheet(pk) -> ScoreSheet:
    return _sheet_queryset().get(pk=pk)


def sheet_parts(sheet: ScoreSheet) -> list[dict]:
    """The criteria sheet with the member's choices: parts → sections → criteria → options, with subtotals."""
    choices = sheet.choices or {}
    disqualifiers, _header = sheet.criteria_set.disqualifiers_by_code()
    parts = []
    for part in sheet.criteria_set.sheet:
        subtotal = 0
        sections = []
        for section in part["sections"]:
            criteria = []
            for criterion in section["criteria"]:
                chosen = choices.get(criterion["code"])
                if chosen is not None:
                    subtotal += int(chosen)
                options = [
                    {
                        "text": option["text"],
                        "points": option["points"],
                        "min_for_star": option.get("min_for_star"),
                        "inferred": bool(option.get("inferred")),
                        "chosen": chosen is not None and option["points"] == chosen,
                    }
                    for option in criterion["options"]
                ]
                criteria.append(
                    {
                        "code": criterion["code"],
                        "name": criterion["name"],
                        "hint": criterion.get("hint", ""),
                        "max_points": criterion["max_points"],
                        "chosen": chosen,
                        "options": options,
                        "subsection_heading": criterion.get("subsection_heading"),
                        "disqualifiers": disqualifiers.get(criterion["code"], []),
                    }
                )
            # A section that is one criterion of the same code (e.g. "7 Tính độc đáo") is printed once.
            merged = len(criteria) == 1 and criteria[0]["code"] == section["code"]
            if merged and not criteria[0]["hint"]:
                criteria[0]["hint"] = section.get("hint", "")
            sections.append(
                {
                    "code": section["code"],
                    "name": section["name"],
                    "hint": section.get("hint", ""),
                    "max_points": section["max_points"],
                    "choose_one": section.get("choose_one", False),
                    "merged": merged,
                    "criteria": criteria,
                }
            )
        parts.append(
            {
                "code": part["code"],
                "name": part["name"],
                "max_points": part["max_points"],
                "subtotal": subtotal,
                "sections": sections,
            }
        )
    return parts


def sheet_total(sheet: ScoreSheet) -> int:
    """The submitted total; for a draft, the sum of the options chosen so far."""
    if sheet.status == SheetStatus.SUBMITTED and sheet.total is not None:
        return sheet.total
    return scoring.sheet_total(sheet.criteria_set.sheet, sheet.choices or {})


def sheet_context(sheet: ScoreSheet) -> dict:
    dossier = sheet.dossier
    round_ = dossier.round
    authority = round_.year.authority
    draft = sheet.status != SheetStatus.SUBMITTED
    day = timezone.localtime(sheet.submitted_at).date() if sheet.submitted_at and not draft else timezone.localdate()
    return {
        "title": _("OCOP product score sheet"),
        "authority": authority,
        "round": round_,
        "dossier": dossier,
        "product": dossier.product,
        "producer": dossier.product.producer,
        "commune": dossier.commune,
        "criteria_set": sheet.criteria_set,
        "sheet": sheet,
        "member": sheet.member,
        "member_name": member_name(sheet.member),
        "member_role": sheet.member.get_role_display(),
        "parts": sheet_parts(sheet),
        "total": sheet_total(sheet),
        "max_total": sheet.criteria_set.max_total,
        "draft": draft,
        "watermark": pgettext("watermark", "DRAFT") if draft else "",
        "submitted_at": date_text(sheet.submitted_at) if not draft else "",
        "place_date": place_and_date(authority, day),
        "header_disqualifiers": sheet.criteria_set.disqualifiers_by_code()[1],
        "signed_on": date_format(timezone.localtime(sheet.attested_at), "SHORT_DATE_FORMAT")
        if sheet.attested_at and not draft
        else "",
        "attested_at": date_text(sheet.attested_at) if sheet.attested_at and not draft else "",
    }


def sheet_pdf(sheet: ScoreSheet) -> bytes:
    return render_pdf("pdf/score_sheet.html", sheet_context(sheet))


def sheet_filename(sheet: ScoreSheet, extension: str) -> str:
    product = vn_slugify(sheet.dossier.product.name)[:40].strip("-") or "san-pham"
    member = vn_slugify(member_name(sheet.member))[:30].strip("-") or "thanh-vien"
    return f"phieu-cham-{sheet.pk}-{product}-{member}.{extension}"


def sheet_xlsx(sheet: ScoreSheet) -> bytes:
    context = sheet_context(sheet)
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Phieu cham"
    _title_rows(
        ws,
        [
            context["title"],
            f"{context['authority'].name} – {context['round']}",
        ],
        [
            (_("Product"), context["product"].name),
            (_("Producer"), context["producer"].name),
            (_("Commune"), context["commune"].name),
            (_("Criteria set"), str(context["criteria_set"])),
            (_("Council member"), f"{context['member_name']} ({context['member_role']})"),
            (_("Status"), sheet.get_status_display()),
            (_("Submitted"), sheet.submitted_at),
            (_("Evaluator's opinion"), sheet.comment),
        ],
    )
    headers = [_("Part"), _("Section"), _("Code"), _("Criterion"), _("Chosen option"), _("Points"), _("Maximum")]
    rows = []
    for part in context["parts"]:
        for section in part["sections"]:
            for criterion in section["criteria"]:
                chosen = next((o["text"] for o in criterion["options"] if o["chosen"]), None)
                rows.append(
                    [
                        part["code"],
                        f"{section['code']}. {section['name']}",
                        criterion["code"],
                        criterion["name"],
                        chosen,
                        criterion["chosen"],
                        criterion["max_points"],
                    ]
                )
        rows.append(
            _Row(
                [
                    part["code"],
                    None,
                    None,
                    _("Subtotal of part %(code)s") % {"code": part["code"]},
                    None,
                    part["subtotal"],
                    part["max_points"],
                ],
                bold=True,
            )
        )
    rows.append(_Row([None, None, None, _("Total"), None, context["total"], context["max_total"]], bold=True))
    _table(ws, headers, rows, widths={1: 6, 2: 30, 3: 7, 4: 45, 5: 60, 6: 9, 7: 10})
    return _to_bytes(workbook)


# ---------------------------------------------------------------------------- the council's summary minutes
@dataclass
class MinutesRow:
    dossier: object
    result: Result | None
    totals: list  # one per scoring member: int, "draft", "none"
    failed_marks: list = field(default_factory=list)

    @property
    def product(self):
        return self.dossier.product

    @property
    def mean(self):
        return self.result.mean if self.result else None

    @property
    def mean_text(self):
        return decimal_text(self.mean)

    @property
    def star_text(self):
        return star_text(self.result.star) if self.result else ""

    @property
    def flags(self):
        return flag_labels(self.result.flags) if self.result else []

    @property
    def resolution(self):
        return self.result.resolution if self.result else ""

    @property
    def flag_notes(self) -> list[str]:
        """Each flag in words, with its figures: sheets submitted for the quorum, points apart for the spread."""
        if not self.result:
            return []
        notes = []
        for flag in self.result.flags:
            label = flag_labels([flag])[0]
            if flag == Flag.QUORUM:
                detail = _("%(n)s of %(expected)s sheets") % {
                    "n": self.result.sheet_count,
                    "expected": self.result.expected_count,
                }
            elif flag == Flag.SPREAD and self.result.spread is not None:
                detail = _("%(points)s points apart") % {"points": self.result.spread}
            else:
                detail = ""
            notes.append(f"{label} ({detail})" if detail else label)
        return notes


def _result_of(dossier):
    try:
        return dossier.result
    except Result.DoesNotExist:
        return None


def minutes_data(round_) -> dict:
    """Everything the minutes show, in a fixed number of queries whatever the size of the round."""
    authority = round_.year.authority
    council = _council(round_)
    scorers = [m for m in council if m.role in SCORING_ROLES]
    dossiers = list(
        Dossier.objects.filter(round=round_, status=DossierStatus.ACCEPTED)
        .select_related("product__producer", "product__criteria_set", "commune", "result")
        .order_by(vi_order("commune__name"), vi_order("product__name"), "pk")
    )
    sheets = {
        (s["dossier_id"], s["member_id"]): s
        for s in ScoreSheet.objects.filter(dossier__in=[d.pk for d in dossiers]).values(
            "dossier_id", "member_id", "status", "total"
        )
    }
    counts = {
        row["member_id"]: row
        for row in ScoreSheet.objects.filter(dossier__round=round_, dossier__status=DossierStatus.ACCEPTED)
        .values("member_id")
        .annotate(assigned=Count("pk"), submitted=Count("pk", filter=Q(status=SheetStatus.SUBMITTED)))
    }
    rows = []
    for dossier in dossiers:
        totals = []
        for member in scorers:
            sheet = sheets.get((dossier.pk, member.pk))
            if sheet is None:
                totals.append("none")
            elif sheet["status"] == SheetStatus.SUBMITTED:
                totals.append(sheet["total"])
            else:
                totals.append("draft")
        result = _result_of(dossier)
        marks = []
        # Only minimums of the stars the mean reaches (those that lower the star); the domain stores no others now,
        # results computed before it did are filtered here.
        band = (result.band_star or 0) if result else 0
        for mark in (m for m in (result.failed_marks if result else []) if m["star"] <= band):
            marks.append(
                {
                    "criterion": mark["criterion"],
                    "name": mark["name"],
                    "star": mark["star"],
                    "star_text": star_text(mark["star"]),
                    "required": mark["required"],
                    "mean": Decimal(mark["mean"]),
                    "mean_text": decimal_text(mark["mean"]),
                }
            )
        rows.append(MinutesRow(dossier, result, totals, marks))
    forwarded = sorted((r for r in rows if r.result.forwarded(authority)), key=lambda r: (-r.mean, r.product.name))
    members = [
        {
            "member": m,
            "name": member_name(m),
            "role": m.get_role_display(),
            "title": m.title,
            "scores": m.scores,
            "assigned": counts.get(m.pk, {}).get("assigned", 0),
            "submitted": counts.get(m.pk, {}).get("submitted", 0),
        }
        for m in council
    ]
    chair = next((m for m in council if m.role == CouncilRole.CHAIR), None)
    secretary = next((m for m in council if m.role == CouncilRole.SECRETARY), None)
    return {
        "authority": authority,
        "round": round_,
        "members": members,
        "scorers": scorers,
        "scorer_names": [member_name(m) for m in scorers],
        "rows": rows,
        "failed_rows": [r for r in rows if r.failed_marks],
        "forwarded": forwarded,
        "threshold": authority.forward_threshold,
        "threshold_text": decimal_text(authority.forward_threshold),
        "next_level": authority.next_level_name,
        "next_star": authority.next_level_star,
        "chair": chair,
        "chair_name": member_name(chair) if chair else "",
        "secretary": secretary,
        "secretary_name": member_name(secretary) if secretary else "",
    }


def _total_text(value) -> str:
    if value == "draft":
        return _("not submitted")
    if value == "none":
        return "–"
    return str(value)


# Column widths of the minutes' table on landscape A4 (267 mm between the margins), in millimetres.
MINUTES_WIDTH = 267
MINUTES_FIXED = {"number": 7, "commune": 20, "mean": 13, "lowest": 10, "highest": 10, "star": 10}
MINUTES_TEXT_MIN = 85  # product, producer and notes together get at least this much


def minutes_columns(scorer_count: int) -> dict:
    """CSS widths that keep the table on the page whatever the size of the council (9-16 mm per member)."""
    free = MINUTES_WIDTH - sum(MINUTES_FIXED.values())
    member = max(9, min(16, (free - MINUTES_TEXT_MIN) / scorer_count)) if scorer_count else 0
    text = free - member * scorer_count
    widths = MINUTES_FIXED | {
        "member": member,
        "product": text * 0.32,
        "producer": text * 0.30,
        "notes": text * 0.38,
    }
    # Strings: a number in a template would be localised ("14,2"), which is not CSS.
    return {key: f"{value:.1f}mm" for key, value in widths.items()}


def minutes_context(round_) -> dict:
    data = minutes_data(round_)
    authority = data["authority"]
    for row in data["rows"]:
        row.total_texts = [_total_text(v) for v in row.totals]
    return data | {
        "columns": minutes_columns(len(data["scorers"])),
        "title": _("Minutes summarising the council's scores"),
        "meeting_date": date_text(round_.meeting_date),
        "meeting_place": round_.meeting_place,
        "place_date": place_and_date(authority, round_.meeting_date or timezone.localdate()),
        "approved_at": date_text(round_.approved_at),
    }


def minutes_pdf(round_) -> bytes:
    return render_pdf("pdf/minutes.html", minutes_context(round_))


def minutes_filename(round_, extension: str) -> str:
    return f"bien-ban-dot-{round_.number}-{round_.year.year}.{extension}"


def forwarded_filename(round_) -> str:
    return f"de-nghi-{round_.year.authority.next_level_slug}-dot-{round_.number}-{round_.year.year}.xlsx"


def minutes_xlsx(round_) -> bytes:
    data = minutes_data(round_)
    authority = data["authority"]
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Bien ban"
    _title_rows(
        ws,
        [_("Minutes summarising the council's scores"), f"{authority.name} – {round_}"],
        [
            (_("Council meeting"), round_.meeting_date),
            (_("Meeting place"), round_.meeting_place),
        ],
    )
    headers = [
        _("No."),
        _("Product"),
        _("Producer"),
        _("Commune"),
        *data["scorer_names"],
        _("Mean"),
        _("Lowest"),
        _("Highest"),
        _("Star"),
        _("Flags"),
        _("Chair's resolution"),
    ]
    rows = []
    for number, row in enumerate(data["rows"], start=1):
        result = row.result
        rows.append(
            [
                number,
                row.product.name,
                row.product.producer.name,
                row.dossier.commune.name,
                *[v if isinstance(v, int) else (_total_text(v) if v == "draft" else None) for v in row.totals],
                _Number(row.mean),
                result.min_total if result else None,
                result.max_total if result else None,
                result.star if result else None,
                "; ".join(row.flag_notes),
                row.resolution,
            ]
        )
    widths = {2: 32, 3: 30, 4: 16, len(headers) - 1: 30, len(headers): 40}
    _table(ws, headers, rows, widths=widths, default_width=11)

    marks = workbook.create_sheet("Chua dat toi thieu")
    mark_rows = [
        [row.product.name, mark["criterion"], mark["name"], mark["star"], mark["required"], _Number(mark["mean"])]
        for row in data["failed_rows"]
        for mark in row.failed_marks
    ]
    _table(
        marks,
        [_("Product"), _("Criterion"), _("Criterion name"), _("Star"), _("Required points"), _("Council mean")],
        mark_rows,
        widths={1: 32, 2: 10, 3: 45, 4: 8, 5: 12, 6: 12},
    )
    return _to_bytes(workbook)


def forwarded_xlsx(round_) -> bytes:
    """The approved results forwarded to the next level (decision 2a), with its result when recorded."""
    results = list(forwarded_results(round_))
    authority = round_.year.authority
    workbook = Workbook()
    ws = workbook.active
    ws.title = f"De nghi {authority.next_level_slug}"
    _title_rows(
        ws,
        [
            _("Products forwarded to the %(level)s") % {"level": authority.next_level_name},
            f"{authority.name} – {round_}",
        ],
        [
            (
                _("Score forwarded to the %(level)s") % {"level": authority.next_level_name},
                _Number(authority.forward_threshold),
            )
        ],
    )
    headers = [
        _("No."),
        _("Product"),
        _("Producer"),
        _("Commune"),
        _("Mean"),
        _("Star"),
        capfirst(str(Result._meta.get_field("province_result_star").verbose_name)),
        capfirst(str(Result._meta.get_field("province_decision").verbose_name)),
        capfirst(str(Result._meta.get_field("province_decision_date").verbose_name)),
    ]
    rows = [
        [
            number,
            result.dossier.product.name,
            result.dossier.product.producer.name,
            result.dossier.commune.name,
            _Number(result.mean),
            result.star,
            result.province_result_star,
            result.province_decision,
            result.province_decision_date,
        ]
        for number, result in enumerate(results, start=1)
    ]
    _table(ws, headers, rows, widths={2: 32, 3: 30, 4: 16, 8: 24}, default_width=12)
    return _to_bytes(workbook)


# ---------------------------------------------------------------------------- workbook helpers
@dataclass
class _Row:
    values: list
    bold: bool = False


@dataclass
class _Number:
    """A decimal shown with two places (the spreadsheet shows the reader's decimal separator)."""

    value: Decimal | None


def _cell(value):
    if isinstance(value, _Number):
        return None if value.value is None else Decimal(value.value)
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date | int | float | Decimal) or value is None:
        return value
    return safe_text(str(value))


def _title_rows(ws, titles, facts):
    for index, title in enumerate(titles):
        ws.append([safe_text(str(title))])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=14 if index == 0 else 11)
    for label, value in facts:
        if value in (None, ""):
            continue
        ws.append([safe_text(str(label)), _cell(value)])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        _number_format(ws.cell(row=ws.max_row, column=2), value)
    ws.append([])


def _number_format(cell, value):
    if isinstance(value, _Number):
        cell.number_format = MEAN_FORMAT
    elif isinstance(value, datetime):
        cell.number_format = DATE_FORMAT + " hh:mm"
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT


def _table(ws, headers, rows, *, widths=None, default_width=10):
    """A header row and data rows (text made safe), two-decimal means, dd/mm/yyyy dates, frozen header."""
    ws.append([safe_text(str(h)) for h in headers])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        bold = isinstance(row, _Row) and row.bold
        values = row.values if isinstance(row, _Row) else row
        ws.append([_cell(v) for v in values])
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=ws.max_row, column=column)
            _number_format(cell, value)
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str))
            if bold:
                cell.font = Font(bold=True)
    for column in range(1, len(headers) + 1):
        width = (widths or {}).get(column, default_width)
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if rows:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{ws.max_row}"


def _to_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
