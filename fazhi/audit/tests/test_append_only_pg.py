"""PostgreSQL refuses UPDATE, DELETE and TRUNCATE on the audit tables (security.md AUD-3)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from fazhi.audit.models import AuditCheckpoint, AuditEntry
from fazhi.audit.services import audit_checkpoint, audit_record

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger"),
]


@pytest.fixture
def rows():
    for _ in range(3):
        audit_record(actor=None, action="auth.login")
    audit_checkpoint()


def refused(fn) -> bool:
    try:
        with transaction.atomic():
            fn()
    except DatabaseError as exc:
        return "append-only" in str(exc)
    return False


def raw(sql: str):
    def run():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL fazhi.audit_maintenance = 'off'")
            cursor.execute(sql)

    return run


@pytest.mark.parametrize("model", [AuditEntry, AuditCheckpoint])
def test_orm_update_and_delete_are_refused(rows, model):
    table = model._meta.db_table
    assert refused(lambda: model.objects.update(at="2020-01-01T00:00:00Z"))
    assert refused(lambda: model.objects.filter(pk=model.objects.first().pk).delete())
    assert refused(raw(f"UPDATE {table} SET at = now()"))
    assert refused(raw(f"DELETE FROM {table}"))
    assert refused(raw(f"TRUNCATE {table} CASCADE"))
    assert model.objects.count() == (3 if model is AuditEntry else 1)


def test_inserts_still_work(rows):
    audit_record(actor=None, action="auth.logout")
    assert AuditEntry.objects.count() == 4
