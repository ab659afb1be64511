"""manage.py import_officers FILE [--dry-run]: import officers and role assignments from CSV or XLSX."""

from django.utils.translation import gettext as _

from lms.commands import ImportFileCommand
from people.imports import officers_import_file


class Command(ImportFileCommand):
    help = "Import officers and their desk-role assignments from a CSV or XLSX file (all rows or none)."

    def run(self, *, file, dry_run):
        return officers_import_file(file=file, dry_run=dry_run)

    def summary(self, result) -> str:
        return _(
            "%(rows)s rows: %(created)s officers created, %(updated)s updated, %(unchanged)s unchanged; "
            "%(a_created)s role assignments created, %(a_updated)s updated, %(a_unchanged)s unchanged."
        ) % {
            "rows": result.rows, "created": result.officers_created, "updated": result.officers_updated,
            "unchanged": result.officers_unchanged, "a_created": result.assignments_created,
            "a_updated": result.assignments_updated, "a_unchanged": result.assignments_unchanged,
        }
