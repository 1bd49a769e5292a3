"""Session clocks start at login (security.md SESS-1).

`user_logged_in` fires inside `django.contrib.auth.login` after the session key has been cycled
(SESS-2), for the login form, the test client's `login`/`force_login` and any other path. Setting
both clocks here means the first page after a login finds its session unchanged and does not save
it again (fazhi.accounts.middleware.IdleTimeoutMiddleware).
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from fazhi.accounts.middleware import mark_session_start


@receiver(user_logged_in, dispatch_uid="fazhi.accounts.signals.start_session_clocks")
def start_session_clocks(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        mark_session_start(session, time.time())
