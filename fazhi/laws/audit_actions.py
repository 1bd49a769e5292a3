"""Audit action codes written by the laws app (registered with fazhi.audit.actions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "laws.law.load": _("Law texts loaded"),
    "laws.version.create": _("New version of a law recorded"),
    "laws.version.status": _("Status of a law version changed"),
}
