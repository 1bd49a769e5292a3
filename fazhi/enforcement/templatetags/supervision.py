"""Template helpers of the supervision pages and the case panel."""

from __future__ import annotations

from typing import Any

from django import template

from fazhi.enforcement.rules.supervision import RULES_BY_CODE

register = template.Library()


@register.simple_tag
def case_alerts(case: Any) -> list[Any]:
    """The alerts of one case, newest first (one query)."""
    from fazhi.enforcement.selectors.supervision import alerts_for_case

    return list(alerts_for_case(case)) if case is not None and case.pk else []


@register.filter
def rule_title(code: str) -> str:
    rule = RULES_BY_CODE.get(code)
    return rule.title if rule else code
