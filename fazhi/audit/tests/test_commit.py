"""With real commits (transactional test): the on-commit checkpoint is made and verifies.

On PostgreSQL this test also proves that pytest-django's flush (TRUNCATE) still works with the
append-only trigger, through the test settings' `fazhi.audit_maintenance` session option.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from fazhi.audit.models import AuditCheckpoint
from fazhi.audit.services import audit_record, witness_path


@pytest.mark.django_db(transaction=True)
def test_every_committed_entry_gets_a_checkpoint(settings):
    settings.FAZHI_AUDIT_CHECKPOINT_EVERY = 1
    audit_record(actor=None, action="auth.login")
    audit_record(actor=None, action="auth.logout")
    assert list(AuditCheckpoint.objects.order_by("size").values_list("size", flat=True)) == [1, 2]
    assert len(witness_path().read_text().splitlines()) == 2
    call_command("verify_audit")  # raises CommandError when not intact
