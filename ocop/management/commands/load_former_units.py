from django.core.management.base import BaseCommand, CommandError

from ocop import units
from ocop.models import Authority


class Command(BaseCommand):
    help = (
        "Record a former district's communes before 1/7/2025 (from the vietnamadminunits package) with the unit of "
        "today each went into, or the candidates of a split one. Run sync_units first. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help='The former district, e.g. "Lục Nam".')
        parser.add_argument("--province", required=True, help='The former province, e.g. "Bắc Giang".')
        parser.add_argument("--authority", help="Link to this authority's units (default: this deployment's).")

    def handle(self, *args, district, province, authority=None, **options):
        target = Authority.objects.filter(code=authority).first() if authority else Authority.objects.current()
        formers = units.load_former_units(district, province, authority=target)
        if not formers:
            raise CommandError(f"The package knows no commune of {district}, {province}.")
        split = sum(1 for f in formers if f.is_split)
        linked = sum(1 for f in formers if f.successor_id)
        self.stdout.write(
            f"{district}, {province}: {len(formers)} former units, {linked} linked to a unit of today, "
            f"{split} split (the office chooses per producer), {len(formers) - linked - split} not linked"
        )
