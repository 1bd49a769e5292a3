"""After-the-fact disclosure of decided cases (issue 4 §6)."""

from __future__ import annotations

from typing import Any


def disclosure_after_transition(case: Any, *, actor: Any = None) -> None:
    """Publish, or withdraw, a case's disclosure after a transition (called by the case services
    inside their transaction). Placeholder until disclosure lands."""
    return
