from django.apps import AppConfig


class LmsConfig(AppConfig):
    """The project package as an app: its template tags (CSP nonces) and the chooser widget's nonce."""

    name = "lms"
    label = "lms"
    verbose_name = "One-Stop Academy"

    def ready(self):
        from .csp import patch_chooser_widget

        patch_chooser_widget()
