"""Audit action codes written by the assessment app (registered with fazhi.audit.actions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "assessment.indicators.load": _("Indicator set loaded"),
    "assessment.period.create": _("Assessment periods created"),
    "assessment.score.record": _("Score recorded"),
    "assessment.score.reverse": _("Score reversed"),
}
