"""A round's certificates issued in one batch: the numbering runs in the batch task, one short transaction per
certificate, and the rendering is handed off in chunks that the workers run in parallel; the last chunk closes the
batch. This module queues nothing: the task (``evaluations.tasks.issue_batch``) passes the hand-off that queues the
chunk tasks, so the tasks and this module do not import each other."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from evaluations.enums import (
    BatchStatus,
)
from evaluations.issuing import issue_certificate, pending_recognitions
from evaluations.models import (
    Certificate,
    IssuingBatch,
)
from evaluations.rendering import store_certificate_pdf
from ocop import audit

logger = logging.getLogger("evaluations.certificates")


RENDER_CHUNK = 10  # certificates per rendering task: small enough for every worker process to get a share


def run_issuing_batch(batch_id: int, *, now=None, hand_off=None) -> bool:
    """The task's work: claim the batch (a repeated task does nothing), then issue every pending certificate in the
    round's order, one short transaction each (the number is allocated under the sequence's row lock, so numbers
    stay gap-free), and hand the rendering of the PDFs to ``RENDER_CHUNK``-sized tasks that the workers run in
    parallel (``render_batch_chunk``); the last chunk to finish closes the batch. A failure stops the batch with its
    error; what was issued stays issued (a certificate without its file is rendered when first downloaded).
    ``hand_off(certificate_ids)``: what to do with each chunk; the task passes one that queues a chunk task, and
    without it the chunks are rendered here, inline. Returns False when the batch is known to have failed by the
    time the issuing ends."""
    if hand_off is None:

        def hand_off(certificate_ids):
            render_batch_chunk(batch_id, certificate_ids, now=now)

    claimed = IssuingBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING, started_at=now or timezone.now()
    )
    if not claimed:
        return False
    batch = IssuingBatch.objects.select_related("round", "started_by").get(pk=batch_id)
    issued, chunk = [], []
    try:
        for recognition in list(pending_recognitions(batch.round)):
            certificate = issue_certificate(
                recognition, by=batch.started_by, issued_on=batch.issue_date, batch=batch, now=now
            )
            if certificate:
                issued.append(certificate.pk)
                chunk.append(certificate.pk)
            if len(chunk) == RENDER_CHUNK:  # other workers render while this one goes on issuing
                hand_off(chunk)
                chunk = []
    except Exception as error:
        logger.exception("Issuing batch %s failed.", batch_id)
        _finish_batch(batch_id, BatchStatus.FAILED, error=_error_text(error), now=now)
        return False
    if chunk:
        hand_off(chunk)
    # The batch renders what it issued (someone may have issued one of the round's certificates meanwhile); when
    # the chunks were all done before this correction, close the batch here.
    IssuingBatch.objects.filter(pk=batch_id).update(total=len(issued))
    if IssuingBatch.objects.filter(pk=batch_id, status=BatchStatus.RUNNING, done__gte=F("total")).exists():
        _finish_batch(batch_id, BatchStatus.DONE, now=now, only_if_running=True)
    return not IssuingBatch.objects.filter(pk=batch_id, status=BatchStatus.FAILED).exists()


def render_batch_chunk(batch_id: int, certificate_ids: list[int], *, now=None) -> int:
    """Render and store the PDFs of some of a batch's certificates, counting each on the batch row (an atomic
    UPDATE, so chunks running at once in several workers count correctly); the chunk that completes the count
    closes the batch. Returns how many files it stored."""
    batch = IssuingBatch.objects.select_related("started_by").get(pk=batch_id)
    if batch.status != BatchStatus.RUNNING:
        return 0
    stored = 0
    try:
        for certificate in Certificate.objects.select_related("authority").filter(pk__in=certificate_ids):
            store_certificate_pdf(certificate, by=batch.started_by)
            stored += 1
            IssuingBatch.objects.filter(pk=batch_id).update(done=F("done") + 1)
    except Exception as error:
        logger.exception("Rendering for issuing batch %s failed.", batch_id)
        _finish_batch(batch_id, BatchStatus.FAILED, error=_error_text(error), now=now)
        return stored
    # Exactly one chunk sees the count complete while the batch is still running: that one closes it.
    if IssuingBatch.objects.filter(pk=batch_id, status=BatchStatus.RUNNING, done__gte=F("total")).exists():
        _finish_batch(batch_id, BatchStatus.DONE, now=now, only_if_running=True)
    return stored


def _error_text(error) -> str:
    return "; ".join(error.messages) if isinstance(error, ValidationError) else error.__class__.__name__


@transaction.atomic
def _finish_batch(batch_id: int, status: str, *, error: str = "", now=None, only_if_running=False) -> None:
    now = now or timezone.now()
    batch = (
        IssuingBatch.objects.select_for_update(of=("self",))
        .select_related("round__year", "started_by")
        .get(pk=batch_id)
    )
    if batch.status != BatchStatus.RUNNING and (only_if_running or status == BatchStatus.FAILED):
        return  # another chunk closed it first
    batch.status = status
    batch.error = error
    batch.finished_at = now
    batch.save(update_fields=["status", "error", "finished_at"])
    action = "certificate.batch_finished" if status == BatchStatus.DONE else "certificate.batch_failed"
    audit.record(
        batch.round, action, by=batch.started_by, changes={"certificates": [None, batch.done]}, note=error, at=now
    )
