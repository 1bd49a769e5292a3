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
    # registry (issue 4 §1): enforcement subjects and Excel import
    "enforcement.subject.create": _("Enforcement subject registered"),
    "enforcement.subject.update": _("Enforcement subject changed"),
    "enforcement.subject.publish": _("Enforcement subject published"),
    "enforcement.subject.withdraw": _("Enforcement subject withdrawn from publication"),
    "enforcement.registry.import": _("Registry workbook imported"),
    "enforcement.registry.export": _("Registry workbook exported"),
}
