"""Login, logout and the administrators' TOTP step."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.forms.utils import ErrorDict
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from fazhi.accounts.forms import GENERIC_LOGIN_ERROR, LoginForm, OtpTokenForm
from fazhi.audit.services import audit_record


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Credentials travel only in POST bodies, never in URLs or their logs (AUTH-8).
        if "password" in request.GET:
            return HttpResponseBadRequest()
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: LoginForm) -> HttpResponse:
        # auth.login() gives the session a new key (security.md SESS-2); its user_logged_in
        # signal starts the session's absolute lifetime and idle clock (fazhi.accounts.signals).
        response = super().form_valid(form)
        audit_record(actor=form.get_user(), action="auth.login", request=self.request)
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET); deletes the server-side session."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit_record(actor=request.user, action="auth.logout", request=request)
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What a locked-out login sees: the same generic message as a wrong password, HTTP 429
    (security.md AUTH-4/5)."""
    # Never bind the POST here: validating it would try to authenticate again.
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    form.cleaned_data = {}
    form._errors = ErrorDict()
    form.add_error(None, GENERIC_LOGIN_ERROR)
    return render(request, "accounts/login.html", {"form": form}, status=429)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@method_decorator([sensitive_post_parameters("token"), never_cache], name="dispatch")
class OtpView(View):
    """Second factor for the three administrators (security.md AUTH-6).

    With a confirmed TOTP device the administrator enters the current code; without one, the page
    shows the otpauth QR of a new, unconfirmed device and one valid code confirms it. django-otp
    remembers the last accepted time step, so a code cannot be used twice.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.admin_role or request.user.is_verified():
            return redirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def _confirmed(self, request: HttpRequest) -> TOTPDevice | None:
        return TOTPDevice.objects.filter(user=request.user, confirmed=True).first()

    def _pending(self, request: HttpRequest) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=request.user, name=_("Authenticator app"), confirmed=False
            )
        return device

    def _render(
        self, request: HttpRequest, form: OtpTokenForm, device: TOTPDevice, status: int = 200
    ) -> HttpResponse:
        context: dict[str, Any] = {"form": form, "next": _next_url(request)}
        if device.confirmed:
            return render(request, "accounts/otp_verify.html", context, status=status)
        qr = segno.make_qr(device.config_url)
        context["qr_svg"] = mark_safe(qr.svg_inline(scale=5, title=_("Authenticator QR code")))  # noqa: S308 - segno output
        context["secret"] = b32encode(device.bin_key).decode("ascii").rstrip("=")
        return render(request, "accounts/otp_enrol.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        device = self._confirmed(request) or self._pending(request)
        return self._render(request, OtpTokenForm(), device)

    def post(self, request: HttpRequest) -> HttpResponse:
        device = self._confirmed(request) or self._pending(request)
        form = OtpTokenForm(request.POST)
        if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
            enrolling = not device.confirmed
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session.cycle_key()  # privilege change → new session key (SESS-2)
            audit_record(
                actor=request.user,
                action="auth.otp_enrolled" if enrolling else "auth.otp_verified",
                target=device,
                request=request,
            )
            return HttpResponseRedirect(_next_url(request))
        audit_record(
            actor=request.user,
            action="auth.otp_failed",
            target=device,
            request=request,
            outcome="failure",
        )
        if form.is_valid():
            form.add_error("token", _("The code is not valid or has already been used."))
        return self._render(request, form, device, status=400)
