"""Re-render certificate PDFs (new template wording, a font fix...) without changing any certificate's data."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from certificates import services
from certificates.models import Certificate
from certificates.tasks import certificate_render_pdf_task


class Command(BaseCommand):
    help = "Re-render certificate PDFs in place (same file names, same data)."

    def add_arguments(self, parser):
        parser.add_argument("--serial", action="append", default=[], help="Only this serial (repeatable).")
        parser.add_argument("--year", type=int, help="Only certificates issued in this year.")
        parser.add_argument("--status", action="append", choices=Certificate.Status.values, default=[],
                            help="Only these statuses (repeatable). Default: every certificate.")
        parser.add_argument("--queue", action="store_true",
                            help="Queue one Celery task per certificate instead of rendering here.")

    def handle(self, *args, serial, year, status, queue, **options):
        qs = Certificate.objects.order_by("pk")
        if serial:
            qs = qs.filter(serial__in=[s.strip().upper() for s in serial])
        if year:
            qs = qs.filter(issued_on__year=year)
        if status:
            qs = qs.filter(status__in=status)
        count = 0
        for pk in qs.values_list("pk", flat=True).iterator():
            if queue:
                certificate_render_pdf_task.delay(pk)
            else:
                services.certificate_render(certificate_id=pk, force=True, notify=False)
            count += 1
        message = _("%(count)s certificates queued.") if queue else _("%(count)s certificates re-rendered.")
        self.stdout.write(self.style.SUCCESS(message % {"count": count}))
