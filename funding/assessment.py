"""Who is owed what (decision 18), computed, never stored here: for a recognition, the policy whose window holds the
decision date, the case (new / re-evaluated with the star kept / upgraded, from the dossier's registration type and the
product's earlier recognised star), the amount for that case and star, and the payer; or the reason there is none.
``funding.domain.sync_decision`` writes the entitlements from these assessments."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from evaluations.enums import CertificateKind
from evaluations.models import Certificate, Recognition, Result
from funding.enums import (
    STARS,
    Payer,
    SupportCase,
)
from funding.models import SupportPolicy
from ocop.enums import AuthorityLevel
from products.enums import RegistrationType


def _date_text(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


# ---------------------------------------------------------------------------------------------------- assessment
@dataclass
class Assessment:
    """What a recognition is entitled to, or why nothing."""

    recognition: Recognition
    policy: SupportPolicy | None = None
    case: str = ""
    previous_star: int | None = None
    amount: Decimal | None = None
    payer: str = ""
    reason: str = ""
    higher: tuple | None = None  # (star, decision number, date) of a higher level's recognition

    @property
    def covered(self) -> bool:
        return self.policy is not None and self.amount is not None

    @property
    def case_label(self) -> str:
        return str(SupportCase(self.case).label) if self.case else ""


def support_case(registration_type: str, star: int, previous: int | None) -> tuple[str, str]:
    """(case, reason): the case of decision 18 for a recognition, or '' with the reason there is none.

    The case follows the product's history, whatever the registration type says: ``previous`` is the star of its
    latest earlier recognition by this or another authority (a decision, a certificate on record, a higher level's
    result). No earlier recognition: "new" (decision 18: a first evaluation); a re-evaluation or upgrade with none on
    record was recognised before the application, so it is "kept" (an upgrade "upgraded"). The same star is "kept",
    a higher one "upgraded"; a star that fell gets nothing (see docs/architecture.md, "Support payments")."""
    if previous is None:
        if registration_type == RegistrationType.NEW:
            return SupportCase.NEW, ""
        if registration_type == RegistrationType.UPGRADE:
            return SupportCase.UPGRADED, ""
        return SupportCase.KEPT, ""
    if star < previous:
        return "", _("The star fell from %(previous)s★ to %(star)s★: the policy supports no downgrade.") % {
            "previous": previous,
            "star": star,
        }
    if star > previous:
        return SupportCase.UPGRADED, ""
    return SupportCase.KEPT, ""


def policy_for(authority, day: datetime.date) -> SupportPolicy | None:
    return (
        SupportPolicy.objects.filter(authority=authority, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .prefetch_related("rates")
        .order_by("-valid_from")
        .first()
    )


def assess(recognition: Recognition) -> Assessment:
    return assess_many([recognition])[0]


def assess_many(recognitions) -> list[Assessment]:
    """Assess recognitions in a fixed number of queries (policies with rates, earlier stars): for lists.
    Recognitions need ``decision__round__year`` and ``dossier`` loaded."""
    recognitions = list(recognitions)
    if not recognitions:
        return []
    authority_ids = {r.decision.round.year.authority_id for r in recognitions}
    policies = list(
        SupportPolicy.objects.filter(authority_id__in=authority_ids).prefetch_related("rates").order_by("-valid_from")
    )
    product_ids = {r.dossier.product_id for r in recognitions}
    earlier: dict[int, list] = {}
    for product_id, decision_id, day, star in Recognition.objects.filter(
        dossier__product_id__in=product_ids
    ).values_list("dossier__product_id", "decision_id", "decision__date", "star"):
        earlier.setdefault(product_id, []).append((decision_id, day, star))
    for product_id, day, star in Certificate.objects.filter(
        product_id__in=product_ids, kind=CertificateKind.RECORDED
    ).values_list("product_id", "issued_on", "star"):
        earlier.setdefault(product_id, []).append((None, day, star))
    # A higher level's recognition recorded on the council's result (the province's 4★, the ministry's 5★).
    for product_id, day, star in Result.objects.filter(
        dossier__product_id__in=product_ids, province_result_star__gte=3, province_decision_date__isnull=False
    ).values_list("dossier__product_id", "province_decision_date", "province_result_star"):
        earlier.setdefault(product_id, []).append((None, day, star))
    assessments = []
    for recognition in recognitions:
        decision = recognition.decision
        authority = decision.round.year.authority
        mine = [p for p in policies if p.authority_id == authority.pk]
        policy = next((p for p in mine if p.covers(decision.date)), None)
        before = [
            (day, star)
            for decision_id, day, star in earlier.get(recognition.dossier.product_id, [])
            if day < decision.date and decision_id != decision.pk
        ]
        previous = max(before)[1] if before else None
        assessments.append(_assess(recognition, authority, policy, mine[0] if mine else None, previous))
    return assessments


def _assess(recognition, authority, policy, latest, previous) -> Assessment:
    decision = recognition.decision
    result = Assessment(recognition=recognition)
    if policy is None:
        result.reason = _("No support policy covers a decision dated %(date)s.") % {"date": _date_text(decision.date)}
        if latest is not None:
            window = _date_text(latest.valid_from) + "–" + (_date_text(latest.valid_to) if latest.valid_to else "…")
            result.reason += " " + _("The latest policy, %(basis)s, covers %(window)s.") % {
                "basis": latest.legal_basis,
                "window": window,
            }
        return result
    result.policy = policy
    result.previous_star = previous
    case, reason = support_case(recognition.dossier.registration_type, recognition.star, previous)
    result.case = case
    if not case:
        result.reason = reason
        return result
    rate = next((r for r in policy.rates.all() if r.case == case and r.star == recognition.star), None)
    if rate is None:
        result.reason = _("%(basis)s sets no support for “%(case)s” at %(star)s★.") % {
            "basis": policy.legal_basis,
            "case": SupportCase(case).label,
            "star": recognition.star,
        }
        return result
    result.amount = rate.amount
    result.payer = Payer.PROVINCE if authority.level == AuthorityLevel.PROVINCE else policy.payer_for(recognition.star)
    return result


def assess_higher(recognition: Recognition) -> Assessment | None:
    """A higher level's recognition of the product after this authority forwarded it (decision 2a), recorded on the
    council's result: under the district regime the province's 4★ (or the ministry's 5★). None when no higher star
    above this authority's is recorded. The case follows the product's history before this evaluation (as for the
    authority's own recognition); the policy is the one whose window holds the higher level's decision date; the
    province pays (decision 18: "the province pays 4★ and 5★")."""
    result = Result.objects.filter(dossier_id=recognition.dossier_id).first()
    star = result.province_result_star if result else None
    if not star or star <= recognition.star or star not in STARS or result.province_decision_date is None:
        return None
    own = assess_many([recognition])[0]
    authority = recognition.decision.round.year.authority
    day = result.province_decision_date
    assessment = Assessment(recognition=recognition, previous_star=own.previous_star)
    assessment.policy = policy_for(authority, day)
    if assessment.policy is None:
        assessment.reason = _("No support policy covers a decision dated %(date)s.") % {"date": _date_text(day)}
        return assessment
    case, reason = support_case(recognition.dossier.registration_type, star, own.previous_star)
    assessment.case = case
    if not case:
        assessment.reason = reason
        return assessment
    rate = next((r for r in assessment.policy.rates.all() if r.case == case and r.star == star), None)
    if rate is None:
        assessment.reason = _("%(basis)s sets no support for “%(case)s” at %(star)s★.") % {
            "basis": assessment.policy.legal_basis,
            "case": SupportCase(case).label,
            "star": star,
        }
        return assessment
    assessment.amount = rate.amount
    assessment.payer = Payer.PROVINCE
    assessment.higher = (star, result.province_decision, day)
    return assessment
