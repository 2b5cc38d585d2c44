"""Background tasks of evaluations. Tasks take IDs, re-fetch, and call the domain functions of
``evaluations.certificates``; a repeated or late task does nothing harmful."""

from celery import shared_task

from evaluations import certificates
from evaluations.models import Certificate


@shared_task(name="evaluations.tasks.issue_batch")
def issue_batch(batch_id: int) -> None:
    """Issue and store every pending certificate of a batch's round, counting progress on the batch row."""
    certificates.run_issuing_batch(batch_id)


@shared_task(name="evaluations.tasks.render_certificate")
def render_certificate(certificate_id: int) -> None:
    """Render and store a certificate's PDF once (re-issued versions)."""
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is not None:
        certificates.store_certificate_pdf(certificate, by=certificate.issued_by)
