"""Compressed HTML without a BREACH oracle (issue 18, item 13; the reasoning is in docs/security.md).

BREACH reads a secret out of a compressed HTTPS response by making the victim's browser send many requests that
reflect the attacker's guesses next to the secret, and watching the compressed sizes. It needs both a secret and
attacker-chosen text in the same body. So a page is compressed only when

- it is HTML answering a GET or HEAD (a POST that comes back with its form echoes what was typed), and
- it is for a visitor without an account (public pages hold no secret: the only one, the CSRF token, is masked
  afresh for every response, so it never repeats from one response to the next), **or** the address has no query
  string (a signed-in page then reflects only ids from its path, never free text an attacker chose).

Everything else (a filtered list, a search, a form sent back with errors, exports) goes out uncompressed, as before.
Static files are compressed by WhiteNoise ahead of this middleware. Django's own GZip adds up to 100 random bytes
to every response ("Heal the Breach") on top.
"""

from django.middleware.gzip import GZipMiddleware


def may_compress(request, response) -> bool:
    """The rule above: True when this response may be gzip-compressed."""
    if request.method not in ("GET", "HEAD"):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    user = getattr(request, "user", None)
    anonymous = user is not None and not user.is_authenticated
    return anonymous or not request.META.get("QUERY_STRING")


class SafeGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, applied only where :func:`may_compress` allows."""

    def process_response(self, request, response):
        if not may_compress(request, response):
            return response
        return super().process_response(request, response)
