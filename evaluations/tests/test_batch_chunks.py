# ruff: noqa: F811 - the decision fixture is imported from test_certificates
"""Certificate batches split into rendering chunks (run in parallel by the workers); numbers stay gap-free."""

import pytest

from evaluations import batches, certificates, tasks
from evaluations.enums import BatchStatus
from evaluations.models import Certificate, IssuingBatch
from evaluations.tests.test_certificates import decision, number, recognise  # noqa: F401 - fixtures
from ocop.models import AuditEntry


@pytest.fixture
def five(decision, commune):
    return [recognise(decision, commune, f"Sản phẩm {i}", f"Chủ thể {i}") for i in range(5)]


def test_a_batch_renders_in_chunks_and_the_last_chunk_closes_it(
    decision, five, district_officer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(batches, "RENDER_CHUNK", 2)
    queued = []
    real = tasks.queue_render_chunk

    def spy(batch_id, ids, queue=None):
        queued.append(list(ids))
        real(batch_id, ids, queue)

    monkeypatch.setattr(tasks, "queue_render_chunk", spy)
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificates.start_issuing(decision.round, by=district_officer)
    batch.refresh_from_db()
    assert [len(ids) for ids in queued] == [2, 2, 1]
    assert (batch.status, batch.done, batch.total) == (BatchStatus.DONE, 5, 5)
    issued = list(Certificate.objects.order_by("sequence"))
    assert [c.number for c in issued] == [number(i) for i in range(1, 6)]
    assert [c.product_name for c in issued] == [f"Sản phẩm {i}" for i in range(5)]
    assert all(c.file and len(c.sha256) == 64 and c.batch_id == batch.pk for c in issued)
    assert AuditEntry.objects.filter(action="certificate.batch_finished").count() == 1


def test_chunks_finished_before_the_issuing_ended_do_not_leave_the_batch_running(
    decision, five, district_officer, monkeypatch
):
    """Someone issued one certificate by hand meanwhile: the batch renders 4, and closes when the count is right."""
    certificates.issue_certificate(five[2], by=district_officer)
    batch = certificates.start_issuing(decision.round, by=district_officer)
    IssuingBatch.objects.filter(pk=batch.pk).update(total=5)  # counted before the hand-issued one
    assert certificates.run_issuing_batch(batch.pk) is True
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == (BatchStatus.DONE, 4, 4)


def test_a_chunk_of_a_closed_batch_does_nothing(decision, five, district_officer):
    batch = certificates.start_issuing(decision.round, by=district_officer)
    assert certificates.run_issuing_batch(batch.pk) is True
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    ids = list(Certificate.objects.values_list("pk", flat=True))
    assert certificates.render_batch_chunk(batch.pk, ids) == 0  # a repeated chunk task
    batch.refresh_from_db()
    assert batch.done == 5
