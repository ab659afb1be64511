"""Send the tasks recorded while the broker was down (the beat sweeper does this every minute)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.tasks import deferred_tasks_send


class Command(BaseCommand):
    help = "Send the background tasks that could not be queued while the broker was unreachable."

    def handle(self, *args, **options):
        result = deferred_tasks_send(limit=100_000)
        message = _("%(sent)s tasks sent, %(left)s left.") % result
        if result["error"]:
            raise CommandError(f"{message} {result['error']}")
        self.stdout.write(self.style.SUCCESS(message))
