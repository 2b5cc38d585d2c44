"""Checking uploaded files by their content, not their name, and hashing them."""

import hashlib
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ocop.security import clean_file_name

ALLOWED = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
}


# The stored file's suffix comes from the detected type, never from the client's file name.
SUFFIXES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


def stored_name(content_type: str) -> str:
    """The name handed to the storage for a checked upload (the storage adds a random stem)."""
    return "file" + SUFFIXES[content_type]


def _zip_kind(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    finally:
        upload.seek(0)
    if "word/document.xml" in names:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if "xl/workbook.xml" in names:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def detect_type(upload) -> str:
    """The file's real type from its first bytes; raise a Vietnamese ValidationError for anything else."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(upload)
        if kind:
            return kind
    raise ValidationError(
        _("“%(name)s” is not a PDF, JPEG, PNG, DOCX or XLSX file (its content was checked, not its name)."),
        params={"name": clean_file_name(upload.name)},
        code="file_type",
    )


def check_upload(upload) -> tuple[str, str]:
    """Validate size and type; return (content_type, sha256)."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty."), params={"name": clean_file_name(upload.name)}, code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s MB; the limit is %(limit)s MB per file."),
            params={
                "name": clean_file_name(upload.name),
                "size": round(upload.size / 1048576, 1),
                "limit": limit // 1048576,
            },
            code="too_large",
        )
    content_type = detect_type(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()
