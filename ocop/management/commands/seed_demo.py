from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ocop import demo


class Command(BaseCommand):
    help = "Load the Lục Nam demo programme and its demo accounts (idempotent). Demo only."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never on a real deployment)."
        )
        parser.add_argument(
            "--regime",
            choices=sorted(demo.REGIMES),
            default="district",
            help="district: Lục Nam under Decision 148 (default); province: a simulated province programme "
            "after Decision 1489 (3★ and 4★ recognised by the province, 5★ candidates forwarded to the ministry).",
        )

    def handle(self, *args, force=False, regime="district", **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password and refuses to run with DEBUG off. "
                "Use --force only on a throw-away demo server."
            )
        with transaction.atomic():
            result = demo.seed_all(regime)
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {result['authority']}, {result['year']}."))
        self.stdout.write(f"Demo accounts (password '{demo.DEMO_PASSWORD}'):")
        self.stdout.write("  phongnn (district office), thuky (secretariat), chutich (council chair),")
        self.stdout.write("  hoidong1 … hoidong6 (council members), taichinh (finance), admin (superuser),")
        self.stdout.write("  xa-<commune>, one per commune, e.g. xa-thanh-lam, xa-truong-son, xa-yen-son.")
