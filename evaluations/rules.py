"""Who may do what in rounds, councils, scoring and results."""

from ocop.enums import Role
from ocop.rules import has_role, own_commune, rule

MANAGERS = (Role.DISTRICT_OFFICE, Role.SECRETARIAT, Role.SYSADMIN)


def seat_of(user, round_):
    """The user's council seat in a round, or None (cached per request on the user)."""
    cache = user.__dict__.setdefault("_ocop_seats", {})
    if round_.pk not in cache:
        cache[round_.pk] = round_.council.filter(user=user).first()
    return cache[round_.pk]


def _sheet_of(user, dossier):
    from evaluations.models import ScoreSheet

    return ScoreSheet.objects.filter(dossier=dossier, member__user=user).first()


@rule("round.list")
def _round_list(user, obj):
    return has_role(user, *MANAGERS, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER)


@rule("round.manage")
def _round_manage(user, obj):
    """Form the council, declare conflicts, start scoring, assign dossiers, reopen sheets."""
    return has_role(user, *MANAGERS)


@rule("year.view")
def _year_view(user, obj):
    """The programme years with their targets, budget and rounds."""
    return has_role(user, *MANAGERS, Role.COUNCIL_CHAIR, Role.FINANCE)


@rule("year.manage")
def _year_manage(user, obj):
    """Create a year, set its targets and budget, close it: the standing office."""
    return has_role(user, Role.DISTRICT_OFFICE, Role.SYSADMIN)


@rule("round.create")
def _round_create(user, obj):
    """Add a round to a year: the office and the council's secretariat."""
    return has_role(user, *MANAGERS)


@rule("criteria.view")
def _criteria_view(user, obj):
    return has_role(user, *MANAGERS, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER)


@rule("criteria.confirm")
def _criteria_confirm(user, obj):
    return has_role(user, *MANAGERS)


@rule("scoring.my_sheets")
def _my_sheets(user, obj):
    return has_role(user, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER)


@rule("sheet.edit")
def _sheet_edit(user, obj):
    """Only the member the sheet belongs to fills it in."""
    return obj is not None and obj.member.user_id == user.pk


@rule("sheet.view")
def _sheet_view(user, obj):
    """Own sheet; managers and the chair see all; other members only once they submitted their own (decision 11)."""
    if obj is None:
        return False
    if obj.member.user_id == user.pk or has_role(user, *MANAGERS, Role.COUNCIL_CHAIR):
        return True
    from evaluations.enums import SheetStatus

    if obj.status != SheetStatus.SUBMITTED:
        return False  # another member's draft is never shown
    own = _sheet_of(user, obj.dossier)
    return own is not None and own.status == SheetStatus.SUBMITTED


@rule("result.view")
def _result_view(user, obj):
    """obj is a dossier. Before approval only managers, the chair and members who submitted their sheet see it;
    after approval the commune sees its own products' results."""
    if obj is None:
        return has_role(user, *MANAGERS, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER)
    from evaluations.enums import SheetStatus
    from programme.enums import RoundStage

    if has_role(user, *MANAGERS, Role.COUNCIL_CHAIR):
        return True
    approved = obj.round.stage in (RoundStage.APPROVED, RoundStage.CLOSED)
    if approved and (own_commune(user, obj) or has_role(user, Role.FINANCE)):
        return True
    if has_role(user, Role.COUNCIL_MEMBER):
        own = _sheet_of(user, obj)
        return own is not None and (own.status == SheetStatus.SUBMITTED or approved)
    return False


@rule("result.resolve")
def _result_resolve(user, obj):
    return has_role(user, Role.COUNCIL_CHAIR)


@rule("round.approve")
def _round_approve(user, obj):
    return has_role(user, Role.COUNCIL_CHAIR)


@rule("decision.record")
def _decision_record(user, obj):
    return has_role(user, Role.DISTRICT_OFFICE, Role.SYSADMIN)


# ---------------------------------------------------------------------------- certificates (decisions 13-17)
# Legal acts of the district (issuing, re-issuing, revoking) are recorded by its standing office; the secretariat
# helps with data entry (inspections, certificates of a higher level). The public pages need no rule.
CERTIFICATE_OFFICE = (Role.DISTRICT_OFFICE, Role.SYSADMIN)


@rule("certificate.list")
def _certificate_list(user, obj):
    """The certificate register and the expiry list: district staff and the chair see all; a commune official sees
    their commune's (the list is scoped with ``Certificate.objects.visible_to``)."""
    return has_role(user, *MANAGERS, Role.COUNCIL_CHAIR, Role.COMMUNE_OFFICIAL)


@rule("certificate.view")
def _certificate_view(user, obj):
    """One certificate, its file and history: district staff, the chair, and the producer's commune official."""
    if has_role(user, *MANAGERS, Role.COUNCIL_CHAIR):
        return True
    return obj is not None and own_commune(user, obj)


@rule("certificate.issue")
def _certificate_issue(user, obj):
    """Issue (or re-issue) the certificates of a recognition decision."""
    return has_role(user, *CERTIFICATE_OFFICE)


@rule("certificate.revoke")
def _certificate_revoke(user, obj):
    return has_role(user, *CERTIFICATE_OFFICE)


@rule("certificate.record")
def _certificate_record(user, obj):
    """Record a certificate issued by a higher level (province, ministry) with its scan."""
    return has_role(user, *MANAGERS)


@rule("inspection.record")
def _inspection_record(user, obj):
    return has_role(user, *MANAGERS)


@rule("certificate.ceremony")
def _certificate_ceremony(user, obj):
    """The list of certificates to hand out at the ceremony (PDF, .xlsx)."""
    return has_role(user, *MANAGERS, Role.COUNCIL_CHAIR)
