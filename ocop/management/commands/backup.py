"""``manage.py backup``: the database and the uploaded files into one dated directory (see ocop/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ocop import backup


class Command(BaseCommand):
    help = "Back up the database and MEDIA_ROOT into BACKUP_DIR/ocop-<UTC time>/ (db dump, media.tar.gz, manifest)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(getattr(settings, "BACKUP_DIR", "var/backups")))

    def handle(self, *args, output, **options):
        try:
            folder = backup.create_backup(Path(output))
        except (backup.BackupError, OSError) as exc:
            raise CommandError(f"No backup written: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
