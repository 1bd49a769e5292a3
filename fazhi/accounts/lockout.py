"""Login lockout on top of django-axes (security.md AUTH-4).

Rule: 5 failed logins for one username within 15 minutes lock that username for 30 minutes; every
attempt while locked, even with the right password, gets HTTP 429 and the same generic message as
a wrong password. Separately, one IP address is throttled after 20 failures within 15 minutes
(over any usernames), so an attacker cannot cheaply lock out many accounts from one address while
a shared office NAT does not lock out a whole agency after a few typos.

axes' stock database handler counts failures in one `AccessAttempt` row whose time moves with every
failure, so "5 in 15 minutes" becomes "5 with gaps under the cool-off": a slow guesser is locked
after hours. It also has one limit for all lockout parameters. This handler keeps axes' plumbing
(backend check, signals, middleware, lockout response) but counts axes' own `AccessFailureLog`
rows in a sliding window, one limit per parameter. `AXES_LOCKOUT_PARAMETERS` therefore says
["username", "ip_address"]: either one locks (which also satisfies axes.W006).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.http import HttpRequest

from fazhi.accounts.rules.roles import normalize_username
from fazhi.audit.services import audit_record


def client_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The username axes counts under: NFKC, case-folded, so `Zhang` and `zhang` share a count
    (usernames are case-insensitive, AUTH-1). Configured as AXES_USERNAME_CALLABLE."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = getattr(request, "POST", {}).get("username")
    return normalize_username(raw) if raw else None


def _window() -> timedelta:
    return settings.FAZHI_LOCKOUT_WINDOW


def _cooloff() -> timedelta:
    return settings.AXES_COOLOFF_TIME


def username_locked(*, username: str, now: Any) -> bool:
    """A lock starts at the failure that reached the limit and lasts AXES_COOLOFF_TIME."""
    return AccessFailureLog.objects.filter(
        username=username, locked_out=True, attempt_time__gt=now - _cooloff()
    ).exists()


def username_failures(*, username: str, now: Any) -> int:
    return AccessFailureLog.objects.filter(
        username=username, attempt_time__gt=now - _window()
    ).count()


def ip_failures(*, ip_address: str, now: Any) -> int:
    return AccessFailureLog.objects.filter(
        ip_address=ip_address, attempt_time__gt=now - _window()
    ).count()


def lockout_clear(*, username: str) -> int:
    """Forget the failures of `username` (used by the security administrator's unlock)."""
    count, _ = AccessFailureLog.objects.filter(username=normalize_username(username)).delete()
    return count


class WindowedLockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: sliding-window counts over AccessFailureLog (see the module docstring)."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        now = request.axes_attempt_time
        username = get_client_username(request, credentials)
        if username and username_locked(username=username, now=now):
            return limit
        ip_address = request.axes_ip_address
        ip_limit = settings.FAZHI_IP_FAILURE_LIMIT
        if ip_address and ip_failures(ip_address=ip_address, now=now) >= ip_limit:
            return limit
        return username_failures(username=username, now=now) if username else 0

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        if request is None:
            return
        username = get_client_username(request, credentials)
        if request.axes_locked_out:
            # Refused before the password was checked: not counted again, so the lock does not
            # extend itself, but audited. user_locked_out is sent only when the lock starts, so
            # the log has one auth.lockout per lock (AUTH-4).
            audit_record(
                actor=None,
                action="auth.login_failed",
                request=request,
                outcome="failure",
                detail={"username": username, "reason": "locked"},
            )
            request.axes_credentials = credentials
            return
        if self.is_whitelisted(request, credentials):
            return
        now = request.axes_attempt_time
        failure = AccessFailureLog.objects.create(
            username=username,
            ip_address=request.axes_ip_address,
            user_agent=request.axes_user_agent,
            http_accept=request.axes_http_accept,
            path_info=request.axes_path_info,
            attempt_time=now,
        )
        audit_record(
            actor=None,
            action="auth.login_failed",
            request=request,
            outcome="failure",
            detail={"username": username, "reason": "credentials"},
        )
        limit = get_failure_limit(request, credentials)
        if username and username_failures(username=username, now=now) >= limit:
            AccessFailureLog.objects.filter(pk=failure.pk).update(locked_out=True)
            request.axes_locked_out = True
            request.axes_credentials = credentials
            audit_record(
                actor=None,
                action="auth.lockout",
                request=request,
                outcome="failure",
                detail={"username": username, "reason": "too_many_failures"},
            )
            user_locked_out.send(
                "axes", request=request, username=username, ip_address=request.axes_ip_address
            )

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        # A success ends the run of consecutive failures (AXES_RESET_ON_SUCCESS semantics).
        AccessFailureLog.objects.filter(username=normalize_username(user.get_username())).delete()
