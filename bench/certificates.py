"""Certificate PDFs: the warm render of one certificate, and a batch of 100 issued through the Celery task.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop_bench .venv/bin/python bench/certificates.py
    ... bench/certificates.py --worker      # the batch through a real worker process and Redis

Loads the demo if it is missing. The render part times ``evaluations.certificates.certificate_pdf`` on one demo
certificate (3 warm-up renders, then ``--runs`` measured; the very first render of the process, which imports
WeasyPrint and loads the fonts, is reported on its own). The batch part makes a new approved round with a decision
and ``--batch`` recognised products, then times ``start_issuing`` → the ``issue_batch`` task → every certificate
numbered, rendered and stored with its SHA-256. By default the task runs in-process (Celery's eager mode, the
settings' default without a broker); with ``--worker`` a ``celery worker --pool=solo`` consumes it from Redis
(``CELERY_BROKER_URL``, default redis://127.0.0.1:6379/14) and the time runs from the commit that queues the task
to the batch row saying "done". Files go to a temporary MEDIA_ROOT unless one is set. See bench/README.md.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="ocop-bench-media-"))

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
# WeasyPrint logs each step of each document at INFO ("Step 1 - Fetching…"): seven lines per certificate.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from evaluations import certificates  # noqa: E402
from evaluations.enums import BatchStatus  # noqa: E402
from evaluations.models import Certificate, IssuingBatch, Recognition, RecognitionDecision  # noqa: E402
from ocop.models import Authority, Commune  # noqa: E402
from products.enums import DossierStatus  # noqa: E402
from products.models import Dossier, Producer, Product  # noqa: E402
from programme.enums import RoundStage  # noqa: E402
from programme.models import CriteriaSet, ProgrammeYear, Round  # noqa: E402


def percentile(values, p):
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def ensure_demo() -> Authority:
    if not Certificate.objects.filter(kind="issued").exists():
        from ocop.demo import seed_all

        with transaction.atomic():
            seed_all()
    return Authority.objects.current()


def bench_catalogue(runs: int) -> dict:
    """The public catalogue's first page, anonymous, through django.test.Client (the full request cycle)."""
    from django.contrib.staticfiles import finders
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    for _ in range(3):
        client.get("/san-pham-ocop/")
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/san-pham-ocop/")
            times.append(time.perf_counter() - started)
    with open(finders.find("css/public.css"), "rb") as css:
        css_bytes = len(css.read())
    return {
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": percentile(times, 95) * 1000,
        "html_bytes": len(response.content),
        "css_bytes": css_bytes,
        "queries": len(queries),
        "products": response.content.count(b'data-testid="product"'),
    }


def bench_render(runs: int) -> dict:
    certificate = Certificate.objects.filter(kind="issued").select_related("authority").order_by("pk").first()
    started = time.perf_counter()
    certificates.certificate_pdf(certificate)
    first = time.perf_counter() - started
    for _ in range(3):
        certificates.certificate_pdf(certificate)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        content = certificates.certificate_pdf(certificate)
        times.append(time.perf_counter() - started)
    return {
        "first_ms": first * 1000,
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": percentile(times, 95) * 1000,
        "min_ms": min(times) * 1000,
        "bytes": len(content),
        "product": certificate.product_name,
    }


@transaction.atomic
def make_round(authority: Authority, size: int) -> Round:
    """A new approved round with its decision and ``size`` recognised products (new producers in three communes)."""
    year, _ = ProgrammeYear.objects.get_or_create(authority=authority, year=timezone.localdate().year)
    number = (Round.objects.filter(year=year).order_by("-number").values_list("number", flat=True).first() or 0) + 1
    today = timezone.localdate()
    round_ = Round.objects.create(
        year=year,
        number=number,
        commune_deadline=today - datetime.timedelta(days=40),
        district_deadline=today - datetime.timedelta(days=30),
        stage=RoundStage.APPROVED,
        approved_at=timezone.now() - datetime.timedelta(days=20),
    )
    decision = RecognitionDecision.objects.create(
        round=round_,
        number=f"{9000 + number}/QĐ-UBND",
        date=today - datetime.timedelta(days=10),
        signed_by="Lê Văn Thành – Phó Chủ tịch UBND huyện",
    )
    communes = list(Commune.objects.filter(authority=authority).order_by("name")[:3])
    criteria_set = CriteriaSet.objects.order_by("code", "-version").first()
    tag = uuid.uuid4().hex[:6]
    for i in range(size):
        commune = communes[i % len(communes)]
        producer = Producer.objects.create(
            commune=commune,
            kind="hop_tac_xa",
            name=f"Hợp tác xã nông nghiệp Đồng Tâm số {i + 1} ({tag})",
            representative_name="Nguyễn Thị Hạnh",
            address=f"Thôn Đồng Mậm {i + 1}",
        )
        product = Product.objects.create(
            producer=producer, commune=commune, name=f"Sản phẩm đặc sản số {i + 1}", criteria_set=criteria_set
        )
        dossier = Dossier.objects.create(product=product, round=round_, commune=commune, status=DossierStatus.ACCEPTED)
        Recognition.objects.create(decision=decision, dossier=dossier, star=3)
    return round_


def start_worker(queue: str, broker: str, concurrency: int = 1):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    pool = ["--pool=solo"] if concurrency == 1 else ["--pool=prefork", f"--concurrency={concurrency}"]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "celery", "-A", "ocop", "worker", *pool, "-Q", queue, "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def bench_batch(authority: Authority, size: int, worker: bool, broker: str, concurrency: int = 1) -> dict:
    office = get_user_model().objects.get(username="phongnn")
    round_ = make_round(authority, size)
    proc = None
    if worker:
        from ocop.celery import app
        from ocop.tasks import record_heartbeat

        queue = f"bench-{uuid.uuid4().hex[:8]}"
        app.conf.task_always_eager = False
        app.conf.broker_url = broker
        app.conf.task_default_queue = queue
        proc = start_worker(queue, broker, concurrency)
        ready = f"bench-ready-{queue}"
        record_heartbeat.apply_async(kwargs={"name": ready}, queue=queue)
        from ocop.models import Heartbeat

        deadline = time.monotonic() + 60
        while not Heartbeat.objects.filter(name=ready).exists():
            if time.monotonic() > deadline or proc.poll() is not None:
                sys.exit("The Celery worker did not start.")
            time.sleep(0.1)
    try:
        started = time.perf_counter()
        batch = certificates.start_issuing(round_, by=office)  # commits; the task is queued (or run) after commit
        while True:
            batch.refresh_from_db()
            if batch.status not in (BatchStatus.QUEUED, BatchStatus.RUNNING):
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
    batch = IssuingBatch.objects.get(pk=batch.pk)
    issued = Certificate.objects.filter(batch=batch)
    return {
        "status": batch.status,
        "done": batch.done,
        "total": batch.total,
        "with_file": issued.exclude(sha256="").count(),
        "seconds": elapsed,
        "per_certificate_ms": elapsed / max(batch.done, 1) * 1000,
        "numbers": (issued.order_by("sequence").first().number, issued.order_by("sequence").last().number),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--worker", action="store_true", help="run the batch in a real Celery worker through Redis")
    parser.add_argument("--concurrency", type=int, default=1, help="worker processes (1: --pool=solo)")
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14"))
    args = parser.parse_args()

    authority = ensure_demo()
    render = bench_render(args.runs)
    print(
        f"render of one certificate ({render['product']}, {render['bytes'] // 1024} KiB): "
        f"first in the process {render['first_ms']:.0f} ms; warm median {render['median_ms']:.1f} ms, "
        f"p95 {render['p95_ms']:.1f} ms, best {render['min_ms']:.1f} ms over {args.runs} runs"
    )
    page = bench_catalogue(args.runs)
    print(
        f"public catalogue, first page ({page['products']} products): median {page['median_ms']:.1f} ms, "
        f"p95 {page['p95_ms']:.1f} ms, {page['queries']} queries; HTML {page['html_bytes'] / 1024:.1f} KiB + "
        f"CSS {page['css_bytes'] / 1024:.1f} KiB"
    )
    batch = bench_batch(authority, args.batch, args.worker, args.broker, args.concurrency)
    mode = (
        f"real worker, {args.concurrency} process(es), through Redis" if args.worker else "task run in-process (eager)"
    )
    print(
        f"batch of {batch['total']} ({mode}): {batch['status']}, {batch['done']} issued, {batch['with_file']} files "
        f"stored, {batch['seconds']:.2f} s ({batch['per_certificate_ms']:.0f} ms per certificate), "
        f"numbers {batch['numbers'][0]} … {batch['numbers'][1]}"
    )


if __name__ == "__main__":
    main()
