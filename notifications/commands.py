"""One shape for the `manage.py notify_*` commands: [--today DD/MM/YYYY] [--dry-run]."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services


def parse_today(value: str | None) -> dt.date:
    if not value:
        return timezone.localdate()
    try:
        return dt.datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise CommandError(_("“%(value)s” is not a date in the form DD/MM/YYYY.") % {"value": value}) from None


class JobCommand(BaseCommand):
    """Subclasses set `job` (a key of services.JOBS) and `help`."""

    job = ""

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as if today were this day (DD/MM/YYYY).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Print who would get what; record and send nothing.")

    def handle(self, *args, today=None, dry_run=False, **options):
        result = services.run_job(self.job, today=parse_today(today), dry_run=dry_run)
        if dry_run:
            for line in result.lines():
                self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(result.summary()))
