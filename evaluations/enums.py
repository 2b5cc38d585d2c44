from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoundStage(models.TextChoices):
    """Explicit steps of a round; "open" reads as "checking" once the commune deadline has passed."""

    OPEN = "open", pgettext_lazy("round", "Open for dossiers")
    SCORING = "scoring", pgettext_lazy("round", "Scoring")
    APPROVED = "approved", pgettext_lazy("round", "Results approved")
    CLOSED = "closed", pgettext_lazy("round", "Closed")


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretariat")


# Council roles that score products.
SCORING_ROLES = frozenset({CouncilRole.CHAIR, CouncilRole.VICE_CHAIR, CouncilRole.MEMBER})


class SheetStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("sheet", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("sheet", "Submitted")


class Flag(models.TextChoices):
    SPREAD = "spread", _("Needs discussion: scores far apart")
    QUORUM = "quorum", _("Quorum not reached")
