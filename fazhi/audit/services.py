"""Stub: replaced by the audit chain implementation."""

from typing import Any


def audit_record(**kwargs: Any) -> None:
    return None
