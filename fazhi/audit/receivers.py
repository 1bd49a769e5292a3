"""Auth events → audit entries (security.md AUD-1).

Django's auth signals and django-axes' `user_locked_out` are the extension points for events that
happen inside django.contrib.auth and axes. The accounts views record some of the same events
directly; `audit_record` keeps at most one entry per auth code and request, so each event is
written exactly once whichever side runs first.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from fazhi.audit.services import audit_record, recorded_on_request

_UID = "fazhi.audit.receivers"


def _username(credentials: dict[str, Any] | None, request: Any) -> str:
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = getattr(request, "POST", {}).get("username")
    return str(raw or "")[:150]


@receiver(user_logged_in, dispatch_uid=f"{_UID}.logged_in")
def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login", request=request)


@receiver(user_logged_out, dispatch_uid=f"{_UID}.logged_out")
def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if recorded_on_request(request, "auth.idle_timeout"):
        return  # the idle timeout entry already says why the session ended
    audit_record(actor=user, action="auth.logout", request=request)


@receiver(user_login_failed, dispatch_uid=f"{_UID}.login_failed")
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # `credentials` has the password already masked by Django; only the username is kept.
    audit_record(
        actor=None,
        action="auth.login_failed",
        request=request,
        outcome="failure",
        detail={"username": _username(credentials, request)},
    )


@receiver(user_locked_out, dispatch_uid=f"{_UID}.locked_out")
def on_locked_out(sender: Any, request: Any = None, username: Any = None, **kwargs: Any) -> None:
    audit_record(
        actor=None,
        action="auth.lockout",
        request=request,
        outcome="failure",
        detail={"username": str(username or "")[:150], "ip": kwargs.get("ip_address") or ""},
    )
