from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def audit_dirs(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own witness folder and key folder."""
    for name in ("FAZHI_SM2_PRIVATE_KEY", "FAZHI_SM2_KEY_FILE", "FAZHI_SM2_TRUSTED_KEYS"):
        monkeypatch.delenv(name, raising=False)
    settings.VAR_DIR = tmp_path / "var"
    settings.FAZHI_AUDIT_WITNESS_DIR = tmp_path / "witness"
    return tmp_path


def tamper(sql: str, params: tuple[Any, ...] = ()) -> None:
    """Change audit rows behind the application's back, as a DBA could (PostgreSQL: with the
    append-only trigger disabled first, inside the test's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_auditcheckpoint DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_auditcheckpoint ENABLE TRIGGER USER")


@pytest.fixture
def audit_admin_client(client: Any, make_user: Any) -> Any:
    """A client logged in as the audit administrator with a verified second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user("auditor", admin_role="audit_admin")
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    client.user = user
    return client
