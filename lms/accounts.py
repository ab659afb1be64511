"""Account views the project puts in front of django.contrib.auth's: the throttled password reset."""

import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from .http import client_ip, rate_limit_hit


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Password reset, throttled per e-mail address and per client address in the shared cache.

    Beyond `LMS_PASSWORD_RESET_PER_ADDRESS` requests for one address in `LMS_PASSWORD_RESET_WINDOW` seconds the
    visitor sees the same neutral "check your e-mail" page as always, and no e-mail is sent: nothing tells an
    attacker whether the address exists or was throttled. Beyond `LMS_PASSWORD_RESET_PER_CLIENT` requests from
    one client address the form answers 429 with a message to wait.
    """

    def post(self, request, *args, **kwargs):
        window = settings.LMS_PASSWORD_RESET_WINDOW
        if rate_limit_hit(f"password-reset:client:{client_ip(request)}",
                          limit=settings.LMS_PASSWORD_RESET_PER_CLIENT, window=window):
            context = self.get_context_data(form=self.get_form(), throttled=True)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(window)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        address = form.cleaned_data["email"].strip().lower()
        digest = hashlib.sha256(address.encode()).hexdigest()  # no e-mail address in cache keys
        if rate_limit_hit(f"password-reset:address:{digest}", limit=settings.LMS_PASSWORD_RESET_PER_ADDRESS,
                          window=settings.LMS_PASSWORD_RESET_WINDOW):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context.get("throttled"):
            context["throttle_message"] = _(
                "Too many password reset requests from your connection. Please wait a while and try again."
            )
        return context
