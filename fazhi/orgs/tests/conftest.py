from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def audit_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Capture the audit entries the orgs services write (the chain itself is tested in audit)."""
    calls: list[dict[str, Any]] = []
    import fazhi.orgs.seeding.run as seeding
    import fazhi.orgs.services as services

    real = services.audit_record

    def record(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "audit_record", record)
    monkeypatch.setattr(seeding, "audit_record", record)
    return calls


@pytest.fixture
def divisions(db: Any) -> Any:
    from django.core.management import call_command

    call_command("load_divisions", verbosity=0)
