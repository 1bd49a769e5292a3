from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

GENERIC_LOGIN_ERROR = _("Please enter a correct username and password.")


class LoginForm(AuthenticationForm):
    error_messages = {
        # One generic message for every failure: no user enumeration (security.md AUTH-5).
        "invalid_login": GENERIC_LOGIN_ERROR,
        "inactive": GENERIC_LOGIN_ERROR,
    }


class OtpTokenForm(forms.Form):
    """The 6-digit code from the administrator's authenticator app (security.md AUTH-6)."""

    token = forms.RegexField(
        label=_("Verification code"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("Enter the 6-digit code shown in your authenticator app.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
