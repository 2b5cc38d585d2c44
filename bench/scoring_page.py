"""Server time and SQL queries of the scoring page, as council member hoidong1 sees it on the demo data.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop_bench .venv/bin/python bench/scoring_page.py

Loads the demo (``ocop.demo.seed_all`` + ``evaluations.demo.seed_scoring``) when hoidong1 has no draft sheet yet,
then GETs ``evaluations:sheet`` for that draft 5 times to warm up and 50 times measured, through
``django.test.Client`` (in process: no network, no web server; the time is the full Django request/response cycle:
middleware, view, template, database). See bench/README.md.
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
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from evaluations.enums import SheetStatus  # noqa: E402
from evaluations.models import ScoreSheet  # noqa: E402
from programme.enums import RoundStage  # noqa: E402

USERNAME = "hoidong1"


def draft_sheet():
    return (
        ScoreSheet.objects.filter(
            member__user__username=USERNAME,
            status=SheetStatus.DRAFT,
            dossier__round__stage=RoundStage.SCORING,
        )
        .order_by("-dossier__round__year__year", "dossier__round__number", "-updated_at", "pk")
        .first()
    )


def ensure_demo():
    sheet = draft_sheet()
    if sheet is not None:
        return sheet, False
    from evaluations.demo import seed_scoring
    from ocop.demo import seed_all

    with transaction.atomic():
        authority = seed_all()["authority"]
        seed_scoring(authority)
    sheet = draft_sheet()
    if sheet is None:
        sys.exit(f"No draft sheet of {USERNAME} in a round in scoring, even after loading the demo.")
    return sheet, True


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a list of numbers."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(rank) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()

    sheet, loaded = ensure_demo()
    url = reverse("evaluations:sheet", args=[sheet.pk])
    client = Client(HTTP_HOST="localhost")  # a host in the DEBUG ALLOWED_HOSTS
    client.force_login(get_user_model().objects.get(username=USERNAME))

    for _ in range(args.warmup):
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}, expected 200.")

    times_ms, queries, sql_ms = [], [], []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times_ms.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        queries.append(len(captured.captured_queries))
        sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)

    db = connection.settings_dict
    print(f"database      : {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}" + (" (demo loaded)" if loaded else ""))
    print(f"page          : GET {url} as {USERNAME} ({sheet.dossier.product.name}, {len(sheet.choices)} chosen)")
    print(f"runs          : {args.runs} after {args.warmup} warm-ups, {len(response.content) / 1024:.1f} KiB each")
    print(f"server time   : median {statistics.median(times_ms):.1f} ms, p95 {percentile(times_ms, 95):.1f} ms")
    print(f"SQL time      : median {statistics.median(sql_ms):.1f} ms")
    if min(queries) == max(queries):
        print(f"SQL queries   : {queries[0]} per request")
    else:
        print(f"SQL queries   : {min(queries)}–{max(queries)} per request (median {statistics.median(queries)})")


if __name__ == "__main__":
    main()
