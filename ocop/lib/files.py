"""Serving stored files (uploads, certificate PDFs, photos) from views that have checked permission.

Files live in Django's default storage: local files by default, S3-compatible object storage when ``STORAGE_URL``
says so (settings). Nothing is ever public: with ``FILE_DOWNLOADS=redirect`` and object storage, the view answers
with a redirect to a signed URL that expires after ``FILE_URL_EXPIRE`` seconds (the bytes then bypass the web
nodes); otherwise the view streams the file itself.
"""

from django.conf import settings
from django.http import FileResponse, HttpResponseRedirect


def signed_url(fieldfile, *, filename: str, content_type: str, as_attachment: bool) -> str | None:
    """A short-lived signed URL for the file, or None when the storage cannot sign (local files)."""
    storage = fieldfile.storage
    if not hasattr(storage, "bucket_name"):
        return None
    from django.utils.http import content_disposition_header

    parameters = {
        "ResponseContentType": content_type or "application/octet-stream",
        "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
        "ResponseCacheControl": "private, no-store",
    }
    return storage.url(fieldfile.name, parameters=parameters, expire=settings.FILE_URL_EXPIRE)


def file_response(fieldfile, *, filename: str, content_type: str = "", as_attachment: bool = True):
    """The response for a permitted download: a signed redirect (object storage, ``FILE_DOWNLOADS=redirect``) or
    the streamed file. Never cached by shared caches."""
    url = None
    if settings.FILE_DOWNLOADS == "redirect":
        url = signed_url(fieldfile, filename=filename, content_type=content_type, as_attachment=as_attachment)
    if url:
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            fieldfile.open("rb"),
            as_attachment=as_attachment,
            filename=filename,
            content_type=content_type or None,
        )
        response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
