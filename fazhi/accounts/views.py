"""Login, logout and the administrators' TOTP step."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from fazhi.accounts.forms import LoginForm

GENERIC_LOGIN_ERROR = "Please enter a correct username and password."


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """What a locked-out login sees: the same generic message as a wrong password (AUTH-4/5)."""
    form = LoginForm(request)
    form.add_error(None, _(GENERIC_LOGIN_ERROR))
    return render(request, "accounts/login.html", {"form": form}, status=429)
