"""One shape for the `manage.py import_*` commands of a file: FILE [--dry-run], all rows or none."""

from abc import ABCMeta, abstractmethod
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from .imports import ImportFailed


class ImportFileCommand(BaseCommand, metaclass=ABCMeta):
    """Subclasses set `help` and implement `run(file, dry_run)` (the app's import service, returning its result)
    and `summary(result)` (one translated line). Problems go to stderr — the first 200, then "… and N more" —
    and the command fails with their count; nothing is written then."""

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .csv or .xlsx file with the Vietnamese header row.")
        parser.add_argument("--dry-run", action="store_true", help="Validate the file and report, write nothing.")

    @abstractmethod
    def run(self, *, file, dry_run: bool):
        """Call the app's import service on the open binary file and return its result."""

    @abstractmethod
    def summary(self, result) -> str:
        """One translated line describing the result."""

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        try:
            with path.open("rb") as handle:
                result = self.run(file=handle, dry_run=dry_run)
        except ImportFailed as error:
            for line in error.lines():
                self.stderr.write(line)
            raise CommandError(
                _("%(count)s problem(s) found; nothing was imported.") % {"count": error.total}
            ) from None
        if dry_run:
            self.stdout.write(_("Dry run: the file is valid; nothing was written."))
        self.stdout.write(self.style.SUCCESS(self.summary(result)))
