"""manage.py import_questions FILE --category "Path/To/Category" [--format gift|aiken|xlsx]"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from assessments.imports import FORMATS, ImportFailed, format_for, questions_import


class Command(BaseCommand):
    help = ("Import questions from a GIFT (.gift/.txt), Aiken (.aiken) or XLSX file into a category; "
            "all or nothing, with line/row errors.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--category", required=True, help="Category path, e.g. “Một cửa/Tiếp nhận hồ sơ”.")
        parser.add_argument("--format", choices=FORMATS, default=None, help="Overrides the file extension.")

    def handle(self, *args, **options):
        translation.activate("vi")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        try:
            fmt = format_for(path.name, options["format"])
            created = questions_import(content=path.read_bytes(), fmt=fmt, category_path=options["category"])
        except ImportFailed as exc:
            for line in exc.lines():
                self.stderr.write(line)
            raise CommandError(_("%(n)s error(s): no question was imported.") % {"n": exc.total}) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(_("Imported %(n)s question(s) into “%(category)s”.") % {
            "n": len(created), "category": options["category"]}))
