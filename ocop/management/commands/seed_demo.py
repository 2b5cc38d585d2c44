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

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password and refuses to run with DEBUG off. "
                "Use --force only on a throw-away demo server."
            )
        with transaction.atomic():
            result = demo.seed_all()
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {result['authority']}, {result['year']}."))
        self.stdout.write(f"Demo accounts (password '{demo.DEMO_PASSWORD}'):")
        self.stdout.write("  phongnn (district office), thuky (secretariat), chutich (council chair),")
        self.stdout.write("  hoidong1 … hoidong6 (council members), taichinh (finance), admin (superuser),")
        self.stdout.write("  xa-<commune>, one per commune, e.g. xa-thanh-lam, xa-truong-son, xa-yen-son.")
