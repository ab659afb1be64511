"""manage.py import_attainments FILE [--dry-run]: import past training records (recognised prior learning)."""

from django.utils.translation import gettext as _

from lms.commands import ImportFileCommand
from people.attainment_import import attainments_import_file


class Command(ImportFileCommand):
    help = ("Import past training records (evidence of kind prior_learning) from a CSV or XLSX file "
            "(all rows or none; re-importing the same file adds nothing).")

    def run(self, *, file, dry_run):
        return attainments_import_file(file=file, dry_run=dry_run)

    def summary(self, result) -> str:
        return _("%(rows)s rows: %(created)s evidence records created, %(unchanged)s already recorded.") % {
            "rows": result.rows, "created": result.created, "unchanged": result.unchanged}
