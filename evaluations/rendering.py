"""A certificate's PDF: what it prints, rendered once through WeasyPrint and stored with its SHA-256; a stored file
is never replaced."""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from evaluations.enums import (
    CertificateKind,
)
from evaluations.models import (
    Certificate,
)
from ocop import audit
from ocop.lib.pdf import qr_svg, render_pdf

PDF_TEMPLATE = "pdf/certificate.html"


# ---------------------------------------------------------------------------------------------------- the PDF
def verification_url(code: str) -> str:
    """The absolute address of the public verification page, printed on the certificate and in its QR code."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("evaluations:verify", args=[code])


def signatory_parts(signatory: str) -> tuple[str, str]:
    """'Lê Văn Thành – Phó Chủ tịch UBND huyện' → ('Phó Chủ tịch UBND huyện', 'Lê Văn Thành')."""
    for separator in (" – ", " - ", ", "):
        if separator in signatory:
            name, title = signatory.split(separator, 1)
            return title.strip(), name.strip()
    return "", signatory.strip()


def certificate_context(certificate: Certificate) -> dict:
    from evaluations.printouts import place_and_date

    authority = certificate.authority
    url = verification_url(certificate.code)
    title, name = signatory_parts(certificate.signatory)
    return {
        "title": _("OCOP product certificate"),
        "certificate": certificate,
        "authority": authority,
        "verify_url": url,
        "qr": qr_svg(url),
        "stars": "★" * certificate.star,
        "signed_place_date": place_and_date(authority, certificate.issued_on),
        "signatory_title": title,
        "signatory_name": name,
        "decision_date": date_format(certificate.decision_date, "SHORT_DATE_FORMAT"),
        "valid_until": date_format(certificate.valid_until, "SHORT_DATE_FORMAT"),
        "issued_on": date_format(certificate.issued_on, "SHORT_DATE_FORMAT"),
    }


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate's PDF, in the programme's language whatever the reader's (it is stored once)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(PDF_TEMPLATE, certificate_context(certificate))


def certificate_filename(certificate: Certificate) -> str:
    from ocop.lib.text import vn_slugify

    extension = "pdf" if certificate.content_type in ("", "application/pdf") else certificate.file.name.rsplit(".")[-1]
    return f"gcn-{vn_slugify(certificate.number)}.{extension}"


def store_certificate_pdf(certificate, *, by=None) -> bool:
    """Render an issued certificate's PDF and store it once with its SHA-256; False when a file is already stored.

    Rendering happens before the row is locked; if two workers render at once, the first to lock stores its file.
    """
    certificate = Certificate.objects.select_related("authority").get(pk=certificate.pk)
    if certificate.file or certificate.kind != CertificateKind.ISSUED:
        return False
    content = certificate_pdf(certificate)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.file:
            return False
        digest = hashlib.sha256(content).hexdigest()
        locked.file.save(f"{certificate.code}.pdf", ContentFile(content), save=False)
        locked.sha256 = digest
        locked.size = len(content)
        locked.content_type = "application/pdf"
        locked.save(update_fields=["file", "sha256", "size", "content_type"])
        audit.record(locked, "certificate.file_stored", by=by, changes={"sha256": [None, digest]})
    return True
