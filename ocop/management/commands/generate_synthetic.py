"""``manage.py generate_synthetic --communes 200 --products 5000 --seed 1``: a synthetic province for measuring.

Deterministic for a seed and a date (``--today``, default: today). It refuses a database that already holds an
authority: run it on an empty, migrated database of its own (e.g. ``ocop_bench``), never on real data.
"""

import datetime
import importlib
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from ocop.models import Authority
from ocop.synthetic import Context

# Each app generates its own rows; the order follows the imports (core ← products ← evaluations ← funding).
# An app that adds data adds its "app.synthetic.function" here.
STEPS = [
    "ocop.synthetic.generate",
    "evaluations.synthetic.generate_programme",
    "products.synthetic.generate",
    "evaluations.synthetic.generate",
    "funding.synthetic.generate",
    "ocop.synthetic.generate_notifications",
]


def _step(path: str):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


class Command(BaseCommand):
    help = "Fill an empty database with a synthetic province (communes, products, dossiers, sheets, certificates)."

    def add_arguments(self, parser):
        parser.add_argument("--communes", type=int, default=200)
        parser.add_argument("--products", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="YYYY-MM-DD (default: today)")

    def handle(self, *args, communes, products, seed, today=None, **options):
        if communes < 1 or products < communes:
            raise CommandError("Give at least one commune and at least as many products as communes.")
        if Authority.objects.exists():
            raise CommandError("This database already holds a programme: use an empty, migrated database.")
        now = timezone.now()
        if today is not None:
            now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9)))
        ctx = Context(seed=seed, communes=communes, products=products, now=now)
        started = time.monotonic()
        with transaction.atomic():
            for path in STEPS:
                step_started = time.monotonic()
                _step(path)(ctx)
                self.stdout.write(f"  {path}: {time.monotonic() - step_started:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        counts = ", ".join(f"{key} {value}" for key, value in ctx.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Synthetic province in {time.monotonic() - started:.0f} s: {counts}."))
