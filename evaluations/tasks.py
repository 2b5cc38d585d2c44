"""Background tasks of evaluations. Tasks take IDs, re-fetch, and call the domain functions of
``evaluations.certificates``; a repeated or late task does nothing harmful."""

from celery import shared_task

from evaluations import certificates
from evaluations.models import Certificate


@shared_task(name="evaluations.tasks.issue_batch", bind=True)
def issue_batch(self, batch_id: int) -> None:
    """Issue every pending certificate of a batch's round, then queue the rendering of their PDFs in chunks (on the
    queue this task came from)."""
    queue = (self.request.delivery_info or {}).get("routing_key") if not self.request.is_eager else None
    certificates.run_issuing_batch(batch_id, queue=queue)


@shared_task(name="evaluations.tasks.render_batch_chunk")
def render_batch_chunk(batch_id: int, certificate_ids: list[int]) -> None:
    """Render and store some of a batch's PDFs (chunks run in parallel on the workers); the last closes the batch."""
    certificates.render_batch_chunk(batch_id, certificate_ids)


@shared_task(name="evaluations.tasks.render_certificate")
def render_certificate(certificate_id: int) -> None:
    """Render and store a certificate's PDF once (re-issued versions)."""
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is not None:
        certificates.store_certificate_pdf(certificate, by=certificate.issued_by)
