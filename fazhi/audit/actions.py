"""The registry of audit action codes (security.md AUD-1).

Every app registers the codes it writes, with a translatable label, from its AppConfig.ready();
`audit_record` refuses a code that is not registered, so a typo cannot create a silent new event
type. Registering the same code twice is allowed (apps may share the auth codes); the first label
wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_REGISTRY: dict[str, Promise | str] = {}


class UnknownAction(LookupError):
    """audit_record was called with a code nobody registered."""


def register(code: str, label: Promise | str) -> None:
    """Register `code` ("app.entity.verb", lower case, dotted) with its user-facing label."""
    if not _CODE.match(code) or len(code) > 64:
        raise ValueError(f"invalid audit action code {code!r}")
    _REGISTRY.setdefault(code, label)


def register_all(actions: Mapping[str, Promise | str]) -> None:
    """Register an app's table of action codes; each app calls this from its ready()."""
    for code, text in actions.items():
        register(code, text)


def is_registered(code: str) -> bool:
    return code in _REGISTRY


def require(code: str) -> None:
    if code not in _REGISTRY:
        raise UnknownAction(f"audit action {code!r} is not registered")


def label(code: str) -> str:
    """The label in the active language; an unknown code (e.g. from an old row) shows itself."""
    value = _REGISTRY.get(code)
    return str(value) if value is not None else code


def choices() -> list[tuple[str, str]]:
    return sorted(((code, label(code)) for code in _REGISTRY), key=lambda c: c[0])


AUDIT_ACTIONS = {
    "auth.login": _("Logged in"),
    "auth.logout": _("Logged out"),
    "auth.login_failed": _("Login failed"),
    "auth.lockout": _("Account locked after failed logins"),
    "auth.idle_timeout": _("Session ended after inactivity"),
    "auth.otp_failed": _("Second factor code refused"),
    "audit.view": _("Audit log viewed"),
    "audit.export": _("Audit log exported"),
}

