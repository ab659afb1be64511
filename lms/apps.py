from django.apps import AppConfig


class LmsConfig(AppConfig):
    """The project package as an app: it only connects the session timeout to logging in (lms.middleware)."""

    name = "lms"
    verbose_name = "One-Stop Academy"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_timeout_on_login

        user_logged_in.connect(session_timeout_on_login, dispatch_uid="lms.session_timeout_on_login")
