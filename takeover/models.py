"""The import ledger of a fold: which row of which former district became which row here.

One :class:`Takeover` per former district folded in; one :class:`LedgerEntry` per source row the fold has seen. The
ledger makes the fold idempotent (a row already in it is never created again) and keeps the office's review list: a
producer whose former commune was split between several new ones waits as a *held* entry until the office chooses its
new commune (``chosen_commune``); the next run imports it with everything that hangs from it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.models import Authority


class EntryStatus(models.TextChoices):
    IMPORTED = "imported", _("imported")
    MAPPED = "mapped", _("mapped onto an existing row")
    HELD = "held", _("waiting for the office's review")
    REFUSED = "refused", _("refused")


class Takeover(models.Model):
    source_code = models.CharField(_("code of the former authority"), max_length=20, unique=True)
    source_name = models.CharField(_("former authority"), max_length=200)
    predecessor = models.ForeignKey(
        Authority, verbose_name=_("predecessor authority"), on_delete=models.PROTECT, related_name="+"
    )
    into = models.ForeignKey(Authority, verbose_name=_("taken over by"), on_delete=models.PROTECT, related_name="+")
    backup = models.CharField(_("backup"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("first run"), auto_now_add=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)

    class Meta:
        verbose_name = _("data takeover")
        verbose_name_plural = _("data takeovers")

    def __str__(self):
        return self.source_name


class LedgerEntry(models.Model):
    takeover = models.ForeignKey(Takeover, on_delete=models.CASCADE, related_name="entries")
    table = models.CharField(_("table"), max_length=100)  # the model's label, e.g. "products.Producer"
    source_pk = models.BigIntegerField(_("id in the former district's data"))
    target_pk = models.BigIntegerField(_("id here"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=EntryStatus.choices)
    label = models.CharField(_("what"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    # A commune or a producer: the former commune (as the district named it) and the new units it went into.
    former_commune = models.CharField(_("former commune"), max_length=200, blank=True)
    candidates = models.JSONField(_("new units it went into"), default=list, blank=True)

    class Meta:
        verbose_name = _("import ledger entry")
        verbose_name_plural = _("import ledger entries")
        constraints = [
            models.UniqueConstraint(fields=["takeover", "table", "source_pk"], name="ledger_once_per_source_row"),
        ]
        indexes = [models.Index(fields=["takeover", "status"], name="ledger_by_status")]

    def __str__(self):
        return f"{self.table} #{self.source_pk}: {self.status}"
