"""Roles and other shared choices. Each role is a Django group whose name is the value."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_OFFICE = "district_office", _("District agriculture office")
    SECRETARIAT = "secretariat", _("Council secretariat")
    COUNCIL_CHAIR = "council_chair", _("Council chair")
    COUNCIL_MEMBER = "council_member", _("Council member")
    COMMUNE_OFFICIAL = "commune_official", _("Commune official")
    FINANCE = "finance", _("Finance officer")
    SYSADMIN = "sysadmin", _("System administrator")


# Roles that work for the district as a whole and may see every commune's objects.
DISTRICT_ROLES = frozenset({Role.DISTRICT_OFFICE, Role.SECRETARIAT, Role.SYSADMIN})
# Roles that sit on the council.
COUNCIL_ROLES = frozenset({Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER})


class UnitKind(models.TextChoices):
    COMMUNE = "xa", _("commune")
    TOWNSHIP = "thi_tran", _("township")
    WARD = "phuong", _("ward")
    SPECIAL_ZONE = "dac_khu", _("special zone")


class AuthorityLevel(models.TextChoices):
    DISTRICT = "district", _("District")
    PROVINCE = "province", _("Province")
