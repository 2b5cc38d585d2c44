"""Who may do what with producers, products and dossiers. Scope and role only; domain functions check state."""

from ocop.enums import Role
from ocop.rules import has_role, rule, sees_all_communes

DISTRICT_CHECKERS = (Role.DISTRICT_OFFICE, Role.SECRETARIAT, Role.SYSADMIN)


def _commune_official_of(user, obj) -> bool:
    from ocop.rules import commune_id_of, commune_of

    commune = commune_of(obj)
    own = commune_id_of(user)
    if own is None:
        return False
    return commune is None or commune.pk == own  # None: "in general", e.g. may they open the list


def _district_or_own_commune(user, obj) -> bool:
    return has_role(user, *DISTRICT_CHECKERS) or _commune_official_of(user, obj)


@rule("producer.list")
def _producer_list(user, obj):
    return sees_all_communes(user) or _commune_official_of(user, obj)


@rule("producer.view")
def _producer_view(user, obj):
    return sees_all_communes(user) or _commune_official_of(user, obj)


@rule("producer.edit")
def _producer_edit(user, obj):
    return _district_or_own_commune(user, obj)


@rule("product.list")
def _product_list(user, obj):
    return sees_all_communes(user) or _commune_official_of(user, obj)


@rule("product.view")
def _product_view(user, obj):
    return sees_all_communes(user) or _commune_official_of(user, obj)


@rule("product.edit")
def _product_edit(user, obj):
    return _district_or_own_commune(user, obj)


@rule("product.change_criteria_set")
def _product_change_set(user, obj):
    return has_role(user, *DISTRICT_CHECKERS)


@rule("dossier.list")
def _dossier_list(user, obj):
    return has_role(user, *DISTRICT_CHECKERS, Role.COUNCIL_CHAIR) or _commune_official_of(user, obj)


def _assigned_member(user, obj) -> bool:
    """A council member assigned to score the dossier reads it (and its documents)."""
    if obj is None or not has_role(user, Role.COUNCIL_MEMBER):
        return False
    # ``sheets`` is the score sheets' reverse relation (``evaluations`` sits above and is not imported here).
    return obj.sheets.filter(member__user=user).exists()


@rule("dossier.view")
def _dossier_view(user, obj):
    return (
        has_role(user, *DISTRICT_CHECKERS, Role.COUNCIL_CHAIR)
        or _commune_official_of(user, obj)
        or _assigned_member(user, obj)
    )


@rule("dossier.create")
def _dossier_create(user, obj):
    return _district_or_own_commune(user, obj)


@rule("dossier.edit")
def _dossier_edit(user, obj):
    """Upload documents and fill the commune verification (while the dossier is a draft or returned)."""
    return _district_or_own_commune(user, obj)


@rule("dossier.submit")
def _dossier_submit(user, obj):
    return _district_or_own_commune(user, obj)


@rule("dossier.check")
def _dossier_check(user, obj):
    """Return for supplement, accept or reject."""
    return has_role(user, *DISTRICT_CHECKERS)


@rule("dossier.grant_extension")
def _dossier_extend(user, obj):
    return has_role(user, *DISTRICT_CHECKERS)


@rule("registry.import")
def _registry_import(user, obj):
    return has_role(user, *DISTRICT_CHECKERS) or _commune_official_of(user, obj)


@rule("dossier.override_regime")
def _dossier_override_regime(user, obj):
    """Decision 2b: only the programme office chooses another regime for a dossier (with a reason)."""
    return has_role(user, Role.DISTRICT_OFFICE, Role.SYSADMIN)


@rule("dossier.receive")
def _dossier_receive(user, obj):
    """Record that the commune received the producer's dossier (Decision 26/2026): its officials, or the office."""
    return _district_or_own_commune(user, obj)


@rule("dossier.late_checks")
def _dossier_late_checks(user, obj):
    """The province's list of communes' checks past their 15 working days."""
    return has_role(user, *DISTRICT_CHECKERS)


# ---------------------------------------------------------------------------- Decision 26/2026's forms
@rule("forms.view")
def _forms_view(user, obj):
    """Mẫu 01 and 02 (the producer's registration and self-assessment): whoever sees the dossier, council members
    included (the self-assessment is what they check the producer's claims against)."""
    return _dossier_view(user, obj)


@rule("forms.view_commune_report")
def _forms_view_commune_report(user, obj):
    """Mẫu 03, the commune's report to the province: the commune, the office and secretariat, the chair."""
    return has_role(user, *DISTRICT_CHECKERS, Role.COUNCIL_CHAIR) or _commune_official_of(user, obj)


@rule("forms.edit")
def _forms_edit(user, obj):
    """Enter the forms from the producer's paper: the commune's official, or the office on its behalf."""
    return _district_or_own_commune(user, obj)


@rule("units.review")
def _units_review(user, obj):
    """The office chooses today's commune for producers of a split former commune (2025 reorganisation)."""
    return has_role(user, Role.DISTRICT_OFFICE)
