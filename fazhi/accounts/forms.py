from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        # One generic message for every failure: no user enumeration (security.md AUTH-5).
        "invalid_login": _("Please enter a correct username and password."),
        "inactive": _("Please enter a correct username and password."),
    }
