"""The one PDF renderer of the project: a Django template rendered to PDF bytes by WeasyPrint.

Every printout extends ``templates/pdf/base.html``, which loads the fonts shipped in ``static/fonts/``
(Noto Serif regular, bold and italic, OFL-1.1; DejaVu Sans as the fallback for ★ and other symbols; copied from
Debian's fonts-noto-core and fonts-dejavu-core, licences beside them) with ``@font-face`` under family names of
their own, so the output does not depend on the fonts installed on the machine.

WeasyPrint is imported inside the functions (importing it costs about a second, which Django start-up and
the other views should not pay), and one ``FontConfiguration`` is kept per process and reused: building it
again for every document would load the fonts again. Resources are read only from the folder that holds
``fonts/``: no network, no other files, whatever text a printout contains.

Nothing here takes a request: views call ``render_pdf`` and wrap the bytes with ``pdf_response``.
"""

import threading
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

FONT_PROBE = "fonts/NotoSerif-Regular.ttf"
PDF_CONTENT_TYPE = "application/pdf"

_font_config = None
# WeasyPrint's font map (Pango/fontconfig) is not meant to be shared by threads rendering at once: documents of
# one process are rendered one at a time (gunicorn's sync workers never wait on this).
_render_lock = threading.Lock()


@lru_cache(maxsize=1)
def static_dir() -> Path:
    """The folder whose ``fonts/`` sub-folder holds the PDF fonts: found like any static file, else the
    collected STATIC_ROOT, else ``BASE_DIR/static``."""
    from django.contrib.staticfiles import finders

    found = finders.find(FONT_PROBE)
    if found:
        return Path(found).resolve().parents[1]
    root = getattr(settings, "STATIC_ROOT", None)
    if root and (Path(root) / FONT_PROBE).is_file():
        return Path(root).resolve()
    return (Path(settings.BASE_DIR) / "static").resolve()


def _font_configuration():
    """The process's FontConfiguration (call with ``_render_lock`` held)."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


@lru_cache(maxsize=1)
def _fetcher():
    """A URL fetcher that serves only files under the static folder (and data: URLs)."""
    from weasyprint import URLFetcher

    root = static_dir()

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                from urllib.parse import unquote, urlparse

                path = Path(unquote(urlparse(url).path)).resolve()
                if not path.is_relative_to(root) or not path.is_file():
                    raise ValueError(f"PDF resource outside the static folder: {url}")
            elif not url.startswith("data:"):
                raise ValueError(f"PDF resources are local files only: {url}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols={"file", "data"}, fail_on_errors=False)


def render_pdf(template_name: str, context: dict | None = None) -> bytes:
    """Render a template (extending ``pdf/base.html``) to PDF bytes; ``exported_at`` (the footer's export
    time) defaults to now."""
    import weasyprint

    context = {"exported_at": timezone.localtime(), **(context or {})}
    html = render_to_string(template_name, context)
    document = weasyprint.HTML(
        string=html,
        base_url=static_dir().as_uri() + "/",
        url_fetcher=_fetcher(),
    )
    with _render_lock:
        return document.write_pdf(font_config=_font_configuration())


def pdf_response(pdf_bytes: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """An HTTP response with the PDF; ``filename`` must be ASCII (build it with ``ocop.lib.text.vn_slugify``)."""
    response = HttpResponse(pdf_bytes, content_type=PDF_CONTENT_TYPE)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # names and scores: no copies in shared caches
    return response


def qr_svg(data: str, *, border: int = 2) -> str:
    """A QR code (segno, error correction M) as an inline ``<svg>`` element for a printout: its size is set by the
    template's CSS (the viewBox keeps the modules square). Text only: WeasyPrint draws it as vectors."""
    import segno

    return segno.make(data, error="m", micro=False).svg_inline(scale=1, border=border, dark="#000", light="#fff")
