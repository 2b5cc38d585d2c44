"""Choices of the programme layer: the stages of a round, the kinds of calendar exception."""

from django.db import models
from django.utils.translation import pgettext_lazy


class RoundStage(models.TextChoices):
    """Explicit steps of a round; "open" reads as "checking" once the commune deadline has passed."""

    OPEN = "open", pgettext_lazy("round", "Open for dossiers")
    SCORING = "scoring", pgettext_lazy("round", "Scoring")
    APPROVED = "approved", pgettext_lazy("round", "Results approved")
    CLOSED = "closed", pgettext_lazy("round", "Closed")


class CalendarExceptionKind(models.TextChoices):
    """What the office changes in the working-day calendar for one date (decision 23)."""

    DAY_OFF = "day_off", pgettext_lazy("calendar", "Extra day off")
    WORKING_DAY = "working_day", pgettext_lazy("calendar", "Working day")
