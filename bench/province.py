"""The province bench: the key pages served by gunicorn on the synthetic province, each compared with a floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop_bench .venv/bin/python bench/province.py

The database must hold ``manage.py generate_synthetic`` data (see bench/README.md). The script:

1. starts gunicorn (``--workers 2``) on ``--port`` with ``bench.settings`` (the application plus ``/_bench/floor/``,
   a minimal view fetching a 50-row page), DEBUG off;
2. makes a session for each persona (no passwords: session rows, as a login would);
3. per page: a warm-up, then ``--requests`` GETs from ``--clients`` threads; p50 and p95 of the response time;
4. per page, in this process: the number of SQL queries and the size of the HTML of one request;
5. per export: 5,000 rows written in a child process, its time and peak memory (tracemalloc and max RSS);
6. prints one table; each page's p50 divided by the floor's p50 measured in the same run ("× floor").

Only GET requests; nothing is changed except the bench's session rows, which are deleted at the end.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "PUBLIC_BASE_URL": "http://127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
}


def setup():
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()


# ---------------------------------------------------------------------------------------------------- pages
def pages() -> list[tuple[str, str, str | None]]:
    """(label, path, username or None for anonymous), found in the database."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from evaluations.enums import SheetStatus
    from evaluations.models import Certificate, ScoreSheet
    from ocop.models import Commune
    from programme.enums import RoundStage
    from programme.models import Round

    # The approved round with the most accepted dossiers (results, decision and certificates).
    big = (
        Round.objects.filter(stage=RoundStage.APPROVED)
        .annotate(n=Count("dossiers", filter=Q(dossiers__status="accepted")))
        .order_by("-n")
        .first()
    )
    sheet = (
        ScoreSheet.objects.filter(
            member__user__username="hoidong1", status=SheetStatus.DRAFT, dossier__round__stage=RoundStage.SCORING
        )
        .order_by("pk")
        .first()
    )
    certificate = Certificate.objects.current().order_by("pk").first()
    commune = Commune.objects.annotate(n=Count("dossiers")).order_by("-n", "pk").first()
    official = f"xa-{commune.slug}"
    office, chair, member = "sonn", "chutich", "hoidong1"
    return [
        ("floor (50-row view)", "/_bench/floor/", None),
        ("layout floor (logged in, 50 rows)", "/_bench/layout/", office),
        ("home (office)", reverse("home"), office),
        ("home (commune)", reverse("home"), official),
        ("home (member)", reverse("home"), member),
        ("home (finance)", reverse("home"), "taichinh"),
        ("dossier list (office)", reverse("products:dossier_list"), office),
        ("dossier list, page 100", reverse("products:dossier_list") + "?page=100", office),
        ("dossier list, search", reverse("products:dossier_list") + "?q=mat+ong", office),
        ("dossier list (commune)", reverse("products:dossier_list"), official),
        ("product list", reverse("products:product_list"), office),
        ("product list, search", reverse("products:product_list") + "?q=gao+nep", office),
        ("producer list", reverse("products:producer_list"), office),
        ("rounds list", reverse("evaluations:round_list"), office),
        ("round results (big round)", reverse("evaluations:round_detail", args=[big.pk]), chair),
        ("member's sheets", reverse("evaluations:my_sheets"), member),
        ("scoring sheet", reverse("evaluations:sheet", args=[sheet.pk]) if sheet else "", member),
        ("certificates", reverse("evaluations:certificate_list"), office),
        ("expiry list", reverse("evaluations:certificate_expiry"), office),
        ("round certificates (big)", reverse("evaluations:round_certificates", args=[big.pk]), office),
        ("outbox", reverse("outbox"), office),
        ("entitlements (finance)", reverse("funding:entitlement_list"), "taichinh"),
        ("budget (finance)", reverse("funding:budget"), "taichinh"),
        ("notifications", reverse("notifications"), office),
        ("catalogue (public)", reverse("evaluations:public_catalogue"), None),
        ("verification (public)", reverse("evaluations:verify", args=[certificate.code]), None),
    ]


def make_sessions(usernames) -> dict[str, str]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    sessions = {}
    for user in get_user_model().objects.filter(username__in=usernames):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the user backend (axes comes first)
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions[user.username] = store.session_key
    return sessions


def in_process(pages_, sessions) -> dict[str, dict]:
    """Queries, bytes and time of one request per page, through Django's test client (after one warm-up)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    figures = {}
    for label, path, username in pages_:
        if not path:
            continue
        client = Client()
        if username:
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[username]
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{label}: {path} answered {response.status_code}")
        figures[label] = {"queries": len(queries), "bytes": len(response.content), "in_process_ms": elapsed * 1000}
    return figures


# ---------------------------------------------------------------------------------------------------- serving
def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, **BENCH_ENV}
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "bench.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_bench/floor/", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def fetch(url, cookie) -> float:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310 - http://127.0.0.1
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return time.perf_counter() - started


def measure(url, cookie, requests_: int, clients: int, budget: float, warmup: int = 2) -> list[float]:
    """``requests_`` timed GETs from ``clients`` threads; a client stops early once ``budget`` seconds have passed
    (a slow page then gets fewer samples, at least one per client)."""
    for _ in range(warmup):
        fetch(url, cookie)
    times, lock = [], threading.Lock()
    share = [requests_ // clients + (1 if i < requests_ % clients else 0) for i in range(clients)]
    stop_at = time.monotonic() + budget

    def run(n):
        for i in range(n):
            if i and time.monotonic() > stop_at:
                return
            elapsed = fetch(url, cookie)
            with lock:
                times.append(elapsed)

    threads = [threading.Thread(target=run, args=(n,)) for n in share]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def percentile(values, p) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# ---------------------------------------------------------------------------------------------------- exports
EXPORTS = ("dossiers", "products", "producers")


def export_child(kind: str, rows: int) -> None:
    """Run in a child process: write ``rows`` rows of one export, print time and peak memory as JSON."""
    import resource
    import tracemalloc

    setup()
    from products import excel
    from products.models import Dossier, Producer, Product

    queryset = {"dossiers": Dossier, "products": Product, "producers": Producer}[kind].objects.order_by("pk")[:rows]
    queryset = queryset.model.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
    function = getattr(excel, f"export_{kind}")
    # Timed without tracemalloc (it slows every allocation), then run again under tracemalloc for the peak.
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    content = function(queryset)
    elapsed = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    function(queryset)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "rows": queryset.count(),
                "seconds": elapsed,
                "peak_mb": peak / 2**20,
                "rss_growth_mb": (rss_after - rss_before) / 1024,
                "bytes": len(content) if isinstance(content, bytes) else sum(len(c) for c in content),
            }
        )
    )


def run_exports(rows: int) -> dict:
    figures = {}
    for kind in EXPORTS:
        output = subprocess.run(  # noqa: S603 - this script, fixed arguments
            [sys.executable, __file__, "--export-child", kind, "--export-rows", str(rows)],
            cwd=ROOT,
            env={**os.environ, **BENCH_ENV},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures[kind] = json.loads(output.strip().splitlines()[-1])
    return figures


# ---------------------------------------------------------------------------------------------------- main
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=40, help="measured requests per page")
    parser.add_argument("--budget", type=float, default=20, help="seconds per page before clients stop early")
    parser.add_argument("--only", default="", help="comma-separated words: measure only pages whose label has one")
    parser.add_argument("--export-rows", type=int, default=5000)
    parser.add_argument("--no-exports", action="store_true")
    parser.add_argument("--export-child", choices=EXPORTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        export_child(args.export_child, args.export_rows)
        return
    setup()
    from django.conf import settings
    from django.contrib.sessions.models import Session

    all_pages = pages()
    if args.only:
        words = args.only.split(",")
        all_pages = [p for p in all_pages if "floor" in p[0] or any(w in p[0] for w in words)]
    sessions = make_sessions({u for _l, _p, u in all_pages if u})
    try:
        static = in_process(all_pages, sessions)
        server = start_gunicorn(args.port, args.workers)
        try:
            served = {}
            for label, path, username in all_pages:
                if not path:
                    continue
                cookie = f"{settings.SESSION_COOKIE_NAME}={sessions[username]}" if username else ""
                times = measure(f"http://127.0.0.1:{args.port}{path}", cookie, args.requests, args.clients, args.budget)
                served[label] = (statistics.median(times) * 1000, percentile(times, 95) * 1000, len(times))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
    finally:
        Session.objects.filter(session_key__in=sessions.values()).delete()
    floor = served["floor (50-row view)"][0]
    layout = served["layout floor (logged in, 50 rows)"][0]
    print(
        f"\ngunicorn {args.workers} workers, {args.clients} clients, {args.requests} requests per page; "
        f"floor p50 {floor:.1f} ms, layout floor p50 {layout:.1f} ms\n"
    )
    print("| page | p50 ms | p95 ms | × floor | × layout floor | queries | KB | in-process ms |")
    print("|---|---|---|---|---|---|---|---|")
    for label, _path, _user in all_pages:
        if label not in served:
            print(f"| {label} | — | — | — | — | — | — | — |")
            continue
        p50, p95, _n = served[label]
        s = static[label]
        print(
            f"| {label} | {p50:.1f} | {p95:.1f} | {p50 / floor:.1f}× | {p50 / layout:.1f}× | {s['queries']} | "
            f"{s['bytes'] / 1024:.0f} | {s['in_process_ms']:.0f} |"
        )
    if not args.no_exports:
        print(f"\n| export ({args.export_rows} rows) | seconds | tracemalloc peak MB | max RSS growth MB | KB |")
        print("|---|---|---|---|---|")
        for kind, figure in run_exports(args.export_rows).items():
            print(
                f"| {kind} ({figure['rows']}) | {figure['seconds']:.2f} | {figure['peak_mb']:.0f} | "
                f"{figure['rss_growth_mb']:.0f} | {figure['bytes'] / 1024:.0f} |"
            )


if __name__ == "__main__":
    main()
