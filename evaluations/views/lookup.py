"""The public lookup box (catalogue, login page): one field that finds a certificate by its verification code or
its number and opens its verification page. A number that matches several certificates (the same running number
in several years, or a part of a number) lists them; the list shows only what the certificates print."""

import re

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from evaluations.models import CODE_ALPHABET, CODE_LENGTH, Certificate
from ocop.models import Authority
from ocop.security import parse_id

MAX_MATCHES = 20
_CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """What people type: stray spaces, lower case, a space around the slash."""
    text = _SPACES.sub(" ", (text or "").strip())
    return re.sub(r"\s*([/-])\s*", r"\1", text)[:100]


def find_certificates(text: str):
    """(exact certificate or None, list of candidates) for a typed code or number."""
    text = normalise(text)
    if not text:
        return None, []
    compact = text.replace(" ", "").replace("-", "").upper()
    if _CODE.fullmatch(compact):
        found = Certificate.objects.filter(code=compact).first()
        if found is not None:
            return found, []
    certificates = Certificate.objects.order_by("-issued_on", "-pk")
    exact = list(certificates.filter(number__iexact=text)[: MAX_MATCHES + 1])
    if len(exact) == 1:
        return exact[0], []
    if exact:
        return None, exact
    if parse_id(text) is not None:
        # "5", "05" or "005": the running number of every year (ASCII digits only: "²" is not a number).
        matches = certificates.filter(sequence=parse_id(text))
    elif len(text) >= 3:
        matches = certificates.filter(number__icontains=text)
    else:
        return None, []
    matches = list(matches[: MAX_MATCHES + 1])
    if len(matches) == 1:
        return matches[0], []
    return None, matches


@never_cache
@require_GET
def lookup(request):
    text = request.GET.get("q", "")
    found, matches = find_certificates(text)
    if found is not None:
        return redirect("evaluations:verify", found.code)
    today = timezone.localdate()
    rows = [(c, c.status(today)) for c in matches[:MAX_MATCHES]]
    q = normalise(text)
    context = {"authority": Authority.objects.current(), "q": q, "rows": rows, "more": len(matches) > MAX_MATCHES}
    # Nothing typed (or only spaces): the page says what to type, it is not a "not found".
    return render(request, "public/lookup.html", context, status=200 if rows or not q else 404)
