"""manage.py competency_status [--unit CODE] [--date DD/MM/YYYY] [--output FILE]: the competency status CSV.

One row per (active officer × required competency) on the date, sorted by officer code then competency code, in
UTF-8 with BOM, with exactly the headers of people.competency.STATUS_CSV_HEADERS (docs/people.md).
"""

import datetime as dt
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from people.competency import all_rows, status_csv, unit_subtree_rows
from people.models import Unit
from people.text import normalize_text

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class Command(BaseCommand):
    help = "Write the competency status of officers × required competencies as CSV (UTF-8 with BOM)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="Unit code: only the officers of this unit and the units below it.")
        parser.add_argument("--date", help="The day to report on, dd/mm/yyyy (default: today, Vietnam time).")
        parser.add_argument("--output", help="Write to this file instead of the standard output.")

    def handle(self, *args, unit=None, date=None, output=None, **options):
        on = timezone.localdate()
        if date is not None:
            match = _DMY.match(normalize_text(date))
            try:
                if not match:
                    raise ValueError(date)
                day, month, year = (int(g) for g in match.groups())
                on = dt.date(year, month, day)
            except ValueError:
                raise CommandError(_("“%(value)s” is not a valid date: use dd/mm/yyyy, e.g. 31/12/2026.")
                                   % {"value": date}) from None
        if unit is not None:
            code = normalize_text(unit).upper()
            found = Unit.objects.filter(code=code).first() if code else None
            if found is None:
                raise CommandError(_("Unit “%(code)s” was not found.") % {"code": unit})
            rows = unit_subtree_rows(found, on)
        else:
            rows = all_rows(on)
        text = status_csv(rows)
        if output:
            path = Path(output)
            try:
                path.write_text(text, encoding="utf-8", newline="")
            except OSError as error:
                raise CommandError(_("Cannot write %(path)s: %(error)s") % {"path": path, "error": error.strerror}) \
                    from None
            self.stderr.write(_("%(rows)s rows written to %(path)s.") % {"rows": len(rows), "path": path})
        else:
            self.stdout.write(text, ending="")
