"""Audit action codes written by the orgs app (registered with fazhi.audit.actions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "orgs.division.load": _("Administrative divisions loaded"),
    "orgs.sector.load": _("Enforcement sectors loaded"),
    "orgs.agency.create": _("Agency created"),
    "orgs.agency.update": _("Agency updated"),
    "orgs.seed.run": _("Demo or region data seeded"),
    "orgs.holidays.load": _("Official holiday schedule of a year loaded"),
}
