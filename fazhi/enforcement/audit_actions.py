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
    # security.md QR-9: a burst of unknown public tokens (services/token_watch.py)
    "enforcement.public_token.guess_burst": _("Burst of unknown public links (possible guessing)"),
    "enforcement.training.record": _("Officer training recorded"),
    # -- authority lists, benchmarks, first-violation lists (issue 4 §3)
    "enforcement.authority_item.create": _("Authority item created"),
    "enforcement.authority_item.update": _("Authority item changed"),
    "enforcement.authority_item.publish": _("Authority item published"),
    "enforcement.authority_item.confirm_basis": _("Inferred legal basis confirmed"),
    "enforcement.benchmark.create": _("Discretion benchmark version created"),
    "enforcement.benchmark.update": _("Discretion benchmark version changed"),
    "enforcement.benchmark.publish": _("Discretion benchmark version published"),
    "enforcement.first_violation_list.create": _("First-violation list created"),
    "enforcement.first_violation_list.update": _("First-violation list changed"),
    "enforcement.first_violation_list.publish": _("First-violation list published"),
    # registry (issue 4 §1): enforcement subjects and Excel import
    "enforcement.subject.create": _("Enforcement subject registered"),
    "enforcement.subject.update": _("Enforcement subject changed"),
    "enforcement.subject.publish": _("Enforcement subject published"),
    "enforcement.subject.withdraw": _("Enforcement subject withdrawn from publication"),
    "enforcement.registry.import": _("Registry workbook imported"),
    "enforcement.registry.export": _("Registry workbook exported"),
    # -- badges (issue 4 §2)
    "enforcement.badge.issue": _("Officer badge issued"),
    "enforcement.badge.download": _("Officer badge PDF downloaded"),
    # -- supervision alerts (§7)
    "enforcement.alert.open": _("Supervision alert opened"),
    "enforcement.alert.rectify": _("Supervision alert rectification recorded"),
    "enforcement.alert.closed": _("Supervision alert closed"),
    "enforcement.alert.unfounded": _("Supervision alert found unfounded"),
    "enforcement.alert.sweep": _("Supervision sweep opened or closed alerts"),
    # -- documents and case code (issue 4 §5)
    "enforcement.document.generate": _("Enforcement document generated"),
    "enforcement.document.download": _("Enforcement document downloaded"),
    "enforcement.case_code.check_failed": _("Wrong party check on a case code page"),
    "enforcement.case_code.download": _("Decision downloaded through the case code"),
    "enforcement.case_code.revoke": _("Case code revoked"),
    "enforcement.rating.submit": _("Party rated the officers of a case"),
    # -- disclosure (issue 4 §6)
    "enforcement.disclosure.publish": _("Enforcement decision published"),
    "enforcement.disclosure.withdraw": _("Published enforcement decision withdrawn"),
    # -- cases (issue 4 §4)
    "enforcement.party.create": _("Party of an enforcement case registered"),
    "enforcement.case.open": _("Enforcement case opened"),
    "enforcement.case.officer_add": _("Officer added to an enforcement case"),
    "enforcement.case.transition": _("Enforcement case moved to another step"),
    "enforcement.case.extend": _("Decision deadline of an enforcement case extended"),
    "enforcement.case.measure_extend": _("Coercive measure of an enforcement case extended"),
    "enforcement.legal_review.request": _("Legal review of an enforcement case requested"),
    "enforcement.legal_review.record": _("Legal review opinion recorded"),
}
