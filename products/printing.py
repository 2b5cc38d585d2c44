"""Decision 26/2026's three forms of a dossier as PDF (Phụ lục III): Mẫu 01 registration, Mẫu 02 the producer's
self-assessment report, Mẫu 03 the commune's report. Rendered by ``ocop.lib.pdf`` in the programme's language; what
is not known yet (a receipt number, a date to sign) prints as a dotted line to fill by hand, as on the paper form."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ocop.lib.pdf import render_pdf
from ocop.lib.text import vn_slugify
from products import forms_data
from products.enums import RegistrationType
from products.models import IpTitle

BLANK = "……………"


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return date_format(value, "SHORT_DATE_FORMAT")


def place_and_date(place: str, day=None) -> str:
    """'Thanh Lâm, ngày 05 tháng 12 năm 2026', or with dots to fill when the day is not known."""
    if day is None:
        return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
            "place": place, "day": "……", "month": "……", "year": "……"
        }  # fmt: skip
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}",
        "year": day.year,
    }


def receipt_pattern(dossier) -> str:
    """The sheet number as the form prints it before a number is given: ……-……/PĐK-(province)-(commune)-(year)."""
    authority = dossier.round.year.authority
    return "……-……/PĐK-{province}-{commune}-{year}".format(
        province=authority.province_code or _("(province code)"),
        commune=dossier.commune.code or _("(commune code)"),
        year=dossier.round.year.year,
    )


def receipts(dossier) -> list[dict]:
    """Mẫu 01's two blocks: the commune's and the province's receipt (number, date; blank lines while empty)."""
    pattern = receipt_pattern(dossier)
    return [
        {
            "title": _("For the commune People's Committee"),
            "number": dossier.commune_receipt_number or pattern,
            "given": bool(dossier.commune_receipt_number),
            "received": _date(dossier.commune_received_at),
        },
        {
            "title": _("For the province's OCOP management agency"),
            "number": dossier.province_receipt_number or pattern,
            "given": bool(dossier.province_receipt_number),
            "received": _date(dossier.province_received_at),
        },
    ]


def registration_type_words() -> dict:
    """Mẫu 01's own words for the registration type: Lần đầu / Nâng hạng / Đánh giá lại."""
    return {
        RegistrationType.NEW: pgettext("registration type on the form", "First time"),
        RegistrationType.UPGRADE: RegistrationType.UPGRADE.label,
        RegistrationType.REEVALUATION: RegistrationType.REEVALUATION.label,
    }


def _common(dossier) -> dict:
    registration = forms_data.registration_of(dossier)
    producer = dossier.product.producer
    authority = dossier.round.year.authority
    criteria_set = forms_data.scoring_set(dossier)
    return {
        "dossier": dossier,
        "registration": registration,
        "producer": producer,
        "product": dossier.product,
        "commune": dossier.commune,
        "authority": authority,
        "criteria_set": criteria_set,
        "registration_types": [
            (label, value == dossier.registration_type) for value, label in registration_type_words().items()
        ],
        "sample_count": forms_data.sample_count(registration),
        "attachments": [line.strip() for line in (registration.attachments or "").splitlines() if line.strip()],
        "blank": BLANK,
        "producer_place_date": place_and_date(dossier.commune.name),
    }


def form_01_context(dossier) -> dict:
    return {**_common(dossier), "title": _("Registration form"), "receipts": receipts(dossier)}


def form_02_context(dossier) -> dict:
    context = _common(dossier)
    registration = context["registration"]
    return {
        **context,
        "title": _("Self-assessment report on the product"),
        "parts": forms_data.self_sheet_rows(registration),
        "outcome": forms_data.self_outcome(registration),
        "self_set": forms_data.self_sheet(registration),
        "founded_on": _date(registration.founded_on),
        "ip_rows": [
            (value, label, value in (registration.ip_titles if isinstance(registration.ip_titles, list) else []))
            for value, label in IpTitle.choices
        ],
    }


def form_03_context(dossier) -> dict:
    context = _common(dossier)
    registration = context["registration"]
    authority = context["authority"]
    request = registration.commune_request.strip() or _(
        "The People's Committee of %(commune)s asks %(authority)s to evaluate and classify the OCOP product "
        "“%(product)s” of %(producer)s."
    ) % {
        "commune": dossier.commune,
        "authority": authority.name,
        "product": dossier.product.name,
        "producer": context["producer"].name,
    }
    return {
        **context,
        "title": _("Report"),
        "request": request,
        "place_date": place_and_date(dossier.commune.name, dossier.verified_on),
    }


def form_01_pdf(dossier) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf("pdf/forms/form_01.html", form_01_context(dossier))


def form_02_pdf(dossier) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf("pdf/forms/form_02.html", form_02_context(dossier))


def form_03_pdf(dossier) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf("pdf/forms/form_03.html", form_03_context(dossier))


def filename(dossier, number: str) -> str:
    return f"mau-{number}-{vn_slugify(dossier.product.name)}-{dossier.pk}.pdf"
