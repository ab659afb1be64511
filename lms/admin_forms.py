"""The Wagtail admin's login form with every label in the catalogue (WAGTAILADMIN_USER_LOGIN_FORM).

Wagtail's own form gives the password field no label, so Django shows the field name, "Password", untranslated.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        self.fields["remember"].label = _("Remember me")
