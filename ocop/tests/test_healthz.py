import pytest
from django.test import override_settings
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_database_ok_and_eager_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager", "worker_last_seen": None}


@pytest.mark.django_db
def test_healthz_reports_real_redis(client, settings):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=settings.CELERY_BROKER_URL):
        body = client.get(reverse("healthz")).json()
    assert body["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_dead_broker_but_stays_200(client):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"].startswith("error")


@pytest.mark.django_db
def test_healthz_shows_last_worker_heartbeat(client):
    from ocop.tasks import record_heartbeat

    record_heartbeat()  # eager in unit tests
    record_heartbeat()
    from ocop.models import Heartbeat

    beat = Heartbeat.objects.get(name="worker")
    assert beat.count == 2
    assert client.get(reverse("healthz")).json()["worker_last_seen"] == beat.seen_at.isoformat()
