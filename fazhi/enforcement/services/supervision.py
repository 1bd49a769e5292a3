"""Supervision alerts: open, keep, rectify and close them (issue 4 §7)."""

from __future__ import annotations

from typing import Any


def alerts_evaluate_case(case: Any, *, actor: Any = None) -> None:
    """Run the supervision rules over one case after a transition (called by the case services
    inside their transaction). Placeholder until the supervision rules land."""
    return
