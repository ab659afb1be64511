"""manage.py export_questions --category "Path/To/Category" --format gift|xlsx|aiken -o FILE"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from assessments.exports import (
    aiken_skipped_note,
    export_aiken,
    export_gift,
    export_xlsx,
    questions_for_export,
)
from assessments.models import QuestionCategory
from assessments.services import category_for_path


class Command(BaseCommand):
    help = ("Export the questions of a category (and its sub-categories) to GIFT or XLSX (both re-import as they "
            "are) or to Aiken (single-choice questions only; the others are listed and skipped).")

    def add_arguments(self, parser):
        parser.add_argument("--category", required=True, help="Category path, e.g. “Một cửa/Tiếp nhận hồ sơ”.")
        parser.add_argument("--format", choices=("gift", "xlsx", "aiken"), required=True)
        parser.add_argument("-o", "--output", required=True, help="File to write.")

    def handle(self, *args, **options):
        translation.activate("vi")
        try:
            category = category_for_path(path=options["category"], create=False)
        except QuestionCategory.DoesNotExist:
            raise CommandError(_("There is no category “%(category)s”.") % {"category": options["category"]}) from None
        questions = list(questions_for_export(category=category))
        out = Path(options["output"])
        if options["format"] == "aiken":
            aiken = export_aiken(questions)
            if aiken.skipped:
                self.stderr.write(aiken_skipped_note(aiken.skipped))
            out.write_text(aiken.text, encoding="utf-8")
            questions = [None] * aiken.exported
        elif options["format"] == "gift":
            out.write_text(export_gift(questions), encoding="utf-8")
        else:
            out.write_bytes(export_xlsx(questions))
        self.stdout.write(self.style.SUCCESS(_("Exported %(n)s question(s) to %(file)s.") % {
            "n": len(questions), "file": out}))
