"""Audit action codes written by the enforcement app (registered with fazhi.audit.actions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "enforcement.officer.create": _("Enforcement officer registered"),
    "enforcement.certificate.apply": _("Enforcement certificate applied for"),
    "enforcement.certificate.pass_exam": _("Qualification exam of a certificate applicant passed"),
    "enforcement.certificate.issue": _("Enforcement certificate issued"),
    "enforcement.certificate.activate": _("Enforcement certificate activated"),
    "enforcement.certificate.suspend": _("Enforcement certificate suspended"),
    "enforcement.certificate.reinstate": _("Enforcement certificate reinstated"),
    "enforcement.certificate.revoke": _("Enforcement certificate revoked"),
    "enforcement.certificate.cancel": _("Enforcement certificate cancelled"),
    "enforcement.certificate.expire": _("Enforcement certificate expired"),
    "enforcement.training.record": _("Officer training recorded"),
    # -- badges (issue 4 §2)
    "enforcement.badge.issue": _("Officer badge issued"),
    "enforcement.badge.download": _("Officer badge PDF downloaded"),
}
