"""Background tasks of evaluations. Tasks take IDs, re-fetch, and call the domain functions; a repeated or late task
does nothing harmful. The modules they call (``batches``, ``rendering``) do not import this one: the batch task
hands its chunks to ``queue_render_chunk`` here, so the task graph has no circle."""

from celery import shared_task

from evaluations import batches
from evaluations.models import Certificate
from evaluations.rendering import store_certificate_pdf


def queue_render_chunk(batch_id: int, certificate_ids: list[int], queue: str | None = None) -> None:
    """Queue the rendering of some of a batch's certificates (on ``queue``: the queue the batch task came from)."""
    options = {"queue": queue} if queue else {}
    render_batch_chunk.apply_async(kwargs={"batch_id": batch_id, "certificate_ids": list(certificate_ids)}, **options)


@shared_task(name="evaluations.tasks.issue_batch", bind=True)
def issue_batch(self, batch_id: int) -> None:
    """Issue every pending certificate of a batch's round, then queue the rendering of their PDFs in chunks (on the
    queue this task came from)."""
    queue = (self.request.delivery_info or {}).get("routing_key") if not self.request.is_eager else None
    batches.run_issuing_batch(batch_id, hand_off=lambda ids: queue_render_chunk(batch_id, ids, queue))


@shared_task(name="evaluations.tasks.render_batch_chunk")
def render_batch_chunk(batch_id: int, certificate_ids: list[int]) -> None:
    """Render and store some of a batch's PDFs (chunks run in parallel on the workers); the last closes the batch."""
    batches.render_batch_chunk(batch_id, certificate_ids)


@shared_task(name="evaluations.tasks.render_certificate")
def render_certificate(certificate_id: int) -> None:
    """Render and store a certificate's PDF once (re-issued versions)."""
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is not None:
        store_certificate_pdf(certificate, by=certificate.issued_by)
