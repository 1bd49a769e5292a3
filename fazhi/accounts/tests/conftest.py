from __future__ import annotations

from typing import Any

import pytest

PASSWORD = "Fazhi-Test-2026!"


@pytest.fixture
def audit_log(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record the audit_record calls of this app (the audit chain itself is tested in audit)."""
    from fazhi.accounts import lockout, services, views

    calls: list[dict[str, Any]] = []

    def record(**kwargs: Any) -> None:
        calls.append(kwargs)

    for module in (services, views, lockout):
        monkeypatch.setattr(module, "audit_record", record)
    return calls


def actions(calls: list[dict[str, Any]]) -> list[str]:
    return [c["action"] for c in calls]
