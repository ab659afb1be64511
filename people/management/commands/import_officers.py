"""manage.py import_officers FILE [--dry-run]: import officers and role assignments from CSV or XLSX."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from people.imports import OfficerImportError, officers_import_file


class Command(BaseCommand):
    help = "Import officers and their desk-role assignments from a CSV or XLSX file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .csv or .xlsx file with the Vietnamese header row.")
        parser.add_argument("--dry-run", action="store_true", help="Validate the file and report, write nothing.")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        try:
            with path.open("rb") as handle:
                result = officers_import_file(file=handle, dry_run=dry_run)
        except OfficerImportError as error:
            for line in error.lines():
                self.stderr.write(line)
            raise CommandError(
                _("%(count)s problem(s) found; nothing was imported.") % {"count": error.total}
            ) from None
        if dry_run:
            self.stdout.write(_("Dry run: the file is valid; nothing was written."))
        self.stdout.write(self.style.SUCCESS(_(
            "%(rows)s rows: %(created)s officers created, %(updated)s updated, %(unchanged)s unchanged; "
            "%(a_created)s role assignments created, %(a_updated)s updated, %(a_unchanged)s unchanged."
        ) % {
            "rows": result.rows, "created": result.officers_created, "updated": result.officers_updated,
            "unchanged": result.officers_unchanged, "a_created": result.assignments_created,
            "a_updated": result.assignments_updated, "a_unchanged": result.assignments_unchanged,
        }))
