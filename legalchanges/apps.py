from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalChangesConfig(AppConfig):
    name = "legalchanges"
    verbose_name = _("Legal changes")
    default_auto_field = "django.db.models.BigAutoField"
