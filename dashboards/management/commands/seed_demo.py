"""Load the Vietnamese demo data of every app, in dependency order. Safe to run again."""

import logging
from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

APPS_IN_ORDER = ("people", "procedures", "courses", "assessments", "legalchanges", "certificates")


class Command(BaseCommand):
    help = "Load the Vietnamese demo data (units, roles, competencies, officers, courses, quizzes, certificates)."

    def handle(self, *args, **options):
        # Eager Celery and Wagtail's own background tasks log a line per task and per page; the seed prints its
        # own summary instead, so that the demo logins stay readable.
        for name in ("celery.app.trace", "django_tasks", "wagtail"):
            logging.getLogger(name).setLevel(logging.WARNING)
        for label in APPS_IN_ORDER:
            try:
                module = import_module(f"{label}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{label}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
