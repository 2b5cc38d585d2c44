from django.core.management.base import BaseCommand

from ocop import delivery


class Command(BaseCommand):
    help = (
        "Create the reminders due now (the same scan as the hourly beat job) and, unless --no-send, send the "
        "outbox in this process. For deployments that run cron instead of Celery beat. Safe to run repeatedly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-send", action="store_true", help="Only create the rows; let the workers send them.")

    def handle(self, *args, no_send=False, **options):
        created = delivery.scan_deadlines()
        self.stdout.write("created: " + ", ".join(f"{kind} {n}" for kind, n in created.items()))
        if not no_send:
            counts = delivery.send_pending()
            self.stdout.write(f"sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}")
