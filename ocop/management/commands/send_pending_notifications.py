from django.core.management.base import BaseCommand

from ocop import delivery


class Command(BaseCommand):
    help = (
        "Send the notifications waiting in the outbox (new ones and retries that are due). Runs in this process, "
        "without Redis: use it after a broker outage or from cron. Safe beside running workers (rows are claimed)."
    )

    def handle(self, *args, **options):
        counts = delivery.send_pending()
        self.stdout.write(
            f"sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}, "
            f"taken by another sender {counts['not-claimed']}, released stale claims {counts['released']}"
        )
