from django.core.management.base import BaseCommand, CommandError

from ocop.models import Authority
from takeover import fold


class Command(BaseCommand):
    help = (
        "Fold a former district's data (a backup made by `manage.py backup` on its deployment) into the province: "
        "producers, products, dossiers with files, results, decisions, certificates, entitlements and payments. "
        "Idempotent; --dry-run reports and writes nothing. See README, 'Taking over a former district's data'."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", nargs="?", help="The backup directory (ocop-<time>/ with manifest.json).")
        parser.add_argument("--into", required=True, help="The code of the province's authority, e.g. 24.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument(
            "--reviews", action="store_true", help="List the rows held back or refused by earlier runs."
        )

    def handle(self, *args, backup=None, into, dry_run=False, reviews=False, **options):
        authority = Authority.objects.filter(code=into).first()
        if authority is None:
            raise CommandError(f"No authority with the code {into}.")
        if reviews:
            entries = list(fold.held_entries(authority))
            for e in entries:
                self.stdout.write(f"{e.takeover.source_code} {e.table} #{e.source_pk} {e.status}: {e.label} — {e.note}")
            self.stdout.write(f"{len(entries)} rows held back or refused.")
            return
        if not backup:
            raise CommandError("Name the backup directory to fold in.")
        try:
            report = fold.fold(backup, into=authority, dry_run=dry_run)
        except fold.FoldError as exc:
            raise CommandError(str(exc)) from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"restore and migrate: {report.restore_seconds:.1f} s")
        self.stdout.write(f"{report.seconds:.1f} s")
