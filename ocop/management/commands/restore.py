"""``manage.py restore``: a backup into a fresh, empty database and media directory (see ocop/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from ocop.lib.env import parse_database_url


class Command(BaseCommand):
    help = (
        "Restore a backup directory (default: the newest in BACKUP_DIR) into an empty database "
        "(DATABASE_URL, or --database-url) and an empty media directory (MEDIA_ROOT, or --media-root)."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", nargs="?", help="a backup directory; default: the newest in BACKUP_DIR")
        parser.add_argument("--database-url", help="restore into this database instead of DATABASE_URL")
        parser.add_argument("--media-root", help="restore the files here instead of MEDIA_ROOT")

    def handle(self, *args, backup=None, database_url=None, media_root=None, **options):
        from ocop import backup as backups

        try:
            folder = Path(backup) if backup else backups.latest_backup(Path(settings.BACKUP_DIR))
            db = parse_database_url(database_url) if database_url else settings.DATABASES["default"]
            manifest = backups.restore_backup(folder, db=db, media_root=Path(media_root or settings.MEDIA_ROOT))
        except (backups.BackupError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {folder} (made {manifest['created_at']})"))
