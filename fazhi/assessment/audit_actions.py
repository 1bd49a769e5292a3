"""Audit action codes written by the assessment app (registered with fazhi.audit.actions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "assessment.indicators.load": _("Indicator set loaded"),
    "assessment.period.create": _("Assessment periods created"),
    "assessment.score.record": _("Score recorded"),
    "assessment.score.reverse": _("Score reversed"),
}


def register_actions() -> None:
    """Register this app's action codes; called from AssessmentConfig.ready()."""
    try:
        from fazhi.audit.actions import register
    except ImportError:  # the audit app's registry is being written in parallel (issue 2)
        return
    for code, label in ACTIONS.items():
        register(code, label)
