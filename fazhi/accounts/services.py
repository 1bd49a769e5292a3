"""Writes on users and roles. Every write records an audit entry in the same transaction."""

from __future__ import annotations

from django.http import HttpRequest


def session_expire(*, request: HttpRequest) -> None:
    """Record that an idle session was ended (audit action `auth.idle_timeout`)."""
    from fazhi.audit.services import audit_record

    audit_record(
        actor=request.user,
        action="auth.idle_timeout",
        request=request,
        target=request.user,
    )
