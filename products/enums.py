from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProducerKind(models.TextChoices):
    ENTERPRISE = "doanh_nghiep", _("Enterprise")
    COOPERATIVE = "hop_tac_xa", _("Cooperative")
    COOPERATIVE_GROUP = "to_hop_tac", _("Cooperative group")
    HOUSEHOLD_BUSINESS = "ho_kinh_doanh", _("Household business")


class Gender(models.TextChoices):
    FEMALE = "nu", _("Female")
    MALE = "nam", _("Male")


class RegistrationType(models.TextChoices):
    NEW = "moi", _("New registration")
    UPGRADE = "nang_hang", _("Upgrade")
    REEVALUATION = "danh_gia_lai", _("Re-evaluation")


class DossierStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("dossier", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("dossier", "Submitted")
    RETURNED = "returned", pgettext_lazy("dossier", "Returned for supplement")
    RESUBMITTED = "resubmitted", pgettext_lazy("dossier", "Resubmitted")
    ACCEPTED = "accepted", pgettext_lazy("dossier", "Accepted for evaluation")
    REJECTED = "rejected", pgettext_lazy("dossier", "Rejected")


# The commune may edit documents and the verification in these states.
EDITABLE_STATES = frozenset({DossierStatus.DRAFT, DossierStatus.RETURNED})
# The district is checking a dossier in these states.
UNDER_CHECK_STATES = frozenset({DossierStatus.SUBMITTED, DossierStatus.RESUBMITTED})
FINAL_STATES = frozenset({DossierStatus.ACCEPTED, DossierStatus.REJECTED})

# Allowed transitions: (from, to) -> domain function that makes it. Views never assign a status.
TRANSITIONS = {
    (DossierStatus.DRAFT, DossierStatus.SUBMITTED): "submit_dossier",
    (DossierStatus.RETURNED, DossierStatus.RESUBMITTED): "submit_dossier",
    (DossierStatus.SUBMITTED, DossierStatus.RETURNED): "return_dossier",
    (DossierStatus.RESUBMITTED, DossierStatus.RETURNED): "return_dossier",
    (DossierStatus.SUBMITTED, DossierStatus.ACCEPTED): "accept_dossier",
    (DossierStatus.RESUBMITTED, DossierStatus.ACCEPTED): "accept_dossier",
    (DossierStatus.SUBMITTED, DossierStatus.REJECTED): "reject_dossier",
    (DossierStatus.RESUBMITTED, DossierStatus.REJECTED): "reject_dossier",
}
