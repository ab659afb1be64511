"""manage.py import_procedures FILE [--dry-run]: import the procedure catalogue from CSV or XLSX."""

from django.utils.translation import gettext as _

from lms.commands import ImportFileCommand
from procedures.imports import procedures_import_file


class Command(ImportFileCommand):
    help = "Import administrative procedures (by national code) from a CSV or XLSX file (all rows or none)."

    def run(self, *, file, dry_run):
        return procedures_import_file(file=file, dry_run=dry_run)

    def summary(self, result) -> str:
        return _("%(rows)s rows: %(created)s procedures created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "rows": result.rows, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged}
