"""manage.py import_attainments FILE [--dry-run]: import past training records (recognised prior learning)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from people.attainment_import import AttainmentImportError, attainments_import_file


class Command(BaseCommand):
    help = ("Import past training records (evidence of kind prior_learning) from a CSV or XLSX file "
            "(all rows or none; re-importing the same file adds nothing).")

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .csv or .xlsx file with the Vietnamese header row.")
        parser.add_argument("--dry-run", action="store_true", help="Validate the file and report, write nothing.")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        try:
            with path.open("rb") as handle:
                result = attainments_import_file(file=handle, dry_run=dry_run)
        except AttainmentImportError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("%(count)s problem(s) found; nothing was imported.") % {"count": len(error.problems)}
            ) from None
        if dry_run:
            self.stdout.write(_("Dry run: the file is valid; nothing was written."))
        self.stdout.write(self.style.SUCCESS(_(
            "%(rows)s rows: %(created)s evidence records created, %(unchanged)s already recorded."
        ) % {"rows": result.rows, "created": result.created, "unchanged": result.unchanged}))
