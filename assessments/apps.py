from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses.completion import register_requirement

        from . import receivers
        from .selectors import required_quizzes_status

        register_requirement(required_quizzes_status)
        receivers.connect()
