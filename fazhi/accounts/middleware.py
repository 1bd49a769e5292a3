"""Session controls: idle timeout and absolute lifetime (SESS-1), and the mandatory second factor
for administrators (AUTH-6)."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

LAST_SEEN = "fazhi_last_seen"
SESSION_STARTED = "fazhi_started"

# Activity is recorded at most once a minute. Writing the time on every request made
# SessionMiddleware save the session on every signed-in page (three queries: savepoint or BEGIN,
# UPDATE django_session, release or COMMIT), against performance.md B7's 10 queries a page. The
# cost: idle time is counted from up to a minute before the last page, so a session can end up to
# a minute early (after 29-30 min, 14-15 min for the admins), never late (security.md SESS-1).
# The absolute lifetime counts from login and is unaffected.
ACTIVITY_RESOLUTION_SECONDS = 60


def mark_session_start(session: SessionBase, now: float) -> None:
    """Start the absolute lifetime and the idle clock (called at login, fazhi.accounts.signals)."""
    session[SESSION_STARTED] = now
    session[LAST_SEEN] = now


class IdleTimeoutMiddleware:
    """Log out a session idle longer than FAZHI_IDLE_TIMEOUT (15 min for the three admins) or
    older than FAZHI_SESSION_MAX_AGE (12 h) however active it is.

    The last activity is written at most every ACTIVITY_RESOLUTION_SECONDS, so most pages leave
    the session unmodified and SessionMiddleware does not save it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            limit = (
                settings.FAZHI_ADMIN_IDLE_TIMEOUT
                if getattr(user, "admin_role", "")
                else settings.FAZHI_IDLE_TIMEOUT
            )
            now = time.time()
            last = request.session.get(LAST_SEEN)
            started = request.session.setdefault(SESSION_STARTED, now)
            idle = last is not None and now - float(last) > limit.total_seconds()
            expired = now - float(started) > settings.FAZHI_SESSION_MAX_AGE.total_seconds()
            if idle or expired:
                from fazhi.accounts.services import session_expire

                session_expire(request=request, reason="idle" if idle else "max_age")
                logout(request)
                query = urlencode({"next": request.get_full_path(), "idle": 1})
                return redirect(f"{settings.LOGIN_URL_PATH}?{query}")
            if last is None or now - float(last) >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class AdminSecondFactorMiddleware:
    """The three administrators must pass TOTP before any page but the OTP pages themselves."""

    ALLOWED_PREFIXES = ("/accounts/otp/", "/accounts/logout/", "/static/", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "admin_role", "")
            and not user.is_verified()  # set by django_otp's OTPMiddleware
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            return redirect("accounts:otp")
        return self.get_response(request)
