"""Audit action codes written by the accounts app (registered with fazhi.audit.actions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "accounts.user.create": _("User account created"),
    "accounts.user.deactivate": _("User account disabled"),
    "accounts.user.unlock": _("Locked account unlocked"),
    "accounts.role.assign": _("Role granted"),
    "accounts.role.revoke": _("Role revoked"),
    "accounts.admin_role.set": _("Administrator post set"),
    "accounts.password.change": _("Password changed"),
    "auth.login": _("Logged in"),
    "auth.login_failed": _("Login failed"),
    "auth.lockout": _("Account locked after failed logins"),
    "auth.logout": _("Logged out"),
    "auth.idle_timeout": _("Session ended after inactivity"),
    "auth.otp_enrolled": _("Second factor enrolled"),
    "auth.otp_verified": _("Second factor verified"),
    "auth.otp_failed": _("Second factor code refused"),
}
