"""Server time and SQL queries of the district dashboard, on whatever data the database holds.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop_bench .venv/bin/python bench/dashboard.py [--year 2024]

Measures GET ``insights:dashboard`` (``/bang-dieu-khien/``) as a district office user, in process through
``django.test.Client`` (no network, no web server: the time is Django's whole request/response cycle: middleware,
view, template, database). It loads nothing: run it on the demo (``manage.py seed_demo``) or on the province-scale
data set (``manage.py generate_synthetic`` from the scale work); with no district office account it makes a
throw-away one (``bench-dashboard``) and removes it at the end. It prints the size of the data, p50/p95 server time,
SQL time and the number of queries per request (which must not depend on the data: goal < 300 ms, fixed count).
See bench/README.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from evaluations.models import Certificate, Recognition  # noqa: E402
from insights.queries import choose_year, years_of  # noqa: E402
from ocop.enums import Role  # noqa: E402
from ocop.models import Authority, Commune  # noqa: E402
from products.models import Dossier, Product  # noqa: E402

BENCH_USER = "bench-dashboard"


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a list of numbers."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(rank) - 1]


def office_user():
    """A district office account (the demo's phongnn, or any), else a throw-away one made here."""
    User = get_user_model()
    user = User.objects.filter(username="phongnn", is_active=True).first()
    if user is None:
        user = User.objects.filter(groups__name=Role.DISTRICT_OFFICE.value, is_active=True).order_by("pk").first()
    if user is not None:
        return user, False
    from ocop import domain

    user = User.objects.create(username=BENCH_USER)
    domain.set_user_roles(user, [Role.DISTRICT_OFFICE], by=None)
    return user, True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--year", type=int, default=None, help="programme year (default: this year's, else latest)")
    args = parser.parse_args()

    authority = Authority.objects.current()
    if authority is None:
        sys.exit("No authority in this database: load the demo (manage.py seed_demo) or the synthetic data first.")
    user, made = office_user()
    url = reverse("insights:dashboard") + (f"?year={args.year}" if args.year else "")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    try:
        for _ in range(args.warmup):
            response = client.get(url)
            if response.status_code != 200:
                sys.exit(f"GET {url} answered {response.status_code}, expected 200.")
        year = choose_year(years_of(authority), args.year)

        times_ms, queries, sql_ms = [], [], []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                times_ms.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
            queries.append(len(captured.captured_queries))
            sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    finally:
        if made:
            user.delete()

    db = connection.settings_dict
    print(f"database      : {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}")
    print(
        f"data          : {Commune.objects.count()} communes, {Product.objects.count()} products, "
        f"{Dossier.objects.count()} dossiers, {Recognition.objects.count()} recognitions, "
        f"{Certificate.objects.count()} certificates"
    )
    print(f"page          : GET {url} as {user.username} (year {year.year if year else '—'})")
    print(f"runs          : {args.runs} after {args.warmup} warm-ups, {len(response.content) / 1024:.1f} KiB each")
    print(f"server time   : p50 {statistics.median(times_ms):.1f} ms, p95 {percentile(times_ms, 95):.1f} ms")
    print(f"SQL time      : median {statistics.median(sql_ms):.1f} ms")
    if min(queries) == max(queries):
        print(f"SQL queries   : {queries[0]} per request")
    else:
        print(f"SQL queries   : {min(queries)}–{max(queries)} per request (median {statistics.median(queries)})")


if __name__ == "__main__":
    main()
