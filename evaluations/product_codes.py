"""Product codes ``T-X-STT-Năm`` (decision 2c; Decision 26/2026, the header of every sheet).

Under a regime that scores on the 2026 sheets the code is written from the official administrative codes (Decision
19/2025/QĐ-TTg): T = ``Authority.province_code`` (2 digits), X = ``Commune.code`` (5 digits), STT = the product's
sequence number in its commune (``ProductNumber``: allocated once, gap-free per commune across the years, kept on
later recognitions), Năm = the evaluation year (the programme year of the round). When either official code is
missing the code falls back to the older form (commune initials, a sequence per authority and year) and the office
sees a warning before it records the decision. Codes already written on a recognition are never rewritten.

Callers hold the lock on the authority row (``select_for_update``), which serialises every allocation of its
communes, so two decisions recorded at once cannot take the same number or leave a gap.
"""

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.models import ProductNumber
from ocop.lib.text import unaccent

# The criteria edition of the regimes whose codes come from the official administrative codes.
LEGACY_EDITIONS = frozenset({"qd148-2023"})


def dossier_regime(dossier):
    """The regime recorded on the dossier at filing, else the one its filing date gives; None when no regime of its
    authority's level covered that date (e.g. a simulated province's 2024 history: the older rules apply)."""
    if dossier.regime_id:
        return dossier.regime
    from programme.regimes import regime_for

    regime = regime_for(dossier)
    filed = timezone.localdate(dossier.submitted_at) if dossier.submitted_at else timezone.localdate()
    return regime if regime is not None and regime.valid_from <= filed else None


def uses_official_codes(regime) -> bool:
    return regime is not None and regime.criteria_edition not in LEGACY_EDITIONS


def commune_initials(commune) -> str:
    """A commune's letters in the older codes: the initials of its name without accents (Thanh Lâm → TL)."""
    return "".join(word[0] for word in unaccent(commune.name).upper().split() if word)


def legacy_code(authority, commune, seq: int, year: int) -> str:
    """Decision 2: T-H-X-STT-Năm under Decision 148 (district tier), T-X-STT-Năm since Decision 1489, with the
    commune's initials."""
    return authority.product_code_format.format(
        province=authority.province_code or unaccent(authority.province)[:2].upper(),
        authority=authority.code.upper(),
        commune=commune_initials(commune),
        seq=seq,
        year=year,
    )


def missing_codes(authority, communes) -> list[str]:
    """Why some codes will fall back to initials, in words for the office (empty when every code is there)."""
    problems = []
    if not (authority.province_code or "").strip():
        problems.append(_("The province's official code is not set in the authority's settings."))
    names = sorted({c.name for c in communes if not (c.code or "").strip()})
    if names:
        problems.append(_("Communes without an official code: %(names)s.") % {"names": ", ".join(names)})
    return problems


def sequence_for(product, commune) -> int:
    """The product's number in its commune: the one it has, else the commune's next (the caller holds the lock)."""
    number = ProductNumber.objects.filter(product=product).first()
    if number is not None:
        return number.seq
    last = ProductNumber.objects.filter(commune=commune).aggregate(n=Max("seq"))["n"] or 0
    return ProductNumber.objects.create(product=product, commune=commune, seq=last + 1).seq


def official_code(authority, dossier, year: int) -> str | None:
    """The code from the official codes, or None when one of them is missing (then the older form applies)."""
    province, commune = (authority.province_code or "").strip(), dossier.commune
    if not province or not (commune.code or "").strip():
        return None
    seq = sequence_for(dossier.product, commune)
    return authority.product_code_format.format(
        province=province, authority=authority.code.upper(), commune=commune.code.strip(), seq=seq, year=year
    )


def code_for(authority, dossier, *, legacy_seq: int, legacy_year: int) -> str:
    """The code a new recognition of ``dossier`` gets (the caller holds the authority's lock)."""
    if uses_official_codes(dossier_regime(dossier)):
        code = official_code(authority, dossier, dossier.round.year.year)
        if code:
            return code
    return legacy_code(authority, dossier.commune, legacy_seq, legacy_year)
