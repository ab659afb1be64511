from django.apps import AppConfig


class LmsConfig(AppConfig):
    """The project package as an app: its template tags (CSP nonces), the chooser widget's nonce, and the
    session timeout connected to logging in (lms.middleware)."""

    name = "lms"
    label = "lms"
    verbose_name = "One-Stop Academy"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.urls import register_converter

        from .converters import IdConverter
        from .csp import patch_chooser_widget
        from .middleware import session_timeout_on_login
        from .routing import connect_route_cache_signals
        from .slug_widget import register_slug_widget

        register_converter(IdConverter, "id")

        patch_chooser_widget()
        register_slug_widget()
        connect_route_cache_signals()
        user_logged_in.connect(session_timeout_on_login, dispatch_uid="lms.session_timeout_on_login")
