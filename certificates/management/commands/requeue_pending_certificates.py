"""Queue again the PDF render of certificates still pending (the beat sweeper does this periodically)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from certificates import services


class Command(BaseCommand):
    help = "Queue the PDF render of every certificate still pending some time after issue (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=None,
                            help="Seconds since issue (default: LMS_PENDING_RENDER_AFTER).")

    def handle(self, *args, older_than, **options):
        count = services.certificates_pending_requeue(older_than=older_than)
        self.stdout.write(self.style.SUCCESS(_("%(count)s pending certificates queued again.") % {"count": count}))
