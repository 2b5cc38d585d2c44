from django.core.management.base import BaseCommand, CommandError

from ocop import units
from ocop.models import Authority


class Command(BaseCommand):
    help = (
        "Load a province's communes and wards with their official codes from the vietnam-provinces package into the "
        "authority (new units created, renamed ones renamed, units no longer listed marked retired; nothing "
        "deleted). Safe to run again after the package updates."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="Official 2-digit province code, e.g. 24 (Bắc Ninh).")
        parser.add_argument("--authority", help="The authority's code (default: this deployment's authority).")

    def handle(self, *args, province, authority=None, **options):
        target = Authority.objects.filter(code=authority).first() if authority else Authority.objects.current()
        if target is None:
            raise CommandError(f"No authority {authority!r}." if authority else "No authority yet.")
        try:
            summary = units.sync_units(target, province)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{target}: {summary.line()}")
