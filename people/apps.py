from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and competencies")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Every place that shows a person through User.get_full_name() — Wagtail's admin lists, choosers,
        # workflow and history, "locked by", comments — shows the name in Vietnamese order.
        from django.contrib.auth import get_user_model

        from . import receivers  # noqa: F401  (connects the competency cache's version bumps)
        from .text import user_full_name

        get_user_model().get_full_name = user_full_name
